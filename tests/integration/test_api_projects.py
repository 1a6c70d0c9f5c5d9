"""The projects' JSON API (ORG-11 · GS-9, CQ-4): reads as public as the pages (members
named only when they hold a post, numbers only to the union's managers and readers),
writes through the services with their checks and refusals, who may read and write what
(anonymous, a student, the union's administrator and cadre, the owner, the League
advisor, another union's administrator), CSRF, and bounded queries at two sizes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.domain.terms import term_of
from tongxue.organisations.models import OrgKind, Role
from tongxue.projects import services
from tongxue.projects.models import CheckIn, Event, Project, ProjectStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
API = "/api/projects"


@dataclass
class World:
    union: Any
    other: Any
    dept: Any
    owner: Any
    people: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def w() -> World:
    school = SchoolFactory(code="JSCH", name="J大学")
    union = OrganisationFactory(code="JSU", name="J大学学生会", parent=school)
    dept = OrganisationFactory(
        code="JSU-XX", name="学习部", kind=OrgKind.FUNCTIONAL_DEPARTMENT, parent=union
    )
    faculty = OrganisationFactory(
        code="JDU", name="J法学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    other_school = SchoolFactory(code="KXSCH", name="KX大学")
    other = OrganisationFactory(code="KXSU", name="KX大学学生会", parent=other_school)
    owner = PersonFactory(name="周部长", ident="J-OWNER", student_number="2023777")
    PositionFactory(
        organisation=dept,
        person=owner,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        start=TODAY - dt.timedelta(days=300),
    )
    out = World(union, other, dept, owner)
    for name, role, org in (
        ("admin", RoleKind.UNION_ADMIN, union),
        ("cadre", RoleKind.UNION_CADRE, union),
        ("advisor", RoleKind.LEAGUE_ADVISOR, school),
        ("student", RoleKind.STUDENT, union),
        ("other_admin", RoleKind.UNION_ADMIN, other),
    ):
        user = UserFactory(username=f"j-{name}")
        RoleFactory(user=user, organisation=org, role=role)
        out.users[name] = user
    owner.user = UserFactory(username="j-owner")
    owner.save()
    out.users["owner"] = owner.user
    for i in range(3):
        out.people[f"s{i}"] = PersonFactory(
            name=f"同学{i}", student_number=f"20257{i}", department=faculty
        )
    out.people["s0"].user = out.users["student"]
    out.people["s0"].save()
    return out


def plan(w: World, **kw: Any) -> Project:
    return services.plan_project(
        actor=w.users["admin"],
        union=w.union,
        title=kw.pop("title", "读书月"),
        owner=w.owner,
        start=kw.pop("start", TODAY - dt.timedelta(days=10)),
        end=kw.pop("end", None),
        departments=[w.dept],
        members=kw.pop("members", ["202570", "202571"]),
        **kw,
    )


def running(w: World, **kw: Any) -> Project:
    return services.start_project(actor=w.users["admin"], project=plan(w, **kw))


def client_for(w: World, who: str, *, csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=csrf)
    if who != "anonymous":
        c.force_login(w.users[who])
    return c


def send(c: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def project_body(w: World, **kw: Any) -> dict[str, Any]:
    return {
        "title": "宿舍文化节",
        "summary": "卫生评比与文化墙设计",
        "owner": "2023777",
        "start": TODAY.isoformat(),
        "departments": [w.dept.code],
        "members": ["202570", "202572"],
        "budget_year": 2025,
        "budget_category": "activities",
        "budget_amount": "500",
    } | kw


# ----------------------------------------------------------------------------- reads


def test_the_list_shows_projects_and_participation_by_term(w: World) -> None:
    p = running(w)
    e = services.add_event(actor=w.users["admin"], project=p, title="读书会", day=TODAY)
    CheckIn.objects.create(event=e, person=w.people["s1"], checked_in_at=timezone.now())
    plan(w, title="毕业季", start=TODAY + dt.timedelta(days=30))
    data = Client().get(f"{API}/{w.union.code}").json()
    assert (data["union"], data["count"], data["page"], data["pages"]) == (
        w.union.code,
        2,
        1,
        1,
    )
    first = data["projects"][1]
    assert (first["number"], first["title"], first["status"]) == (
        1,
        "读书月",
        "running",
    )
    assert (first["owner"], first["events"], first["participants"]) == ("周部长", 1, 1)
    assert first["url"] == f"/projects/{w.union.code}/1/"
    [term] = data["participation"]
    assert term["term"] == term_of(TODAY).code and term["participants"] == 1
    # the term in words (Chinese by default), the key kept
    assert (
        term["label"].startswith(str(term_of(TODAY).year)) and "学期" in term["label"]
    )
    running_only = Client().get(f"{API}/{w.union.code}?status=planned").json()
    assert [p["title"] for p in running_only["projects"]] == ["毕业季"]


def test_a_project_names_cadres_and_counts_students_for_the_public(w: World) -> None:
    p = running(w, budget_year=2025, budget_category="activities", budget_amount="80")
    services.add_event(
        actor=w.users["admin"], project=p, title="读书会", day=TODAY, place="图书馆"
    )
    member = PersonFactory(name="钱干事", student_number="2022111")
    PositionFactory(
        organisation=w.dept,
        person=member,
        role=Role.MEMBER,
        title="干事",
        start=TODAY - dt.timedelta(days=30),
    )
    p.members.add(member)
    response = Client().get(f"{API}/{w.union.code}/{p.number}")
    assert response.status_code == 200
    data = response.json()
    assert (data["title"], data["owner"], data["status"]) == (
        "读书月",
        "周部长",
        "running",
    )
    assert data["departments"] == [{"code": w.dept.code, "name": "学习部"}]
    assert data["members"] == [
        {"name": "钱干事", "cadre": True, "student_number": None}
    ]
    assert data["hidden_members"] == 2
    [event] = data["events"]
    assert (event["title"], event["place"], event["check_ins"]) == (
        "读书会",
        "图书馆",
        0,
    )
    assert data["budget"]["planned"] == "80.00" and data["budget"]["year"] == 2025
    text = response.content.decode()
    for secret in ("同学0", "同学1", "202570", "202571", "2022111", "2023777"):
        assert secret not in text


def test_unknown_codes_and_numbers_are_404(w: World) -> None:
    plan(w)
    c = Client()
    assert c.get(f"{API}/NOPE").status_code == 404
    assert c.get(f"{API}/{w.dept.code}").status_code == 404  # not a union
    assert c.get(f"{API}/{w.union.code}/9").status_code == 404
    assert c.get(f"{API}/{w.other.code}/1").status_code == 404


# ----------------------------------------------------------------------------- who

WHO = ("anonymous", "student", "cadre", "admin", "owner", "advisor", "other_admin")
PRIVATE = {"cadre", "admin", "advisor"}
PLANS = {"cadre", "admin"}
RUNS = {"cadre", "admin", "owner"}


@pytest.mark.parametrize("who", WHO)
def test_who_may_read_and_write_what(w: World, who: str) -> None:
    p = running(w)
    c = client_for(w, who)
    # everyone reads the list and the project; names and numbers only to the private
    assert c.get(f"{API}/{w.union.code}").status_code == 200
    data = c.get(f"{API}/{w.union.code}/{p.number}").json()
    names = {m["name"] for m in data["members"]}
    numbers = {m["student_number"] for m in data["members"]}
    if who in PRIVATE:
        assert names == {"同学0", "同学1"} and numbers == {"202570", "202571"}
        assert data["hidden_members"] == 0
    else:
        assert names == set() and data["hidden_members"] == 2
    # plan
    created = send(c, "post", f"{API}/{w.union.code}", project_body(w))
    expected = 201 if who in PLANS else (401 if who == "anonymous" else 403)
    assert created.status_code == expected, created.content
    if who != "anonymous" and who not in PLANS:
        assert created.json()["code"] == "forbidden"
    # change
    edited = send(
        c,
        "put",
        f"{API}/{w.union.code}/{p.number}",
        project_body(w, title="读书月（改）", start=p.start.isoformat()),
    )
    expected = 200 if who in RUNS else (401 if who == "anonymous" else 403)
    assert edited.status_code == expected, edited.content
    # add an event
    added = send(
        c,
        "post",
        f"{API}/{w.union.code}/{p.number}/events",
        {"title": "交流会", "day": TODAY.isoformat(), "place": "报告厅"},
    )
    expected = 201 if who in RUNS else (401 if who == "anonymous" else 403)
    assert added.status_code == expected, added.content
    p.refresh_from_db()
    assert (p.title == "读书月（改）") is (who in RUNS)
    assert Event.objects.filter(project=p).exists() is (who in RUNS)
    assert Project.objects.count() == (2 if who in PLANS else 1)


def test_another_unions_admin_is_refused_on_their_own_unions_path(w: World) -> None:
    c = client_for(w, "admin")
    response = send(c, "post", f"{API}/{w.other.code}", project_body(w))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Project.objects.exists()


def test_writes_need_the_csrf_token(w: World) -> None:
    c = client_for(w, "admin", csrf=True)
    url = f"{API}/{w.union.code}"
    assert send(c, "post", url, project_body(w)).status_code == 403
    c.get(f"/projects/{w.union.code}/new/")  # a page with a form sets the cookie
    token = c.cookies["csrftoken"].value
    response = c.post(
        url,
        json.dumps(project_body(w)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content


# ----------------------------------------------------------------------------- writes


def test_a_project_planned_changed_and_its_event_through_the_api(w: World) -> None:
    c = client_for(w, "cadre")
    response = send(c, "post", f"{API}/{w.union.code}", project_body(w))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["number"], data["status"], data["owner"]) == (1, "planned", "周部长")
    assert data["budget"] == {
        "year": 2025,
        "category": "activities",
        "category_label": data["budget"]["category_label"],
        "planned": "500.00",
        "budget": None,
        "actual": None,
    }
    p = Project.objects.get()
    assert {m.student_number for m in p.members.all()} == {"202570", "202572"}
    # the cadre reads the numbers back and changes the members (a full replacement)
    numbers = sorted(m["student_number"] for m in data["members"])
    assert numbers == ["202570", "202572"]
    body = project_body(
        w, members=["202571"], end=(TODAY + dt.timedelta(days=20)).isoformat()
    )
    response = send(c, "put", f"{API}/{w.union.code}/1", body)
    assert response.status_code == 200, response.content
    assert [m["student_number"] for m in response.json()["members"]] == ["202571"]
    response = send(
        c,
        "post",
        f"{API}/{w.union.code}/1/events",
        {"title": "启动仪式", "day": TODAY.isoformat()},
    )
    assert response.status_code == 201
    assert response.json()["url"].startswith(f"/projects/{w.union.code}/1/events/")
    listed = Client().get(f"{API}/{w.union.code}/1").json()["events"]
    assert [e["title"] for e in listed] == ["启动仪式"]


@pytest.mark.parametrize(
    ("change", "field_name", "code"),
    [
        ({"title": " "}, "title", "required"),
        ({"owner": "202570"}, "owner", "invalid"),  # a student, no post
        ({"owner": "nobody"}, "owner", "invalid"),
        ({"end": (TODAY - dt.timedelta(days=1)).isoformat()}, "end", "invalid"),
        ({"departments": ["NOPE"]}, "departments", "invalid"),
        ({"departments": ["JDU"]}, "departments", "invalid"),  # not a department
        ({"members": ["202570", "Q999"]}, "members", "unknown"),
        ({"budget_category": ""}, "budget_category", "required"),
        ({"budget_amount": "1.234"}, "budget_amount", "invalid-amount"),
    ],
)
def test_the_services_refusals_name_their_field(
    w: World, change: dict[str, Any], field_name: str, code: str
) -> None:
    c = client_for(w, "admin")
    response = send(c, "post", f"{API}/{w.union.code}", project_body(w, **change))
    assert response.status_code == 400, response.content
    out = response.json()
    assert out["field"] == field_name
    if field_name != "budget_amount":
        assert out["code"] == code
    assert out["message"]
    assert not Project.objects.exists()


def test_an_event_outside_the_projects_dates_is_refused(w: World) -> None:
    p = running(w, end=TODAY + dt.timedelta(days=5))
    c = client_for(w, "admin")
    url = f"{API}/{w.union.code}/{p.number}/events"
    for day in (p.start - dt.timedelta(days=1), p.end + dt.timedelta(days=1)):
        response = send(c, "post", url, {"title": "x", "day": day.isoformat()})
        assert response.status_code == 400
        out = response.json()
        assert (out["code"], out["field"]) == ("out-of-dates", "day")
        assert day.isoformat() not in out["message"]
        assert (p.start.isoformat() in out["message"]) or (
            p.end.isoformat() in out["message"]
        )
    for day in (p.start, p.end):
        response = send(c, "post", url, {"title": "y", "day": day.isoformat()})
        assert response.status_code == 201
    assert p.events.count() == 2


def test_a_concluded_project_is_not_changed(w: World) -> None:
    p = running(w)
    services.conclude_project(actor=w.users["admin"], project=p, outcome="完成")
    c = client_for(w, "admin")
    response = send(
        c,
        "put",
        f"{API}/{w.union.code}/{p.number}",
        project_body(w, start=p.start.isoformat()),
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    data = Client().get(f"{API}/{w.union.code}/{p.number}").json()
    assert data["status"] == ProjectStatus.CONCLUDED and data["outcome"] == "完成"
    assert data["outcome_url"].startswith(f"/open/{w.union.code}/")


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
    first = running(w, budget_year=2025, budget_category="activities")
    services.add_event(actor=w.users["admin"], project=first, title="e", day=TODAY)
    list_url = f"{API}/{w.union.code}"
    one_url = f"{API}/{w.union.code}/{first.number}"
    few_list, few_one = _count(c, list_url), _count(c, one_url)
    extra = [
        PersonFactory(name=f"新生{i}", student_number=f"2026{i:03d}") for i in range(5)
    ]
    for person in extra:
        person.department = w.people["s0"].department
        person.save()
    for i in range(30):
        p = running(w, title=f"项目{i}", members=["202570", "202571", "202572"])
        e = services.add_event(actor=w.users["admin"], project=p, title="e", day=TODAY)
        CheckIn.objects.create(
            event=e, person=w.people["s1"], checked_in_at=timezone.now()
        )
        services.add_event(
            actor=w.users["admin"], project=first, title=f"e{i}", day=TODAY
        )
    first.members.add(*extra)
    with django_assert_num_queries(few_list):
        data = c.get(list_url).json()
    assert len(data["projects"]) == 20 and data["pages"] == 2
    with django_assert_num_queries(few_one):
        data = c.get(one_url).json()
    assert len(data["events"]) == 31


def test_the_openapi_schema_describes_the_projects_and_clubs() -> None:
    schema = Client().get("/api/openapi.json").json()
    for path in (
        "/api/projects/{code}",
        "/api/projects/{code}/{number}",
        "/api/projects/{code}/{number}/events",
        "/api/clubs/{code}/register",
        "/api/clubs/{code}/activities/{pk}/decision",
    ):
        assert path in schema["paths"], path
    parts = schema["components"]["schemas"]
    # their own names: no other area's schema of the same name replaces them
    assert "planned" in parts["ProjectBudgetOut"]["properties"]
    assert "field" in parts["RefusalOut"]["properties"]
