"""The congress demo seeder: the demo school's next congress through its lifecycle."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganisationFactory, PersonFactory, SchoolFactory
from tongxue.congresses import demo
from tongxue.congresses.models import Delegate, Meeting, MeetingStatus
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


def test_the_demo_congress_is_seeded_once_with_provenance():
    small_demo_school()
    summary = demo.seed(scale="school", as_of=AS_OF)
    meeting = Meeting.objects.get(organisation__code=f"{SCHOOL_CODE}-XSH")
    assert meeting.code in summary
    assert meeting.status == MeetingStatus.DELEGATES_ELECTED
    assert meeting.opened == AS_OF + dt.timedelta(days=30)
    seats = meeting.seat_allocation.seats
    delegates = Delegate.objects.filter(meeting=meeting).select_related("election")
    assert delegates.count() == seats == 8
    assert all(
        d.election is not None and d.votes <= d.election.votes_cast for d in delegates
    )
    again = demo.seed(scale="school", as_of=AS_OF)
    assert "already" in again
    assert Meeting.objects.count() == 1


def test_no_demo_school_no_seed():
    assert demo.seed(scale="school", as_of=AS_OF) == ""
