"""The federation congress (学联代表大会): CON-12 · GS-4.

"Seats across member schools covering every school type in its area; every county-level
district has a middle-school or secondary-vocational delegate; a share of seats for
students who are not school- or department-level cadres, balanced across regions,
schools, ethnic groups and genders."

The coverage is audited here, and the non-cadre share when the federation's profile
sets ``federation_non_cadre_min_share``: the plan's "一定比例" names no number, so no
built-in profile does. The share itself and the balance across regions, school types,
ethnic groups and genders have no number in the plan and are reported (not judged) by
:mod:`tongxue.domain.balance`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    SCHOOL_TYPE_LABELS,
    SECONDARY_SCHOOL_TYPES,
    Meeting,
    MeetingKind,
    Organisation,
    OrgKind,
    Position,
    Registry,
    SchoolType,
)
from tongxue.domain.rules.congress import newest
from tongxue.domain.rules.congress_composition import (
    non_core_share,
    positions_by_person,
)
from tongxue.domain.rules.organisation import applies, percent, roles, share_text

FEDERATION_KINDS = frozenset({OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION})
SHARE_PARAM = "federation_non_cadre_min_share"


def member_schools(registry: Registry, federation: str) -> list[Organisation]:
    """The schools in a federation's area: every school below it (through city
    federations), in registry order."""
    out: list[Organisation] = []
    stack = [federation]
    seen = {federation}
    while stack:
        code = stack.pop()
        for kid in registry.kids(code):
            if kid.code in seen:
                continue
            seen.add(kid.code)
            if kid.kind == OrgKind.SCHOOL:
                out.append(kid)
            elif kid.kind in FEDERATION_KINDS:
                stack.append(kid.code)
    out.sort(key=lambda o: o.code)
    return out


def delegate_school(
    registry: Registry,
    person_id: str,
    by_person: Mapping[str, Sequence[Position]],
) -> Organisation | None:
    """The school a delegate comes from: through their department or class, else the
    organisation of one of their positions; None when the registry cannot tell."""
    person = registry.person.get(person_id)
    if person is not None:
        for code in (person.department, person.class_code):
            if code:
                school = registry.school_of(code)
                if school is not None:
                    return school
    found = {
        s.code: s
        for p in by_person.get(person_id, ())
        if (s := registry.school_of(p.organisation)) is not None
    }
    if len(found) == 1:
        return next(iter(found.values()))
    return None  # no school, or positions at several schools: ambiguous


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which school types and counties a federation congress's delegates cover."""

    schools: int
    delegates: int
    unknown_delegates: tuple[str, ...]  # delegates whose school is not known
    outside_delegates: int  # delegates from schools outside the federation's area
    types_present: tuple[SchoolType, ...]
    types_uncovered: tuple[SchoolType, ...]
    schools_without_type: int
    secondary_counties: tuple[str, ...]
    counties_uncovered: tuple[str, ...]
    secondary_without_county: int


def coverage(
    registry: Registry,
    federation: str,
    meeting: Meeting,
    by_person: Mapping[str, Sequence[Position]] | None = None,
) -> Coverage:
    """CON-12 · GS-4: the school types and counties of the member schools, and those
    the congress's delegates leave out."""
    index = by_person if by_person is not None else positions_by_person(registry)
    schools = member_schools(registry, federation)
    members = {s.code for s in schools}
    types_present = {s.school_type for s in schools if s.school_type is not None}
    secondary_counties = {
        s.county
        for s in schools
        if s.school_type in SECONDARY_SCHOOL_TYPES and s.county
    }
    covered_types: set[SchoolType] = set()
    covered_counties: set[str] = set()
    unknown: list[str] = []
    outside = 0
    people = sorted(set(meeting.delegates))
    for pid in people:
        school = delegate_school(registry, pid, index)
        if school is None:
            unknown.append(pid)
            continue
        if school.code not in members:
            outside += 1
            continue
        if school.school_type is not None:
            covered_types.add(school.school_type)
        if school.school_type in SECONDARY_SCHOOL_TYPES and school.county:
            covered_counties.add(school.county)
    order = list(SchoolType)
    return Coverage(
        schools=len(schools),
        delegates=len(people),
        unknown_delegates=tuple(unknown),
        outside_delegates=outside,
        types_present=tuple(t for t in order if t in types_present),
        types_uncovered=tuple(
            t for t in order if t in types_present and t not in covered_types
        ),
        schools_without_type=sum(1 for s in schools if s.school_type is None),
        secondary_counties=tuple(sorted(secondary_counties)),
        counties_uncovered=tuple(sorted(secondary_counties - covered_counties)),
        secondary_without_county=sum(
            1
            for s in schools
            if s.school_type in SECONDARY_SCHOOL_TYPES and not s.county
        ),
    )


def congress_findings(
    ctx: AuditContext,
    federation: Organisation,
    meeting: Meeting,
    by_person: Mapping[str, Sequence[Position]] | None = None,
) -> Iterator[Finding]:
    """CON-12 · GS-4: the findings on one federation congress (the rule audits the
    newest; the balance page shows any)."""
    reg = ctx.registry
    code = federation.code
    if not meeting.delegates:
        yield ctx.finding(
            rule="CON-12.data-missing",
            org=code,
            params=(),
            message=_(
                "{org}: congress {congress} has no delegates recorded, so its coverage of school types and counties and its share of non-cadre students cannot be checked."
            ),
            evidence={"congress": meeting.code},
            severity=Severity.INCOMPLETE,
        )
        return
    index = by_person if by_person is not None else positions_by_person(reg)
    cov = coverage(reg, code, meeting, index)
    yield from _coverage_findings(ctx, code, meeting, cov)
    yield from _non_cadre_share(ctx, code, meeting, index)


