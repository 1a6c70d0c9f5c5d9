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
from django.utils.translation import get_language, gettext, gettext_noop, override

from tongxue.compliance.selectors import failing, severity_counts
from tongxue.core.errors import render_message
from tongxue.domain import evidence as evidence_labels
from tongxue.domain.audit import AuditReport, Coverage
from tongxue.domain.evidence import SEVERITY_LABELS
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.requirements import REQUIREMENTS, quotes_of, remedy_of


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


#: The verdict and coverage sentences (docs/audit.md, "Coverage"): a report without
#: findings says what it checked, never "compliant" with the whole plan.
VERDICT_CLEAN = gettext_noop(
    "No unjustified violation or deviation found in the %(checked)d requirements "
    "checked; %(unchecked)d of the plan's %(total)d requirements are not checked "
    "(no rule yet, or data missing)."
)
VERDICT_CLEAN_FULL = gettext_noop(
    "No unjustified violation or deviation found in any of the plan's %(total)d "
    "requirements."
)
VERDICT_FAILING = gettext_noop("Not compliant: %(n)d finding(s) need action.")
COVERAGE_SUMMARY = gettext_noop(
    "%(checked)d of %(total)d requirements checked; %(incomplete)d could not be "
    "checked for missing data; %(no_rule)d have no rule yet."
)
COVERAGE_LISTS = (
    ("checked", gettext_noop("Checked (%(n)d)")),
    ("incomplete", gettext_noop("Could not be checked, data missing (%(n)d)")),
    ("no_rule", gettext_noop("Not checked yet, no rule (%(n)d)")),
)


def _coverage_numbers(coverage: Coverage) -> dict[str, int]:
    return {
        "checked": len(coverage.checked),
        "incomplete": len(coverage.incomplete),
        "no_rule": len(coverage.no_rule),
        "unchecked": len(coverage.incomplete) + len(coverage.no_rule),
        "total": coverage.total,
    }


def verdict(report: AuditReport) -> str:
    """Return the report's verdict in the active language, bounded by its coverage."""
    return verdict_of(len(failing(report.findings)), report.coverage)


def verdict_of(fails: int, coverage: Coverage) -> str:
    """Return the verdict of ``fails`` findings needing action under ``coverage`` (the
    stored audit's counts, or a report's)."""
    if fails:
        return gettext(VERDICT_FAILING) % {"n": fails}
    numbers = _coverage_numbers(coverage)
    text = VERDICT_CLEAN if numbers["unchecked"] else VERDICT_CLEAN_FULL
    return str(gettext(text) % numbers)


def coverage_summary(coverage: Coverage) -> str:
    """Return the one-line coverage statement in the active language."""
    return str(gettext(COVERAGE_SUMMARY) % _coverage_numbers(coverage))


def coverage_lists(coverage: Coverage) -> list[dict[str, Any]]:
    """Return the coverage lists for pages: key, translated title and requirements.

    Each requirement is a dict with its ``id`` and translated ``summary``.
    """
    out = []
    for key, title in COVERAGE_LISTS:
        ids: tuple[str, ...] = getattr(coverage, key)
        out.append(
            {
                "key": key,
                "title": gettext(title) % {"n": len(ids)},
                "requirements": [
                    {"id": r, "summary": gettext(REQUIREMENTS[r].summary)} for r in ids
                ],
            }
        )
    return out


def coverage_to_dict(coverage: Coverage, language: str) -> dict[str, Any]:
    """Return the coverage as JSON data: the id lists, their counts and the statement."""
    with override(language):
        statement = coverage_summary(coverage)
    return {
        "checked": list(coverage.checked),
        "incomplete": list(coverage.incomplete),
        "no_rule": list(coverage.no_rule),
        "counts": {
            k: v for k, v in _coverage_numbers(coverage).items() if k != "unchecked"
        },
        "statement": statement,
    }


def remedy_text(finding: Finding) -> str:
    """Return what to do about ``finding`` in the active language ("" when none)."""
    remedy = finding.remedy or remedy_of(finding.rule)
    return gettext(remedy) if remedy else ""


def clause_quotes(finding: Finding) -> dict[str, str]:
    """Return the plan's own words for each clause the finding cites (clause → quote)."""
    return quotes_of(finding.requirement, finding.clauses)


