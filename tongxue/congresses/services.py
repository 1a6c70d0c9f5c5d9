"""Write congresses: seat allocation (CON-3, CON-4 · GS-8, CQ-3).

Every service is keyword-only and atomic, checks the actor's permission at the
meeting's union (``actor=None`` is a system command and is allowed), and writes an
audit record in the same transaction.

Seat allocation shares a congress's seats among the department unions of the union
(its children of kind department union, else those of its school) in proportion to
the students each serves, by one of the five methods of
:mod:`tongxue.domain.apportionment`:

* CON-3: the house is at least the governing profile's ``delegates_min_share`` of the
  union's students, rounded up; a smaller house is refused;
* CON-4: every department gets at least ``min_seats``; a department without a number of
  students cannot be weighed and is refused by name; a tie for the last seat is refused
  unless the union chose a lot with a published seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tongxue.congresses.models import (
    AllocatedCell,
    AllocatedSeats,
    Delegate,
    DelegateElection,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SeatAllocation,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain import apportionment as ap
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.lifecycle import CONGRESS
from tongxue.domain.profiles import Profile, ProfileError, load_profile
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
)

#: The profile parameter behind the minimum house (CON-3).
QUOTA_PARAMETER = "delegates_min_share"


def _require(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def _not_frozen(meeting: Meeting) -> None:
    """Refuse to (re-)allocate once the seats are frozen (CON-4 · GS-8, CQ-3)."""
    frozen = SeatAllocation.objects.filter(
        meeting=meeting, frozen_at__isnull=False
    ).exists()
    if frozen or meeting.status != MeetingStatus.PLANNED:
        raise refuse(
            "frozen",
            gettext_noop("The seat allocation of {meeting} is frozen."),
            meeting=meeting.code,
        )


def governing_profile(org: Organisation) -> Profile:
    """Return the profile of ``org``: its own, the nearest set above, or the default."""
    codes = [c for c in org.path.split("/") if c]
    profiles = dict(
        Organisation.objects.filter(code__in=codes).values_list("code", "profile")
    )
    code = next(
        (profiles[c] for c in reversed(codes) if profiles.get(c)),
        settings.TONGXUE_DEFAULT_PROFILE,
    )
    dirs = tuple(Path(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())
    try:
        return load_profile(code, search=dirs)
    except ProfileError:
        raise refuse(
            "invalid", gettext_noop("Unknown profile “{value}”."), value=code
        ) from None


def _allocated_rows(
    allocation: SeatAllocation,
    result: ap.Apportionment,
    by_code: dict[str, Organisation],
    *,
    students: Callable[[int, Organisation], int],
) -> list[AllocatedSeats]:
    """Return one unsaved row per department with its seats and stored explanation."""
    out = []
    explanation = ap.explanation_rows(result)
    for i, (line, row) in enumerate(zip(result.units, explanation, strict=True)):
        why = line.why
        row["why_message"] = (
            {"text": why.text, "params": dict(why.params)} if why is not None else None
        )
        unit = by_code[line.unit]
        out.append(
            AllocatedSeats(
                allocation=allocation,
                unit=unit,
                position=i,
                students=students(i, unit),
                seats=line.seats,
                quota=str(line.quota),
                explanation=row,
            )
        )
    return out


def _checked_house(
    union: Organisation,
    profile: Profile,
    *,
    seats: int | None,
    min_seats: int,
    meeting: Meeting | None = None,
) -> tuple[int, int, list[Organisation]]:
    """Return the house (the quota when not given), the quota and the departments.

    Refuse fewer seats than the quota (CON-3) at a school-level union unless a recorded
    justification covers it (CON-3 is a D rule: "一般不低于"; a department congress has
    no quota), a minimum below one seat per department and a union without
    departments (CON-4).
    """
    if min_seats < 1:
        raise refuse(
            "invalid",
            gettext_noop("Every department needs at least one seat (CON-4)."),
            field="min_seats",
        )
    minimum = minimum_house(union, profile)
    if seats is None:
        seats = minimum
    if (
        seats < minimum
        and union.kind in QUOTA_KINDS
        and not quota_justified(union, meeting, seats=seats, minimum=minimum)
    ):
        raise _refusal(
            QUOTA_RULE,
            gettext_noop(
                "{seats} seats are fewer than the minimum of {minimum} ({share} of "
                "{students} students, rounded up): give at least {minimum} seats, or "
                "record a justification of the deviation for this congress first."
            ),
            profile,
            field="seats",
            seats=seats,
            minimum=minimum,
            share=str(profile.fraction(QUOTA_PARAMETER)),
            students=union.students_served,
        )
    units = departments(union)
    if not units:
        raise _refusal(
            "CON-4.no-departments",
            gettext_noop("{unit} has no department unions to give seats to."),
            profile,
            unit=union.name,
        )
    return seats, minimum, units


#: The audit rule a smaller house is (CON-3 · GS-8, CQ-3, D) and that a justification
#: names; the kinds of union it applies to ("校级层面": school level only).
QUOTA_RULE = "CON-3.delegates-too-few"
QUOTA_KINDS = frozenset({OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION})


def quota_justified(
    union: Organisation, meeting: Meeting | None, *, seats: int, minimum: int
) -> bool:
    """Whether a recorded justification covers a house of ``seats`` < ``minimum``.

    The occurrence is the audit's: ``CON-3.delegates-too-few`` at the union for this
    congress with this many delegates (:func:`tongxue.domain.justifications.lapse`,
    which also checks the expiry); a justification row without those fields (the
    justification model before occurrences were recorded) covers any occurrence.
    """
    from tongxue.compliance.models import Justification
    from tongxue.domain import justifications as dj
    from tongxue.domain import model as dm
    from tongxue.domain.findings import Finding, Severity

    finding = Finding(
        rule=QUOTA_RULE,
        requirement="CON-3",
        clauses=(),
        severity=Severity.DEVIATION,
        organisation=union.code,
        message=Message(""),
        evidence={
            "congress": meeting.code if meeting is not None else "",
            "delegates": seats,
            "students_served": union.students_served,
            "required": minimum,
        },
    )
    today = timezone.localdate()
    for j in Justification.objects.filter(organisation=union, rule=QUOTA_RULE):
        recorded = dm.Justification(
            union.code,
            j.rule,
            j.reason,
            j.approved_by,
            j.approved_on,
            getattr(j, "valid_until", None),
            getattr(j, "evidence", None),
        )
        if dj.lapse(recorded, finding, today) is None:
            return True
    return False


def departments(union: Organisation) -> list[Organisation]:
    """Return the department unions a congress of ``union`` covers (CON-4), by code.

    Its children of kind department union; when it has none, those of its school.
    """
    units = list(
        Organisation.objects.filter(parent=union, kind=OrgKind.DEPARTMENT_UNION)
    )
    if not units and union.parent_id is not None:
        units = list(
            Organisation.objects.filter(
                parent_id=union.parent_id,
                parent__kind=OrgKind.SCHOOL,
                kind=OrgKind.DEPARTMENT_UNION,
            )
        )
    return sorted(units, key=lambda o: o.code)


def minimum_house(union: Organisation, profile: Profile) -> int:
    """CON-3 · GS-8, CQ-3: the profile's share of the students served, rounded up."""
    if union.students_served is None:
        raise refuse(
            "incomplete",
            gettext_noop(
                "{unit} has no number of students served: the size of its congress "
                "cannot be computed."
            ),
            unit=union.name,
        )
    return math.ceil(profile.fraction(QUOTA_PARAMETER) * union.students_served)


