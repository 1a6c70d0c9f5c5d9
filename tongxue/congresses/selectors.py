"""Read congresses: the seat table with its explanation (CON-4 · GS-8, CQ-3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from tongxue.congresses.hooks import delegate_contacts
from tongxue.congresses.models import Delegate, Meeting, SeatAllocation
from tongxue.core.words import join_names
from tongxue.domain import model as dm
from tongxue.domain.findings import Message
from tongxue.domain.lifecycle import CONGRESS
from tongxue.domain.rules.congress_composition import NonCoreShare, non_core_share
from tongxue.domain.rules.organisation import percent, roles, share_text
from tongxue.organisations.mappers import (
    ORG_FIELDS,
    POSITION_FIELDS,
    organisation_from_row,
    position_from_row,
)
from tongxue.organisations.models import Organisation, Position
from tongxue.organisations.profiles import governing_profile

#: The profile parameter behind the share of non-core delegates (CON-5).
NON_CORE_PARAMETER = "non_core_delegates_min_share"


@dataclass(frozen=True)
class SeatRow:
    unit_code: str
    unit_name: str
    students: int
    quota: str  # exact, "p/q"
    quota_decimal: str
    seats: int
    why: str


@dataclass(frozen=True)
class SeatTable:
    allocation: SeatAllocation
    rows: list[SeatRow]

    @property
    def total_students(self) -> int:
        return sum(r.students for r in self.rows)


def _why(explanation: dict[str, Any]) -> str:
    message = explanation.get("why_message")
    if message:
        return Message(message["text"], message.get("params") or {}).render(gettext)
    if explanation.get("why") == "main club":  # stored before the message was kept
        return gettext("a main club: one seat (CON-4)")
    return str(explanation.get("why") or "")


def allocation_table(meeting: Meeting) -> SeatTable | None:
    """Return the meeting's seat allocation as rows for display, or None (two queries)."""
    allocation = (
        SeatAllocation.objects.filter(meeting=meeting)
        .select_related("created_by")
        .first()
    )
    if allocation is None:
        return None
    rows = [
        SeatRow(
            unit_code=r.unit.code,
            unit_name=r.unit.name,
            students=r.students,
            quota=r.quota,
            quota_decimal=str(r.explanation.get("quota_decimal", "")),
            seats=r.seats,
            why=_why(r.explanation),
        )
        for r in allocation.rows.select_related("unit").order_by("position")
    ]
    return SeatTable(allocation=allocation, rows=rows)


def recent_meetings(*, organisation: Organisation, limit: int = 10) -> list[Meeting]:
    """Return the organisation's newest congresses, assemblies and standing meetings."""
    return list(
        Meeting.objects.filter(organisation=organisation).order_by("-opened")[:limit]
    )


# --------------------------------------------------------------------------- lifecycle


def congresses(*, organisation: Organisation) -> QuerySet[Meeting]:
    """The organisation's congresses, assemblies and standing meetings, newest first.

    The list page paginates it; each row carries its delegate count (one query).
    """
    return (
        Meeting.objects.filter(organisation=organisation)
        .annotate(delegate_count=Count("delegates"))
        .order_by("-opened", "-pk")
    )


def next_steps(meeting: Meeting) -> list[str]:
    """The states the meeting may move to now (tongxue.domain.lifecycle.CONGRESS)."""
    return list(CONGRESS.allowed(meeting.status))


@dataclass(frozen=True)
class Representation:
    """The live CON-5 count of a congress's delegates (GS-8, CQ-3)."""

    count: NonCoreShare
    min_share: str
    minimum: Fraction
    clauses: tuple[str, ...]

    @property
    def meets(self) -> bool:
        return self.count.meets(self.minimum)

    @property
    def percent(self) -> str:
        share = self.count.share
        return percent(share) if share is not None else "–"

    @property
    def min_percent(self) -> str:
        return percent(self.minimum)

    @property
    def required(self) -> int:
        return self.count.required(self.minimum)

    @property
    def missing(self) -> int:
        """How many more non-core delegates the share needs (with the same core)."""
        if self.meets:
            return 0
        # smallest k with (non_core + k) / (delegates + k) >= minimum
        n, d, m = self.count.non_core, self.count.delegates, self.minimum
        k = 0
        while Fraction(n + k, d + k) < m:
            k += 1
        return k


def representation(meeting: Meeting) -> Representation:
    """CON-5 · GS-8, CQ-3: the delegates who are not union core members, live.

    Counted by :func:`tongxue.domain.rules.congress_composition.non_core_share`, the
    function the audit's rule uses, on a registry holding the delegates' positions and
    their organisations (four queries, whatever the number of delegates).
    """
    profile = governing_profile(meeting.organisation)
    idents = list(
        Delegate.objects.filter(meeting=meeting).values_list("person__ident", flat=True)
    )
    positions = [
        position_from_row(r)
        for r in Position.objects.filter(
            person__delegate_seats__meeting=meeting
        ).values_list(*POSITION_FIELDS)
    ]
    codes = {p.organisation for p in positions}
    orgs = [
        organisation_from_row(r)
        for r in Organisation.objects.filter(code__in=codes).values_list(*ORG_FIELDS)
    ]
    parents = {o.parent for o in orgs if o.parent is not None} - codes
    if parents:
        orgs += [
            organisation_from_row(r)
            for r in Organisation.objects.filter(code__in=parents).values_list(
                *ORG_FIELDS
            )
        ]
    registry = dm.Registry(organisations=tuple(orgs), positions=tuple(positions))
    count = non_core_share(
        registry, idents, meeting.opened, roles(profile, "core_roles")
    )
    return Representation(
        count=count,
        min_share=share_text(profile, NON_CORE_PARAMETER),
        minimum=profile.fraction(NON_CORE_PARAMETER),
        clauses=profile.clauses(NON_CORE_PARAMETER),
    )


