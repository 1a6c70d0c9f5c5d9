"""RGT-1's report to the school (形成报告提交学校党政部门): a school-level union whose
channel has received concerns for ``concern_report_interval_months`` (6, Tongxue's
default: the plans give no interval) submits a report within that many months; a
report exactly that old is in time, a day older is not; a younger channel, a union
without a concern and a registry without concerns (a snapshot) are not judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only
from tongxue.domain.findings import Severity
from tongxue.domain.model import ConcernChannel, Registry
from tongxue.domain.profiles import load_profile

SIX_MONTHS = date(2023, 12, 30)  # AS_OF 2024-06-30, six months before
RULE = "RGT-1.no-report"


def registry(channel: ConcernChannel | None, profile: str = "gansu-2017") -> Registry:
    channels = None if channel is None else (channel,)
    return replace(compliant(profile).build(), concern_channels=channels)


def channel(first: date | None, last: date | None) -> ConcernChannel:
    return ConcernChannel(
        "U", active_categories=5, raised=True, first_raised=first, last_report=last
    )


def reported(reg: Registry, **kw: object) -> list[str]:
    return [f.rule for f in findings(reg, "RGT-1", **kw) if f.rule == RULE]  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_the_interval_is_a_profile_parameter_not_in_the_plan(profile: str) -> None:
    p = load_profile(profile)
    assert p.int("concern_report_interval_months") == 6
    param = p.param("concern_report_interval_months")
    assert param.requirement == "RGT-1"
    assert "Not in the plan" in param.note


def test_no_report_in_a_term_is_a_violation() -> None:
    f = only(registry(channel(date(2023, 9, 1), None)), "RGT-1")
    assert f.rule == RULE
    assert f.severity == Severity.VIOLATION
    assert f.organisation == "U"
    assert f.evidence == {
        "last_report": "-",
        "first_concern": "2023-09-01",
        "max_interval_months": 6,
        "since": SIX_MONTHS.isoformat(),
    }


@pytest.mark.parametrize(
    ("last", "late"),
    [
        (SIX_MONTHS, False),  # exactly six months: in time
        (SIX_MONTHS - timedelta(days=1), True),  # a day older: not
        (AS_OF, False),  # on the audit day
        (AS_OF + timedelta(days=1), True),  # after the audit day does not count
    ],
)
def test_the_last_report_on_both_sides_of_the_interval(last: date, late: bool) -> None:
    assert bool(reported(registry(channel(date(2023, 9, 1), last)))) is late


@pytest.mark.parametrize(
    ("first", "judged"),
    [
        (SIX_MONTHS, True),  # concerns for exactly six months: judged
        (SIX_MONTHS + timedelta(days=1), False),  # a younger channel: not yet
        (None, False),  # no concern yet
    ],
)
def test_a_channel_younger_than_the_interval_is_not_judged(
    first: date | None, judged: bool
) -> None:
    assert bool(reported(registry(channel(first, None)))) is judged


def test_a_snapshot_without_concerns_is_not_judged() -> None:
    assert reported(registry(None)) == []
