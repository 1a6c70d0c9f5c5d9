"""A union's public page (#18: TRN-1, TRN-5, TRN-6, CON-13's written form): who
publishes, what everyone reads, attachments checked by content, versions and their
diff, withdrawn entries, the register of accounts, subscriptions and their
notifications, the audit's facts, and bounded queries."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.business.models import CharterVersion, WrittenReport
from tongxue.business.selectors import union_findings
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.disclosure import files as dfiles
from tongxue.disclosure import services
from tongxue.disclosure.files import clean_file, clean_files
from tongxue.disclosure.models import (
    Attachment,
    OfficialAccount,
    RuleVersion,
    Subscription,
    WorkEntry,
)
from tongxue.notifications.models import Notification
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Union:
    federation: Organisation
    school: Organisation
    union: Organisation
    dept: Organisation
    club: Organisation
    other: Organisation
    users: dict[str, Any] = field(default_factory=dict)


def build(prefix: str = "D") -> Union:
    p = prefix
    federation = OrganisationFactory(
        code=f"{p}PF", name=f"{p}省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = SchoolFactory(code=f"{p}SCH", name=f"{p}大学", parent=federation)
    union = OrganisationFactory(code=f"{p}SU", name=f"{p}大学学生会", parent=school)
    dept = OrganisationFactory(
        code=f"{p}DU",
        name=f"{p}法学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    club = OrganisationFactory(
        code=f"{p}CL", name=f"{p}摄影协会", kind=OrgKind.CLUB, parent=union
    )
    other_school = SchoolFactory(code=f"{p}SCH2", name=f"{p}学院", parent=federation)
    other = OrganisationFactory(
        code=f"{p}SU2", name=f"{p}学院学生会", parent=other_school
    )
    u = Union(federation, school, union, dept, club, other)
    low = p.lower()

    def role(name: str, org: Organisation, kind: str) -> None:
        user = UserFactory(username=f"{low}-{name}")
        RoleFactory(user=user, organisation=org, role=kind)
        u.users[name] = user

    role("union_admin", union, RoleKind.UNION_ADMIN)
    role("cadre", union, RoleKind.UNION_CADRE)
    role("advisor", school, RoleKind.LEAGUE_ADVISOR)
    role("party", school, RoleKind.PARTY_APPROVER)
    role("federation_admin", federation, RoleKind.FEDERATION_ADMIN)
    role("dept_admin", dept, RoleKind.UNION_ADMIN)
    role("delegate", union, RoleKind.DELEGATE)
    role("other_admin", other, RoleKind.UNION_ADMIN)
    student = UserFactory(username=f"{low}-student")
    PersonFactory(name=f"{p}同学", user=student)
    u.users["student"] = student
    u.users["operator"] = UserFactory(
        username=f"{low}-operator", is_superuser=True, is_staff=True
    )
    admin_person = PersonFactory(name=f"{p}主席", user=u.users["union_admin"])
    assert admin_person.user_id == u.users["union_admin"].pk
    return u


@pytest.fixture
def du() -> Union:
    return build()


def rule(du: Union, *, by: str = "union_admin", **kw: Any) -> RuleVersion:
    return services.publish_rule(
        actor=du.users[by],
        union=kw.pop("union", du.union),
        kind=kw.pop("kind", "working"),
        title=kw.pop("title", "学生会工作制度"),
        text=kw.pop(
            "text", "第一条 本会定名为学生会。\n第二条 每学期公开工作事务一次。"
        ),
        in_force_from=kw.pop("in_force_from", TODAY),
        **kw,
    )


def entry(du: Union, *, by: str = "union_admin", **kw: Any) -> WorkEntry:
    return services.publish_entry(
        actor=du.users[by],
        union=kw.pop("union", du.union),
        kind=kw.pop("kind", "minutes"),
        title=kw.pop("title", "主席团会议纪要"),
        body=kw.pop("body", "会议决定举办迎新晚会。"),
        dated=kw.pop("dated", TODAY),
        **kw,
    )


def account(du: Union, *, by: str = "union_admin", **kw: Any) -> OfficialAccount:
    return services.save_account(
        actor=du.users[by],
        union=du.union,
        owner=kw.pop("owner", du.union),
        platform=kw.pop("platform", "wechat"),
        name=kw.pop("name", "D大学学生会"),
        account_id=kw.pop("account_id", "dxsh2017"),
        responsible=kw.pop("responsible", "宣传部部长 张三"),
        **kw,
    )


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


# -- who publishes ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["union_admin", "federation_admin", "operator"])
def test_the_unions_administrators_publish(du: Union, who: str) -> None:
    v = rule(du, by=who)
    e = entry(du, by=who)
    a = account(du, by=who)
    assert (v.number, e.union, a.union) == (1, du.union, du.union)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "disclosure.rule_publish",
        "disclosure.entry_publish",
        "disclosure.account_add",
    } <= actions
    event = AuditEvent.objects.get(action="disclosure.entry_publish")
    assert "迎新" not in str(event.data) and event.data["kind"] == "minutes"


@pytest.mark.parametrize(
    "who",
    ["cadre", "advisor", "party", "dept_admin", "delegate", "student", "other_admin"],
)
def test_others_do_not(du: Union, who: str) -> None:
    for write in (rule, entry, account):
        with pytest.raises(Refusal) as refused:
            write(du, by=who)
        assert refused.value.code == "forbidden"
    assert not WorkEntry.objects.exists() and not RuleVersion.objects.exists()


def test_a_department_union_has_its_own_page(du: Union) -> None:
    e = entry(du, by="dept_admin", union=du.dept)
    assert e.union == du.dept
    with pytest.raises(Refusal):
        entry(du, by="dept_admin", union=du.club)  # a club has no public page


# -- rules and versions ----------------------------------------------------------------------


def test_versions_their_diff_and_the_one_in_force(du: Union, client: Client) -> None:
    v1 = rule(du, in_force_from=TODAY - dt.timedelta(days=30))
    document = v1.document
    v2 = services.publish_rule(
        actor=du.users["union_admin"],
        union=du.union,
        document=document,
        text="第一条 本会定名为学生会。\n第二条 每月公开工作事务一次。",
        in_force_from=TODAY,
        note="公开改为每月",
    )
    v3 = services.publish_rule(
        actor=du.users["union_admin"],
        union=du.union,
        document=document,
        text="第一条 本会定名为学生会。\n第二条 每月公开工作事务一次。\n第三条 自公布之日起施行。",
        in_force_from=TODAY + dt.timedelta(days=10),
    )
    assert (v2.number, v3.number) == (2, 3)
    assert v2.publisher_name == "D主席"
    page = client.get(reverse("disclosure:rule", args=[du.union.code, document.pk]))
    html = page.content.decode()
    # v2 is in force (v3 comes into force in 10 days), marked so
    assert 'data-version="2" aria-current="true"' in html
    assert 'id="current-badge"' in html
    shown = client.get(
        reverse("disclosure:version", args=[du.union.code, document.pk, 2])
    ).content.decode()
    # the character that changed, not the whole line
    assert '<del><span class="skip">' in shown and "学期</del>" in shown
    assert "月</ins>" in shown
    against = client.get(
        reverse("disclosure:version", args=[du.union.code, document.pk, 3]),
        {"against": "1"},
    ).content.decode()
    assert "第三条 自公布之日起施行。</ins>" in against


def test_a_version_is_refused_unchanged_or_earlier(du: Union) -> None:
    v1 = rule(du)
    with pytest.raises(Refusal) as same:
        services.publish_rule(
            actor=du.users["union_admin"],
            union=du.union,
            document=v1.document,
            text=v1.text,
            in_force_from=TODAY,
        )
    assert (same.value.code, same.value.field) == ("unchanged", "text")
    with pytest.raises(Refusal) as earlier:
        services.publish_rule(
            actor=du.users["union_admin"],
            union=du.union,
            document=v1.document,
            text="新文本",
            in_force_from=TODAY - dt.timedelta(days=1),
        )
    assert earlier.value.field == "in_force_from"
    with pytest.raises(Refusal) as twice:
        rule(du)
    assert twice.value.code == "duplicate"


def test_a_repealed_rule_takes_no_new_version(du: Union, client: Client) -> None:
    v1 = rule(du, in_force_from=TODAY - dt.timedelta(days=5))
    with pytest.raises(Refusal):
        services.repeal_rule(
            actor=du.users["cadre"], document=v1.document, repealed_on=TODAY, reason="x"
        )
    client.force_login(du.users["union_admin"])
    url = reverse("disclosure:repeal", args=[du.union.code, v1.document.pk])
    assert "confirm-form" in client.get(url).content.decode()  # asked first
    done = client.post(
        url, {"repeal-repealed_on": TODAY.isoformat(), "repeal-reason": "合并"}
    )
    assert done.status_code == 302
    with pytest.raises(Refusal):
        services.publish_rule(
            actor=du.users["union_admin"],
            union=du.union,
            document=v1.document,
            text="新文本",
            in_force_from=TODAY,
        )


# -- work affairs, attachments ---------------------------------------------------------------


def test_attachments_are_checked_by_their_content() -> None:
    assert clean_file(SimpleUploadedFile("纪要.pdf", PDF)).content_type == dfiles.PDF
    picture = clean_file(SimpleUploadedFile("photo", png()))
    assert (picture.content_type, picture.name) == ("image/png", "photo.png")
    word = clean_file(SimpleUploadedFile("计划.docx", docx()))
    assert word.content_type.endswith("wordprocessingml.document")
    for name, data in (
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("archive.docx", b"PK\x03\x04not a zip"),
    ):
        with pytest.raises(Refusal) as refused:
            clean_file(SimpleUploadedFile(name, data))
        assert (refused.value.code, refused.value.field) == ("file-type", "attachments")


def test_attachments_size_and_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dfiles, "MAX_BYTES", len(PDF))
    assert clean_file(SimpleUploadedFile("a.pdf", PDF)).size == len(PDF)  # at the limit
    with pytest.raises(Refusal) as big:
        clean_file(SimpleUploadedFile("b.pdf", PDF + b" "))  # one byte more
    assert big.value.code == "file-too-large"
    five = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(dfiles.MAX_FILES)]
    assert len(clean_files(five)) == dfiles.MAX_FILES
    with pytest.raises(Refusal) as many:
        clean_files([*five, SimpleUploadedFile("6.pdf", PDF)])
    assert many.value.code == "too-many-files"


def test_the_forms_help_text_states_the_limits() -> None:
    from tongxue.disclosure.forms import EntryForm

    help_text = str(EntryForm().fields["attachments"].help_text)
    assert f"{dfiles.MAX_FILES} " in help_text
    assert f"{dfiles.MAX_BYTES // (1024 * 1024)} MB" in help_text


def test_publishing_an_entry_with_files_on_the_page(du: Union, client: Client) -> None:
    client.force_login(du.users["union_admin"])
    response = client.post(
        reverse("disclosure:affairs", args=[du.union.code]),
        {
            "entry-kind": "activity",
            "entry-title": "迎新晚会活动报告",
            "entry-dated": TODAY.isoformat(),
            "entry-body": "参与同学 600 人。",
            "entry-attachments": [
                SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("现场.png", png(), content_type="image/png"),
            ],
        },
    )
    assert response.status_code == 302
    e = WorkEntry.objects.get()
    names = list(Attachment.objects.filter(entry=e).values_list("name", flat=True))
    assert names == ["报告.pdf", "现场.png"]
    pdf = Attachment.objects.get(name="报告.pdf")
    download = Client().get(
        reverse("disclosure:attachment", args=[du.union.code, e.pk, pdf.pk])
    )
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    # a refused file names itself on the form, nothing is published
    bad = client.post(
        reverse("disclosure:affairs", args=[du.union.code]),
        {
            "entry-kind": "minutes",
            "entry-title": "t",
            "entry-dated": TODAY.isoformat(),
            "entry-body": "b",
            "entry-attachments": [SimpleUploadedFile("x.pdf", b"MZ\x90\x00")],
        },
    )
    assert bad.status_code == 400 and "x.pdf" in bad.content.decode()
    assert WorkEntry.objects.count() == 1


def test_minutes_are_not_dated_in_the_future_a_plan_may_be(du: Union) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(Refusal) as refused:
        entry(du, kind="minutes", dated=tomorrow)
    assert refused.value.field == "dated"
    assert entry(du, kind="plan", dated=tomorrow).dated == tomorrow


# -- the annual work report and CON-13 -------------------------------------------------------


def test_an_annual_report_filed_to_the_congress_counts_for_con13(du: Union) -> None:
    e = entry(du, kind="annual_report", title="2026年度工作报告", file_to_congress=True)
    report = WrittenReport.objects.get()
    assert e.written_report == report and report.filed_on == TODAY
    assert report.union == du.union and report.title == "2026年度工作报告"
    # what CON-13 reads: the registry's written reports
    registry = load_registry(du.union.code)
    assert [(r.organisation, r.filed) for r in registry.written_reports] == [
        (du.union.code, TODAY)
    ]
    # withdrawing the entry does not unfile the report
    services.withdraw_entry(actor=du.users["union_admin"], entry=e, reason="错别字")
    assert WrittenReport.objects.filter(pk=report.pk).exists()


def test_only_an_annual_report_of_a_school_level_union_is_filed(du: Union) -> None:
    with pytest.raises(Refusal) as other_kind:
        entry(du, kind="minutes", file_to_congress=True)
    assert other_kind.value.field == "file_to_congress"
    with pytest.raises(Refusal):
        entry(
            du,
            by="dept_admin",
            union=du.dept,
            kind="annual_report",
            file_to_congress=True,
        )
    assert not WrittenReport.objects.exists()
    entry(du, kind="annual_report")  # published, not filed
    assert not WrittenReport.objects.exists()


# -- withdrawn entries: who sees them -------------------------------------------------------


READERS = ["union_admin", "cadre", "advisor", "party", "federation_admin", "operator"]
NOT_READERS = ["student", "delegate", "dept_admin", "other_admin"]


def _client(du: Union, who: str) -> Client:
    c = Client()
    if who != "anonymous":
        c.force_login(du.users[who])
    return c


@pytest.mark.parametrize("who", ["anonymous", *NOT_READERS, *READERS])
def test_who_sees_a_withdrawn_entry(du: Union, who: str) -> None:
    shown = entry(du, title="公开的纪要")
    hidden = entry(
        du,
        title="撤回的纪要",
        files=clean_files([SimpleUploadedFile("a.pdf", PDF)]),
    )
    services.withdraw_entry(actor=du.users["union_admin"], entry=hidden, reason="有误")
    c = _client(du, who)
    listing = c.get(
        reverse("disclosure:affairs", args=[du.union.code])
    ).content.decode()
    page = c.get(reverse("disclosure:entry", args=[du.union.code, hidden.pk]))
    f = Attachment.objects.get(entry=hidden)
    download = c.get(
        reverse("disclosure:attachment", args=[du.union.code, hidden.pk, f.pk])
    )
    assert shown.title in listing
    sees = who in READERS
    assert (hidden.title in listing) is sees
    assert page.status_code == (200 if sees else 404)
    assert download.status_code == (200 if sees else 404)
    if sees:
        assert "有误" in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", *NOT_READERS, *READERS])
def test_every_page_is_public_and_only_publishers_get_the_forms(
    du: Union, who: str
) -> None:
    v = rule(du)
    e = entry(du)
    a = account(du, link="https://mp.weixin.qq.com/dxsh")
    c = _client(du, who)
    code = du.union.code
    publisher = who in ("union_admin", "federation_admin", "operator")
    for name, args, form_id in (
        ("disclosure:page", [code], None),
        ("disclosure:rules", [code], "rule-form"),
        ("disclosure:rule", [code, v.document_id], "version-form"),
        ("disclosure:version", [code, v.document_id, 1], None),
        ("disclosure:affairs", [code], "entry-form"),
        ("disclosure:entry", [code, e.pk], "withdraw-link"),
        ("disclosure:accounts", [code], "account-form"),
    ):
        response = c.get(reverse(name, args=args))
        assert response.status_code == 200, name
        html = response.content.decode()
        if form_id:
            assert (f'id="{form_id}"' in html) is publisher, (name, who)
    edit = c.get(reverse("disclosure:account_edit", args=[code, a.pk]))
    assert edit.status_code == (
        200 if publisher else 403 if who != "anonymous" else 302
    )
    post = c.post(
        reverse("disclosure:affairs", args=[code]),
        {
            "entry-kind": "plan",
            "entry-title": "x",
            "entry-dated": TODAY.isoformat(),
            "entry-body": "y",
        },
    )
    if not publisher:
        assert post.status_code in (302, 403)
        assert WorkEntry.objects.count() == 1


def test_the_page_of_a_non_union_is_404(du: Union, client: Client) -> None:
    assert (
        client.get(reverse("disclosure:page", args=[du.club.code])).status_code == 404
    )
    assert client.get(reverse("disclosure:page", args=["NOPE"])).status_code == 404


def test_empty_states(du: Union, client: Client) -> None:
    code = du.union.code
    html = client.get(reverse("disclosure:page", args=[code])).content.decode()
    for marker in (
        "rules-empty",
        "affairs-empty",
        "accounts-empty",
        "subscribe-signin",
    ):
        assert f'id="{marker}"' in html
    assert (
        'id="entries-empty"'
        in client.get(reverse("disclosure:affairs", args=[code])).content.decode()
    )
    accounts = client.get(reverse("disclosure:accounts", args=[code])).content.decode()
    assert 'id="own-empty"' in accounts and 'id="register-empty"' in accounts


# -- official accounts and the register of self-media ---------------------------------------


def test_accounts_with_verification_qr_and_the_register(
    du: Union, client: Client
) -> None:
    account(
        du,
        link="https://weibo.com/u/123",
        platform="weibo",
        account_id="123",
        verified=True,
        verified_on=TODAY - dt.timedelta(days=3),
        verified_as="D大学",
    )
    account(du, owner=du.club, platform="douyin", name="摄影协会", account_id="sy01")
    html = client.get(
        reverse("disclosure:accounts", args=[du.union.code])
    ).content.decode()
    own, register = html.split('id="register"')
    assert "D大学学生会" in own and "<svg" in own and 'data-verified="yes"' in own
    assert "摄影协会" in register and 'data-verified="no"' in register
    assert "宣传部部长 张三" in own


def test_account_checks(du: Union) -> None:
    with pytest.raises(Refusal) as outside:
        account(du, owner=du.other)
    assert outside.value.field == "owner"
    with pytest.raises(Refusal) as no_day:
        account(du, verified=True)
    assert no_day.value.field == "verified_on"
    with pytest.raises(Refusal) as day_only:
        account(du, verified_on=TODAY)
    assert day_only.value.field == "verified"
    with pytest.raises(Refusal) as future:
        account(du, verified=True, verified_on=TODAY + dt.timedelta(days=1))
    assert future.value.field == "verified_on"
    account(du)
    with pytest.raises(Refusal) as twice:
        account(du)
    assert twice.value.code == "duplicate"


# -- subscriptions and notifications ---------------------------------------------------------


def test_a_subscriber_is_told_of_a_new_entry_and_not_after_unsubscribing(
    du: Union,
) -> None:
    student = du.users["student"]
    c = Client()
    c.force_login(student)
    url = reverse("disclosure:subscribe", args=[du.union.code])
    assert c.post(url, {"action": "subscribe"}).status_code == 302
    assert c.post(url, {"action": "subscribe"}).status_code == 302  # idempotent
    assert Subscription.objects.filter(user=student).count() == 1
    page = c.get(reverse("disclosure:page", args=[du.union.code])).content.decode()
    assert 'id="unsubscribe-button"' in page
    entry(du, title="学期工作计划", kind="plan")
    rule(du)
    told = Notification.objects.filter(user=student, kind="disclosure.published")
    assert told.count() == 2
    n = told.order_by("pk").first()
    assert n is not None
    assert n.params == {"title": du.union.name, "what": "学期工作计划"}
    assert n.url == reverse("disclosure:page", args=[du.union.code])
    # nobody else was told
    assert Notification.objects.exclude(user=student).count() == 0
    c.post(url, {"action": "unsubscribe"})
    entry(du, title="另一份纪要")
    assert told.count() == 2


def test_signing_in_is_needed_to_subscribe(du: Union, client: Client) -> None:
    response = client.post(reverse("disclosure:subscribe", args=[du.union.code]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Subscription.objects.exists()


# -- the audit's facts ----------------------------------------------------------------------


def test_the_audit_reads_rules_items_and_accounts(du: Union) -> None:
    rule(du, in_force_from=TODAY - dt.timedelta(days=3))
    e = entry(du)
    withdrawn = entry(du, title="撤回")
    services.withdraw_entry(actor=du.users["union_admin"], entry=withdrawn, reason="x")
    account(du, verified=True, verified_on=TODAY)
    account(du, owner=du.club, platform="bilibili", account_id="b1")
    CharterVersion.objects.create(
        union=du.union, number=1, text="章程", adopted_on=dt.date(2020, 9, 1)
    )
    disclosure = load_registry(du.school.code).disclosure
    assert disclosure is not None
    assert sorted((r.organisation, r.kind, r.in_force) for r in disclosure.rules) == [
        (du.union.code, "charter", dt.date(2020, 9, 1)),
        (du.union.code, "working", TODAY - dt.timedelta(days=3)),
    ]
    published = sorted((p.kind, p.published) for p in disclosure.published)
    assert published == [("minutes", TODAY), ("rule", TODAY), ("rule", TODAY)]
    assert e.kind == "minutes"
    assert sorted((a.owner, a.verified) for a in disclosure.accounts) == [
        (du.club.code, None),
        (du.union.code, TODAY),
    ]


def test_trn5_both_sides_in_the_database(du: Union) -> None:
    def trn5() -> list[str]:
        return [f.rule for f in union_findings(du.union, "TRN-5", as_of=TODAY)]

    assert trn5() == ["TRN-5.no-verified-account"]
    account(du, owner=du.club, verified=True, verified_on=TODAY)  # a club's: not enough
    assert trn5() == ["TRN-5.no-verified-account"]
    account(du, platform="weibo", account_id="w1", verified=True, verified_on=TODAY)
    assert trn5() == []


def test_trn1_no_rules_both_sides_in_the_database(du: Union) -> None:
    def no_rules() -> bool:
        return "TRN-1.no-rules" in [
            f.rule for f in union_findings(du.union, "TRN-1", as_of=TODAY)
        ]

    assert no_rules()
    rule(du, in_force_from=TODAY + dt.timedelta(days=1))  # not yet in force
    assert no_rules()
    rule(du, title="财务管理办法", kind="finance", in_force_from=TODAY)
    assert not no_rules()


# -- bounded queries ----------------------------------------------------------------------


def _grow(du: Union, n: int) -> None:
    for i in range(n):
        e = entry(du, title=f"纪要{i}")
        Attachment.objects.create(
            entry=e,
            name=f"{i}.pdf",
            content_type="application/pdf",
            size=3,
            data=b"%PD",
        )
    for i in range(min(n, 6)):
        rule(du, title=f"制度{i}")
        account(
            du,
            owner=du.club,
            platform="qq",
            account_id=f"q{i}",
            link="https://qq.com/x",
        )


def _queries(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["page", "affairs", "rules", "accounts"])
def test_pages_run_a_fixed_number_of_queries(name: str) -> None:
    counts = []
    for prefix, n in (("Q", 2), ("R", 30)):
        du = build(prefix)
        _grow(du, n)
        c = Client()
        c.force_login(du.users["student"])
        counts.append(_queries(c, reverse(f"disclosure:{name}", args=[du.union.code])))
    assert counts[0] == counts[1], counts
    # the session, the user, the header's unread count, the roles at the union; the
    # page's own: at most 9 (the overview: summary, charter, rules and versions, five
    # entries and their files, accounts, the subscription)
    assert counts[0] <= 13, counts


# -- the JSON API ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "student", "union_admin", "operator"])
def test_the_api_shows_everyone_what_the_public_page_shows(du: Union, who: str) -> None:
    v = rule(du)
    entry(du, title="公开的纪要", files=clean_files([SimpleUploadedFile("a.pdf", PDF)]))
    hidden = entry(du, title="撤回的纪要")
    services.withdraw_entry(actor=du.users["union_admin"], entry=hidden, reason="x")
    account(du, verified=True, verified_on=TODAY)
    c = _client(du, who)
    code = du.union.code
    rules_json = c.get(f"/api/disclosure/{code}/rules").json()
    assert [r["title"] for r in rules_json["rules"]] == [v.document.title]
    assert rules_json["rules"][0]["in_force"] == 1
    affairs_json = c.get(f"/api/disclosure/{code}/affairs").json()
    assert [e["title"] for e in affairs_json["entries"]] == ["公开的纪要"]
    url = affairs_json["entries"][0]["attachments"][0]["url"]
    assert c.get(url).content == PDF
    accounts_json = c.get(f"/api/disclosure/{code}/accounts").json()
    assert [(a["platform"], a["verified"]) for a in accounts_json] == [("wechat", True)]
    assert c.get(f"/api/disclosure/{du.club.code}/rules").status_code == 404


def test_the_api_runs_a_fixed_number_of_queries() -> None:
    counts = []
    for prefix, n in (("S", 2), ("T", 30)):
        du = build(prefix)
        _grow(du, n)
        with CaptureQueriesContext(connection) as ctx:
            for part in ("rules", "affairs", "accounts"):
                assert (
                    Client().get(f"/api/disclosure/{du.union.code}/{part}").status_code
                    == 200
                )
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_unions_page_links_to_its_public_page(du: Union, client: Client) -> None:
    union_page = client.get(reverse("organisations:detail", args=[du.union.code]))
    assert 'id="disclosure-link"' in union_page.content.decode()
    assert (
        reverse("disclosure:page", args=[du.union.code]) in union_page.content.decode()
    )
    school_page = client.get(reverse("organisations:detail", args=[du.school.code]))
    assert 'id="disclosure-link"' not in school_page.content.decode()
