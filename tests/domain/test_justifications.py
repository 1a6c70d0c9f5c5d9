"""Justifications: the rule ids they may name, the occurrence they cover, their expiry.

Pure Python. ORG-4 · GS-9, CQ-4 (at most 2 deputies of a functional department, a D
rule) is the example: the compliant builder's office "U-O" has 2 deputies; one more
makes the deviation ``ORG-4.department-deputies``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import tongxue.domain.rules as rules_package
from tests.domain.builders import AS_OF, Builder, compliant
from tongxue.demo.generator import PINNED_AS_OF, build_province, build_school
from tongxue.domain.audit import all_rules, audit
from tongxue.domain.findings import PERSONAL_EVIDENCE, Finding, Severity
from tongxue.domain.justifications import (
    MSG_BINDING,
    MSG_CHANGED,
    MSG_EXPIRED,
    MSG_NONE_VALID,
    MSG_OTHER_KIND,
    MSG_UNKNOWN,
    Lapse,
    default_valid_until,
    lapse,
    occurrence,
    rule_problem,
)
from tongxue.domain.model import Justification, OrgKind, Registry, Role
from tongxue.domain.requirements import REQUIREMENTS
from tongxue.domain.rule_ids import (
    DEVIATIONS,
    RULE_IDS,
    RULE_IDS_BY_REQUIREMENT,
    is_rule_id,
    justifiable,
)
from tongxue.domain.snapshot import parse_tables, registry_to_tables

RULE = "ORG-4.department-deputies"
APPROVED = AS_OF - timedelta(days=30)


# --------------------------------------------------------------------- the rule ids


@pytest.fixture(scope="module")
def demo_findings() -> list[tuple[Finding, Registry]]:
    """Every finding of the demo's school and province, with the registry it came from."""
    out: list[tuple[Finding, Registry]] = []
    for doc in (build_school(as_of=PINNED_AS_OF), build_province(as_of=PINNED_AS_OF)):
        registry, errors = parse_tables(doc)
        assert errors == []
        report = audit(registry, as_of=PINNED_AS_OF)
        out.extend((f, registry) for f in report.findings)
    return out


def test_every_finding_of_the_demo_uses_a_declared_rule_id(
    demo_findings: list[tuple[Finding, Registry]],
) -> None:
    undeclared = sorted({f.rule for f, _ in demo_findings if not is_rule_id(f.rule)})
    assert undeclared == [], "declare them in tongxue/domain/rule_ids.py"
    # the demo sprinkles deviations: the check below is not vacuous
    assert {f.rule for f, _ in demo_findings} & DEVIATIONS.keys()


def test_the_declared_deviations_are_the_ones_the_demo_reports_as_deviations(
    demo_findings: list[tuple[Finding, Registry]],
) -> None:
    """A D id reports a deviation at a declared kind; every other id never does."""
    for f, registry in demo_findings:
        if f.severity == Severity.INCOMPLETE:
            continue
        deviation = DEVIATIONS.get(f.rule)
        assert (f.severity == Severity.DEVIATION) is (deviation is not None), f.rule
        if deviation is not None:
            assert registry.org[f.organisation].kind in deviation.kinds, f.rule
            # the keys that identify an occurrence are in the evidence, none personal
            assert set(deviation.occurrence) <= set(f.evidence), f.rule
            assert not set(deviation.occurrence) & PERSONAL_EVIDENCE


def _literal_ids(paths: Iterable[Path]) -> set[str]:
    pattern = re.compile(r"^[A-Z]{3}-\d+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and pattern.match(node.value)
            ):
                found.add(node.value)
    return found


def test_every_rule_id_written_out_in_a_rule_module_is_declared() -> None:
    """Catches an id the demo does not produce (ids built from the requirement, such
    as ``f"{requirement}.no-congress"``, are caught by the demo's test above)."""
    modules = Path(rules_package.__file__).parent.glob("*.py")
    found = _literal_ids(modules)
    assert "ORG-4.department-deputies" in found
    assert sorted(r for r in found if not is_rule_id(r)) == []


def test_the_catalogue_of_ids_matches_the_registered_rules() -> None:
    registered = {spec.requirement for spec in all_rules()}
    assert set(RULE_IDS_BY_REQUIREMENT) <= set(REQUIREMENTS)
    assert registered <= set(RULE_IDS_BY_REQUIREMENT)
    assert len(RULE_IDS) == len(set(RULE_IDS))
    assert set(DEVIATIONS) <= set(RULE_IDS)
    for d in DEVIATIONS.values():
        assert d.kinds and d.occurrence, d.id


def test_the_documentations_old_example_is_not_a_rule_id() -> None:
    assert not is_rule_id("ORG-6.core-members-share")
    assert is_rule_id("ORG-6.core-members")


# -------------------------------------------------------------- what may be justified


def test_an_unknown_id_is_refused_naming_the_valid_ones_for_the_kind() -> None:
    problem = rule_problem("ORG-6.core-members-share", OrgKind.SCHOOL_UNION)
    assert problem is not None and problem.text == MSG_UNKNOWN
    valid = problem.params["valid_label"]
    assert valid.split(", ") == justifiable(OrgKind.SCHOOL_UNION)
    assert "ORG-6.core-members" in valid and "ORG-4.department-deputies" not in valid


