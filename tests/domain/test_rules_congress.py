"""Congress rules: CON-1, CON-2, CON-3, CON-5, CON-9, CON-11, CON-13 (GS-8, GS-4, GS-11, CQ-3, CQ-6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import AS_OF, Builder, compliant, findings, only, rules
from tongxue.domain.dates import months_before, within_months
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    GuidanceKind,
    MeetingKind,
    MeetingStatus,
    OrgKind,
    Role,
    SchoolType,
    StandingConference,
    WrittenReport,
)
from tongxue.domain.profiles import load_profile

TWO_YEARS_BEFORE = date(2022, 6, 30)
ONE_YEAR_BEFORE = date(2023, 6, 30)


def _move(b: Builder, code: str, **changes: object) -> None:
    """Change the meeting ``code`` of the builder."""
    b.meetings = [replace(m, **changes) if m.code == code else m for m in b.meetings]  # type: ignore[arg-type]


def _drop(b: Builder, org: str, kind: MeetingKind) -> None:
    b.meetings = [
        m for m in b.meetings if not (m.organisation == org and m.kind == kind)
    ]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 6, 30), 24, date(2022, 6, 30)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2024, 1, 15), 1, date(2023, 12, 15)),
        (date(2024, 1, 15), 0, date(2024, 1, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_within_months_is_inclusive_and_excludes_the_future() -> None:
    assert within_months(date(2022, 6, 30), AS_OF, 24)
    assert not within_months(date(2022, 6, 29), AS_OF, 24)
    assert not within_months(date(2024, 7, 1), AS_OF, 24)
    with pytest.raises(ValueError):
        months_before(AS_OF, -1)


# --------------------------------------------------------------------------- CON-1


@pytest.mark.parametrize(
    ("opened", "flagged"),
    [(TWO_YEARS_BEFORE, False), (date(2022, 6, 29), True)],
)
def test_con1_congress_at_least_every_two_years(opened: date, flagged: bool) -> None:
    """CON-1 · GS-8, CQ-3: exactly 24 months ago is in time; one day more is not."""
    b = compliant()
    _move(b, "C", opened=opened)
    assert rules(b, "CON-1") == (["CON-1.congress-overdue"] if flagged else [])
    if flagged:
        f = only(b, "CON-1")
        assert f.severity == Severity.VIOLATION
        assert f.evidence == {
            "last_congress": "2022-06-29",
            "max_interval_months": 24,
            "due": "2022-06-30",
        }
        assert "2022-06-29" in f.message.render()


def test_con1_no_congress_recorded() -> None:
    b = compliant()
    _drop(b, "U", MeetingKind.CONGRESS)
    f = only(b, "CON-1")
    assert (f.rule, f.evidence) == ("CON-1.no-congress", {"max_interval_months": 24})


def test_con1_a_congress_planned_after_the_audit_day_does_not_count() -> None:
    b = compliant()
    _move(b, "C", opened=date(2024, 7, 1))
    assert rules(b, "CON-1") == ["CON-1.congress-overdue"]  # the 2020 one is newest


def test_con1_stricter_profile(tmp_path: Path) -> None:
    """A school that requires a congress every 18 months flags one 20 months old."""
    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        "[parameters.school_congress_max_interval_months]\nvalue = 18\n"
    )
    strict = load_profile(path)
    assert rules(compliant(), "CON-1") == []
    assert rules(compliant(), "CON-1", profile=strict) == ["CON-1.congress-overdue"]


# --------------------------------------------------------------------------- CON-2


def _department(students: int | None, *meetings: tuple[MeetingKind, date]) -> Builder:
    b = compliant()
    b.update("D", students_served=students)
    _drop(b, "D", MeetingKind.CONGRESS)
    for kind, day in meetings:
        b.meeting("D", kind, day, delegates=5)
    return b


@pytest.mark.parametrize(
    ("opened", "flagged"), [(ONE_YEAR_BEFORE, False), (date(2023, 6, 29), True)]
)
def test_con2_department_congress_every_year(opened: date, flagged: bool) -> None:
    """CON-2 · GS-8, CQ-3: exactly 12 months ago is in time; one day more is not (D)."""
    b = _department(300, (MeetingKind.CONGRESS, opened))
    found = findings(b, "CON-2")
    assert [f.rule for f in found] == (["CON-2.congress-overdue"] if flagged else [])
    if flagged:
        assert found[0].severity == Severity.DEVIATION
        assert found[0].evidence["last_congress"] == "2023-06-29"


@pytest.mark.parametrize(
    ("students", "expected"),
    [(399, []), (400, ["CON-2.assembly-not-allowed"]), (None, ["CON-2.data-missing"])],
)
def test_con2_assembly_only_below_the_threshold(
    students: int | None, expected: list[str]
) -> None:
    """CON-2 · GS-8: a department under 400 students may hold an assembly instead."""
    b = _department(students, (MeetingKind.ASSEMBLY, date(2024, 4, 1)))
    found = findings(b, "CON-2")
    assert [f.rule for f in found] == expected
    if students is None:
        assert found[0].severity == Severity.INCOMPLETE
    elif expected:
        assert found[0].evidence == {
            "students_served": 400,
            "threshold": 400,
            "max_interval_months": 12,
        }


def test_con2_old_assembly_does_not_count() -> None:
    b = _department(100, (MeetingKind.ASSEMBLY, date(2023, 6, 29)))
    assert rules(b, "CON-2") == ["CON-2.congress-overdue"]


def test_con2_no_meeting_at_all() -> None:
    f = only(_department(300), "CON-2")
    assert (f.rule, f.evidence["last_congress"]) == ("CON-2.congress-overdue", "-")


def test_con2_missing_students_with_a_recent_congress_is_fine() -> None:
    assert (
        rules(_department(None, (MeetingKind.CONGRESS, date(2024, 1, 1))), "CON-2")
        == []
    )


# --------------------------------------------------------------------------- CON-3


@pytest.mark.parametrize(("delegates", "flagged"), [(185, False), (184, True)])
def test_con3_delegates_at_least_one_percent(delegates: int, flagged: bool) -> None:
    """CON-3 · GS-8, CQ-3: ⌈1% × 18,406⌉ = 185 delegates (D)."""
    b = compliant()
    c = next(m for m in b.meetings if m.code == "C")
    _move(b, "C", delegates=c.delegates[:delegates])
    found = findings(b, "CON-3")
    assert bool(found) is flagged
    if flagged:
        f = found[0]
        assert (f.rule, f.severity) == ("CON-3.delegates-too-few", Severity.DEVIATION)
        assert f.evidence == {
            "congress": "C",
            "delegates": 184,
            "students_served": 18406,
            "required": 185,
            "min_share": "1/100",
            "min_percent": "1%",
        }
        assert f.message.render() == (
            "Union U: congress C had 184 delegates < 1% of 18,406 students = 185."
        )


@settings(max_examples=60, deadline=None)
@given(students=st.integers(1, 40_000), short=st.integers(0, 2))
def test_con3_flags_exactly_when_delegates_fall_below_the_ceiling(
    students: int, short: int
) -> None:
    """CON-3: flagged iff delegates < ⌈students / 100⌉ (school union U)."""
    b = compliant()
    b.update("U", students_served=students)
    need = -(-students // 100)
    delegates = max(need - short, 1) if short else need
    _move(b, "C", delegates=tuple(f"x{i}" for i in range(delegates)))
    assert bool(findings(b, "CON-3")) is (delegates < need)


def test_con3_only_the_newest_congress_counts() -> None:
    b = compliant()
    b.meeting("U", MeetingKind.CONGRESS, date(2019, 1, 1), delegates=2)
    assert rules(b, "CON-3") == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
@pytest.mark.parametrize("delegates", [3, 2, 1])
def test_con3_does_not_apply_to_a_department_congress(
    profile: str, delegates: int
) -> None:
    """CON-3: the 1% is under "校级层面" (school level) in both plans; a department of
    300 students with 2 or 1 delegates is no finding (issue #12)."""
    b = _department(300, (MeetingKind.CONGRESS, date(2024, 1, 1)))
    b.default_profile = profile
    b.meetings[-1] = replace(
        b.meetings[-1], delegates=b.meetings[-1].delegates[:delegates]
    )
    assert [f.organisation for f in findings(b, "CON-3")] == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
@pytest.mark.parametrize(("delegates", "flagged"), [(185, False), (184, True)])
def test_con3_school_level_both_profiles(
    profile: str, delegates: int, flagged: bool
) -> None:
    b = compliant(profile)
    c = next(m for m in b.meetings if m.code == "C")
    _move(b, "C", delegates=(*c.delegates, *(f"x{i}" for i in range(9)))[:delegates])
    found = findings(b, "CON-3")
    assert [f.organisation for f in found] == (["U"] if flagged else [])
    if flagged:
        assert found[0].clauses == (("GS-8",) if profile == "gansu-2017" else ("CQ-3",))


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_con5_does_not_apply_to_a_department_congress(profile: str) -> None:
    """CON-5: school level only; a department congress of core members only passes."""
    b = _department(300, (MeetingKind.CONGRESS, date(2024, 1, 1)))
    b.default_profile = profile
    d = b.meetings[-1]
    for pid in d.delegates:
        b.post("D", Role.CORE_MEMBER, pid)
    assert rules(b, "CON-5") == []


def test_con3_duplicate_delegates_count_once() -> None:
    b = compliant()
    c = next(m for m in b.meetings if m.code == "C")
    _move(b, "C", delegates=(*c.delegates[:184], c.delegates[0]))
    assert rules(b, "CON-3") == ["CON-3.delegates-too-few"]


@pytest.mark.parametrize("missing", ["students", "delegates"])
def test_con3_missing_data_is_incomplete(missing: str) -> None:
    b = compliant()
    if missing == "students":
        b.update("U", students_served=None)
    else:
        _move(b, "C", delegates=())
    f = only(b, "CON-3")
    assert (f.rule, f.severity) == ("CON-3.data-missing", Severity.INCOMPLETE)


# --------------------------------------------------------------------------- CON-5


def _congress_with_core(
    core: int, *, role: Role = Role.CORE_MEMBER, org: str = "D"
) -> Builder:
    """Return the compliant university whose congress C has ``core`` core delegates of 185."""
    b = compliant()
    c = next(m for m in b.meetings if m.code == "C")
    # the president is core already
    core_people = [b.post(org, role) for _ in range(core - 1)]
    _move(b, "C", delegates=(c.delegates[0], *core_people, *c.delegates[core:]))
    return b


@pytest.mark.parametrize(("core", "flagged"), [(74, False), (75, True)])
def test_con5_sixty_percent_non_core(core: int, flagged: bool) -> None:
    """CON-5 · GS-8, CQ-3: 111 of 185 non-core is exactly 60%; 110 is not (D)."""
    b = _congress_with_core(core)
    found = findings(b, "CON-5")
    assert bool(found) is flagged
    if flagged:
        f = found[0]
        assert (f.rule, f.severity) == ("CON-5.non-core-share", Severity.DEVIATION)
        assert f.evidence["delegates"] == 185
        assert f.evidence["core_delegates"] == 75
        assert f.evidence["non_core_delegates"] == 110
        assert f.evidence["required"] == 111
        assert f.evidence["min_share"] == "60/100"
        assert "110 non-core delegates of 185" in f.message.render()


@pytest.mark.parametrize(
    ("org_kind", "role", "core"),
    [
        (OrgKind.FUNCTIONAL_DEPARTMENT, Role.DEPARTMENT_DEPUTY, True),  # U-O
        (OrgKind.DEPARTMENT_UNION, Role.CORE_MEMBER, True),  # D
        (OrgKind.DEPARTMENT_UNION, Role.MEMBER, False),
        (OrgKind.CLUB, Role.CORE_MEMBER, False),
    ],
)
def test_con5_who_is_a_core_member(org_kind: OrgKind, role: Role, core: bool) -> None:
    """CON-5: core roles in school-, graduate- or department-level unions and their departments."""
    org = {OrgKind.FUNCTIONAL_DEPARTMENT: "U-O", OrgKind.DEPARTMENT_UNION: "D"}.get(
        org_kind
    )
    b = compliant()
    if org is None:
        org = b.org("CLUB", OrgKind.CLUB, "S")
    b2 = _congress_with_core(75, role=role, org=org)
    assert bool(findings(b2, "CON-5")) is core


def test_con5_core_is_judged_on_the_congress_day() -> None:
    b = _congress_with_core(75)
    c = next(m for m in b.meetings if m.code == "C")
    # those core positions started after the congress: not core on its day
    assert rules(b, "CON-5", as_of=AS_OF) == ["CON-5.non-core-share"]
    b.positions = [
        replace(p, start=date(2023, 1, 1)) if p.organisation == "D" else p
        for p in b.positions
    ]
    assert c.opened < date(2023, 1, 1)
    assert rules(b, "CON-5") == []


def test_con5_no_delegates_is_incomplete() -> None:
    b = compliant()
    _move(b, "C", delegates=())
    f = only(b, "CON-5")
    assert (f.rule, f.severity) == ("CON-5.data-missing", Severity.INCOMPLETE)


# --------------------------------------------------------------------------- CON-9


def _adopted(b: Builder, day: date = date(2020, 11, 1)) -> None:
    """Record that union U adopted its standing conference on ``day``."""
    b.standing_conferences.append(StandingConference("U", day))


def test_con9_standing_conference_in_a_year_without_congress() -> None:
    """CON-9 · GS-8, CQ-3: 2023 (the year judged on AS_OF) had neither."""
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    _adopted(b)
    f = only(b, "CON-9")
    assert f.evidence == {
        "year": 2023,
        "standing_meetings": 0,
        "minimum": 1,
        "adopted": "2020-11-01",
    }
    assert f.severity == Severity.VIOLATION
    assert f.clauses == ("GS-8",)
    b.default_profile = "cqtgu-2017"
    assert only(b, "CON-9").clauses == ("CQ-3",)


def test_con9_a_union_that_never_adopted_a_standing_conference_gets_no_finding() -> (
    None
):
    """探索实行: optional until adopted (no standing delegate, no meeting held)."""
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    assert findings(b, "CON-9") == []
    # a planned standing-conference meeting adopts nothing and counts for nothing
    b.meeting(
        "U",
        MeetingKind.STANDING_CONFERENCE,
        date(2023, 5, 1),
        status=MeetingStatus.PLANNED,
    )
    assert findings(b, "CON-9") == []
    _adopted(b)
    assert rules(b, "CON-9") == ["CON-9.standing-conference"]


@pytest.mark.parametrize(
    ("adopted", "judged"),
    [(date(2022, 12, 31), True), (date(2023, 1, 1), False)],
)
def test_con9_binds_from_the_first_year_that_began_after_the_adoption(
    adopted: date, judged: bool
) -> None:
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    _adopted(b, adopted)
    assert rules(b, "CON-9") == (["CON-9.standing-conference"] if judged else [])


@pytest.mark.parametrize(
    ("day", "flagged"),
    [
        (date(2023, 1, 1), False),
        (date(2023, 12, 31), False),
        (date(2022, 12, 31), True),
        (date(2024, 1, 1), True),
    ],
)
def test_con9_a_meeting_in_the_calendar_year_judged(day: date, flagged: bool) -> None:
    """Every year is a calendar year: on AS_OF (2024-06-30) the audit judges 2023."""
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    _adopted(b)
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, day)
    assert rules(b, "CON-9") == (["CON-9.standing-conference"] if flagged else [])