def _refusal(
    code: str,
    text: str,
    profile: Profile,
    *,
    field: str | None = None,
    **params: Any,
) -> Refusal:
    return Refusal(
        code,
        Message(text, params),
        requirement=code.split(".", 1)[0],
        clauses=profile.clauses(QUOTA_PARAMETER),
        field=field,
    )


@transaction.atomic
def allocate_seats(
    *,
    actor: Actor,
    meeting: Meeting,
    method: str,
    seats: int | None = None,
    min_seats: int = 1,
    tie: str = "refuse",
    seed: int | None = None,
) -> SeatAllocation:
    """Allocate the seats of ``meeting`` among its union's departments (CON-3, CON-4).

    ``seats`` defaults to the minimum house (CON-3 · GS-8, CQ-3); a smaller house is
    refused. Re-allocating replaces the previous allocation in the same transaction.
    """
    union = meeting.organisation
    role = _require(actor, union)
    _not_frozen(meeting)
    try:
        method = ap.Method(method).value
    except ValueError:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="method",
            value=method,
        ) from None
    if tie not in {t.value for t in ap.TieBreak}:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="tie",
            value=tie,
        )
    if tie == ap.TieBreak.LOT and seed is None:
        raise refuse(
            "required",
            gettext_noop("A lot needs a published integer seed."),
            field="seed",
        )
    profile = governing_profile(union)
    seats, minimum, units = _checked_house(
        union, profile, seats=seats, min_seats=min_seats, meeting=meeting
    )
    missing = [u for u in units if u.students_served is None]
    if missing:
        raise _refusal(
            "CON-4.students-missing",
            gettext_noop(
                "{units}: no number of students served, so the seats cannot be shared."
            ),
            profile,
            units=", ".join(f"{u.name} ({u.code})" for u in missing),
        )
    by_code = {u.code: u for u in units}
    try:
        result = ap.apportion(
            [(u.code, u.students_served or 0) for u in units],
            seats,
            method=method,
            minimum=min_seats,
            tie=tie,
            seed=seed if tie == ap.TieBreak.LOT else None,
        )
    except ap.ApportionmentTie as exc:
        raise _refusal(
            "CON-4.tie",
            gettext_noop(
                "Tie for the last {seats} seat(s) between {units}; choose a lot with "
                "a published seed."
            ),
            profile,
            field="tie",
            seats=exc.seats,
            units=", ".join(f"{by_code[c].name} ({c})" for c in exc.units),
        ) from None
    except ap.ApportionmentError as exc:
        raise Refusal(
            "CON-4.apportionment",
            exc.message,
            requirement="CON-4",
            clauses=profile.clauses(QUOTA_PARAMETER),
        ) from None

    SeatAllocation.objects.filter(meeting=meeting).delete()
    allocation = SeatAllocation.objects.create(
        meeting=meeting,
        method=method,
        seats=seats,
        quota_minimum=minimum,
        min_seats_per_unit=min_seats,
        tie=tie,
        seed=seed if tie == ap.TieBreak.LOT else None,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rows = _allocated_rows(
        allocation,
        result,
        by_code,
        students=lambda i, unit: unit.students_served or 0,
    )
    AllocatedSeats.objects.bulk_create(rows)
    auditlog.record(
        actor=actor,
        action="congress.allocate_seats",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={
            "method": method,
            "seats": seats,
            "minimum": minimum,
            "min_seats": min_seats,
            "tie": tie,
            "seed": allocation.seed,
            "allocation": {line.unit: line.seats for line in result.units},
            "at": timezone.now().isoformat(),
        },
    )
    return allocation


# --------------------------------------------------------------------------- by grade

#: Steps of the exact alternating scaling of a biproportional apportionment before it
#: hands over to the complete search (tongxue.domain.apportionment): a few dozen suffice
#: on real data. A matrix with a tie (e.g. every department with the same spread over
#: the grades) is refused as a tie naming the cells that could trade seats (CON-4.tie),
#: unless a lot with a published seed breaks it.
BIPROPORTIONAL_MAX_ITERATIONS = 200

#: A students matrix: department code → grade → students.
Matrix = dict[str, dict[int, int]]


def registry_matrix(union: Organisation) -> Matrix:
    """Count the enrolled students of each department and grade in the registry (one query)."""
    from django.db.models import Count

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
    :func:`tongxue.domain.apportionment.biproportional` (row and column divisors kept).
    ``matrix`` is the students per department and grade; None counts the registry.
    A tie (for the departments', the grades' or the cells' seats) is refused with
    ``tie="refuse"`` and broken by a lot with the published ``seed`` with ``tie="lot"``.
    """
    union = meeting.organisation
    role = _require(actor, union)
    _not_frozen(meeting)
    profile = governing_profile(union)
    try:
        method = ap.Method(method).value
    except ValueError:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="method",
            value=method,
        ) from None
    if tie not in {t.value for t in ap.TieBreak}:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="tie",
            value=tie,
        )
    if tie == ap.TieBreak.LOT and seed is None:
        raise refuse(
            "required",
            gettext_noop("A lot needs a published integer seed."),
            field="seed",
        )
    lot = seed if tie == ap.TieBreak.LOT else None
    seats, minimum, units = _checked_house(
        union, profile, seats=seats, min_seats=min_seats, meeting=meeting
    )
    by_code = {u.code: u for u in units}
    source = "entered" if matrix is not None else "registry"
    if matrix is None:
        matrix = registry_matrix(union)
    unknown = sorted(set(matrix) - set(by_code))
    if unknown:
        raise _refusal(
            "CON-4.unknown-department",
            gettext_noop("{units}: not a department union of this union."),
            profile,
            field="matrix",
            units=", ".join(unknown),
        )
    empty = [u for u in units if sum(matrix.get(u.code, {}).values()) <= 0]
    if empty:
        raise _refusal(
            "CON-4.students-missing",
            gettext_noop(
                "{units}: no students by grade, so the seats cannot be shared."
            ),
            profile,
            field="matrix",
            units=", ".join(f"{u.name} ({u.code})" for u in empty),
        )
    grades = sorted({g for row in matrix.values() for g, n in row.items() if n > 0})
    club_list = list(dict.fromkeys(clubs))
    allowed = {c.code: c for c in main_clubs(union)}
    not_clubs = [c for c in club_list if c not in allowed]
    if not_clubs:
        raise _refusal(
            "CON-4.not-a-club",
            gettext_noop("{units}: not a club of this union's club federation."),
            profile,
            field="clubs",
            units=", ".join(not_clubs),
        )
    house = seats - len(club_list)
    rows = [u.code for u in units]
    weights = [[matrix.get(r, {}).get(g, 0) for g in grades] for r in rows]
    try:
        row_result = ap.apportion(
            [(r, sum(w)) for r, w in zip(rows, weights, strict=True)],
            house,
            method=method,
            minimum=min_seats,
            tie=tie,
            seed=lot,
        )
        col_result = ap.apportion(
            [(str(g), sum(w[j] for w in weights)) for j, g in enumerate(grades)],
            house,
            method=ap.Method.SAINTE_LAGUE,
            minimum=1,
            tie=tie,
            seed=lot,
        )
        result = ap.biproportional(
            rows,
            [str(g) for g in grades],
            weights,
            [row_result.seats[r] for r in rows],
            [col_result.seats[str(g)] for g in grades],
            max_iterations=BIPROPORTIONAL_MAX_ITERATIONS,
            tie=tie,
            seed=lot,
        )
    except ap.ApportionmentTie as exc:
        # the departments', the grades' or the cells' seats are not unique
        raise _refusal(
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
        explanation={
            "source": source,
            "house": house,
            "clubs": len(club_list),
            "iterations": result.iterations,
            "lot": _lots(row_result, col_result, result),
            "grades": [
                {
                    "grade": g,
                    "students": sum(w[j] for w in weights),
                    "seats": result.column_seats[j],
                    "divisor": str(result.column_divisors[j]),
                    "divisor_decimal": _decimal(result.column_divisors[j]),
                }
                for j, g in enumerate(grades)
            ],
            "row_divisors": {
                r: {
                    "divisor": str(result.row_divisors[i]),
                    "divisor_decimal": _decimal(result.row_divisors[i]),
                }
                for i, r in enumerate(rows)
            },
        },
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    lines = _allocated_rows(
        allocation,
        row_result,
        by_code,
        students=lambda i, unit: sum(weights[i]),
    )
    for k, code in enumerate(club_list):
        lines.append(
            AllocatedSeats(
                allocation=allocation,
                unit=allowed[code],
                position=len(rows) + k,
                kind="club",
                students=0,
                seats=1,
                quota="1",
                explanation={"why": "main club"},
            )
        )
    AllocatedSeats.objects.bulk_create(lines)
    AllocatedCell.objects.bulk_create(
        AllocatedCell(
            allocation=allocation,
            unit=by_code[r],
            grade=g,
            students=weights[i][j],
            seats=result.seats[i][j],
        )
        for i, r in enumerate(rows)
        for j, g in enumerate(grades)
    )
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
                f"{r}/{g}": result.seats[i][j]
                for i, r in enumerate(rows)
                for j, g in enumerate(grades)
            },
        },
    )
    return allocation


def _lots(*results: Any) -> list[dict[str, Any]]:
    """The ties a lot broke in the departments', grades' and cells' seats (CON-4)."""
    out = []
    for step, result in zip(("departments", "grades", "cells"), results, strict=True):
        tie = result.tie
        if tie is not None:
            out.append(
                {
                    "step": step,
                    "units": list(tie.units),
                    "seats": tie.seats,
                    "winners": list(tie.winners),
                    "seed": tie.seed,
                }
            )
    return out


def _decimal(value: Fraction) -> str:
    return f"{float(value):.4f}"


# --------------------------------------------------------------------------- lifecycle

#: Meeting kinds and the prefix of their generated codes.
_CODE_PREFIX = {
    MeetingKind.CONGRESS: "C",
    MeetingKind.ASSEMBLY: "A",
    MeetingKind.STANDING_CONFERENCE: "S",
}
ASSEMBLY_PARAMETER = "assembly_students_below"
NON_CORE_PARAMETER = "non_core_delegates_min_share"
#: The audit rule whose justification lets a delegate list below the share be frozen.
NON_CORE_RULE = "CON-5.non-core-share"


def _covers(justification: Any, evidence: dict[str, Any]) -> bool:
    """Whether a stored CON-5 justification covers this delegate list today.

    It must be written for this occurrence (this congress, these counts) and not
    have expired (``tongxue.domain.justifications``).
    """
    from tongxue.domain import justifications, model
    from tongxue.domain.findings import Finding, Severity

    code = (
        "-"  # the organisation is the same on both sides; only the rule's data counts
    )
    finding = Finding(
        NON_CORE_RULE, "CON-5", (), Severity.DEVIATION, code, Message(""), evidence
    )
    stored = model.Justification(
        code,
        justification.rule,
        justification.reason,
        justification.approved_by,
        justification.approved_on,
        justification.valid_until,
        justification.evidence,
    )
    return justifications.covers(stored, finding, timezone.localdate())


def _next_code(org: Organisation, kind: str, opened: date) -> str:
    base = f"{org.code}-{_CODE_PREFIX[MeetingKind(kind)]}{opened:%Y%m%d}"[:60]
    taken = set(
        Meeting.objects.filter(code__startswith=base).values_list("code", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def plan_congress(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    opened: date,
    closes: date | None = None,
    session: int | None = None,
) -> Meeting:
    """Plan a congress, an all-student assembly or a standing-conference meeting.

    CON-2 · GS-8, CQ-3: an all-student assembly replaces a department's congress only
    when the department serves fewer than ``assembly_students_below`` students; an
    assembly of a larger (or uncounted) department, or of a union that is not a
    department union, is refused.
    """
    role = _require(actor, organisation)
    try:
        kind = MeetingKind(kind).value
    except ValueError:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="kind",
            value=kind,
        ) from None
    if closes is not None and closes < opened:
        raise refuse(
            "invalid",
            gettext_noop("The closing date is before the opening date."),
            field="closes",
        )
    if kind == MeetingKind.ASSEMBLY:
        profile = governing_profile(organisation)
        threshold = profile.int(ASSEMBLY_PARAMETER)
        students = organisation.students_served
        refused = None
        if organisation.kind != OrgKind.DEPARTMENT_UNION:
            refused = gettext_noop(
                "Only a department union may hold an all-student assembly instead of a "
                "congress."
            )
        elif students is None:
            refused = gettext_noop(
                "{unit} has no number of students served: an all-student assembly is "
                "allowed only below {threshold} students."
            )
        elif students >= threshold:
            refused = gettext_noop(
                "{unit} serves {students} students, not fewer than {threshold}: it "
                "holds a congress, not an all-student assembly."
            )
        if refused is not None:
            raise Refusal(
                "CON-2.assembly-not-allowed",
                Message(
                    refused,
                    {
                        "unit": organisation.name,
                        "students": students,
                        "threshold": threshold,
                    },
                ),
                requirement="CON-2",
                clauses=profile.clauses(ASSEMBLY_PARAMETER),
                field="kind",
            )
    meeting = Meeting.objects.create(
        code=_next_code(organisation, kind, opened),
        organisation=organisation,
        kind=kind,
        session=session,
        opened=opened,
        closes=closes,
        status=CONGRESS.initial,
    )
    auditlog.record(
        actor=actor,
        action="congress.plan",
        organisation=organisation.code,
        target=meeting.code,
        role=role,
        data={
            "kind": kind,
            "session": session,
            "opened": opened.isoformat(),
            "closes": closes.isoformat() if closes else None,
        },
    )
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock (transitions serialise on it)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.organisation = meeting.organisation
    return locked


def _move(
    *,
    actor: Actor,
    meeting: Meeting,
    target: str,
    role: str,
    data: dict[str, Any] | None = None,
) -> Meeting:
    refusal = CONGRESS.refusal(meeting.status, target)
    if refusal is not None:
        raise refusal
    before = meeting.status
    meeting.status = target
    meeting.save(update_fields=["status", "delegates_frozen_at"])
    auditlog.record(
        actor=actor,
        action=f"congress.{target}",
        organisation=meeting.organisation.code,
        target=meeting.code,
        role=role,
        data={"from": before, "to": target, **(data or {})},
    )
    return meeting


@transaction.atomic
def freeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """planned → seats_allocated: freeze the allocation (CON-4 · GS-8, CQ-3)."""
    role = _require(actor, meeting.organisation)
    meeting = _locked(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.SEATS_ALLOCATED)
    if refusal is not None:
        raise refusal
    allocation = SeatAllocation.objects.filter(meeting=meeting).first()
    if allocation is None and meeting.kind == MeetingKind.CONGRESS:
        raise refuse(
            "CON-4.not-allocated",
            gettext_noop("Allocate the seats of {meeting} before freezing them."),
            meeting=meeting.code,
        )
    # An all-student assembly has no seats (every student sits), nor does a
    # standing-conference meeting (its standing delegates come from the congress).
    data: dict[str, Any] = {}
    if allocation is not None:
        allocation.frozen_at = timezone.now()
        allocation.save(update_fields=["frozen_at"])
        data = {"allocation": allocation.pk, "seats": allocation.seats}
    return _move(
        actor=actor,
        meeting=meeting,
        target=MeetingStatus.SEATS_ALLOCATED,
        role=role,
        data=data,
    )


@transaction.atomic
def unfreeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """seats_allocated → planned: unfreeze, only before any delegate is entered."""
    role = _require(actor, meeting.organisation)
    meeting = _locked(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.PLANNED)
    if refusal is not None:
        raise refusal
    entered = Delegate.objects.filter(meeting=meeting).count()
    if entered:
        raise refuse(
            "has-delegates",
            gettext_noop(
                "{delegates} delegates are entered: the seats cannot be unfrozen."
            ),
            delegates=entered,
        )
    SeatAllocation.objects.filter(meeting=meeting).update(frozen_at=None)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.PLANNED, role=role)


@transaction.atomic
def freeze_delegates(
    *,
    actor: Actor,
    meeting: Meeting,
    reason: str = "",
    approved_by: str = "",
    approved_on: date | None = None,
) -> Meeting:
    """seats_allocated → delegates_elected: freeze the delegate list (CON-5 · GS-8, CQ-3).

    Below the profile's ``non_core_delegates_min_share`` of non-core delegates the
    list is frozen only with a justification of the deviation (``CON-5.non-core-share``,
    a D rule): one already recorded for the union, or the one given here (recorded by
    :func:`tongxue.compliance.services.record_justification`, which needs
    ``Perm.JUSTIFY``).
    """
    from tongxue.compliance.models import Justification
    from tongxue.compliance.services import record_justification
    from tongxue.congresses.selectors import representation

    union = meeting.organisation
    role = _require(actor, union)
    meeting = _locked(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.DELEGATES_ELECTED)
    if refusal is not None:
        raise refusal
    if meeting.kind != MeetingKind.CONGRESS:
        # No elected delegates to check: an assembly or a standing-conference meeting.
        meeting.delegates_frozen_at = timezone.now()
        return _move(
            actor=actor,
            meeting=meeting,
            target=MeetingStatus.DELEGATES_ELECTED,
            role=role,
        )
    live = representation(meeting)
    if live.count.delegates == 0:
        raise refuse(
            "CON-6.no-delegates",
            gettext_noop("No delegates are entered: there is no list to freeze."),
        )
    justified = ""
    # CON-5 applies at school level only ("校级层面"): a department congress is not judged.
    if not live.meets and union.kind in QUOTA_KINDS:
        # The occurrence the justification covers: this congress, these counts (the
        # evidence keys of the audit's CON-5.non-core-share finding).
        evidence = {
            "congress": meeting.code,
            "delegates": live.count.delegates,
            "core_delegates": live.count.core,
        }
        existing = Justification.objects.filter(
            organisation=union, rule=NON_CORE_RULE
        ).first()
        if reason.strip():
            record_justification(
                actor=actor,
                organisation=union,
                rule=NON_CORE_RULE,
                reason=reason,
                approved_by=approved_by,
                approved_on=approved_on or timezone.localdate(),
                evidence=evidence,
            )
            justified = "recorded"
        elif existing is not None and _covers(existing, evidence):
            justified = "existing"
        else:
            raise Refusal(
                "CON-5.non-core-share",
                Message(
                    gettext_noop(
                        "{non_core} of {delegates} delegates are not union core members "
                        "({percent}), fewer than {min_percent}: at least {required} are "
                        "needed, or record the justification of the deviation."
                    ),
                    {
                        "non_core": live.count.non_core,
                        "delegates": live.count.delegates,
                        "percent": live.percent,
                        "min_percent": live.min_percent,
                        "required": live.required,
                    },
                ),
                requirement="CON-5",
                clauses=live.clauses,
                field="reason",
            )
    meeting.delegates_frozen_at = timezone.now()
    return _move(
        actor=actor,
        meeting=meeting,
        target=MeetingStatus.DELEGATES_ELECTED,
        role=role,
        data={
            "delegates": live.count.delegates,
            "non_core": live.count.non_core,
            "min_share": live.min_share,
            "justified": justified,
        },
    )


@transaction.atomic
def convene(*, actor: Actor, meeting: Meeting) -> Meeting:
    """delegates_elected → convened: the congress opens."""
    role = _require(actor, meeting.organisation)
    meeting = _locked(meeting)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.CONVENED, role=role)


@transaction.atomic
def close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """convened → closed."""
    role = _require(actor, meeting.organisation)
    meeting = _locked(meeting)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.CLOSED, role=role)


