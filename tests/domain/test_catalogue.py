"""The catalogue of requirements at v2: ids, split obligations, the plans' words, remedies,
and the coverage every audit report states."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings
from tongxue.domain.audit import all_rules, audit, coverage_of
from tongxue.domain.findings import Obligation, Severity
from tongxue.domain.model import MeetingKind, OrgKind, Role, SchoolType
from tongxue.domain.requirements import (
    REQUIREMENTS,
    RULES,
    quotes_of,
    remedy_of,
    rule_obligation,
)

RULES_DIR = Path(__file__).resolve().parents[2] / "tongxue" / "domain" / "rules"

V1 = [
    *(f"ORG-{n}" for n in range(1, 14)),
    *(f"CON-{n}" for n in range(1, 14)),
    *(f"ELE-{n}" for n in range(1, 6)),
    *(f"CAD-{n}" for n in range(1, 8)),
    *(f"RGT-{n}" for n in range(1, 6)),
    *(f"TRN-{n}" for n in range(1, 6)),
    *(f"FED-{n}" for n in range(1, 7)),
]
V2_NEW = [
    "ORG-14", "ORG-15", "GOV-1", "GOV-2", "RGT-6", "RGT-7",
    "CAD-8", "CAD-9", "CON-14", "FED-7", "FED-8", "TRN-6",
]  # fmt: skip

M, D, OPT = Obligation.MUST, Obligation.DEFAULT, Obligation.OPTION


def test_every_v2_id_is_in_the_catalogue_and_no_other() -> None:
    assert len(V1) == 54
    assert set(REQUIREMENTS) == set(V1) | set(V2_NEW)


@pytest.mark.parametrize(
    ("rid", "label"),
    [
        ("ORG-4", "D"),
        ("ORG-6", "D"),
        ("ORG-9", "O"),
        ("ORG-13", "D / O"),
        ("ORG-15", "D"),
        ("CON-1", "M"),
        ("CON-2", "D"),
        ("CON-3", "D"),
        ("CON-5", "D"),
        ("CON-8", "O→M"),
        ("CON-9", "O→M"),
        ("CON-10", "O→M"),
        ("CON-11", "M / D"),
        ("CON-14", "M"),
        ("RGT-4", "M / O"),
        ("CAD-9", "O"),
        ("FED-1", "M / D"),
        ("FED-8", "O"),
        ("GOV-1", "M"),
    ],
)
def test_obligations_as_v2_says(rid: str, label: str) -> None:
    assert REQUIREMENTS[rid].label == label


def test_a_split_requirement_names_the_obligation_of_each_part() -> None:
    assert REQUIREMENTS["RGT-4"].obligation_of("participation") == M
    assert REQUIREMENTS["RGT-4"].obligation_of("committee-seats") == OPT
    assert REQUIREMENTS["FED-1"].obligation_of("presidium") == M
    assert REQUIREMENTS["FED-1"].obligation_of("committee") == D
    assert REQUIREMENTS["ORG-13"].obligation_of("own-charter") == D
    assert REQUIREMENTS["ORG-13"].obligation_of("school-charter") == OPT
    # The main part is the first: what a rule judges unless it names another.
    for r in REQUIREMENTS.values():
        if r.parts:
            assert r.obligation == next(iter(r.parts.values())).obligation, r.id


def test_rules_judge_their_part() -> None:
    assert rule_obligation("CON-11.congress-overdue") == M
    assert rule_obligation("CON-11.no-congress") == M
    assert rule_obligation("CON-11.delegates-too-few") == D
    assert rule_obligation("ORG-4.department-deputies") == D
    assert rule_obligation("ORG-2.vice-presidents-max") == M


def test_a_plan_that_words_it_as_a_push_makes_it_an_option() -> None:
    """GOV-1: GS-14 要……定期听取 (M); CQ-9 推动……定期听取 (O)."""
    gov1 = REQUIREMENTS["GOV-1"]
    assert gov1.obligation_of(plans={"GS"}) == M
    assert gov1.obligation_of(plans={"CQ"}) == OPT


def test_every_requirement_has_a_summary_a_remedy_and_a_quote_per_clause() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for r in REQUIREMENTS.values():
        assert r.summary and r.remedy, r.id
        assert r.clauses, r.id
        assert set(r.quotes) == set(r.clauses), r.id
        for clause, quote in r.quotes.items():
            assert cjk.search(quote), (r.id, clause)
            assert not re.search(r"[A-Za-z]", quote), (r.id, clause)
            assert len(quote) <= 140, (r.id, clause)
        # No requirement is left without a status for the doc.
        assert r.guarded or r.planned or r.id in {s.requirement for s in all_rules()}


def test_the_quotes_are_the_plans_words_for_each_clause() -> None:
    """Spot checks: each plan's own wording where the two differ."""
    assert "奉献意识强" in REQUIREMENTS["CAD-1"].quotes["GS-12"]
    assert "奉献意识强" not in REQUIREMENTS["CAD-1"].quotes["CQ-7"]
    assert "可视实际情况" in REQUIREMENTS["ORG-10"].quotes["GS-9"]
    assert "可视需要" in REQUIREMENTS["ORG-10"].quotes["CQ-4"]
    assert quotes_of("ORG-5", ("GS-9",)) == {"GS-9": "不得设置主席助理、部长助理等岗位"}
    assert quotes_of("ORG-5", ("CQ-4", "XX-1")) == {
        "CQ-4": "不得设置主席助理、部长助理等岗位"
    }
    assert quotes_of("NOPE-1", ("GS-9",)) == {}


