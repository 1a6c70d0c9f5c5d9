"""Snapshot parsing (ORG-1): every problem named by table, row and field, all at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tongxue.domain import model as dm
from tongxue.domain.snapshot import (
    DOCUMENT,
    ROW_KEY,
    SnapshotError,
    parse_tables,
    registry_to_tables,
    to_bool,
)


def org(code: str, parent: str | None = None, **kw: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"组织{code}",
        "kind": "school_union",
        "parent": parent,
        **kw,
    }


def doc(**tables: Any) -> dict[str, Any]:
    return {"format": "tongxue-snapshot", "version": 1, **tables}


def where(errors: list[SnapshotError]) -> set[tuple[str, int, str | None]]:
    return {(e.table, e.row, e.field) for e in errors}


def texts(errors: list[SnapshotError]) -> list[str]:
    return [e.message.render() for e in errors]


GOOD = doc(
    organisations=[
        org("U", kind="school", school_type="general_university", students_served=100),
        org("SU", "U", students_served=100),
        org("D1", "SU", kind="department_union", students_served=50),
    ],
    people=[
        {
            "id": "P1",
            "name": "张三",
            "gender": "female",
            "department": "D1",
            "grade": 2023,
        },
        {"id": "P2", "name": "李四"},
    ],
    positions=[
        {
            "organisation": "SU",
            "person": "P1",
            "role": "president",
            "title": "主席",
            "start": "2025-09-01",
            "end": None,
            "branch_campus": False,
        },
    ],
    meetings=[
        {
            "code": "M1",
            "organisation": "SU",
            "kind": "congress",
            "opened": "2025-11-01",
            "session": 3,
            "work_report": True,
        }
    ],
    delegates=[{"meeting": "M1", "person": "P1"}, {"meeting": "M1", "person": "P2"}],
    reviews=[{"reviewer": "SU", "reviewed": "D1", "held": "2025-12-01"}],
    justifications=[
        {
            "organisation": "SU",
            "rule": "ORG-6.core-members",
            "reason": "r",
            "approved_by": "团委",
            "approved_on": "2026-01-10",
        }
    ],
)


def test_a_good_snapshot_parses_into_the_registry() -> None:
    reg, errors = parse_tables(GOOD)
    assert errors == []
    assert reg.org["D1"].parent == "SU"
    assert reg.org["U"].school_type is dm.SchoolType.GENERAL_UNIVERSITY
    assert reg.person["P1"].gender is dm.Gender.FEMALE
    assert reg.person["P2"].kind is dm.PersonKind.STUDENT  # the default
    assert reg.positions[0].start == date(2025, 9, 1)
    assert reg.meetings[0].delegates == ("P1", "P2")
    assert reg.delegates == (("M1", "P1"), ("M1", "P2"))
    assert reg.reviews[0].assessment_published is False


def test_every_table_may_be_absent() -> None:
    reg, errors = parse_tables({})
    assert errors == []
    assert reg.organisations == ()


def test_parents_may_come_after_children() -> None:
    _, errors = parse_tables(
        doc(organisations=[org("C", "B"), org("B", "A"), org("A")])
    )
    assert errors == []


def test_required_fields_are_reported_with_row_and_field() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[
                org("A"),
                {"code": "B", "kind": "club"},
                {"name": "x", "kind": "club"},
            ]
        )
    )
    assert where(errors) == {("organisations", 2, "name"), ("organisations", 3, "code")}
    assert all(e.message.text == "This field is required." for e in errors)


def test_wrong_types_are_reported() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[
                org("A", students_served="many", branch_campuses=1.5, name_en=7)
            ],
            positions=[
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "干事",
                    "start": "2025-09-01",
                    "branch_campus": "maybe",
                }
            ],
            people=[{"id": "P", "name": "x", "grade": True}],
        )
    )
    assert where(errors) == {
        ("organisations", 1, "students_served"),
        ("organisations", 1, "branch_campuses"),
        ("organisations", 1, "name_en"),
        ("positions", 1, "branch_campus"),
        ("people", 1, "grade"),
    }


def test_enum_values_must_be_allowed() -> None:
    _, errors = parse_tables(
        doc(organisations=[org("A", kind="union", school_type="大学")])
    )
    assert where(errors) == {
        ("organisations", 1, "kind"),
        ("organisations", 1, "school_type"),
    }
    assert "school_union" in texts(errors)[0]


def test_negative_numbers_are_refused_and_zero_is_fine() -> None:
    _, errors = parse_tables(
        doc(organisations=[org("A", students_served=-1), org("B", students_served=0)])
    )
    assert where(errors) == {("organisations", 1, "students_served")}
    assert errors[0].message.params == {"value": -1}


def test_numbers_too_big_for_the_column_are_refused() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[
                org("A", branch_campuses=32768),
                org("B", branch_campuses=32767),
            ]
        )
    )
    assert where(errors) == {("organisations", 1, "branch_campuses")}


def test_bad_dates_are_refused() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[org("A")],
            people=[{"id": "P", "name": "x"}],
            positions=[
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": "2025-02-30",
                },
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": "1/9/2025",
                },
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": 45000,
                },
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": date(2025, 9, 1),
                },
            ],
        )
    )
    assert where(errors) == {
        ("positions", 1, "start"),
        ("positions", 2, "start"),
        ("positions", 3, "start"),
    }


def test_an_end_before_the_start_is_refused() -> None:
    base = {"organisation": "A", "person": "P", "role": "member", "title": "t"}
    _, errors = parse_tables(
        doc(
            organisations=[org("A")],
            people=[{"id": "P", "name": "x"}],
            positions=[
                {**base, "start": "2025-09-01", "end": "2025-08-31"},
                {**base, "start": "2024-09-01", "end": "2024-09-01"},
            ],
        )
    )
    assert where(errors) == {("positions", 1, "end")}


def test_duplicates_name_the_first_row() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[org("A"), org("B"), org("A")],
            people=[{"id": "P", "name": "x"}],
            delegates=[],
            positions=[
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": "2025-09-01",
                },
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "other",
                    "start": "2025-09-01",
                },
                {
                    "organisation": "A",
                    "person": "P",
                    "role": "member",
                    "title": "t",
                    "start": "2025-09-02",
                },
            ],
        )
    )
    assert where(errors) == {("organisations", 3, "code"), ("positions", 2, None)}
    assert errors[0].message.params["other"] == 1


def test_unknown_references_are_reported_per_field() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[org("A", "NOPE")],
            people=[{"id": "P", "name": "x", "department": "D?", "class": "K?"}],
            positions=[
                {
                    "organisation": "Z",
                    "person": "Q",
                    "role": "member",
                    "title": "t",
                    "start": "2025-09-01",
                }
            ],
            meetings=[
                {
                    "code": "M",
                    "organisation": "Y",
                    "kind": "congress",
                    "opened": "2025-01-01",
                }
            ],
            delegates=[{"meeting": "M?", "person": "P"}],
            reviews=[{"reviewer": "A", "reviewed": "X", "held": "2025-01-01"}],
            justifications=[
                {
                    "organisation": "W",
                    "rule": "r",
                    "reason": "x",
                    "approved_by": "y",
                    "approved_on": "2025-01-01",
                }
            ],
        )
    )
    assert where(errors) == {
        ("organisations", 1, "parent"),
        ("people", 1, "department"),
        ("people", 1, "class"),
        ("positions", 1, "organisation"),
        ("positions", 1, "person"),
        ("meetings", 1, "organisation"),
        ("delegates", 1, "meeting"),
        ("reviews", 1, "reviewed"),
        ("justifications", 1, "organisation"),
    }
    assert "Unknown organisation code “NOPE”." in texts(errors)


def test_references_may_point_to_stored_rows() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[org("A", "ROOT")],
            positions=[
                {
                    "organisation": "A",
                    "person": "OLD",
                    "role": "member",
                    "title": "t",
                    "start": "2025-09-01",
                }
            ],
            delegates=[{"meeting": "M-OLD", "person": "OLD"}],
        ),
        known_orgs={"ROOT"},
        known_people={"OLD"},
        known_meetings={"M-OLD"},
    )
    assert errors == []


def test_cycles_in_the_parent_chain_are_reported_once() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[
                org("A", "C"),
                org("B", "A"),
                org("C", "B"),
                org("D", "A"),
                org("E", "E"),
            ]
        )
    )
    assert where(errors) == {
        ("organisations", 1, "parent"),
        ("organisations", 5, "parent"),
    }
    assert errors[0].message.params == {"value": "A", "chain": "A → C → B → A"}
    assert errors[1].message.text == "An organisation cannot be its own parent."


def test_codes_cannot_contain_a_slash() -> None:
    _, errors = parse_tables(doc(organisations=[org("A/B")]))
    assert where(errors) == {("organisations", 1, "code")}


def test_unknown_fields_tables_and_format_are_reported() -> None:
    _, errors = parse_tables(
        {
            "format": "other",
            "version": 2,
            "orgs": [],
            "organisations": [org("A", colour="red")],
        }
    )
    assert where(errors) == {
        (DOCUMENT, 0, "format"),
        (DOCUMENT, 0, "version"),
        (DOCUMENT, 0, None),
        ("organisations", 1, None),
    }


def test_rows_that_are_not_objects_and_tables_that_are_not_lists() -> None:
    _, errors = parse_tables(doc(organisations=[org("A"), "B"], people={"id": "P"}))
    assert where(errors) == {("organisations", 2, None), ("people", 0, None)}


def test_all_errors_are_reported_at_once() -> None:
    _, errors = parse_tables(
        doc(
            organisations=[org("A", kind="x"), org("B", students_served=-5), org("A")],
            people=[{"id": "P", "name": "", "gender": "other"}],
        )
    )
    assert len(errors) == 4
    assert where(errors) == {
        ("organisations", 1, "kind"),
        ("organisations", 2, "students_served"),
        ("people", 1, "name"),
        ("people", 1, "gender"),
    }


def test_row_numbers_follow_the_offset_or_the_row_key() -> None:
    _, errors = parse_tables(
        doc(organisations=[org("A"), {"code": "B", "kind": "club"}]), row_offset=2
    )
    assert where(errors) == {("organisations", 3, "name")}
    _, errors = parse_tables(
        doc(organisations=[{"code": "B", "kind": "club", ROW_KEY: 17}])
    )
    assert where(errors) == {("organisations", 17, "name")}


def test_blank_optional_cells_are_absent() -> None:
    reg, errors = parse_tables(
        doc(organisations=[org("A", school_type="", county=" ", students_served=None)])
    )
    assert errors == []
    assert reg.org["A"].school_type is None and reg.org["A"].county is None


def test_texts_longer_than_the_column_are_refused() -> None:
    _, errors = parse_tables(doc(organisations=[org("A" * 65), org("B" * 64)]))
    assert where(errors) == {("organisations", 1, "code")}


@pytest.mark.parametrize(
    ("cell", "truth"),
    [
        (True, True),
        ("是", True),
        ("TRUE", True),
        (1, True),
        ("否", False),
        ("false", False),
        (0, False),
        ("maybe", None),
        (2, None),
    ],
)
def test_yes_no_cells(cell: Any, truth: bool | None) -> None:
    assert to_bool(cell) is truth


def test_registry_to_tables_is_the_inverse_of_parse() -> None:
    reg, _ = parse_tables(GOOD)
    out = registry_to_tables(reg)
    again, errors = parse_tables(out)
    assert errors == []
    assert registry_to_tables(again) == out
    assert [o["code"] for o in out["organisations"]] == [
        "U",
        "SU",
        "D1",
    ]  # parents first
    assert out["positions"][0]["start"] == "2025-09-01"


def test_registry_to_tables_keeps_only_the_subtree_of_the_root() -> None:
    reg, _ = parse_tables(GOOD)
    out = registry_to_tables(reg, root="SU")
    assert [o["code"] for o in out["organisations"]] == ["SU", "D1"]
    assert out["organisations"][0]["parent"] == "U"  # the root keeps its parent code
    assert out["root"] == "SU"
