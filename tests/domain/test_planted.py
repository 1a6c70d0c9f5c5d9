"""A hand-made snapshot with violations planted on both sides of every threshold.

``tests/data/planted/planted-gansu.json`` and ``planted-cqtgu.json`` are the same
province under the two plans (they differ only in the roots' ``profile``; a second
province, ``FED1-BAD``, holds FED-1's case, a provincial presidium being one per
province). They were
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
    # CON-6: every delegate of a school-level congress records the class election
    # that elected them (CON6-OK: all 10, with every ballot cast for each); one
    # without a recorded election; none recorded at all (an older file: incomplete)
    "CON6-BAD": {"CON-6.election-missing"},
    "CON6-NONE-BAD": {"CON-6.data-missing"},
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
    # FED-1: PL's presidium has a member from each school type of its area (BASE-P1 of
    # a general university, PL-MS1 of a middle school; the four other types have no
    # school there and are not required) and, with them, its committee the unions of
    # both groups there (no graduate union). FED1-BAD, a second province, has a general
    # university and a higher vocational college, and a presidium from the first only.
    "FED1-BAD": {"FED-1.presidium-school-type-uncovered"},
    # ELE-1 / ELE-3: presidium holders without a certified election
    "ELE1-NONE-BAD": {"ELE-1.no-election"},
    "ELE1-UNCERTIFIED-BAD": {"ELE-1.election-not-certified"},
    "ELE3-BAD": {"ELE-3.no-election"},
    # CAD-2: the president without a public contact
    "CAD2-BAD": {"CAD-2.contact-missing"},
    # CAD-3: every other union of a university evaluated its cadres in 2026-1. Due by
    # 2025-06-30 (12 months): CAD3-OK's ended that day (1 of 50 raters took part:
    # reported, not judged; its period ending on the audit day is under way, not
    # judged), CAD3-LATE-BAD's the day before; CAD3-NONE-BAD's rated no cadre (not
    # counted); CAD3-DIM-BAD left out discipline and work style; CAD3-UNPUB-BAD's
    # ended on 2026-06-29 and was never published
    "CAD3-LATE-BAD": {"CAD-3.evaluation-overdue"},
    "CAD3-NONE-BAD": {"CAD-3.no-evaluation"},
    "CAD3-DIM-BAD": {"CAD-3.dimension-missing"},
    "CAD3-UNPUB-BAD": {"CAD-3.results-unpublished"},
    # CAD-4: a vice-president filed no report for the finished semester (CAD4-OK: all
    # did, and its semester ending on the audit day is not finished yet)
    "CAD4-BAD": {"CAD-4.report-missing"},
    # TRN-3: the school union TRN3-BAD reviewed TRN3-BAD-LATE on 2024-12-31 and heard
    # TRN3-REPORT-BAD without its work report (not reviewed in 2025); TRN3-BAD-HIDDEN's
    # assessment is unpublished and TRN3-PUB-BAD's published on 2026-07-01, a day
    # after the audit (TRN3-NONE-OK: on 2026-06-30); TRN3-OPINIONS-BAD's opinions
    # were not heard (TRN3-NONE-OK: heard, none raised; TRN3-WRITTEN-OK: written
    # down, no flag); TRN3-UNRECORDED-BAD's row, from before v2, does not say
    # (incomplete data). TRN3-OK reviewed its departments in 2025, one on 2025-01-01.
    "TRN3-BAD": {
        "TRN-3.department-reviews-missing",
        "TRN-3.assessment-unpublished",
        "TRN-3.opinions-not-heard",
        "TRN-3.opinions-not-recorded",
    },
    # GOV-1: the Party committee last heard the union's report on 2025-06-29, 12 months
    # and a day before (GOV1-OK: 2025-06-30, exactly 12 months); a recommendation
    # under cqtgu-2017 (CQ-9: 推动……), a violation under gansu-2017
    "GOV1-BAD": {"GOV-1.party-hearing-overdue"},
    # GOV-2: the League committee's last guidance on 2025-06-29 (GOV2-OK: 2025-06-30);
    # a League cadre heads a department (every union's secretary-general is one: allowed)
    "GOV2-BAD": {"GOV-2.league-guidance-overdue"},
    "GOV2-EXEC-BAD": {"GOV-2.league-executive"},
    # CON-4: every school union's congress records its seat plan. CON4-OK's seats cover
    # its two department unions, the grades 2024 and 2025 of their enrolled students and
    # one of its two clubs (the main clubs are its choice: at least one); each -BAD case
    # is CON4-OK with one thing taken away: a department (DEPT), the grades (BYDEPT:
    # seats by department only), grade 2024 (GRADE), every club (CLUB)
    "CON4-DEPT-BAD": {"CON-4.departments-uncovered"},
    "CON4-BYDEPT-BAD": {"CON-4.grades-not-allocated"},
    "CON4-GRADE-BAD": {"CON-4.grades-uncovered"},
    "CON4-CLUB-BAD": {"CON-4.clubs-uncovered"},
}

#: CON-11 (secondary-school congresses) exists only in the Gansu plan: under
#: cqtgu-2017 the same secondary schools get no CON-11 finding.
GANSU_ONLY: dict[str, set[str]] = {
    "CON11-LATE-BAD": {"CON-11.congress-overdue"},  # 2024-06-29 (CON11-OK: 2024-06-30)
    "CON11-FEW-BAD": {"CON-11.delegates-too-few"},  # 10 delegates, 1,001 students
    "CON11-NONE-BAD": {"CON-11.no-congress"},
}

#: Requirements of the Gansu plan alone (ORG-12 · GS-7, CON-12 · GS-4, FED-1 · GS-1): not
#: judged under cqtgu-2017 (AuditContext.plan_has; the test below).
GANSU_PLAN_ONLY_REQUIREMENTS = ("ORG-12", "CON-12", "FED-1")

#: The provinces of the files (roots): PL, and FED1-BAD for FED-1's case, one
#: presidium per province. Each names its profile.
ROOTS = ("PL", "FED1-BAD")

#: What a snapshot carries but an import does not store (docs/snapshot.md): nothing
#: since issue #12 (a meeting's agenda and charter in force, semesters, written reports,
#: standing conferences and the delegates' elections are stored), so the audit of the
#: imported database reports everything the file's audit does.
FILE_ONLY: dict[str, set[str]] = {}

#: The other way round: findings of what the database records and a snapshot does not
#: carry, students' concerns (RGT-1, CAD-8: a snapshot's audit does not judge them). A
#: database imported from a snapshot has no channel for concerns: ``RGT-1.no-channel``
#: at every school-level union of a university; nor advocacy records (RGT-2 … RGT-4):
#: no legal aid, meeting or participation on record either; nor consultations of
#: students (RGT-5): no federation asked on record. Tests comparing the audit of a
#: database with that of a file leave these out.
DB_ONLY_RULES: frozenset[str] = frozenset(
    {
        "RGT-1.no-channel",
        "RGT-2.no-legal-aid",
        "RGT-3.no-government-meeting",
        "RGT-3.no-reception-day",
        "RGT-4.no-participation",
        "RGT-4.no-committee-seat",
        "RGT-5.no-consultation",
        # RGT-6: no account on record, so no delegate or cadre has a contact route
        "RGT-6.no-contact-route",
        # TRN-2: no evaluation of the union by its students on record (tongxue.surveys)
        "TRN-2.no-evaluation",
        # TRN-4: no finance records (tongxue.finances), so no school-level union
        # disclosed its finances of the last term
        "TRN-4.no-disclosure",
        # TRN-1, TRN-5: no public page on record (tongxue.disclosure): no rule in force,
        # nothing published in the last term, no verified official account
        "TRN-1.no-rules",
        "TRN-1.nothing-published",
        "TRN-5.no-verified-account",
        # ORG-11: no project on record (tongxue.projects): no school-level union of a
        # university carried one out in the last term
        "ORG-11.no-project",
    }
)


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
    for profile, doc in (("gansu-2017", gansu), ("cqtgu-2017", cqtgu)):
        roots = [o for o in doc["organisations"] if o["parent"] is None]
        assert [o["code"] for o in roots] == list(ROOTS)
        for root in roots:
            assert root.pop("profile") == profile
        del doc["default_profile"]
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
    # are ORG-12, CON-12 and FED-1, requirements of the Gansu plan alone.
    assert audited("cqtgu-2017") == drop_plan_only(expected("cqtgu-2017"))


def test_gansu_plan_only_requirements_are_reported_under_gansu() -> None:
    found = audited("gansu-2017")
    assert found["ORG12-BAD"] == {"ORG-12.no-union"}
    assert found["PL-C"] == EXPECTED["PL-C"]
    assert found["FED1-BAD"] == EXPECTED["FED1-BAD"]


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


@pytest.mark.parametrize("profile", sorted(FILES))
def test_trn3_names_each_department_union_with_what_it_lacks(profile: str) -> None:
    """TRN-3 · GS-7, CQ-2: one finding per missing part, naming its departments."""
    snapshot, _errors = parse_tables(load(profile))
    found = {
        f.rule: (f.severity.value, f.evidence["missing_codes"])
        for f in audit(snapshot, as_of=AS_OF).findings
        if f.requirement == "TRN-3"
    }
    assert found == {
        "TRN-3.department-reviews-missing": (
            "violation",
            ["TRN3-BAD-LATE", "TRN3-REPORT-BAD"],
        ),
        "TRN-3.assessment-unpublished": (
            "violation",
            ["TRN3-BAD-HIDDEN", "TRN3-PUB-BAD"],
        ),
        "TRN-3.opinions-not-heard": ("violation", ["TRN3-OPINIONS-BAD"]),
        "TRN-3.opinions-not-recorded": ("incomplete", ["TRN3-UNRECORDED-BAD"]),
    }
