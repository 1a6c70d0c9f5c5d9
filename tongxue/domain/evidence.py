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

from tongxue.domain.evaluation import DIMENSION_LABELS
from tongxue.domain.findings import Punctuation, Severity, gettext_noop
from tongxue.domain.lifecycle import ELECTION
from tongxue.domain.model import (
    MEETING_STATUS_LABELS,
    PERSON_KIND_LABELS,
    SCHOOL_TYPE_LABELS,
    MeetingKind,
    OrgKind,
    Role,
    UnionGroup,
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
    OrgKind.SCHOOL_OFFICE: _("School office"),
}
#: Labels of the meeting kinds (the Django ``MeetingKind`` choices' labels).
MEETING_KIND_LABELS: Mapping[str, str] = {
    MeetingKind.CONGRESS: _("Student congress"),
    MeetingKind.ASSEMBLY: _("All-student assembly"),
    MeetingKind.STANDING_CONFERENCE: _("Standing delegate conference"),
}
#: Labels of the election states (the Django ``ElectionStatus`` choices' labels): the
#: lifecycle's.
ELECTION_STATUS_LABELS: Mapping[str, str] = ELECTION.labels
#: Labels of the groups of unions a provincial committee strives to cover (FED-1).
UNION_GROUP_LABELS: Mapping[str, str] = {
    UnionGroup.HIGHER_EDUCATION: _("School unions of higher-education schools"),
    UnionGroup.GRADUATE: _("Graduate unions"),
    UnionGroup.SECONDARY: _("School unions of secondary schools"),
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
    "active_categories": _("Active categories of concern"),
    "adopted": _("Standing conference adopted on"),
    "area_groups": _("Groups of unions in the area"),
    "area_types": _("School types in the area"),
    "branch_campuses": _("Branch campuses"),
    "branch_vice_presidents": _("Vice-presidents for branch campuses"),
    "cadres": _("Cadres rated"),
    "club_federation": _("Club federation"),
    "committee_members": _("Committee members (presidium included)"),
    "concerns_ever": _("Concerns ever raised"),
    "congress": _("Congress"),
    "core_delegates": _("Core-member delegates"),
    "core_members": _("Core members"),
    "count": _("Number"),
    "counties": _("Counties"),
    "county_count": _("Counties with a middle or secondary vocational school"),
    "delegates": _("Number of delegates"),
    "departments": _("Department unions"),
    "first_concern": _("First concern raised on"),
    "functional_departments": _("Functional departments"),
    "deputies": _("Deputy heads"),
    "dimension": _("Dimension"),
    "due": _("Due"),
    "elected": _("Delegates it elected"),
    "electing_unit": _("Electing unit"),
    "eligible": _("Raters on the list"),
    "election": _("Election"),
    "elections": _("Elections"),
    "gaps": _("Missing school types or counties"),
    "groups_not_required": _("Groups of unions not in the area (not required)"),
    "heads": _("Heads"),
    "kind": _("Kind"),
    "last_congress": _("Last congress"),
    "last_consultation": _("Last consultation of students opened on"),
    "last_evaluation": _("Last evaluation ended on"),
    "last_guidance": _("Last guidance by the League committee"),
    "last_hearing": _("Last report heard by the Party committee"),
    "last_meeting": _("Last face-to-face meeting"),
    "last_participation": _("Last participation in a school committee"),
    "last_request": _("Last written request to the school"),
    "last_report": _("Last report on concerns submitted to the school"),
    "layers": _("Management layers"),
    "legal_aid_contacts": _("Entries of the legal-aid directory"),
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
    "missing_grades": _("Grades without seats"),
    "grades_text": _("Grades"),
    "clubs": _("Clubs"),
    "seats_from": _("Read from"),
    "missing_counties": _("Counties without a delegate"),
    "missing_types": _("School types without a delegate"),
    "name": _("Name"),
    "names": _("Names"),
    "next_period": _("Evaluation period under way or planned (not counted)"),
    "next_period_end": _("Its last day"),
    "non_core_delegates": _("Other delegates"),
    "non_core_percent": _("Other delegates (%)"),
    "non_core_share": _("Share of other delegates"),
    "not_counted": _("Periods not counted (no cadre rated or nobody rated)"),
    "oldest_due": _("Earliest deadline passed"),
    "open": _("Open concerns"),
    "opened": _("Opened on"),
    "overdue": _("Overdue concerns"),
    "overdue_percent": _("Overdue (%)"),
    "participants": _("Raters who took part"),
    "participation_percent": _("Participation (%)"),
    "people": _("People"),
    "period": _("Evaluation period"),
    "period_end": _("Last day of the period"),
    "person": _("Person"),
    "planned": _("Planned meeting (not yet held)"),
    "planned_opens": _("Planned opening day"),
    "planned_status": _("Status of the planned meeting"),
    "post": _("Post"),
    "post_organisation": _("Organisation of the post"),
    "present_count": _("School types of member schools"),
    "presidium": _("Presidium members"),
    "presidents": _("Presidents"),
    "referrals": _("Concerns referred to legal aid"),
    # ORG-14 (student clubs and their activities)
    "unreviewed_count": _("Activities held without an approving review"),
    "first_unreviewed": _("The first of them held on"),
    "unreviewed_activities": _("Activities (references)"),
    "clubs_judged": _("Active clubs judged"),
    "inactive_count": _("Clubs without enough approved activities"),
    "inactive_clubs": _("Those clubs"),
    # TRN-4 (the union's finances)
    "finance_term": _("Term of the finances"),
    "last_disclosure": _("Last term whose finances were disclosed"),
    "unapproved_spending": _("Expenditures not approved in time"),
    "oldest_unapproved": _("Oldest of them dated"),
    "max_days_unapproved": _("Longest wait for approval (days)"),
    "unapproved_entries": _("Entries not approved (year-number)"),
    "self_approved_entries": _("Entries approved by who entered or handles them"),
    "reports": _("Work reports"),
    # TRN-2 (the students' evaluation of the union)
    "last_union_evaluation": _("Last evaluation by students opened on"),
    "unpublished_evaluations": _("Evaluations whose results are not public"),
    "oldest_closed": _("Earliest of them closed on"),
    "publish_days": _("Days allowed to publish the results"),
    "survey_codes": _("Surveys (codes)"),
    # ORG-11 (projects)
    "projects_count": _("Projects carried out"),
    "last_project": _("Last project started on"),
    # TRN-1, TRN-5 (the union's public page)
    "rules_in_force": _("Rules in force"),
    "term": _("School term"),
    "term_start": _("First day of the term"),
    "term_end": _("Last day of the term"),
    "published_count": _("Items published"),
    "last_published": _("Last published on"),
    "official_accounts": _("Official accounts in use"),
    "verified_accounts": _("Real-name verified accounts"),
    "required": _("Required"),
    "responsible": _("Responsible"),
    "responsible_person": _("Responsible person"),
    "role": _("Role"),
    "school_type": _("School type"),
    "schools": _("Schools"),
    "schools_without_type": _("Schools without a school type"),
    "secondary_without_county": _("Secondary schools without a county"),
    "secretaries_general": _("Secretaries-general"),
    "semester": _("Semester"),
    "session": _("Session"),
    "since": _("Counted since"),
    "standing_meetings": _("Standing-conference meetings"),
    "students_served": _("Students served"),
    "sub_units": _("Units under it"),
    "threshold": _("Threshold"),
    "title": _("Title"),
    "types_not_required": _("School types with no school in the area (not required)"),
    "uncovered_groups": _("Groups of unions without a committee member"),
    "uncovered_types": _("School types without a presidium member"),
    "unanswered_consultations": _(
        "Closed consultations without a public response past their due date"
    ),
    "unelected": _("Delegates without a recorded election"),
    "unit_name": _("Unit"),
    "units": _("Units"),
    "unknown": _("Delegates whose school is unknown"),
    "unknown_count": _("Members whose school or union is unknown"),
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
    # CON-4: what a congress's coverage was read from
    "seats_from": {
        "seat_plan": _("its seat allocation"),
        "delegates": _("its delegates (no seat allocation recorded)"),
    },
    "school_type": _by_code(SCHOOL_TYPE_LABELS),
    "missing_types": _by_code(SCHOOL_TYPE_LABELS),
    # FED-1
    "area_types": _by_code(SCHOOL_TYPE_LABELS),
    "types_not_required": _by_code(SCHOOL_TYPE_LABELS),
    "uncovered_types": _by_code(SCHOOL_TYPE_LABELS),
    "area_groups": _by_code(UNION_GROUP_LABELS),
    "groups_not_required": _by_code(UNION_GROUP_LABELS),
    "uncovered_groups": _by_code(UNION_GROUP_LABELS),
    # CAD-3
    "dimension": DIMENSION_LABELS,
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


def describe(
    values: Mapping[str, Any],
    translate: Any = None,
    punctuation: Punctuation | None = None,
) -> str:
    """Return evidence entries as words, in the order given: "label: value" pairs.

    A key is shown by its label, a coded value (a role, a kind) by its labels, a list
    joined with the punctuation's separator, a missing value as "—"; both labels are
    translated by ``translate`` (a gettext) when given. Used for the note of a lapsed
    justification ("written for 角色：副主席, the finding is now …"); "—" when empty.
    """
    marks = punctuation or Punctuation()

    def tr(message_id: str) -> str:
        return message_id if translate is None else str(translate(message_id))

    parts = []
    for key, value in values.items():
        if not is_shown(key):
            continue
        labels = value_labels_of(key, value)
        if labels is not None:
            shown = marks.separator.join(tr(label) for label in labels)
        elif value is None:
            shown = "—"
        elif isinstance(value, list | tuple | set | frozenset):
            shown = marks.separator.join(str(v) for v in value) or "—"
        else:
            shown = str(value)
        parts.append(f"{tr(label_of(key))}{marks.colon}{shown}")
    return marks.clause.join(parts) or "—"
