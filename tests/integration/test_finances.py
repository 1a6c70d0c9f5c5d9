"""The union's ledger (TRN-4 · GS-14, CQ-9): services (enter, submit, approve with the
right authority, reject with a reason, reverse, receipts), the audit both sides, who
sees what on every page and the export, and the public page's bounded queries."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
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
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.finance.ledger import ImmutableEntry
from tongxue.domain.terms import term_of
from tongxue.finances import selectors, services
from tongxue.finances.models import Disclosure, Entry, EntryStatus, Receipt
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TERM = term_of(TODAY).code
YEAR = TODAY.year if TODAY.month >= 9 else TODAY.year - 1
D = Decimal


@dataclass
class Union:
    union: Any
    dept: Any
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def u() -> Union:
    fed = OrganisationFactory(
        code="FPF", name="F省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = SchoolFactory(code="FSCH", name="F大学", parent=fed)
    union = OrganisationFactory(code="FSU", name="F大学学生会", parent=school)
    dept = OrganisationFactory(
        code="FDU", name="F法学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    out = Union(union, dept)
    for name, role in (
        ("student", RoleKind.STUDENT),
        ("delegate", RoleKind.DELEGATE),
        ("officer", RoleKind.UNION_ADMIN),
        ("cadre", RoleKind.UNION_CADRE),
        ("treasurer", RoleKind.TREASURER),
        ("treasurer2", RoleKind.TREASURER),
        ("approver", RoleKind.FINANCE_APPROVER),
        ("advisor", RoleKind.LEAGUE_ADVISOR),
    ):
        user = UserFactory(username=f"f-{name}")
        RoleFactory(user=user, organisation=union, role=role)
        out.users[name] = user
    PersonFactory(name="王财务", user=out.users["treasurer"])
    out.users["operator"] = UserFactory(username="f-operator", is_superuser=True)
    out.users["outsider"] = UserFactory(username="f-outsider")
    return out


def spend(u: Union, amount: str = "120.50", *, by: Any = None, **kw: Any) -> Entry:
    return services.enter(
        actor=by or u.treasurer,
        union=kw.pop("union", u.union),
        kind=kw.pop("kind", "expenditure"),
        amount=amount,
        day=kw.pop("day", TODAY),
        summary=kw.pop("summary", "迎新晚会场地布置"),
        category=kw.pop("category", "activities"),
        payee=kw.pop("payee", "星光文印店"),
        **kw,
    )


def approved(
    u: Union, amount: str = "120.50", *, approver: Any = None, **kw: Any
) -> Entry:
    e = spend(u, amount, **kw)
    services.submit(actor=e.entered_by, entry=e)
    return services.decide(actor=approver or u.approver, entry=fresh(e), approve=True)


def fresh(e: Entry) -> Entry:
    return Entry.objects.select_related("ledger", "ledger__union").get(pk=e.pk)


def balance(u: Union) -> Decimal:
    ledger = selectors.ledger_of(u.union, YEAR)
    assert ledger is not None
    return selectors.balance_of(ledger)


def _jpeg(size: tuple[int, int] = (1200, 800), *, gps: bool = False) -> bytes:
    img = Image.new("RGB", size, (200, 200, 200))
    buf = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", (36.0, 3.0, 12.0)
        img.save(buf, "JPEG", exif=exif)
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()


# -- services -----------------------------------------------------------------------------


def test_an_expenditure_is_entered_submitted_and_approved_by_another(u: Union) -> None:
    e = spend(u, "120.5")
    assert (e.status, e.amount, e.number, e.ledger.year) == (
        "draft",
        D("120.50"),
        1,
        YEAR,
    )
    assert balance(u) == D("0.00")  # a draft does not count
    services.submit(actor=u.treasurer, entry=e)
    with pytest.raises(Refusal) as own:
        services.decide(actor=u.treasurer, entry=fresh(e), approve=True)
    assert own.value.code == "forbidden"  # a treasurer holds no approval
    services.decide(actor=u.approver, entry=fresh(e), approve=True)
    e = fresh(e)
    assert (e.status, e.decided_by, e.decided_as) == (
        "approved",
        u.approver,
        "finance_approver",
    )
    assert balance(u) == D("-120.50")
    actions = list(
        AuditEvent.objects.filter(action__startswith="finances.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "finances.entry_enter",
        "finances.entry_submit",
        "finances.entry_approve",
    ]
    assert "星光" not in str(
        AuditEvent.objects.filter(action="finances.entry_enter").get().data
    )


def test_nobody_approves_what_they_entered_or_handle(u: Union) -> None:
    # the League advisor entered it as the union's … an advisor cannot keep the books
    with pytest.raises(Refusal):
        spend(u, by=u.advisor)
    with pytest.raises(Refusal) as nobody:
        spend(u, handled_by=u.outsider)  # no role at the union
    assert nobody.value.field == "handled_by"
    e = spend(u, by=u.officer, handled_by=u.approver)
    services.submit(actor=u.officer, entry=e)
    with pytest.raises(Refusal) as spender:
        services.decide(actor=u.approver, entry=fresh(e), approve=True)
    assert spender.value.code == "own-entry"
    with pytest.raises(Refusal) as enterer:
        services.decide(actor=u.officer, entry=fresh(e), approve=True)
    assert enterer.value.code == "forbidden"  # an administrator holds no approval
    assert fresh(e).status == "submitted"
    services.decide(actor=u.advisor, entry=fresh(e), approve=True)
    assert fresh(e).status == "approved"


def test_above_the_threshold_only_the_league_advisor_approves(u: Union) -> None:
    at = spend(u, "2000.00")
    above = spend(u, "2000.01")
    for e in (at, above):
        services.submit(actor=u.treasurer, entry=e)
    services.decide(actor=u.approver, entry=fresh(at), approve=True)
    with pytest.raises(Refusal) as refused:
        services.decide(actor=u.approver, entry=fresh(above), approve=True)
    assert refused.value.code == "advisor-needed"
    services.decide(actor=u.advisor, entry=fresh(above), approve=True)
    assert fresh(above).decided_as == "league_advisor"
    # the school's threshold, set by the advisor
    ledger = at.ledger
    with pytest.raises(Refusal):
        services.set_threshold(actor=u.treasurer, ledger=ledger, threshold="5000")
    services.set_threshold(actor=u.advisor, ledger=ledger, threshold="5000")
    big = spend(u, "4999.99")
    services.submit(actor=u.treasurer, entry=big)
    services.decide(actor=u.approver, entry=fresh(big), approve=True)
    assert balance(u) == D("-9000.00")


def test_a_rejection_gives_its_reason_and_counts_nothing(u: Union) -> None:
    e = spend(u)
    services.submit(actor=u.treasurer, entry=e)
    with pytest.raises(Refusal) as no_reason:
        services.decide(actor=u.approver, entry=fresh(e), approve=False)
    assert no_reason.value.field == "reason"
    services.decide(
        actor=u.approver, entry=fresh(e), approve=False, reason="发票抬头不符"
    )
    assert (fresh(e).status, fresh(e).reject_reason) == ("rejected", "发票抬头不符")
    assert balance(u) == D("0.00")
    with pytest.raises(Refusal):
        services.submit(actor=u.treasurer, entry=fresh(e))


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("1.005", "too-precise"),
        ("0", "not-positive"),
        ("-3", "not-positive"),
        ("x", "invalid"),
    ],
)
def test_amounts_are_exact(u: Union, amount: str, code: str) -> None:
    with pytest.raises(Refusal) as refused:
        spend(u, amount)
    assert (refused.value.code, refused.value.field) == (code, "amount")
    assert not Entry.objects.exists()


def test_what_each_kind_names(u: Union) -> None:
    with pytest.raises(Refusal) as sponsor:
        spend(u, kind="income", source="sponsorship", category="")
    assert sponsor.value.field == "sponsor"
    income = spend(
        u, "3000", kind="income", source="sponsorship", sponsor="某某文具公司", payee=""
    )
    assert (income.category, income.sponsor) == ("", "某某文具公司")
    with pytest.raises(Refusal) as payee:
        spend(u, payee="")
    assert payee.value.field == "payee"
    with pytest.raises(Refusal) as later:
        spend(u, day=TODAY + timedelta(days=1))
    assert later.value.field == "day"
    budget = spend(u, "8000", kind="budget", payee="", day=TODAY + timedelta(days=20))
    assert budget.kind == "budget"
    with pytest.raises(Refusal):
        spend(u, union=u.union.parent)  # a school keeps no ledger here
    with pytest.raises(Refusal) as student:
        spend(u, by=u.student)
    assert student.value.code == "forbidden"


def test_an_approved_entry_never_changes_and_a_reversal_restores_the_balance(
    u: Union,
) -> None:
    income = spend(u, "1000", kind="income", source="school_allocation", payee="")
    services.submit(actor=u.treasurer, entry=income)
    services.decide(actor=u.approver, entry=fresh(income), approve=True)
    e = approved(u, "300")
    assert balance(u) == D("700.00")
    e.amount = D("30.00")
    with pytest.raises(ImmutableEntry):
        e.save()
    assert fresh(e).amount == D("300.00")
    with pytest.raises(Refusal):
        services.submit(actor=u.treasurer, entry=fresh(e))
    with pytest.raises(Refusal):
        services.attach_receipt(actor=u.treasurer, entry=fresh(e), upload=_jpeg())
    r = services.reverse(
        actor=u.treasurer2, entry=fresh(e), reason="冲销：金额录入错误"
    )
    assert (r.reverses_id, r.amount, r.kind, r.status) == (
        e.pk,
        D("300.00"),
        "expenditure",
        "draft",
    )
    with pytest.raises(Refusal) as twice:
        services.reverse(actor=u.treasurer, entry=fresh(e), reason="again")
    assert twice.value.code == "reversed"
    services.submit(actor=u.treasurer2, entry=r)
    services.decide(actor=u.approver, entry=fresh(r), approve=True)
    assert balance(u) == D("1000.00")
    assert fresh(e).status == "approved" and fresh(e).amount == D("300.00")


def test_receipts_are_checked_and_stripped(u: Union) -> None:
    e = spend(u, receipt=SimpleUploadedFile("IMG_1.jpg", _jpeg(gps=True), "image/jpeg"))
    stored = bytes(Receipt.objects.get(entry=e).image)
    assert b"PhoneMaker" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    with pytest.raises(Refusal) as not_image:
        spend(u, receipt=SimpleUploadedFile("x.pdf", b"%PDF-1.4 ...", "image/jpeg"))
    assert not_image.value.field == "receipt"
    assert Entry.objects.count() == 1  # nothing saved


# -- supervision and disclosure -----------------------------------------------------------


def test_delegates_ask_and_the_union_answers_publicly(u: Union, client: Client) -> None:
    e = approved(u, payee="张小明", payee_is_student=True)
    draft = spend(u)
    for who in ("student", "outsider", "treasurer"):
        with pytest.raises(Refusal):
            services.ask(actor=u.users[who], entry=fresh(e), text="?")
    with pytest.raises(Refusal):
        services.ask(actor=u.delegate, entry=fresh(draft), text="?")
    q = services.ask(actor=u.delegate, entry=fresh(e), text="场地为何这么贵？")
    with pytest.raises(Refusal):
        services.answer(actor=u.student, question=q, text="…")
    services.answer(actor=u.treasurer, question=q, text="含音响租赁，附报价单。")
    with pytest.raises(Refusal):
        services.answer(actor=u.treasurer, question=q, text="again")
    body = client.get(
        reverse("finances:public", args=[u.union.code, TERM])
    ).content.decode()
    assert "场地为何这么贵" in body and "含音响租赁" in body
    assert "张**" in body and "张小明" not in body  # a student payee is masked
    assert 'action="/finances/FSU/entries/' not in body  # anonymous: no question form
    client.force_login(u.delegate)
    body = client.get(
        reverse("finances:public", args=[u.union.code, TERM])
    ).content.decode()
    assert f'action="/finances/FSU/entries/{e.pk}/ask/"' in body
    response = client.post(
        reverse("finances:ask", args=[u.union.code, e.pk]),
        {"question-text": "发票在哪？"},
    )
    assert response.status_code == 302
    assert e.questions.count() == 2


def test_disclosing_a_term_and_the_audit_both_sides(u: Union) -> None:
    approved(u)
    previous = term_of(term_of(TODAY).start - timedelta(days=1)).code

    def trn4() -> set[str]:
        report = audit_organisation(code=u.union.code, as_of=TODAY)
        return {
            f.rule
            for f in report.findings
            if f.organisation == u.union.code and f.requirement == "TRN-4"
        }

    assert "TRN-4.no-disclosure" in trn4()
    services.disclose(actor=u.treasurer, union=u.union, term=TERM)  # the term under way
    assert "TRN-4.no-disclosure" in trn4()  # … does not count for the last one
    with pytest.raises(Refusal):
        services.disclose(actor=u.student, union=u.union, term=previous)
    services.disclose(actor=u.treasurer, union=u.union, term=previous)
    assert "TRN-4.no-disclosure" not in trn4()
    with pytest.raises(Refusal) as twice:
        services.disclose(actor=u.treasurer, union=u.union, term=previous)
    assert twice.value.code == "duplicate"
    later = term_of(term_of(TODAY).start + timedelta(days=200)).code
    with pytest.raises(Refusal):
        services.disclose(actor=u.treasurer, union=u.union, term=later)
    assert Disclosure.objects.count() == 2


def test_spending_without_approval_both_sides(u: Union) -> None:
    e = spend(u, day=TODAY - timedelta(days=30))
    reg = load_registry(u.union.code)
    assert reg.finances is not None and len(reg.finances.pending) == 1
    report = audit_organisation(code=u.union.code, as_of=TODAY)
    assert "TRN-4.unapproved-spending" not in {f.rule for f in report.findings}
    Entry.objects.filter(pk=e.pk).update(day=TODAY - timedelta(days=31))
    report = audit_organisation(code=u.union.code, as_of=TODAY)
    assert "TRN-4.unapproved-spending" in {f.rule for f in report.findings}


def test_a_self_approval_that_came_around_the_services_is_found(u: Union) -> None:
    e = approved(u)
    Entry.objects.filter(pk=e.pk).update(decided_by=u.treasurer)  # around the services
    reg = load_registry(u.union.code)
    assert reg.finances is not None and [
        s.entry for s in reg.finances.self_approvals
    ] == [e.reference]


# -- visibility ---------------------------------------------------------------------------

WHO = (
    "anonymous",
    "student",
    "delegate",
    "outsider",
    "cadre",
    "officer",
    "treasurer",
    "approver",
    "advisor",
    "operator",
)
#: Who may open each page (the others: anonymous → sign-in, signed-in → 403).
MAY = {
    "ledger": {"cadre", "officer", "treasurer", "approver", "advisor", "operator"},
    "entry": {"cadre", "officer", "treasurer", "approver", "advisor", "operator"},
    "receipt": {"cadre", "officer", "treasurer", "approver", "advisor", "operator"},
    "export": {"cadre", "officer", "treasurer", "approver", "advisor", "operator"},
    "queue": {"approver", "advisor", "operator"},
    "public": set(WHO),
    "public_index": set(WHO),
}


@pytest.mark.parametrize("who", WHO)
def test_who_sees_what(u: Union, client: Client, who: str) -> None:
    e = approved(u, receipt=SimpleUploadedFile("r.jpg", _jpeg(), "image/jpeg"))
    urls = {
        "ledger": reverse("finances:ledger", args=[u.union.code]),
        "entry": reverse("finances:entry", args=[u.union.code, YEAR, e.number]),
        "receipt": reverse("finances:receipt", args=[u.union.code, YEAR, e.number]),
        "export": reverse("finances:export", args=[u.union.code, YEAR, "xlsx"]),
        "queue": reverse("finances:queue", args=[u.union.code]),
        "public": reverse("finances:public", args=[u.union.code, TERM]),
        "public_index": reverse("finances:public_index", args=[u.union.code]),
    }
    if who != "anonymous":
        client.force_login(u.users[who])
    for page, url in urls.items():
        status = client.get(url).status_code
        if who in MAY[page]:
            assert status == 200, (page, who)
        else:
            assert status == (302 if who == "anonymous" else 403), (page, who)


@pytest.mark.parametrize("who", ["student", "delegate", "cadre", "approver", "advisor"])
def test_only_keepers_enter_and_disclose(u: Union, client: Client, who: str) -> None:
    client.force_login(u.users[who])
    response = client.post(
        reverse("finances:enter", args=[u.union.code]),
        {
            "entry-kind": "expenditure",
            "entry-amount": "5",
            "entry-day": TODAY.isoformat(),
            "entry-summary": "x",
            "entry-category": "office",
            "entry-payee": "y",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("finances:disclose", args=[u.union.code]), {"disclose-term": TERM}
    )
    assert response.status_code == 403
    assert not Entry.objects.exists() and not Disclosure.objects.exists()


def test_the_pages_walk_through_an_expense(u: Union, client: Client) -> None:
    client.force_login(u.treasurer)
    ledger_url = reverse("finances:ledger", args=[u.union.code])
    assert 'id="entry-form"' in client.get(ledger_url).content.decode()
    response = client.post(
        reverse("finances:enter", args=[u.union.code]),
        {
            "entry-kind": "expenditure",
            "entry-amount": "88.80",
            "entry-day": TODAY.isoformat(),
            "entry-summary": "宣传海报印刷",
            "entry-category": "publicity",
            "entry-payee": "李同学",
            "entry-payee_is_student": "on",
            "entry-receipt": SimpleUploadedFile("r.jpg", _jpeg(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    e = Entry.objects.get()
    assert e.payee_is_student and Receipt.objects.filter(entry=e).exists()
    action = "finances:entry_action"
    assert (
        client.post(
            reverse(action, args=[u.union.code, YEAR, e.number, "submit"])
        ).status_code
        == 302
    )
    client.force_login(u.approver)
    body = client.get(reverse("finances:queue", args=[u.union.code])).content.decode()
    assert f'data-entry="{YEAR}-{e.number}"' in body
    assert (
        client.post(
            reverse(action, args=[u.union.code, YEAR, e.number, "approve"]),
            {"next": "queue"},
        ).status_code
        == 302
    )
    assert fresh(e).status == EntryStatus.APPROVED
    body = client.get(
        reverse("finances:public", args=[u.union.code, TERM])
    ).content.decode()
    assert "宣传海报印刷" in body and "李*" in body and "李同学" not in body
    assert 'id="chart-budget"' in body and 'id="budget-table"' in body
    # a form error names the field
    client.force_login(u.treasurer)
    response = client.post(
        reverse("finances:enter", args=[u.union.code]),
        {
            "entry-kind": "expenditure",
            "entry-amount": "1.234",
            "entry-day": TODAY.isoformat(),
            "entry-summary": "x",
            "entry-category": "office",
            "entry-payee": "y",
        },
    )
    assert response.status_code == 400


def test_the_export_in_the_finance_office_layout(u: Union, client: Client) -> None:
    from openpyxl import load_workbook

    income = spend(u, "1000", kind="income", source="school_allocation", payee="")
    services.submit(actor=u.treasurer, entry=income)
    services.decide(actor=u.approver, entry=fresh(income), approve=True)
    approved(u, "120.50", receipt=SimpleUploadedFile("r.jpg", _jpeg(), "image/jpeg"))
    spend(u, "9")  # a draft: not in the ledger
    client.force_login(u.advisor)
    response = client.get(
        reverse("finances:export", args=[u.union.code, YEAR, "xlsx"]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    assert rows[header] == [
        "序号",
        "日期",
        "摘要",
        "收入",
        "支出",
        "余额",
        "经办人",
        "审批人",
        "凭证",
    ]
    body = rows[header + 1 : header + 3]
    assert [r[0] for r in body] == [1, 2]
    assert [r[3] for r in body] == [1000, None] and [r[4] for r in body] == [
        None,
        120.5,
    ]
    assert [r[5] for r in body] == [1000, 879.5]
    assert body[0][6] == "王财务" and body[1][8] == f"{YEAR}-2"


# -- queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "delegate"])
def test_the_public_page_runs_a_fixed_number_of_queries(
    u: Union, client: Client, django_assert_num_queries: Any, who: str
) -> None:
    url = reverse("finances:public", args=[u.union.code, TERM])
    if who != "anonymous":
        client.force_login(u.users[who])
    budget = spend(u, "5000", kind="budget", payee="")
    services.submit(actor=u.treasurer, entry=budget)
    services.decide(actor=u.approver, entry=fresh(budget), approve=True)
    first = approved(u, "10")
    services.ask(actor=u.delegate, entry=fresh(first), text="?")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    assert few <= 15
    ledger = first.ledger
    now = timezone.now()
    Entry.objects.bulk_create(
        Entry(
            ledger=ledger,
            number=100 + i,
            kind="expenditure" if i % 3 else "income",
            category="office" if i % 3 else "",
            source="" if i % 3 else "other",
            amount=D("1.50"),
            day=TODAY,
            summary=f"条目{i}",
            payee=f"同学{i}",
            payee_is_student=True,
            status="approved",
            entered_by=u.treasurer,
            handled_by=u.treasurer,
            decided_by=u.approver,
            entered_at=now,
        )
        for i in range(120)
    )
    with django_assert_num_queries(few):
        body = client.get(url).content.decode()
    assert body.count("data-entry=") == 50  # a page


def test_approvers_find_the_entries_awaiting_them_on_their_home(u: Union) -> None:
    from tongxue.finances.home import approvals_due

    e = spend(u)
    services.submit(actor=u.treasurer, entry=e)
    spend(u)  # a draft: not awaiting anyone
    now = timezone.now()
    items = approvals_due(u.approver, None, now)
    assert [(i.kind, i.url) for i in items] == [
        ("approve-entries", reverse("finances:queue", args=[u.union.code]))
    ]
    assert "1" in items[0].title
    assert approvals_due(u.advisor, None, now) != []
    assert approvals_due(u.treasurer, None, now) == []  # no approval authority
    assert approvals_due(u.student, None, now) == []
    # above the threshold an expenditure awaits the League advisor only; at it, both
    for amount in ("2000.01", "2000.00"):
        services.submit(actor=u.treasurer, entry=spend(u, amount))
    [mine] = approvals_due(u.approver, None, now)
    [theirs] = approvals_due(u.advisor, None, now)
    assert ("2" in mine.title, "3" in theirs.title) == (True, True)


def test_the_api_shows_what_the_public_page_shows(u: Union, client: Client) -> None:
    e = approved(u, "66.60", payee="赵一鸣", payee_is_student=True)
    services.ask(actor=u.delegate, entry=fresh(e), text="用途？")
    spend(u, "5")  # a draft: never shown
    data = client.get(f"/api/finances/{u.union.code}/terms/{TERM}").json()
    assert (data["spending"], data["count"], data["disclosed_on"]) == ("66.60", 1, None)
    [row] = data["entries"]
    assert (row["payee"], row["spending"], row["income"]) == ("赵**", "66.60", None)
    assert row["questions"][0]["text"] == "用途？"
    assert data["budget"] == [
        {
            "category": "activities",
            "budget": "0.00",
            "actual": "66.60",
            "remaining": "-66.60",
        }
    ]
    assert (
        client.get(f"/api/finances/{u.union.code}/terms/2026-summer").status_code == 404
    )
    assert (
        client.get(f"/api/finances/{u.union.parent.code}/terms/{TERM}").status_code
        == 404
    )


def test_who_is_notified(u: Union) -> None:
    from tongxue.notifications.models import Notification

    def kinds(user: Any) -> list[str]:
        return list(
            Notification.objects.filter(user=user).values_list("kind", flat=True)
        )

    small = spend(u, "10")
    services.submit(actor=u.treasurer, entry=small)
    assert kinds(u.approver) == ["finances.entry_submitted"]
    assert kinds(u.advisor) == [] and kinds(u.treasurer) == []
    big = spend(u, "2000.01")
    services.submit(actor=u.treasurer, entry=big)
    assert kinds(u.advisor) == ["finances.entry_submitted"]
    services.decide(actor=u.approver, entry=fresh(small), approve=True)
    q = services.ask(actor=u.delegate, entry=fresh(small), text="？")
    assert "finances.question_asked" in kinds(u.treasurer)
    services.answer(actor=u.treasurer, question=q, text="见凭证。")
    assert kinds(u.delegate) == ["finances.question_answered"]
