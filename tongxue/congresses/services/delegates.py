"""Enter the elected delegates of a congress into their seats (CON-4, CON-6 · GS-8, CQ-3).

The database side: the person, the seat's allocation and the election records; the
checks are :mod:`tongxue.domain.seats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses import balance_store
from tongxue.congresses.models import (
    AllocatedCell,
    AllocatedSeats,
    Delegate,
    DelegateElection,
    Meeting,
    MeetingStatus,
    SeatAllocation,
)
from tongxue.congresses.services.shared import locked_meeting, require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain import seats as plan
from tongxue.domain.seats import ELECTING_KINDS
from tongxue.organisations.models import Organisation, OrgKind, Person

__all__ = [
    "ELECTING_KINDS",
    "ElectionInput",
    "enter_delegate",
    "remove_delegate",
]


@dataclass(frozen=True)
class ElectionInput:
    """The class or department election a delegate comes from (CON-6)."""

    unit: str  # code of the electing unit
    held: date
    electorate: int
    votes_cast: int


def _election(
    meeting: Meeting, seat_unit: Organisation, data: ElectionInput | None
) -> DelegateElection:
    """The election that elected a delegate into ``seat_unit``'s seat (CON-6): the one
    recorded for the unit and day, or recorded now (:func:`tongxue.domain.seats.
    check_election`, :func:`~tongxue.domain.seats.check_recorded_election`)."""
    if data is None or not data.unit:
        raise plan.election_refusal(
            gettext_noop("A delegate needs the election that elected them."),
            field="electing_unit",
        )
    unit = Organisation.objects.filter(code=data.unit).first()
    if unit is None:
        raise refuse(
            "not-found",
            gettext_noop("No organisation has the code “{code}”."),
            field="electing_unit",
            code=data.unit,
        )
    plan.check_election(
        unit=unit.name,
        kind=unit.kind,
        within_seat=f"/{seat_unit.code}/" in unit.path,
        seat=seat_unit.name,
        club_seat=seat_unit.kind == OrgKind.CLUB,
        electorate=data.electorate,
        votes_cast=data.votes_cast,
        held=data.held,
        opened=meeting.opened,
    )
    election, created = DelegateElection.objects.get_or_create(
        meeting=meeting,
        unit=unit,
        held=data.held,
        defaults={"electorate": data.electorate, "votes_cast": data.votes_cast},
    )
    if not created:
        plan.check_recorded_election(
            unit=unit.name,
            held=data.held,
            recorded=(election.electorate, election.votes_cast),
            given=(data.electorate, data.votes_cast),
        )
    return election


def _seat_capacity(
    allocation: SeatAllocation, unit: Organisation, grade: int | None
) -> int | None:
    """Seats for ``unit`` (and ``grade``) in the allocation; None when it has none."""
    row = AllocatedSeats.objects.filter(allocation=allocation, unit=unit).first()
    if row is None:
        return None
    if allocation.mode == "grades" and row.kind == "department":
        cell = AllocatedCell.objects.filter(
            allocation=allocation, unit=unit, grade=grade
        ).first()
        return cell.seats if cell is not None else None
    return row.seats


@transaction.atomic
def enter_delegate(
    *,
    actor: Actor,
    meeting: Meeting,
    ident: str,
    election: ElectionInput | None,
    votes: int | None,
    seat: str = "",
    grade: int | None = None,
) -> Delegate:
    """Enter an elected delegate with their provenance (CON-6) into a seat (CON-4).

    Needs the seats frozen (status ``seats_allocated``). The seat defaults to the
    person's department (and grade, when seats are by grade). Refused: a person entered
    twice, a delegate without an election record, an election by a unit outside the
    seat, votes above the votes cast, and a seat that is already full.
    """
    union = meeting.organisation
    role = require_manage(actor, union)
    meeting = locked_meeting(meeting)
    _check_open(meeting)
    allocation = SeatAllocation.objects.get(meeting=meeting)
    person = _new_delegate(meeting, ident)
    seat_unit = _seat_unit(seat, person)
    is_club = seat_unit.kind == OrgKind.CLUB
    grade = plan.seat_grade(
        by_grade=allocation.mode == "grades",
        club=is_club,
        given=grade,
        registered=person.grade,
    )
    plan.check_department(
        person=person.name,
        seat=seat_unit.name,
        club=is_club,
        department=person.department_id,
        seat_unit=seat_unit.pk,
    )
    capacity = _seat_capacity(allocation, seat_unit, grade)
    taken = 0
    if capacity is not None:
        taken = Delegate.objects.filter(
            meeting=meeting, seat_unit=seat_unit, seat_grade=grade
        ).count()
    plan.check_room(
        seat=plan.seat_label(seat_unit.name, grade), capacity=capacity, taken=taken
    )
    record = _election(meeting, seat_unit, election)
    plan.check_votes(votes, record.votes_cast)
    delegate = Delegate.objects.create(
        meeting=meeting,
        person=person,
        election=record,
        votes=votes,
        seat_unit=seat_unit,
        seat_grade=grade,
        entered_at=timezone.now(),
    )
    balance_store.forget_report(meeting)  # its balance report (CON-12, #15)
    auditlog.record(
        actor=actor,
        action="congress.delegate.enter",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={
            "person": person.ident,
            "seat": seat_unit.code,
            "grade": grade,
            "election": {
                "unit": record.unit.code,
                "held": record.held.isoformat(),
                "electorate": record.electorate,
                "votes_cast": record.votes_cast,
            },
            "votes": votes,
        },
    )
    return delegate


def _check_open(meeting: Meeting) -> None:
    """Delegates are entered (and removed) while the seats are frozen and the list is
    not."""
    if meeting.status != MeetingStatus.SEATS_ALLOCATED:
        raise refuse(
            "not-open",
            gettext_noop(
                "Delegates are entered once the seats are frozen and until the list is "
                "frozen."
            ),
        )


def _new_delegate(meeting: Meeting, ident: str) -> Person:
    """The person of ``ident``, not yet a delegate of ``meeting``."""
    person = (
        Person.objects.select_related("department").filter(ident=ident.strip()).first()
    )
    if person is None:
        raise refuse(
            "not-found",
            gettext_noop("No person has the identifier “{ident}”."),
            field="ident",
            ident=ident,
        )
    if Delegate.objects.filter(meeting=meeting, person=person).exists():
        raise refuse(
            "duplicate",
            gettext_noop("{name} is already a delegate of this congress."),
            field="ident",
            name=person.name,
        )
    return person


def _seat_unit(seat: str, person: Person) -> Organisation:
    """The unit whose seat the delegate fills: the one named, else the person's
    department."""
    if seat:
        seat_unit = Organisation.objects.filter(code=seat.strip()).first()
        if seat_unit is None:
            raise refuse(
                "not-found",
                gettext_noop("No organisation has the code “{code}”."),
                field="seat",
                code=seat,
            )
        return seat_unit
    if person.department is not None:
        return person.department
    raise refuse(
        "required",
        gettext_noop("Name the seat: {name} has no department in the registry."),
        field="seat",
        name=person.name,
    )


@transaction.atomic
def remove_delegate(*, actor: Actor, delegate: Delegate) -> None:
    """Remove a delegate entered by mistake, while the list is not frozen."""
    meeting = delegate.meeting
    union = meeting.organisation
    role = require_manage(actor, union)
    meeting = locked_meeting(meeting)
    _check_open(meeting)
    ident = delegate.person.ident
    delegate.delete()
    balance_store.forget_report(meeting)  # its balance report (CON-12, #15)
    auditlog.record(
        actor=actor,
        action="congress.delegate.remove",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={"person": ident},
    )
