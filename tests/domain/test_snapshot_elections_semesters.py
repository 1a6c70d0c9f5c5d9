"""The optional snapshot tables ``elections`` (ELE-1, ELE-3) and ``semesters`` (CAD-4).

Parsed like the others (every problem named by table, row and field, all at once),
written back by export, and read by the audit of a file; a file without them parses,
exports and audits exactly as before.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

from tests.domain.test_snapshot import GOOD, doc, where
from tongxue.domain import model as dm
from tongxue.domain.audit import audit
from tongxue.domain.snapshot import parse_tables, registry_to_tables

SAMPLE = Path(__file__).parent.parent / "data" / "sample.json"
AS_OF = date(2026, 11, 1)


def with_tables(**tables: Any) -> dict[str, Any]:
    out = copy.deepcopy(GOOD)
    out["meetings"].append(
        {
            "code": "S1",
            "organisation": "SU",
            "kind": "standing_conference",
            "opened": "2026-03-01",
        }
    )
    out.update(tables)
    return out


ELECTIONS = [
    {
        "code": "E1",
        "organisation": "SU",
        "meeting": "M1",
        "post": "president",
        "status": "effective",
    },
    {"code": "E2", "organisation": "SU", "meeting": "S1", "post": "vice_president"},
]
SEMESTERS = [
    {
        "organisation": "SU",
        "code": "2026-spring",
        "start": "2026-02-20",
        "end": "2026-07-10",
        "closed": True,
        "reports": ["P1"],
    },
    {
        "organisation": "SU",
        "code": "2026-autumn",
        "start": "2026-09-01",
        "end": "2027-01-15",
        "reports": "",
    },
]


def test_elections_and_semesters_parse_into_the_registry() -> None:
    reg, errors = parse_tables(with_tables(elections=ELECTIONS, semesters=SEMESTERS))
    assert errors == []
    assert reg.elections == (
        dm.Election("SU", "E1", "M1", "president", "effective"),
        dm.Election("SU", "E2", "S1", "vice_president", "draft"),  # the default status
    )
    assert reg.semesters == (
        dm.Semester(
            "SU", "2026-spring", date(2026, 2, 20), date(2026, 7, 10), True, ("P1",)
        ),
        dm.Semester("SU", "2026-autumn", date(2026, 9, 1), date(2027, 1, 15)),
    )


def test_the_audit_of_a_file_sees_elections_and_reports() -> None:
    """ELE-1: vice-presidents elected by the standing conference; CAD-4: P1 reported,
    so nothing is missing until a second presidium member is added without a report."""
    tables = with_tables(elections=ELECTIONS, semesters=SEMESTERS)
    reg, _ = parse_tables(tables)
    rules = [f.rule for f in audit(reg, as_of=AS_OF).findings]
    assert rules.count("ELE-1.wrong-body") == 1
    assert "CAD-4.report-missing" not in rules
    tables["positions"].append(
        {
            "organisation": "SU",
            "person": "P2",
            "role": "vice_president",
            "title": "副主席",
            "start": "2025-09-01",
        }
    )
    reg, _ = parse_tables(tables)
    missing = [
        f for f in audit(reg, as_of=AS_OF).findings if f.rule == "CAD-4.report-missing"
    ]
    assert [(f.evidence["person"], f.evidence["semester"]) for f in missing] == [
        ("P2", "2026-spring")
    ]


def test_reports_may_be_a_list_or_a_text_of_ids() -> None:
    for cell in (
        "P1, P2",
        "P1，P2",
        "P1;P2",
        "P1 P2",
        ["P1", "P2"],
        ["P1", "P2", "P1"],
    ):
        semester = {**SEMESTERS[0], "reports": cell}
        reg, errors = parse_tables(with_tables(semesters=[semester]))
        assert errors == [], cell
        assert reg.semesters[0].reports == ("P1", "P2"), cell


def test_problems_are_named_by_table_row_and_field_all_at_once() -> None:
    elections = [
        {"code": "E1", "organisation": "SU", "meeting": "NOPE", "post": "president"},
        {"code": "E2", "organisation": "XX", "post": "president"},
        {"code": "E3", "organisation": "SU", "post": "chairman", "status": "done"},
        {"code": "E1", "organisation": "SU", "post": "member"},
        {"organisation": "SU", "post": "member"},
    ]
    semesters = [
        {**SEMESTERS[0], "reports": ["P1", "NOBODY"]},
        {**SEMESTERS[1], "end": "2026-08-01"},
        {**SEMESTERS[1], "code": "x", "start": "2026-13-01", "reports": 7},
        {**SEMESTERS[0]},
    ]
    _, errors = parse_tables(with_tables(elections=elections, semesters=semesters))
    assert where(errors) == {
        ("elections", 1, "meeting"),
        ("elections", 2, "organisation"),
        ("elections", 3, "post"),
        ("elections", 3, "status"),
        ("elections", 4, "code"),  # duplicate of row 1
        ("elections", 5, "code"),  # required
        ("semesters", 1, "reports"),
        ("semesters", 2, "end"),
        ("semesters", 3, "start"),
        ("semesters", 3, "reports"),
        ("semesters", 4, None),  # the same organisation + code as row 1
    }
    by_place = {(e.table, e.row, e.field): e.message.render() for e in errors}
    assert by_place[("semesters", 1, "reports")] == "Unknown person id “NOBODY”."
    assert by_place[("elections", 1, "meeting")] == "Unknown meeting code “NOPE”."
    assert by_place[("semesters", 2, "end")] == (
        "The end date 2026-08-01 is before the start date 2026-09-01."
    )
    assert by_place[("semesters", 3, "reports")].startswith(
        "Expected a list of identifiers"
    )


def test_references_may_point_to_stored_rows() -> None:
    tables = doc(
        elections=[
            {"code": "E", "organisation": "SU", "meeting": "M9", "post": "president"}
        ],
        semesters=[{**SEMESTERS[0], "reports": "P7"}],
    )
    _, errors = parse_tables(
        tables, known_orgs={"SU"}, known_people={"P7"}, known_meetings={"M9"}
    )
    assert errors == []


def test_export_writes_them_and_reads_them_back() -> None:
    reg, _ = parse_tables(with_tables(elections=ELECTIONS, semesters=SEMESTERS))
    out = registry_to_tables(reg)
    assert out["elections"][1] == {
        "code": "E2",
        "organisation": "SU",
        "meeting": "S1",
        "post": "vice_president",
        "status": "draft",
    }
    assert out["semesters"][0]["reports"] == ["P1"]
    again, errors = parse_tables(out)
    assert errors == []
    assert (again.elections, again.semesters) == (reg.elections, reg.semesters)
    # A subtree below the union leaves the union's elections and semesters out.
    assert "elections" not in registry_to_tables(reg, root="D1")


def test_a_file_without_them_parses_exports_and_audits_as_before() -> None:
    old = json.loads(SAMPLE.read_text("utf-8"))
    reg, errors = parse_tables(old)
    assert errors == []
    assert (reg.elections, reg.semesters) == ((), ())
    out = registry_to_tables(reg)
    assert "elections" not in out and "semesters" not in out
    assert set(out) == set(old)  # the same tables as before, no empty new ones
    # Adding elections by the right body and complete reports adds no finding.
    report = audit(reg, as_of=AS_OF)
    richer = copy.deepcopy(old)
    richer["elections"] = [
        {
            "code": "E1",
            "organisation": "LZU-SU",
            "meeting": "LZU-SU-C7",
            "post": "president",
        }
    ]
    richer["semesters"] = [
        {
            "organisation": "LZU-SU",
            "code": "2026-1",
            "start": "2026-02-20",
            "end": "2026-07-10",
            "closed": True,
            "reports": "P001, P002",
        }
    ]
    reg2, errors = parse_tables(richer)
    assert errors == []
    assert audit(reg2, as_of=AS_OF).findings == report.findings