def test_a_must_rule_is_refused_as_binding() -> None:
    problem = rule_problem("ORG-2.vice-presidents-max", OrgKind.SCHOOL_UNION)
    assert problem is not None and problem.text == MSG_BINDING
    assert problem.params["requirement"] == "ORG-2"
    assert "ORG-6.core-members" in problem.params["valid_label"]
    # an incomplete finding of a D requirement is not a deviation either
    missing = rule_problem("ORG-6.data-missing", OrgKind.SCHOOL_UNION)
    assert missing is not None and missing.text == MSG_BINDING


def test_a_deviation_is_justified_only_where_it_is_reported() -> None:
    assert rule_problem(RULE, OrgKind.FUNCTIONAL_DEPARTMENT) is None
    assert rule_problem(RULE) is None  # kind not known: any kind
    problem = rule_problem(RULE, OrgKind.SCHOOL_UNION)
    assert problem is not None and problem.text == MSG_OTHER_KIND
    assert justifiable(OrgKind.FUNCTIONAL_DEPARTMENT) == [
        RULE,
        "ORG-15.department-layers",
    ]
    none = rule_problem(RULE, OrgKind.CLASS_COMMITTEE)
    assert none is not None and none.params["valid_label"] == MSG_NONE_VALID


# ------------------------------------------------------------ occurrence and expiry


def _justified(
    deputies: int,
    *,
    as_of: date = AS_OF,
    evidence: dict[str, Any] | None = None,
    valid_until: date | None = None,
    approved_on: date = APPROVED,
) -> Finding:
    """Audit the compliant union with ``deputies`` at "U-O" and one justification."""
    b: Builder = compliant()
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, deputies - 2)
    b.justifications.append(
        Justification(
            "U-O", RULE, "两部门合并", "校团委", approved_on, valid_until, evidence
        )
    )
    report = audit(b.build(), as_of=as_of)
    return next(f for f in report.findings if f.rule == RULE)


THREE = {"deputies": 3, "limit": 2}


def test_a_justification_covers_the_occurrence_it_was_written_for() -> None:
    finding = _justified(3, evidence=THREE)
    assert finding.justified and not finding.is_problem and finding.lapsed is None
    assert finding.justified_until == APPROVED.replace(year=APPROVED.year + 1)


def test_it_does_not_cover_a_changed_occurrence() -> None:
    """Written for 3 deputies, it does not cover 4: the finding is back, with a note."""
    finding = _justified(4, evidence=THREE)
    assert not finding.justified and finding.is_problem
    assert finding.lapsed is not None and finding.lapsed.text == MSG_CHANGED
    # The differing occurrence keys, as evidence: labelled when shown (#16).
    assert finding.lapsed.params["then_evidence"] == {"deputies": 3}
    assert finding.lapsed.params["now_evidence"] == {"deputies": 4}
    assert finding.lapsed.render() == (
        f"An earlier justification (approved on {APPROVED.isoformat()}) no longer "
        "applies: it was written for Deputy heads: 3, the finding is now Deputy "
        "heads: 4."
    )
    assert "approved_by" not in finding.lapsed.params  # shown on a public page


def test_only_the_occurrence_keys_count() -> None:
    """Other evidence (a label, a figure derived from the same numbers) may change."""
    finding = _justified(3, evidence={**THREE, "note": "written by hand"})
    assert finding.justified
    assert occurrence(RULE, {"deputies": 3, "limit": 2, "x": 1}) == THREE


def test_one_recorded_without_evidence_covers_any_occurrence() -> None:
    assert _justified(3).justified
    assert _justified(5).justified


@pytest.mark.parametrize(("days", "covered"), [(-1, True), (0, True), (1, False)])
def test_it_applies_up_to_and_including_its_last_day(days: int, covered: bool) -> None:
    until = AS_OF - timedelta(days=days)
    finding = _justified(3, evidence=THREE, valid_until=until)
    assert finding.justified is covered
    if covered:
        assert finding.justified_until == until and finding.lapsed is None
    else:
        assert finding.lapsed is not None and finding.lapsed.text == MSG_EXPIRED
        assert finding.lapsed.params["valid_until"] == until.isoformat()


@pytest.mark.parametrize(("days", "covered"), [(0, True), (1, False)])
def test_without_a_last_day_it_applies_for_a_year(days: int, covered: bool) -> None:
    approved = date(2023, 6, 30)
    as_of = date(2024, 6, 30) + timedelta(days=days)
    finding = _justified(3, as_of=as_of, approved_on=approved)
    assert finding.justified is covered


def test_a_year_after_29_february_is_28_february() -> None:
    assert default_valid_until(date(2024, 2, 29)) == date(2025, 2, 28)


