"""Readable labels of the evidence findings carry: one place for every key and value.

A finding's ``evidence`` keeps machine keys and coded values (``{"role":
"vice_president"}``) for JSON consumers; pages, the text report and the JSON's
``evidence_display`` show them with these labels (``角色：副主席``). Labels are English
message ids marked with :func:`gettext_noop`; the Django side translates them. The
value labels are the same message ids as the Django model choices' labels (a test
checks they agree).

Keys ending in ``_label`` or ``_labels`` repeat a coded value in words for a message:
they are not shown (:func:`display`), the value label of the coded key is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tongxue.domain.findings import Severity, gettext_noop
from tongxue.domain.model import (
    MEETING_STATUS_LABELS,
    PERSON_KIND_LABELS,
    SCHOOL_TYPE_LABELS,
    ElectionStatus,
    MeetingKind,
    OrgKind,
    Role,
)

_ = gettext_noop

#: Labels of the posts (the Django ``Role`` choices' labels).
ROLE_LABELS: Mapping[str, str] = {
    Role.PRESIDENT: _("President"),
    Role.VICE_PRESIDENT: _("Vice-president"),
    Role.SECRETARY_GENERAL: _("Secretary-general"),
    Role.DEPARTMENT_HEAD: _("Head of department"),
    Role.DEPARTMENT_DEPUTY: _("Deputy head of department"),
    Role.CORE_MEMBER: _("Core member"),
    Role.MEMBER: _("Member"),
    Role.CLUB_LEADER: _("Club leader"),
}
#: Labels of the organisation kinds (the Django ``OrgKind`` choices' labels).
ORG_KIND_LABELS: Mapping[str, str] = {
    OrgKind.PROVINCIAL_FEDERATION: _("Provincial federation"),
    OrgKind.CITY_FEDERATION: _("City federation"),
    OrgKind.SCHOOL: _("School"),
    OrgKind.SCHOOL_UNION: _("School student union"),
    OrgKind.GRADUATE_UNION: _("Graduate student union"),
    OrgKind.DEPARTMENT_UNION: _("Department student union"),
    OrgKind.CLASS_COMMITTEE: _("Class committee"),
    OrgKind.FUNCTIONAL_DEPARTMENT: _("Functional department"),
    OrgKind.CLUB_FEDERATION: _("Club federation"),
    OrgKind.CLUB: _("Student club"),
}
#: Labels of the meeting kinds (the Django ``MeetingKind`` choices' labels).
MEETING_KIND_LABELS: Mapping[str, str] = {
    MeetingKind.CONGRESS: _("Student congress"),
    MeetingKind.ASSEMBLY: _("All-student assembly"),
    MeetingKind.STANDING_CONFERENCE: _("Standing delegate conference"),
}
#: Labels of the election states (the Django ``ElectionStatus`` choices' labels).
ELECTION_STATUS_LABELS: Mapping[str, str] = {
    ElectionStatus.DRAFT: _("Draft"),
    ElectionStatus.NOMINATION: _("Nomination"),
    ElectionStatus.VETTING: _("Awaiting approval"),
    ElectionStatus.APPROVED: _("Candidates approved"),
    ElectionStatus.OPEN: _("Voting open"),
    ElectionStatus.CLOSED: _("Voting closed"),
    ElectionStatus.COUNTED: _("Counted"),
    ElectionStatus.CERTIFIED: _("Certified, under public notice"),
    ElectionStatus.EFFECTIVE: _("Effective"),
    ElectionStatus.VOID: _("Void"),
    ElectionStatus.CANCELLED: _("Cancelled"),
}
#: Labels of the severities of findings.
SEVERITY_LABELS: Mapping[Severity, str] = {
    Severity.VIOLATION: _("Violation"),
    Severity.DEVIATION: _("Deviation"),
    Severity.INCOMPLETE: _("Incomplete data"),
    Severity.RECOMMENDATION: _("Recommendation"),
}

#: The label of every evidence key a rule emits (a test runs the audit and checks).
EVIDENCE_LABELS: Mapping[str, str] = {
    "adopted": _("Standing conference adopted on"),
    "branch_campuses": _("Branch campuses"),
    "branch_vice_presidents": _("Vice-presidents for branch campuses"),
    "club_federation": _("Club federation"),
    "congress": _("Congress"),
    "core_delegates": _("Core-member delegates"),
    "core_members": _("Core members"),
    "count": _("Number"),
    "counties": _("Counties"),
    "county_count": _("Counties with a middle or secondary vocational school"),
    "delegates": _("Delegates"),
    "departments": _("Departments"),
    "deputies": _("Deputy heads"),
    "due": _("Due"),
    "election": _("Election"),
    "elections": _("Elections"),
    "gaps": _("Missing school types or counties"),
    "heads": _("Heads"),
    "kind": _("Kind"),
    "last_congress": _("Last congress"),
    "layers": _("Management layers"),
    "last_work_report": _("Last work report"),
    "limit": _("Limit"),
    "max_interval_months": _("Longest interval (months)"),
    "max_percent": _("Maximum (%)"),
    "max_share": _("Maximum share"),
    "maximum": _("Maximum"),
    "meeting": _("Meeting"),
    "meeting_org": _("Organisation of the meeting"),
    "min_percent": _("Minimum (%)"),
    "min_share": _("Minimum share"),
    "minimum": _("Minimum"),
    "missing": _("Missing"),
    "missing_codes": _("Missing (codes)"),
    "missing_count": _("Number missing"),
    "missing_counties": _("Counties without a delegate"),
    "missing_types": _("School types without a delegate"),
    "name": _("Name"),
    "non_core_delegates": _("Other delegates"),
    "non_core_percent": _("Other delegates (%)"),
    "non_core_share": _("Share of other delegates"),
    "opened": _("Opened on"),
    "people": _("People"),
    "person": _("Person"),
    "planned": _("Planned meeting (not yet held)"),
    "planned_opens": _("Planned opening day"),
    "planned_status": _("Status of the planned meeting"),
    "post": _("Post"),
    "present_count": _("School types of member schools"),
    "presidents": _("Presidents"),
    "reports": _("Work reports"),
    "required": _("Required"),
    "responsible": _("Responsible"),
    "responsible_person": _("Responsible person"),
    "role": _("Role"),
    "school_type": _("School type"),
    "schools_without_type": _("Schools without a school type"),
    "secondary_without_county": _("Secondary schools without a county"),
    "secretaries_general": _("Secretaries-general"),
    "semester": _("Semester"),
    "session": _("Session"),
    "standing_meetings": _("Standing-conference meetings"),
    "students_served": _("Students served"),
    "sub_units": _("Units under it"),
    "threshold": _("Threshold"),
    "title": _("Title"),
    "units": _("Units"),
    "unknown": _("Delegates whose school is unknown"),
    "vice_presidents": _("Vice-presidents"),
    "year": _("Year"),
}


def _by_code(table: Mapping[Any, str]) -> dict[str, str]:
    return {str(code): label for code, label in table.items()}


#: Labels of the coded values of the evidence keys that hold them. ``kind`` is the kind
#: of a meeting (elections) or of a person (ORG-3's secretary-general): the codes differ.
VALUE_LABELS: Mapping[str, Mapping[str, str]] = {
    "role": ROLE_LABELS,
    "post": ROLE_LABELS,
    "kind": {
        **MEETING_KIND_LABELS,
        **_by_code(PERSON_KIND_LABELS),
        **ORG_KIND_LABELS,
    },
    "planned_status": _by_code(MEETING_STATUS_LABELS),
    "school_type": _by_code(SCHOOL_TYPE_LABELS),
    "missing_types": _by_code(SCHOOL_TYPE_LABELS),
}


def is_shown(key: str) -> bool:
    """Return whether an evidence key is shown (a ``*_label(s)`` key repeats another)."""
    return not (key.endswith("_label") or key.endswith("_labels"))


def label_of(key: str) -> str:
    """Return the label (a message id) of an evidence key; an unknown key as words."""
    return EVIDENCE_LABELS.get(key, key.replace("_", " "))


def codes_of(value: Any) -> list[str]:
    """Return the codes of an enumerated value: a code, a list, or "a, b" joined."""
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [c for c in str(value).split(", ") if c]


def value_labels_of(key: str, value: Any) -> list[str] | None:
    """Return the labels (message ids) of the coded value(s), or None if not coded.

    A code without a label keeps the code.
    """
    table = VALUE_LABELS.get(key)
    if table is None or value is None:
        return None
    return [table.get(code, code) for code in codes_of(value)]


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One evidence entry for display: the machine key and value with their labels."""

    key: str
    label: str  # message id
    value: Any
    value_labels: tuple[str, ...] | None  # message ids, when the value is coded


def display(evidence: Mapping[str, Any]) -> list[EvidenceItem]:
    """Return the shown evidence entries in key order, with their labels."""
    out = []
    for key in sorted(evidence):
        if not is_shown(key):
            continue
        value = evidence[key]
        labels = value_labels_of(key, value)
        out.append(
            EvidenceItem(
                key=key,
                label=label_of(key),
                value=value,
                value_labels=None if labels is None else tuple(labels),
            )
        )
    return out
