"""Render audit findings for people and machines: dicts (JSON) and plain text.

The JSON shape is documented in docs/audit.md and kept stable: consumers compare
reports across runs, so keys are fixed and values are plain JSON types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, override

from tongxue.compliance.selectors import failing, severity_counts
from tongxue.core.errors import render_message
from tongxue.domain.audit import AuditReport
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.requirements import REQUIREMENTS

SEVERITY_LABELS = {
    Severity.VIOLATION: gettext_noop("Violation"),
    Severity.DEVIATION: gettext_noop("Deviation"),
    Severity.INCOMPLETE: gettext_noop("Incomplete data"),
    Severity.RECOMMENDATION: gettext_noop("Recommendation"),
}


def _plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data (dates ISO, fractions "a/b", tuples lists)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def finding_to_dict(
    finding: Finding, *, language: str, private: bool = True
) -> dict[str, Any]:
    """Return a finding as JSON data with its message in ``language`` and in every language.

    Without ``private`` the evidence leaves out what identifies a person (for the
    public API); the command line, run by an operator on their own data, keeps it.
    """
    messages = {}
    for code in _languages():
        with override(code):
            messages[code] = render_message(finding.message)
    if language not in messages:
        with override(language):
            messages[language] = render_message(finding.message)
    return {
        "rule": finding.rule,
        "requirement": finding.requirement,
        "clauses": list(finding.clauses),
        "severity": finding.severity.value,
        "organisation": finding.organisation,
        "message": messages[language],
        "messages": messages,
        "evidence": _plain(finding.evidence_for(private=private)),
        "justified": finding.justified,
        "justification": finding.justification or None,
    }


def report_to_dict(
    report: AuditReport, language: str, *, private: bool = True
) -> dict[str, Any]:
    """Return an audit report as JSON data (see docs/audit.md for the shape)."""
    return {
        "profile": report.profile,
        "as_of": report.as_of.isoformat(),
        "organisations_audited": report.organisations_audited,
        "summary": severity_counts(report),
        "failing": len(failing(report.findings)),
        "findings": [
            finding_to_dict(f, language=language, private=private)
            for f in report.findings
        ],
    }


def report_to_json(report: AuditReport, language: str) -> str:
    """Return the report as JSON text: keys sorted, Chinese kept as is, indented."""
    return json.dumps(
        report_to_dict(report, language), ensure_ascii=False, sort_keys=True, indent=2
    )


def finding_to_text(finding: Finding, *, language: str) -> str:
    """Return one block of text for a finding (severity, rule, requirement, message)."""
    with override(language):
        severity = gettext(SEVERITY_LABELS[finding.severity])
        organisation = gettext("Organisation")
        lines = [
            f"[{severity}] {finding.rule}",
            f"  {finding.requirement} · {', '.join(finding.clauses)}",
            f"  {organisation}: {finding.organisation}",
            f"  {render_message(finding.message)}",
        ]
        if finding.justified:
            justified = gettext("Justified")
            lines.append(f"  ✓ {justified}: {finding.justification}")
    return "\n".join(lines)


def report_to_text(report: AuditReport, language: str) -> str:
    """Return the report as text: a header, one block per finding and a summary line."""
    with override(language):
        labels = (
            gettext("Profile"),
            gettext("As of"),
            gettext("Organisations audited"),
        )
        values = (
            report.profile,
            report.as_of.isoformat(),
            report.organisations_audited,
        )
        header = [
            f"{label}: {value}" for label, value in zip(labels, values, strict=True)
        ]
        counts = severity_counts(report)
        summary = " · ".join(
            f"{gettext(SEVERITY_LABELS[Severity(s)])} {n}" for s, n in counts.items()
        )
        fails = len(failing(report.findings))
        verdict = (
            gettext("Compliant: no unjustified violation or deviation.")
            if fails == 0
            else gettext("Not compliant: %(n)d finding(s) need action.") % {"n": fails}
        )
    blocks = [finding_to_text(f, language=language) for f in report.findings]
    return "\n\n".join(["\n".join(header), *blocks, f"{summary}\n{verdict}"]) + "\n"


def requirement_summary(requirement: str, *, language: str) -> str:
    """Return the translated summary of a requirement (for headings next to findings)."""
    with override(language):
        return gettext(REQUIREMENTS[requirement].summary)
