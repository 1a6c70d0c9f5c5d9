"""Rules on the Party's leadership and the League's guidance of a union: GOV-1, GOV-2.

GS-14 and CQ-9 (加强党的领导和团的指导): the school's Party organisation "定期听取相关汇报，
提出指导要求" (GOV-1); the school's League organisation guides and supervises "从政治方向、
组织机制、骨干培养等方面" and, in the union's daily work, "充分尊重学生会组织的积极性、创造性
和自主性" (GOV-2). Both are read from the records of guidance (``Registry.guidance``: on a
union's guidance page, or the snapshot table ``guidance``).

"定期" names no interval: the profile's ``party_hearing_interval_months`` and
``league_guidance_interval_months`` do (Tongxue's default, with its note), read like
CON-14's "定期": at most *n* months from the newest record to the audit day
(``tongxue.domain.dates``). The plans address every school's Party and League
organisations (各学校党组织, 学校团组织), so every school-level union is judged,
secondary schools' included.
"""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    PERSON_KIND_LABELS,
    SCHOOL_LEVEL_UNIONS,
    Guidance,
    GuidanceKind,
    Organisation,
    OrgKind,
    PersonKind,
    Registry,
    Role,
)
from tongxue.domain.rules.organisation import active_positions, applies

PARTY_PARAMETER = "party_hearing_interval_months"
LEAGUE_PARAMETER = "league_guidance_interval_months"

#: The union's executive posts (its presidium, heads and deputies of its departments,
#: other core members): the daily executive work League roles leave to the union
#: (GOV-2). The secretary-general is not among them: the plans give that post to a
#: full-time League cadre (聘任秘书长1名，由团委专职干部兼任, ORG-3).
EXECUTIVE_ROLES = frozenset(
    {
        Role.PRESIDENT,
        Role.VICE_PRESIDENT,
        Role.DEPARTMENT_HEAD,
        Role.DEPARTMENT_DEPUTY,
        Role.CORE_MEMBER,
    }
)
#: Who holds a League or school role rather than a student's (GOV-2).
LEAGUE_ROLE_KINDS = frozenset({PersonKind.LEAGUE_CADRE, PersonKind.TEACHER})


def governed_unions(registry: Registry) -> Iterator[Organisation]:
    """Yield every school-level union, secondary schools' included (GS-14: 各学校)."""
    yield from registry.of_kind(*SCHOOL_LEVEL_UNIONS)


def newest_guidance(
    registry: Registry, code: str, kind: GuidanceKind, ctx: AuditContext
) -> Guidance | None:
    """Return the union's newest record of ``kind`` given on or before the audit day."""
    return next(
        (
            g
            for g in registry.guidance_of.get(code, ())
            if g.kind == kind and g.held <= ctx.as_of
        ),
        None,
    )


def _interval(
    ctx: AuditContext,
    union: Organisation,
    *,
    kind: GuidanceKind,
    param: str,
    rule: str,
    last_key: str,
    missing: str,
    overdue: str,
) -> Iterator[Finding]:
    """Report a union without a record of ``kind`` within ``param`` months."""
    profile = ctx.profile(union.code)
    if not applies(profile, param):
        return
    months = profile.int(param)
    since = months_before(ctx.as_of, months)
    last = newest_guidance(ctx.registry, union.code, kind, ctx)
    if last is not None and last.held >= since:
        return
    yield ctx.finding(
        rule=rule,
        org=union.code,
        params=(param,),
        message=missing if last is None else overdue,
        evidence={
            last_key: last.held.isoformat() if last is not None else "-",
            "max_interval_months": months,
            "since": since.isoformat(),
        },
    )


@rule("GOV-1")
def party_hearings(ctx: AuditContext) -> Iterator[Finding]:
    """GOV-1 · GS-14, CQ-9: the school's Party committee hears the union's reports
    regularly (定期听取相关汇报) and gives guidance, on record.

    A school-level union without a ``party_hearing`` record held within the profile's
    ``party_hearing_interval_months`` before the audit day is reported; a record exactly
    that many months before is in time, one a day earlier is not. M under GS-14; under
    CQ-9 (推动……) an option: the catalogue's ``by_plan`` makes it a recommendation.
    """
    for union in governed_unions(ctx.registry):
        yield from _interval(
            ctx,
            union,
            kind=GuidanceKind.PARTY_HEARING,
            param=PARTY_PARAMETER,
            rule="GOV-1.party-hearing-overdue",
            last_key="last_hearing",
            missing=_(
                "{org}: no report of the union heard by the school's Party committee is on record; one is expected at least every {max_interval_months} months."
            ),
            overdue=_(
                "{org}: the school's Party committee last heard the union's report on {last_hearing}, more than {max_interval_months} months ago (none since {since})."
            ),
        )


def _executive_units(registry: Registry, union: Organisation) -> list[str]:
    """Return the union and every functional department under it (groups included)."""
    out, stack = [], [union.code]
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(k.code for k in registry.kids(code, OrgKind.FUNCTIONAL_DEPARTMENT))
    return out


@rule("GOV-2")
def league_guidance(ctx: AuditContext) -> Iterator[Finding]:
    """GOV-2 · GS-14, CQ-9: the League committee guides the union (political direction,
    organisation, cadres), on record, and respects its autonomy in daily work.

    * ``GOV-2.league-guidance-overdue``: no ``league_guidance`` record held within the
      profile's ``league_guidance_interval_months`` before the audit day (exactly that
      many months before is in time);
    * ``GOV-2.league-executive``: a League cadre or a teacher holds one of the union's
      executive posts (:data:`EXECUTIVE_ROLES`, in the union or a functional department
      under it) on the audit day: League roles do not run the union's daily executive
      work. The secretary-general, a League cadre by the plans (ORG-3), is not one.
    """
    reg = ctx.registry
    for union in governed_unions(reg):
        yield from _interval(
            ctx,
            union,
            kind=GuidanceKind.LEAGUE_GUIDANCE,
            param=LEAGUE_PARAMETER,
            rule="GOV-2.league-guidance-overdue",
            last_key="last_guidance",
            missing=_(
                "{org}: no guidance by the League committee is on record; it is expected at least every {max_interval_months} months."
            ),
            overdue=_(
                "{org}: the League committee's guidance was last recorded on {last_guidance}, more than {max_interval_months} months ago (none since {since})."
            ),
        )
        posts = sorted(
            (
                p
                for p in active_positions(reg, _executive_units(reg, union), ctx)
                if p.role in EXECUTIVE_ROLES
            ),
            key=lambda p: (p.organisation, p.role.value, p.person, p.start),
        )
        for pos in posts:
            person = reg.person.get(pos.person)
            if person is None or person.kind not in LEAGUE_ROLE_KINDS:
                continue  # an unregistered holder is reported by the snapshot checks
            yield ctx.finding(
                rule="GOV-2.league-executive",
                org=union.code,
                params=(),
                message=_(
                    "{org}: {name} ({kind_label}) holds the executive post “{title}” at {post_organisation}; League cadres and teachers do not run the union's daily executive work (the secretary-general aside)."
                ),
                evidence={
                    "person": pos.person,
                    "name": person.name,
                    "kind": str(person.kind),
                    "kind_label": PERSON_KIND_LABELS[person.kind],
                    "role": str(pos.role),
                    "title": pos.title,
                    "post_organisation": pos.organisation,
                },
            )
