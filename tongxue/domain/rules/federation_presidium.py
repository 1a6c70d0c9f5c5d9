"""The provincial federation's presidium and committee: FED-1 · GS-1.

"主席团涵盖省内的普通高校、高职、中职、中学、民办高校与独立学院学生会代表；委员会团体力争
涵盖高等学校学生会、研究生会、中等学校学生会等群体" (at the provincial level).

* **Presidium (M).** The presidium of a provincial federation — its president and
  vice-presidents active on the audit day — has a member from each school type
  (:class:`~tongxue.domain.model.SchoolType`) of the schools in its area
  (:func:`~tongxue.domain.rules.federation.member_schools`). A type no school of the
  area has is not required (the finding's evidence lists those types). A member's
  school is the school above their department (else their class, else the one school
  where they hold posts: :func:`~tongxue.domain.rules.federation.delegate_school`, as
  for the federation congress's delegates of CON-12).
* **Committee (D, 力争).** The model has no committee record of its own. A committee
  member (委员) is a post at the provincial federation with the role ``member`` (委员 /
  干事) or ``core_member``; the presidium's members sit on the committee too (a
  federation's 主席单位 are chosen from its 委员单位). The committee strives to have a
  member from each group of unions (:class:`~tongxue.domain.model.UnionGroup`) that
  exists in the area: the school unions of higher-education schools (普通高校、高职、
  民办高校、独立学院), graduate unions (研究生会) and the school unions of secondary
  schools (中职、中学). A member represents the graduate union their department, class
  or union post is under, else the school union of that school, by its type. A gap is a
  deviation, to be justified (``FED-1.committee-union-uncovered``).

City federations are not bound (GS-1 speaks of the provincial federation,
"省级学联层面"), nor is a federation under a profile of a plan without FED-1
(cqtgu-2017: one university, no federation; :meth:`AuditContext.plan_has`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.evidence import UNION_GROUP_LABELS
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    SCHOOL_TYPE_LABELS,
    SECONDARY_SCHOOL_TYPES,
    Organisation,
    OrgKind,
    Position,
    Registry,
    Role,
    SchoolType,
    UnionGroup,
)
from tongxue.domain.rules.congress_composition import positions_by_person
from tongxue.domain.rules.federation import delegate_school, member_schools

REQUIREMENT = "FED-1"
#: The posts of the presidium (主席团).
PRESIDIUM_ROLES = frozenset({Role.PRESIDENT, Role.VICE_PRESIDENT})
#: The posts of the committee (委员会) other than the presidium's.
COMMITTEE_ROLES = frozenset({Role.MEMBER, Role.CORE_MEMBER})
#: How many names of members whose school or union is unknown a message shows.
_NAMES_SHOWN = 10


def school_group(school: Organisation) -> UnionGroup | None:
    """The group of a school's own school union, by the school's type (None: unknown)."""
    if school.school_type is None:
        return None
    if school.school_type in SECONDARY_SCHOOL_TYPES:
        return UnionGroup.SECONDARY
    return UnionGroup.HIGHER_EDUCATION


def area_groups(registry: Registry, schools: Iterable[Organisation]) -> set[UnionGroup]:
    """The groups of unions that exist in an area: each school's school union (by the
    school's type) and graduate union."""
    out: set[UnionGroup] = set()
    for school in schools:
        for union in registry.kids(school.code):
            if union.kind == OrgKind.GRADUATE_UNION:
                out.add(UnionGroup.GRADUATE)
            elif union.kind == OrgKind.SCHOOL_UNION:
                group = school_group(school)
                if group is not None:
                    out.add(group)
    return out


def _under_graduate_union(registry: Registry, code: str) -> bool:
    org = registry.org.get(code)
    if org is not None and org.kind == OrgKind.GRADUATE_UNION:
        return True
    return any(a.kind == OrgKind.GRADUATE_UNION for a in registry.ancestors(code))


def member_groups(
    registry: Registry,
    person_id: str,
    by_person: Mapping[str, Sequence[Position]],
    ctx: AuditContext,
    area: Set[str],
) -> set[UnionGroup] | None:
    """The groups of unions a committee member represents, or None when none can be told.

    Read from their department, their class and the organisations of their posts
    active on the audit day: a graduate union above it, else the school union of its
    school, by the school's type. Only schools in the federation's ``area`` count (a
    member from a school outside it represents no group of the area: an empty set).
    """
    person = registry.person.get(person_id)
    codes = [c for c in (person.department, person.class_code) if c] if person else []
    codes += [
        p.organisation for p in by_person.get(person_id, ()) if p.active_on(ctx.as_of)
    ]
    out: set[UnionGroup] = set()
    known = False
    for code in codes:
        school = registry.school_of(code)
        if school is None:
            continue  # e.g. their post at the federation itself
        group = (
            UnionGroup.GRADUATE
            if _under_graduate_union(registry, code)
            else school_group(school)
        )
        if group is None:
            continue  # a school without a type
        known = True
        if school.code in area:
            out.add(group)
    return out if known else None


