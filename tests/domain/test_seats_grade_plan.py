"""The plan of seats by grade that the service stores and audits, without Django
(CON-4 · GS-8, CQ-3; :mod:`tongxue.domain.seats`): the main clubs listed, the house
the departments × grades share, a tie or an impossible share refused, the stored
explanation and the cells as audited.

``tests/integration/test_congress_grades.py`` checks the same through
:func:`tongxue.congresses.services.allocate_seats_by_grade` and the database.
"""

from __future__ import annotations

from fractions import Fraction

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
#: Every department with the same spread over the grades: the cells tie.
SAME_SPREAD = {"D0": {1: 10, 2: 10}, "D1": {1: 10, 2: 10}}


def test_the_main_clubs_listed_are_kept_once_in_their_order():
    allowed = {"C1", "C2", "C3"}
    assert seats.listed_main_clubs(["C2", "C1", "C2"], allowed) == ["C2", "C1"]
    assert seats.listed_main_clubs((), allowed) == []


def test_a_listed_unit_that_is_not_a_club_of_the_union_is_refused_by_name():
    with pytest.raises(Refusal) as info:
        seats.listed_main_clubs(["C1", "X", "Y", "X"], {"C1"}, ("GS-8", "CQ-3"))
    refusal = info.value
    assert refusal.code == "CON-4.not-a-club"
    assert refusal.field == "clubs" and refusal.requirement == "CON-4"
    assert refusal.clauses == ("GS-8", "CQ-3")
    assert refusal.message.params == {"units": "X, Y"}  # each named once


def test_each_main_club_takes_one_seat_from_the_house():
    assert seats.grade_house(20, 0) == 20
    assert seats.grade_house(20, 3) == 17


def test_the_checked_share_is_the_plain_share_when_it_is_unique():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    checked = seats.checked_seats_by_grade(grid, 20, method="sainte-lague", min_seats=1)
    plain = seats.seats_by_grade(grid, 20, method="sainte-lague", min_seats=1)
    assert checked.cells.seats == plain.cells.seats


def test_a_tie_of_the_cells_is_refused_without_a_lot_and_broken_with_one():
    grid = seats.grade_matrix(SAME_SPREAD, ["D0", "D1"])
    with pytest.raises(Refusal) as info:
        seats.checked_seats_by_grade(
            grid, 6, method="sainte-lague", min_seats=1, clauses=("GS-8",)
        )
    refusal = info.value
    assert refusal.code == "CON-4.tie" and refusal.field == "tie"
    assert refusal.requirement == "CON-4" and refusal.clauses == ("GS-8",)
    assert "D0/1" in refusal.message.params["units"]
    assert "lot with a published seed" in refusal.message.render()
    shared = seats.checked_seats_by_grade(
        grid, 6, method="sainte-lague", min_seats=1, tie="lot", seed=2027
    )
    assert sum(map(sum, shared.cells.seats)) == 6
    assert shared.lots()[0]["seed"] == 2027


def test_too_few_seats_to_share_are_refused_and_one_per_department_and_grade_is_not():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    with pytest.raises(Refusal) as info:
        seats.checked_seats_by_grade(grid, 2, method="hamilton", min_seats=1)
    assert info.value.code == "CON-4.apportionment"
    assert info.value.field == "seats"
    shared = seats.checked_seats_by_grade(grid, 3, method="hamilton", min_seats=1)
    assert sum(map(sum, shared.cells.seats)) == 3


def test_the_cells_are_audited_by_department_and_grade():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    shared = seats.seats_by_grade(grid, 20, method="sainte-lague", min_seats=1)
    cells = shared.seats_by_cell()
    assert list(cells)[:3] == ["D1/1", "D1/2", "D1/3"]
    assert len(cells) == 9 and sum(cells.values()) == 20
    assert cells["D2/3"] == 0  # D2 has no third-year students
    assert cells["D1/2"] == shared.cells.seats[0][1]


def test_the_explanation_gives_the_source_house_grades_and_divisors():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    shared = seats.seats_by_grade(grid, 18, method="sainte-lague", min_seats=1)
    out = seats.grade_explanation(shared, source="entered", house=18, clubs=2)
    assert out["source"] == "entered" and out["house"] == 18 and out["clubs"] == 2
    assert out["iterations"] == shared.cells.iterations and out["lot"] == []
    assert [g["grade"] for g in out["grades"]] == [1, 2, 3]
    assert [g["students"] for g in out["grades"]] == [210, 190, 120]
    assert sum(g["seats"] for g in out["grades"]) == 18
    first = out["grades"][0]
    divisor = shared.cells.column_divisors[0]
    assert first["divisor"] == str(divisor)
    assert first["divisor_decimal"] == f"{float(divisor):.4f}"
    assert Fraction(first["divisor"]) == divisor
    assert set(out["row_divisors"]) == {"D1", "D2", "D3"}
    assert out["row_divisors"]["D1"]["divisor"] == str(shared.cells.row_divisors[0])


def test_the_methods_name_or_value_is_accepted():
    grid = seats.grade_matrix(MATRIX, ["D1", "D2", "D3"])
    by_name = seats.checked_seats_by_grade(
        grid, 20, method=ap.Method.HAMILTON, min_seats=2
    )
    by_value = seats.checked_seats_by_grade(grid, 20, method="hamilton", min_seats=2)
    assert by_name.cells.seats == by_value.cells.seats
    assert min(by_name.departments.seats.values()) >= 2
