"""Template helpers of the audit's findings: the plan's words, the remedy, the evidence.

They render through :mod:`tongxue.compliance.report`, so they live here rather than in
core's ``tongxue`` library (#13: core imports nothing above it). Templates showing a
finding load both: ``{% load i18n tongxue compliance_tags %}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from tongxue.compliance.report import clause_quotes as _clause_quotes
from tongxue.compliance.report import evidence_display, plain_value_text, remedy_text
from tongxue.domain.findings import Finding

register = template.Library()


@register.filter
def clause_quotes(finding: Finding) -> list[tuple[str, str]]:
    """Return (clause, the plan's own words) for each clause the finding cites."""
    return list(_clause_quotes(finding).items())


@register.filter
def remedy(finding: Finding) -> str:
    """Return what to do about a finding, in the active language."""
    return remedy_text(finding)


@register.filter
def evidence_items(evidence: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Return the evidence of a finding as (translated label, value in words) pairs.

    Labels come from :mod:`tongxue.domain.evidence`; a coded value (a role, a kind,
    a status) shows its translated label, lists are joined with the language's
    separator (、 in Chinese), nothing reads "—", and keys
    ending in ``_label`` (a coded value in words for the message) are left out.
    """
    return [
        (e["label"], e["value_label"] if e["value_label"] is not None else _joined(e))
        for e in evidence_display(evidence)
    ]


def _joined(entry: Mapping[str, Any]) -> Any:
    return plain_value_text(entry["value"])
