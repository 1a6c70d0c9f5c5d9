"""Seats by department AND grade, biproportionally, with main clubs (CON-4 · GS-8, CQ-3)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.factories import OrganisationFactory
from tests.factories_congress import build_union, enter, planned
from tongxue.congresses import selectors, services
from tongxue.congresses.models import AllocatedCell, AllocatedSeats, SeatAllocation
from tongxue.core.models import AuditEvent
from tongxue.domain import apportionment as ap
from tongxue.domain.findings import Refusal
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db

#: Students per department (rows UD0, UD1, UD2) and grade (columns 1-4).
MATRIX = {
    "UD0": {1: 150, 2: 130, 3: 120, 4: 100},
    "UD1": {1: 90, 2: 80, 3: 70, 4: 60},
    "UD2": {1: 70, 2: 60, 3: 40, 4: 30},
}


def cells(allocation: SeatAllocation) -> dict[tuple[str, int], int]:
    return {
        (c.unit.code, c.grade): c.seats
        for c in AllocatedCell.objects.filter(allocation=allocation).select_related(
            "unit"
        )
    }


def test_an_entered_matrix_is_shared_biproportionally_with_its_divisors():
    u = build_union()
    m = planned(u)
    a = services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, seats=20, matrix=MATRIX
    )
    got = cells(a)
    # the same numbers through the domain library directly
    rows = ["UD0", "UD1", "UD2"]
    w = [[MATRIX[r][g] for g in (1, 2, 3, 4)] for r in rows]
    R = ap.apportion(
        [(r, sum(x)) for r, x in zip(rows, w, strict=True)],
        20,
        method="sainte-lague",
        minimum=1,
    )
    C = ap.apportion(
        [(str(g), sum(x[g - 1] for x in w)) for g in (1, 2, 3, 4)],
        20,
        method="sainte-lague",
        minimum=1,
    )
    expected = ap.biproportional(
        rows,
        ["1", "2", "3", "4"],
        w,
        [R.seats[r] for r in rows],
        [C.seats[str(g)] for g in (1, 2, 3, 4)],
    )
    assert got == {
        (r, g): expected.seats[i][j]
        for i, r in enumerate(rows)
        for j, g in enumerate((1, 2, 3, 4))
    }
    assert sum(got.values()) == 20
    # CON-4 coverage: every department and every grade has a seat
    for r in rows:
        assert sum(v for (d, _), v in got.items() if d == r) >= 1
    for g in (1, 2, 3, 4):
        assert sum(v for (_, gg), v in got.items() if gg == g) >= 1
    # the divisors are stored, exact, and shown
    ex = a.explanation
    assert ex["source"] == "entered"
    assert [Fraction(x["divisor"]) for x in ex["grades"]] == list(
        expected.column_divisors
    )
    assert Fraction(ex["row_divisors"]["UD0"]["divisor"]) == expected.row_divisors[0]
    table = selectors.grade_table(selectors.allocation_table(m))
    assert table is not None and [r["code"] for r in table.rows] == rows
    assert AuditEvent.objects.get(action="congress.allocate_seats_by_grade").data[
        "cells"
    ]


def test_the_registry_is_counted_when_no_matrix_is_entered():
    u = build_union()
    m = planned(u)
    matrix = services.registry_matrix(u.union)
    assert matrix["UD0"] == {1: 4, 2: 3, 3: 2, 4: 1}
    assert sum(matrix["UD2"].values()) == 5
    a = services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, clubs=[c.code for c in u.clubs]
    )
    assert a.explanation["source"] == "registry"
    assert a.mode == "grades"


def test_main_clubs_get_one_seat_each_within_the_house():
    u = build_union()
    m = planned(u)
    a = services.allocate_seats_by_grade(
        actor=u.admin,
        meeting=m,
        seats=20,
        matrix=MATRIX,
        clubs=[u.clubs[0].code, u.clubs[1].code],
    )
    clubs = AllocatedSeats.objects.filter(allocation=a, kind="club")
    assert sorted(c.unit.code for c in clubs) == ["UCL0", "UCL1"]
    assert all(c.seats == 1 for c in clubs)
    assert sum(cells(a).values()) == 18


def test_a_club_outside_the_club_federation_is_refused():
    u = build_union()
    other = OrganisationFactory(code="LOOSE", kind=OrgKind.CLUB, parent=u.union)
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=20, matrix=MATRIX, clubs=[other.code]
        )
    assert exc.value.code == "CON-4.not-a-club"


def test_the_con3_minimum_holds_by_grade_too():
    u = build_union()  # 1000 students: at least 10 seats
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=9, matrix=MATRIX
        )
    assert exc.value.requirement == "CON-3"
    services.allocate_seats_by_grade(actor=u.admin, meeting=m, seats=10, matrix=MATRIX)


def test_a_department_without_students_in_the_matrix_is_refused():
    u = build_union()
    m = planned(u)
    matrix = {k: v for k, v in MATRIX.items() if k != "UD2"}
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=20, matrix=matrix
        )
    assert exc.value.code == "CON-4.students-missing"
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=20, matrix={**MATRIX, "NOPE": {1: 5}}
        )
    assert exc.value.code == "CON-4.unknown-department"


def test_delegates_fill_cells_by_grade():
    u = build_union()
    m = planned(u)
    a = services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, seats=20, matrix=MATRIX
    )
    services.freeze_seats(actor=u.admin, meeting=m)
    seats = cells(a)
    grade4 = [p for p in u.students["UD0"] if p.grade == 4]
    grade1 = [p for p in u.students["UD0"] if p.grade == 1]
    d = enter(u, m, grade4[0])
    assert (d.seat_unit.code, d.seat_grade) == ("UD0", 4)
    # fill UD0's grade-1 cell, then one more is refused
    for p in grade1[: seats[("UD0", 1)]]:
        enter(u, m, p)
    if len(grade1) > seats[("UD0", 1)]:
        with pytest.raises(Refusal) as exc:
            enter(u, m, grade1[seats[("UD0", 1)]])
        assert exc.value.code == "CON-4.seat-full"


def test_the_department_only_allocation_still_works():
    u = build_union()
    m = planned(u)
    a = services.allocate_seats(actor=u.admin, meeting=m, method="sainte-lague")
    assert a.mode == "departments"
    assert selectors.grade_table(selectors.allocation_table(m)) is None


SAME_SPREAD = {
    # 12 seats: departments 3, 3, 6 and grades 6, 6; UD0 and UD1 each split 3 seats
    # over two equal grades, and either may take the second seat of grade 1
    "UD0": {1: 100, 2: 100},
    "UD1": {1: 100, 2: 100},
    "UD2": {1: 200, 2: 200},
}


def test_departments_with_the_same_spread_over_the_grades_tie_and_refuse_without_a_lot():
    # every department with the same students in every grade: the seats by grade can be
    # placed in more than one way; without a lot the tie is refused, naming the cells and
    # the way out (a lot with a published seed), CON-4
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=12, matrix=SAME_SPREAD
        )
    assert exc.value.code == "CON-4.tie"
    assert exc.value.field == "tie"
    text = str(exc.value)
    assert "UD0/1" in text and "UD1/2" in text and "lot with a published seed" in text
    assert "Allocate by department" not in text  # no longer recommends skipping grades
    assert not SeatAllocation.objects.filter(meeting=m).exists()


def test_a_published_lot_breaks_a_biproportional_tie_reproducibly():
    u = build_union()
    m = planned(u)
    a = services.allocate_seats_by_grade(
        actor=u.admin, meeting=m, seats=12, matrix=SAME_SPREAD, tie="lot", seed=2027
    )
    cells = {
        (c.unit.code, c.grade): c.seats
        for c in AllocatedCell.objects.filter(allocation=a).select_related("unit")
    }
    # the margins hold: every department and every grade keeps its seats
    assert cells[("UD0", 1)] + cells[("UD0", 2)] == 3
    assert cells[("UD1", 1)] + cells[("UD1", 2)] == 3
    assert cells[("UD2", 1)] == cells[("UD2", 2)] == 3
    assert cells[("UD0", 1)] + cells[("UD1", 1)] + 3 == 6
    assert a.tie == "lot" and a.seed == 2027
    (lot,) = a.explanation["lot"]
    assert lot["step"] == "cells" and lot["seed"] == 2027
    assert set(lot["units"]) == {"UD0/1", "UD0/2", "UD1/1", "UD1/2"}
    # the same seed draws the same seats: anyone can repeat the draw
    again = ap.biproportional(
        ["UD0", "UD1", "UD2"],
        ["1", "2"],
        [[100, 100], [100, 100], [200, 200]],
        [3, 3, 6],
        [6, 6],
        tie="lot",
        seed=2027,
    )
    assert again.seats == (
        (cells[("UD0", 1)], cells[("UD0", 2)]),
        (cells[("UD1", 1)], cells[("UD1", 2)]),
        (3, 3),
    )
    # the page shows the draw
    table = selectors.grade_table(selectors.allocation_table(m))
    assert table is not None and table.lots[0]["seed"] == 2027


def test_a_lot_needs_a_seed_by_grade_too():
    u = build_union()
    m = planned(u)
    with pytest.raises(Refusal) as exc:
        services.allocate_seats_by_grade(
            actor=u.admin, meeting=m, seats=12, matrix=SAME_SPREAD, tie="lot"
        )
    assert exc.value.field == "seed"
