"""Template helpers: domain messages, severities and DOM ids for findings.

The helpers that render through the audit's report (the plan's words, the remedy, the
evidence) are :mod:`tongxue.compliance.templatetags.compliance_tags` (#13).
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tongxue.core.errors import render_message
from tongxue.core.terms import term_label as _term_label
from tongxue.core.words import join_names
from tongxue.domain.evidence import SEVERITY_LABELS
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
def names(values: Any) -> str:
    """Join names (or labels) with the active language's list separator: 、 in
    Chinese, ", " in English (#16), never an ASCII comma between Chinese names."""
    return join_names(values or ())


@register.filter
def term_label(value: Any) -> str:
    """A term key (``2026-autumn``) as the reader's words: 2026年秋季学期 (#18)."""
    return _term_label(value)


@register.filter
def severity_label(value: str) -> str:
    """Return the translated name of a severity."""
    return _(_SEVERITY_LABELS.get(Severity(value), str(value)))


@register.filter
def finding_dom_id(finding: Finding) -> str:
    """Return a stable HTML id for a finding: its organisation and rule."""
    return dom_id(finding.organisation, finding.rule)


def dom_id(organisation: str, rule: str) -> str:
    return "finding-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{organisation}--{rule}")


@register.simple_tag
def severity_names() -> list[tuple[str, str]]:
    """Return (value, label) for every severity, most serious first."""
    return [(s.value, _(_SEVERITY_LABELS[s])) for s in _SEVERITY_LABELS]