@pytest.mark.parametrize(
    "status",
    [
        MeetingStatus.PLANNED,
        MeetingStatus.SEATS_ALLOCATED,
        MeetingStatus.DELEGATES_ELECTED,
    ],
)
def test_con9_a_meeting_that_never_convened_does_not_count(
    status: MeetingStatus,
) -> None:
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    _adopted(b)
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, date(2023, 5, 1), status=status)
    b.meeting("U", MeetingKind.CONGRESS, date(2023, 6, 1), status=status)
    assert rules(b, "CON-9") == ["CON-9.standing-conference"]
    for convened in (MeetingStatus.CONVENED, MeetingStatus.CLOSED):
        b2 = compliant()
        _drop(b2, "U", MeetingKind.STANDING_CONFERENCE)
        _adopted(b2)
        b2.meeting(
            "U", MeetingKind.STANDING_CONFERENCE, date(2023, 5, 1), status=convened
        )
        assert rules(b2, "CON-9") == []


def test_con9_a_congress_in_the_year_is_enough_and_only_the_last_year_is_judged() -> (
    None
):
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    _adopted(b)
    b.meeting("U", MeetingKind.CONGRESS, date(2023, 10, 1), delegates=185)
    assert findings(b, "CON-9") == []  # 2021 and 2022 are history, not judged
    assert findings(b, "CON-9", as_of=date(2024, 12, 31)) == []  # 2024 not over


