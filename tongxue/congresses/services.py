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
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import AllocatedSeats, Meeting, SeatAllocation
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain import apportionment as ap
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.profiles import Profile, ProfileError, load_profile
from tongxue.organisations.models import Organisation, OrgKind

#: The profile parameter behind the minimum house (CON-3).
QUOTA_PARAMETER = "delegates_min_share"


def _require(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


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
    if SeatAllocation.objects.filter(meeting=meeting, frozen_at__isnull=False).exists():
        raise refuse(
            "frozen",
            gettext_noop("The seat allocation of {meeting} is frozen."),
            meeting=meeting.code,
        )
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
    if min_seats < 1:
        raise refuse(
            "invalid",
            gettext_noop("Every department needs at least one seat (CON-4)."),
            field="min_seats",
        )
    profile = governing_profile(union)
    minimum = minimum_house(union, profile)
    if seats is None:
        seats = minimum
    if seats < minimum:
        raise _refusal(
            "CON-3.quota",
            gettext_noop(
                "{seats} seats are fewer than the minimum of {minimum} ({share} of "
                "{students} students, rounded up)."
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
    explanation = ap.explanation_rows(result)
    rows = []
    for i, (line, row) in enumerate(zip(result.units, explanation, strict=True)):
        why = line.why
        row["why_message"] = (
            {"text": why.text, "params": dict(why.params)} if why is not None else None
        )
        rows.append(
            AllocatedSeats(
                allocation=allocation,
                unit=by_code[line.unit],
                position=i,
                students=by_code[line.unit].students_served or 0,
                seats=line.seats,
                quota=str(line.quota),
                explanation=row,
            )
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
