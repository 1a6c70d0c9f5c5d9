"""FED-1 · GS-1: the provincial presidium and committee.

"主席团涵盖省内的普通高校、高职、中职、中学、民办高校与独立学院学生会代表；委员会团体力争
涵盖高等学校学生会、研究生会、中等学校学生会等群体".

The federation of :mod:`tests.domain.federation_builders` has a general university (U1),
a secondary vocational school (V1) and two middle schools (M1, M2), each with a school
union "<school>-U": three school types in its area, the other three (higher vocational,
private university, independent college) are not required; two groups of unions (the
school unions of higher-education and of secondary schools), no graduate union.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, Builder, findings, only, rules
from tests.domain.federation_builders import federation, student
from tongxue.domain.audit import AuditContext
from tongxue.domain.evidence import UNION_GROUP_LABELS, VALUE_LABELS, display
from tongxue.domain.findings import Message, Obligation, Severity
from tongxue.domain.model import (
    Justification,
    OrgKind,
    Person,
    Role,
    SchoolType,
    UnionGroup,
)
from tongxue.domain.requirements import REQUIREMENTS, rule_obligation
from tongxue.domain.rule_ids import DEVIATIONS
from tongxue.domain.rules.federation_presidium import representation

UNCOVERED = "FED-1.presidium-school-type-uncovered"
COMMITTEE = "FED-1.committee-union-uncovered"


def presidium(b: Builder, *schools: str | None) -> list[str]:
    """A president from the first school, a vice-president from each other one (None:
    a student whose school is not recorded); returns their ids."""
    people = []
    for i, school in enumerate(schools):
        pid = student(b, school)
        role = Role.PRESIDENT if i == 0 else Role.VICE_PRESIDENT
        b.post("F", role, pid)
        people.append(pid)
    return people


def covering() -> Builder:
    """The federation with a presidium from each school type of its area."""
    b = federation()
    presidium(b, "U1", "V1", "M1")
    return b


# ----------------------------------------------------------------------- presidium (M)


def test_a_presidium_with_a_member_from_each_school_type_of_the_area_complies() -> None:
    assert rules(covering(), "FED-1") == []


def test_a_presidium_missing_exactly_one_type_is_a_violation_naming_it() -> None:
    b = federation()
    presidium(b, "U1", "V1", "V1")
    f = only(b, "FED-1")
    assert f.rule == UNCOVERED and f.organisation == "F"
    assert f.severity == Severity.VIOLATION and f.clauses == ("GS-1",)
    assert f.evidence["uncovered_types"] == "middle_school"
    assert f.evidence["uncovered_type_labels"] == ["Middle school"]
    assert f.evidence["missing_count"] == 1 and f.evidence["present_count"] == 3
    assert f.evidence["presidium"] == 3
    assert f.evidence["area_types"] == (
        "general_university, secondary_vocational, middle_school"
    )
    assert f.message.render() == (
        "Federation F: its presidium has no member from 1 of the 3 school types of "
        "the schools in its area: Middle school."
    )
    assert f.remedy.startswith("At the next election, give the presidium a member")


def test_the_evidence_shows_the_types_in_words() -> None:
    b = federation()
    presidium(b, "U1", "M1")
    f = only(b, "FED-1")
    shown = {i.key: i.value_labels for i in display(f.evidence)}
    assert shown["uncovered_types"] == ("Secondary vocational school",)
    assert "uncovered_type_labels" not in shown  # repeats uncovered_types
    assert shown["types_not_required"] == (
        "Higher vocational college",
        "Private university",
        "Independent college",
    )


def test_a_type_with_no_school_in_the_area_is_not_required() -> None:
    """Three of the six types of GS-1 have no school in the area: no member needed;
    a private university added to the area makes its type required."""
    b = covering()
    assert rules(b, "FED-1") == []
    (f,) = [f for f in findings(federation(), "FED-1") if f.rule == UNCOVERED]
    assert f.evidence["types_not_required"] == (
        "higher_vocational, private_university, independent_college"
    )
    b.school("P1", school_type=SchoolType.PRIVATE_UNIVERSITY, parent="C2", county="K2")
    f = only(b, "FED-1")
    assert f.rule == UNCOVERED
    assert f.evidence["uncovered_types"] == "private_university"
    assert f.evidence["types_not_required"] == "higher_vocational, independent_college"


def test_a_school_outside_the_area_neither_requires_nor_covers_a_type() -> None:
    b = covering()
    b.school("X", school_type=SchoolType.PRIVATE_UNIVERSITY)  # no federation
    assert rules(b, "FED-1") == []
    b = federation()
    b.school("X", school_type=SchoolType.MIDDLE_SCHOOL)
    b.org("X-U", OrgKind.SCHOOL_UNION, "X")
    b.org("X-D", OrgKind.DEPARTMENT_UNION, "X-U")
    presidium(b, "U1", "V1", "X")  # the middle school X is not in the area
    assert only(b, "FED-1").evidence["uncovered_types"] == "middle_school"


def test_no_presidium_misses_every_type_and_every_group() -> None:
    found = {f.rule: f for f in findings(federation(), "FED-1")}
    assert set(found) == {UNCOVERED, COMMITTEE}
    assert found[UNCOVERED].evidence["presidium"] == 0
    assert found[UNCOVERED].evidence["missing_count"] == 3


@pytest.mark.parametrize(
    ("end", "found"),
    [(AS_OF, []), (AS_OF - timedelta(days=1), [UNCOVERED])],
)
def test_only_posts_held_on_the_audit_day_count(end: date, found: list[str]) -> None:
    b = federation()
    presidium(b, "U1", "V1")
    b.post("F", Role.VICE_PRESIDENT, student(b, "M1"), end=end)
    assert rules(b, "FED-1") == found


def test_a_post_starting_after_the_audit_day_does_not_count() -> None:
    b = federation()
    presidium(b, "U1", "V1")
    b.post("F", Role.VICE_PRESIDENT, student(b, "M1"), start=AS_OF + timedelta(days=1))
    assert rules(b, "FED-1") == [UNCOVERED]


def test_only_the_presidium_counts_for_the_school_types() -> None:
    b = federation()
    presidium(b, "U1", "V1")
    b.post("F", Role.MEMBER, student(b, "M1"))  # a committee member, not presidium
    b.post("F", Role.SECRETARY_GENERAL, student(b, "M2"))
    assert rules(b, "FED-1") == [UNCOVERED]


def test_a_member_without_a_department_counts_through_a_union_post() -> None:
    b = federation()
    presidium(b, "U1", "V1")
    pid = b.person()  # no department, no class
    b.post("M1-U", Role.PRESIDENT, pid)
    b.post("F", Role.VICE_PRESIDENT, pid)
    assert rules(b, "FED-1") == []


# ------------------------------------------------------------------ incomplete data


def test_a_member_whose_school_is_unknown_makes_a_gap_incomplete() -> None:
    b = federation()
    unknown = presidium(b, "U1", "V1", None)[2]
    f = only(b, "FED-1")
    assert f.rule == "FED-1.presidium-school-unknown"
    assert f.severity == Severity.INCOMPLETE
    assert f.evidence["people"] == [unknown]
    assert f.evidence["names"] == f"Student {unknown}"
    assert f.evidence["unknown_count"] == 1
    assert f.evidence["uncovered_types"] == "middle_school"
    assert f"({f.evidence['names']})" in f.message.render()
    assert "Middle school" in f.message.render()


def test_an_unknown_school_does_not_matter_when_the_others_cover_every_type() -> None:
    b = covering()
    presidium_unknown = student(b, None)
    b.post("F", Role.VICE_PRESIDENT, presidium_unknown)
    assert rules(b, "FED-1") == []


def test_a_school_without_a_type_in_the_area_is_incomplete_data() -> None:
    b = covering()
    b.school("Z", parent="C2", county="K2")
    b.update("Z", school_type=None)
    f = only(b, "FED-1")
    assert f.rule == "FED-1.school-data-missing"
    assert f.severity == Severity.INCOMPLETE
    assert f.evidence == {"schools": 5, "schools_without_type": 1}
    b.update("Z", school_type=SchoolType.GENERAL_UNIVERSITY)
    assert rules(b, "FED-1") == []


# ----------------------------------------------------------------------- committee (D)


def graduate(b: Builder) -> None:
    """A graduate union at the university U1, with a department union under it."""
    b.org("U1-G", OrgKind.GRADUATE_UNION, "U1")
    b.org("U1-GD", OrgKind.DEPARTMENT_UNION, "U1-G")


def graduate_student(b: Builder) -> str:
    pid = student(b, "U1")
    b.people[pid] = Person(id=pid, name=f"Student {pid}", department="U1-GD")
    return pid


def test_the_presidium_sits_on_the_committee() -> None:
    """With no other committee member, the presidium (from a university and secondary
    schools) represents both groups of the area: no committee finding."""
    b = federation()
    people = presidium(b, "U1", "V1", "M1")
    member = student(b, "M2")
    b.post("F", Role.MEMBER, member)
    b.post("F", Role.SECRETARY_GENERAL, student(b, "U1"))  # not on the committee
    rep = representation(AuditContext(b.build(), AS_OF), "F")
    assert rep.committee == tuple(sorted([*people, member]))
    assert rep.groups_present == (UnionGroup.HIGHER_EDUCATION, UnionGroup.SECONDARY)
    assert rep.groups_uncovered == ()
    assert rules(covering(), "FED-1") == []


def test_a_group_of_unions_of_the_area_without_a_committee_member_is_a_deviation() -> (
    None
):
    b = covering()
    graduate(b)
    f = only(b, "FED-1")
    assert f.rule == COMMITTEE and f.organisation == "F"
    assert f.severity == Severity.DEVIATION and f.clauses == ("GS-1",)
    assert f.evidence["uncovered_groups"] == "graduate"
    assert f.evidence["uncovered_group_labels"] == ["Graduate unions"]
    assert f.evidence["area_groups"] == "higher_education, graduate, secondary"
    assert "groups_not_required" not in f.evidence  # the area has every group
    assert f.evidence["committee_members"] == 3
    assert "Graduate unions" in f.message.render()
    assert "record why not" in f.remedy


@pytest.mark.parametrize("role", [Role.MEMBER, Role.CORE_MEMBER])
def test_a_committee_member_from_a_graduate_union_covers_it(role: Role) -> None:
    b = covering()
    graduate(b)
    b.post("F", role, graduate_student(b))
    assert rules(b, "FED-1") == []


def test_a_graduate_union_post_counts_for_its_group() -> None:
    b = covering()
    graduate(b)
    pid = b.person()
    b.post("U1-G", Role.PRESIDENT, pid)
    b.post("F", Role.MEMBER, pid)
    assert rules(b, "FED-1") == []


def test_a_secondary_school_union_missing_from_the_committee() -> None:
    """Presidium and committee from the university only: the presidium misses two
    types (violation), the committee the secondary schools' unions (deviation)."""
    b = federation()
    presidium(b, "U1")
    b.post("F", Role.MEMBER, student(b, "U1"))
    found = {f.rule: f for f in findings(b, "FED-1")}
    assert set(found) == {UNCOVERED, COMMITTEE}
    assert found[COMMITTEE].evidence["uncovered_groups"] == "secondary"
    assert found[COMMITTEE].evidence["groups_not_required"] == "graduate"
    b.post("F", Role.MEMBER, student(b, "M2"))
    assert rules(b, "FED-1") == [UNCOVERED]