def test_con9_stricter_profile_needs_two_meetings(tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    path.write_text(
        '[profile]\ncode = "twice"\nextends = "gansu-2017"\n'
        "[parameters.standing_meetings_min_per_year]\nvalue = 2\n"
    )
    b = compliant()
    twice = load_profile(path)
    f = only(b, "CON-9", profile=twice)
    assert (f.evidence["year"], f.evidence["standing_meetings"]) == (2023, 1)
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, date(2023, 3, 1))
    assert findings(b, "CON-9", profile=twice) == []


# --------------------------------------------------------------------------- CON-11


def _secondary(
    students: int | None = 900, *, school_students: int | None = 900
) -> Builder:
    b = compliant()
    b.school("M", school_type=SchoolType.SECONDARY_VOCATIONAL, students=school_students)
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=students)
    b.meeting("MU", MeetingKind.CONGRESS, TWO_YEARS_BEFORE, delegates=9, code="MC")
    for kind in GuidanceKind:  # GOV-1, GOV-2 bind a secondary school's union too
        b.guide("MU", kind, date(2024, 3, 1))
    return b


def test_con11_secondary_school_in_time_with_one_percent() -> None:
    """CON-11 · GS-4: 24 months and ⌈1% × 900⌉ = 9 delegates are enough."""
    b = _secondary()
    assert rules(b, "CON-11") == []
    # CON-1, CON-3 and ORG-2 do not apply to a secondary school's union
    assert {f.organisation for f in findings(b)} == set()


