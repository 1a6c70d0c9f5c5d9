"""Template helpers: domain messages, severities and DOM ids for findings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxue.compliance.report import SEVERITY_LABELS, remedy_text
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


#: Readable names of the evidence keys the rules use; an unknown key is shown as is.
EVIDENCE_LABELS: dict[str, Any] = {
    "max_interval_months": gettext_lazy("longest interval (months)"),
    "required": gettext_lazy("required"),
    "person": gettext_lazy("person"),
    "min_share": gettext_lazy("minimum share"),
    "max_share": gettext_lazy("maximum share"),
    "min_percent": gettext_lazy("minimum (%)"),
    "max_percent": gettext_lazy("maximum (%)"),
    "congress": gettext_lazy("congress"),
    "last_congress": gettext_lazy("last congress"),
    "students_served": gettext_lazy("students served"),
    "minimum": gettext_lazy("minimum"),
    "maximum": gettext_lazy("maximum"),
    "limit": gettext_lazy("limit"),
    "delegates": gettext_lazy("delegates"),
    "vice_presidents": gettext_lazy("vice-presidents"),
    "branch_vice_presidents": gettext_lazy("vice-presidents for branch campuses"),
    "branch_campuses": gettext_lazy("branch campuses"),
    "presidents": gettext_lazy("presidents"),
    "secretaries_general": gettext_lazy("secretaries-general"),
    "deputies": gettext_lazy("deputy heads"),
    "heads": gettext_lazy("heads"),
    "title": gettext_lazy("title"),
    "name": gettext_lazy("name"),
    "threshold": gettext_lazy("threshold"),
    "departments": gettext_lazy("departments"),
    "core_members": gettext_lazy("core members"),
    "core_delegates": gettext_lazy("core-member delegates"),
    "non_core_delegates": gettext_lazy("other delegates"),
    "non_core_share": gettext_lazy("share of other delegates"),
    "non_core_percent": gettext_lazy("other delegates (%)"),
    "year": gettext_lazy("year"),
    "standing_meetings": gettext_lazy("standing-conference meetings"),
    "role": gettext_lazy("role"),
    "responsible": gettext_lazy("responsible"),
    "responsible_person": gettext_lazy("responsible person"),
    "people": gettext_lazy("people"),
    "missing": gettext_lazy("missing"),
    "missing_count": gettext_lazy("number missing"),
    "missing_codes": gettext_lazy("missing (codes)"),
    "last_work_report": gettext_lazy("last work report"),
    "planned": gettext_lazy("planned meeting (not yet held)"),
    "planned_opens": gettext_lazy("planned opening day"),
    "planned_status": gettext_lazy("status of the planned meeting"),
    "adopted": gettext_lazy("standing conference adopted on"),
    "reports": gettext_lazy("work reports"),
    "due": gettext_lazy("due"),
    "club_federation": gettext_lazy("club federation"),
    "school_type": gettext_lazy("school type"),
    "kind": gettext_lazy("kind"),
}


@register.filter
def evidence_items(evidence: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Return the evidence of a finding as (readable name, value) pairs.

    Keys ending in ``_label`` duplicate a coded value in words and are left out; lists
    are joined with commas.
    """
    out = []
    for key, value in sorted(evidence.items()):
        if key.endswith("_label"):
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        out.append((str(EVIDENCE_LABELS.get(key, key.replace("_", " "))), value))
    return out


@register.simple_tag
def severity_names() -> list[tuple[str, str]]:
    """Return (value, label) for every severity, most serious first."""
    return [(s.value, _(_SEVERITY_LABELS[s])) for s in _SEVERITY_LABELS]