def evidence_display(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the evidence for people, in the active language: one dict per shown key.

    Each has the machine ``key`` and plain ``value`` (as in ``evidence``), the key's
    translated ``label`` and, for a coded value (a role, a kind, a status), its
    translated ``value_label`` (labels of a list joined with "、", in English ", "),
    else None.
    """
    out = []
    for item in evidence_labels.display(evidence):
        value_label = None
        if item.value_labels is not None:
            joiner = "、" if _punctuation()[0] == "：" else ", "
            value_label = joiner.join(str(gettext(v)) for v in item.value_labels)
        out.append(
            {
                "key": item.key,
                "label": str(gettext(item.label)),
                "value": _plain(item.value),
                "value_label": value_label,
            }
        )
    return out


def evidence_text(entry: Mapping[str, Any]) -> str:
    """Return one evidence entry as words: its label, then its value's label or value."""
    value = entry["value_label"]
    if value is None:
        value = plain_value_text(entry["value"])
    return f"{entry['label']}{_punctuation()[0]}{value}"


def plain_value_text(value: Any) -> Any:
    """Return an evidence value that has no label as shown to people (#16): nothing as
    "—" (not "None"), a list joined with the language's separator ("、" in Chinese, as
    names are), anything else as it is."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        joiner = "、" if _punctuation()[0] == "：" else ", "
        return joiner.join(str(v) for v in value) or "—"
    return value


def _punctuation() -> tuple[str, str]:
    """Return the colon and the separator of the active language (Chinese full-width)."""
    if (get_language() or "").lower().startswith("zh"):
        return "：", "；"
    return ": ", "; "


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
    lapsed = None
    if finding.lapsed is not None:
        with override(language):
            lapsed = render_message(finding.lapsed)
    remedies = {}
    for code in {*_languages(), language}:
        with override(code):
            remedies[code] = remedy_text(finding)
    with override(language):
        severity_label = gettext(SEVERITY_LABELS[finding.severity])
        summary = gettext(REQUIREMENTS[finding.requirement].summary)
        shown = evidence_display(finding.evidence_for(private=private))
    return {
        "rule": finding.rule,
        "requirement": finding.requirement,
        "clauses": list(finding.clauses),
        "severity": finding.severity.value,
        "organisation": finding.organisation,
        "message": messages[language],
        "messages": messages,
        "evidence": _plain(finding.evidence_for(private=private)),
        "evidence_display": shown,
        "justified": finding.justified,
        "justification": finding.justification or None,
        "justification_valid_until": _plain(finding.justified_until),
        "justification_lapsed": lapsed,
        "severity_label": severity_label,
        "requirement_summary": summary,
        "quotes": clause_quotes(finding),
        "remedy": remedies[language],
        "remedies": remedies,
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
        "coverage": coverage_to_dict(report.coverage, language),
        "verdict": _in(language, verdict, report),
        "findings": [
            finding_to_dict(f, language=language, private=private)
            for f in report.findings
        ],
    }


def _in(language: str, render: Any, *args: Any) -> str:
    with override(language):
        return str(render(*args))


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
            *(f"    {c}：「{q}」" for c, q in clause_quotes(finding).items()),
            f"  {organisation}: {finding.organisation}",
            f"  {render_message(finding.message)}",
        ]
        shown = evidence_display(finding.evidence)
        if shown:
            sep = _punctuation()[1]
            lines.append("  " + sep.join(evidence_text(e) for e in shown))
        remedy = remedy_text(finding)
        if remedy:
            what = gettext("What to do")
            lines.append(f"  → {what}: {remedy}")
        if finding.justified:
            justified = gettext("Justified")
            lines.append(f"  ✓ {justified}: {finding.justification}")
            if finding.justified_until is not None:
                until = gettext("Valid until")
                lines.append(f"    {until}: {finding.justified_until.isoformat()}")
        if finding.lapsed is not None:
            lines.append(f"  ! {render_message(finding.lapsed)}")
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
        said = verdict(report)
        title = gettext("Coverage")
        coverage = [f"{title}: {coverage_summary(report.coverage)}"]
        for item in coverage_lists(report.coverage):
            if item["requirements"]:
                ids = ", ".join(r["id"] for r in item["requirements"])
                coverage.append(f"  {item['title']}: {ids}")
    blocks = [finding_to_text(f, language=language) for f in report.findings]
    tail = "\n".join([*coverage, summary, said])
    return "\n\n".join(["\n".join(header), *blocks, tail]) + "\n"


def requirement_summary(requirement: str, *, language: str) -> str:
    """Return the translated summary of a requirement (for headings next to findings)."""
    with override(language):
        return gettext(REQUIREMENTS[requirement].summary)