def _coverage_findings(
    ctx: AuditContext, code: str, meeting: Meeting, cov: Coverage
) -> Iterator[Finding]:
    """CON-12: the school types and counties the congress's delegates leave out."""
    if cov.schools_without_type or cov.secondary_without_county:
        yield ctx.finding(
            rule="CON-12.school-data-missing",
            org=code,
            params=(),
            message=_(
                "{org}: {schools_without_type} member school(s) have no school type and {secondary_without_county} secondary school(s) no county, so coverage can only be checked for the others."
            ),
            evidence={
                "congress": meeting.code,
                "schools_without_type": cov.schools_without_type,
                "secondary_without_county": cov.secondary_without_county,
            },
            severity=Severity.INCOMPLETE,
        )
    gaps = bool(cov.types_uncovered or cov.counties_uncovered)
    if gaps and cov.unknown_delegates:
        # the delegates whose school is unknown might fill the gaps: cannot tell
        yield ctx.finding(
            rule="CON-12.delegate-school-unknown",
            org=code,
            params=(),
            message=_(
                "{org}: the school of {unknown} of {delegates} delegates of congress {congress} is not recorded, so it cannot be told whether they cover {gaps} missing school type(s) or county(ies)."
            ),
            evidence={
                "congress": meeting.code,
                "unknown": len(cov.unknown_delegates),
                "delegates": cov.delegates,
                "gaps": len(cov.types_uncovered) + len(cov.counties_uncovered),
            },
            severity=Severity.INCOMPLETE,
        )
    elif gaps:
        if cov.types_uncovered:
            yield ctx.finding(
                rule="CON-12.school-type-uncovered",
                org=code,
                params=(),
                message=_(
                    "{org}: congress {congress} has no delegate from {missing_count} of the {present_count} school types of its member schools ({missing_types})."
                ),
                evidence={
                    "congress": meeting.code,
                    "missing_count": len(cov.types_uncovered),
                    "present_count": len(cov.types_present),
                    "missing_types": ", ".join(t.value for t in cov.types_uncovered),
                    "missing_type_labels": [
                        SCHOOL_TYPE_LABELS[t] for t in cov.types_uncovered
                    ],
                },
            )
        if cov.counties_uncovered:
            shown = cov.counties_uncovered[:_COUNTIES_SHOWN]
            more = len(cov.counties_uncovered) - len(shown)
            yield ctx.finding(
                rule="CON-12.county-uncovered",
                org=code,
                params=(),
                message=_(
                    "{org}: {missing_count} of {county_count} counties with a middle or secondary vocational school have no delegate from such a school at congress {congress}: {counties}."
                ),
                evidence={
                    "congress": meeting.code,
                    "missing_count": len(cov.counties_uncovered),
                    "county_count": len(cov.secondary_counties),
                    "counties": "、".join(shown) + (f" (+{more})" if more else ""),
                    "missing_counties": list(cov.counties_uncovered),
                },
            )


def _non_cadre_share(
    ctx: AuditContext,
    code: str,
    meeting: Meeting,
    index: Mapping[str, Sequence[Position]],
) -> Iterator[Finding]:
    """CON-12: the share of delegates who are not cadres, once the profile sets one."""
    reg = ctx.registry
    profile = ctx.profile(code)
    if not applies(profile, "core_roles", SHARE_PARAM):
        # "一定比例": the plan names no number. Until the federation sets one in its
        # profile the share is reported on the balance page (balance.py), not judged.
        return
    count = non_core_share(
        reg, meeting.delegates, meeting.opened, roles(profile, "core_roles"),
        by_person=index,
    )  # fmt: skip
    minimum = profile.fraction(SHARE_PARAM)
    if not count.meets(minimum):
        actual = Fraction(count.non_core, count.delegates)
        yield ctx.finding(
            rule="CON-12.non-cadre-share",
            org=code,
            params=(SHARE_PARAM,),
            message=_(
                "{org}: congress {congress} had {non_core_delegates} delegates who are not school- or department-level cadres of {delegates} ({non_core_percent}) < {min_percent}; at least {required} were needed."
            ),
            evidence={
                "congress": meeting.code,
                "delegates": count.delegates,
                "core_delegates": count.core,
                "non_core_delegates": count.non_core,
                "non_core_share": f"{count.non_core}/{count.delegates}",
                "non_core_percent": percent(actual),
                "min_share": share_text(profile, SHARE_PARAM),
                "min_percent": percent(minimum),
                "required": count.required(minimum),
            },
        )


#: How many uncovered counties a message names (the evidence lists them all).
_COUNTIES_SHOWN = 12


def federations(registry: Registry) -> Iterable[Organisation]:
    return registry.of_kind(*FEDERATION_KINDS)


@rule("CON-12")
def federation_congress(ctx: AuditContext) -> Iterator[Finding]:
    """CON-12 · GS-4: a federation's newest congress covers every school type of its
    member schools and every county with a middle or secondary vocational school, and
    at least ``federation_non_cadre_min_share`` of its delegates are not school- or
    department-level cadres (core members, as in CON-5). The plan's "一定比例" has no
    number, so no built-in profile sets the share: without it the share is reported
    on the balance page (:mod:`tongxue.domain.balance`), not judged."""
    reg = ctx.registry
    by_person: dict[str, list[Position]] | None = None
    for fed in federations(reg):
        last = newest(reg, fed.code, ctx.as_of, MeetingKind.CONGRESS)
        if last is None:
            continue
        if by_person is None:
            by_person = positions_by_person(reg)
        yield from congress_findings(ctx, fed, last, by_person)
