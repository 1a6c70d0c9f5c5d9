"""Cadre and transparency rules: CAD-2 · GS-12, CQ-7 and TRN-3 · GS-7, CQ-2."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import compliant, findings, only, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import OrgKind, Role

# --------------------------------------------------------------------------- CAD-2


@pytest.mark.parametrize("contact", ["", "   "])
def test_cad2_main_cadre_without_public_contact(contact: str) -> None:
    """CAD-2 · GS-12, CQ-7: every president and vice-president has a public contact."""
    b = compliant()
    b.post("U", Role.VICE_PRESIDENT, title="副主席（分校区）", public_contact=contact)
    f = only(b, "CAD-2")
    assert (f.rule, f.severity, f.clauses) == (
        "CAD-2.contact-missing",
        Severity.VIOLATION,
        ("GS-12",),
    )
    assert f.evidence["title"] == "副主席（分校区）"
    assert f.evidence["role"] == "vice_president"


def test_cad2_other_roles_and_former_cadres_are_not_concerned() -> None:
    b = compliant()
    b.post("U-O", Role.DEPARTMENT_HEAD, public_contact="")
    b.post("U", Role.VICE_PRESIDENT, public_contact="", end=date(2024, 1, 1))
    assert rules(b, "CAD-2") == []


def test_cad2_one_finding_per_position() -> None:
    b = compliant()
    b.positions = [replace(p, public_contact="") for p in b.positions]
    assert rules(b, "CAD-2") == ["CAD-2.contact-missing"] * 5


def test_cad2_graduate_union_too() -> None:
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=2000)
    b.post("G", Role.PRESIDENT, public_contact="")
    assert [f.organisation for f in findings(b, "CAD-2")] == ["G"]


# --------------------------------------------------------------------------- TRN-3


@pytest.mark.parametrize(
    ("held", "published", "flagged"),
    [
        (date(2023, 1, 1), True, False),  # the first day of the judged year (2023)
        (date(2023, 12, 31), True, False),  # its last day
        (date(2022, 12, 31), True, True),  # one day before it
        (date(2024, 1, 1), True, True),  # one day after it: counts for 2024
        (date(2023, 6, 30), False, True),  # assessment not published
    ],
)
def test_trn3_yearly_review_of_every_department(
    held: date, published: bool, flagged: bool
) -> None:
    """TRN-3 · GS-7, CQ-2: reviewed in every calendar year, assessment published.

    On AS_OF (2024-06-30) the audit judges 2023, the last year that is over.
    """
    b = compliant()
    b.reviews = []
    b.review("U", "D", held, published)
    found = findings(b, "TRN-3")
    assert bool(found) is flagged
    if flagged:
        assert found[0].severity == Severity.VIOLATION
        assert found[0].evidence["missing"] == "D"
        assert found[0].evidence["year"] == 2023


def test_trn3_the_year_in_progress_is_not_judged() -> None:
    b = compliant()
    b.reviews = []
    b.review("U", "D", date(2024, 12, 31))
    assert rules(b, "TRN-3", as_of=date(2024, 12, 31)) == [
        "TRN-3.department-reviews-missing"  # 2023 had none; 2024 is not over
    ]
    assert rules(b, "TRN-3", as_of=date(2025, 1, 1)) == []  # 2024 judged: reviewed
    assert rules(b, "TRN-3", as_of=date(2026, 1, 1)) == [
        "TRN-3.department-reviews-missing"  # 2025 had none
    ]


def test_trn3_cqtgu_cites_its_own_clause() -> None:
    b = compliant("cqtgu-2017")
    b.reviews = []
    assert only(b, "TRN-3").clauses == ("CQ-2",)
    b = compliant()
    b.reviews = []
    assert only(b, "TRN-3").clauses == ("GS-7",)


def test_trn3_one_finding_lists_every_missing_department() -> None:
    b = compliant()
    b.org("D2", OrgKind.DEPARTMENT_UNION, "U", students_served=500)
    b.org("D3", OrgKind.DEPARTMENT_UNION, "S", students_served=500)  # under the school
    b.org("D4", OrgKind.DEPARTMENT_UNION, "U", students_served=500)
    b.review("U", "D4", date(2023, 2, 1))
    b.review("X", "D2", date(2023, 2, 1))  # another reviewer does not count
    f = only(b, "TRN-3")
    assert f.evidence == {
        "missing_count": 2,
        "departments": 4,
        "missing": "D2, D3",
        "missing_codes": ["D2", "D3"],
        "year": 2023,
        "minimum": 1,
    }
    assert "2 of 4" in f.message.render()


def test_trn3_graduate_unions_and_unions_without_departments() -> None:
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=2000)
    b.org("GD", OrgKind.DEPARTMENT_UNION, "G", students_served=100)
    assert rules(b, "TRN-3") == []  # only the school union reviews
    b.reviews = []
    del b.organisations["D"]
    assert rules(b, "TRN-3") == []
