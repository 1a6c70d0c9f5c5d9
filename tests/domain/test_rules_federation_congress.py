"""CON-14 · GS-4: federations hold their congress regularly (规范各级学联定期召开代表大会).

The plan names no interval: ``federation_congress_max_interval_months`` (60) is Tongxue's
default, with its note. Only congresses that took place count (as for CON-1, CON-11);
cqtgu-2017 (one university, no federation) has no interval and does not judge it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.domain.builders import AS_OF, findings, rules
from tests.domain.federation_builders import federation
from tongxue.domain.dates import months_before
from tongxue.domain.findings import Severity
from tongxue.domain.model import MeetingKind, MeetingStatus
from tongxue.domain.profiles import get_profile

PARAM = "federation_congress_max_interval_months"
DUE = months_before(AS_OF, 60)  # 2019-06-30: a congress held on it is still in time


def test_every_federation_without_a_congress_is_reported() -> None:
    found = findings(federation(), "CON-14")
    assert sorted((f.organisation, f.rule) for f in found) == [
        ("C1", "CON-14.no-congress"),
        ("C2", "CON-14.no-congress"),
        ("F", "CON-14.no-congress"),
    ]
    f = found[0]
    assert f.severity == Severity.VIOLATION and f.clauses == ("GS-4",)
    assert f.evidence["max_interval_months"] == 60
    assert f.remedy == "Convene the federation's congress and record it once held."


def test_a_congress_exactly_at_the_interval_is_in_time_one_day_more_is_overdue() -> (
    None
):
    b = federation()
    for code in ("F", "C1"):
        b.meeting(code, MeetingKind.CONGRESS, DUE)
    b.meeting("C2", MeetingKind.CONGRESS, DUE - timedelta(days=1))
    found = findings(b, "CON-14")
    assert [(f.organisation, f.rule) for f in found] == [
        ("C2", "CON-14.congress-overdue")
    ]
    assert found[0].evidence["last_congress"] == "2019-06-29"
    assert found[0].evidence["due"] == DUE.isoformat()
    assert found[0].severity == Severity.VIOLATION


def test_the_interval_runs_to_the_audit_day() -> None:
    b = federation()
    for code in ("F", "C1", "C2"):
        b.meeting(code, MeetingKind.CONGRESS, DUE)
    assert rules(b, "CON-14") == []
    assert (
        rules(b, "CON-14", as_of=AS_OF + timedelta(days=1))
        == ["CON-14.congress-overdue"] * 3
    )


@pytest.mark.parametrize(
    "status", [MeetingStatus.PLANNED, MeetingStatus.DELEGATES_ELECTED]
)
def test_only_a_congress_that_took_place_counts(status: MeetingStatus) -> None:
    b = federation()
    for code in ("C1", "C2"):
        b.meeting(code, MeetingKind.CONGRESS, DUE)
    b.meeting("F", MeetingKind.CONGRESS, AS_OF - timedelta(days=30), status=status)
    found = findings(b, "CON-14")
    assert [(f.organisation, f.rule) for f in found] == [("F", "CON-14.no-congress")]


def test_a_planned_congress_is_shown_beside_the_finding() -> None:
    b = federation()
    for code in ("C1", "C2"):
        b.meeting(code, MeetingKind.CONGRESS, DUE)
    b.meeting("F", MeetingKind.CONGRESS, DUE - timedelta(days=1))
    b.meeting(
        "F",
        MeetingKind.CONGRESS,
        AS_OF + timedelta(days=60),
        code="F-next",
        status=MeetingStatus.PLANNED,
    )
    (f,) = findings(b, "CON-14")
    assert f.rule == "CON-14.congress-overdue" and f.evidence["planned"] == "F-next"


def test_another_kind_of_meeting_is_not_a_congress() -> None:
    b = federation()
    for code in ("F", "C1", "C2"):
        b.meeting(code, MeetingKind.STANDING_CONFERENCE, AS_OF - timedelta(days=30))
    assert rules(b, "CON-14") == ["CON-14.no-congress"] * 3


def test_cqtgu_has_no_federation_interval() -> None:
    assert not get_profile("cqtgu-2017").has(PARAM)
    assert rules(federation("cqtgu-2017"), "CON-14") == []


def test_the_interval_is_an_invented_number_with_its_note() -> None:
    param = get_profile("gansu-2017").param(PARAM)
    assert param.value == 60 and param.requirement == "CON-14"
    assert param.clauses == ("GS-4",)
    assert "no interval" in param.note and "定期" in param.note