def test_a_committee_member_whose_union_is_unknown_makes_a_gap_incomplete() -> None:
    b = covering()
    graduate(b)
    unknown = b.person()
    b.post("F", Role.MEMBER, unknown)
    f = only(b, "FED-1")
    assert f.rule == "FED-1.committee-union-unknown"
    assert f.severity == Severity.INCOMPLETE
    assert f.evidence["people"] == [unknown]
    assert f.evidence["uncovered_groups"] == "graduate"


def test_the_committee_deviation_is_declared_with_its_occurrence() -> None:
    d = DEVIATIONS[COMMITTEE]
    assert d.kinds == frozenset({OrgKind.PROVINCIAL_FEDERATION})
    assert d.occurrence == ("uncovered_groups",)
    assert UNCOVERED not in DEVIATIONS


def _justify(b: Builder, groups: str | None) -> None:
    b.justifications.append(
        Justification(
            "F",
            COMMITTEE,
            "The province's graduate unions joined the committee at its next term",
            "Provincial League committee",
            AS_OF - timedelta(days=10),
            evidence=None if groups is None else {"uncovered_groups": groups},
        )
    )


def test_a_justification_answers_the_committee_gap_it_was_written_for() -> None:
    b = covering()
    graduate(b)
    _justify(b, "graduate")
    f = only(b, "FED-1")
    assert f.justified and not f.is_problem
    # the secondary schools' unions missing too: another occurrence, not covered
    b = federation()
    graduate(b)
    presidium(b, "U1")
    _justify(b, "graduate")
    found = {f.rule: f for f in findings(b, "FED-1")}
    assert found[COMMITTEE].evidence["uncovered_groups"] == "graduate, secondary"
    assert not found[COMMITTEE].justified