@dataclass(frozen=True, slots=True)
class Representation:
    """FED-1 · GS-1: whom a provincial federation's presidium and committee represent."""

    schools: int
    schools_without_type: int
    presidium: tuple[str, ...]  # person ids
    types_present: tuple[SchoolType, ...]  # in the area
    types_uncovered: tuple[SchoolType, ...]  # in the area, no presidium member
    presidium_unknown: tuple[str, ...]  # presidium members whose school is unknown
    committee: tuple[str, ...]  # person ids, presidium included
    groups_present: tuple[UnionGroup, ...]
    groups_uncovered: tuple[UnionGroup, ...]
    committee_unknown: tuple[str, ...]  # members whose union is unknown


def _holders(
    ctx: AuditContext, federation: str, roles: frozenset[Role]
) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                p.person
                for p in ctx.registry.positions_of.get(federation, ())
                if p.role in roles and p.active_on(ctx.as_of)
            }
        )
    )


def representation(
    ctx: AuditContext,
    federation: str,
    by_person: Mapping[str, Sequence[Position]] | None = None,
) -> Representation:
    """FED-1 · GS-1: the school types and groups of unions of a federation's area, and
    those its presidium and committee leave out, on the audit day."""
    reg = ctx.registry
    index = by_person if by_person is not None else positions_by_person(reg)
    schools = member_schools(reg, federation)
    area = {s.code for s in schools}
    present = {s.school_type for s in schools if s.school_type is not None}
    presidium = _holders(ctx, federation, PRESIDIUM_ROLES)
    covered: set[SchoolType] = set()
    unknown: list[str] = []
    for pid in presidium:
        school = delegate_school(reg, pid, index)
        if school is None:
            unknown.append(pid)
        elif school.code in area and school.school_type is not None:
            covered.add(school.school_type)
    committee = _holders(ctx, federation, PRESIDIUM_ROLES | COMMITTEE_ROLES)
    groups = area_groups(reg, schools)
    represented: set[UnionGroup] = set()
    committee_unknown: list[str] = []
    for pid in committee:
        found = member_groups(reg, pid, index, ctx, area)
        if found is None:
            committee_unknown.append(pid)
        else:
            represented |= found
    return Representation(
        schools=len(schools),
        schools_without_type=sum(1 for s in schools if s.school_type is None),
        presidium=presidium,
        types_present=tuple(t for t in SchoolType if t in present),
        types_uncovered=tuple(
            t for t in SchoolType if t in present and t not in covered
        ),
        presidium_unknown=tuple(unknown),
        committee=committee,
        groups_present=tuple(g for g in UnionGroup if g in groups),
        groups_uncovered=tuple(
            g for g in UnionGroup if g in groups and g not in represented
        ),
        committee_unknown=tuple(committee_unknown),
    )


def _codes(values: Iterable[str]) -> str:
    """Codes joined as the evidence keeps them (as CON-12's ``missing_types``)."""
    return ", ".join(values)


def _not_required(key: str, values: Sequence[str]) -> dict[str, str]:
    """The evidence naming what the area has none of (nothing when it has them all)."""
    return {key: _codes(values)} if values else {}


def _names(registry: Registry, people: Sequence[str]) -> str:
    names = [
        p.name if (p := registry.person.get(pid)) is not None else pid
        for pid in people[:_NAMES_SHOWN]
    ]
    more = len(people) - len(names)
    return "、".join(names) + (f" (+{more})" if more else "")


def findings_of(
    ctx: AuditContext,
    federation: Organisation,
    by_person: Mapping[str, Sequence[Position]] | None = None,
) -> Iterator[Finding]:
    """FED-1 · GS-1: the findings on one provincial federation."""
    code = federation.code
    rep = representation(ctx, code, by_person)
    covered_types = set(rep.types_present) - set(rep.types_uncovered)
    covered_groups = set(rep.groups_present) - set(rep.groups_uncovered)
    by_type = {UnionGroup.HIGHER_EDUCATION, UnionGroup.SECONDARY}
    if rep.schools_without_type and (
        covered_types != set(SchoolType) or not by_type <= covered_groups
    ):
        # A school without a type might be of a type (or have a union of a group)
        # that the presidium or the committee leaves out: cannot tell.
        yield ctx.finding(
            rule="FED-1.school-data-missing",
            org=code,
            params=(),
            message=_(
                "{org}: {schools_without_type} of the {schools} schools in its area have no school type, so whether its presidium covers every school type and its committee every group of unions is judged on the others only."
            ),
            evidence={
                "schools": rep.schools,
                "schools_without_type": rep.schools_without_type,
            },
            severity=Severity.INCOMPLETE,
        )
    yield from _presidium_findings(ctx, code, rep)
    yield from _committee_findings(ctx, code, rep)


