"""Auditing stored organisations and recording justifications (D requirements)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PositionFactory,
)
from tests.integration.test_organisation_services import compliant_union
from tongxue.compliance import report as rendering
from tongxue.compliance.models import Justification
from tongxue.compliance.selectors import (
    audit_organisation,
    failing,
    findings_by_organisation,
    severity_counts,
)
from tongxue.compliance.services import record_justification, withdraw_justification
from tongxue.core.errors import Refusal
from tongxue.domain.findings import Severity
from tongxue.organisations.models import Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 3, 1)
APPROVED = dt.date(2026, 1, 10)


def _rules(report, org=None):
    return {f.rule for f in report.findings if org is None or f.organisation == org}


def _department_with_deputies(union, deputies: int, code: str = "DEPT"):
    dept = OrganisationFactory(
        code=code, kind=OrgKind.FUNCTIONAL_DEPARTMENT, parent=union
    )
    for _ in range(deputies):
        PositionFactory(organisation=dept, role=Role.DEPARTMENT_DEPUTY, title="副部长")
    return dept


# -- audit_organisation ---------------------------------------------------------------


def test_an_assistant_post_is_reported_with_requirement_and_clauses():
    """ORG-5 · GS-9, CQ-4."""
    union = compliant_union(4)
    PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")
    report = audit_organisation(code=union.code, as_of=AS_OF)
    [finding] = [f for f in report.findings if f.requirement == "ORG-5"]
    assert finding.rule == "ORG-5.assistant-title"
    assert finding.clauses == ("GS-9",)
    assert finding.severity == Severity.VIOLATION
    assert finding.organisation == union.code
    assert finding.evidence["title"] == "主席助理"


def test_a_clean_union_has_no_organisation_findings():
    union = compliant_union(4)
    report = audit_organisation(code=union.code, as_of=AS_OF)
    org_rules = {r for r in _rules(report) if r.startswith(("ORG-", "CAD-"))}
    assert org_rules == set()


def test_only_the_subtree_is_reported():
    """A sibling school's violation is not part of this school's audit."""
    mine = compliant_union(4, code="MINE")
    other = compliant_union(4, code="OTHER")
    PositionFactory(organisation=other, role=Role.MEMBER, title="部长助理")
    PositionFactory(organisation=mine, role=Role.MEMBER, title="主席助理")
    report = audit_organisation(code=mine.parent.code, as_of=AS_OF)
    orgs = {f.organisation for f in report.findings}
    assert orgs <= {"MINES", "MINE", "MINE-RIGHTS"}
    assert "ORG-5.assistant-title" in _rules(report, "MINE")
    assert report.organisations_audited == 3
    report = audit_organisation(code=other.code, as_of=AS_OF)
    assert {
        f.evidence.get("title") for f in report.findings if f.requirement == "ORG-5"
    } == {"部长助理"}


def test_a_profile_override_names_the_profile_and_its_clauses():
    union = compliant_union(4)
    PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")
    report = audit_organisation(code=union.code, as_of=AS_OF, profile="cqtgu-2017")
    assert report.profile == "cqtgu-2017"
    [finding] = [f for f in report.findings if f.requirement == "ORG-5"]
    assert finding.clauses == ("CQ-4",)


def test_an_unknown_code_raises_does_not_exist():
    with pytest.raises(Organisation.DoesNotExist):
        audit_organisation(code="NOPE", as_of=AS_OF)


def _grow(school, departments: int) -> None:
    union = school.children.get(kind=OrgKind.SCHOOL_UNION)
    for n in range(departments):
        dept = OrganisationFactory(
            code=f"{school.code}-D{n}", kind=OrgKind.DEPARTMENT_UNION, parent=union
        )
        PositionFactory(organisation=dept, role=Role.PRESIDENT, title="主席")
        PositionFactory(organisation=dept, role=Role.MEMBER, title="主席助理")
        meeting = MeetingFactory(organisation=dept, opened=dt.date(2025, 11, 1))
        DelegateFactory(meeting=meeting)


@pytest.mark.parametrize("departments", [1, 12])
def test_the_audit_runs_a_fixed_number_of_queries(
    departments, django_assert_num_queries
):
    union = compliant_union(4)
    _grow(union.parent, departments)
    # root path, organisations, positions, people, reviews and the grades of each
    # department's enrolled students (organisations' own); the parts the apps register
    # (#13): delegates, the seat plans Tongxue allocated (CON-4: allocations, their
    # departments and clubs, their cells: one query when the subtree has none, as
    # here), meetings (with their agenda and charter,
    # CON-7, and a recorded seat plan); justifications; written work reports (CON-13),
    # records of guidance (GOV-1, GOV-2), standing conferences adopted (CON-9);
    # elections with their electing meeting (ELE-1, ELE-3), elections recorded by an
    # import; evaluation semesters with their filed reports (CAD-4), evaluation periods
    # with their counts and evaluations recorded by an import (CAD-3); concern
    # categories and concerns by deadline (RGT-1, CAD-8); the federations'
    # consultations of students (RGT-5); legal aid with referrals,
    # face-to-face meetings held, committees with the meetings attended, written
    # requests (RGT-2 … RGT-4); the unions' public pages (TRN-1, TRN-5: rules, what
    # was published, official accounts in one UNION ALL): one query each, whatever
    # the size of the subtree; the unions' finances (TRN-4: terms disclosed; spending
    # not approved and self-approvals in one query); the students' evaluations of the
    # unions (TRN-2); the delegates and cadres with an active account and the
    # organisations where someone holds a role (RGT-6); the unions' projects (ORG-11).
    # the clubs (ORG-14): the registered clubs; their approved and held activities.
    with django_assert_num_queries(34):
        report = audit_organisation(code=union.parent.code, as_of=AS_OF)
    assert report.organisations_audited == 3 + departments
    assert sum(f.requirement == "ORG-5" for f in report.findings) == departments


def test_query_count_does_not_grow_with_the_tree():
    small, large = compliant_union(4, code="SMALL"), compliant_union(4, code="LARGE")
    _grow(small.parent, 2)
    _grow(large.parent, 30)
    counts = []
    for school in (small.parent, large.parent):
        with CaptureQueriesContext(connection) as ctx:
            audit_organisation(code=school.code, as_of=AS_OF)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_summary_helpers_count_and_group():
    union = compliant_union(4)
    PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")
    _department_with_deputies(union, 3)
    report = audit_organisation(code=union.code, as_of=AS_OF)
    counts = severity_counts(report)
    assert list(counts) == ["violation", "deviation", "incomplete", "recommendation"]
    assert counts["violation"] == sum(
        f.severity == Severity.VIOLATION for f in report.findings
    )
    assert sum(counts.values()) == len(report.findings)
    grouped = findings_by_organisation(report)
    assert "ORG-4.department-deputies" in {f.rule for f in grouped["DEPT"]}
    assert "ORG-5.assistant-title" in {f.rule for f in grouped[union.code]}
    assert sum(len(v) for v in grouped.values()) == len(report.findings)


# -- justifications (D requirements) -----------------------------------------------------


def _justify(org, rule="ORG-4.department-deputies", **kw):
    args = {
        "reason": "两部门合并，过渡一年",
        "approved_by": "校团委",
        "approved_on": APPROVED,
    }
    return record_justification(
        actor=None, organisation=org, rule=rule, **{**args, **kw}
    )


def _deputies_finding(code):
    report = audit_organisation(code=code, as_of=AS_OF)
    return next(f for f in report.findings if f.rule == "ORG-4.department-deputies")


def test_a_justified_deviation_is_marked_and_is_no_longer_a_problem():
    """ORG-4 · GS-9, CQ-4 is a default rule: a recorded justification answers it."""
    dept = _department_with_deputies(compliant_union(4), 3)
    finding = _deputies_finding(dept.code)
    assert finding.severity == Severity.DEVIATION
    assert finding.is_problem and not finding.justified
    j = _justify(dept)
    finding = _deputies_finding(dept.code)
    assert finding.justified and not finding.is_problem
    assert finding.justification == "两部门合并，过渡一年"
    assert finding not in failing([finding])
    withdraw_justification(actor=None, justification=j)
    assert _deputies_finding(dept.code).is_problem


def test_two_deputies_are_within_the_default():
    dept = _department_with_deputies(compliant_union(4), 2)
    report = audit_organisation(code=dept.code, as_of=AS_OF)
    assert "ORG-4.department-deputies" not in _rules(report)


def test_recording_again_replaces_the_justification():
    org = _department_with_deputies(compliant_union(4), 3)
    first = _justify(org)
    second = _justify(org, reason="新的理由")
    assert first.pk == second.pk
    assert Justification.objects.get().reason == "新的理由"


def test_a_must_rule_cannot_be_justified():
    """ORG-5 is an M requirement: no justification is recorded for it."""
    union = compliant_union(4)
    with pytest.raises(Refusal) as exc:
        _justify(union, rule="ORG-5.assistant-title")
    assert (exc.value.code, exc.value.field) == ("not_justifiable", "rule")
    assert not Justification.objects.exists()


@pytest.mark.parametrize(
    "rule", ["XYZ-1.foo", "ORG-99.foo", "ORG-4", "org-4.deputies", ""]
)
def test_an_unknown_rule_is_refused(rule):
    org = OrganisationFactory(code="DEP", kind=OrgKind.FUNCTIONAL_DEPARTMENT)
    with pytest.raises(Refusal) as exc:
        _justify(org, rule=rule)
    assert (exc.value.code, exc.value.field) == ("unknown_rule", "rule")


@pytest.mark.parametrize(("field", "value"), [("reason", "  "), ("approved_by", "")])
def test_a_justification_needs_a_reason_and_an_approver(field, value):
    org = OrganisationFactory(code="DEP", kind=OrgKind.FUNCTIONAL_DEPARTMENT)
    with pytest.raises(Refusal) as exc:
        _justify(org, **{field: value})
    assert exc.value.field == field
    assert not Justification.objects.exists()


def test_a_violation_is_never_marked_justified_even_with_a_stored_row():
    """A justification row for an M rule (e.g. imported) does not excuse the violation."""
    union = compliant_union(4)
    PositionFactory(organisation=union, role=Role.MEMBER, title="主席助理")
    Justification.objects.create(
        organisation=union,
        rule="ORG-5.assistant-title",
        reason="x",
        approved_by="y",
        approved_on=APPROVED,
        valid_until=AS_OF,
    )
    report = audit_organisation(code=union.code, as_of=AS_OF)
    finding = next(f for f in report.findings if f.rule == "ORG-5.assistant-title")
    assert not finding.justified and finding.is_problem


# -- rendering ----------------------------------------------------------------------------


def test_report_to_dict_has_the_documented_shape_in_both_languages():
    dept = _department_with_deputies(compliant_union(4), 3)
    _justify(dept)
    PositionFactory(organisation=dept.parent, role=Role.MEMBER, title="主席助理")
    report = audit_organisation(code=dept.parent.code, as_of=AS_OF)
    data = rendering.report_to_dict(report, "en")
    assert set(data) == {
        "profile",
        "as_of",
        "organisations_audited",
        "summary",
        "failing",
        "findings",
        "coverage",
        "verdict",
    }
    assert data["as_of"] == "2026-03-01"
    assert data["profile"] == "gansu-2017"
    assert data["summary"] == severity_counts(report)
    by_rule = {f["rule"]: f for f in data["findings"]}
    org5 = by_rule["ORG-5.assistant-title"]
    assert set(org5) == {
        "rule",
        "requirement",
        "clauses",
        "severity",
        "organisation",
        "message",
        "messages",
        "evidence",
        "evidence_display",
        "justified",
        "justification",
        "justification_valid_until",
        "justification_lapsed",
        "severity_label",
        "requirement_summary",
        "quotes",
        "remedy",
        "remedies",
    }
    assert org5["clauses"] == ["GS-9"]
    assert org5["message"] == org5["messages"]["en"]
    assert set(org5["messages"]) == {"zh-hans", "en"}
    assert "主席助理" in org5["message"]
    assert org5["justified"] is False and org5["justification"] is None
    deputies = by_rule["ORG-4.department-deputies"]
    assert deputies["justified"] is True
    assert deputies["justification"] == "两部门合并，过渡一年"
    assert deputies["evidence"]["deputies"] == 3
    assert deputies["justification_valid_until"] == "2027-01-10"
    assert deputies["justification_lapsed"] is None
    assert data["failing"] == len(failing(report.findings))


def test_report_to_text_has_one_block_per_finding():
    dept = _department_with_deputies(compliant_union(4), 3)
    _justify(dept)
    report = audit_organisation(code=dept.code, as_of=AS_OF)
    text = rendering.report_to_text(report, "en")
    assert "ORG-4.department-deputies" in text
    assert "ORG-4 · GS-9" in text
    assert "Justified: 两部门合并，过渡一年" in text
    assert text.count("\n\n") == len(report.findings) + 1


def test_evidence_is_shown_with_readable_names() -> None:
    from django.utils import translation

    from tongxue.compliance.templatetags.compliance_tags import evidence_items

    with translation.override("en"):
        items = evidence_items(
            {"deputies": 3, "limit": 2, "kind_label": "x", "unlisted_key": [1, 2]}
        )
    assert items == [("Deputy heads", 3), ("Limit", 2), ("unlisted key", "1, 2")]