def test_a_presidium_violation_is_never_justified() -> None:
    b = federation()
    presidium(b, "U1", "V1")
    b.justify("F", UNCOVERED)
    f = only(b, "FED-1")
    assert f.severity == Severity.VIOLATION and not f.justified


# -------------------------------------------------------------------- scope and parts


def test_the_chongqing_plan_does_not_judge_it() -> None:
    """cqtgu-2017 (one university, no provincial federation part): no FED-1 finding,
    whatever the presidium."""
    b = federation("cqtgu-2017")
    assert rules(b, "FED-1") == []
    assert rules(federation(), "FED-1") == [COMMITTEE, UNCOVERED]


def test_city_federations_are_not_bound() -> None:
    found = findings(covering(), "FED-1") + findings(federation(), "FED-1")
    assert {f.organisation for f in found} == {"F"}


def test_each_part_has_its_obligation() -> None:
    assert REQUIREMENTS["FED-1"].planned == ""
    assert rule_obligation(UNCOVERED) == Obligation.MUST
    assert rule_obligation("FED-1.presidium-school-unknown") == Obligation.MUST
    assert rule_obligation(COMMITTEE) == Obligation.DEFAULT


def test_every_group_has_a_label() -> None:
    assert set(UNION_GROUP_LABELS) == set(UnionGroup)
    assert VALUE_LABELS["uncovered_groups"]["graduate"] == "Graduate unions"


def test_a_list_of_labels_in_a_message_is_translated_and_joined() -> None:
    message = Message("Missing: {missing_labels}.", {"missing_labels": ["a", "b"]})
    assert message.render() == "Missing: a, b."
    labels = {
        "Missing: {missing_labels}.": "缺：{missing_labels}。",
        "a": "甲",
        "b": "乙",
    }
    assert message.render(labels.get, separator="、") == "缺：甲、乙。"