def _presidium_findings(
    ctx: AuditContext, code: str, rep: Representation
) -> Iterator[Finding]:
    """FED-1 (M): the school types of the area its presidium has no member from."""
    reg = ctx.registry
    not_required = [t for t in SchoolType if t not in rep.types_present]
    type_evidence = {
        "presidium": len(rep.presidium),
        "area_types": _codes(rep.types_present),
        **_not_required("types_not_required", not_required),
        "uncovered_types": _codes(rep.types_uncovered),
        "uncovered_type_labels": [SCHOOL_TYPE_LABELS[t] for t in rep.types_uncovered],
        "missing_count": len(rep.types_uncovered),
        "present_count": len(rep.types_present),
    }
    if rep.types_uncovered and rep.presidium_unknown:
        # the members whose school is unknown might fill the gaps: cannot tell
        yield ctx.finding(
            rule="FED-1.presidium-school-unknown",
            org=code,
            params=(),
            message=_(
                "{org}: the school of {unknown_count} presidium member(s) ({names}) is not recorded, so it cannot be told whether they represent {uncovered_type_labels}."
            ),
            evidence={
                **type_evidence,
                "unknown_count": len(rep.presidium_unknown),
                "names": _names(reg, rep.presidium_unknown),
                "people": list(rep.presidium_unknown),
            },
            severity=Severity.INCOMPLETE,
        )
    elif rep.types_uncovered:
        yield ctx.finding(
            rule="FED-1.presidium-school-type-uncovered",
            org=code,
            params=(),
            message=_(
                "{org}: its presidium has no member from {missing_count} of the {present_count} school types of the schools in its area: {uncovered_type_labels}."
            ),
            evidence=type_evidence,
        )


def _committee_findings(
    ctx: AuditContext, code: str, rep: Representation
) -> Iterator[Finding]:
    """FED-1 (D): the groups of unions of the area its committee does not represent."""
    reg = ctx.registry
    if not rep.groups_uncovered:
        return
    group_evidence = {
        "committee_members": len(rep.committee),
        "area_groups": _codes(rep.groups_present),
        **_not_required(
            "groups_not_required",
            [g for g in UnionGroup if g not in rep.groups_present],
        ),
        "uncovered_groups": _codes(rep.groups_uncovered),
        "uncovered_group_labels": [UNION_GROUP_LABELS[g] for g in rep.groups_uncovered],
    }
    if rep.committee_unknown:
        yield ctx.finding(
            rule="FED-1.committee-union-unknown",
            org=code,
            params=(),
            message=_(
                "{org}: the union of {unknown_count} committee member(s) ({names}) is not recorded, so it cannot be told whether they represent {uncovered_group_labels}."
            ),
            evidence={
                **group_evidence,
                "unknown_count": len(rep.committee_unknown),
                "names": _names(reg, rep.committee_unknown),
                "people": list(rep.committee_unknown),
            },
            severity=Severity.INCOMPLETE,
        )
    else:
        yield ctx.finding(
            rule="FED-1.committee-union-uncovered",
            org=code,
            params=(),
            message=_(
                "{org}: no member of its committee represents {uncovered_group_labels}, though its area has such unions; the committee strives to cover them (力争)."
            ),
            evidence=group_evidence,
        )


@rule(REQUIREMENT)
def provincial_presidium(ctx: AuditContext) -> Iterator[Finding]:
    """FED-1 · GS-1: a provincial federation's presidium has a member from each school
    type of its area (M); its committee strives to represent the school unions of
    higher-education and secondary schools and the graduate unions of its area (D).

    Judged only under a plan that states it (``AuditContext.plan_has``: the Gansu
    plan); see the module docstring for who sits on the committee.
    """
    by_person: dict[str, list[Position]] | None = None
    for federation in ctx.registry.of_kind(OrgKind.PROVINCIAL_FEDERATION):
        if not ctx.plan_has(REQUIREMENT, federation.code):
            continue
        if by_person is None:
            by_person = positions_by_person(ctx.registry)
        yield from findings_of(ctx, federation, by_person)
