"""A congress's seat plan and the seats its delegates fill (CON-4, CON-6 · GS-8, CQ-3).

The plan logic of :mod:`tongxue.congresses.services`, which reads and writes the
database, checks permission and records the audit; the arithmetic and the refusals are
here, in pure Python:

* seats by department × grade (CON-4: every department, every grade and every main
  club at least one seat): :func:`grade_matrix` lays out the students,
  :func:`check_grade_matrix` refuses a matrix that cannot be shared, and
  :func:`seats_by_grade` apportions the departments' seats by the union's method, the
  grades' by Sainte-Laguë and the cells biproportionally
  (:func:`tongxue.domain.apportionment.biproportional`); one seat goes to each main
  club listed (:func:`listed_main_clubs`), the rest are shared (:func:`grade_house`,
  :func:`checked_seats_by_grade` refusing a tie or an impossible share), and
  :func:`grade_explanation` and :meth:`GradeSeats.seats_by_cell` are what is stored
  and audited;
* entering an elected delegate into a seat: the seat's grade (:func:`seat_grade`), the
  seat itself (:func:`check_department`, :func:`check_room`), the election that elected
  the delegate (CON-6: :func:`check_election`, :func:`check_recorded_election`) and
  the votes (:func:`check_votes`).

Every refusal is a :class:`~tongxue.domain.findings.Refusal` with the code, field and
message the services have always given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from tongxue.domain import apportionment as ap
from tongxue.domain.findings import Message, Refusal, gettext_noop
from tongxue.domain.model import OrgKind

#: Steps of the exact alternating scaling of a biproportional apportionment before it
#: hands over to the complete search (tongxue.domain.apportionment): a few dozen suffice
#: on real data. A matrix with a tie (e.g. every department with the same spread over
#: the grades) is refused as a tie naming the cells that could trade seats (CON-4.tie),
#: unless a lot with a published seed breaks it.
BIPROPORTIONAL_MAX_ITERATIONS = 200

#: Kinds of unit that elect delegates (CON-6 · GS-8, CQ-3): classes and department
#: unions; for a main club's seat, the club too (:data:`tongxue.domain.delegates.
#: ELECTING_KINDS`, which the audit uses, has all three).
ELECTING_KINDS = (OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION)


# ------------------------------------------------------------------ seats by grade


@dataclass(frozen=True)
class GradeMatrix:
    """The students of each department (rows, by code) in each grade with students
    (columns, ascending)."""

    departments: tuple[str, ...]
    grades: tuple[int, ...]
    students: tuple[tuple[int, ...], ...]

    def department_students(self, i: int) -> int:
        return sum(self.students[i])

    def grade_students(self, j: int) -> int:
        return sum(row[j] for row in self.students)


def grade_matrix(
    matrix: Mapping[str, Mapping[int, int]], departments: Sequence[str]
) -> GradeMatrix:
    """The matrix of ``departments`` (in that order) × the grades in which some
    department has students; a department or grade the mapping lacks has none."""
    grades = sorted({g for row in matrix.values() for g, n in row.items() if n > 0})
    return GradeMatrix(
        tuple(departments),
        tuple(grades),
        tuple(tuple(matrix.get(d, {}).get(g, 0) for g in grades) for d in departments),
    )


def check_grade_matrix(
    matrix: Mapping[str, Mapping[int, int]],
    departments: Mapping[str, str],
    clauses: tuple[str, ...] = (),
) -> None:
    """Refuse (CON-4) a matrix naming a unit that is not one of ``departments`` (code
    → name), or leaving a department without students."""
    unknown = sorted(set(matrix) - set(departments))
    if unknown:
        raise Refusal(
            "CON-4.unknown-department",
            Message(
                gettext_noop("{units}: not a department union of this union."),
                {"units": ", ".join(unknown)},
            ),
            requirement="CON-4",
            clauses=clauses,
            field="matrix",
        )
    empty = [c for c in departments if sum(matrix.get(c, {}).values()) <= 0]
    if empty:
        raise Refusal(
            "CON-4.students-missing",
            Message(
                gettext_noop(
                    "{units}: no students by grade, so the seats cannot be shared."
                ),
                {"units": ", ".join(f"{departments[c]} ({c})" for c in empty)},
            ),
            requirement="CON-4",
            clauses=clauses,
            field="matrix",
        )


@dataclass(frozen=True)
class GradeSeats:
    """Seats by department × grade: the departments' seats, the grades' seats and
    the cells (with their row and column divisors)."""

    matrix: GradeMatrix
    departments: ap.Apportionment
    grades: ap.Apportionment
    cells: ap.Biproportional

    def lots(self) -> list[dict[str, Any]]:
        """The ties a lot broke in the departments', grades' and cells' seats."""
        out = []
        steps = (
            ("departments", self.departments.tie),
            ("grades", self.grades.tie),
            ("cells", self.cells.tie),
        )
        for step, tie in steps:
            if tie is not None:
                out.append(
                    {
                        "step": step,
                        "units": list(tie.units),
                        "seats": tie.seats,
                        "winners": list(tie.winners),
                        "seed": tie.seed,
                    }
                )
        return out

    def seats_by_cell(self) -> dict[str, int]:
        """The seats of each cell, keyed ``department/grade`` (as the audit records
        them)."""
        grid, seats = self.matrix, self.cells.seats
        return {
            f"{r}/{g}": seats[i][j]
            for i, r in enumerate(grid.departments)
            for j, g in enumerate(grid.grades)
        }


