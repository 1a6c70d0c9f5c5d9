"""Rules as guards: refuse a write that would introduce a new violation.

A service builds the registry of the affected organisation before and after the change
and calls :func:`refuse_new_violations`. Only *new* violations are refused, so that a
union still short of its 4th vice-president can appoint one, while a 7th is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tongxue.domain.audit import AuditContext, all_rules, run_rules
from tongxue.domain.findings import Finding, Refusal, Severity
from tongxue.domain.model import Registry


def new_violations(
    before: Registry,
    after: Registry,
    *,
    as_of: date,
    requirements: Iterable[str] | None = None,
) -> list[Finding]:
    """Return violations present after the change and absent before it."""
    wanted = set(requirements) if requirements is not None else None
    specs = [s for s in all_rules() if wanted is None or s.requirement in wanted]

    def violations(reg: Registry) -> list[Finding]:
        return [
            f
            for f in run_rules(AuditContext(reg, as_of), specs)
            if f.severity == Severity.VIOLATION
        ]

    seen = {(f.key, f.message.params.get("title")) for f in violations(before)}
    return [
        f
        for f in violations(after)
        if (f.key, f.message.params.get("title")) not in seen
    ]


def refuse_new_violations(
    before: Registry,
    after: Registry,
    *,
    as_of: date,
    requirements: Iterable[str] | None = None,
) -> None:
    """Raise :class:`Refusal` for the first new violation the change would introduce."""
    found = new_violations(before, after, as_of=as_of, requirements=requirements)
    if found:
        raise Refusal.from_finding(found[0])
