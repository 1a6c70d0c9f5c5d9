"""The snapshot table ``evaluations`` (CAD-3 · GS-12, CQ-7): counts only, parsed,
checked, exported and read back; a file without it reads as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.domain.builders import AS_OF, compliant, rules
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.domain.model import EvaluationPeriod
from tongxue.domain.snapshot import (
    TABLES,
    EvaluationDimension,
    parse_tables,
    registry_to_tables,
)

ORGS = [
    {"code": "S", "name": "大学", "kind": "school"},
    {"code": "U", "name": "校学生会", "kind": "school_union", "parent": "S"},
    {"code": "D", "name": "院学生会", "kind": "department_union", "parent": "U"},
]
ROW = {
    "organisation": "U",
    "code": "2026-1",
    "start": "2025-09-01",
    "end": "2026-01-15",
    "dimensions": "political, moral，learning duties; discipline",
    "cadres": 12,
    "participants": 40,
    "eligible": 50,
    "published": True,
}


def doc(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"organisations": ORGS, "evaluations": list(rows)}


def errors_of(*rows: dict[str, Any]) -> list[tuple[str, int, str | None]]:
    _, errors = parse_tables(doc(*rows))
    return [(e.table, e.row, e.field) for e in errors]


def test_the_dimension_choices_are_the_domains() -> None:
    assert tuple(d.value for d in EvaluationDimension) == DIMENSIONS
    assert [c.name for c in TABLES["evaluations"]] == [
        "organisation",
        "code",
        "start",
        "end",
        "dimensions",
        "cadres",
        "participants",
        "eligible",
        "published",
    ]


def test_a_row_is_read_in_counts() -> None:
    snap, errors = parse_tables(doc(ROW, {**ROW, "organisation": "D", "code": "x"}))
    assert errors == []
    assert snap.evaluations[0] == EvaluationPeriod(
        "U", "2026-1", date(2025, 9, 1), date(2026, 1, 15), DIMENSIONS, 12, 40, 50, True
    )


def test_blank_cells_are_not_recorded() -> None:
    row = {k: ROW[k] for k in ("organisation", "code", "start", "end")}
    snap, errors = parse_tables(doc(row))
    assert errors == []
    (e,) = snap.evaluations
    assert (e.dimensions, e.cadres, e.participants, e.eligible, e.published) == (
        (),
        None,
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dimensions": ["political", "creativity"]}, "dimensions"),
        ({"end": "2025-08-31"}, "end"),
        ({"participants": 51}, "participants"),
        ({"cadres": -1}, "cadres"),
        ({"organisation": "S"}, "organisation"),  # a school is not a union
        ({"organisation": "NOWHERE"}, "organisation"),
        ({"published": "maybe"}, "published"),
    ],
)
def test_a_bad_row_is_refused_naming_its_field(
    change: dict[str, Any], field: str
) -> None:
    assert errors_of({**ROW, **change}) == [("evaluations", 1, field)]


def test_as_many_raters_as_on_the_list_is_fine() -> None:
    assert errors_of({**ROW, "participants": 50}) == []


def test_a_duplicate_key_is_refused() -> None:
    assert errors_of(ROW, dict(ROW)) == [("evaluations", 2, None)]


def test_export_and_parse_again_give_the_same_registry() -> None:
    b = compliant()
    b.evaluate("U", date(2023, 1, 15), code="old", dimensions=("political",))
    b.evaluate("D", date(2024, 6, 1), code="blank", cadres=None, published=False)
    reg = b.build()
    tables = registry_to_tables(reg)
    assert {k for row in tables["evaluations"] for k in row} == {
        c.name for c in TABLES["evaluations"]
    }
    again, errors = parse_tables(tables)
    assert errors == []
    assert sorted(again.evaluations, key=str) == sorted(reg.evaluations, key=str)
    assert rules(again, "CAD-3", as_of=AS_OF) == rules(reg, "CAD-3", as_of=AS_OF)


def test_a_registry_without_evaluations_exports_as_before() -> None:
    b = compliant()
    b.evaluations = []
    tables = registry_to_tables(b.build())
    assert "evaluations" not in tables
    snap, errors = parse_tables(tables)  # and a file without the table reads
    assert errors == [] and snap.evaluations == ()
