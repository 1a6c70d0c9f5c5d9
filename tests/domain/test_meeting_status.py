"""Only meetings that took place count (CON-1, CON-2, CON-7, CON-11, CON-13 …).

A congress that was only planned, or whose delegates were elected but which never
convened, is not a congress held: interval rules do not count it and CON-7 does not
judge its business. A meeting still to come is shown beside a finding as "planned".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings, only, rules
from tongxue.domain.dates import in_year, judged_year
from tongxue.domain.findings import Severity
from tongxue.domain.model import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    OrgKind,
    SchoolType,
    StandingConference,
)

NOT_CONVENED = [
    MeetingStatus.PLANNED,
    MeetingStatus.SEATS_ALLOCATED,
    MeetingStatus.DELEGATES_ELECTED,
]
PROFILES = ["gansu-2017", "cqtgu-2017"]


def _status(b: Builder, code: str, status: MeetingStatus | None) -> None:
    b.meetings = [
        replace(m, status=status) if m.code == code else m for m in b.meetings
    ]


# --------------------------------------------------------------------------- model


def test_a_meeting_took_place_when_it_convened_and_opened() -> None:
    m = Meeting("M", "U", MeetingKind.CONGRESS, date(2024, 5, 1))
    assert m.status is None and m.held_by(date(2024, 5, 1))  # not recorded: held
    assert not m.held_by(date(2024, 4, 30))
    for status in NOT_CONVENED:
        assert not replace(m, status=status).held_by(date(2030, 1, 1))
        assert replace(m, status=status).planned_after(date(2024, 5, 1))
        assert not replace(m, status=status).planned_after(date(2024, 5, 2))
    for status in (MeetingStatus.CONVENED, MeetingStatus.CLOSED):
        assert replace(m, status=status).held_by(date(2024, 5, 1))
        assert not replace(m, status=status).planned_after(date(2024, 4, 1))


def test_every_year_is_the_calendar_year_before_the_audit_day() -> None:
    assert judged_year(date(2024, 1, 1)) == 2023
    assert judged_year(date(2024, 12, 31)) == 2023
    assert judged_year(date(2025, 1, 1)) == 2024
    assert in_year(date(2023, 12, 31), 2023) and not in_year(date(2024, 1, 1), 2023)


# --------------------------------------------------------------------------- CON-1


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("status", NOT_CONVENED)
def test_con1_a_congress_that_never_convened_does_not_count(
    profile: str, status: MeetingStatus
) -> None:
    """The newest congress held is then the 2020 one: overdue."""
    b = compliant(profile)
    assert rules(b, "CON-1") == []
    _status(b, "C", status)
    f = only(b, "CON-1")
    assert (f.rule, f.severity) == ("CON-1.congress-overdue", Severity.VIOLATION)
    assert f.evidence["last_congress"] == "2020-10-01"


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("status", [MeetingStatus.CONVENED, MeetingStatus.CLOSED])
def test_con1_a_congress_that_convened_counts(
    profile: str, status: MeetingStatus
) -> None:
    b = compliant(profile)
    _status(b, "C", status)
    assert rules(b, "CON-1") == []


@pytest.mark.parametrize(
    ("opened", "flagged"),
    [(date(2022, 6, 30), False), (date(2022, 6, 29), True)],
)
def test_con1_both_sides_of_24_months_whatever_is_planned(
    opened: date, flagged: bool
) -> None:
    """A planned congress after the audit day changes neither side of the limit."""
    b = compliant()
    b.meetings = [replace(m, opened=opened) if m.code == "C" else m for m in b.meetings]
    b.meeting(
        "U",
        MeetingKind.CONGRESS,
        date(2024, 7, 15),
        status=MeetingStatus.DELEGATES_ELECTED,
        code="NEXT",
    )
    found = findings(b, "CON-1")
    assert [f.rule for f in found] == (["CON-1.congress-overdue"] if flagged else [])
    if flagged:
        # shown as planned, not as compliance
        assert found[0].evidence["planned"] == "NEXT"
        assert found[0].evidence["planned_opens"] == "2024-07-15"
        assert found[0].evidence["planned_status_label"] == "Delegates elected"
        assert "NEXT" not in found[0].evidence["last_congress"]


def test_con1_a_past_congress_that_never_convened_is_not_planned_either() -> None:
    b = compliant()
    _status(b, "C", MeetingStatus.DELEGATES_ELECTED)
    f = only(b, "CON-1")
    assert "planned" not in f.evidence  # its day passed: neither held nor to come


def test_con1_no_congress_held_but_one_planned() -> None:
    b = compliant()
    b.meetings = [
        replace(m, status=MeetingStatus.PLANNED, opened=date(2024, 9, 1))
        if m.organisation == "U" and m.kind == MeetingKind.CONGRESS
        else m
        for m in b.meetings
    ]
    f = only(b, "CON-1")
    assert f.rule == "CON-1.no-congress"
    assert f.evidence["planned_opens"] == "2024-09-01"


def test_con1_a_25_month_gap_since_the_last_held_congress() -> None:
    """The issue's case: at 2027-06-01 the last congress held was 25 months before."""
    b = compliant()
    _status(b, "C", MeetingStatus.CLOSED)
    b.meetings = [
        replace(m, opened=date(2025, 5, 1)) if m.code == "C" else m for m in b.meetings
    ]
    b.meeting(
        "U",
        MeetingKind.CONGRESS,
        date(2026, 12, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
        code="NEVER",
    )
    f = only(b, "CON-1", as_of=date(2027, 6, 1))
    assert f.evidence["last_congress"] == "2025-05-01"
    assert rules(b, "CON-1", as_of=date(2027, 5, 1)) == []  # exactly 24 months


# --------------------------------------------------------------------------- CON-2


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("status", NOT_CONVENED)
def test_con2_a_department_congress_that_never_convened(
    profile: str, status: MeetingStatus
) -> None:
    b = compliant(profile)
    d = next(m for m in b.meetings if m.organisation == "D")
    _status(b, d.code, status)
    assert rules(b, "CON-2") == ["CON-2.congress-overdue"]


def test_con2_an_assembly_that_never_convened_does_not_replace_the_congress() -> None:
    b = compliant()
    b.meetings = [m for m in b.meetings if m.organisation != "D"]
    b.meeting(
        "D",
        MeetingKind.ASSEMBLY,
        date(2024, 3, 1),
        status=MeetingStatus.PLANNED,
    )
    assert rules(b, "CON-2") == ["CON-2.congress-overdue"]


# --------------------------------------------------------------------------- CON-7


@pytest.mark.parametrize("status", NOT_CONVENED)
def test_con7_judges_no_congress_that_never_convened(status: MeetingStatus) -> None:
    """The demo's false CON-7.work-report: an unconvened congress has no business."""
    b = compliant()
    b.meeting(
        "U",
        MeetingKind.CONGRESS,
        date(2024, 6, 1),
        status=status,
        code="UNCONVENED",
    )
    assert rules(b, "CON-7") == []
    # once convened, its business is judged (it heard no work report)
    _status(b, "UNCONVENED", MeetingStatus.CONVENED)
    f = only(b, "CON-7")
    assert (f.rule, f.evidence["congress"]) == ("CON-7.work-report", "UNCONVENED")


# --------------------------------------------------------------------------- CON-3/5


def test_con3_and_con5_look_at_the_newest_congress_held() -> None:
    b = compliant()
    b.meeting(
        "U",
        MeetingKind.CONGRESS,
        date(2024, 6, 1),
        status=MeetingStatus.DELEGATES_ELECTED,
        delegates=1,
    )
    assert rules(b, "CON-3") == [] and rules(b, "CON-5") == []


# --------------------------------------------------------------------------- CON-11


def _secondary(students: int = 900) -> Builder:
    b = compliant()
    b.school("M", school_type=SchoolType.SECONDARY_VOCATIONAL, students=students)
    b.org("MU", OrgKind.SCHOOL_UNION, "M", students_served=students)
    b.meeting("MU", MeetingKind.CONGRESS, date(2022, 6, 30), delegates=9, code="MC")
    return b


@pytest.mark.parametrize("status", NOT_CONVENED)
def test_con11_a_secondary_congress_that_never_convened(status: MeetingStatus) -> None:
    b = _secondary()
    _status(b, "MC", status)
    f = only(b, "CON-11")
    assert (f.rule, f.severity) == ("CON-11.no-congress", Severity.VIOLATION)


def test_con11_one_percent_is_a_default_the_interval_a_must() -> None:
    """一般不低于1% (D) but 按时召开 (M): each finding carries its own severity."""
    b = _secondary(901)  # ⌈1% × 901⌉ = 10 > 9
    f = only(b, "CON-11")
    assert (f.rule, f.severity) == ("CON-11.delegates-too-few", Severity.DEVIATION)
    assert rules(_secondary(900), "CON-11") == []  # 9 of 900: exactly 1%
    b.meetings = [
        replace(m, opened=date(2022, 6, 29)) if m.code == "MC" else m
        for m in b.meetings
    ]
    severities = {f.rule: f.severity for f in findings(b, "CON-11")}
    assert severities == {
        "CON-11.congress-overdue": Severity.VIOLATION,
        "CON-11.delegates-too-few": Severity.DEVIATION,
    }


# --------------------------------------------------------------------------- CON-8…10


def test_a_standing_conference_meeting_held_adopts_it_a_planned_one_does_not() -> None:
    b = compliant()
    reg = b.build()
    assert reg.standing_conference_adopted("U", AS_OF) == date(2021, 11, 1)
    b.meetings = [
        replace(m, status=MeetingStatus.PLANNED)
        if m.kind == MeetingKind.STANDING_CONFERENCE
        else m
        for m in b.meetings
    ]
    assert b.build().standing_conference_adopted("U", AS_OF) is None
    b.standing_conferences.append(StandingConference("U", date(2022, 3, 1)))
    assert b.build().standing_conference_adopted("U", AS_OF) == date(2022, 3, 1)
    assert b.build().standing_conference_adopted("U", date(2022, 2, 28)) is None
