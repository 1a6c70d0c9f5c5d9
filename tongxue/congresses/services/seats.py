"""Seat allocation by department, and the house every allocation checks (CON-3, CON-4).

Seat allocation shares a congress's seats among the department unions of the union
(its children of kind department union, else those of its school) in proportion to
the students each serves, by one of the five methods of
:mod:`tongxue.domain.apportionment`:

* CON-3: the house is at least the governing profile's ``delegates_min_share`` of the
  union's students, rounded up; a smaller house is refused unless a recorded
  justification covers it;
* CON-4: every department gets at least ``min_seats``; a department without a number of
  students cannot be weighed and is refused by name; a tie for the last seat is refused
  unless the union chose a lot with a published seed.

Seats by department × grade (:mod:`.grades`) share the house, its checks
(:func:`checked_house`) and the stored lines (:func:`allocated_rows`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import (
    AllocatedSeats,
    Meeting,
    MeetingStatus,
    SeatAllocation,
)
from tongxue.congresses.services.shared import require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.words import join_names
from tongxue.domain import apportionment as ap
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.profiles import Profile
from tongxue.organisations.models import (
    Organisation,
    OrgKind,
)
from tongxue.organisations.profiles import governing_profile

#: The profile parameter behind the minimum house (CON-3).
QUOTA_PARAMETER = "delegates_min_share"


def check_not_frozen(meeting: Meeting) -> None:
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


def allocated_rows(
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


def checked_house(
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
        raise plan_refusal(
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
        raise plan_refusal(
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


def plan_refusal(
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


def checked_choices(method: str, tie: str, seed: int | None) -> tuple[str, int | None]:
    """The method's value and the lot's seed (None unless ``tie`` is a lot), refusing
    an unknown method or tie-break and a lot without a seed."""
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
    return method, seed if tie == ap.TieBreak.LOT else None


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
    role = require_manage(actor, union)
    check_not_frozen(meeting)
    method, lot = checked_choices(method, tie, seed)
    profile = governing_profile(union)
    seats, minimum, units = checked_house(
        union, profile, seats=seats, min_seats=min_seats, meeting=meeting
    )
    missing = [u for u in units if u.students_served is None]
    if missing:
        raise plan_refusal(
            "CON-4.students-missing",
            gettext_noop(
                "{units}: no number of students served, so the seats cannot be shared."
            ),
            profile,
            units=join_names(f"{u.name} ({u.code})" for u in missing),
        )
    by_code = {u.code: u for u in units}
    result = _apportioned(by_code, seats, profile, method, min_seats, tie, lot)
    SeatAllocation.objects.filter(meeting=meeting).delete()
    allocation = SeatAllocation.objects.create(
        meeting=meeting,
        method=method,
        seats=seats,
        quota_minimum=minimum,
        min_seats_per_unit=min_seats,
        tie=tie,
        seed=lot,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    rows = allocated_rows(
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


def _apportioned(
    by_code: dict[str, Organisation],
    seats: int,
    profile: Profile,
    method: str,
    min_seats: int,
    tie: str,
    lot: int | None,
) -> ap.Apportionment:
    """The departments' seats by their students (CON-4), a tie and errors refused."""
    try:
        return ap.apportion(
            [(code, u.students_served or 0) for code, u in by_code.items()],
            seats,
            method=method,
            minimum=min_seats,
            tie=tie,
            seed=lot,
        )
    except ap.ApportionmentTie as exc:
        raise plan_refusal(
            "CON-4.tie",
            gettext_noop(
                "Tie for the last {seats} seat(s) between {units}; choose a lot with "
                "a published seed."
            ),
            profile,
            field="tie",
            seats=exc.seats,
            units=join_names(f"{by_code[c].name} ({c})" for c in exc.units),
        ) from None
    except ap.ApportionmentError as exc:
        raise Refusal(
            "CON-4.apportionment",
            exc.message,
            requirement="CON-4",
            clauses=profile.clauses(QUOTA_PARAMETER),
        ) from None