def seats_by_grade(
    matrix: GradeMatrix,
    house: int,
    *,
    method: ap.Method | str,
    min_seats: int,
    tie: ap.TieBreak | str = ap.TieBreak.REFUSE,
    seed: int | None = None,
    max_iterations: int = BIPROPORTIONAL_MAX_ITERATIONS,
) -> GradeSeats:
    """Share ``house`` seats among the departments × grades of ``matrix`` (CON-4).

    The departments' seats by ``method`` from their students (at least ``min_seats``
    each), the grades' by Sainte-Laguë from theirs (at least one each), then the cells
    biproportionally with those margins. Raises
    :class:`~tongxue.domain.apportionment.ApportionmentTie` when the departments', the
    grades' or the cells' seats are not unique (unless ``tie="lot"`` with a published
    ``seed`` breaks it) and :class:`~tongxue.domain.apportionment.ApportionmentError`
    when they cannot be shared.
    """
    rows = list(matrix.departments)
    columns = [str(g) for g in matrix.grades]
    weights = [list(r) for r in matrix.students]
    departments = ap.apportion(
        [(r, matrix.department_students(i)) for i, r in enumerate(rows)],
        house,
        method=method,
        minimum=min_seats,
        tie=tie,
        seed=seed,
    )
    grades = ap.apportion(
        [(c, matrix.grade_students(j)) for j, c in enumerate(columns)],
        house,
        method=ap.Method.SAINTE_LAGUE,
        minimum=1,
        tie=tie,
        seed=seed,
    )
    cells = ap.biproportional(
        rows,
        columns,
        weights,
        [departments.seats[r] for r in rows],
        [grades.seats[c] for c in columns],
        max_iterations=max_iterations,
        tie=tie,
        seed=seed,
    )
    return GradeSeats(matrix, departments, grades, cells)


def listed_main_clubs(
    listed: Iterable[str], allowed: Collection[str], clauses: tuple[str, ...] = ()
) -> list[str]:
    """CON-4: the main clubs listed, each once in the order first given; refuse any
    that is not one of ``allowed`` (the clubs of the union's club federations)."""
    codes = list(dict.fromkeys(listed))
    not_clubs = [c for c in codes if c not in allowed]
    if not_clubs:
        raise Refusal(
            "CON-4.not-a-club",
            Message(
                gettext_noop("{units}: not a club of this union's club federation."),
                {"units": ", ".join(not_clubs)},
            ),
            requirement="CON-4",
            clauses=clauses,
            field="clubs",
        )
    return codes


