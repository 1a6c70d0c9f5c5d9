"""Snapshots carry a department review's hearing (TRN-3 · GS-7, CQ-2).

The ``reviews`` table's columns added in v2 — ``report_heard``, ``opinions_heard``,
``opinions``, ``assessment``, ``rating``, ``published_on`` — are optional: a file from
before them still parses (a review row is the record of a hearing of the work report;
whether opinions were heard is not recorded), and the audit of a file sees what the
audit of the database sees.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tongxue.domain import model as dm
from tongxue.domain.audit import audit
from tongxue.domain.snapshot import parse_tables, registry_to_tables


def _doc(*reviews: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "default_profile": "gansu-2017",
        "organisations": [
            {
                "code": "U",
                "name": "大学",
                "kind": "school",
                "school_type": "general_university",
                "students_served": 1000,
            },
            {"code": "SU", "name": "校学生会", "kind": "school_union", "parent": "U"},
            {
                "code": "D1",
                "name": "文学院学生会",
                "kind": "department_union",
                "parent": "SU",
            },
        ],
        "reviews": list(reviews),
    }


def _row(**kw: Any) -> dict[str, Any]:
    return {"reviewer": "SU", "reviewed": "D1", "held": "2025-06-30", **kw}


def _trn3(doc: dict[str, Any]) -> list[str]:
    reg, errors = parse_tables(doc)
    assert errors == []
    report = audit(reg, as_of=date(2026, 3, 1))
    return sorted(f.rule for f in report.findings if f.requirement == "TRN-3")


def test_an_old_review_row_parses_with_opinions_not_recorded() -> None:
    reg, errors = parse_tables(_doc(_row(assessment_published=True)))
    assert errors == []
    (review,) = reg.reviews
    assert review.report_heard is True
    assert review.opinions_heard is None
    assert (review.opinions, review.assessment, review.rating) == ("", "", None)
    assert review.published_on is None
    # The audit says it cannot tell, not that the union broke the rule.
    assert _trn3(_doc(_row(assessment_published=True))) == [
        "TRN-3.opinions-not-recorded"
    ]


def test_every_column_parses() -> None:
    reg, errors = parse_tables(
        _doc(
            _row(
                assessment_published=True,
                report_heard=True,
                opinions_heard=True,
                opinions="  希望增加活动场地  ",
                assessment="工作扎实",
                rating="good",
                published_on="2025-07-10",
            )
        )
    )
    assert errors == []
    assert reg.reviews[0] == dm.Review(
        "SU",
        "D1",
        date(2025, 6, 30),
        True,
        report_heard=True,
        opinions_heard=True,
        opinions="希望增加活动场地",
        assessment="工作扎实",
        rating=dm.ReviewRating.GOOD,
        published_on=date(2025, 7, 10),
    )


def test_the_audit_of_a_file_judges_each_part() -> None:
    complete = {"assessment_published": True, "opinions_heard": True}
    assert _trn3(_doc(_row(**complete))) == []
    assert _trn3(_doc(_row(**complete, report_heard=False))) == [
        "TRN-3.department-reviews-missing"
    ]
    assert _trn3(_doc(_row(**complete | {"opinions_heard": False}))) == [
        "TRN-3.opinions-not-heard"
    ]
    # opinions written down were heard, whatever the flag's blank says
    assert _trn3(_doc(_row(assessment_published=True, opinions="建议"))) == []
    assert _trn3(_doc(_row(opinions_heard=True))) == ["TRN-3.assessment-unpublished"]
    # published after the audit day (2026-03-01): not yet published
    late = complete | {"published_on": "2026-03-02"}
    assert _trn3(_doc(_row(**late))) == ["TRN-3.assessment-unpublished"]
    on_time = complete | {"published_on": "2026-03-01"}
    assert _trn3(_doc(_row(**on_time))) == []


def test_contradictions_are_errors_naming_the_field() -> None:
    _, errors = parse_tables(
        _doc(
            _row(opinions_heard=False, opinions="有意见"),
            _row(held="2025-07-01", published_on="2025-07-02"),
            _row(
                held="2025-07-03", assessment_published=True, published_on="2025-07-02"
            ),
            _row(held="2025-07-04", rating="great"),
        )
    )
    assert [(e.row, e.field) for e in errors] == [
        (4, "rating"),
        (1, "opinions_heard"),
        (2, "published_on"),
        (3, "published_on"),
    ]
    rendered = [e.message.render() for e in errors]
    assert "excellent, good, pass, fail" in rendered[0]
    assert "2025-07-02" in rendered[3] and "2025-07-03" in rendered[3]


def test_export_writes_every_column_and_parses_back() -> None:
    doc = _doc(
        _row(
            assessment_published=True,
            opinions_heard=False,
            assessment="需改进",
            rating="fail",
            published_on="2025-08-01",
        ),
        _row(held="2025-09-01"),  # an old row: opinions not recorded
    )
    reg, errors = parse_tables(doc)
    assert errors == []
    out = registry_to_tables(reg)
    assert out["reviews"][0] == {
        "reviewer": "SU",
        "reviewed": "D1",
        "held": "2025-06-30",
        "assessment_published": True,
        "report_heard": True,
        "opinions_heard": False,
        "opinions": "",
        "assessment": "需改进",
        "rating": "fail",
        "published_on": "2025-08-01",
    }
    assert out["reviews"][1]["opinions_heard"] is None
    again, errors = parse_tables(out)
    assert errors == []
    assert again.reviews == reg.reviews
