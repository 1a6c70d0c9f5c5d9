"""A hand-made snapshot with violations planted on both sides of every threshold.

``tests/data/planted/planted-gansu.json`` and ``planted-cqtgu.json`` are the same
province under the two plans (they differ only in the root's ``profile``). They were
written case by case for this test, not with the demo generator: every organisation is
named after what is planted in it — ``…-OK`` sits exactly at a limit and complies,
``…-BAD`` is one step past it (``ORG2-VP6-OK`` has 6 vice-presidents, ``ORG2-VP7-BAD``
7; ``ORG6-OK`` has 11 core members for 1,100 students, ``ORG6-BAD`` 11 for 1,099;
``CON1-OK`` held its congress exactly 24 months before the audit day, ``CON1-BAD`` one
day earlier). ``BASE`` is a school union that complies with every rule; each case is
``BASE`` with one thing changed. Audited on :data:`AS_OF`, the findings must be exactly
:data:`EXPECTED` (an unexpected finding fails as surely as a missed one).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tongxue.domain.audit import audit
from tongxue.domain.snapshot import parse_tables

AS_OF = date(2026, 6, 30)  # judged year of the yearly rules: 2025
DATA = Path(__file__).resolve().parent.parent / "data" / "planted"
FILES = {
    "gansu-2017": DATA / "planted-gansu.json",
    "cqtgu-2017": DATA / "planted-cqtgu.json",
}

#: Organisation code → the rule ids the audit must report there (both profiles).
#: The organisations not listed (``BASE``, every ``…-OK`` and the organisations around
#: them) must have no finding at all.
EXPECTED: dict[str, set[str]] = {
    # ORG-2: exactly 1 president; 4 to 6 vice-presidents; branch-campus ones apart
    "ORG2-PRES-BAD": {"ORG-2.president-count"},  # 2 presidents
    "ORG2-PRES0-BAD": {"ORG-2.president-count"},  # none
    "ORG2-VP3-BAD": {"ORG-2.vice-presidents-min"},  # 3 (ORG2-VP6-OK: 6, BASE: 4)
    "ORG2-VP7-BAD": {"ORG-2.vice-presidents-max"},  # 7
    # 4 + 1 for a branch campus at a school without one (ORG2-BRANCH-OK: 6 + 1, 1 campus)
    "ORG2-BRANCH-BAD": {"ORG-2.branch-campus-vice-presidents"},
    # ORG-3: exactly 1 secretary-general, a League cadre
    "ORG3-SG0-BAD": {"ORG-3.secretary-general-count"},
    "ORG3-SG2-BAD": {"ORG-3.secretary-general-count"},
    "ORG3-STUDENT-BAD": {"ORG-3.secretary-general-not-cadre"},
    # ORG-4: ≤ 2 deputies (ORG4-OK: 2, ORG4-BAD: 3); departments of the union ORG4
    "ORG4-BAD": {"ORG-4.department-deputies"},
    # ORG-5: "部长助理" (ORG5-OK has "互助理事会干事", not an assistant post)
    "ORG5-BAD": {"ORG-5.assistant-title"},
    # ORG-6: 11 core members ≤ ⌊1% × students⌋: 1,100 complies, 1,099 does not
    "ORG6-BAD": {"ORG-6.core-members"},
    # ORG-7: exactly one presidium member for clubs, who heads the club federation
    "ORG7-NONE-BAD": {"ORG-7.clubs-responsible"},
    "ORG7-TWO-BAD": {"ORG-7.clubs-responsible"},
    "ORG7-FED-BAD": {"ORG-7.club-federation-head"},
    # ORG-8: a rights department
    "ORG8-BAD": {"ORG-8.rights-body"},
    # ORG-12: a middle school without a union (ORG12-OK has one)
    "ORG12-BAD": {"ORG-12.no-union"},
    # CON-1: congress on 2024-06-29, 24 months and a day before (CON1-OK: 2024-06-30)
    "CON1-BAD": {"CON-1.congress-overdue"},
    # CON-2: department congress 2025-06-29 (CON2-OK: 2025-06-30); an assembly at 400
    # students (CON2-ASSEMBLY-OK: 399)
    "CON2-BAD": {"CON-2.congress-overdue"},
    "CON2-ASSEMBLY-BAD": {"CON-2.assembly-not-allowed"},
    # CON-3: 10 delegates ≥ ⌈1% × students⌉: 1,000 complies, 1,001 needs 11
    "CON3-BAD": {"CON-3.delegates-too-few"},
    # CON-5: 10 delegates, 4 core (60% non-core) complies, 5 core (50%) does not
    "CON5-BAD": {"CON-5.non-core-share"},
    # CON-7: no work report (so none in 2025 either: CON-13); with an agenda: no
    # leadership election at a new session, no charter, no opinions
    "CON7-REPORT-BAD": {"CON-7.work-report", "CON-13.work-report-overdue"},
    "CON7-AGENDA-BAD": {"CON-7.leadership", "CON-7.charter", "CON-7.opinions"},
    # CON-9: adopted 2024; its 2025 standing meeting came on 2026-01-01 (CON9-OK:
    # 2025-12-31), so 2025 also lacks a work report (CON-13)
    "CON9-BAD": {"CON-9.standing-conference", "CON-13.work-report-overdue"},
    # CON-13: last work report 2024-12-31 (CON13-OK: 2025-12-31)
    "CON13-BAD": {"CON-13.work-report-overdue"},
    # CON-12: the city federation's congress has no delegate from a middle school
    # (the province's has one)
    "PL-C": {"CON-12.school-type-uncovered", "CON-12.county-uncovered"},
    # ELE-1 / ELE-3: presidium holders without a certified election
    "ELE1-NONE-BAD": {"ELE-1.no-election"},
    "ELE1-UNCERTIFIED-BAD": {"ELE-1.election-not-certified"},
    "ELE3-BAD": {"ELE-3.no-election"},
    # CAD-2: the president without a public contact
    "CAD2-BAD": {"CAD-2.contact-missing"},
    # CAD-4: a vice-president filed no report for the finished semester (CAD4-OK: all
    # did, and its semester ending on the audit day is not finished yet)
    "CAD4-BAD": {"CAD-4.report-missing"},
    # TRN-3: one department reviewed on 2024-12-31, one without a published
    # assessment (TRN3-OK reviewed its departments in 2025, one on 2025-01-01)
    "TRN3-BAD": {"TRN-3.department-reviews-missing"},
}

#: CON-11 (secondary-school congresses) exists only in the Gansu plan: under
#: cqtgu-2017 the same secondary schools get no CON-11 finding.
GANSU_ONLY: dict[str, set[str]] = {
    "CON11-LATE-BAD": {"CON-11.congress-overdue"},  # 2024-06-29 (CON11-OK: 2024-06-30)
    "CON11-FEW-BAD": {"CON-11.delegates-too-few"},  # 10 delegates, 1,001 students
    "CON11-NONE-BAD": {"CON-11.no-congress"},
}

#: Requirements of the Gansu plan alone (ORG-12 · GS-7, CON-12 · GS-4): not judged under
#: cqtgu-2017 (AuditContext.plan_has; the test below).
GANSU_PLAN_ONLY_REQUIREMENTS = ("ORG-12", "CON-12")

#: What a snapshot carries but an import does not store (docs/snapshot.md): a meeting's
#: ``agenda`` and ``charter_in_force`` (CON-7 beyond the work report) and semesters
#: (CAD-4). The audit of the imported database cannot report these.
FILE_ONLY = {
    "CON7-AGENDA-BAD": {"CON-7.leadership", "CON-7.charter", "CON-7.opinions"},
    "CAD4-BAD": {"CAD-4.report-missing"},
}


def expected(profile: str) -> dict[str, set[str]]:
    out = {org: set(rules) for org, rules in EXPECTED.items()}
    if profile == "gansu-2017":
        out.update({org: set(rules) for org, rules in GANSU_ONLY.items()})
    return out


def without(
    table: dict[str, set[str]], removed: dict[str, set[str]]
) -> dict[str, set[str]]:
    out = {org: rules - removed.get(org, set()) for org, rules in table.items()}
    return {org: rules for org, rules in out.items() if rules}


def by_organisation(pairs: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for org, rule in pairs:
        out[org].add(rule)
    return dict(out)


def load(profile: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FILES[profile].read_text(encoding="utf-8"))
    return data


def audited(profile: str) -> dict[str, set[str]]:
    snapshot, errors = parse_tables(load(profile))
    assert errors == []
    report = audit(snapshot, as_of=AS_OF)
    return by_organisation((f.organisation, f.rule) for f in report.findings)


def drop_plan_only(found: dict[str, set[str]]) -> dict[str, set[str]]:
    out = {
        org: {r for r in rules if r.split(".")[0] not in GANSU_PLAN_ONLY_REQUIREMENTS}
        for org, rules in found.items()
    }
    return {org: rules for org, rules in out.items() if rules}


def test_the_two_files_differ_only_in_the_profile() -> None:
    gansu, cqtgu = load("gansu-2017"), load("cqtgu-2017")
    assert gansu["organisations"][0]["profile"] == "gansu-2017"
    assert cqtgu["organisations"][0]["profile"] == "cqtgu-2017"
    for doc in (gansu, cqtgu):
        del doc["organisations"][0]["profile"], doc["default_profile"]
    assert gansu == cqtgu


def test_every_planted_organisation_exists_and_each_ok_case_has_its_bad_twin() -> None:
    codes = {o["code"] for o in load("gansu-2017")["organisations"]}
    assert set(expected("gansu-2017")) <= codes
    for code in codes:
        if code.endswith("-OK"):
            stem = code.split("-")[0] + "-"  # ORG2-VP6-OK: ORG2-VP7-BAD, ORG2-VP3-BAD …
            assert any(c.startswith(stem) and c.endswith("-BAD") for c in codes), code


def test_gansu_every_planted_violation_is_found_and_nothing_else() -> None:
    assert audited("gansu-2017") == expected("gansu-2017")


def test_cqtgu_every_planted_violation_is_found_and_nothing_else() -> None:
    # CON-11 has no parameters in the Chongqing plan: its cases are not judged; nor
    # are ORG-12 and CON-12, requirements of the Gansu plan alone.
    assert audited("cqtgu-2017") == drop_plan_only(expected("cqtgu-2017"))


def test_gansu_plan_only_requirements_are_reported_under_gansu() -> None:
    found = audited("gansu-2017")
    assert found["ORG12-BAD"] == {"ORG-12.no-union"}
    assert found["PL-C"] == EXPECTED["PL-C"]


def test_cqtgu_does_not_judge_requirements_of_the_gansu_plan_alone() -> None:
    found = audited("cqtgu-2017")
    reported = {
        (org, rule)
        for org, rules in found.items()
        for rule in rules
        if rule.split(".")[0] in GANSU_PLAN_ONLY_REQUIREMENTS
    }
    assert reported == set()


@pytest.mark.parametrize("profile", sorted(FILES))
def test_every_finding_cites_a_clause_of_its_plan_where_the_plan_has_one(
    profile: str,
) -> None:
    snapshot, _errors = parse_tables(load(profile))
    prefix = "GS-" if profile == "gansu-2017" else "CQ-"
    for f in audit(snapshot, as_of=AS_OF).findings:
        assert f.clauses, f
        assert all(c.startswith(prefix) for c in f.clauses), f