def grade_house(seats: int, clubs: int) -> int:
    """CON-4: the seats the departments × grades share: the house less the one seat
    of each main club."""
    return seats - clubs


def checked_seats_by_grade(
    matrix: GradeMatrix,
    house: int,
    *,
    method: ap.Method | str,
    min_seats: int,
    tie: ap.TieBreak | str = ap.TieBreak.REFUSE,
    seed: int | None = None,
    clauses: tuple[str, ...] = (),
) -> GradeSeats:
    """:func:`seats_by_grade`, a tie (of the departments', the grades' or the cells'
    seats) and an impossible share refused (CON-4)."""
    try:
        return seats_by_grade(
            matrix,
            house,
            method=method,
            min_seats=min_seats,
            tie=tie,
            seed=seed,
            max_iterations=BIPROPORTIONAL_MAX_ITERATIONS,
        )
    except ap.ApportionmentTie as exc:
        raise Refusal(
            "CON-4.tie",
            Message(
                gettext_noop(
                    "The seats by department and grade are not unique: {units} tie for "
                    "{seats} seat(s). Choose a lot with a published seed."
                ),
                {"seats": exc.seats, "units": ", ".join(exc.units)},
            ),
            requirement="CON-4",
            clauses=clauses,
            field="tie",
        ) from None
    except ap.ApportionmentError as exc:
        raise Refusal(
            "CON-4.apportionment",
            exc.message,
            requirement="CON-4",
            clauses=clauses,
            field="seats",
        ) from None


def grade_explanation(
    shared: GradeSeats, *, source: str, house: int, clubs: int
) -> dict[str, Any]:
    """The stored explanation of seats by grade: where the students came from
    (``source``), the ``house`` shared, the main ``clubs``, the lots, each grade's
    seats and divisor, each department's divisor."""
    grid, result = shared.matrix, shared.cells
    return {
        "source": source,
        "house": house,
        "clubs": clubs,
        "iterations": result.iterations,
        "lot": shared.lots(),
        "grades": [
            {
                "grade": g,
                "students": grid.grade_students(j),
                "seats": result.column_seats[j],
                "divisor": str(result.column_divisors[j]),
                "divisor_decimal": _decimal(result.column_divisors[j]),
            }
            for j, g in enumerate(grid.grades)
        ],
        "row_divisors": {
            r: {
                "divisor": str(result.row_divisors[i]),
                "divisor_decimal": _decimal(result.row_divisors[i]),
            }
            for i, r in enumerate(grid.departments)
        },
    }


def _decimal(value: Fraction) -> str:
    return f"{float(value):.4f}"


# ------------------------------------------------------------ entering a delegate


def seat_label(seat: str, grade: int | None) -> str:
    """A seat as people read it: the unit's name, and the grade when seats are by
    grade."""
    return seat if grade is None else f"{seat} · {grade}"


def seat_grade(
    *, by_grade: bool, club: bool, given: int | None, registered: int | None
) -> int | None:
    """The grade of a delegate's seat: when seats are by grade (a club's seat is not),
    the grade given or else the person's in the registry; otherwise None."""
    if not by_grade or club:
        return None
    grade = given if given is not None else registered
    if grade is None:
        raise Refusal(
            "required",
            Message(gettext_noop("Seats are by grade: give the delegate's grade."), {}),
            field="grade",
        )
    return grade


def check_department(
    *, person: str, seat: str, club: bool, department: object, seat_unit: object
) -> None:
    """CON-4: a department's seat is filled by a student of that department
    (``department``: the person's, None when the registry has none); a club's seat by
    anyone."""
    if not club and department is not None and department != seat_unit:
        raise Refusal(
            "CON-4.seat-mismatch",
            Message(
                gettext_noop("{name} is not a student of {seat}."),
                {"name": person, "seat": seat},
            ),
            field="seat",
        )


