"""The congress demo seeder: the demo school's next congress through its lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingStatus
from tongxue.demo import congresses as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)


def small_demo_school() -> None:
    school = SchoolFactory(code=SCHOOL_CODE, students_served=800)
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", parent=school, students_served=800
    )
    for i, size in enumerate((500, 300)):
        dept = OrganisationFactory(
            code=f"{SCHOOL_CODE}-D{i}",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=union,
            students_served=size,
        )
        klass = OrganisationFactory(
            code=f"{SCHOOL_CODE}-D{i}-K1",
            kind=OrgKind.CLASS_COMMITTEE,
            parent=dept,
            students_served=None,
        )
        for k in range(8):
            PersonFactory(
                ident=f"D{i}S{k}", department=dept, class_unit=klass, grade=2023 + k % 4
            )
    # a club federation directly under the school, one club with its leader
    federation = OrganisationFactory(
        code=f"{SCHOOL_CODE}-SL", kind=OrgKind.CLUB_FEDERATION, parent=school
    )
    club = OrganisationFactory(
        code=f"{SCHOOL_CODE}-C01", kind=OrgKind.CLUB, parent=federation
    )
    leader = PersonFactory(ident="LEADER", department=None, grade=2024)
    PositionFactory(organisation=club, person=leader, role="club_leader", title="会长")


def test_the_demo_congress_is_seeded_once_with_provenance():
    small_demo_school()
    summary = demo.seed(scale="school", as_of=AS_OF)
    meeting = Meeting.objects.get(organisation__code=f"{SCHOOL_CODE}-XSH")
    assert meeting.code in summary
    assert meeting.status == MeetingStatus.DELEGATES_ELECTED
    assert meeting.opened == AS_OF + dt.timedelta(days=30)
    allocation = meeting.seat_allocation
    seats = allocation.seats
    # CON-4: by department and grade, with the main club; the demo's even spread ties
    # and the lot with the published seed (the opening date) decides
    assert allocation.mode == "grades" and allocation.tie == "lot"
    assert allocation.seed == int(meeting.opened.strftime("%Y%m%d"))
    delegates = Delegate.objects.filter(meeting=meeting).select_related("election")
    assert delegates.count() == seats == 8
    club_seat = delegates.get(seat_unit__code=f"{SCHOOL_CODE}-C01")
    assert club_seat.person.ident == "LEADER"
    assert club_seat.election.unit.code == f"{SCHOOL_CODE}-C01"
    assert all(
        d.election is not None and d.votes <= d.election.votes_cast for d in delegates
    )
    with override("en"):  # the summary is in the console's language (#16)
        again = demo.seed(scale="school", as_of=AS_OF)
    assert "already" in again
    assert Meeting.objects.count() == 1


def test_no_demo_school_no_seed():
    assert demo.seed(scale="school", as_of=AS_OF) == ""