def test_a_violation_is_never_justified() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)  # 7 vice-presidents: ORG-2 (M)
    b.justifications.append(
        Justification("U", "ORG-2.vice-presidents-max", "r", "a", APPROVED)
    )
    report = audit(b.build(), as_of=AS_OF)
    finding = next(f for f in report.findings if f.rule == "ORG-2.vice-presidents-max")
    assert not finding.justified and finding.lapsed is None


def test_lapse_says_why() -> None:
    finding = _justified(4)  # any occurrence: justified
    j = Justification("U-O", RULE, "r", "a", APPROVED, AS_OF, THREE)
    assert lapse(j, finding, AS_OF) == Lapse.CHANGED
    assert lapse(j, finding, AS_OF + timedelta(days=1)) == Lapse.EXPIRED


# ------------------------------------------------------------------------ snapshots


def _doc(**justification: Any) -> dict[str, Any]:
    row = {
        "organisation": "SU",
        "rule": "ORG-6.core-members",
        "reason": "扩招过渡期",
        "approved_by": "校团委",
        "approved_on": "2026-01-10",
        **justification,
    }
    return {
        "organisations": [
            {"code": "S", "name": "学校", "kind": "school"},
            {"code": "SU", "name": "学生会", "kind": "school_union", "parent": "S"},
            {
                "code": "SU-O",
                "name": "办公室",
                "kind": "functional_department",
                "parent": "SU",
            },
        ],
        "justifications": [row],
    }


def _errors(doc: dict[str, Any]) -> list[tuple[str, int, str | None, str]]:
    _, errors = parse_tables(doc)
    return [(e.table, e.row, e.field, e.message.text) for e in errors]


@pytest.mark.parametrize(
    ("org", "rule", "message"),
    [
        ("SU", "ORG-6.core-members-share", MSG_UNKNOWN),
        ("SU", "ORG-2.vice-presidents-max", MSG_BINDING),
        ("SU", RULE, MSG_OTHER_KIND),
        ("SU-O", "ORG-6.core-members", MSG_OTHER_KIND),
    ],
)
def test_a_snapshot_naming_a_rule_that_cannot_be_justified_there_is_refused(
    org: str, rule: str, message: str
) -> None:
    doc = _doc(organisation=org, rule=rule)
    _, errors = parse_tables(doc)
    assert [(e.table, e.row, e.field, e.message.text) for e in errors] == [
        ("justifications", 1, "rule", message)
    ]
    kind = OrgKind.SCHOOL_UNION if org == "SU" else OrgKind.FUNCTIONAL_DEPARTMENT
    assert errors[0].message.params["valid_label"] == ", ".join(justifiable(kind))


def test_a_justification_of_a_stored_organisation_is_checked_for_any_kind() -> None:
    doc = _doc(organisation="STORED", rule="ORG-6.core-members-share")
    doc["organisations"] = []
    _, errors = parse_tables(doc, known_orgs={"STORED"})
    assert [(e.field, e.message.text) for e in errors] == [("rule", MSG_UNKNOWN)]
    doc["justifications"][0]["rule"] = RULE
    assert parse_tables(doc, known_orgs={"STORED"})[1] == []


def test_an_old_snapshot_without_the_new_columns_still_parses() -> None:
    registry, errors = parse_tables(_doc())
    assert errors == []
    [j] = registry.justifications
    assert (j.valid_until, j.evidence) == (None, None)


def test_the_last_day_and_the_evidence_parse_as_object_or_json_text() -> None:
    evidence = {"core_members": 30, "students_served": 2000, "limit": 20}
    for value in (
        evidence,
        '{"core_members": 30, "students_served": 2000, "limit": 20}',
    ):
        registry, errors = parse_tables(_doc(valid_until="2026-06-30", evidence=value))
        assert errors == []
        [j] = registry.justifications
        assert (j.valid_until, j.evidence) == (date(2026, 6, 30), evidence)


@pytest.mark.parametrize(
    "value", ["not json", "[1, 2]", '{"a": {"b": 1}}', 3, '{"a": NaN}', "x" * 4001]
)
def test_bad_evidence_is_refused(value: Any) -> None:
    errors = _errors(_doc(evidence=value))
    assert [(t, r, f) for t, r, f, _ in errors] == [("justifications", 1, "evidence")]


@pytest.mark.parametrize(("until", "ok"), [("2026-01-10", True), ("2026-01-09", False)])
def test_the_last_day_is_not_before_the_approval(until: str, ok: bool) -> None:
    errors = _errors(_doc(valid_until=until))
    assert (errors == []) is ok
    if not ok:
        assert [(t, f) for t, _, f, _ in errors] == [("justifications", "valid_until")]


def test_export_writes_the_last_day_and_the_evidence_and_reads_them_back() -> None:
    evidence = {"core_members": 30, "students_served": 2000, "limit": 20}
    registry, _ = parse_tables(_doc(evidence=evidence))
    doc = registry_to_tables(registry)
    [row] = doc["justifications"]
    # without a last day in the file: a year after the approval, written out
    assert row["valid_until"] == "2027-01-10" and row["evidence"] == evidence
    again, errors = parse_tables(doc)
    assert errors == [] and again.justifications[0].valid_until == date(2027, 1, 10)
