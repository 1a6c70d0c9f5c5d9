"""The election of each delegate in a snapshot (CON-6 · GS-8, CQ-3): the optional
``delegates`` columns ``electing_unit``, ``election_date``, ``electorate``,
``votes_cast`` and ``votes`` — parsed, checked and exported."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from tongxue.domain.model import DelegateProvenance
from tongxue.domain.snapshot import TABLES, parse_tables, registry_to_tables

ELECTION = {
    "electing_unit": "K1",
    "election_date": "2025-10-10",
    "electorate": 40,
    "votes_cast": 38,
    "votes": 30,
}


def doc(*delegates: dict[str, Any]) -> dict[str, Any]:
    """A school union U with a department D, its class K1, a rights department and a
    congress C1; D2 (another school's department) and the delegates given."""
    return {
        "format": "tongxue-snapshot",
        "version": 1,
        "organisations": [
            {"code": "S", "name": "学校", "kind": "school"},
            {"code": "U", "name": "学生会", "kind": "school_union", "parent": "S"},
            {
                "code": "U-R",
                "name": "权益部",
                "kind": "functional_department",
                "parent": "U",
            },
            {
                "code": "D",
                "name": "院学生会",
                "kind": "department_union",
                "parent": "U",
            },
            {"code": "K1", "name": "一班", "kind": "class_committee", "parent": "D"},
            {"code": "S2", "name": "另一学校", "kind": "school"},
            {
                "code": "U2",
                "name": "另一学生会",
                "kind": "school_union",
                "parent": "S2",
            },
            {"code": "D2", "name": "院", "kind": "department_union", "parent": "U2"},
        ],
        "people": [{"id": f"P{n}", "name": f"代表{n}"} for n in range(1, 4)],
        "meetings": [
            {
                "code": "C1",
                "organisation": "U",
                "kind": "congress",
                "opened": "2025-11-01",
            }
        ],
        "delegates": list(delegates),
    }


def row(person: str, **election: Any) -> dict[str, Any]:
    return {"meeting": "C1", "person": person, **election}


def errors_of(document: dict[str, Any], **kw: Any) -> set[tuple[str, int, str | None]]:
    _, errors = parse_tables(document, **kw)
    return {(e.table, e.row, e.field) for e in errors}


def test_the_columns_are_optional_and_come_after_meeting_and_person() -> None:
    assert [c.name for c in TABLES["delegates"]] == [
        "meeting",
        "person",
        "electing_unit",
        "election_date",
        "electorate",
        "votes_cast",
        "votes",
    ]
    assert not any(c.required for c in TABLES["delegates"][2:])


def test_an_old_file_reads_as_before_with_no_election_recorded() -> None:
    snap, errors = parse_tables(doc(row("P1"), row("P2")))
    assert errors == []
    (meeting,) = snap.meetings
    assert meeting.delegates == ("P1", "P2")
    assert meeting.provenance == ()
    assert snap.elected_by == {}
    assert registry_to_tables(snap)["delegates"] == [
        {"meeting": "C1", "person": "P1"},
        {"meeting": "C1", "person": "P2"},
    ]


def test_the_election_is_read_and_exported_as_given() -> None:
    document = doc(
        row("P1", **ELECTION), row("P2"), row("P3", **{**ELECTION, "votes": None})
    )
    snap, errors = parse_tables(document)
    assert errors == []
    (meeting,) = snap.meetings
    assert meeting.provenance == (
        DelegateProvenance("P1", "K1", date(2025, 10, 10), 40, 38, 30),
        DelegateProvenance("P3", "K1", date(2025, 10, 10), 40, 38, None),
    )
    assert snap.elected_by[("C1", "P1")] == meeting.provenance[0]
    exported = registry_to_tables(snap)
    assert exported["delegates"] == [
        {"meeting": "C1", "person": "P1", **ELECTION},
        {"meeting": "C1", "person": "P2"},
        {"meeting": "C1", "person": "P3", **ELECTION, "votes": None},
    ]
    again, errors = parse_tables(copy.deepcopy(exported))
    assert errors == []
    assert again.meetings == snap.meetings


@pytest.mark.parametrize(
    ("election", "field"),
    [
        ({"election_date": None}, "election_date"),
        ({"electorate": None}, "electorate"),
        ({"votes_cast": None}, "votes_cast"),
        ({"electing_unit": None}, "electing_unit"),
        ({"votes": 39}, "votes"),  # one more than the ballots cast
        ({"votes_cast": 41}, "votes_cast"),  # one more than the voters
        ({"electorate": 0, "votes_cast": 0, "votes": 0}, "electorate"),
        ({"electing_unit": "U-R"}, "electing_unit"),  # a functional department
        ({"electing_unit": "U"}, "electing_unit"),  # the union itself
        ({"electing_unit": "D2"}, "electing_unit"),  # another school's
        ({"electing_unit": "NOWHERE"}, "electing_unit"),  # unknown
    ],
)
def test_a_bad_election_names_the_row_and_field(
    election: dict[str, Any], field: str
) -> None:
    document = doc(row("P1"), row("P2", **{**ELECTION, **election}))
    assert errors_of(document) == {("delegates", 2, field)}


def test_votes_alone_need_the_election() -> None:
    assert errors_of(doc(row("P1", votes=3))) == {
        ("delegates", 1, column)
        for column in ("electing_unit", "election_date", "electorate", "votes_cast")
    }


def test_at_the_limits_every_voter_voted_and_every_ballot_named_the_delegate() -> None:
    full = {**ELECTION, "electorate": 1, "votes_cast": 1, "votes": 1}
    assert errors_of(doc(row("P1", **full))) == set()
    assert errors_of(doc(row("P1", **{**ELECTION, "electing_unit": "D"}))) == set()


def test_one_election_has_one_set_of_figures() -> None:
    document = doc(
        row("P1", **ELECTION),
        row("P2", **{**ELECTION, "votes_cast": 37}),
        row("P3", **{**ELECTION, "election_date": "2025-10-11", "votes_cast": 37}),
    )
    _, errors = parse_tables(document)
    assert [(e.table, e.row, e.field) for e in errors] == [
        ("delegates", 2, "electorate")
    ]
    assert errors[0].message.params["other"] == 1


def test_a_unit_or_meeting_stored_elsewhere_is_left_to_the_import() -> None:
    document = doc(row("P1", **{**ELECTION, "electing_unit": "STORED"}))
    assert errors_of(document, known_orgs={"STORED"}) == set()
    stored_meeting = doc({**row("P1", **ELECTION), "meeting": "OLD"})
    assert errors_of(stored_meeting, known_meetings={"OLD"}) == set()
