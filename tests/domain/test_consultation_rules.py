"""RGT-5 on the domain's registry (网上学联 · GS-5): a closed consultation's public
response missing past its due date is a violation (due on the audit day: in time; a
response published late stops being missing from its day on), no consultation opened
within ``consultation_interval_months`` a deviation (exactly twelve months before the
audit day is within); a registry that records no consultations (a snapshot) is not
judged. And the pure helpers: the phase, the due date in working days, how late."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, compliant, findings, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import Consultation, OrgKind, Registry
from tongxue.domain.rights.consultations import (
    Phase,
    days_late,
    is_open,
    phase,
    response_due,
)
from tongxue.domain.rule_ids import DEVIATIONS

DAY = timedelta(days=1)
#: twelve months before the audit day (2024-06-30)
EDGE = date(2023, 6, 30)


def with_federation(
    consultations: tuple[Consultation, ...] | None,
    *,
    kind: OrgKind = OrgKind.PROVINCIAL_FEDERATION,
) -> Registry:
    b = compliant()
    b.org("F", kind)
    b.update("S", parent="F")
    return replace(b.build(), consultations=consultations)


def consultation(
    *,
    opens: date = date(2024, 5, 1),
    closes: date = date(2024, 5, 31),
    due: date = date(2024, 6, 14),
    responded: date | None = date(2024, 6, 10),
    number: int = 1,
) -> Consultation:
    return Consultation("F", number, opens, closes, due, responded)


def test_a_registry_without_consultations_is_not_judged() -> None:
    assert compliant().build().consultations is None
    assert rules(with_federation(None), "RGT-5") == []


def test_a_federation_that_asked_and_answered_in_time_is_not_reported() -> None:
    assert rules(with_federation((consultation(),)), "RGT-5") == []


@pytest.mark.parametrize(
    ("due", "responded", "reported"),
    [
        (AS_OF, None, False),  # due on the audit day: still in time
        (AS_OF - DAY, None, True),  # due yesterday, nothing published
        (AS_OF - DAY, AS_OF, False),  # published late, today: no longer missing
        (AS_OF - DAY, AS_OF + DAY, True),  # published after the audit day
        (AS_OF - 10 * DAY, AS_OF - 12 * DAY, False),  # in time
    ],
)
def test_a_response_missing_past_its_due_date_is_a_violation(
    due: date, responded: date | None, reported: bool
) -> None:
    c = consultation(closes=due - 14 * DAY, due=due, responded=responded)
    found = findings(with_federation((c,)), "RGT-5")
    assert [f.rule for f in found] == (["RGT-5.response-missing"] if reported else [])
    if reported:
        f = found[0]
        assert f.organisation == "F"
        assert f.severity == Severity.VIOLATION
        assert f.clauses == ("GS-5",)
        assert f.evidence == {
            "unanswered_consultations": 1,
            "oldest_due": due.isoformat(),
        }


def test_one_finding_per_federation_with_the_earliest_due_date() -> None:
    late = [
        consultation(number=n, due=AS_OF - n * DAY, responded=None) for n in (1, 2, 3)
    ]
    reg = with_federation((*late, consultation(number=4)))
    f = [x for x in findings(reg, "RGT-5") if x.rule == "RGT-5.response-missing"]
    assert len(f) == 1
    assert f[0].evidence == {
        "unanswered_consultations": 3,
        "oldest_due": (AS_OF - 3 * DAY).isoformat(),
    }


@pytest.mark.parametrize(
    ("opens", "reported"),
    [
        (EDGE, False),  # exactly twelve months before: within
        (EDGE - DAY, True),  # a day earlier: not
        (AS_OF + DAY, True),  # planned after the audit day: does not count
    ],
)
def test_no_consultation_within_twelve_months_is_a_deviation(
    opens: date, reported: bool
) -> None:
    c = consultation(opens=opens, closes=opens, due=opens + 14 * DAY, responded=opens)
    found = findings(with_federation((c,)), "RGT-5")
    assert [f.rule for f in found] == (["RGT-5.no-consultation"] if reported else [])
    if reported:
        f = found[0]
        assert f.severity == Severity.DEVIATION
        assert f.clauses == ("GS-5",)
        assert f.evidence["max_interval_months"] == 12
        assert f.evidence["since"] == EDGE.isoformat()
        # the keys that identify the occurrence a justification covers
        assert set(DEVIATIONS[f.rule].occurrence) <= set(f.evidence)


def test_a_federation_that_never_asked_and_a_city_federation_are_judged() -> None:
    for kind in (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION):
        f = findings(with_federation((), kind=kind), "RGT-5")
        assert [x.rule for x in f] == ["RGT-5.no-consultation"]
        assert f[0].evidence["last_consultation"] == "-"


def test_unions_are_not_judged() -> None:
    reg = with_federation(())
    assert {f.organisation for f in findings(reg, "RGT-5")} == {"F"}


def test_a_federation_under_the_chongqing_plan_is_not_judged() -> None:
    """cqtgu-2017 is a university's plan: no clause on federations (RGT-5 cites GS-5
    only) and no RGT-5 parameter."""
    b = compliant("cqtgu-2017")
    b.org("F", OrgKind.PROVINCIAL_FEDERATION)
    b.update("S", parent="F")
    reg = replace(
        b.build(), consultations=(consultation(due=AS_OF - DAY, responded=None),)
    )
    assert rules(reg, "RGT-5") == []


# -- the pure helpers ----------------------------------------------------------------------


def test_phase_and_open_days_both_included() -> None:
    opens, closes = date(2026, 3, 2), date(2026, 3, 6)
    kw = {"opens": opens, "closes": closes, "responded_on": None}
    assert phase(today=opens - DAY, **kw) == Phase.UPCOMING
    assert phase(today=opens, **kw) == Phase.OPEN
    assert phase(today=closes, **kw) == Phase.OPEN
    assert phase(today=closes + DAY, **kw) == Phase.CLOSED
    kw["responded_on"] = closes + 2 * DAY
    assert phase(today=closes + DAY, **kw) == Phase.CLOSED
    assert phase(today=closes + 2 * DAY, **kw) == Phase.RESPONDED
    assert not is_open(opens=opens, closes=closes, today=opens - DAY)
    assert is_open(opens=opens, closes=closes, today=opens)
    assert is_open(opens=opens, closes=closes, today=closes)
    assert not is_open(opens=opens, closes=closes, today=closes + DAY)


HOLIDAYS = [date(2026, 10, d) for d in range(1, 8)]
EXTRA = [date(2026, 9, 27), date(2026, 10, 10)]


def test_the_response_is_due_in_working_days_with_holidays_and_tiaoxiu() -> None:
    # closes Wednesday 2026-09-30; National Day 10-01..07; Saturday 10-10 worked
    closes = date(2026, 9, 30)
    assert response_due(closes, 1) == date(2026, 10, 1)
    assert response_due(closes, 1, holidays=HOLIDAYS, extra_working_days=EXTRA) == date(
        2026, 10, 8
    )
    # 10 working days: 10-08, 09, 10 (调休), 12 … 16, 19, 20
    assert response_due(
        closes, 10, holidays=HOLIDAYS, extra_working_days=EXTRA
    ) == date(2026, 10, 20)


def test_days_late() -> None:
    due = date(2026, 10, 19)  # a Monday
    assert days_late(due, due, due + 9 * DAY) == 0  # published on the due day
    assert days_late(due, due + DAY, due + 9 * DAY) == 1
    assert days_late(due, None, due) == 0
    assert days_late(due, None, due + 5 * DAY) == 4  # to Saturday: 4 working days
