"""Rules as guards: refuse a write that creates a violation or makes one worse.

A service builds the registry of the affected organisation before and after the change
and calls :func:`refuse_new_violations`. The audit's rules run on both; each violation
(an M rule's finding) after the write is matched with the same finding before it — the
same rule id at the same organisation about the same subject (the congress, person,
title or club federation its evidence names, see :data:`SUBJECT_KEYS`) — and compared
by its *measure*: how far it is from compliance, read from its evidence
(:data:`MEASURES`, e.g. the vice-presidents above the maximum, the presidents away from
exactly one). The write is refused when a violation

* is new (no matching finding before), or
* is worse (its measure grew: an 8th vice-president with 7 already, a 3rd president
  with 2).

A write that repairs a violation (its measure shrinks, or the finding goes away) is
allowed, and so is one that does not touch the violated quantity (the measure stays
the same: appointing a secretary-general at a union that still has 7 vice-presidents).
A violation whose rule has no measure counts as present or absent: while it stays, an
unrelated write passes; a new one is refused. Deviations (原则上/一般, D rules) are never
refused here: they are to be justified, and the audit shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from tongxue.domain.audit import AuditContext, all_rules, run_rules
from tongxue.domain.findings import Finding, Refusal, Severity
from tongxue.domain.model import Registry
from tongxue.domain.profiles import Profile
from tongxue.domain.requirements import REQUIREMENTS

#: Evidence keys naming what a finding is about; two findings of one rule at one
#: organisation are the same finding when these agree (e.g. ORG-5 per title and person).
SUBJECT_KEYS = ("congress", "meeting", "election", "club_federation", "person", "title")

Measure = Callable[[Mapping[str, Any]], int | Fraction]


def _heads_off(evidence: Mapping[str, Any]) -> int:
    """ORG-7: heads of the club federation who are not the responsible member, plus
    one when the responsible member is not among them."""
    heads = [h for h in str(evidence["heads"]).split(", ") if h and h != "-"]
    responsible = evidence["responsible_person"]
    return sum(1 for h in heads if h != responsible) + (responsible not in heads)


def _branch_excess(evidence: Mapping[str, Any]) -> int:
    """ORG-2: branch-campus vice-presidents without a branch campus, or above the
    profile's cap when it sets one."""
    count: int = evidence["branch_vice_presidents"]
    if not evidence["branch_campuses"]:
        return count
    limit = evidence.get("limit")
    return count - limit if isinstance(limit, int) else 0


#: How far a finding is from compliance, from its evidence: 0 is compliant, larger is
#: worse. One entry per rule id whose violation is a quantity.
MEASURES: dict[str, Measure] = {
    "ORG-2.president-count": lambda e: abs(e["presidents"] - e["required"]),
    "ORG-2.vice-presidents-min": lambda e: e["minimum"] - e["vice_presidents"],
    "ORG-2.vice-presidents-max": lambda e: e["vice_presidents"] - e["maximum"],
    "ORG-2.branch-campus-vice-presidents": _branch_excess,
    "ORG-3.secretary-general-count": lambda e: abs(
        e["secretaries_general"] - e["required"]
    ),
    "ORG-4.department-deputies": lambda e: e["deputies"] - e["limit"],
    "ORG-6.core-members": lambda e: e["core_members"] - e["limit"],
    "ORG-7.clubs-responsible": lambda e: abs(e["responsible"] - e.get("required", 1)),
    "ORG-7.club-federation-head": _heads_off,
    "CON-3.delegates-too-few": lambda e: e["required"] - e["delegates"],
    "CON-11.delegates-too-few": lambda e: e["required"] - e["delegates"],
    "CON-5.non-core-share": lambda e: e["required"] - e["non_core_delegates"],
    "CON-12.non-cadre-share": lambda e: e["required"] - e["non_core_delegates"],
}

Identity = tuple[str, str, tuple[tuple[str, str], ...]]


def identity(finding: Finding) -> Identity:
    """Return what makes two findings the same: organisation, rule id and subject."""
    subject = tuple(
        (k, str(finding.evidence[k])) for k in SUBJECT_KEYS if k in finding.evidence
    )
    return (finding.organisation, finding.rule, subject)


def measure(finding: Finding) -> int | Fraction:
    """Return how far ``finding`` is from compliance (1 for a rule without a measure)."""
    fn = MEASURES.get(finding.rule)
    if fn is None:
        return 1
    try:
        return fn(finding.evidence)
    except (KeyError, TypeError, ValueError):
        return 1


@dataclass(frozen=True, slots=True)
class Change:
    """A violation after the write, with the same finding before it (None if new)."""

    after: Finding
    before: Finding | None

    @property
    def worse(self) -> bool:
        """Whether the write created the violation or made it worse."""
        return self.before is None or measure(self.after) > measure(self.before)


def compare(
    before: Registry,
    after: Registry,
    *,
    as_of: date,
    requirements: Iterable[str] | None = None,
) -> list[Change]:
    """Match each violation after the change with the same finding before it."""
    wanted = set(requirements) if requirements is not None else None
    specs = [s for s in all_rules() if wanted is None or s.requirement in wanted]

    def violations(reg: Registry) -> list[Finding]:
        return [
            f
            for f in run_rules(AuditContext(reg, as_of), specs)
            if f.severity == Severity.VIOLATION
        ]

    seen = {identity(f): f for f in violations(before)}
    return [Change(f, seen.get(identity(f))) for f in violations(after)]


#: Requirements a write is never refused for, though the audit reports them: RGT-6
#: (a delegate or cadre without a contact route) — a person appointed or elected gets
#: their account after the post, by activating it; refusing the appointment until
#: then would keep the post empty, which no plan asks for.
NOT_GUARDED = frozenset({"RGT-6"})


def new_violations(
    before: Registry,
    after: Registry,
    *,
    as_of: date,
    requirements: Iterable[str] | None = None,
) -> list[Finding]:
    """Return the violations the change creates or makes worse (see the module doc),
    but for the requirements in :data:`NOT_GUARDED`."""
    changes = compare(before, after, as_of=as_of, requirements=requirements)
    return [
        c.after for c in changes if c.worse and c.after.requirement not in NOT_GUARDED
    ]


def refuse_new_violations(
    before: Registry,
    after: Registry,
    *,
    as_of: date,
    requirements: Iterable[str] | None = None,
) -> None:
    """Raise :class:`Refusal` for the first violation the change creates or worsens.

    The refusal carries the finding's requirement and clauses, which the rule took from
    the profile governing the organisation (its own plan's clauses only).
    """
    found = new_violations(before, after, as_of=as_of, requirements=requirements)
    if found:
        raise Refusal.from_finding(found[0])


def cite(profile: Profile, requirement: str) -> tuple[str, ...]:
    """Return the clauses a service's refusal under ``requirement`` cites under
    ``profile``: the requirement's clauses of the profile's own plan only, as findings
    do (may be empty, e.g. ELE-5's GS-8 under cqtgu-2017)."""
    return profile.own_clauses(REQUIREMENTS[requirement].clauses)
