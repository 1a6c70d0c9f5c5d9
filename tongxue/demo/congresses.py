"""Demo: the demo school union's next congress, through its lifecycle.

Planned a month after ``as_of``; its seats allocated by department × grade with every
main club (CON-4: the biproportional method, Sainte-Laguë; a tie broken by a lot whose
seed, the opening date, is published with the allocation); the seats frozen; a delegate
elected by a class for every department × grade seat (the first students of each
department and grade, by identifier), each with its class election, and each club's
leader elected by the club for its seat; the delegate list frozen when the CON-5 share
holds. Deterministic and idempotent; everything goes
through the services as a system command.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.congresses import selectors, services
from tongxue.congresses.models import (
    AllocatedCell,
    AllocatedSeats,
    Delegate,
    DelegateElection,
    Meeting,
    MeetingKind,
    SeatAllocation,
)
from tongxue.core import auditlog
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
)


def _union() -> Organisation | None:
    return (
        Organisation.objects.filter(parent__code=SCHOOL_CODE, kind=OrgKind.SCHOOL_UNION)
        .order_by("code")
        .first()
    )


def seed(*, scale: str, as_of: datetime.date) -> str:
    union = _union()
    if union is None:
        return ""
    with transaction.atomic():
        return _seed(union, as_of)


def _seed(union: Organisation, as_of: datetime.date) -> str:
    opened = as_of + timedelta(days=30)
    code = f"{union.code}-C{opened:%Y%m%d}"
    existing = Meeting.objects.filter(code=code).first()
    if existing is not None:
        return _("{code}: {status}, {delegates} delegates (already seeded)").format(
            code=existing.code,
            status=existing.get_status_display(),
            delegates=existing.delegates.count(),
        )
    last = Meeting.objects.filter(
        organisation=union, kind=MeetingKind.CONGRESS
    ).aggregate(n=Max("session"))["n"]
    meeting = services.plan_congress(
        actor=None,
        organisation=union,
        kind=MeetingKind.CONGRESS,
        opened=opened,
        closes=opened + timedelta(days=1),
        session=(last or 0) + 1,
    )
    meeting.organisation = union
    services.allocate_seats_by_grade(
        actor=None,
        meeting=meeting,
        clubs=[c.code for c in services.main_clubs(union)],
        tie="lot",
        seed=int(f"{opened:%Y%m%d}"),
    )
    services.freeze_seats(actor=None, meeting=meeting)
    entered = _elect(meeting, opened)
    live = selectors.representation(meeting)
    if live.meets:
        services.freeze_delegates(actor=None, meeting=meeting)
    meeting.refresh_from_db()
    return _(
        "{code}: {status}, {seats} seats, {entered} delegates, "
        "{non_core}/{delegates} not union core members"
    ).format(
        code=meeting.code,
        status=meeting.get_status_display(),
        seats=meeting.seat_allocation.seats,
        entered=entered,
        non_core=live.count.non_core,
        delegates=live.count.delegates,
    )


def _elect(meeting: Meeting, opened: datetime.date) -> int:
    """Fill every seat with a delegate elected by their class."""
    allocation = meeting.seat_allocation
    by_grade = allocation.mode == "grades"
    wanted = _wanted_seats(allocation)
    departments = {k[0] for k in wanted}
    students = Person.objects.filter(
        department_id__in=departments,
        kind=PersonKind.STUDENT,
        enrolment=Enrolment.ENROLLED,
        class_unit__isnull=False,
    ).order_by("department_id", "grade", "ident")
    sizes = dict(
        Person.objects.filter(class_unit__isnull=False, department_id__in=departments)
        .values_list("class_unit_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("class_unit_id", "n")
    )
    codes = dict(
        Organisation.objects.filter(pk__in=list(sizes)).values_list("pk", "code")
    )
    # A club's seat goes to its leader, elected by the club.
    club_seats = list(
        AllocatedSeats.objects.filter(
            allocation=allocation, kind="club", seats__gt=0
        ).values_list("unit_id", "seats")
    )
    leaders = dict(
        Position.objects.filter(
            organisation_id__in=[u for u, _ in club_seats], role="club_leader"
        )
        .order_by("organisation_id", "start", "pk")
        .values_list("organisation_id", "person_id")
    )
    taken: dict[tuple[int, int | None], int] = defaultdict(int)
    chosen = []
    for person in students.only(
        "ident", "department_id", "grade", "class_unit_id"
    ).iterator():
        key = (person.department_id or 0, person.grade if by_grade else None)
        if taken[key] < wanted.get(key, 0):
            taken[key] += 1
            chosen.append(person)
    chosen_ids = {p.pk for p in chosen}
    club_chosen = [
        (club, leaders[club])
        for club, _seats in club_seats
        if club in leaders and leaders[club] not in chosen_ids
    ]
    # Fast path for the demo: one election per class and the delegates in bulk, with
    # one audit record (the services check one delegate at a time; these rows follow
    # the frozen allocation by construction).
    held = opened - timedelta(days=14)
    _store_elections(meeting, chosen, club_chosen, sizes, held)
    _store_delegates(meeting, chosen, club_chosen, by_grade)
    auditlog.record(
        actor=None,
        action="congress.delegate.import",
        organisation=meeting.organisation.code,
        target=meeting.code,
        role="system",
        data={
            "delegates": len(chosen) + len(club_chosen),
            "source": "demo",
            "codes": len(codes),
        },
    )
    return len(chosen) + len(club_chosen)


def _wanted_seats(allocation: SeatAllocation) -> dict[tuple[int, int | None], int]:
    """The seats of each department (and grade, when the seats are by grade)."""
    wanted: dict[tuple[int, int | None], int] = {}
    if allocation.mode == "grades":
        for unit_id, grade, seats in AllocatedCell.objects.filter(
            allocation=allocation
        ).values_list("unit_id", "grade", "seats"):
            wanted[(unit_id, grade)] = seats
    else:
        for unit_id, seats in AllocatedSeats.objects.filter(
            allocation=allocation, kind="department"
        ).values_list("unit_id", "seats"):
            wanted[(unit_id, None)] = seats
    return wanted


def _store_elections(
    meeting: Meeting,
    chosen: list[Person],
    club_chosen: list[tuple[int, int]],
    sizes: dict[int, int],
    held: datetime.date,
) -> None:
    """One election per class of the chosen students, and one per club."""
    elections = {
        klass: DelegateElection(
            meeting=meeting,
            unit_id=klass,
            held=held,
            electorate=sizes.get(klass, 40),
            votes_cast=sizes.get(klass, 40) - klass % 3,
        )
        for klass in sorted({p.class_unit_id or 0 for p in chosen})
    }
    members = dict(
        Position.objects.filter(organisation_id__in=[c for c, _ in club_chosen])
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    for club, _person in club_chosen:
        electorate = max(30, members.get(club, 0) * 20)
        elections[club] = DelegateElection(
            meeting=meeting,
            unit_id=club,
            held=held,
            electorate=electorate,
            votes_cast=electorate - club % 5,
        )
    DelegateElection.objects.bulk_create(elections.values())


def _store_delegates(
    meeting: Meeting,
    chosen: list[Person],
    club_chosen: list[tuple[int, int]],
    by_grade: bool,
) -> None:
    """The delegates, each linked to the election of their class (or club)."""
    stored = {e.unit_id: e for e in DelegateElection.objects.filter(meeting=meeting)}
    now = timezone.now()
    Delegate.objects.bulk_create(
        Delegate(
            meeting=meeting,
            person_id=p.pk,
            election=stored[p.class_unit_id or 0],
            votes=stored[p.class_unit_id or 0].votes_cast - p.pk % 4,
            seat_unit_id=p.department_id,
            seat_grade=p.grade if by_grade else None,
            entered_at=now,
        )
        for p in chosen
    )
    Delegate.objects.bulk_create(
        Delegate(
            meeting=meeting,
            person_id=person,
            election=stored[club],
            votes=stored[club].votes_cast - person % 4,
            seat_unit_id=club,
            seat_grade=None,
            entered_at=now,
        )
        for club, person in club_chosen
    )
