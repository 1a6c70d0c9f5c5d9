"""The snapshot table ``guidance`` (GOV-1, GOV-2 · GS-14, CQ-9): parsed, checked, exported.

Optional like the other later tables: a file without it parses and exports as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tongxue.domain.audit import audit
from tongxue.domain.model import GuidanceKind
from tongxue.domain.snapshot import parse_tables, registry_to_tables


def _doc(**tables: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {"code": "S", "name": "学校", "kind": "school"},
            {"code": "U", "name": "学生会", "kind": "school_union", "parent": "S"},
            {"code": "G", "name": "研究生会", "kind": "graduate_union", "parent": "S"},
            {
                "code": "D",
                "name": "院学生会",
                "kind": "department_union",
                "parent": "U",
            },
        ],
    }
    doc.update(tables)
    return doc


def _row(**kw: Any) -> dict[str, Any]:
    row = {
        "organisation": "U",
        "kind": "party_hearing",
        "held": "2026-03-10",
        "by": "校党委常委会",
        "summary": "听取学生会工作汇报，提出指导要求",
    }
    row.update(kw)
    return row


def _errors(doc: dict[str, Any]) -> set[tuple[str, int, str | None]]:
    _snap, errors = parse_tables(doc)
    return {(e.table, e.row, e.field) for e in errors}


def test_rows_parse_into_the_registry() -> None:
    snap, errors = parse_tables(
        _doc(
            guidance=[
                _row(),
                _row(kind="league_guidance", organisation="G", public=True),
            ]
        )
    )
    assert errors == []
    first, second = snap.guidance
    assert (first.organisation, first.kind, first.held) == (
        "U",
        GuidanceKind.PARTY_HEARING,
        date(2026, 3, 10),
    )
    assert (first.by, first.public) == ("校党委常委会", False)
    assert (second.kind, second.public) == (GuidanceKind.LEAGUE_GUIDANCE, True)


def test_export_writes_the_rows_back() -> None:
    rows = [_row(), _row(kind="league_guidance", held="2026-04-01", public=True)]
    snap, errors = parse_tables(_doc(guidance=rows))
    assert errors == []
    out = registry_to_tables(snap)["guidance"]
    assert out == [{**rows[0], "public": False}, rows[1]]
    again, errors = parse_tables(_doc(guidance=out))
    assert errors == [] and again.guidance == snap.guidance


def test_an_old_snapshot_without_the_table_still_parses_and_exports_as_before() -> None:
    snap, errors = parse_tables(_doc())
    assert errors == [] and snap.guidance == ()
    assert "guidance" not in registry_to_tables(snap)


def test_every_problem_is_named_by_table_row_and_field() -> None:
    doc = _doc(
        guidance=[
            _row(),
            _row(),  # the same union, kind and day as row 1
            _row(organisation="D"),  # not a school-level union
            _row(organisation="NOPE"),
            _row(kind="chat", held="2026-05-01"),
            _row(held="10/03/2026"),
            _row(held="2026-06-01", summary=" "),
            _row(held="2026-06-02", by=""),
        ]
    )
    assert _errors(doc) == {
        ("guidance", 2, None),
        ("guidance", 3, "organisation"),
        ("guidance", 4, "organisation"),
        ("guidance", 5, "kind"),
        ("guidance", 6, "held"),
        ("guidance", 7, "summary"),
        ("guidance", 8, "by"),
    }


def test_the_audit_of_a_file_reads_the_table() -> None:
    as_of = date(2026, 6, 30)
    snap, _ = parse_tables(_doc())
    before = {
        (f.organisation, f.rule)
        for f in audit(snap, as_of=as_of).findings
        if f.requirement == "GOV-1"
    }
    assert before == {
        ("U", "GOV-1.party-hearing-overdue"),
        ("G", "GOV-1.party-hearing-overdue"),
    }
    snap, _ = parse_tables(
        _doc(guidance=[_row(held="2025-06-30"), _row(organisation="G")])
    )
    assert not [
        f for f in audit(snap, as_of=as_of).findings if f.requirement == "GOV-1"
    ]
