"""Seat allocation by department × grade, with the main clubs (CON-3, CON-4 · GS-8, CQ-3).

The students come from the registry (:func:`registry_matrix`) or are entered; the
arithmetic is :func:`tongxue.domain.seats.seats_by_grade` (the departments' seats by
the union's method, the grades' by Sainte-Laguë, the cells biproportionally); one seat
goes to each main club (:func:`main_clubs`). The checks of the matrix and the clubs,
the refusal of a tie and the stored explanation are :mod:`tongxue.domain.seats` too;
this module reads the students and the clubs, stores the allocation and audits it. The
house and its checks are those of :mod:`.seats`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from tongxue.congresses.models import (
    AllocatedCell,
    AllocatedSeats,
    Meeting,
    SeatAllocation,
)
from tongxue.congresses.services.seats import (
    QUOTA_PARAMETER,
    allocated_rows,
    check_not_frozen,
    checked_choices,
    checked_house,
    departments,
)
from tongxue.congresses.services.shared import require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.domain import apportionment as ap
from tongxue.domain import seats as plan
from tongxue.domain.profiles import Profile
from tongxue.domain.seats import BIPROPORTIONAL_MAX_ITERATIONS
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
)
from tongxue.organisations.profiles import governing_profile

__all__ = [
    "BIPROPORTIONAL_MAX_ITERATIONS",
    "Matrix",
    "allocate_seats_by_grade",
    "main_clubs",
    "registry_matrix",
]

#: A students matrix: department code → grade → students.
Matrix = dict[str, dict[int, int]]


def registry_matrix(union: Organisation) -> Matrix:
    """Count the enrolled students of each department and grade in the registry (one query)."""
    units = departments(union)
    out: Matrix = {u.code: {} for u in units}
    rows = (
        Person.objects.filter(
            department__in=units,
            grade__isnull=False,
            kind=PersonKind.STUDENT,
            enrolment=Enrolment.ENROLLED,
        )
        .values_list("department__code", "grade")
        .annotate(n=Count("id"))
    )
    for code, grade, n in rows:
        out[code][int(grade)] = n
    return out


def main_clubs(union: Organisation) -> list[Organisation]:
    """Return the clubs under the union's club federation(s) (CON-4's main clubs to pick).

    The club federations in the union's subtree and, for a school union, those directly
    under its school: the same clubs as the audit's
    :func:`tongxue.domain.rules.congress.main_clubs`.
    """
    where = Q(kind=OrgKind.CLUB_FEDERATION, path__startswith=union.path)
    if union.kind == OrgKind.SCHOOL_UNION and union.parent_id is not None:
        where |= Q(
            kind=OrgKind.CLUB_FEDERATION,
            parent_id=union.parent_id,
            parent__kind=OrgKind.SCHOOL,
        )
    federations = Organisation.objects.filter(where).values_list("pk", flat=True)
    return list(
        Organisation.objects.filter(
            kind=OrgKind.CLUB, parent_id__in=list(federations)
        ).order_by("code")
    )


@transaction.atomic
def allocate_seats_by_grade(
    *,
    actor: Actor,
    meeting: Meeting,
    seats: int | None = None,
    method: str = ap.Method.SAINTE_LAGUE.value,
    min_seats: int = 1,
    matrix: Matrix | None = None,
    clubs: list[str] | tuple[str, ...] = (),
    tie: str = "refuse",
    seed: int | None = None,
) -> SeatAllocation:
    """Share the seats among departments × grades biproportionally, plus main clubs.

    CON-4 · GS-8, CQ-3: every department, every grade and every listed main club gets
    at least one seat. One seat goes to each main club; the rest (``seats`` minus the
    clubs, ``seats`` at least the CON-3 minimum) are shared: the departments' seats by
    ``method`` from the departments' students (at least ``min_seats`` each), the grades'
    seats by Sainte-Laguë from the grades' students (at least one each), and the cells by
    :func:`tongxue.domain.apportionment.biproportional` (row and column divisors kept;
    the arithmetic is :func:`tongxue.domain.seats.seats_by_grade`).
    ``matrix`` is the students per department and grade; None counts the registry.
    A tie (for the departments', the grades' or the cells' seats) is refused with
    ``tie="refuse"`` and broken by a lot with the published ``seed`` with ``tie="lot"``.
    """
    union = meeting.organisation
    role = require_manage(actor, union)
    check_not_frozen(meeting)
    profile = governing_profile(union)
    method, lot = checked_choices(method, tie, seed)
    seats, minimum, units = checked_house(
        union, profile, seats=seats, min_seats=min_seats, meeting=meeting
    )
    shares = _grade_plan(
        union,
        profile,
        units,
        seats=seats,
        matrix=matrix,
        clubs=clubs,
        method=method,
        min_seats=min_seats,
        tie=tie,
        lot=lot,
    )
    SeatAllocation.objects.filter(meeting=meeting).delete()
    allocation = SeatAllocation.objects.create(
        meeting=meeting,
        method=method,
        seats=seats,
        quota_minimum=minimum,
        min_seats_per_unit=min_seats,
        mode="grades",
        tie=tie,
        seed=lot,
        explanation=plan.grade_explanation(
            shares.seats,
            source=shares.source,
            house=shares.house,
            clubs=len(shares.clubs),
        ),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store_grade_rows(
        allocation, shares.seats, {u.code: u for u in units}, shares.clubs
    )
    _record_grade_allocation(actor, role, union, meeting, allocation, shares)
    return allocation


@dataclass(frozen=True)
class _GradeShares:
    """The seats by department × grade, the main clubs (one seat each), the house
    the departments × grades share and where their students came from."""

    seats: plan.GradeSeats
    clubs: list[Organisation]
    house: int
    source: str


def _grade_plan(
    union: Organisation,
    profile: Profile,
    units: list[Organisation],
    *,
    seats: int,
    matrix: Matrix | None,
    clubs: Iterable[str],
    method: str,
    min_seats: int,
    tie: str,
    lot: int | None,
) -> _GradeShares:
    """Read the students (``matrix``, else the registry) and the union's main clubs,
    and share the seats by :mod:`tongxue.domain.seats` (CON-4), which refuses a matrix,
    a club, a tie or a share that will not do."""
    source = "entered" if matrix is not None else "registry"
    if matrix is None:
        matrix = registry_matrix(union)
    clauses = profile.clauses(QUOTA_PARAMETER)
    plan.check_grade_matrix(matrix, {u.code: u.name for u in units}, clauses)
    allowed = {c.code: c for c in main_clubs(union)}
    listed = plan.listed_main_clubs(clubs, allowed, clauses)
    house = plan.grade_house(seats, len(listed))
    shared = plan.checked_seats_by_grade(
        plan.grade_matrix(matrix, [u.code for u in units]),
        house,
        method=method,
        min_seats=min_seats,
        tie=tie,
        seed=lot,
        clauses=clauses,
    )
    return _GradeShares(shared, [allowed[c] for c in listed], house, source)


def _record_grade_allocation(
    actor: Actor,
    role: str,
    union: Organisation,
    meeting: Meeting,
    allocation: SeatAllocation,
    shares: _GradeShares,
) -> None:
    """The audit record of an allocation by grade: its choices, the source of the
    students, the main clubs and each cell's seats."""
    auditlog.record(
        actor=actor,
        action="congress.allocate_seats_by_grade",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={
            "method": allocation.method,
            "seats": allocation.seats,
            "minimum": allocation.quota_minimum,
            "min_seats": allocation.min_seats_per_unit,
            "source": shares.source,
            "clubs": [c.code for c in shares.clubs],
            "tie": allocation.tie,
            "seed": allocation.seed,
            "cells": shares.seats.seats_by_cell(),
        },
    )


def _store_grade_rows(
    allocation: SeatAllocation,
    shared: plan.GradeSeats,
    by_code: dict[str, Organisation],
    clubs: list[Organisation],
) -> None:
    """One row per department (its seats and explanation) and per main club (one
    seat), and one cell per department × grade."""
    grid = shared.matrix
    lines = allocated_rows(
        allocation,
        shared.departments,
        by_code,
        students=lambda i, unit: grid.department_students(i),
    )
    for k, club in enumerate(clubs):
        lines.append(
            AllocatedSeats(
                allocation=allocation,
                unit=club,
                position=len(grid.departments) + k,
                kind="club",
                students=0,
                seats=1,
                quota="1",
                explanation={
                    "why": "main club",
                    "why_message": {
                        "text": gettext_noop("a main club: one seat (CON-4)"),
                        "params": {},
                    },
                },
            )
        )
    AllocatedSeats.objects.bulk_create(lines)
    AllocatedCell.objects.bulk_create(
        AllocatedCell(
            allocation=allocation,
            unit=by_code[r],
            grade=g,
            students=grid.students[i][j],
            seats=shared.cells.seats[i][j],
        )
        for i, r in enumerate(grid.departments)
        for j, g in enumerate(grid.grades)
    )
