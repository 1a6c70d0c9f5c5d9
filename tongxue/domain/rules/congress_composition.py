"""Rules on who sits in a congress (学生代表大会): CON-4 and CON-5.

Seats cover every department, grade and main club (CON-4); most delegates are not union
core members (CON-5, counted by :func:`non_core_share`, which the delegate page and the
federation rules call too). The other congress rules are in
:mod:`tongxue.domain.rules.congress` and :mod:`tongxue.domain.rules.congress_meetings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    UNION_KINDS,
    Meeting,
    MeetingKind,
    Organisation,
    OrgKind,
    Position,
    Registry,
    Role,
    SeatPlan,
)
from tongxue.domain.rules.congress import newest
from tongxue.domain.rules.organisation import (
    applies,
    ceil_share,
    percent,
    roles,
    school_level_unions,
    share_text,
)

# --------------------------------------------------------------------------- CON-4


def congress_departments(registry: Registry, union: str) -> list[Organisation]:
    """The department unions a congress of ``union`` covers (CON-4), by code.

    Its children of kind department union; when it has none, those of its school.
    """
    units = registry.kids(union, OrgKind.DEPARTMENT_UNION)
    if not units:
        school = registry.school_of(union)
        if school is not None:
            units = registry.kids(school.code, OrgKind.DEPARTMENT_UNION)
    return sorted(units, key=lambda o: o.code)


def main_clubs(registry: Registry, union: str) -> list[Organisation]:
    """The clubs under the club federation(s) of ``union`` (CON-4's main clubs).

    The club federations are those in the union's subtree and, for a school union,
    those directly under its school (as ORG-7 reads them).
    """
    federations: list[Organisation] = []
    stack = [union]
    while stack:
        for kid in registry.kids(stack.pop()):
            if kid.kind == OrgKind.CLUB_FEDERATION:
                federations.append(kid)
            stack.append(kid.code)
    org = registry.org.get(union)
    school = registry.school_of(union)
    if org is not None and org.kind == OrgKind.SCHOOL_UNION and school is not None:
        federations += registry.kids(school.code, OrgKind.CLUB_FEDERATION)
    clubs = {
        c.code: c for f in federations for c in registry.kids(f.code, OrgKind.CLUB)
    }
    return [clubs[c] for c in sorted(clubs)]


def _seated_congress(registry: Registry, union: str) -> Meeting | None:
    """The congress whose seats CON-4 judges: the newest one (held or to come) whose
    seats were allocated or whose delegates are recorded."""
    for m in registry.meetings_of.get(union, ()):  # newest first
        if m.kind == MeetingKind.CONGRESS and (m.seats is not None or m.delegates):
            return m
    return None


@rule("CON-4")
def seats_cover_units(ctx: AuditContext) -> Iterator[Finding]:
    """CON-4 · GS-8, CQ-3: the seats cover every department, every grade and the main clubs.

    "名额分配要覆盖各个院系、年级及主要社团". Judged on the newest congress of each
    school-level union whose seats were allocated (its seat plan) or, where no seat
    plan is recorded (an imported congress), whose delegates are recorded (their
    departments and grades). The grades are those of the enrolled students of the
    union's department unions in the registry. A seat plan by department only covers
    no grade of its own; a union with clubs whose seats gave no club a seat skips the
    main clubs (which clubs are "main" is the union's choice: at least one).
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        meeting = _seated_congress(reg, union.code)
        if meeting is None:
            continue
        units = congress_departments(reg, union.code)
        unit_codes = {u.code for u in units}
        grades = sorted({g for code in unit_codes for g in reg.grades_of.get(code, ())})
        plan = meeting.seats
        base: dict[str, Any] = {"congress": meeting.code}
        if plan is None:
            # no seat plan (an imported congress): what its delegates cover
            seated = [reg.person[d] for d in meeting.delegates if d in reg.person]
            covered_units = {p.department for p in seated if p.department}
            covered_grades = {p.grade for p in seated if p.grade is not None}
            if units and not covered_units:
                yield ctx.finding(
                    rule="CON-4.data-missing",
                    org=union.code,
                    params=(),
                    message=_(
                        "{org}: whether the seats of congress {congress} cover every department, grade and main club cannot be checked: neither its seat allocation nor its delegates' departments are recorded."
                    ),
                    evidence=base,
                    severity=Severity.INCOMPLETE,
                )
                continue
            base["seats_from"] = "delegates"
        else:
            covered_units = set(plan.departments)
            covered_grades = set(plan.grades) if plan.by_grade else set()
            base["seats_from"] = "seat_plan"
        yield from _uncovered(ctx, union, units, covered_units, base)
        yield from _uncovered_grades(ctx, union, plan, grades, covered_grades, base)
        clubs = main_clubs(reg, union.code)
        if plan is not None and clubs and not set(plan.clubs) & {c.code for c in clubs}:
            yield ctx.finding(
                rule="CON-4.clubs-uncovered",
                org=union.code,
                params=(),
                message=_(
                    "{org}: the seats of congress {congress} give none of its {clubs} clubs a seat; the main clubs must be covered."
                ),
                evidence=base | {"clubs": len(clubs)},
            )


def _uncovered(
    ctx: AuditContext,
    union: Organisation,
    units: Sequence[Organisation],
    covered: set[str],
    base: Mapping[str, Any],
) -> Iterator[Finding]:
    missing = [u for u in units if u.code not in covered]
    if missing:
        yield ctx.finding(
            rule="CON-4.departments-uncovered",
            org=union.code,
            params=(),
            message=_(
                "{org}: the seats of congress {congress} leave out {missing_count} department union(s): {missing}."
            ),
            evidence=dict(base)
            | {
                "missing_count": len(missing),
                "missing": ", ".join(f"{u.name} ({u.code})" for u in missing),
                "missing_codes": [u.code for u in missing],
            },
        )


def _uncovered_grades(
    ctx: AuditContext,
    union: Organisation,
    plan: SeatPlan | None,
    grades: Sequence[int],
    covered: set[int],
    base: dict[str, Any],
) -> Iterator[Finding]:
    """The grades (of ``grades``) a congress's seats leave out, or allocate none."""
    if plan is not None and not plan.by_grade and grades:
        yield ctx.finding(
            rule="CON-4.grades-not-allocated",
            org=union.code,
            params=(),
            message=_(
                "{org}: the seats of congress {congress} were allocated by department only; the grades {grades_text} have no seats of their own."
            ),
            evidence=base | {"grades_text": ", ".join(map(str, grades))},
        )
    elif grades and covered:
        missing_grades = [g for g in grades if g not in covered]
        if missing_grades:
            yield ctx.finding(
                rule="CON-4.grades-uncovered",
                org=union.code,
                params=(),
                message=_(
                    "{org}: the seats of congress {congress} leave out the grade(s) {grades_text}."
                ),
                evidence=base
                | {
                    "grades_text": ", ".join(map(str, missing_grades)),
                    "missing_grades": missing_grades,
                },
            )


# --------------------------------------------------------------------------- CON-5


def _union_like(registry: Registry, code: str) -> bool:
    """Return whether positions at ``code`` are union core positions (CON-5)."""
    org = registry.org.get(code)
    if org is None:
        return False
    if org.kind in UNION_KINDS:
        return True
    if org.kind == OrgKind.FUNCTIONAL_DEPARTMENT and org.parent is not None:
        parent = registry.org.get(org.parent)
        return parent is not None and parent.kind in UNION_KINDS
    return False


@dataclass(frozen=True, slots=True)
class NonCoreShare:
    """How many of a congress's delegates are union core members (CON-5 · GS-8, CQ-3)."""

    delegates: int
    core_ids: frozenset[str]

    @property
    def core(self) -> int:
        return len(self.core_ids)

    @property
    def non_core(self) -> int:
        return self.delegates - self.core

    @property
    def share(self) -> Fraction | None:
        """The non-core share, exact; None when there are no delegates."""
        return Fraction(self.non_core, self.delegates) if self.delegates else None

    def meets(self, minimum: Fraction) -> bool:
        """Whether at least ``minimum`` of the delegates are not core members."""
        return self.share is not None and self.share >= minimum

    def required(self, minimum: Fraction) -> int:
        """The non-core delegates ``minimum`` requires of this many delegates."""
        return ceil_share(minimum, self.delegates)


def positions_by_person(registry: Registry) -> dict[str, list[Position]]:
    """Index the registry's positions by person id (built once per registry: read it,
    never change it)."""
    return registry.positions_held


def non_core_share(
    registry: Registry,
    delegates: Iterable[str],
    day: date,
    core_roles: frozenset[Role],
    *,
    by_person: Mapping[str, Sequence[Position]] | None = None,
) -> NonCoreShare:
    """CON-5 · GS-8, CQ-3: count the delegates who are union core members on ``day``.

    A delegate is a core member when, on ``day`` (the day the congress opens), they
    hold a position of one of ``core_roles`` in any school-, graduate- or
    department-level union or one of its functional departments. The audit's rule and
    the live count on the delegate page both call this function.
    """
    people = sorted(set(delegates))
    index = by_person if by_person is not None else positions_by_person(registry)
    union_like: dict[str, bool] = {}
    core: set[str] = set()
    for person in people:
        for p in index.get(person, ()):
            if p.role in core_roles and p.active_on(day):
                if p.organisation not in union_like:
                    union_like[p.organisation] = _union_like(registry, p.organisation)
                if union_like[p.organisation]:
                    core.add(person)
                    break
    return NonCoreShare(delegates=len(people), core_ids=frozenset(core))


@rule("CON-5")
def non_core_delegates(ctx: AuditContext) -> Iterator[Finding]:
    """CON-5 · GS-8, CQ-3: at least 60% of delegates are not union core members (by default).

    School-level unions only ("校级层面", as CON-3); a department congress is not judged.

    A delegate is a core member when, on the day the congress opened, they held a
    position of a ``core_roles`` role in any school-, graduate- or department-level union
    or one of its functional departments (see :func:`non_core_share`).
    """
    reg = ctx.registry
    names = ("core_roles", "non_core_delegates_min_share")
    by_person: dict[str, list[Position]] | None = None

    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, *names):
            continue
        last = newest(reg, union.code, ctx.as_of, MeetingKind.CONGRESS)
        if last is None:
            continue
        share = profile.fraction("non_core_delegates_min_share")
        if not last.delegates:
            yield ctx.finding(
                rule="CON-5.data-missing",
                org=union.code,
                params=names,
                message=_(
                    "{org}: congress {congress} has no delegates recorded, so the share of non-core delegates cannot be checked."
                ),
                evidence={
                    "congress": last.code,
                    "min_share": share_text(profile, "non_core_delegates_min_share"),
                },
                severity=Severity.INCOMPLETE,
            )
            continue
        if by_person is None:
            by_person = positions_by_person(reg)
        count = non_core_share(
            reg,
            last.delegates,
            last.opened,
            roles(profile, "core_roles"),
            by_person=by_person,
        )
        if not count.meets(share):
            actual = Fraction(count.non_core, count.delegates)
            yield ctx.finding(
                rule="CON-5.non-core-share",
                org=union.code,
                params=names,
                message=_(
                    "{org}: congress {congress} had {non_core_delegates} non-core delegates of {delegates} ({non_core_percent}) < {min_percent}; at least {required} were needed."
                ),
                evidence={
                    "congress": last.code,
                    "delegates": count.delegates,
                    "core_delegates": count.core,
                    "non_core_delegates": count.non_core,
                    "non_core_share": f"{count.non_core}/{count.delegates}",
                    "non_core_percent": percent(actual),
                    "min_share": share_text(profile, "non_core_delegates_min_share"),
                    "min_percent": percent(share),
                    "required": count.required(share),
                },
            )