#: The service of each transition, by target state.
TRANSITIONS = {
    MeetingStatus.SEATS_ALLOCATED: freeze_seats,
    MeetingStatus.PLANNED: unfreeze_seats,
    MeetingStatus.DELEGATES_ELECTED: freeze_delegates,
    MeetingStatus.CONVENED: convene,
    MeetingStatus.CLOSED: close,
}


# --------------------------------------------------------------------------- delegates

#: Kinds of unit that elect delegates (CON-6 · GS-8, CQ-3): classes, department unions
#: and, for a main club's seat, the club.
ELECTING_KINDS = (OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION)


@dataclass(frozen=True)
class ElectionInput:
    """The class or department election a delegate comes from (CON-6)."""

    unit: str  # code of the electing unit
    held: date
    electorate: int
    votes_cast: int


def _con6(text: str, *, field: str, **params: Any) -> Refusal:
    return Refusal(
        "CON-6.election", Message(text, params), requirement="CON-6", field=field
    )


def _election(
    meeting: Meeting, seat_unit: Organisation, data: ElectionInput | None
) -> DelegateElection:
    if data is None or not data.unit:
        raise _con6(
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
    kinds = (
        (*ELECTING_KINDS, OrgKind.CLUB)
        if seat_unit.kind == OrgKind.CLUB
        else ELECTING_KINDS
    )
    if unit.kind not in kinds:
        raise _con6(
            gettext_noop(
                "{unit} is not a class or a department union: delegates are elected by "
                "classes or department unions."
            ),
            field="electing_unit",
            unit=unit.name,
        )
    if f"/{seat_unit.code}/" not in unit.path:
        raise _con6(
            gettext_noop(
                "{unit} is not part of {seat}, whose seat the delegate fills."
            ),
            field="electing_unit",
            unit=unit.name,
            seat=seat_unit.name,
        )
    if data.electorate < 1:
        raise _con6(
            gettext_noop("The electorate must be at least one."), field="electorate"
        )
    if data.votes_cast > data.electorate:
        raise _con6(
            gettext_noop(
                "{votes_cast} votes cast exceed the electorate of {electorate}."
            ),
            field="votes_cast",
            votes_cast=data.votes_cast,
            electorate=data.electorate,
        )
    if data.held > meeting.opened:
        raise _con6(
            gettext_noop(
                "The election ({held}) is after the congress opens ({opened})."
            ),
            field="held",
            held=data.held.isoformat(),
            opened=meeting.opened.isoformat(),
        )
    election, created = DelegateElection.objects.get_or_create(
        meeting=meeting,
        unit=unit,
        held=data.held,
        defaults={"electorate": data.electorate, "votes_cast": data.votes_cast},
    )
    if not created and (election.electorate, election.votes_cast) != (
        data.electorate,
        data.votes_cast,
    ):
        raise _con6(
            gettext_noop(
                "The election of {unit} on {held} is recorded with an electorate of "
                "{electorate} and {votes_cast} votes cast."
            ),
            field="electorate",
            unit=unit.name,
            held=data.held.isoformat(),
            electorate=election.electorate,
            votes_cast=election.votes_cast,
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
    role = _require(actor, union)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.SEATS_ALLOCATED:
        raise refuse(
            "not-open",
            gettext_noop(
                "Delegates are entered once the seats are frozen and until the list is "
                "frozen."
            ),
        )
    allocation = SeatAllocation.objects.get(meeting=meeting)
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
    if seat:
        seat_unit = Organisation.objects.filter(code=seat.strip()).first()
        if seat_unit is None:
            raise refuse(
                "not-found",
                gettext_noop("No organisation has the code “{code}”."),
                field="seat",
                code=seat,
            )
    elif person.department is not None:
        seat_unit = person.department
    else:
        raise refuse(
            "required",
            gettext_noop("Name the seat: {name} has no department in the registry."),
            field="seat",
            name=person.name,
        )
    is_club = seat_unit.kind == OrgKind.CLUB
    if allocation.mode == "grades" and not is_club:
        grade = grade if grade is not None else person.grade
        if grade is None:
            raise refuse(
                "required",
                gettext_noop("Seats are by grade: give the delegate's grade."),
                field="grade",
            )
    else:
        grade = None
    if (
        not is_club
        and person.department_id is not None
        and person.department_id != seat_unit.pk
    ):
        raise refuse(
            "CON-4.seat-mismatch",
            gettext_noop("{name} is not a student of {seat}."),
            field="seat",
            name=person.name,
            seat=seat_unit.name,
        )
    capacity = _seat_capacity(allocation, seat_unit, grade)
    if capacity is None:
        raise refuse(
            "CON-4.no-seat",
            gettext_noop("{seat} has no seats in this congress."),
            field="seat",
            seat=seat_unit.name if grade is None else f"{seat_unit.name} · {grade}",
        )
    taken = Delegate.objects.filter(
        meeting=meeting, seat_unit=seat_unit, seat_grade=grade
    ).count()
    if taken >= capacity:
        raise refuse(
            "CON-4.seat-full",
            gettext_noop("All {seats} seats of {seat} are filled."),
            field="seat",
            seats=capacity,
            seat=seat_unit.name if grade is None else f"{seat_unit.name} · {grade}",
        )
    record = _election(meeting, seat_unit, election)
    if votes is None or votes < 0:
        raise _con6(
            gettext_noop("Give the votes the delegate received."), field="votes"
        )
    if votes > record.votes_cast:
        raise _con6(
            gettext_noop("{votes} votes exceed the {votes_cast} votes cast."),
            field="votes",
            votes=votes,
            votes_cast=record.votes_cast,
        )
    delegate = Delegate.objects.create(
        meeting=meeting,
        person=person,
        election=record,
        votes=votes,
        seat_unit=seat_unit,
        seat_grade=grade,
        entered_at=timezone.now(),
    )
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


@transaction.atomic
def remove_delegate(*, actor: Actor, delegate: Delegate) -> None:
    """Remove a delegate entered by mistake, while the list is not frozen."""
    meeting = delegate.meeting
    union = meeting.organisation
    role = _require(actor, union)
    meeting = _locked(meeting)
    if meeting.status != MeetingStatus.SEATS_ALLOCATED:
        raise refuse(
            "not-open",
            gettext_noop(
                "Delegates are entered once the seats are frozen and until the list is "
                "frozen."
            ),
        )
    ident = delegate.person.ident
    delegate.delete()
    auditlog.record(
        actor=actor,
        action="congress.delegate.remove",
        organisation=union.code,
        target=meeting.code,
        role=role,
        data={"person": ident},
    )


#: The header of a delegate CSV upload.
CSV_COLUMNS = (
    "ident",
    "seat",
    "grade",
    "electing_unit",
    "election_date",
    "electorate",
    "votes_cast",
    "votes",
)


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header; the first delegate is row 2
    field: str
    message: str


def _csv_int(value: str, name: str, row: int, errors: list[RowError]) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        errors.append(RowError(row, name, gettext("Not a whole number: “%s”.") % value))
        return None


@transaction.atomic
def import_delegates(
    *, actor: Actor, meeting: Meeting, text: str
) -> tuple[int, list[RowError]]:
    """Enter delegates from CSV text, all or nothing (CON-4, CON-6).

    Returns the number entered and the errors, each naming its row and field; on any
    error nothing is entered.
    """
    import csv
    import io

    from tongxue.core.errors import render_message
    from tongxue.core.spreadsheets import unescape_cell

    _require(actor, meeting.organisation)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        return 0, [
            RowError(
                1,
                ", ".join(missing),
                gettext("The header lacks these columns: %s.") % ", ".join(missing),
            )
        ]
    errors: list[RowError] = []
    entered = 0
    for n, raw_row in enumerate(reader, start=2):
        # The delegate export escapes a risky text with a leading ' (core.spreadsheets).
        row = {k: unescape_cell(v) for k, v in raw_row.items()}
        row_errors: list[RowError] = []
        grade = _csv_int(row.get("grade", ""), "grade", n, row_errors)
        electorate = _csv_int(row.get("electorate", ""), "electorate", n, row_errors)
        cast = _csv_int(row.get("votes_cast", ""), "votes_cast", n, row_errors)
        votes = _csv_int(row.get("votes", ""), "votes", n, row_errors)
        held: date | None = None
        raw = (row.get("election_date") or "").strip()
        try:
            held = date.fromisoformat(raw) if raw else None
        except ValueError:
            row_errors.append(
                RowError(
                    n, "election_date", gettext("Not a date (YYYY-MM-DD): “%s”.") % raw
                )
            )
        unit = (row.get("electing_unit") or "").strip()
        if not row_errors and not (
            unit and held and electorate is not None and cast is not None
        ):
            row_errors.append(
                RowError(
                    n,
                    "electing_unit",
                    render_message(
                        Message(
                            gettext_noop(
                                "A delegate needs the election that elected them."
                            ),
                            {},
                        )
                    ),
                )
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        assert held is not None and electorate is not None and cast is not None
        try:
            with transaction.atomic():
                enter_delegate(
                    actor=actor,
                    meeting=meeting,
                    ident=row.get("ident") or "",
                    seat=row.get("seat") or "",
                    grade=grade,
                    election=ElectionInput(unit, held, electorate, cast),
                    votes=votes,
                )
        except Refusal as refusal:
            errors.append(
                RowError(n, refusal.field or "", render_message(refusal.message))
            )
        else:
            entered += 1
    if errors:
        transaction.set_rollback(True)
        return 0, errors
    return entered, []
