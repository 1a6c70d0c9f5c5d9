"""A union's projects (ORG-11 · GS-9, CQ-4): the services (who plans and runs them, in
which union, the lifecycle, the outcome report published on the union's public page),
checking in by QR code (once; expired and forged codes refused), participation per
project and per union and term, the audit both sides, who sees what on every page, a
cadre's record (CAD-3) and the list pages' bounded queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.disclosure.models import WorkEntry
from tongxue.domain.rules.disclosure import previous_term
from tongxue.domain.terms import term_of
from tongxue.organisations.models import OrgKind, Role
from tongxue.projects import selectors, services
from tongxue.projects.models import CheckIn, Project, ProjectStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@dataclass
class Union:
    union: Any
    other: Any
    dept: Any
    owner: Any
    people: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def u() -> Union:
    fed = OrganisationFactory(
        code="PPF", name="P省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = SchoolFactory(code="PSCH", name="P大学", parent=fed)
    union = OrganisationFactory(code="PSU", name="P大学学生会", parent=school)
    dept = OrganisationFactory(
        code="PSU-XX",
        name="学习部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
    )
    faculty = OrganisationFactory(
        code="PDU", name="P法学院学生会", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    school2 = SchoolFactory(code="QSCH", name="Q大学", parent=fed)
    other = OrganisationFactory(code="QSU", name="Q大学学生会", parent=school2)
    owner = PersonFactory(name="李部长", student_number="2023001")
    PositionFactory(
        organisation=dept,
        person=owner,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        start=TODAY - dt.timedelta(days=300),
    )
    out = Union(union, other, dept, owner)
    for name, role, org in (
        ("admin", RoleKind.UNION_ADMIN, union),
        ("cadre", RoleKind.UNION_CADRE, union),
        ("advisor", RoleKind.LEAGUE_ADVISOR, school),
        ("student", RoleKind.STUDENT, union),
        ("other_admin", RoleKind.UNION_ADMIN, other),
    ):
        user = UserFactory(username=f"p-{name}")
        RoleFactory(user=user, organisation=org, role=role)
        out.users[name] = user
    owner_user = UserFactory(username="p-owner")
    owner.user = owner_user
    owner.save()
    out.users["owner"] = owner_user
    out.users["anonymous"] = None
    out.users["operator"] = UserFactory(username="p-operator", is_superuser=True)
    # students of the school (one signed in), and one of the other school
    for i in range(3):
        out.people[f"s{i}"] = PersonFactory(
            name=f"学生{i}", student_number=f"20240{i}", department=faculty
        )
    out.people["s0"].user = out.users["student"]
    out.people["s0"].save()
    stranger = UserFactory(username="p-stranger")
    out.people["stranger"] = PersonFactory(
        name="外校生", student_number="Q001", department=other, user=stranger
    )
    out.users["stranger"] = stranger
    return out


def plan(u: Union, *, by: Any = None, **kw: Any) -> Project:
    return services.plan_project(
        actor=by or u.admin,
        union=kw.pop("union", u.union),
        title=kw.pop("title", "学风建设月"),
        owner=kw.pop("owner", u.owner),
        start=kw.pop("start", TODAY - dt.timedelta(days=5)),
        end=kw.pop("end", None),
        departments=kw.pop("departments", [u.dept]),
        members=kw.pop("members", ["202400", "202401"]),
        **kw,
    )


def running(u: Union, **kw: Any) -> Project:
    p = plan(u, **kw)
    return services.start_project(actor=u.admin, project=p)


def event(u: Union, p: Project, day: dt.date = TODAY) -> Any:
    return services.add_event(actor=u.admin, project=p, title="分享会", day=day)


def code(u: Union, e: Any) -> str:
    return services.check_in_code(actor=u.admin, event=e)


# ----------------------------------------------------------------------------- services


def test_a_project_is_planned_started_and_concluded_with_its_report(u: Union) -> None:
    p = plan(u, budget_year=2025, budget_category="activities", budget_amount="800.5")
    assert (p.number, p.status) == (1, ProjectStatus.PLANNED)
    assert str(p.budget_amount) == "800.50"
    assert list(p.departments.all()) == [u.dept]
    assert {m.student_number for m in p.members.all()} == {"202400", "202401"}
    services.start_project(actor=u.cadre, project=p)  # a cadre manages too
    assert p.status == ProjectStatus.RUNNING
    services.conclude_project(
        actor=u.users["owner"], project=p, outcome="七十人次参与。"
    )
    p.refresh_from_db()
    assert p.status == ProjectStatus.CONCLUDED and p.concluded_at is not None
    entry = WorkEntry.objects.get(pk=p.outcome_entry_id)
    assert entry.union == u.union and entry.kind == "activity"
    assert "七十人次参与。" in entry.body and entry.title == p.title
    actions = set(
        AuditEvent.objects.filter(organisation=u.union.code).values_list(
            "action", flat=True
        )
    )
    assert {
        "projects.plan",
        "projects.start",
        "projects.conclude",
        "disclosure.entry_publish",
    } <= actions
    # the audit data names no member
    plan_event = AuditEvent.objects.get(action="projects.plan")
    assert "202400" not in str(plan_event.data)


def test_the_lifecycle_refuses_wrong_moves(u: Union) -> None:
    p = plan(u)
    with pytest.raises(Refusal) as early:
        services.conclude_project(actor=u.admin, project=p, outcome="x")
    assert early.value.code == "invalid-transition"
    services.cancel_project(actor=u.admin, project=p, reason="经费不足")
    assert p.status == ProjectStatus.CANCELLED and p.cancel_reason == "经费不足"
    with pytest.raises(Refusal):
        services.start_project(actor=u.admin, project=p)
    with pytest.raises(Refusal):
        event(u, p)
    with pytest.raises(Refusal) as reason:
        services.cancel_project(actor=u.admin, project=plan(u), reason=" ")
    assert reason.value.field == "reason"
    assert not WorkEntry.objects.exists()


@pytest.mark.parametrize("who", ["student", "advisor", "other_admin", "stranger"])
def test_only_the_unions_cadres_and_admins_plan(u: Union, who: str) -> None:
    with pytest.raises(Refusal) as refused:
        plan(u, by=u.users[who])
    assert refused.value.code == "forbidden"
    assert not Project.objects.exists()


def test_the_owner_runs_their_project_but_plans_none(u: Union) -> None:
    p = plan(u)
    services.start_project(actor=u.users["owner"], project=p)
    event(u, p)
    with pytest.raises(Refusal):
        plan(u, by=u.users["owner"])
    with pytest.raises(Refusal):
        services.start_project(actor=u.student, project=plan(u))


def test_scope_owner_departments_and_members(u: Union) -> None:
    student = u.people["s1"]
    with pytest.raises(Refusal) as owner:
        plan(u, owner=student)  # holds no post
    assert owner.value.field == "owner"
    with pytest.raises(Refusal) as dept:
        plan(u, departments=[u.other])
    assert dept.value.field == "departments"
    with pytest.raises(Refusal) as member:
        plan(u, members=["202400", "Q001", "nobody"])
    assert member.value.field == "members"
    with pytest.raises(Refusal) as other:
        plan(u, union=u.other, by=u.admin)  # another school's union
    assert other.value.code == "forbidden"
    with pytest.raises(Refusal) as dates:
        plan(u, end=TODAY - dt.timedelta(days=30))
    assert dates.value.field == "end"
    with pytest.raises(Refusal) as budget:
        plan(u, budget_year=2025)
    assert budget.value.field == "budget_category"
    with pytest.raises(Refusal) as amount:
        plan(u, budget_year=2025, budget_category="activities", budget_amount="1.234")
    assert amount.value.field == "budget_amount"
    assert not Project.objects.exists()


# ----------------------------------------------------------------------------- check-in


def test_a_student_checks_in_once(u: Union) -> None:
    p = running(u)
    e = event(u, p)
    token = code(u, e)
    row = services.check_in(actor=u.student, code=token)
    assert row.person == u.people["s0"]
    with pytest.raises(Refusal) as twice:
        services.check_in(actor=u.student, code=token)
    assert twice.value.code == "duplicate"
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(action="projects.check_in").count() == 1


def test_expired_and_forged_codes_are_refused(u: Union) -> None:
    e = event(u, running(u))
    token = code(u, e)
    later = timezone.now() + dt.timedelta(seconds=services.CODE_SECONDS + 1)
    with (
        mock.patch("django.core.signing.time.time", return_value=later.timestamp()),
        pytest.raises(Refusal) as expired,
    ):
        services.check_in(actor=u.student, code=token)
    assert expired.value.code == "expired"
    almost = timezone.now() + dt.timedelta(seconds=services.CODE_SECONDS - 5)
    with mock.patch("django.core.signing.time.time", return_value=almost.timestamp()):
        services.check_in(actor=u.student, code=token)  # still in time
    forged = signing.TimestampSigner(salt="another").sign(str(e.pk))
    for bad in (forged, token[:-2] + "xx", f"{e.pk}", "nonsense"):
        with pytest.raises(Refusal) as refused:
            services.check_in(actor=u.users["owner"], code=bad)
        assert refused.value.code == "forged", bad
    assert CheckIn.objects.count() == 1


def test_who_checks_in(u: Union) -> None:
    p = running(u)
    e = event(u, p)
    token = code(u, e)
    with pytest.raises(Refusal) as outside:
        services.check_in(actor=u.stranger, code=token)  # another school's student
    assert outside.value.code == "outside"
    with pytest.raises(Refusal) as nobody:
        services.check_in(actor=u.admin, code=token)  # no person
    assert nobody.value.code == "no-person"
    services.check_in(actor=u.users["owner"], code=token)  # a cadre takes part too
    with pytest.raises(Refusal):
        code(u, event(u, plan(u)))  # no code before the project runs
    with pytest.raises(Refusal):
        services.check_in_code(actor=u.student, event=e)
    services.conclude_project(actor=u.admin, project=p, outcome="完成")
    with pytest.raises(Refusal) as closed:
        services.check_in(actor=u.student, code=token)
    assert closed.value.code == "invalid"


def test_participation_per_project_and_per_union_and_term(u: Union) -> None:
    p = running(u, start=TODAY - dt.timedelta(days=400))
    last = previous_term(TODAY)
    old = event(u, p, last.start + dt.timedelta(days=10))
    new1, new2 = event(u, p), event(u, p)
    s0, s1, s2 = u.people["s0"], u.people["s1"], u.people["s2"]
    at = timezone.now()
    CheckIn.objects.bulk_create(
        [
            CheckIn(event=old, person=s1, checked_in_at=at),
            CheckIn(event=new1, person=s1, checked_in_at=at),
            CheckIn(event=new1, person=s2, checked_in_at=at),
            CheckIn(event=new2, person=s1, checked_in_at=at),
        ]
    )
    services.check_in(actor=u.student, code=code(u, new2))
    assert s0.pk
    row = selectors.project_of(u.union, p.number)
    assert row is not None
    assert (row.event_count, row.participant_count) == (3, 3)
    now = selectors.union_participation(u.union)
    assert now.term == term_of(TODAY).code
    assert (now.projects, now.events, now.check_ins, now.participants) == (1, 2, 4, 3)
    before = selectors.union_participation(u.union, last.code)
    assert (before.events, before.check_ins, before.participants) == (1, 1, 1)
    by_term = selectors.participation_by_term(u.union)
    assert [(t.term, t.participants) for t in by_term] == [
        (term_of(TODAY).code, 3),
        (last.code, 1),
    ]
    assert selectors.union_participation(u.other).participants == 0


# ----------------------------------------------------------------------------- audit


def _org11(u: Union) -> list[str]:
    report = audit_organisation(code=u.union.code, as_of=TODAY)
    return [
        f.rule
        for f in report.findings
        if f.organisation == u.union.code and f.requirement == "ORG-11"
    ]


def test_the_audit_both_sides_of_the_term(u: Union) -> None:
    last = previous_term(TODAY)
    assert _org11(u) == ["ORG-11.no-project"]
    # a project only in the term before the last one: still a violation
    earlier = previous_term(last.start - dt.timedelta(days=1))
    p = running(
        u,
        start=earlier.start + dt.timedelta(days=5),
        end=last.start - dt.timedelta(days=1),
    )
    assert _org11(u) == ["ORG-11.no-project"]
    # one that ran in the last term: none
    Project.objects.filter(pk=p.pk).update(end=last.start)
    assert _org11(u) == []


# ----------------------------------------------------------------------------- pages

WHO = (
    "anonymous",
    "student",
    "cadre",
    "admin",
    "owner",
    "advisor",
    "other_admin",
    "operator",
)
MAY = {
    "list": set(WHO),
    "project": set(WHO),
    "event": set(WHO),
    "new": {"cadre", "admin", "operator"},
    "edit": {"cadre", "admin", "owner", "operator"},
}


@pytest.mark.parametrize("who", WHO)
def test_who_sees_what(u: Union, client: Client, who: str) -> None:
    p = running(u)
    e = event(u, p)
    urls = {
        "list": reverse("projects:list", args=[u.union.code]),
        "project": reverse("projects:project", args=[u.union.code, p.number]),
        "event": reverse("projects:event", args=[u.union.code, p.number, e.pk]),
        "new": reverse("projects:new", args=[u.union.code]),
        "edit": reverse("projects:edit", args=[u.union.code, p.number]),
    }
    if who != "anonymous":
        client.force_login(u.users[who])
    for page, url in urls.items():
        response = client.get(url)
        if who in MAY[page]:
            assert response.status_code == 200, (page, who)
        else:
            assert response.status_code == (302 if who == "anonymous" else 403), (
                page,
                who,
            )
    body = client.get(urls["project"]).content.decode()
    # the owner (a cadre) is named to all; students' names and numbers only to the
    # union's cadres and readers
    assert "李部长" in body
    private = who in {"cadre", "admin", "advisor", "operator"}
    assert ("学生0" in body) is private
    assert ("202400" in body) is private
    if not private:
        assert "names are not public" in body or "姓名不公开" in body
    # the organiser's QR code only for those who run the project
    event_body = client.get(urls["event"]).content.decode()
    assert ('id="check-in-code"' in event_body) is (
        who in {"cadre", "admin", "owner", "operator"}
    )


@pytest.mark.parametrize("who", ["anonymous", "student", "advisor", "other_admin"])
def test_only_managers_change_a_project(u: Union, client: Client, who: str) -> None:
    p = plan(u)
    if who != "anonymous":
        client.force_login(u.users[who])
    for url, data in (
        (reverse("projects:move", args=[u.union.code, p.number, "start"]), {}),
        (
            reverse("projects:add_event", args=[u.union.code, p.number]),
            {"event-title": "x", "event-day": TODAY.isoformat()},
        ),
        (
            reverse("projects:new", args=[u.union.code]),
            {"project-title": "x", "project-owner": u.owner.pk},
        ),
    ):
        assert client.post(url, data).status_code in (302, 403)
    p.refresh_from_db()
    assert p.status == ProjectStatus.PLANNED and not p.events.exists()
    assert Project.objects.count() == 1


def test_the_pages_walk_through_a_project(u: Union, client: Client) -> None:
    client.force_login(u.cadre)
    response = client.post(
        reverse("projects:new", args=[u.union.code]),
        {
            "project-title": "宿舍文化节",
            "project-summary": "卫生评比",
            "project-owner": u.owner.pk,
            "project-departments": [u.dept.pk],
            "project-members": "202400\n202401",
            "project-start": TODAY.isoformat(),
            "project-budget_year": "2025",
            "project-budget_category": "activities",
            "project-budget_amount": "500",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    p = Project.objects.get()
    url = reverse("projects:project", args=[u.union.code, p.number])
    assert response["Location"] == url
    assert (
        client.post(
            reverse("projects:move", args=[u.union.code, 1, "start"])
        ).status_code
        == 302
    )
    response = client.post(
        reverse("projects:add_event", args=[u.union.code, 1]),
        {
            "event-title": "开幕式",
            "event-day": TODAY.isoformat(),
            "event-place": "礼堂",
        },
    )
    assert response.status_code == 302
    e = p.events.get()
    page = client.get(reverse("projects:event", args=[u.union.code, 1, e.pk]))
    body = page.content.decode()
    assert "<svg" in body
    check_url = page.context["code_url"]
    assert "/projects/check-in/" in check_url
    # a student scans: a confirmation page, then one tap
    student = Client()
    student.force_login(u.student)
    path = check_url.split("testserver", 1)[1]
    first = student.get(path)
    assert first.status_code == 200 and 'id="check-in-form"' in first.content.decode()
    assert CheckIn.objects.count() == 0  # a GET counts nothing
    done = student.post(path)
    assert done.status_code == 200 and 'id="checked-in"' in done.content.decode()
    again = student.post(path)
    assert again.status_code == 409
    assert 'id="checked-in"' in student.get(path).content.decode()  # said, no button
    assert 'id="check-in-form"' not in student.get(path).content.decode()
    assert CheckIn.objects.count() == 1
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    # conclude: an empty report is refused on its field, then published
    bad = client.post(
        reverse("projects:move", args=[u.union.code, 1, "conclude"]),
        {"conclude-outcome": ""},
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("projects:move", args=[u.union.code, 1, "conclude"]),
        {"conclude-outcome": "参与同学三百余人次。"},
    )
    assert ok.status_code == 302
    public = Client()
    body = public.get(url).content.decode()
    assert "参与同学三百余人次。" in body and 'id="outcome-entry"' in body
    portal = public.get(
        reverse("disclosure:page", args=[u.union.code])
    ).content.decode()
    assert "宿舍文化节" in portal
    listing = public.get(reverse("projects:list", args=[u.union.code])).content.decode()
    assert "宿舍文化节" in listing and 'class="participants">1<' in listing


def test_a_forged_code_on_the_page(u: Union, client: Client) -> None:
    client.force_login(u.student)
    response = client.get(reverse("projects:check_in", args=["1:abc:def"]))
    assert response.status_code == 400
    assert 'id="check-in-error"' in response.content.decode()


def test_a_cadres_record_lists_their_projects(u: Union, client: Client) -> None:
    p = running(u, title="迎新志愿服务")
    client.force_login(u.users["owner"])
    body = client.get(reverse("cadres:record", args=[u.owner.pk])).content.decode()
    assert 'id="record-projects"' in body and "迎新志愿服务" in body
    assert f'id="record-project-{p.pk}"' in body
    client.force_login(u.admin)
    body = client.get(reverse("cadres:record", args=[u.owner.pk])).content.decode()
    assert "迎新志愿服务" in body


def test_the_unions_page_links_to_its_projects(u: Union, client: Client) -> None:
    body = client.get(
        reverse("organisations:detail", args=[u.union.code])
    ).content.decode()
    assert reverse("projects:list", args=[u.union.code]) in body


def test_the_owner_is_reminded_to_conclude(u: Union) -> None:
    from tongxue.projects.home import projects_to_conclude

    p = running(
        u, start=TODAY - dt.timedelta(days=30), end=TODAY - dt.timedelta(days=1)
    )
    items = projects_to_conclude(u.users["owner"], u.owner, timezone.now())
    assert [i.url for i in items] == [
        reverse("projects:project", args=[u.union.code, p.number])
    ]
    Project.objects.filter(pk=p.pk).update(end=TODAY)
    assert projects_to_conclude(u.users["owner"], u.owner, timezone.now()) == []


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_the_list_pages_run_a_fixed_number_of_queries(
    u: Union, client: Client, django_assert_num_queries: Any, who: str
) -> None:
    if who != "anonymous":
        client.force_login(u.users[who])
    list_url = reverse("projects:list", args=[u.union.code])
    first = running(u)
    event(u, first)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few_list:
        client.get(list_url)
    project_url = reverse("projects:project", args=[u.union.code, first.number])
    with CaptureQueriesContext(connection) as few_project:
        client.get(project_url)
    for i in range(30):
        p = running(u, title=f"项目{i}", members=["202400", "202401", "202402"])
        e = event(u, p)
        CheckIn.objects.create(
            event=e, person=u.people["s1"], checked_in_at=timezone.now()
        )
        event(u, first)
    first.members.add(u.people["s2"])
    with django_assert_num_queries(len(few_list.captured_queries)):
        body = client.get(list_url).content.decode()
    assert body.count("data-project=") == 20  # a page
    with django_assert_num_queries(len(few_project.captured_queries)):
        client.get(project_url)


def test_the_survey_results_show_the_unions_participation(client: Client) -> None:
    from tests import factories_surveys as fs
    from tongxue.surveys import services as surveys

    s = fs.build(prefix="PJ")
    owner = PersonFactory(name="王干部")
    PositionFactory(
        organisation=s.union,
        person=owner,
        role=Role.VICE_PRESIDENT,
        title="副主席",
        start=TODAY - dt.timedelta(days=100),
    )
    survey = fs.opened(s)
    fs.answer_all(survey, s.big)
    p = services.plan_project(
        actor=s.admin, union=s.union, title="读书月", owner=owner, start=TODAY
    )
    services.start_project(actor=s.admin, project=p)
    e = services.add_event(actor=s.admin, project=p, title="读书会", day=TODAY)
    for person in s.big[:4]:
        services.check_in(
            actor=person.user, code=services.check_in_code(actor=s.admin, event=e)
        )
    url = reverse("surveys:detail", args=[survey.pk])
    assert 'id="project-participation"' not in client.get(url).content.decode()
    surveys.close_survey(actor=s.admin, survey=survey)
    body = client.get(url).content.decode()
    assert 'id="project-participation"' in body
    assert 'id="project-participants">4<' in body


# ----------------------------------------------------------------------------- event dates


def test_an_event_is_dated_within_its_project_both_sides_of_each_bound(
    u: Union,
) -> None:
    start, end = TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=20)
    p = running(u, start=start, end=end)
    with pytest.raises(Refusal) as before:
        event(u, p, start - dt.timedelta(days=1))
    assert (before.value.code, before.value.field) == ("out-of-dates", "day")
    assert before.value.message.params == {"start": start.isoformat()}
    with pytest.raises(Refusal) as after:
        event(u, p, end + dt.timedelta(days=1))
    assert (after.value.code, after.value.field) == ("out-of-dates", "day")
    assert after.value.message.params == {"end": end.isoformat()}
    assert not p.events.exists()
    event(u, p, start)  # the first day counts
    event(u, p, end)  # and the last (planned ahead: in the future is allowed)
    open_ended = running(u, start=start)
    event(u, open_ended, TODAY + dt.timedelta(days=400))  # no end yet
    assert p.events.count() == 2


def test_new_dates_keep_the_events_within_them(u: Union) -> None:
    p = running(u, start=TODAY - dt.timedelta(days=10))
    first, last = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=3)
    event(u, p, first)
    event(u, p, last)

    def edit(start: dt.date, end: dt.date | None) -> Any:
        return services.edit_project(
            actor=u.admin,
            project=p,
            title=p.title,
            owner=u.owner,
            start=start,
            end=end,
            departments=[u.dept],
        )

    with pytest.raises(Refusal) as late_start:
        edit(first + dt.timedelta(days=1), None)
    assert (late_start.value.code, late_start.value.field) == ("out-of-dates", "start")
    with pytest.raises(Refusal) as early_end:
        edit(first, last - dt.timedelta(days=1))
    assert (early_end.value.code, early_end.value.field) == ("out-of-dates", "end")
    edit(first, last)  # exactly the events' days
    p.refresh_from_db()
    assert (p.start, p.end) == (first, last)


def test_no_check_in_at_an_event_still_to_come(u: Union, client: Client) -> None:
    p = running(u)
    tomorrow = event(u, p, TODAY + dt.timedelta(days=1))
    with pytest.raises(Refusal) as early:
        code(u, tomorrow)
    assert early.value.code == "too-early"
    token = signing.TimestampSigner(salt=services.CODE_SALT).sign(str(tomorrow.pk))
    with pytest.raises(Refusal) as scanned:
        services.check_in(actor=u.student, code=token)
    assert scanned.value.code == "too-early"
    assert not CheckIn.objects.exists()
    services.check_in(actor=u.student, code=code(u, event(u, p, TODAY)))  # today: yes
    # the organiser's page says when, and shows no code yet
    client.force_login(u.admin)
    url = reverse("projects:event", args=[u.union.code, p.number, tomorrow.pk])
    body = client.get(url).content.decode()
    assert 'id="no-code"' in body and 'id="check-in-code"' not in body


def test_the_page_shows_the_refusal_at_the_date(u: Union, client: Client) -> None:
    p = running(u, start=TODAY)
    client.force_login(u.admin)
    response = client.post(
        reverse("projects:add_event", args=[u.union.code, p.number]),
        {
            "event-title": "预热",
            "event-day": (TODAY - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["event_form"].errors["day"]
    assert not p.events.exists()
