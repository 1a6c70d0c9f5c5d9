"""Seat allocation by department × grade, with the main clubs (CON-3, CON-4 · GS-8, CQ-3).

The students come from the registry (:func:`registry_matrix`) or are entered; the
arithmetic is :func:`tongxue.domain.seats.seats_by_grade` (the departments' seats by
the union's method, the grades' by Sainte-Laguë, the cells biproportionally); one seat
goes to each main club (:func:`main_clubs`). The house and its checks are those of
:mod:`.seats`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

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
    plan_refusal,
)
from tongxue.congresses.services.shared import require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.domain import apportionment as ap
from tongxue.domain import seats as plan
from tongxue.domain.findings import Refusal
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
    by_code = {u.code: u for u in units}
    source = "entered" if matrix is not None else "registry"
    if matrix is None:
        matrix = registry_matrix(union)
    plan.check_grade_matrix(
        matrix, {u.code: u.name for u in units}, profile.clauses(QUOTA_PARAMETER)
    )
    club_list = list(dict.fromkeys(clubs))
    club_units = _listed_clubs(union, club_list, profile)
    grid = plan.grade_matrix(matrix, [u.code for u in units])
    shared = _seats_by_grade(
        grid, seats - len(club_list), profile, method, min_seats, tie, lot
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
        explanation=_grade_explanation(
            shared, source=source, house=seats - len(club_list), clubs=len(club_list)
        ),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store_grade_rows(allocation, shared, by_code, club_units)
    cells = shared.cells
    auditlog.record(
        actor=actor,
        action="congress.allocate_seats_by_grade",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={
            "method": method,
            "seats": seats,
            "minimum": minimum,
            "min_seats": min_seats,
            "source": source,
            "clubs": club_list,
            "tie": tie,
            "seed": lot,
            "cells": {
                f"{r}/{g}": cells.seats[i][j]
                for i, r in enumerate(grid.departments)
                for j, g in enumerate(grid.grades)
            },
        },
    )
    return allocation


def _listed_clubs(
    union: Organisation, codes: list[str], profile: Profile
) -> list[Organisation]:
    """The main clubs listed (CON-4), each a club of the union's club federation(s)."""
    allowed = {c.code: c for c in main_clubs(union)}
    not_clubs = [c for c in codes if c not in allowed]
    if not_clubs:
        raise plan_refusal(
            "CON-4.not-a-club",
            gettext_noop("{units}: not a club of this union's club federation."),
            profile,
            field="clubs",
            units=", ".join(not_clubs),
        )
    return [allowed[c] for c in codes]


def _seats_by_grade(
    grid: plan.GradeMatrix,
    house: int,
    profile: Profile,
    method: str,
    min_seats: int,
    tie: str,
    lot: int | None,
) -> plan.GradeSeats:
    """:func:`tongxue.domain.seats.seats_by_grade`, its tie and its errors refused
    (CON-4)."""
    try:
        return plan.seats_by_grade(
            grid,
            house,
            method=method,
            min_seats=min_seats,
            tie=tie,
            seed=lot,
            max_iterations=BIPROPORTIONAL_MAX_ITERATIONS,
        )
    except ap.ApportionmentTie as exc:
        # the departments', the grades' or the cells' seats are not unique
        raise plan_refusal(
            "CON-4.tie",
            gettext_noop(
                "The seats by department and grade are not unique: {units} tie for "
                "{seats} seat(s). Choose a lot with a published seed."
            ),
            profile,
            field="tie",
            seats=exc.seats,
            units=", ".join(exc.units),
        ) from None
    except ap.ApportionmentError as exc:
        raise Refusal(
            "CON-4.apportionment",
            exc.message,
            requirement="CON-4",
            clauses=profile.clauses(QUOTA_PARAMETER),
            field="seats",
        ) from None


def _grade_explanation(
    shared: plan.GradeSeats, *, source: str, house: int, clubs: int
) -> dict[str, Any]:
    """The stored explanation of seats by grade: where the students came from, the
    house shared, the lots, each grade's seats and divisor, each row's divisor."""
    grid, result = shared.matrix, shared.cells
    return {
        "source": source,
        "house": house,
        "clubs": clubs,
        "iterations": result.iterations,
        "lot": shared.lots(),
        "grades": [
            {
                "grade": g,
                "students": grid.grade_students(j),
                "seats": result.column_seats[j],
                "divisor": str(result.column_divisors[j]),
                "divisor_decimal": _decimal(result.column_divisors[j]),
            }
            for j, g in enumerate(grid.grades)
        ],
        "row_divisors": {
            r: {
                "divisor": str(result.row_divisors[i]),
                "divisor_decimal": _decimal(result.row_divisors[i]),
            }
            for i, r in enumerate(grid.departments)
        },
    }


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


def _decimal(value: Fraction) -> str:
    return f"{float(value):.4f}"
