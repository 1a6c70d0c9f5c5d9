"""Run every rule of the plan over a registry and return the findings.

Rules live in ``tongxue.domain.rules`` (one module per area), each a function taking an
:class:`AuditContext` and yielding findings, registered with :func:`rule`. The same
functions serve as guards (``tongxue.domain.guards``) when a service writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tongxue.domain import justifications
from tongxue.domain.findings import SEVERITY_ORDER, Finding, Message, Severity
from tongxue.domain.gcpause import gc_paused
from tongxue.domain.model import Registry
from tongxue.domain.profiles import Profile, get_profile
from tongxue.domain.requirements import (
    REQUIREMENTS,
    remedy_of,
    rule_obligation,
)

RuleFn = Callable[["AuditContext"], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    requirement: str
    fn: RuleFn


_RULES: list[RuleSpec] = []


def rule(requirement: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function as enforcing ``requirement`` (an id in REQUIREMENTS)."""
    if requirement not in REQUIREMENTS:
        raise KeyError(requirement)

    def register(fn: RuleFn) -> RuleFn:
        _RULES.append(RuleSpec(requirement, fn))
        return fn

    return register


def all_rules() -> list[RuleSpec]:
    import tongxue.domain.rules  # noqa: F401  (registers the rules)

    return list(_RULES)


@dataclass
class AuditContext:
    registry: Registry
    as_of: date
    override: Profile | None = None
    _profiles: dict[str, Profile] = field(default_factory=dict)
    _governing: dict[str, Profile] = field(default_factory=dict)

    def profile(self, org_code: str) -> Profile:
        """Return the profile governing an organisation (or the audit's override)."""
        if self.override is not None:
            return self.override
        found = self._governing.get(org_code)
        if found is None:
            # Memoised per organisation: rules ask once per position or department.
            code = self.registry.profile_code(org_code)
            if code not in self._profiles:
                self._profiles[code] = get_profile(code)
            found = self._governing[org_code] = self._profiles[code]
        return found

    def plan_has(self, requirement: str, org_code: str) -> bool:
        """Return whether the plan governing ``org_code`` states ``requirement``.

        A requirement of one plan alone (ORG-12 · GS-7, CON-12 · GS-4 of the Gansu
        plan) binds no organisation governed by the other plan: a finding of it there
        would cite no clause of its own plan. The plan is recognised by the clause
        prefixes of the profile (:meth:`Profile.own_clauses`).
        """
        clauses = REQUIREMENTS[requirement].clauses
        return not clauses or bool(self.profile(org_code).own_clauses(clauses))

    def finding(
        self,
        *,
        rule: str,
        org: str,
        params: tuple[str, ...],
        message: str,
        evidence: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """Build a finding for ``rule`` (e.g. "ORG-2.vice-presidents-max") at ``org``.

        The requirement is the rule id's prefix; the clauses come from the profile
        parameters the rule used; the severity from the obligation of the part of the
        requirement the rule judges (``rule_obligation``: CON-11's delegate quota is a
        D part of an M requirement) under the profile's plan, unless given
        (``Severity.INCOMPLETE`` when the data cannot answer). The finding carries
        the catalogue's remedy for the rule.
        """
        requirement = rule.split(".", 1)[0]
        req = REQUIREMENTS[requirement]
        profile = self.profile(org)
        clauses = (
            profile.clauses(*params) if params else _own_clauses(profile, req.clauses)
        )
        plans = {c.split("-", 1)[0] for c in clauses}
        ev = dict(evidence or {})
        return Finding(
            rule=rule,
            requirement=requirement,
            clauses=clauses,
            severity=severity
            or Severity.for_obligation(rule_obligation(rule, plans=plans)),
            organisation=org,
            message=Message(message, {"org": self.registry.org[org].name, **ev}),
            evidence=ev,
            remedy=remedy_of(rule),
        )


def _own_clauses(profile: Profile, clauses: tuple[str, ...]) -> tuple[str, ...]:
    """Return the clauses of a requirement that belong to the profile's plan.

    A rule without profile parameters (ORG-8) cites its requirement's clauses; a finding
    under gansu-2017 cites GS-10, not CQ-5 (:meth:`Profile.own_clauses`, which guards and
    service refusals use too).
    """
    return profile.own_clauses(clauses)


@dataclass(frozen=True)
class Coverage:
    """What an audit could judge, by requirement id (in the catalogue's order).

    * ``checked``: a registered rule ran and the data answered it;
    * ``incomplete``: a rule ran but the data could not answer it for at least one
      organisation in scope (an ``incomplete`` finding);
    * ``no_rule``: no audit rule checks it yet (some are enforced when data is written,
      see docs/requirements.md; none is judged by this report).

    A report without findings therefore means "no violation found in the ``checked``
    requirements", never "compliant with the plan".
    """

    checked: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    no_rule: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.checked) + len(self.incomplete) + len(self.no_rule)