def test_con11_one_day_late() -> None:
    b = _secondary()
    _move(b, "MC", opened=date(2022, 6, 29))
    f = only(b, "CON-11")
    assert (f.rule, f.severity) == ("CON-11.congress-overdue", Severity.VIOLATION)


def test_con11_one_delegate_short() -> None:
    b = _secondary()
    m = next(m for m in b.meetings if m.code == "MC")
    _move(b, "MC", delegates=m.delegates[:8])
    f = only(b, "CON-11")
    assert f.rule == "CON-11.delegates-too-few"
    assert (f.evidence["delegates"], f.evidence["required"]) == (8, 9)


def test_con11_uses_the_school_when_the_union_has_no_student_count() -> None:
    assert rules(_secondary(None, school_students=900), "CON-11") == []
    assert rules(_secondary(None, school_students=901), "CON-11") == [
        "CON-11.delegates-too-few"
    ]
    f = only(_secondary(None, school_students=None), "CON-11")
    assert (f.rule, f.severity) == ("CON-11.data-missing", Severity.INCOMPLETE)


def test_con11_no_congress() -> None:
    b = _secondary()
    _drop(b, "MU", MeetingKind.CONGRESS)
    assert rules(b, "CON-11") == ["CON-11.no-congress"]


def test_con11_does_not_apply_under_a_profile_without_its_parameters() -> None:
    """cqtgu-2017 has no secondary schools, so no CON-11 parameters."""
    b = _secondary()
    _drop(b, "MU", MeetingKind.CONGRESS)
    b.default_profile = "cqtgu-2017"
    assert rules(b, "CON-11") == []


