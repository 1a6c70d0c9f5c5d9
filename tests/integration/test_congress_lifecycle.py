"""The congress lifecycle: plan (CON-2), freeze the seats (CON-4), the steps after.

planned → seats_allocated → delegates_elected → convened → closed, seats_allocated may
go back to planned before any delegate is entered (tongxue.domain.lifecycle.CONGRESS).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganisationFactory, RoleFactory, UserFactory
from tests.factories_congress import (
    HELD,
    OPENS,
    allocated,
    build_union,
    enter,
    planned,
)
from tongxue.congresses import services
from tongxue.congresses.models import Meeting, MeetingStatus, SeatAllocation
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.findings import Refusal
from tongxue.domain.profiles import get_profile
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

THRESHOLD = get_profile("gansu-2017").int("assembly_students_below")


def dept_union(students: int | None):  # type: ignore[no-untyped-def]
    u = build_union()
    return u, OrganisationFactory(
        code="SMALL",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=u.union,
        students_served=students,
    )


# ----------------------------------------------------------------------- plan, CON-2


def test_plan_a_congress_starts_planned_and_is_audited():
    u = build_union()
    meeting = services.plan_congress(
        actor=u.admin,
        organisation=u.union,
        kind="congress",
        opened=OPENS,
        closes=OPENS + dt.timedelta(days=1),
        session=5,
    )
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.code.startswith("USU-C")
    event = AuditEvent.objects.get(action="congress.plan")
    assert (event.organisation, event.target) == ("USU", meeting.code)
    again = services.plan_congress(
        actor=u.admin, organisation=u.union, kind="congress", opened=OPENS
    )
    assert again.code != meeting.code


def test_closing_before_opening_is_refused():
    u = build_union()
    with pytest.raises(Refusal) as exc:
        services.plan_congress(
            actor=u.admin,
            organisation=u.union,
            kind="congress",
            opened=OPENS,
            closes=OPENS - dt.timedelta(days=1),
        )
    assert exc.value.field == "closes"


@pytest.mark.parametrize(
    ("students", "allowed"), [(THRESHOLD - 1, True), (THRESHOLD, False), (None, False)]
)
def test_an_assembly_only_below_the_threshold(students, allowed):
    """CON-2 · GS-8, CQ-3: both sides of assembly_students_below (400)."""
    u, small = dept_union(students)
    if allowed:
        m = services.plan_congress(
            actor=u.admin, organisation=small, kind="assembly", opened=OPENS
        )
        assert m.kind == "assembly"
    else:
        with pytest.raises(Refusal) as exc:
            services.plan_congress(
                actor=u.admin, organisation=small, kind="assembly", opened=OPENS
            )
        assert exc.value.requirement == "CON-2"
        assert exc.value.code == "CON-2.assembly-not-allowed"
        assert "GS-8" in exc.value.clauses
        assert not Meeting.objects.filter(organisation=small).exists()


def test_a_school_union_cannot_hold_an_assembly():
    u = build_union(students=100)
    with pytest.raises(Refusal) as exc:
        services.plan_congress(
            actor=u.admin, organisation=u.union, kind="assembly", opened=OPENS
        )
    assert exc.value.requirement == "CON-2"


def test_a_standing_conference_meeting_can_be_planned():
    u = build_union()
    m = services.plan_congress(
        actor=u.admin, organisation=u.union, kind="standing_conference", opened=OPENS
    )
    assert m.code.startswith("USU-S")


# ----------------------------------------------------------------------- freezing


def test_freezing_needs_an_allocation():
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.freeze_seats(actor=u.admin, meeting=m)
    assert exc.value.code == "CON-4.not-allocated"


def test_freezing_freezes_and_reallocation_is_refused():
    u = build_union()
    m = allocated(u)
    assert m.status == MeetingStatus.SEATS_ALLOCATED
    assert SeatAllocation.objects.get(meeting=m).frozen_at is not None
    for call in (
        lambda: services.allocate_seats(actor=u.admin, meeting=m, method="dhondt"),
        lambda: services.allocate_seats_by_grade(actor=u.admin, meeting=m),
    ):
        with pytest.raises(Refusal) as exc:
            call()
        assert exc.value.code == "frozen"
    assert AuditEvent.objects.filter(action="congress.seats_allocated").count() == 1


def test_unfreezing_before_any_delegate_then_reallocation_works():
    u = build_union()
    m = allocated(u)
    services.unfreeze_seats(actor=u.admin, meeting=m)
    m.refresh_from_db()
    assert m.status == MeetingStatus.PLANNED
    assert SeatAllocation.objects.get(meeting=m).frozen_at is None
    services.allocate_seats(actor=u.admin, meeting=m, method="dhondt")
    assert SeatAllocation.objects.get(meeting=m).method == "dhondt"


def test_unfreezing_is_refused_once_a_delegate_is_entered():
    u = build_union()
    m = allocated(u)
    enter(u, m, u.students["UD0"][0])
    with pytest.raises(Refusal) as exc:
        services.unfreeze_seats(actor=u.admin, meeting=m)
    assert exc.value.code == "has-delegates"
    m.refresh_from_db()
    assert m.status == MeetingStatus.SEATS_ALLOCATED


def test_the_whole_lifecycle_and_invalid_jumps():
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.convene(actor=u.admin, meeting=m)
    assert exc.value.code == "invalid-transition"
    services.allocate_seats(actor=u.admin, meeting=m, method="hamilton")
    services.freeze_seats(actor=u.admin, meeting=m)
    for p in u.students["UD0"][:3]:
        enter(u, m, p)
    services.freeze_delegates(actor=u.admin, meeting=m)
    m.refresh_from_db()
    assert m.status == MeetingStatus.DELEGATES_ELECTED
    assert m.delegates_frozen_at is not None
    with pytest.raises(Refusal):
        enter(u, m, u.students["UD0"][4])
    services.convene(actor=u.admin, meeting=m)
    services.close(actor=u.admin, meeting=m)
    m.refresh_from_db()
    assert m.status == MeetingStatus.CLOSED
    with pytest.raises(Refusal):
        services.close(actor=u.admin, meeting=m)
    actions = list(
        AuditEvent.objects.filter(target=m.code)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "congress.delegates_elected",
        "congress.convened",
        "congress.closed",
    ]


def test_freezing_an_empty_delegate_list_is_refused():
    u = build_union()
    m = allocated(u)
    with pytest.raises(Refusal) as exc:
        services.freeze_delegates(actor=u.admin, meeting=m)
    assert exc.value.code == "CON-6.no-delegates"


# ----------------------------------------------------------------------- authorisation


@pytest.mark.parametrize("role", [None, RoleKind.UNION_CADRE, RoleKind.LEAGUE_ADVISOR])
def test_every_step_needs_manage(role):
    u = build_union()
    outsider = UserFactory(username="outsider")
    if role is not None:
        RoleFactory(user=outsider, organisation=u.union, role=role)
    m = planned(u)
    steps = [
        lambda: services.plan_congress(
            actor=outsider, organisation=u.union, kind="congress", opened=OPENS
        ),
        lambda: services.allocate_seats(actor=outsider, meeting=m, method="hamilton"),
        lambda: services.allocate_seats_by_grade(actor=outsider, meeting=m),
        lambda: services.freeze_seats(actor=outsider, meeting=m),
    ]
    for step in steps:
        with pytest.raises(Refusal) as exc:
            step()
        assert exc.value.code == "forbidden"
    a = allocated(u, code="UC2")
    steps = [
        lambda: services.unfreeze_seats(actor=outsider, meeting=a),
        lambda: enter(u, a, u.students["UD0"][0], actor=outsider),
        lambda: services.freeze_delegates(actor=outsider, meeting=a),
        lambda: services.convene(actor=outsider, meeting=a),
        lambda: services.close(actor=outsider, meeting=a),
    ]
    for step in steps:
        with pytest.raises(Refusal) as exc:
            step()
        assert exc.value.code == "forbidden"
    d = enter(u, a, u.students["UD0"][0])
    with pytest.raises(Refusal) as exc:
        services.remove_delegate(actor=outsider, delegate=d)
    assert exc.value.code == "forbidden"
    assert HELD < OPENS


def test_an_admin_of_another_union_is_refused():
    u = build_union()
    other = build_union(prefix="V")
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.allocate_seats(actor=other.admin, meeting=m, method="hamilton")
    assert exc.value.code == "forbidden"


@pytest.mark.parametrize("kind", ["assembly", "standing_conference"])
def test_an_assembly_or_standing_meeting_moves_without_seats_or_delegates(kind):
    u, small = dept_union(THRESHOLD - 1)
    org = small if kind == "assembly" else u.union
    m = services.plan_congress(actor=u.admin, organisation=org, kind=kind, opened=OPENS)
    for step in (
        services.freeze_seats,
        services.freeze_delegates,
        services.convene,
        services.close,
    ):
        step(actor=u.admin, meeting=m)
    m.refresh_from_db()
    assert m.status == MeetingStatus.CLOSED
    assert not SeatAllocation.objects.filter(meeting=m).exists()