def coverage_of(ruled: Iterable[str], findings: Iterable[Finding]) -> Coverage:
    """Return the coverage of an audit whose rules cover ``ruled`` requirement ids."""
    with_rule = set(ruled)
    incomplete = {f.requirement for f in findings if f.severity == Severity.INCOMPLETE}
    ids = list(REQUIREMENTS)
    return Coverage(
        checked=tuple(r for r in ids if r in with_rule and r not in incomplete),
        incomplete=tuple(r for r in ids if r in with_rule and r in incomplete),
        no_rule=tuple(r for r in ids if r not in with_rule),
    )


@dataclass(frozen=True)
class AuditReport:
    profile: str
    as_of: date
    organisations_audited: int
    findings: tuple[Finding, ...]
    coverage: Coverage = field(default_factory=Coverage)

    @property
    def violations(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.VIOLATION)

    @property
    def problems(self) -> int:
        return sum(1 for f in self.findings if f.is_problem)


def apply_justifications(
    registry: Registry, findings: Iterable[Finding], *, as_of: date
) -> list[Finding]:
    """Mark the deviations a recorded justification covers on ``as_of``.

    A justification covers the occurrence it was written for until it expires
    (``tongxue.domain.justifications``); a deviation whose justification lapsed is
    reported again with a note saying why. Violations stay as they are.
    """
    out = []
    for f in findings:
        j = registry.justified.get(f.key)
        if j is not None and f.severity == Severity.DEVIATION:
            why = justifications.lapse(j, f, as_of)
            if why is None:
                f = f.with_justification(j.reason, justifications.valid_until(j))
            else:
                f = f.with_lapsed(justifications.lapse_note(j, f, why))
        out.append(f)
    return out


def run_rules(
    ctx: AuditContext, specs: Iterable[RuleSpec] | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for spec in specs if specs is not None else all_rules():
        findings.extend(
            f for f in spec.fn(ctx) if ctx.plan_has(f.requirement, f.organisation)
        )
    return findings


def audit(
    registry: Registry,
    *,
    as_of: date,
    profile: Profile | None = None,
    scope: Iterable[str] | None = None,
) -> AuditReport:
    """Audit every organisation of the registry (or those in ``scope``) on ``as_of``."""
    ctx = AuditContext(registry, as_of, profile)
    with gc_paused():  # many small objects, no cycles (tongxue.domain.gcpause)
        findings = apply_justifications(registry, run_rules(ctx), as_of=as_of)
    if scope is not None:
        wanted = set(scope)
        findings = [f for f in findings if f.organisation in wanted]
        audited = len(wanted & registry.org.keys())
    else:
        audited = len(registry.organisations)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.organisation, f.rule))
    label = profile.code if profile is not None else _profiles_label(registry)
    covered = coverage_of((s.requirement for s in all_rules()), findings)
    return AuditReport(label, as_of, audited, tuple(findings), covered)


def _profiles_label(registry: Registry) -> str:
    codes = sorted({registry.profile_code(o.code) for o in registry.organisations})
    return ",".join(codes) if codes else registry.default_profile
