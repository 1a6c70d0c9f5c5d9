"""The seat plan's arithmetic and the checks of entering a delegate, without Django
(CON-4, CON-6 · GS-8, CQ-3; :mod:`tongxue.domain.seats`).

The congress services call these; ``tests/integration/test_congress_grades.py`` and
``test_congress_delegates.py`` check the same through the services and the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from tongxue.domain import apportionment as ap
from tongxue.domain import seats
from tongxue.domain.findings import Refusal

#: Three departments × three grades (students).
MATRIX = {
    "D1": {1: 120, 2: 100, 3: 80},
    "D2": {1: 60, 2: 70, 3: 0},
    "D3": {1: 30, 2: 20, 3: 40},
}


@contextmanager
def _refused(code: str, field: str | None = None) -> Iterator[None]:
    """Expect a refusal with this code (and field)."""
    with pytest.raises(Refusal) as info:
        yield
    assert info.value.code == code
    if field is not None:
        assert info.value.field == field


# ------------------------------------------------------------------ seats by grade


def test_the_grade_matrix_keeps_the_departments_order_and_the_grades_with_students():
    grid = seats.grade_matrix(
        {"D2": {2: 5, 1: 3}, "D1": {1: 0, 4: 0}}, ["D1", "D2", "D3"]
    )
    assert grid.departments == ("D1", "D2", "D3")
    assert grid.grades == (1, 2)  # grade 4 has no students anywhere
    assert grid.students == ((0, 0), (3, 5), (0, 0))
    assert grid.department_students(1) == 8
    assert grid.grade_students(0) == 3


def test_seats_by_grade_meet_both_margins_and_reproduce_every_cell():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    shared = seats.seats_by_grade(grid, 20, method=ap.Method.SAINTE_LAGUE, min_seats=1)
    rows = [shared.departments.seats[d] for d in grid.departments]
    cols = [shared.grades.seats[str(g)] for g in grid.grades]
    assert sum(rows) == sum(cols) == 20
    cells = shared.cells
    assert [sum(r) for r in cells.seats] == rows
    assert [sum(c) for c in zip(*cells.seats, strict=True)] == cols
    assert min(rows) >= 1 and min(cols) >= 1  # every department and grade
    # every cell is the Sainte-Laguë rounding of its quotient
    for i, row in enumerate(grid.students):
        for j, w in enumerate(row):
            q = w / (cells.row_divisors[i] * cells.column_divisors[j])
            assert cells.seats[i][j] - 0.5 <= q <= cells.seats[i][j] + 0.5
    assert cells.seats[1][2] == 0  # D2 has no third-year students
    assert shared.lots() == []


def test_seats_by_grade_uses_the_unions_method_for_the_departments():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    for method in ap.Method:
        shared = seats.seats_by_grade(grid, 20, method=method, min_seats=1)
        expected = ap.apportion(
            [(d, grid.department_students(i)) for i, d in enumerate(grid.departments)],
            20,
            method=method,
            minimum=1,
        )
        assert shared.departments.seats == expected.seats


def test_a_tie_between_departments_is_refused_or_broken_by_the_published_lot():
    even = {"D1": {1: 50, 2: 50}, "D2": {1: 50, 2: 50}, "D3": {1: 50, 2: 50}}
    grid = seats.grade_matrix(even, ["D1", "D2", "D3"])
    with pytest.raises(ap.ApportionmentTie):
        seats.seats_by_grade(grid, 4, method="sainte-lague", min_seats=1)
    shared = seats.seats_by_grade(
        grid, 4, method="sainte-lague", min_seats=1, tie="lot", seed=7
    )
    lots = shared.lots()
    assert lots and lots[0]["step"] == "departments" and lots[0]["seed"] == 7
    assert sum(sum(r) for r in shared.cells.seats) == 4


def test_too_few_seats_for_every_department_and_grade_is_an_apportionment_error():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    with pytest.raises(ap.ApportionmentError):
        seats.seats_by_grade(grid, 2, method="hamilton", min_seats=1)
    # three seats: one per department and one per grade is possible
    shared = seats.seats_by_grade(grid, 3, method="hamilton", min_seats=1)
    assert sum(map(sum, shared.cells.seats)) == 3


def test_the_matrix_is_refused_when_it_names_another_unit_or_leaves_one_empty():
    names = {"D1": "一系", "D2": "二系"}
    seats.check_grade_matrix({"D1": {1: 1}, "D2": {2: 1}}, names)  # fine
    with _refused("CON-4.unknown-department", "matrix"):
        seats.check_grade_matrix({"D1": {1: 1}, "D2": {1: 1}, "X": {1: 1}}, names)
    with _refused("CON-4.students-missing", "matrix"):
        seats.check_grade_matrix({"D1": {1: 1}, "D2": {1: 0}}, names, ("GS-8",))
    with _refused("CON-4.students-missing"):
        seats.check_grade_matrix({"D1": {1: 1}}, names)  # D2 absent: none


# ------------------------------------------------------------ entering a delegate


def test_the_seats_grade_is_given_or_the_registrys_and_only_when_seats_are_by_grade():
    kw = {"by_grade": True, "club": False}
    assert seats.seat_grade(**kw, given=2, registered=3) == 2
    assert seats.seat_grade(**kw, given=None, registered=3) == 3
    with _refused("required", "grade"):
        seats.seat_grade(**kw, given=None, registered=None)
    assert seats.seat_grade(by_grade=True, club=True, given=2, registered=3) is None
    assert seats.seat_grade(by_grade=False, club=False, given=2, registered=3) is None


def test_a_department_seat_is_for_its_students_and_a_club_seat_for_anyone():
    kw = {"person": "张三", "seat": "一系", "seat_unit": 1}
    seats.check_department(**kw, club=False, department=1)
    seats.check_department(**kw, club=False, department=None)  # not in the registry
    seats.check_department(**kw, club=True, department=2)
    with _refused("CON-4.seat-mismatch", "seat"):
        seats.check_department(**kw, club=False, department=2)


def test_a_seat_takes_delegates_up_to_its_capacity():
    seats.check_room(seat="一系 · 1", capacity=3, taken=2)
    with _refused("CON-4.seat-full", "seat"):
        seats.check_room(seat="一系 · 1", capacity=3, taken=3)
    with _refused("CON-4.no-seat", "seat"):
        seats.check_room(seat="一系", capacity=None, taken=0)
    assert seats.seat_label("一系", None) == "一系"
    assert seats.seat_label("一系", 2) == "一系 · 2"


OPENED = date(2026, 10, 1)


def _election(**changes: object) -> None:
    kw: dict[str, object] = {
        "unit": "一班",
        "kind": "class_committee",
        "within_seat": True,
        "seat": "一系",
        "club_seat": False,
        "electorate": 30,
        "votes_cast": 30,
        "held": OPENED,
        "opened": OPENED,
    }
    kw.update(changes)
    seats.check_election(**kw)  # type: ignore[arg-type]


def test_the_election_is_by_a_class_or_department_within_the_seat():
    _election()  # votes cast = electorate, held the day the congress opens
    _election(kind="department_union")
    with _refused("CON-6.election", "electing_unit"):
        _election(kind="club")
    _election(kind="club", club_seat=True)  # a club elects for its own seat
    with _refused("CON-6.election", "electing_unit"):
        _election(kind="school_union")
    with _refused("CON-6.election", "electing_unit"):
        _election(within_seat=False)


def test_the_electorate_votes_cast_and_day_of_the_election_are_checked():
    _election(electorate=1, votes_cast=1)
    with _refused("CON-6.election", "electorate"):
        _election(electorate=0, votes_cast=0)
    with _refused("CON-6.election", "votes_cast"):
        _election(electorate=30, votes_cast=31)
    with _refused("CON-6.election", "held"):
        _election(held=OPENED + timedelta(days=1))


def test_a_recorded_election_must_have_the_same_numbers():
    kw = {"unit": "一班", "held": OPENED, "recorded": (30, 28)}
    seats.check_recorded_election(**kw, given=(30, 28))  # type: ignore[arg-type]
    with _refused("CON-6.election", "electorate"):
        seats.check_recorded_election(**kw, given=(30, 29))  # type: ignore[arg-type]


def test_the_delegates_votes_are_given_and_within_the_votes_cast():
    seats.check_votes(28, 28)
    seats.check_votes(0, 28)
    for votes in (None, -1, 29):
        with _refused("CON-6.election", "votes"):
            seats.check_votes(votes, 28)
