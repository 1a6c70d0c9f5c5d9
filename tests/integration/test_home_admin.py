"""The home (我的) of those who hold roles: their queue, shown only to those who can act.

Candidate lists to approve (the Party committee) or returned to revise (the union's
administrators, ELE-2), objections to answer (ELE-4), congresses due under the
governing profile (CON-1, CON-2), evaluation periods to close, selections to assess;
bounded queries whatever the data.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tests.factories_elections import CRITERIA_GANSU, Scene, build_scene, conditions_for
from tongxue.cadres.models import Selection
from tongxue.congresses.home import months_after
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.core.models import RoleKind
from tongxue.elections import services as elections
from tongxue.evaluations.models import EvaluationPeriod, PeriodStatus
from tongxue.organisations.models import OrgKind, Role
from tongxue.publicity.models import Notice, Objection

pytestmark = pytest.mark.django_db

ME = "/people/me/"


def today() -> dt.date:
    return timezone.localdate()


def kinds(html: str) -> list[str]:
    # Without the entry every student has, "raise a concern" (#17).
    found = re.findall(r'<li class="home-item[^"]*" data-kind="([^"]+)"', html)
    return [k for k in found if k != "voice-raise"]


def home(client, user, language: str = "zh-hans") -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    r = client.get(ME)
    assert r.status_code == 200
    return r.content.decode()


def submitted(scene: Scene):  # type: ignore[no-untyped-def]
    """An election whose candidate list the presidium submitted (vetting)."""
    election = elections.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    elections.adopt_method(actor=scene.presidium, election=election)
    elections.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    for person in scene.students[:3]:
        c = elections.nominate(
            actor=scene.presidium,
            election=election,
            person=person,
            nominated_by="presidium",
            statement="陈述",
        )
        for criterion in CRITERIA_GANSU:
            elections.assess(
                actor=scene.presidium,
                candidate=c,
                criterion=criterion,
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.6",
            )
    elections.submit_for_approval(actor=scene.presidium, election=election)
    election.refresh_from_db()
    return election


# --- candidate lists (ELE-2) ----------------------------------------------------------


def test_a_submitted_list_waits_for_the_party_committee_only(client) -> None:
    scene = build_scene(prefix="HL")
    election = submitted(scene)
    manage = reverse("elections:manage", args=[election.code])
    html = home(client, scene.party)
    assert kinds(html) == ["approve-list"] and manage in html
    assert "approve-list" not in kinds(home(client, scene.presidium))
    assert "approve-list" not in kinds(home(client, scene.advisor))
    other = build_scene(prefix="HM")
    assert kinds(home(client, other.party)) == []  # another school's committee


def test_a_returned_list_waits_for_the_union_with_the_comments(client) -> None:
    scene = build_scene(prefix="HT")
    election = submitted(scene)
    elections.return_candidates(
        actor=scene.party, election=election, comment="请补充学业证明"
    )
    html = home(client, scene.presidium)
    assert kinds(html) == ["returned-list"] and "请补充学业证明" in html
    assert "returned-list" not in kinds(home(client, scene.party))
    html = home(client, scene.presidium, "en")
    assert "The Party committee returned the list with comments" in html
    # Submitted again: it leaves the union's queue for the committee's.
    elections.submit_for_approval(actor=scene.presidium, election=election)
    assert "returned-list" not in kinds(home(client, scene.presidium))
    assert kinds(home(client, scene.party)) == ["approve-list"]


# --- objections (ELE-4) ---------------------------------------------------------------


def test_objections_wait_for_those_who_answer_them(client) -> None:
    scene = build_scene(prefix="HA")
    notice = Notice.objects.create(
        organisation=scene.union,
        subject_type="test.subject",
        subject_id=1,
        kind="test",
        title="主席团候选人公示",
        body="正文",
        starts=today() - dt.timedelta(days=1),
        ends=today() + dt.timedelta(days=4),
        working_days=5,
    )
    student = UserFactory(username="ha-student")
    objection = Objection.objects.create(notice=notice, lodged_by=student, text="异议")
    Objection.objects.create(notice=notice, lodged_by=student, text="再议")
    html = home(client, scene.presidium, "en")
    assert kinds(html) == ["objections"] and "2 objections wait" in html
    assert reverse("publicity:detail", args=[notice.pk]) in html
    assert "objections" in kinds(home(client, scene.advisor))  # Perm.ANSWER too
    assert "objections" not in kinds(home(client, scene.party))
    assert "objections" not in kinds(home(client, student))
    assert kinds(home(client, build_scene(prefix="HB").presidium)) == []
    Objection.objects.filter(pk=objection.pk).update(
        answer="已核实", upheld=False, answered_at=timezone.now()
    )
    assert "1 objection waits" in home(client, scene.presidium, "en")
    Objection.objects.update(answer="已核实", upheld=False, answered_at=timezone.now())
    assert "objections" not in kinds(home(client, scene.presidium))


# --- congresses due (CON-1, CON-2) ------------------------------------------------------


def union_with_admin(prefix: str, kind: str = OrgKind.SCHOOL_UNION):  # type: ignore[no-untyped-def]
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}大学学生会", parent=school, kind=kind
    )
    admin = UserFactory(username=f"{prefix.lower()}-admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    return union, admin


def held(union, months_ago: int, kind: str = MeetingKind.CONGRESS):  # type: ignore[no-untyped-def]
    opened = months_after(today(), -months_ago) if months_ago else today()
    return MeetingFactory(organisation=union, kind=kind, opened=opened)


def test_a_congress_due_under_the_profile_shows_to_the_unions_administrator(
    client,
) -> None:
    union, admin = union_with_admin("CD")
    held(union, 23)  # the school's interval is 24 months (gansu-2017, CON-1)
    html = home(client, admin)
    assert kinds(html) == ["congress-due"] and "24" in html
    due = months_after(months_after(today(), -23), 24)
    assert f'datetime="{due.isoformat()}"' in html
    assert reverse("congresses:plan", args=[union.code]) in html
    # Not to a student, nor to the administrator of a union whose congress is recent.
    student = UserFactory(username="cd-student")
    PersonFactory(user=student, department=union)
    assert kinds(home(client, student)) == []
    recent, recent_admin = union_with_admin("CR")
    held(recent, 6)
    assert kinds(home(client, recent_admin)) == []


def test_no_congress_at_all_is_overdue_and_a_planned_one_is_to_prepare(client) -> None:
    union, admin = union_with_admin("CN")
    html = home(client, admin)
    assert kinds(html) == ["congress-due"] and 'data-urgent="true"' in html
    planned = MeetingFactory(
        organisation=union,
        status=MeetingStatus.PLANNED,
        opened=today() + dt.timedelta(days=30),
    )
    html = home(client, admin)
    assert kinds(html) == ["congress-planned"]
    assert planned.opened.isoformat() in html


def test_a_department_congress_is_due_every_year(client) -> None:
    dept, admin = union_with_admin("CY", kind=OrgKind.DEPARTMENT_UNION)
    held(dept, 11)  # 12 months (CON-2): due within the horizon
    assert kinds(home(client, admin)) == ["congress-due"]
    dept2, admin2 = union_with_admin("CZ", kind=OrgKind.DEPARTMENT_UNION)
    held(dept2, 5)
    assert kinds(home(client, admin2)) == []


# --- evaluations, selections --------------------------------------------------------------


def test_managers_close_ended_periods_and_assess_closed_selections(client) -> None:
    union, admin = union_with_admin("EP")
    held(union, 3)
    period = EvaluationPeriod.objects.create(
        organisation=union,
        code="S1",
        name="2026春季学期",
        start=today() - dt.timedelta(days=120),
        end=today() - dt.timedelta(days=2),
        status=PeriodStatus.OPEN,
    )
    running = EvaluationPeriod.objects.create(
        organisation=union,
        code="S2",
        name="2026秋季学期",
        start=today() - dt.timedelta(days=10),
        end=today() + dt.timedelta(days=60),
        status=PeriodStatus.OPEN,
    )
    selection = Selection.objects.create(
        organisation=union,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        term_start=today() + dt.timedelta(days=30),
        closes=today() - dt.timedelta(days=1),
    )
    Selection.objects.create(
        organisation=union,
        role=Role.DEPARTMENT_HEAD,
        title="学习部部长",
        term_start=today() + dt.timedelta(days=30),
        closes=today() + dt.timedelta(days=5),
    )
    html = home(client, admin)
    assert sorted(kinds(html)) == ["close-period", "selection-assess"]
    assert reverse("evaluations:manage", args=[period.pk]) in html
    assert reverse("evaluations:manage", args=[running.pk]) not in html
    assert reverse("cadres:selection", args=[selection.pk]) in html
    assert "已逾期 2 天" in html
    student = UserFactory(username="ep-student")
    PersonFactory(user=student, department=union)
    assert kinds(home(client, student)) == []


# --- queries ------------------------------------------------------------------------------


def count_home(client, user) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.get(ME)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(ME).content.decode()
    return len(ctx.captured_queries), kinds(html)


def test_an_administrators_home_runs_a_bounded_number_of_queries(client) -> None:
    scene = build_scene(prefix="QL")
    RoleFactory(user=scene.party, organisation=scene.union, role=RoleKind.UNION_ADMIN)
    submitted(scene)
    n_small, small = count_home(client, scene.party)
    assert "approve-list" in small
    for k in range(3):  # more schools with lists, objections, congresses, periods
        other = build_scene(prefix=f"QM{k}")
        submitted(other)
        held(other.union, 23)
    more = build_scene(prefix="QN")
    for _ in range(2):
        e = submitted(more)
        e.organisation = scene.union
        e.save(update_fields=["organisation"])
    n_large, large = count_home(client, scene.party)
    assert n_large == n_small and len(large) > len(small)
    # Session, user, person, roles, the header's unread count, and one query per
    # source for the roles held: lists, objections, periods, selections and exit
    # cases, congresses due; ledger entries to approve or surveys to close (#18).
    assert n_small <= 13, n_small
