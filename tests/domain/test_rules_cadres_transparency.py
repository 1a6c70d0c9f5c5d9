"""Cadre and transparency rules: CAD-2 · GS-12, CQ-7 and TRN-3 · GS-7, CQ-2."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
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
        (date(2023, 1, 1), True, None),  # the first day of the judged year (2023)
        (date(2023, 12, 31), True, None),  # its last day
        (date(2022, 12, 31), True, "TRN-3.department-reviews-missing"),  # a day before
        (date(2024, 1, 1), True, "TRN-3.department-reviews-missing"),  # counts for 2024
        (date(2023, 6, 30), False, "TRN-3.assessment-unpublished"),
    ],
)
def test_trn3_yearly_review_of_every_department(
    held: date, published: bool, flagged: str | None
) -> None:
    """TRN-3 · GS-7, CQ-2: reviewed in every calendar year, assessment published.

    On AS_OF (2024-06-30) the audit judges 2023, the last year that is over.
    """
    b = compliant()
    b.reviews = []
    b.review("U", "D", held, published)
    found = findings(b, "TRN-3")
    assert [f.rule for f in found] == ([flagged] if flagged else [])
    if flagged:
        assert found[0].severity == Severity.VIOLATION
        assert found[0].evidence["missing_codes"] == ["D"]
        assert found[0].evidence["missing"] == "Org D"
        assert found[0].evidence["year"] == 2023


@pytest.mark.parametrize(
    ("fields", "flagged", "severity"),
    [
        # every part heard and published: counts (the builder's default)
        ({}, None, None),
        # the department union raised no opinions, but was heard: counts
        ({"opinions_heard": True, "opinions": ""}, None, None),
        # opinions written down count as heard even without the flag
        ({"opinions_heard": None, "opinions": "建议增加活动经费"}, None, None),
        # the work report was not heard: no review
        ({"report_heard": False}, "TRN-3.department-reviews-missing", "violation"),
        # opinions and suggestions not heard (an empty record is not a hearing)
        ({"opinions_heard": False}, "TRN-3.opinions-not-heard", "violation"),
        (
            {"opinions_heard": False, "opinions": "   "},
            "TRN-3.opinions-not-heard",
            "violation",
        ),
        # a record from before v2 cannot say: incomplete data, not a violation
        ({"opinions_heard": None}, "TRN-3.opinions-not-recorded", "incomplete"),
        # published on the audit day (2024-06-30): in time; a day later: not yet
        ({"published_on": date(2024, 6, 30)}, None, None),
        (
            {"published_on": date(2024, 7, 1)},
            "TRN-3.assessment-unpublished",
            "violation",
        ),
    ],
)
def test_trn3_each_part_of_the_review(
    fields: dict[str, object], flagged: str | None, severity: str | None
) -> None:
    """GS-7, CQ-2: "听取……工作报告及意见建议……考核结果进行公开" — each part missing
    is its own finding naming the department union."""
    b = compliant()
    b.reviews = []
    b.review("U", "D", date(2023, 6, 30), **fields)
    found = findings(b, "TRN-3")
    assert [f.rule for f in found] == ([flagged] if flagged else [])
    if flagged:
        assert found[0].severity == severity
        assert found[0].evidence["missing_codes"] == ["D"]
        assert "Org D" in found[0].message.render()


def test_trn3_a_review_missing_two_parts_gives_two_findings() -> None:
    b = compliant()
    b.reviews = []
    b.review("U", "D", date(2023, 6, 30), False, opinions_heard=False)
    assert rules(b, "TRN-3") == [
        "TRN-3.assessment-unpublished",
        "TRN-3.opinions-not-heard",
    ]


def test_trn3_the_most_complete_review_of_the_year_is_judged() -> None:
    """Two reviews in the year: one complete one is enough; otherwise the finding says
    what the most complete one lacks."""
    b = compliant()
    b.reviews = []
    b.review("U", "D", date(2023, 3, 1), False, opinions_heard=False)
    b.review("U", "D", date(2023, 9, 1))
    assert rules(b, "TRN-3") == []
    b.reviews = []
    b.review("U", "D", date(2023, 3, 1), False, opinions_heard=False)
    b.review("U", "D", date(2023, 9, 1), False)
    b.review("U", "D", date(2023, 10, 1), report_heard=False)
    assert rules(b, "TRN-3") == ["TRN-3.assessment-unpublished"]


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
    b = compliant("cqtgu-2017")
    b.reviews = []
    b.review("U", "D", date(2023, 6, 30), opinions_heard=False)
    assert (only(b, "TRN-3").rule, only(b, "TRN-3").clauses) == (
        "TRN-3.opinions-not-heard",
        ("CQ-2",),
    )


def test_trn3_one_finding_lists_every_missing_department() -> None:
    b = compliant()
    b.org("D2", OrgKind.DEPARTMENT_UNION, "U", students_served=500)
    b.org("D3", OrgKind.DEPARTMENT_UNION, "S", students_served=500)  # under the school
    b.org("D4", OrgKind.DEPARTMENT_UNION, "U", students_served=500)
    b.review("U", "D4", date(2023, 2, 1))
    b.review("X", "D2", date(2023, 2, 1))  # another reviewer does not count
    f = only(b, "TRN-3")
    assert f.rule == "TRN-3.department-reviews-missing"
    assert f.evidence == {
        "missing_count": 2,
        "departments": 4,
        "missing": "Org D2, Org D3",
        "missing_codes": ["D2", "D3"],
        "year": 2023,
        "minimum": 1,
    }
    assert "2 of 4" in f.message.render()
    assert "Org D2, Org D3" in f.message.render()


def test_trn3_graduate_unions_and_unions_without_departments() -> None:
    b = compliant()
    b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=2000)
    b.org("GD", OrgKind.DEPARTMENT_UNION, "G", students_served=100)
    assert rules(b, "TRN-3") == []  # only the school union reviews
    b.reviews = []
    del b.organisations["D"]
    assert rules(b, "TRN-3") == []


def test_trn3_review_gaps_is_what_the_pages_show() -> None:
    """The pages' "still to review" list is the rule's own reading, for any year."""
    from tongxue.domain.reviews import ReviewGap, review_gaps, reviewed_departments

    b = compliant()
    b.org("D2", OrgKind.DEPARTMENT_UNION, "S", students_served=500)
    b.review("U", "D2", date(2024, 3, 1), False, opinions_heard=None)
    reg = b.build()
    assert [d.code for d in reviewed_departments(reg, "U")] == ["D", "D2"]
    # the year in progress (2024) on AS_OF: D was reviewed on 2024-01-10
    assert review_gaps(reg, "U", 2024, AS_OF) == {
        "D": (),
        "D2": (ReviewGap.OPINIONS_NOT_RECORDED, ReviewGap.NOT_PUBLISHED),
    }
    # before D2's review took place, it was not reviewed yet
    assert review_gaps(reg, "U", 2024, date(2024, 2, 29))["D2"] == (
        ReviewGap.NOT_REVIEWED,
    )
    # a minimum of two reviews a year: one complete review is not enough
    assert review_gaps(reg, "U", 2023, AS_OF, minimum=2)["D"] == (
        ReviewGap.NOT_REVIEWED,
    )
