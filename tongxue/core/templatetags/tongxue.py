"""Template helpers: domain messages, severities and DOM ids for findings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tongxue.compliance.report import SEVERITY_LABELS, evidence_display, remedy_text
from tongxue.compliance.report import clause_quotes as _clause_quotes
from tongxue.core.errors import render_message
from tongxue.domain.findings import SEVERITY_ORDER, Finding, Message, Severity

register = template.Library()

#: Severities, most serious first, with their message ids.
_SEVERITY_LABELS = {
    s: SEVERITY_LABELS[s] for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get)
}


@register.filter
def message(value: Message) -> str:
    """Render a domain message in the active language."""
    return render_message(value)


@register.filter
def severity_label(value: str) -> str:
    """Return the translated name of a severity."""
    return _(_SEVERITY_LABELS.get(Severity(value), str(value)))


@register.filter
def clause_quotes(finding: Finding) -> list[tuple[str, str]]:
    """Return (clause, the plan's own words) for each clause the finding cites."""
    return list(_clause_quotes(finding).items())


@register.filter
def remedy(finding: Finding) -> str:
    """Return what to do about a finding, in the active language."""
    return remedy_text(finding)


@register.filter
def finding_dom_id(finding: Finding) -> str:
    """Return a stable HTML id for a finding: its organisation and rule."""
    return dom_id(finding.organisation, finding.rule)


def dom_id(organisation: str, rule: str) -> str:
    return "finding-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{organisation}--{rule}")


@register.filter
def evidence_items(evidence: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Return the evidence of a finding as (translated label, value in words) pairs.

    Labels come from :mod:`tongxue.domain.evidence`; a coded value (a role, a kind,
    a status) shows its translated label, lists are joined with commas, and keys
    ending in ``_label`` (a coded value in words for the message) are left out.
    """
    return [
        (e["label"], e["value_label"] if e["value_label"] is not None else _joined(e))
        for e in evidence_display(evidence)
    ]


def _joined(entry: Mapping[str, Any]) -> Any:
    value = entry["value"]
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


@register.simple_tag
def severity_names() -> list[tuple[str, str]]:
    """Return (value, label) for every severity, most serious first."""
    return [(s.value, _(_SEVERITY_LABELS[s])) for s in _SEVERITY_LABELS]
