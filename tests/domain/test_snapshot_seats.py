"""A congress's seat plan in a snapshot (CON-4 · GS-8, CQ-3): the meetings columns
``seats_by_grade``, ``seat_departments``, ``seat_grades``, ``seat_clubs``.

Optional: a file without them parses as before (no seat plan; the audit reads the
delegates). Parsed, checked with the row and field named, exported and read back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tongxue.domain.audit import audit
from tongxue.domain.model import SeatPlan
from tongxue.domain.snapshot import parse_tables, registry_to_tables


def _doc(**meeting: Any) -> dict[str, Any]:
    row = {
        "code": "C1",
        "organisation": "U",
        "kind": "congress",
        "opened": "2025-10-01",
    }
    row.update(meeting)
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {"code": "S", "name": "学校", "kind": "school"},
            {"code": "U", "name": "学生会", "kind": "school_union", "parent": "S"},
            {"code": "D1", "name": "一院", "kind": "department_union", "parent": "U"},
            {"code": "D2", "name": "二院", "kind": "department_union", "parent": "U"},
            {"code": "SL", "name": "社联", "kind": "club_federation", "parent": "S"},
            {"code": "K1", "name": "社团", "kind": "club", "parent": "SL"},
        ],
        "people": [
            {"id": f"{d}-{g}", "name": f"{d}{g}", "department": d, "grade": g}
            for d in ("D1", "D2")
            for g in (2024, 2025)
        ],
        "meetings": [row],
    }


def _errors(doc: dict[str, Any]) -> set[tuple[str, int, str | None]]:
    _snap, errors = parse_tables(doc)
    return {(e.table, e.row, e.field) for e in errors}


def _con4(doc: dict[str, Any]) -> list[str]:
    snap, errors = parse_tables(doc)
    assert errors == []
    report = audit(snap, as_of=date(2026, 6, 30))
    return sorted(f.rule for f in report.findings if f.requirement == "CON-4")


def test_a_seat_plan_parses_and_is_read_by_the_audit() -> None:
    doc = _doc(
        seats_by_grade=True,
        seat_departments="D1, D2",
        seat_grades=["2024", "2025"],
        seat_clubs=["K1"],
    )
    snap, errors = parse_tables(doc)
    assert errors == []
    (meeting,) = snap.meetings
    assert meeting.seats == SeatPlan(True, ("D1", "D2"), (2024, 2025), ("K1",))
    assert _con4(doc) == []


def test_each_gap_in_a_file_is_a_finding() -> None:
    full = {"seat_departments": "D1, D2", "seat_grades": "2024, 2025"}
    assert _con4(_doc(seats_by_grade=True, **full, seat_clubs="")) == [
        "CON-4.clubs-uncovered"
    ]
    assert _con4(
        _doc(seats_by_grade=False, seat_departments="D1, D2", seat_clubs="K1")
    ) == ["CON-4.grades-not-allocated"]
    assert _con4(
        _doc(seats_by_grade=True, **full | {"seat_departments": "D2"}, seat_clubs="K1")
    ) == ["CON-4.departments-uncovered"]


def test_a_file_without_the_columns_has_no_seat_plan() -> None:
    snap, errors = parse_tables(_doc())
    assert errors == [] and snap.meetings[0].seats is None


def test_mistakes_name_the_row_and_field() -> None:
    # seats listed without saying how they were allocated
    assert _errors(_doc(seat_departments="D1")) == {("meetings", 1, "seats_by_grade")}
    # a grade that is not a year
    assert _errors(_doc(seats_by_grade=True, seat_grades="大一")) == {
        ("meetings", 1, "seat_grades")
    }
    # grades for an allocation by department only
    assert _errors(_doc(seats_by_grade=False, seat_grades="2024")) == {
        ("meetings", 1, "seat_grades")
    }
    # an organisation the file does not hold
    assert _errors(_doc(seats_by_grade=True, seat_departments="NOPE")) == {
        ("meetings", 1, "seat_departments")
    }


def test_export_writes_the_plan_and_reads_back_the_same() -> None:
    snap, errors = parse_tables(
        _doc(
            seats_by_grade=True,
            seat_departments="D1, D2",
            seat_grades="2025, 2024",
            seat_clubs="K1",
        )
    )
    assert errors == []
    doc = registry_to_tables(snap)
    (row,) = doc["meetings"]
    assert row["seats_by_grade"] is True
    assert row["seat_grades"] == ["2024", "2025"]
    again, errors = parse_tables(doc)
    assert errors == [] and again.meetings == snap.meetings
    # a meeting without a plan exports no seat columns
    plain, _ = parse_tables(_doc())
    assert "seats_by_grade" not in registry_to_tables(plain)["meetings"][0]
