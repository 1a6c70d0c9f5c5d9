"""Rules on the structure of unions: ORG-2 … ORG-8, ORG-12, ORG-15.

Also the helpers the other rule modules share: which organisations are school-level
unions (校级学生会组织), who holds which position on a day, and exact share arithmetic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from fractions import Fraction
from functools import lru_cache

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    PERSON_KIND_LABELS,
    SCHOOL_LEVEL_UNIONS,
    SCHOOL_TYPE_LABELS,
    SECONDARY_SCHOOL_TYPES,
    DepartmentFunction,
    Organisation,
    OrgKind,
    PersonKind,
    Position,
    Registry,
    Role,
)
from tongxue.domain.profiles import Profile

# --------------------------------------------------------------------------- helpers


def is_secondary(registry: Registry, code: str) -> bool:
    """Return whether an organisation belongs to a secondary vocational or middle school."""
    school = registry.school_of(code)
    return school is not None and school.school_type in SECONDARY_SCHOOL_TYPES


def school_level_unions(
    registry: Registry, kinds: Iterable[OrgKind] = SCHOOL_LEVEL_UNIONS
) -> Iterator[Organisation]:
    """Yield the school-level unions (校级学生会组织) outside secondary schools.

    Unions of secondary schools are governed by ORG-12 and CON-11 instead.
    """
    for org in registry.of_kind(*kinds):
        if not is_secondary(registry, org.code):
            yield org


def departments_of(registry: Registry, union: str) -> list[Organisation]:
    """Return a union's functional departments (职能部门)."""
    return registry.kids(union, OrgKind.FUNCTIONAL_DEPARTMENT)


def active_positions(
    registry: Registry, codes: Iterable[str], ctx: AuditContext
) -> list[Position]:
    """Return the positions of the given organisations active on the audit date."""
    return [
        p
        for code in codes
        for p in registry.positions_of.get(code, ())
        if p.active_on(ctx.as_of)
    ]


def holders(positions: Iterable[Position], *roles: Role) -> list[str]:
    """Return the distinct people (sorted ids) holding one of ``roles``."""
    wanted = set(roles)
    return sorted({p.person for p in positions if p.role in wanted})


def floor_share(share: Fraction, count: int) -> int:
    """Return ⌊share × count⌋ exactly."""
    return (share.numerator * count) // share.denominator


