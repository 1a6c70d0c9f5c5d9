"""CON-4 · GS-8, CQ-3: "名额分配要覆盖各个院系、年级及主要社团".

The seats of a school-level union's newest congress cover every department union,
every grade of its enrolled students and the main clubs. Read from the congress's seat
plan (how its seats were allocated) or, without one, from its delegates.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    Enrolment,
    MeetingKind,
    OrgKind,
    Person,
    SeatPlan,
)

PROFILES = ("gansu-2017", "cqtgu-2017")


def _union(profile: str, *, grades: tuple[int, ...] = (2021, 2022, 2023)) -> Builder:
    """The compliant university with two department unions D and E whose enrolled
    students are in ``grades``, and a club federation CF with clubs K1, K2."""
    b = compliant(profile)
    b.org("E", OrgKind.DEPARTMENT_UNION, "U", students_served=200)
    for dept in ("D", "E"):
        for g in grades:
            pid = f"{dept}-{g}"
            b.people[pid] = Person(id=pid, name=pid, department=dept, grade=g)
    b.org("K1", OrgKind.CLUB, "CF")
    b.org("K2", OrgKind.CLUB, "CF")
    _plan(b, SeatPlan(True, ("D", "E"), (2021, 2022, 2023), ("K1",)))
    return b


def _plan(b: Builder, plan: SeatPlan | None) -> None:
    b.meetings = [replace(m, seats=plan) if m.code == "C" else m for m in b.meetings]


def con4(b: Builder) -> list[str]:
    return rules(b, "CON-4")


@pytest.mark.parametrize("profile", PROFILES)
def test_seats_covering_every_department_grade_and_a_club_comply(profile: str) -> None:
    assert con4(_union(profile)) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_a_department_without_a_seat_is_named(profile: str) -> None:
    b = _union(profile)
    _plan(b, SeatPlan(True, ("D",), (2021, 2022, 2023), ("K1",)))
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.departments-uncovered"
    assert f.evidence["missing_codes"] == ["E"] and f.evidence["missing_count"] == 1
    assert f.severity == Severity.VIOLATION  # M under both plans


@pytest.mark.parametrize("profile", PROFILES)
def test_seats_by_department_only_skip_the_grades(profile: str) -> None:
    b = _union(profile)
    _plan(b, SeatPlan(False, ("D", "E"), (), ("K1",)))
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.grades-not-allocated"
    assert f.evidence["grades_text"] == "2021, 2022, 2023"


def test_a_grade_without_a_seat_is_named() -> None:
    b = _union("gansu-2017")
    _plan(b, SeatPlan(True, ("D", "E"), (2021, 2022), ("K1",)))
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.grades-uncovered"
    assert f.evidence["missing_grades"] == [2023]


def test_grades_of_students_who_left_are_not_required() -> None:
    b = _union("gansu-2017")
    b.people["E-2020"] = Person(
        id="E-2020",
        name="E-2020",
        department="E",
        grade=2020,
        enrolment=Enrolment.GRADUATED,
    )
    assert con4(b) == []  # grade 2020 has graduated: no seat needed
    b.people["E-2020"] = replace(b.people["E-2020"], enrolment=Enrolment.ENROLLED)
    assert con4(b) == ["CON-4.grades-uncovered"]


def test_the_main_clubs_need_a_seat_when_the_union_has_clubs() -> None:
    b = _union("gansu-2017")
    _plan(b, SeatPlan(True, ("D", "E"), (2021, 2022, 2023), ()))
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.clubs-uncovered" and f.evidence["clubs"] == 2
    # a union without clubs has no main clubs to cover
    b.organisations.pop("K1")
    b.organisations.pop("K2")
    assert con4(b) == []


def test_without_a_seat_plan_the_delegates_show_the_coverage() -> None:
    b = _union("gansu-2017")
    _plan(b, None)
    congress = next(m for m in b.meetings if m.code == "C")
    # delegates from D and E in every grade: covered (clubs cannot be read from them)
    ids = tuple(f"{d}-{g}" for d in ("D", "E") for g in (2021, 2022, 2023))
    b.meetings = [replace(m, delegates=ids) if m is congress else m for m in b.meetings]
    assert con4(b) == []
    # the delegates of E are gone: E is not covered, and neither is nothing else
    b.meetings = [
        replace(m, delegates=ids[:3]) if m.code == "C" else m for m in b.meetings
    ]
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.departments-uncovered"
    assert f.evidence["seats_from"] == "delegates"


def test_without_a_seat_plan_or_delegates_departments_it_is_incomplete() -> None:
    b = compliant()  # its delegates carry no department
    _plan(b, None)
    (f,) = findings(b, "CON-4")
    assert f.rule == "CON-4.data-missing" and f.severity == Severity.INCOMPLETE


def test_the_newest_congress_is_judged_and_a_planned_one_counts() -> None:
    b = _union("gansu-2017")
    # a congress to come, its seats allocated by department only: judged now
    b.meeting(
        "U",
        MeetingKind.CONGRESS,
        AS_OF.replace(month=9),
        code="NEXT",
        seats=SeatPlan(False, ("D", "E"), (), ("K1",)),
    )
    assert con4(b) == ["CON-4.grades-not-allocated"]


def test_a_department_congress_is_not_judged() -> None:
    b = _union("gansu-2017")
    b.meeting(
        "D",
        MeetingKind.CONGRESS,
        AS_OF.replace(month=5),
        code="DC",
        seats=SeatPlan(False, (), (), ()),
    )
    assert con4(b) == []