# --------------------------------------------------------------------------- CON-13


@pytest.mark.parametrize(
    ("held", "flagged"),
    [
        (date(2023, 1, 1), False),
        (date(2023, 12, 31), False),
        (date(2022, 12, 31), True),
        (date(2024, 1, 1), True),
    ],
)
def test_con13_work_report_every_year(held: date, flagged: bool) -> None:
    """CON-13 · GS-11, CQ-6: a work report in every calendar year (2023 on AS_OF)."""
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    b.meetings = [replace(m, work_report=False) for m in b.meetings]
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, held, work_report=True)
    found = findings(b, "CON-13")
    assert [f.rule for f in found] == (
        ["CON-13.work-report-overdue"] if flagged else []
    )
    if flagged:
        assert found[0].evidence == {
            "year": 2023,
            "reports": 0,
            "minimum": 1,
            "last_work_report": held.isoformat(),  # the newest, whatever the year
        }
        assert found[0].severity == Severity.VIOLATION


@pytest.mark.parametrize(
    ("filed", "flagged"),
    [
        (date(2023, 1, 1), False),
        (date(2023, 12, 31), False),
        (date(2022, 12, 31), True),
        (date(2024, 1, 1), True),
    ],
)
def test_con13_a_written_report_counts(filed: date, flagged: bool) -> None:
    """通过集中会议或书面形式: a report filed in writing in the year counts."""
    b = compliant()
    b.meetings = [replace(m, work_report=False) for m in b.meetings]
    b.written_reports.append(WrittenReport("U", filed, "W1"))
    found = findings(b, "CON-13")
    assert bool(found) is flagged
    if flagged and filed < AS_OF:
        assert found[0].evidence["last_work_report"] == filed.isoformat()