def check_room(*, seat: str, capacity: int | None, taken: int) -> None:
    """CON-4: the seat exists in the allocation (``capacity`` None: it has none) and
    is not full (``taken`` delegates already fill it)."""
    if capacity is None:
        raise Refusal(
            "CON-4.no-seat",
            Message(
                gettext_noop("{seat} has no seats in this congress."), {"seat": seat}
            ),
            field="seat",
        )
    if taken >= capacity:
        raise Refusal(
            "CON-4.seat-full",
            Message(
                gettext_noop("All {seats} seats of {seat} are filled."),
                {"seats": capacity, "seat": seat},
            ),
            field="seat",
        )


def election_refusal(text: str, *, field: str, **params: Any) -> Refusal:
    """A refusal of a delegate's election record (CON-6)."""
    return Refusal(
        "CON-6.election", Message(text, params), requirement="CON-6", field=field
    )


def check_election(
    *,
    unit: str,
    kind: str,
    within_seat: bool,
    seat: str,
    club_seat: bool,
    electorate: int,
    votes_cast: int,
    held: date,
    opened: date,
) -> None:
    """CON-6: the election that elected a delegate into ``seat``. The electing
    ``unit`` (of ``kind``) is a class or a department union (or, for a club's seat,
    the club) within the seat; the electorate is at least one, the votes cast do not
    exceed it, and it was held by the day the congress opens."""
    kinds = (*ELECTING_KINDS, OrgKind.CLUB) if club_seat else ELECTING_KINDS
    if kind not in kinds:
        raise election_refusal(
            gettext_noop(
                "{unit} is not a class or a department union: delegates are elected by "
                "classes or department unions."
            ),
            field="electing_unit",
            unit=unit,
        )
    if not within_seat:
        raise election_refusal(
            gettext_noop(
                "{unit} is not part of {seat}, whose seat the delegate fills."
            ),
            field="electing_unit",
            unit=unit,
            seat=seat,
        )
    if electorate < 1:
        raise election_refusal(
            gettext_noop("The electorate must be at least one."), field="electorate"
        )
    if votes_cast > electorate:
        raise election_refusal(
            gettext_noop(
                "{votes_cast} votes cast exceed the electorate of {electorate}."
            ),
            field="votes_cast",
            votes_cast=votes_cast,
            electorate=electorate,
        )
    if held > opened:
        raise election_refusal(
            gettext_noop(
                "The election ({held}) is after the congress opens ({opened})."
            ),
            field="held",
            held=held.isoformat(),
            opened=opened.isoformat(),
        )


def check_recorded_election(
    *,
    unit: str,
    held: date,
    recorded: tuple[int, int],
    given: tuple[int, int],
) -> None:
    """CON-6: an election already recorded (``(electorate, votes cast)``) is the same
    election only with the same numbers."""
    if recorded != given:
        raise election_refusal(
            gettext_noop(
                "The election of {unit} on {held} is recorded with an electorate of "
                "{electorate} and {votes_cast} votes cast."
            ),
            field="electorate",
            unit=unit,
            held=held.isoformat(),
            electorate=recorded[0],
            votes_cast=recorded[1],
        )


def check_votes(votes: int | None, votes_cast: int) -> None:
    """CON-6: the votes the delegate received are given and within the votes cast."""
    if votes is None or votes < 0:
        raise election_refusal(
            gettext_noop("Give the votes the delegate received."), field="votes"
        )
    if votes > votes_cast:
        raise election_refusal(
            gettext_noop("{votes} votes exceed the {votes_cast} votes cast."),
            field="votes",
            votes=votes,
            votes_cast=votes_cast,
        )
