"""A snapshot carries a meeting's status, written work reports and standing conferences.

``meetings.status`` (optional): only a meeting that convened counts for the audit; a
blank status (a file written before the column) is a record of a meeting held. The
optional tables ``written_reports`` (CON-13) and ``standing_conferences`` (CON-8 … 10)
are read for the audit of a file and written back by export.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from tests.domain.test_snapshot import GOOD, where
from tongxue.domain import model as dm
from tongxue.domain.audit import audit
from tongxue.domain.snapshot import parse_tables, registry_to_tables

AS_OF = date(2026, 11, 1)


def _doc(status: str | None = None, **tables: Any) -> dict[str, Any]:
    out = copy.deepcopy(GOOD)
    if status is not None:
        out["meetings"][0]["status"] = status
    out.update(tables)
    return out


def _rules(doc: dict[str, Any], requirement: str, as_of: date = AS_OF) -> list[str]:
    snap, errors = parse_tables(doc)
    assert errors == []
    return sorted(
        f.rule
        for f in audit(snap, as_of=as_of).findings
        if f.requirement == requirement
    )


def test_a_status_parses_and_a_blank_one_means_held() -> None:
    snap, errors = parse_tables(_doc("delegates_elected"))
    assert errors == []
    assert snap.meetings[0].status == dm.MeetingStatus.DELEGATES_ELECTED
    old, errors = parse_tables(_doc())
    assert errors == [] and old.meetings[0].status is None
    assert old.meetings[0].held_by(date(2025, 11, 1))
    assert not old.meetings[0].held_by(date(2025, 10, 31))  # its day had not come


def test_an_unknown_status_is_named_by_row_and_field() -> None:
    _, errors = parse_tables(_doc("held"))
    assert where(errors) == {("meetings", 1, "status")}


def test_a_congress_that_never_convened_counts_for_nothing_in_a_file() -> None:
    assert _rules(_doc("closed"), "CON-1") == []
    assert _rules(_doc(), "CON-1") == []  # blank: a record of a congress held
    assert _rules(_doc("delegates_elected"), "CON-1") == ["CON-1.no-congress"]
    assert _rules(_doc("planned"), "CON-7") == []


def test_written_reports_and_standing_conferences_parse_audit_and_export() -> None:
    doc = _doc(
        written_reports=[{"organisation": "SU", "code": "W1", "filed": "2025-12-01"}],
        standing_conferences=[{"organisation": "SU", "adopted": "2025-12-15"}],
    )
    snap, errors = parse_tables(doc)
    assert errors == []
    assert snap.written_reports == (dm.WrittenReport("SU", date(2025, 12, 1), "W1"),)
    assert snap.standing_conferences == (
        dm.StandingConference("SU", date(2025, 12, 15)),
    )
    out = registry_to_tables(snap)
    assert out["written_reports"] == doc["written_reports"]
    assert out["standing_conferences"] == doc["standing_conferences"]
    # CON-13 on 2027-01-01 judges 2026: the 2025 report does not count for it
    assert _rules(doc, "CON-13", date(2026, 1, 1)) == []
    assert _rules(doc, "CON-13", date(2027, 1, 1)) == ["CON-13.work-report-overdue"]
    # CON-9 binds from 2026 (adopted in 2025): 2026 had no congress nor meeting
    assert _rules(doc, "CON-9", date(2026, 1, 1)) == []
    assert _rules(doc, "CON-9", date(2027, 1, 1)) == ["CON-9.standing-conference"]
    without = _doc()
    assert _rules(without, "CON-9", date(2027, 1, 1)) == []  # never adopted


def test_the_new_tables_name_their_problems() -> None:
    _, errors = parse_tables(
        _doc(
            written_reports=[
                {"organisation": "NOPE", "code": "W1", "filed": "2025-12-01"},
                {"organisation": "SU", "code": "W2", "filed": "x"},
            ],
            standing_conferences=[{"organisation": "SU"}],
        )
    )
    assert where(errors) == {
        ("written_reports", 1, "organisation"),
        ("written_reports", 2, "filed"),
        ("standing_conferences", 1, "adopted"),
    }


def test_export_writes_a_status_only_where_one_is_recorded() -> None:
    snap, _ = parse_tables(_doc())
    assert "status" not in registry_to_tables(snap)["meetings"][0]
    snap, _ = parse_tables(_doc("convened"))
    assert registry_to_tables(snap)["meetings"][0]["status"] == "convened"
