"""Audit organisations stored in the database and summarise the findings for pages.

:func:`audit_organisation` loads a subtree with a fixed number of queries
(``tongxue.organisations.mappers.load_registry``) and runs every registered rule of
``tongxue.domain.audit`` over it, so that rules are picked up as they are added.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tongxue.domain.audit import AuditReport, audit
from tongxue.domain.findings import SEVERITY_ORDER, Finding, Severity
from tongxue.domain.profiles import Profile, load_profile, register_profile
from tongxue.organisations.mappers import load_registry, subtree_codes
from tongxue.organisations.models import Organisation

#: Severities whose unjustified findings make an audit fail (and `tongxue audit` exit 1).
FAILING = frozenset({Severity.VIOLATION, Severity.DEVIATION})


def resolve_profile(source: str | None) -> Profile | None:
    """Return the profile named by a built-in code or a path to a TOML file (None: per org).

    Raises ``tongxue.domain.profiles.ProfileError`` when it cannot be loaded.
    """
    if not source:
        return None
    dirs = tuple(Path(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())
    profile = load_profile(source, search=dirs)
    register_profile(profile)
    return profile


def audit_organisation(
    *, code: str, as_of: date | None = None, profile: str | None = None
) -> AuditReport:
    """Audit the organisation ``code`` and everything below it on ``as_of`` (today).

    ``profile`` (a built-in code or a TOML path) overrides each organisation's own
    profile. Only findings about the subtree are kept: the ancestors are loaded for
    context (inherited profile, the school of a union) but not audited. Raises
    ``Organisation.DoesNotExist`` for an unknown code.
    """
    registry = load_registry(code)
    if code not in registry.org:
        raise Organisation.DoesNotExist(code)
    return audit(
        registry,
        as_of=as_of or timezone.localdate(),
        profile=resolve_profile(profile),
        scope=subtree_codes(registry, code),
    )


def failing(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that still need action: unjustified violations and deviations."""
    return [f for f in findings if not f.justified and f.severity in FAILING]


def severity_counts(report: AuditReport) -> dict[str, int]:
    """Return the number of findings of each severity, most serious first (zeros kept)."""
    counts = {
        s.value: 0 for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    }
    for f in report.findings:
        counts[f.severity.value] += 1
    return counts


def findings_by_organisation(report: AuditReport) -> dict[str, list[Finding]]:
    """Return the findings grouped by organisation code, keeping the report's order."""
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        out.setdefault(f.organisation, []).append(f)
    return out


def misnamed_justifications(code: str) -> list[dict[str, object]]:
    """Return the stored justifications of the subtree that can answer no finding.

    Their rule id is unknown, of a binding requirement, or not reported at their
    organisation's kind (recorded before ids were checked, e.g. the documentation's old
    example ``ORG-6.core-members-share``): each with the organisation and the reason
    (``tongxue.domain.justifications.rule_problem``) so that the page shows them and
    they can be withdrawn rather than silently answering nothing. One query.
    """
    from tongxue.compliance.models import Justification
    from tongxue.domain.justifications import rule_problem
    from tongxue.domain.model import OrgKind
    from tongxue.organisations.mappers import subtree_filter

    out: list[dict[str, object]] = []
    for org_code, name, kind, rule in (
        Justification.objects.filter(subtree_filter(code, "organisation__"))
        .values_list(
            "organisation__code", "organisation__name", "organisation__kind", "rule"
        )
        .order_by("organisation__code", "rule")
    ):
        problem = rule_problem(rule, OrgKind(kind))
        if problem is not None:
            out.append(
                {"code": org_code, "name": name, "rule": rule, "problem": problem}
            )
    return out
