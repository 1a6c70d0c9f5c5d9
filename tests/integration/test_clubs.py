"""Student clubs and their activities (ORG-14 · GS-6, GS-14, CQ-1, CQ-9): the services
(who may do what, where; reasons required; resubmission; the guards), the
notifications, who sees what on every page, bounded queries on the list pages, the
audit from the database both sides, and the advisor's home."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
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
from tongxue.clubs import services
from tongxue.clubs.models import Activity, ActivityStatus, Club, Review
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.rules.disclosure import previous_term
from tongxue.notifications.models import Notification
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

S = ActivityStatus


@dataclass
class World:
    union: Any
    other: Any
    club: Any = None
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def w() -> World:
    school = SchoolFactory(code="KSCH", name="K大学")
    union = OrganisationFactory(code="KSU", name="K大学学生会", parent=school)
    other_school = SchoolFactory(code="MSCH", name="M大学")
    other = OrganisationFactory(code="MSU", name="M大学学生会", parent=other_school)
    out = World(union, other)
    for name, role, org in (
        ("admin", RoleKind.UNION_ADMIN, union),
        ("cadre", RoleKind.UNION_CADRE, union),
        ("student", RoleKind.STUDENT, union),
        # the League advisor at the school guides its union (roles cover the subtree)
        ("advisor", RoleKind.LEAGUE_ADVISOR, school),
        ("other_admin", RoleKind.UNION_ADMIN, other),
        ("other_advisor", RoleKind.LEAGUE_ADVISOR, other_school),
    ):
        user = UserFactory(username=f"k-{name}")
        RoleFactory(user=user, organisation=org, role=role)
        out.users[name] = user
    leader = UserFactory(username="k-leader")
    out.users["leader"] = leader
    PersonFactory(ident="K0001", name="林社长", student_number="20240001", user=leader)
    out.club = services.register_club(
        actor=out.admin,
        union=union,
        name="摄影协会",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="李明老师",
        responsible="20240001",
        registered_on=timezone.localdate() - timedelta(days=400),
    )
    return out


def draft(
    w: World, title: str = "校园摄影展", *, club: Any = None, **kw: Any
) -> Activity:
    return services.create_activity(
        actor=kw.pop("by", w.admin),
        club=club or w.club,
        title=title,
        starts_at=kw.pop("starts_at", timezone.now() + timedelta(days=3)),
        ends_at=None,
        place="大学生活动中心",
        organiser="摄影协会办公室",
        expected_participants=kw.pop("expected", 80),
        content="展出同学们拍摄的校园作品。",
        speakers=kw.pop("speakers", ""),
        sponsors=kw.pop("sponsors", ""),
    )


def fresh(a: Activity) -> Activity:
    return Activity.objects.select_related("club", "union").get(pk=a.pk)


def submitted(w: World, **kw: Any) -> Activity:
    a = draft(w, **kw)
    services.submit(actor=w.admin, activity=a)
    return fresh(a)


def approved(w: World, **kw: Any) -> Activity:
    a = submitted(w, **kw)
    services.decide(actor=w.advisor, activity=a, decision="approved")
    return fresh(a)


def begun(a: Activity, hours: int = 2) -> Activity:
    """The activity began ``hours`` ago (its review stays before it)."""
    Activity.objects.filter(pk=a.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours)
    )
    return fresh(a)


def refused(code: str, fn: Any, **kw: Any) -> Refusal:
    with pytest.raises(Refusal) as exc:
        fn(**kw)
    assert exc.value.code == code, exc.value.code
    return exc.value


# ----------------------------------------------------------------------------- register


def test_the_union_admin_registers_clubs_others_are_refused(w: World) -> None:
    assert w.club.responsible.name == "林社长"
    assert AuditEvent.objects.filter(
        action="clubs.club_register", organisation="KSU", actor=w.admin
    ).exists()
    fields = dict(
        union=w.union,
        name="围棋社",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="王老师",
    )
    for who in ("advisor", "cadre", "student", "other_admin", "leader"):
        refused("forbidden", services.register_club, actor=getattr(w, who), **fields)
    refused(
        "duplicate",
        services.register_club,
        actor=w.admin,
        **{**fields, "name": "摄影协会"},
    )
    refused(
        "unknown",
        services.register_club,
        actor=w.admin,
        responsible="99999999",
        **fields,
    )
    refused(
        "required",
        services.register_club,
        actor=w.admin,
        **{**fields, "guiding_unit": " "},
    )
    school = w.union.parent
    refused(
        "invalid", services.register_club, actor=None, **{**fields, "union": school}
    )


def test_a_suspended_club_registers_no_activity(w: World) -> None:
    a = draft(w)
    services.update_club(
        actor=w.admin,
        club=w.club,
        name=w.club.name,
        category=w.club.category,
        guiding_unit=w.club.guiding_unit,
        advisor=w.club.advisor,
        status="suspended",
        responsible="20240001",
    )
    club = Club.objects.get(pk=w.club.pk)
    assert club.status == "suspended"
    refused("club-inactive", draft, w=w, club=club)
    refused("club-inactive", services.submit, actor=w.admin, activity=fresh(a))
    assert AuditEvent.objects.filter(action="clubs.club_update").exists()


# ----------------------------------------------------------------------------- lifecycle


def test_submit_return_with_reasons_resubmit_approve_hold(w: World) -> None:
    a = draft(w, speakers="张伟，市摄影家协会")
    assert a.status == S.DRAFT
    services.submit(actor=w.admin, activity=a)
    a = fresh(a)
    assert a.status == S.SUBMITTED
    # reasons are required to return
    r = refused(
        "required",
        services.decide,
        actor=w.advisor,
        activity=a,
        decision="returned",
        reasons="  ",
    )
    assert r.field == "reasons"
    services.decide(
        actor=w.advisor, activity=a, decision="returned", reasons="请补充外请嘉宾简介"
    )
    a = fresh(a)
    assert a.status == S.RETURNED and a.approved_at is None
    # the union corrects it and resubmits
    services.update_activity(
        actor=w.admin,
        activity=a,
        title=a.title,
        starts_at=a.starts_at,
        ends_at=None,
        place=a.place,
        organiser=a.organiser,
        expected_participants=100,
        content=a.content,
        speakers="张伟，市摄影家协会会员，从事人像摄影二十年",
        sponsors="",
    )
    services.submit(actor=w.admin, activity=fresh(a))
    assert AuditEvent.objects.filter(
        action="clubs.activity_submit", data__resubmitted=True
    ).exists()
    services.decide(actor=w.advisor, activity=fresh(a), decision="approved")
    a = fresh(a)
    assert a.status == S.APPROVED and a.approved_at is not None
    assert a.decided_by == w.advisor
    reviews = list(Review.objects.filter(activity=a).order_by("decided_at", "pk"))
    assert [(r.decision, r.decided_by, r.decided_as) for r in reviews] == [
        (S.RETURNED, w.advisor, RoleKind.LEAGUE_ADVISOR),
        (S.APPROVED, w.advisor, RoleKind.LEAGUE_ADVISOR),
    ]
    assert reviews[0].reasons == "请补充外请嘉宾简介"
    # an approved activity is not edited; held only once it began
    refused(
        "immutable",
        services.update_activity,
        actor=w.admin,
        activity=a,
        title="x",
        starts_at=a.starts_at,
        ends_at=None,
        place="x",
        organiser="x",
        expected_participants=1,
        content="x",
    )
    refused(
        "too-early",
        services.record_held,
        actor=w.admin,
        activity=a,
        participants=90,
        record="顺利举行",
    )
    a = begun(a)
    refused(
        "required",
        services.record_held,
        actor=w.admin,
        activity=a,
        participants=90,
        record="",
    )
    services.record_held(
        actor=w.admin, activity=a, participants=96, record="顺利举行", photo=_png()
    )
    a = fresh(a)
    assert (a.status, a.participants) == (S.HELD, 96)
    assert a.photo.content_type == "image/png"
    actions = set(
        AuditEvent.objects.filter(organisation="KSU").values_list("action", flat=True)
    )
    assert {
        "clubs.activity_create",
        "clubs.activity_update",
        "clubs.activity_submit",
        "clubs.activity_returned",
        "clubs.activity_approved",
        "clubs.activity_held",
    } <= actions


def test_a_rejection_needs_reasons_and_is_final(w: World) -> None:
    a = submitted(w, sponsors="某培训机构")
    refused(
        "required",
        services.decide,
        actor=w.advisor,
        activity=a,
        decision="rejected",
        reasons="",
    )
    services.decide(
        actor=w.advisor, activity=a, decision="rejected", reasons="商业宣传"
    )
    a = fresh(a)
    assert a.status == S.REJECTED
    refused("invalid-transition", services.submit, actor=w.admin, activity=a)
    refused(
        "invalid-transition",
        services.cancel,
        actor=w.admin,
        activity=a,
        reason="x",
    )


def test_who_decides_the_advisor_of_the_union_or_its_school(w: World) -> None:
    a = submitted(w)
    for who in ("admin", "cadre", "student", "leader", "other_admin", "other_advisor"):
        refused(
            "forbidden",
            services.decide,
            actor=getattr(w, who),
            activity=a,
            decision="approved",
        )
    # an advisor at the union itself decides too
    union_advisor = UserFactory(username="k-union-advisor")
    RoleFactory(user=union_advisor, organisation=w.union, role=RoleKind.LEAGUE_ADVISOR)
    services.decide(actor=union_advisor, activity=a, decision="approved")
    assert fresh(a).status == S.APPROVED
    # only a submitted activity is decided
    refused(
        "invalid-transition",
        services.decide,
        actor=w.advisor,
        activity=fresh(a),
        decision="approved",
    )
    refused(
        "invalid-transition",
        services.decide,
        actor=w.advisor,
        activity=draft(w),
        decision="approved",
    )


def test_reviewed_before_it_begins(w: World) -> None:
    late = begun(draft(w))
    refused("too-late", services.submit, actor=w.admin, activity=late)
    a = begun(submitted(w))
    refused(
        "too-late",
        services.decide,
        actor=w.advisor,
        activity=a,
        decision="approved",
    )
    # returned or rejected still (the advisor says why)
    services.decide(actor=w.advisor, activity=a, decision="rejected", reasons="逾期")
    # an activity that never was approved is not held
    refused(
        "invalid-transition",
        services.record_held,
        actor=w.admin,
        activity=begun(draft(w, "另一个")),
        participants=3,
        record="x",
    )


def test_the_scope_of_the_admins(w: World) -> None:
    a = draft(w)
    for fn, kw in (
        (services.submit, {}),
        (services.cancel, {"reason": "x"}),
    ):
        refused("forbidden", fn, actor=w.other_admin, activity=a, **kw)
        refused("forbidden", fn, actor=w.advisor, activity=a, **kw)
    refused("forbidden", draft, w=w, by=w.other_admin)
    services.cancel(actor=w.admin, activity=a, reason="场地冲突")
    assert fresh(a).status == S.CANCELLED


def test_notifications_to_the_advisor_and_the_responsible_student(w: World) -> None:
    a = submitted(w)
    kinds = lambda u: sorted(  # noqa: E731
        Notification.objects.filter(user=u).values_list("kind", flat=True)
    )
    assert kinds(w.advisor) == ["clubs.activity_submitted"]
    assert kinds(w.other_advisor) == []
    assert kinds(w.leader) == []
    services.decide(actor=w.advisor, activity=a, decision="returned", reasons="请补充")
    assert kinds(w.leader) == ["clubs.activity_decided"]
    assert kinds(w.admin) == ["clubs.activity_decided"]
    note = Notification.objects.get(user=w.leader)
    # the reasons stay on the page, not in a notification
    assert "请补充" not in str(note.params)


# ----------------------------------------------------------------------------- pages


def _states(w: World) -> dict[str, Activity]:
    out = {"draft": draft(w, "草稿活动"), "submitted": submitted(w, title="待审活动")}
    r = submitted(w, title="退回活动")
    services.decide(actor=w.advisor, activity=r, decision="returned", reasons="补充")
    out["returned"] = r
    x = submitted(w, title="否决活动")
    services.decide(actor=w.advisor, activity=x, decision="rejected", reasons="不妥")
    out["rejected"] = x
    out["approved"] = approved(w, title="批准活动")
    h = begun(approved(w, title="举办活动"))
    services.record_held(actor=w.admin, activity=h, participants=50, record="好")
    out["held"] = h
    return out


def client_for(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_the_public_page_lists_approved_and_held_only(w: World) -> None:
    states = _states(w)
    html = client_for().get(reverse("clubs:public", args=["KSU"])).content.decode()
    assert "批准活动" in html and "举办活动" in html
    for title in ("草稿活动", "待审活动", "退回活动", "否决活动"):
        assert title not in html
    # no private data: no student number, no reasons
    assert "20240001" not in html and "不妥" not in html
    club = client_for().get(reverse("clubs:club", args=["KSU", w.club.pk]))
    text = club.content.decode()
    assert "林社长" in text and "20240001" not in text
    assert "批准活动" in text and "草稿活动" not in text
    assert states


def test_empty_states(w: World) -> None:
    html = client_for().get(reverse("clubs:public", args=["KSU"])).content.decode()
    assert 'id="upcoming-empty"' in html and 'id="held-empty"' in html
    other = client_for().get(reverse("clubs:register", args=["MSU"]))
    assert 'id="clubs-empty"' in other.content.decode()
    school = client_for().get(reverse("clubs:public", args=["KSCH"]))
    assert school.status_code == 404


@pytest.mark.parametrize(
    ("who", "draft_status", "sees_reasons"),
    [
        (None, 302, False),
        ("student", 404, False),
        ("other_admin", 404, False),
        ("other_advisor", 404, False),
        ("cadre", 200, True),
        ("admin", 200, True),
        ("advisor", 200, True),
        ("leader", 200, True),
    ],
)
def test_who_sees_an_activity(
    w: World, who: str | None, draft_status: int, sees_reasons: bool
) -> None:
    states = _states(w)
    c = client_for(getattr(w, who) if who else None)
    for state in ("draft", "submitted", "returned", "rejected"):
        url = reverse("clubs:activity", args=["KSU", states[state].pk])
        assert c.get(url).status_code == draft_status, (who, state)
    for state in ("approved", "held"):
        r = c.get(reverse("clubs:activity", args=["KSU", states[state].pk]))
        assert r.status_code == 200
        assert ('id="reviews"' in r.content.decode()) == sees_reasons
    returned = c.get(reverse("clubs:activity", args=["KSU", states["returned"].pk]))
    if returned.status_code == 200:
        assert "补充" in returned.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("student", 403),
        ("leader", 403),
        ("other_admin", 403),
        ("other_advisor", 403),
        ("cadre", 200),
        ("admin", 200),
        ("advisor", 200),
    ],
)
def test_who_sees_the_manage_page(w: World, who: str | None, status: int) -> None:
    _states(w)
    r = client_for(getattr(w, who) if who else None).get(
        reverse("clubs:manage", args=["KSU"])
    )
    assert r.status_code == status
    if status == 200:
        html = r.content.decode()
        assert "草稿活动" in html
        assert ('id="club-form"' in html) == (who == "admin")


def test_the_advisor_decides_and_the_admin_registers_on_the_pages(w: World) -> None:
    a = submitted(w)
    url = reverse("clubs:activity_action", args=["KSU", a.pk, "decide"])
    # the admin may not decide
    assert (
        client_for(w.admin).post(url, {"decide-decision": "approved"}).status_code
        == 403
    )
    advisor = client_for(w.advisor)
    page = advisor.get(reverse("clubs:activity", args=["KSU", a.pk])).content.decode()
    assert 'id="decide-form"' in page
    r = advisor.post(url, {"decide-decision": "returned", "decide-reasons": ""})
    assert r.status_code == 400 and fresh(a).status == S.SUBMITTED
    r = advisor.post(url, {"decide-decision": "returned", "decide-reasons": "请补充"})
    assert r.status_code == 302 and fresh(a).status == S.RETURNED
    admin = client_for(w.admin)
    r = admin.post(reverse("clubs:activity_action", args=["KSU", a.pk, "submit"]))
    assert r.status_code == 302 and fresh(a).status == S.SUBMITTED
    r = admin.post(
        reverse("clubs:manage", args=["KSU"]),
        {
            "club-name": "天文协会",
            "club-category": "academic",
            "club-guiding_unit": "物理学院团委",
            "club-advisor": "钱老师",
            "club-responsible": "",
        },
    )
    assert r.status_code == 302
    assert Club.objects.filter(union=w.union, name="天文协会").exists()
    assert (
        client_for(w.other_admin)
        .post(reverse("clubs:manage", args=["KSU"]), {"club-name": "x"})
        .status_code
        == 403
    )


def test_the_admin_registers_an_activity_on_the_page(w: World) -> None:
    c = client_for(w.admin)
    url = reverse("clubs:new_activity", args=["KSU"])
    assert c.get(url).status_code == 200
    starts = timezone.localtime(timezone.now() + timedelta(days=4))
    r = c.post(
        url,
        {
            "activity-club": w.club.pk,
            "activity-title": "夜景摄影外拍",
            "activity-starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "activity-place": "江滨公园",
            "activity-organiser": "林社长",
            "activity-expected_participants": "30",
            "activity-content": "夜景拍摄技巧交流",
        },
    )
    assert r.status_code == 302
    a = Activity.objects.get(title="夜景摄影外拍")
    assert a.status == S.DRAFT and a.created_by == w.admin
    assert client_for(w.advisor).get(url).status_code == 403
    assert client_for().get(url).status_code == 302


def _count(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client_for().get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_pages_make_a_bounded_number_of_queries(w: World) -> None:
    for i in range(3):
        approved(w, title=f"活动{i}")
        begun(approved(w, title=f"举办{i}"))
    public = reverse("clubs:public", args=["KSU"])
    club = reverse("clubs:club", args=["KSU", w.club.pk])
    register = reverse("clubs:register", args=["KSU"])
    few = [_count(u) for u in (public, club, register)]
    for i in range(30):
        approved(w, title=f"更多{i}")
        begun(approved(w, title=f"更多举办{i}"))
        services.register_club(
            actor=w.admin,
            union=w.union,
            name=f"社团{i}",
            category="academic",
            guiding_unit="校团委",
            advisor="老师",
        )
    many = [_count(u) for u in (public, club, register)]
    assert few == many
    assert max(many) <= 12
    # the managers' page too
    c = client_for(w.admin)
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(reverse("clubs:manage", args=["KSU"])).status_code == 200
    assert len(ctx.captured_queries) <= 20


def test_the_photo_is_public_with_the_held_activity(w: World) -> None:
    a = begun(approved(w))
    services.record_held(
        actor=w.admin, activity=a, participants=9, record="好", photo=_png()
    )
    r = client_for().get(reverse("clubs:photo", args=["KSU", a.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    refused(
        "invalid-transition",
        services.record_held,
        actor=w.admin,
        activity=fresh(a),
        participants=9,
        record="好",
    )
    bad = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    b = begun(approved(w, title="二"))
    refused(
        "photo-type",
        services.record_held,
        actor=w.admin,
        activity=b,
        participants=1,
        record="x",
        photo=bad,
    )


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buf, format="PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


# ----------------------------------------------------------------------------- audit


def _org14(code: str = "KSU") -> list[str]:
    report = audit_organisation(code=code)
    return sorted(f.rule for f in report.findings if f.requirement == "ORG-14")


def test_the_audit_from_the_database_both_sides(w: World) -> None:
    today = timezone.localdate()
    last = previous_term(today)
    # no activity in the last term: a deviation
    assert _org14() == ["ORG-14.inactive-club"]
    # one approved and held in the last term: regular
    a = approved(w)
    day = timezone.make_aware(
        timezone.datetime.combine(
            last.start + timedelta(days=20), timezone.datetime.min.time()
        )
    ).replace(hour=15)
    Activity.objects.filter(pk=a.pk).update(
        starts_at=day, approved_at=day - timedelta(days=3)
    )
    services.record_held(actor=w.admin, activity=fresh(a), participants=5, record="好")
    assert _org14() == []
    # held without an approving review before it began (came around the services)
    Activity.objects.filter(pk=a.pk).update(approved_at=day + timedelta(minutes=1))
    assert _org14() == ["ORG-14.unreviewed-activity"]
    Activity.objects.filter(pk=a.pk).update(approved_at=day)
    assert _org14() == []
    # a union without clubs is not judged
    assert _org14("MSU") == []
    assert w.union.kind == OrgKind.SCHOOL_UNION


def test_the_advisor_sees_the_queue_on_the_home(w: World) -> None:
    from tongxue.clubs.home import reviews_due

    assert reviews_due(w.advisor, None, timezone.now()) == []
    submitted(w)
    submitted(w, title="第二个")
    [item] = reviews_due(w.advisor, None, timezone.now())
    assert item.kind == "review-club-activities" and "2" in item.title
    assert reviews_due(w.admin, None, timezone.now()) == []
    assert reviews_due(w.other_advisor, None, timezone.now()) == []


# ----------------------------------------------------------------------------- registry


def test_the_register_links_a_club_of_the_registry(w: World) -> None:
    from tongxue.clubs.selectors import registry_clubs

    school = w.union.parent
    fed = OrganisationFactory(
        code="KSCH-SL",
        name="学生社团联合会",
        kind=OrgKind.CLUB_FEDERATION,
        parent=school,
    )
    astro = OrganisationFactory(
        code="KSCH-C01", name="天文协会", kind=OrgKind.CLUB, parent=fed
    )
    own = OrganisationFactory(
        code="KSU-C01", name="K学生会合唱团", kind=OrgKind.CLUB, parent=w.union
    )
    elsewhere = OrganisationFactory(
        code="MSCH-C01",
        name="天文协会",
        kind=OrgKind.CLUB,
        parent=OrganisationFactory(
            code="MSCH-SL",
            name="学生社团联合会",
            kind=OrgKind.CLUB_FEDERATION,
            parent=w.other.parent,
        ),
    )
    assert list(registry_clubs(w.union)) == [own, astro]  # by name
    assert list(registry_clubs(w.other)) == [elsewhere]
    admin = client_for(w.admin)
    form = admin.get(reverse("clubs:manage", args=["KSU"])).content.decode()
    assert 'value="KSCH-C01"' in form and 'value="MSCH-C01"' not in form
    data = {
        "club-name": "天文协会",
        "club-category": "academic",
        "club-guiding_unit": "物理学院团委",
        "club-advisor": "钱老师",
        "club-organisation": "MSCH-C01",  # another school's: not a choice
    }
    r = admin.post(reverse("clubs:manage", args=["KSU"]), data)
    assert r.status_code == 400 and not Club.objects.filter(name="天文协会").exists()
    data["club-organisation"] = "KSCH-C01"
    assert admin.post(reverse("clubs:manage", args=["KSU"]), data).status_code == 302
    club = Club.objects.get(name="天文协会")
    assert club.organisation == astro
    # the register and the club's page show the link, to everyone
    href = reverse("organisations:detail", args=["KSCH-C01"])
    register = Client().get(reverse("clubs:register", args=["KSU"])).content.decode()
    assert f'href="{href}"' in register and 'class="registry-link"' in register
    page = Client().get(reverse("clubs:club", args=["KSU", club.pk])).content.decode()
    assert 'id="club-registry"' in page and f'href="{href}"' in page
    # one register entry a registry club
    refused(
        "duplicate",
        services.update_club,
        actor=w.admin,
        club=w.club,
        name=w.club.name,
        category=w.club.category,
        guiding_unit=w.club.guiding_unit,
        advisor=w.club.advisor,
        status="active",
        organisation="KSCH-C01",
    )
    # unlinked on the page's edit form (a blank choice)
    r = admin.post(
        reverse("clubs:club_edit", args=["KSU", club.pk]),
        {
            "club-name": "天文协会",
            "club-category": "academic",
            "club-guiding_unit": "物理学院团委",
            "club-advisor": "钱老师",
            "club-status": "active",
            "club-organisation": "",
        },
    )
    assert r.status_code == 302
    club.refresh_from_db()
    assert club.organisation is None