@pytest.mark.parametrize(
    "status",
    [
        MeetingStatus.PLANNED,
        MeetingStatus.SEATS_ALLOCATED,
        MeetingStatus.DELEGATES_ELECTED,
    ],
)
def test_con13_a_report_to_a_meeting_that_never_convened_does_not_count(
    status: MeetingStatus,
) -> None:
    b = compliant()
    _drop(b, "U", MeetingKind.STANDING_CONFERENCE)
    b.meeting(
        "U",
        MeetingKind.STANDING_CONFERENCE,
        date(2023, 5, 1),
        work_report=True,
        status=status,
    )
    assert rules(b, "CON-13") == ["CON-13.work-report-overdue"]


def test_con13_a_meeting_without_a_work_report_does_not_count() -> None:
    b = compliant()
    b.meetings = [replace(m, work_report=False) for m in b.meetings]
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, date(2023, 5, 1))
    f = only(b, "CON-13")
    assert f.evidence["last_work_report"] == "-"


def test_con13_cqtgu_clause() -> None:
    b = compliant("cqtgu-2017")
    b.meetings = [replace(m, work_report=False) for m in b.meetings]
    assert only(b, "CON-13").clauses == ("CQ-6",)
    assert only(compliant(), "CON-13", as_of=date(2025, 6, 30)).clauses == ("GS-11",)