@dataclass(frozen=True)
class DelegateRow:
    pk: int
    name: str
    department: str
    grade: int | None
    seat: str
    seat_grade: int | None
    electing_unit: str
    held: date | None
    electorate: int | None
    votes_cast: int | None
    votes: int | None
    core: bool = False
    #: (contacts received through the relay, of which answered) as a delegate of the
    #: congress's union (RGT-6, ``hooks.DELEGATE_CONTACTS``); None: not counted
    contacts: tuple[int, int] | None = None


def with_contacts(
    organisation: Organisation, items: Sequence[Delegate], rows: list[DelegateRow]
) -> tuple[list[DelegateRow], bool]:
    """The rows with each delegate's relay contacts (one query through the hook), and
    whether they are counted at all (an app above reaches the union's delegates)."""
    person_ids = [d.person_id for d in items]
    counts = delegate_contacts(organisation, person_ids)
    if counts is None:
        return rows, False
    return [
        replace(row, contacts=counts.get(pid, (0, 0)))
        for row, pid in zip(rows, person_ids, strict=True)
    ], True


def delegates(meeting: Meeting) -> QuerySet[Delegate]:
    """The delegates with everything the public list shows (one query per page)."""
    return (
        Delegate.objects.filter(meeting=meeting)
        .select_related("person__department", "seat_unit", "election__unit")
        .order_by("seat_unit__code", "seat_grade", "person__name", "pk")
    )


def delegate_rows(
    items: Iterable[Delegate], core_ids: frozenset[str] = frozenset()
) -> list[DelegateRow]:
    """Public rows: no student number or identifier (CON-6 provenance)."""
    out = []
    for d in items:
        e = d.election
        out.append(
            DelegateRow(
                pk=d.pk,
                name=d.person.name,
                department=d.person.department.name if d.person.department else "",
                grade=d.person.grade,
                seat=d.seat_unit.name if d.seat_unit else "",
                seat_grade=d.seat_grade,
                electing_unit=e.unit.name if e else "",
                held=e.held if e else None,
                electorate=e.electorate if e else None,
                votes_cast=e.votes_cast if e else None,
                votes=d.votes,
                core=d.person.ident in core_ids,
            )
        )
    return out


@dataclass(frozen=True)
class GradeTable:
    """The departments × grades seat matrix with its divisors (CON-4)."""

    grades: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    clubs: list[SeatRow]
    #: Ties broken by the published lot: step (departments, grades, cells), the
    #: tied units, how many seats went to ``winners``, the seed.
    lots: list[dict[str, Any]] = field(default_factory=list)


def grade_table(table: SeatTable | None) -> GradeTable | None:
    """Return the cells of a by-grade allocation (one query), or None."""
    if table is None or table.allocation.mode != "grades":
        return None
    allocation = table.allocation
    explanation = allocation.explanation or {}
    grades = list(explanation.get("grades") or [])
    divisors = explanation.get("row_divisors") or {}
    cells: dict[str, dict[int, tuple[int, int]]] = {}
    for code, grade, students, seats in allocation.cells.values_list(
        "unit__code", "grade", "students", "seats"
    ):
        cells.setdefault(code, {})[grade] = (students, seats)
    rows = []
    for r in table.rows:
        if r.unit_code not in cells:
            continue
        rows.append(
            {
                "code": r.unit_code,
                "name": r.unit_name,
                "students": r.students,
                "seats": r.seats,
                "divisor": (divisors.get(r.unit_code) or {}).get("divisor_decimal", ""),
                "cells": [cells[r.unit_code].get(g["grade"], (0, 0)) for g in grades],
            }
        )
    clubs = [r for r in table.rows if r.unit_code not in cells]
    names = {r.unit_code: r.unit_name for r in table.rows}
    lots = [
        lot
        | {
            "units_text": join_names(_cell_name(u, names) for u in lot["units"]),
            "winners_text": join_names(_cell_name(u, names) for u in lot["winners"]),
        }
        for lot in explanation.get("lot") or []
    ]
    return GradeTable(grades=grades, rows=rows, clubs=clubs, lots=lots)


def _cell_name(unit: str, names: dict[str, str]) -> str:
    """``CS/2`` → ``计算机学院 · 2``; a department or grade label as it is."""
    code, _, grade = unit.partition("/")
    name = names.get(code, code)
    return f"{name} · {grade}" if grade else name