def ceil_share(share: Fraction, count: int) -> int:
    """Return ⌈share × count⌉ exactly."""
    return -((-share.numerator * count) // share.denominator)


def percent(share: Fraction) -> str:
    """Return a share for a message, e.g. ``1%`` or ``62.5%`` (display only)."""
    value = share * 100
    if value.denominator == 1:
        return f"{value.numerator}%"
    return f"{float(value):.2f}".rstrip("0").rstrip(".") + "%"


def roles(profile: Profile, name: str) -> frozenset[Role]:
    """Return the roles a profile lists under ``name``, ignoring names it does not know."""
    known = {r.value for r in Role}
    return frozenset(Role(r) for r in profile.strings(name) if r in known)


def share_text(profile: Profile, name: str) -> str:
    """Return a share parameter as the profile writes it (``"60/100"``), for evidence."""
    return str(profile.param(name).value)


def applies(profile: Profile, *names: str) -> bool:
    """Return whether the profile has every parameter a rule needs."""
    return all(profile.has(n) for n in names)


# --------------------------------------------------------------------------- ORG-2, ORG-3


@rule("ORG-2")
def presidium_size(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-2 · GS-9, CQ-4: a presidium of 1 president and 4 to 6 vice-presidents.

    Vice-presidents recorded for a branch campus (分校区) are counted apart: the school
    must have a branch campus; the plan sets no number for them (no cap unless the
    profile sets ``branch_campus_vice_presidents_max``).
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(
            profile, "presidents", "vice_presidents_min", "vice_presidents_max"
        ):
            continue
        active = active_positions(reg, [union.code], ctx)
        presidents = holders(active, Role.PRESIDENT)
        expected = profile.int("presidents")
        if len(presidents) != expected:
            yield ctx.finding(
                rule="ORG-2.president-count",
                org=union.code,
                params=("presidents",),
                message=_(
                    "{org} has {presidents} presidents; the plan requires exactly {required}."
                ),
                evidence={"presidents": len(presidents), "required": expected},
            )
        vps = sorted(
            {
                p.person
                for p in active
                if p.role == Role.VICE_PRESIDENT and not p.branch_campus
            }
        )
        low, high = (
            profile.int("vice_presidents_min"),
            profile.int("vice_presidents_max"),
        )
        if len(vps) < low:
            yield ctx.finding(
                rule="ORG-2.vice-presidents-min",
                org=union.code,
                params=("vice_presidents_min",),
                message=_(
                    "{org} has {vice_presidents} vice-presidents, fewer than the minimum of {minimum}."
                ),
                evidence={"vice_presidents": len(vps), "minimum": low, "maximum": high},
            )
        elif len(vps) > high:
            yield ctx.finding(
                rule="ORG-2.vice-presidents-max",
                org=union.code,
                params=("vice_presidents_max",),
                message=_(
                    "{org} has {vice_presidents} vice-presidents, more than the maximum of {maximum} (vice-presidents for a branch campus are counted apart)."
                ),
                evidence={"vice_presidents": len(vps), "minimum": low, "maximum": high},
            )
        branch = sorted(
            {
                p.person
                for p in active
                if p.role == Role.VICE_PRESIDENT and p.branch_campus
            }
        )
        if branch:
            yield from _branch_campus_vice_presidents(ctx, union, len(branch))


def _branch_campus_vice_presidents(
    ctx: AuditContext, union: Organisation, count: int
) -> Iterator[Finding]:
    """ORG-2: "有分校区的高校可酌情增加副主席人数" gives no number, so a school with
    branch campuses may add any number of vice-presidents for them; a school without
    one may add none. A profile may set a cap, ``branch_campus_vice_presidents_max``
    (no built-in profile does)."""
    school = ctx.registry.school_of(union.code)
    campuses = school.branch_campuses if school is not None else 0
    if not campuses:
        yield ctx.finding(
            rule="ORG-2.branch-campus-vice-presidents",
            org=union.code,
            params=("vice_presidents_max",),
            message=_(
                "{org} has {branch_vice_presidents} vice-presidents recorded for a branch campus, but the school has no branch campus."
            ),
            evidence={"branch_vice_presidents": count, "branch_campuses": campuses},
        )
        return
    profile = ctx.profile(union.code)
    cap = "branch_campus_vice_presidents_max"
    if applies(profile, cap) and count > profile.int(cap):
        yield ctx.finding(
            rule="ORG-2.branch-campus-vice-presidents",
            org=union.code,
            params=(cap,),
            message=_(
                "{org} has {branch_vice_presidents} vice-presidents recorded for a branch campus, more than the profile's maximum of {limit}."
            ),
            evidence={
                "branch_vice_presidents": count,
                "branch_campuses": campuses,
                "limit": profile.int(cap),
            },
        )


@rule("ORG-3")
def secretary_general(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-3 · GS-9, CQ-4: one secretary-general, a full-time Youth League cadre."""
    reg = ctx.registry
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, "secretaries_general"):
            continue
        active = active_positions(reg, [union.code], ctx)
        secretaries = holders(active, Role.SECRETARY_GENERAL)
        expected = profile.int("secretaries_general")
        if len(secretaries) != expected:
            yield ctx.finding(
                rule="ORG-3.secretary-general-count",
                org=union.code,
                params=("secretaries_general",),
                message=_(
                    "{org} has {secretaries_general} secretaries-general; the plan requires exactly {required}."
                ),
                evidence={
                    "secretaries_general": len(secretaries),
                    "required": expected,
                },
            )
        for person_id in secretaries:
            person = reg.person.get(person_id)
            if person is None:
                yield ctx.finding(
                    rule="ORG-3.data-missing",
                    org=union.code,
                    params=("secretaries_general",),
                    message=_(
                        "{org}: the secretary-general is not in the register, so it cannot be checked that they are a Youth League cadre."
                    ),
                    evidence={"person": person_id},
                    severity=Severity.INCOMPLETE,
                )
            elif person.kind != PersonKind.LEAGUE_CADRE:
                yield ctx.finding(
                    rule="ORG-3.secretary-general-not-cadre",
                    org=union.code,
                    params=("secretaries_general",),
                    message=_(
                        "{org}: the secretary-general {name} is registered as “{kind_label}”, not as a full-time Youth League committee cadre."
                    ),
                    evidence={
                        "person": person_id,
                        "name": person.name,
                        "kind": str(person.kind),
                        "kind_label": PERSON_KIND_LABELS[person.kind],
                    },
                )


# --------------------------------------------------------------------------- ORG-4, ORG-6


@rule("ORG-4")
def department_deputies(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-4 · GS-9, CQ-4: a functional department has at most 2 deputies (by default)."""
    reg = ctx.registry
    for dept in reg.of_kind(OrgKind.FUNCTIONAL_DEPARTMENT):
        profile = ctx.profile(dept.code)
        if not applies(profile, "department_deputies_max"):
            continue
        deputies = holders(
            active_positions(reg, [dept.code], ctx), Role.DEPARTMENT_DEPUTY
        )
        limit = profile.int("department_deputies_max")
        if len(deputies) > limit:
            yield ctx.finding(
                rule="ORG-4.department-deputies",
                org=dept.code,
                params=("department_deputies_max",),
                message=_("{org} has {deputies} deputy heads, more than {limit}."),
                evidence={"deputies": len(deputies), "limit": limit},
            )


def _layers_below(registry: Registry, code: str) -> tuple[int, list[str]]:
    """Return how many layers of units hang below ``code``, and their codes (in order)."""
    children = registry.children
    layers, seen, level = 0, {code}, [code]
    units: list[str] = []
    while True:
        level = [
            c.code
            for parent in level
            for c in children.get(parent, ())
            if c.code not in seen
        ]
        if not level:
            return layers, units
        seen.update(level)
        layers += 1
        units.extend(level)


@rule("ORG-15")
def flat_departments(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-15 · GS-9, CQ-4: a flat structure (按照扁平化方式改革职能部门设置，减少管理层次).

    A functional department with units under it (groups, sub-departments: any
    organisation whose parent it is) has a management layer; the profile's
    ``department_sub_layers_max`` says how many are allowed (0 by default, D). Judged at
    the topmost functional department, counting every layer below it.
    """
    reg = ctx.registry
    param = "department_sub_layers_max"
    for dept in reg.of_kind(OrgKind.FUNCTIONAL_DEPARTMENT):
        above = reg.org.get(dept.parent) if dept.parent is not None else None
        if above is not None and above.kind == OrgKind.FUNCTIONAL_DEPARTMENT:
            continue  # judged at the department it hangs from
        profile = ctx.profile(dept.code)
        if not applies(profile, param):
            continue
        limit = profile.int(param)
        layers, units = _layers_below(reg, dept.code)
        if layers > limit:
            yield ctx.finding(
                rule="ORG-15.department-layers",
                org=dept.code,
                params=(param,),
                message=_(
                    "{org} has {layers} management layers under it ({sub_units} units: {units}), more than {limit}."
                ),
                evidence={
                    "layers": layers,
                    "limit": limit,
                    "sub_units": len(units),
                    "units": ", ".join(units),
                },
            )


@rule("ORG-6")
def core_member_share(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-6 · GS-9, CQ-4: core members (骨干成员) ≤ 1% of the students the union serves.

    Core members are the distinct people holding a position of a role in ``core_roles``
    in the union or one of its functional departments.
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, "core_roles", "core_members_max_share"):
            continue
        codes = [union.code, *(d.code for d in departments_of(reg, union.code))]
        core = holders(active_positions(reg, codes, ctx), *roles(profile, "core_roles"))
        share = profile.fraction("core_members_max_share")
        if union.students_served is None:
            yield ctx.finding(
                rule="ORG-6.data-missing",
                org=union.code,
                params=("core_members_max_share",),
                message=_(
                    "{org} has {core_members} core members but no number of students served, so their share cannot be checked."
                ),
                evidence={
                    "core_members": len(core),
                    "max_share": share_text(profile, "core_members_max_share"),
                },
                severity=Severity.INCOMPLETE,
            )
            continue
        limit = floor_share(share, union.students_served)
        if len(core) > limit:
            yield ctx.finding(
                rule="ORG-6.core-members",
                org=union.code,
                params=("core_roles", "core_members_max_share"),
                message=_(
                    "{org}: core members {core_members} > {max_percent} of {students_served:,} students = {limit}."
                ),
                evidence={
                    "core_members": len(core),
                    "students_served": union.students_served,
                    "limit": limit,
                    "max_share": share_text(profile, "core_members_max_share"),
                    "max_percent": percent(share),
                },
            )


# --------------------------------------------------------------------------- ORG-7, ORG-8, ORG-12


#: The profile parameter with the number of presidium members answering for clubs
#: ("须明确1名主席团成员负责学校学生社团工作", GS-6, CQ-1).
CLUBS_PARAMETER = "clubs_responsible_members"


@rule("ORG-7")
def clubs_responsibility(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-7 · GS-6, CQ-1: one presidium member answers for clubs and heads the club federation.

    The club federations concerned are those under the union and, for the school union
    (not the graduate union), those directly under the school.
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, CLUBS_PARAMETER):
            continue
        required = profile.int(CLUBS_PARAMETER)
        active = active_positions(reg, [union.code], ctx)
        responsible = sorted(
            {
                p.person
                for p in active
                if p.responsible_for_clubs
                and p.role in (Role.PRESIDENT, Role.VICE_PRESIDENT)
            }
        )
        if len(responsible) != required:
            yield ctx.finding(
                rule="ORG-7.clubs-responsible",
                org=union.code,
                params=(CLUBS_PARAMETER,),
                message=_(
                    "{org} has {responsible} presidium members responsible for student clubs; the plan requires {required}."
                ),
                evidence={
                    "responsible": len(responsible),
                    "required": required,
                    "people": ", ".join(responsible),
                },
            )
            continue
        if len(responsible) != 1:
            continue  # a profile naming several: no single head to compare with
        federations = list(reg.kids(union.code, OrgKind.CLUB_FEDERATION))
        school = reg.school_of(union.code)
        if school is not None and union.kind == OrgKind.SCHOOL_UNION:
            federations += reg.kids(school.code, OrgKind.CLUB_FEDERATION)
        for fed in federations:
            heads = holders(active_positions(reg, [fed.code], ctx), Role.PRESIDENT)
            if heads != responsible:
                yield ctx.finding(
                    rule="ORG-7.club-federation-head",
                    org=union.code,
                    params=(),
                    message=_(
                        "{org}: the head of {club_federation} ({heads}) is not the presidium member responsible for clubs ({responsible_person})."
                    ),
                    evidence={
                        "club_federation": fed.code,
                        "heads": ", ".join(heads) or "-",
                        "responsible_person": responsible[0],
                    },
                )


@rule("ORG-8")
def rights_body(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-8 · GS-10, CQ-5: a school-level union has a rights body (权益工作机构或部门)."""
    reg = ctx.registry
    for union in school_level_unions(reg):
        if not any(
            d.function == DepartmentFunction.RIGHTS
            for d in departments_of(reg, union.code)
        ):
            yield ctx.finding(
                rule="ORG-8.rights-body",
                org=union.code,
                params=(),
                message=_(
                    "{org} has no rights department among its {functional_departments} functional departments."
                ),
                evidence={
                    "functional_departments": len(departments_of(reg, union.code))
                },
            )


@rule("ORG-12")
def secondary_school_union(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-12 · GS-7: a secondary school has a student union."""
    reg = ctx.registry
    for school in reg.of_kind(OrgKind.SCHOOL):
        if school.school_type not in SECONDARY_SCHOOL_TYPES:
            continue
        if not reg.kids(school.code, OrgKind.SCHOOL_UNION):
            yield ctx.finding(
                rule="ORG-12.no-union",
                org=school.code,
                params=(),
                message=_(
                    "{org} is a secondary school ({school_type_label}) without a student union."
                ),
                evidence={
                    "school_type": str(school.school_type),
                    "school_type_label": SCHOOL_TYPE_LABELS[school.school_type],
                },
            )


# --------------------------------------------------------------------------- ORG-5

# Traditional forms of the characters that spell the forbidden titles, mapped to
# simplified ones, so that 執行主席助理 or 部長助理 are caught (ORG-5).
_SIMPLIFY = str.maketrans(
    {
        "長": "长",
        "執": "执",
        "務": "务",
        "書": "书",
        "會": "会",
        "際": "际",
        "門": "门",
        "幹": "干",
        "員": "员",
        "劃": "划",
    }
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    """Return a title folded for matching: NFKC, simplified, lower case, no punctuation.

    Memoised: a province's 20,000 positions share a few hundred titles (ORG-5)."""
    folded = unicodedata.normalize("NFKC", title).translate(_SIMPLIFY).casefold()
    return _NOISE.sub("", folded)


@lru_cache(maxsize=16)
def _forbidden(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def forbidden_title(title: str, profile: Profile) -> bool:
    """Return whether a position title is an assistant post the plan forbids (ORG-5).

    Matched against the folded title (:func:`normalise_title`)."""
    pattern = _forbidden(profile.strings("forbidden_title_patterns"))
    return pattern.search(normalise_title(title)) is not None


@rule("ORG-5")
def no_assistant_positions(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-5 · GS-9, CQ-4: no assistant posts ("主席助理、部长助理等岗位": 秘书长助理,
    助理主席, 主席助手 … alike), under any spelling or script of the title.

    The profile's ``forbidden_title_patterns`` decide; the built-in ones catch any
    助理 or 助手 (not the 助 of 资助, 互助, 帮助 … followed by 理, nor 理事会) and any
    "assistant" in a Latin-script title."""
    reg = ctx.registry
    for pos in reg.positions:
        if pos.organisation not in reg.org or not pos.active_on(ctx.as_of):
            continue
        if forbidden_title(pos.title, ctx.profile(pos.organisation)):
            yield ctx.finding(
                rule="ORG-5.assistant-title",
                org=pos.organisation,
                params=("forbidden_title_patterns",),
                message=_(
                    "{org} has a position titled “{title}”: assistant posts (主席助理, 部长助理 and the like) are not allowed."
                ),
                evidence={"title": pos.title, "person": pos.person},
            )
