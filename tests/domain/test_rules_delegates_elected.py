"""CON-6 · GS-8, CQ-3: delegates are elected by classes or department unions.

"大会代表经班级、院（系）学生会组织选举产生". The compliant university's congress "C"
has 185 delegates, each elected by the department union "D" (tests/domain/builders.py);
each test changes one thing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.delegates import ElectingFault, electing_fault
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    DelegateProvenance,
    MeetingKind,
    MeetingStatus,
    OrgKind,
    SchoolType,
)


def _congress(b, code: str = "C"):  # type: ignore[no-untyped-def]
    return next(m for m in b.meetings if m.code == code)


def _elect(b, code: str, provenance: tuple[DelegateProvenance, ...]) -> None:  # type: ignore[no-untyped-def]
    b.meetings = [
        replace(m, provenance=provenance) if m.code == code else m for m in b.meetings
    ]


def _by(unit: str, people: tuple[str, ...]) -> tuple[DelegateProvenance, ...]:
    return tuple(
        DelegateProvenance(p, unit, date(2022, 10, 15), 40, 38, 30) for p in people
    )


def test_every_delegate_elected_by_a_department_union_complies() -> None:
    assert rules(compliant(), "CON-6") == []


def test_by_classes_under_the_departments_complies() -> None:
    b = compliant()
    b.org("K1", OrgKind.CLASS_COMMITTEE, "D")
    _elect(b, "C", _by("K1", _congress(b).delegates))
    assert rules(b, "CON-6") == []


def test_one_delegate_without_an_election_is_listed() -> None:
    b = compliant()
    congress = _congress(b)
    missing = sorted(congress.delegates)[-1]
    _elect(b, "C", tuple(e for e in congress.provenance if e.person != missing))
    finding = only(b, "CON-6")
    assert finding.rule == "CON-6.election-missing"
    assert finding.severity == Severity.VIOLATION
    assert finding.evidence["unelected"] == 1
    assert finding.evidence["delegates"] == 185
    assert finding.evidence["people"] == [missing]
    assert finding.evidence["congress"] == "C"
    assert f"Person {missing}" in finding.message.render()


def test_no_election_recorded_at_all_is_incomplete_data_not_a_violation() -> None:
    b = compliant()
    _elect(b, "C", ())
    finding = only(b, "CON-6")
    assert finding.rule == "CON-6.data-missing"
    assert finding.severity == Severity.INCOMPLETE


def test_an_election_by_a_functional_department_is_reported_once_per_body() -> None:
    b = compliant()
    congress = _congress(b)
    people = sorted(congress.delegates)
    _elect(b, "C", _by("U-R", tuple(people[:3])) + _by("D", tuple(people[3:])))
    finding = only(b, "CON-6")
    assert finding.rule == "CON-6.electing-body"
    assert finding.evidence["electing_unit"] == "U-R"
    assert finding.evidence["kind"] == "functional_department"
    assert finding.evidence["elected"] == 3
    assert electing_fault(b.build(), "U", "U-R") == ElectingFault.KIND


def test_a_class_of_another_school_is_outside_the_union() -> None:
    b = compliant()
    b.school("S2")
    b.org("U2", OrgKind.SCHOOL_UNION, "S2")
    b.org("D2", OrgKind.DEPARTMENT_UNION, "U2")
    b.org("K2", OrgKind.CLASS_COMMITTEE, "D2")
    _elect(b, "C", _by("K2", _congress(b).delegates))
    assert rules(b, "CON-6") == ["CON-6.electing-body"]
    assert electing_fault(b.build(), "U", "K2") == ElectingFault.OUTSIDE


def test_a_club_elects_for_its_seat_within_the_school_only() -> None:
    b = compliant()
    b.org("CLUB", OrgKind.CLUB, "CF")  # CF, the club federation, is under S
    people = sorted(_congress(b).delegates)
    _elect(b, "C", _by("CLUB", tuple(people[:1])) + _by("D", tuple(people[1:])))
    assert rules(b, "CON-6") == []
    b.school("S2")
    b.org("CF2", OrgKind.CLUB_FEDERATION, "S2")
    b.org("CLUB2", OrgKind.CLUB, "CF2")
    _elect(b, "C", _by("CLUB2", tuple(people[:1])) + _by("D", tuple(people[1:])))
    assert rules(b, "CON-6") == ["CON-6.electing-body"]


def test_a_graduate_union_without_departments_takes_its_schools() -> None:
    b = compliant()
    g = b.org("G", OrgKind.GRADUATE_UNION, "S", students_served=500)
    b.meeting(g, MeetingKind.CONGRESS, date(2024, 5, 1), delegates=5, code="GC")
    _elect(b, "GC", _by("D", _congress(b, "GC").delegates))  # the school union's
    assert [f.rule for f in findings(b, "CON-6") if f.organisation == "G"] == []
    # With a department union of its own, the school union's is not one of its.
    b.org("GD", OrgKind.DEPARTMENT_UNION, g)
    assert [f.rule for f in findings(b, "CON-6") if f.organisation == "G"] == [
        "CON-6.electing-body"
    ]


def test_a_department_congress_takes_no_class_of_another_department() -> None:
    b = compliant()
    b.org("D2", OrgKind.DEPARTMENT_UNION, "U")
    b.org("K2", OrgKind.CLASS_COMMITTEE, "D2")
    assert electing_fault(b.build(), "D", "K2") == ElectingFault.OUTSIDE
    b.org("K1", OrgKind.CLASS_COMMITTEE, "D")
    assert electing_fault(b.build(), "D", "K1") is None


def test_only_the_newest_congress_held_and_those_elected_are_judged() -> None:
    b = compliant()
    # The older congress of 2020 records no election: not judged.
    assert [m.provenance for m in b.meetings if m.opened == date(2020, 10, 1)] == [()]
    # A congress still to come whose delegates were elected is judged.
    upcoming = b.meeting(
        "U",
        MeetingKind.CONGRESS,
        date(2024, 9, 1),
        delegates=3,
        code="NEXT",
        status=MeetingStatus.DELEGATES_ELECTED,
    )
    assert [f.evidence["congress"] for f in findings(b, "CON-6")] == ["NEXT"]
    # Planned (no delegates elected yet): not judged.
    b.meetings = [
        replace(m, status=MeetingStatus.SEATS_ALLOCATED) if m is upcoming else m
        for m in b.meetings
    ]
    assert rules(b, "CON-6") == []


def test_a_body_outside_the_registry_read_is_not_judged() -> None:
    b = compliant()
    _elect(b, "C", _by("ELSEWHERE", _congress(b).delegates))
    assert rules(b, "CON-6") == []


def test_a_secondary_schools_congress_is_not_judged() -> None:
    b = compliant()
    b.update("S", school_type=SchoolType.MIDDLE_SCHOOL)
    _elect(b, "C", ())
    assert rules(b, "CON-6", as_of=AS_OF) == []