def _literal_rule_ids() -> set[str]:
    found: set[str] = set()
    for path in sorted(RULES_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found |= {m.group(1) for m in re.finditer(r'"([A-Z]+-\d+\.[a-z0-9-]+)"', text)}
    return found


def test_every_rule_id_has_an_entry_in_the_rule_table() -> None:
    """The rule table (remedy, part) knows every id the rule modules write out."""
    literal = {r for r in _literal_rule_ids() if r.split(".")[0] in REQUIREMENTS}
    missing = sorted(literal - set(RULES))
    assert not missing, f"add these rule ids to requirements.RULES: {missing}"
    for rid, text in RULES.items():
        assert rid.split(".", 1)[0] in REQUIREMENTS, rid
        assert not text.part or text.part in REQUIREMENTS[rid.split(".")[0]].parts


def test_the_rule_table_agrees_with_the_declared_rule_ids() -> None:
    """tongxue.domain.rule_ids lists the ids a justification may name; same ids, and
    its deviations are exactly the rules whose part is D."""
    rule_ids = pytest.importorskip("tongxue.domain.rule_ids")
    assert set(RULES) == set(rule_ids.RULE_IDS)
    d_rules = {
        r for r, t in RULES.items() if not t.incomplete and rule_obligation(r) == D
    }
    assert d_rules == set(rule_ids.DEVIATIONS)


def test_remedies_per_rule_else_per_requirement() -> None:
    assert remedy_of("ORG-6.data-missing") == RULES["ORG-6.data-missing"].remedy
    assert remedy_of("ORG-6.core-members") == REQUIREMENTS["ORG-6"].remedy
    assert remedy_of("ORG-6.not-a-rule") == REQUIREMENTS["ORG-6"].remedy
    assert remedy_of("NOPE-1.x") == ""


def _secondary() -> Builder:
    b = compliant()
    b.school("M", school_type=SchoolType.SECONDARY_VOCATIONAL, students=900)
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=900)
    b.meeting("MU", MeetingKind.CONGRESS, date(2022, 6, 30), delegates=9, code="MC")
    return b


@pytest.mark.parametrize(("delegates", "found"), [(9, []), (8, [Severity.DEVIATION])])
def test_con11_delegate_quota_is_a_deviation_both_sides(
    delegates: int, found: list[Severity]
) -> None:
    """CON-11 · GS-4: 代表名额一般不低于……1% (D); ⌈1% × 900⌉ = 9."""
    b = _secondary()
    b.meetings = [
        replace(m, delegates=m.delegates[:delegates]) if m.code == "MC" else m
        for m in b.meetings
    ]
    got = findings(b, "CON-11")
    assert [f.severity for f in got] == found
    if got:
        assert got[0].rule == "CON-11.delegates-too-few"
        assert got[0].remedy == RULES["CON-11.delegates-too-few"].remedy


def test_con11_interval_stays_a_violation() -> None:
    """CON-11 · GS-4: 召开周期不得超过两年 (M): one day late."""
    b = _secondary()
    b.meetings = [
        replace(m, opened=date(2022, 6, 29)) if m.code == "MC" else m
        for m in b.meetings
    ]
    [f] = findings(b, "CON-11")
    assert (f.rule, f.severity) == ("CON-11.congress-overdue", Severity.VIOLATION)


def test_every_finding_carries_its_remedy() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)
    b.posts("U-O", Role.DEPARTMENT_DEPUTY, 1)
    b.update("U", students_served=None)
    found = findings(b)
    assert found
    for f in found:
        assert f.remedy and f.remedy == remedy_of(f.rule), f.rule


# -- coverage -----------------------------------------------------------------------------


def _ruled() -> set[str]:
    return {s.requirement for s in all_rules()}


def test_coverage_of_a_clean_audit() -> None:
    report = audit(compliant().build(), as_of=AS_OF)
    cov = report.coverage
    assert cov.total == len(REQUIREMENTS)
    assert set(cov.checked) == _ruled()
    assert cov.incomplete == ()
    assert set(cov.no_rule) == set(REQUIREMENTS) - _ruled()
    # A requirement with a rule is "checked"; one without is "no rule".
    assert "ORG-2" in cov.checked and "ORG-2" not in cov.no_rule
    assert "RGT-7" in cov.no_rule and "RGT-7" not in cov.checked
    # In the catalogue's order.
    order = list(REQUIREMENTS)
    assert list(cov.no_rule) == sorted(cov.no_rule, key=order.index)


def test_missing_data_moves_a_requirement_from_checked_to_incomplete() -> None:
    b = compliant()
    b.update("U", students_served=None)  # ORG-6 and CON-3 cannot be answered
    cov = audit(b.build(), as_of=AS_OF).coverage
    assert "ORG-6" in cov.incomplete and "ORG-6" not in cov.checked
    assert "ORG-2" in cov.checked
    assert set(cov.checked) | set(cov.incomplete) == _ruled()
    assert not set(cov.checked) & set(cov.incomplete)


def test_coverage_counts_only_the_findings_in_scope() -> None:
    b = compliant()
    b.update("U", students_served=None)
    report = audit(b.build(), as_of=AS_OF, scope=["U-O"])
    assert "ORG-6" in report.coverage.checked
    assert report.coverage.incomplete == ()


def test_coverage_of_explicit_sets() -> None:
    cov = coverage_of({"ORG-2", "ORG-6"}, [])
    assert cov.checked == ("ORG-2", "ORG-6")
    assert len(cov.no_rule) == len(REQUIREMENTS) - 2
