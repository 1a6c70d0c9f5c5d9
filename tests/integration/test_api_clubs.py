"""The clubs' JSON API (ORG-14 · GS-6, GS-14, CQ-1, CQ-9): the register (with its link
to the registry's club), a club, the activities to come and held, an activity as the
page shows it to each reader; writes through the services with their checks and
refusals; who may read and write what (anonymous, a student, the club's responsible
student, the union's administrator, the League advisor, another union's administrator);
CSRF; bounded queries at two sizes. No student number in any answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.clubs import services
from tongxue.clubs.models import Activity, ActivityStatus, Club
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

API = "/api/clubs"
NUMBER = "20249001"


@dataclass
class World:
    union: Any
    other: Any
    club: Any
    registry: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def w() -> World:
    school = SchoolFactory(code="HSCH", name="H大学")
    union = OrganisationFactory(code="HSU", name="H大学学生会", parent=school)
    other_school = SchoolFactory(code="GSCH", name="G大学")
    other = OrganisationFactory(code="GSU", name="G大学学生会", parent=other_school)
    # the registry: the school's club federation and its clubs, another school's
    fed = OrganisationFactory(
        code="HSCH-SL",
        name="学生社团联合会",
        kind=OrgKind.CLUB_FEDERATION,
        parent=school,
    )
    registry = {
        "photo": OrganisationFactory(
            code="HSCH-C01", name="摄影协会", kind=OrgKind.CLUB, parent=fed
        ),
        "debate": OrganisationFactory(
            code="HSCH-C02", name="辩论社", kind=OrgKind.CLUB, parent=fed
        ),
        "elsewhere": OrganisationFactory(
            code="GSCH-C01",
            name="书法协会",
            kind=OrgKind.CLUB,
            parent=OrganisationFactory(
                code="GSCH-SL",
                name="学生社团联合会",
                kind=OrgKind.CLUB_FEDERATION,
                parent=other_school,
            ),
        ),
    }
    users = {}
    for name, role, org in (
        ("admin", RoleKind.UNION_ADMIN, union),
        ("student", RoleKind.STUDENT, union),
        ("advisor", RoleKind.LEAGUE_ADVISOR, school),
        ("other_admin", RoleKind.UNION_ADMIN, other),
    ):
        user = UserFactory(username=f"h-{name}")
        RoleFactory(user=user, organisation=org, role=role)
        users[name] = user
    users["leader"] = UserFactory(username="h-leader")
    PersonFactory(name="高社长", student_number=NUMBER, user=users["leader"])
    club = services.register_club(
        actor=users["admin"],
        union=union,
        name="摄影协会",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="李老师",
        responsible=NUMBER,
        organisation="HSCH-C01",
        registered_on=timezone.localdate() - timedelta(days=300),
    )
    return World(union, other, club, registry, users)


def client_for(w: World, who: str, *, csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=csrf)
    if who != "anonymous":
        c.force_login(w.users[who])
    return c


def send(c: Client, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def draft(w: World, title: str = "校园摄影展", **kw: Any) -> Activity:
    return services.create_activity(
        actor=w.users["admin"],
        club=kw.pop("club", w.club),
        title=title,
        starts_at=kw.pop("starts_at", timezone.now() + timedelta(days=3)),
        ends_at=None,
        place="大学生活动中心",
        organiser="摄影协会办公室",
        expected_participants=80,
        content="展出校园作品。",
        sponsors=kw.pop("sponsors", ""),
    )


def approved(w: World, **kw: Any) -> Activity:
    a = draft(w, **kw)
    services.submit(actor=w.users["admin"], activity=a)
    services.decide(actor=w.users["advisor"], activity=a, decision="approved")
    return Activity.objects.select_related("club", "union").get(pk=a.pk)


def held(w: World, **kw: Any) -> Activity:
    a = approved(w, **kw)
    Activity.objects.filter(pk=a.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    a = Activity.objects.select_related("club", "union").get(pk=a.pk)
    services.record_held(
        actor=w.users["admin"], activity=a, participants=55, record="顺利举办。"
    )
    return a


def activity_body(w: World, **kw: Any) -> dict[str, Any]:
    start = timezone.localtime() + timedelta(days=5)
    return {
        "club": w.club.pk,
        "title": "摄影讲座",
        "starts_at": start.replace(tzinfo=None, microsecond=0).isoformat(),
        "place": "图书馆报告厅",
        "organiser": "摄影协会办公室",
        "expected_participants": 120,
        "content": "人像摄影入门。",
        "speakers": "王某，某报社摄影记者",
    } | kw


# ----------------------------------------------------------------------------- reads


def test_the_register_shows_active_clubs_with_their_registry_link(w: World) -> None:
    services.register_club(
        actor=w.users["admin"],
        union=w.union,
        name="围棋社",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="吴老师",
    )
    dormant = services.register_club(
        actor=w.users["admin"],
        union=w.union,
        name="桥牌社",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="赵老师",
    )
    Club.objects.filter(pk=dormant.pk).update(status="suspended")
    response = Client().get(f"{API}/{w.union.code}/register")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and [c["name"] for c in data["clubs"]] == [
        "围棋社",
        "摄影协会",
    ]
    photo = data["clubs"][1]
    assert photo["registry"] == {
        "code": "HSCH-C01",
        "name": "摄影协会",
        "url": "/org/HSCH-C01/",
    }
    assert photo["responsible"] == "高社长" and photo["advisor"] == "李老师"
    assert data["clubs"][0]["registry"] is None
    assert NUMBER not in response.content.decode()
    # a suspended club has its page (and JSON), not a place on the register
    one = Client().get(f"{API}/{w.union.code}/clubs/{dormant.pk}").json()
    assert one["status"] == "suspended"
    assert Client().get(f"{API}/{w.other.code}/clubs/{w.club.pk}").status_code == 404


def test_activities_to_come_and_held_are_public_drafts_are_not(w: World) -> None:
    coming = approved(w, title="外拍活动")
    done = held(w, title="摄影展")
    draft(w, title="草稿活动")
    data = Client().get(f"{API}/{w.union.code}/activities").json()
    assert [a["title"] for a in data["upcoming"]] == ["外拍活动"]
    assert [a["title"] for a in data["held"]] == ["摄影展"]
    assert data["held"][0]["participants"] == 55
    assert (
        data["upcoming"][0]["url"] == f"/clubs/{w.union.code}/activities/{coming.pk}/"
    )
    by_club = Client().get(f"{API}/{w.union.code}/activities?club={w.club.pk}").json()
    assert by_club["club"] == w.club.pk and by_club["count"] == 1
    assert Client().get(f"{API}/{w.union.code}/activities?club=999").status_code == 404
    one = Client().get(f"{API}/{w.union.code}/activities/{done.pk}").json()
    assert (one["status"], one["participants"], one["record"]) == (
        "held",
        55,
        "顺利举办。",
    )
    assert one["reviews"] is None and one["cancel_reason"] is None  # not the public's


# ----------------------------------------------------------------------------- who

WHO = ("anonymous", "student", "leader", "admin", "advisor", "other_admin")
#: Who reads an activity before it is approved, with its reviews.
READS_PRIVATE = {"leader", "admin", "advisor"}


@pytest.mark.parametrize("who", WHO)
def test_who_may_read_what(w: World, who: str) -> None:
    a = draft(w, title="待审活动")
    services.submit(actor=w.users["admin"], activity=a)
    services.decide(
        actor=w.users["advisor"],
        activity=a,
        decision="returned",
        reasons="补充安全预案",
    )
    public = approved(w, title="公开活动")
    c = client_for(w, who)
    url = f"{API}/{w.union.code}/activities"
    response = c.get(f"{url}/{a.pk}")
    if who in READS_PRIVATE:
        assert response.status_code == 200
        [review] = response.json()["reviews"]
        assert (review["decision"], review["reasons"]) == ("returned", "补充安全预案")
    else:
        assert response.status_code == 404
    seen = c.get(f"{url}/{public.pk}").json()
    assert seen["status"] == "approved"
    assert (seen["reviews"] is not None) is (who in READS_PRIVATE)
    # the lists are the same for everyone: no draft, no returned activity
    listed = c.get(url).json()
    assert [x["title"] for x in listed["upcoming"]] == ["公开活动"]
    assert c.get(f"{API}/{w.union.code}/register").json()["count"] == 1


@pytest.mark.parametrize("who", WHO)
def test_who_may_write_what(w: World, who: str) -> None:
    c = client_for(w, who)
    denied = 401 if who == "anonymous" else 403
    # register a club: the union's administrators
    made = send(
        c,
        f"{API}/{w.union.code}/clubs",
        {
            "name": "辩论社",
            "category": "academic",
            "guiding_unit": "校团委",
            "advisor": "孙老师",
            "organisation": "HSCH-C02",
        },
    )
    assert made.status_code == (201 if who == "admin" else denied), made.content
    # register an activity and submit it: the administrators
    created = send(c, f"{API}/{w.union.code}/activities", activity_body(w))
    assert created.status_code == (201 if who == "admin" else denied)
    a = draft(w, title="待提交")
    submitted = send(c, f"{API}/{w.union.code}/activities/{a.pk}/submit", {})
    assert submitted.status_code == (200 if who == "admin" else denied)
    if who != "admin":
        services.submit(actor=w.users["admin"], activity=a)
    # decide: the League advisor only
    decided = send(
        c,
        f"{API}/{w.union.code}/activities/{a.pk}/decision",
        {"decision": "approved"},
    )
    assert decided.status_code == (200 if who == "advisor" else denied)
    if who not in ("anonymous", "advisor"):
        assert decided.json()["code"] == "forbidden"
    a.refresh_from_db()
    assert (a.status == ActivityStatus.APPROVED) is (who == "advisor")
    assert Club.objects.filter(name="辩论社").exists() is (who == "admin")


# ----------------------------------------------------------------------------- writes


def test_an_activity_registered_reviewed_and_held_through_the_api(w: World) -> None:
    admin, advisor = client_for(w, "admin"), client_for(w, "advisor")
    base = f"{API}/{w.union.code}/activities"
    response = send(admin, base, activity_body(w))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["reviews"] == []
    assert data["speakers"] == "王某，某报社摄影记者"
    pk = data["id"]
    # a time without an offset is the site's local time
    stored = Activity.objects.get(pk=pk).starts_at
    assert (
        timezone.localtime(stored).replace(tzinfo=None).isoformat()
        == (activity_body(w)["starts_at"])
    )
    # the administrator may not decide, the advisor may not submit
    assert (
        send(admin, f"{base}/{pk}/decision", {"decision": "approved"}).status_code
        == 403
    )
    assert send(advisor, f"{base}/{pk}/submit", {}).status_code == 403
    assert send(admin, f"{base}/{pk}/submit", {}).json()["status"] == "submitted"
    # returning needs reasons: refused on the field
    refused = send(advisor, f"{base}/{pk}/decision", {"decision": "returned"})
    assert refused.status_code == 400 and refused.json()["field"] == "reasons"
    approved_now = send(advisor, f"{base}/{pk}/decision", {"decision": "approved"})
    assert approved_now.json()["status"] == "approved"
    # held only once it has begun
    early = send(admin, f"{base}/{pk}/held", {"participants": 90, "record": "好"})
    assert early.status_code == 400 and early.json()["code"] == "too-early"
    Activity.objects.filter(pk=pk).update(starts_at=timezone.now() - timedelta(hours=1))
    done = send(admin, f"{base}/{pk}/held", {"participants": 90, "record": "座无虚席"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["participants"]) == ("held", 90)
    public = Client().get(f"{base}/{pk}").json()
    assert public["record"] == "座无虚席"


def test_the_refusals_of_the_register_name_their_field(w: World) -> None:
    admin = client_for(w, "admin")
    url = f"{API}/{w.union.code}/clubs"
    body = {"name": "书法协会", "category": "culture_sports", "guiding_unit": "校团委"}
    body["advisor"] = "钱老师"
    cases = [
        ({"name": "摄影协会"}, "name", "duplicate"),
        ({"category": "sports"}, "category", "required"),
        ({"responsible": "000"}, "responsible", "unknown"),
        # another school's club, a federation, an unknown code, one linked already
        ({"organisation": "GSCH-C01"}, "organisation", "invalid"),
        ({"organisation": "HSCH-SL"}, "organisation", "invalid"),
        ({"organisation": "NOPE"}, "organisation", "invalid"),
        ({"organisation": "HSCH-C01"}, "organisation", "duplicate"),
    ]
    for change, field_name, code in cases:
        response = send(admin, url, body | change)
        assert response.status_code == 400, change
        out = response.json()
        assert (out["field"], out["code"]) == (field_name, code), change
    assert Club.objects.count() == 1
    assert send(admin, url, body | {"organisation": "HSCH-C02"}).status_code == 201
    bad = send(admin, f"{API}/{w.union.code}/activities", activity_body(w, club=999))
    assert bad.status_code == 400 and bad.json()["field"] == "club"


def test_a_club_is_linked_changed_and_unlinked(w: World) -> None:
    admin = client_for(w, "admin")
    url = f"{API}/{w.union.code}/clubs/{w.club.pk}"
    body = {
        "name": "摄影协会",
        "category": "culture_sports",
        "guiding_unit": "校团委",
        "advisor": "李老师",
        "status": "active",
        "responsible": NUMBER,
    }
    response = send(admin, url, body | {"organisation": "HSCH-C02"}, method="put")
    assert response.status_code == 200
    assert response.json()["registry"]["code"] == "HSCH-C02"
    response = send(admin, url, body, method="put")  # blank: unlinked
    assert response.json()["registry"] is None
    assert Club.objects.get(pk=w.club.pk).organisation is None
    other = client_for(w, "other_admin")
    assert send(other, url, body, method="put").status_code == 403


def test_writes_need_the_csrf_token(w: World) -> None:
    c = client_for(w, "admin", csrf=True)
    url = f"{API}/{w.union.code}/activities"
    assert send(c, url, activity_body(w)).status_code == 403
    c.get(f"/clubs/{w.union.code}/activities/new/")
    response = c.post(
        url,
        json.dumps(activity_body(w)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value,
    )
    assert response.status_code == 201


# ----------------------------------------------------------------------------- queries


def _count(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_reads_run_a_fixed_number_of_queries(
    w: World, django_assert_num_queries: Any, who: str
) -> None:
    c = client_for(w, who)
    approved(w)
    one = held(w)
    urls = [
        f"{API}/{w.union.code}/register",
        f"{API}/{w.union.code}/activities",
        f"{API}/{w.union.code}/activities/{one.pk}",
    ]
    few = [_count(c, url) for url in urls]
    for i in range(45):
        club = services.register_club(
            actor=w.users["admin"],
            union=w.union,
            name=f"社团{i:02d}",
            category="academic",
            guiding_unit="校团委",
            advisor="某老师",
            responsible=NUMBER,
            organisation="HSCH-C02" if i == 0 else "",
        )
        approved(w, club=club)
        held(w, club=club)
    with django_assert_num_queries(few[0]):
        data = c.get(urls[0]).json()
    assert len(data["clubs"]) == 40 and data["count"] == 46
    with django_assert_num_queries(few[1]):
        data = c.get(urls[1]).json()
    assert len(data["held"]) == 20 and len(data["upcoming"]) == 30
    with django_assert_num_queries(few[2]):
        c.get(urls[2])
