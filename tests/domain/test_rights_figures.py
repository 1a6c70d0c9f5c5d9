"""The public figures of a handler: each rate over its own base (响应率, 按时办结率, 解决率,
满意率); merged and withdrawn concerns count nowhere; an empty base is None, not 0%."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest

from tongxue.domain.rights import ConcernFacts, Figures, figures

TODAY = date(2026, 11, 30)
DAY = timedelta(days=1)
BASE = ConcernFacts(
    raised_on=date(2026, 11, 2),
    acknowledge_due=date(2026, 11, 4),
    answer_due=date(2026, 11, 16),
    acknowledged_on=None,
    answered_on=None,
    status="received",
    rating="",
    verified=False,
)


def fact(**kw: object) -> ConcernFacts:
    return replace(BASE, **kw)  # type: ignore[arg-type]


def test_no_concerns_no_rates() -> None:
    f = figures([], today=TODAY)
    assert f == Figures()
    assert f.response_rate is None and f.on_time_rate is None
    assert f.solved_rate is None and f.satisfaction_rate is None


def test_response_rate_counts_acknowledged_or_past_due() -> None:
    future = TODAY + 3 * DAY
    facts = [
        fact(acknowledged_on=BASE.acknowledge_due),  # on the due day: in time
        fact(acknowledged_on=BASE.acknowledge_due + DAY),  # a day late
        fact(),  # never acknowledged, its deadline over: late
        fact(acknowledge_due=future, answer_due=future),  # still in time: not judged
        fact(acknowledge_due=TODAY, answer_due=future),  # due today: not judged yet
        # answered without a separate acknowledgement, within the acknowledge deadline
        fact(answered_on=BASE.acknowledge_due, status="answered"),
    ]
    f = figures(facts, today=TODAY)
    assert f.received == 6
    assert (f.responded_in_time, f.response_base) == (2, 4)
    assert f.response_rate == Fraction(1, 2)


def test_on_time_rate_counts_answered_or_past_due() -> None:
    future = TODAY + DAY
    facts = [
        fact(answered_on=BASE.answer_due, status="answered"),  # the due day
        fact(answered_on=BASE.answer_due + DAY, status="answered"),  # late
        fact(status="in_hand", acknowledged_on=BASE.raised_on),  # past due, open
        fact(status="in_hand", acknowledged_on=BASE.raised_on, answer_due=future),
        fact(status="in_hand", acknowledged_on=BASE.raised_on, answer_due=TODAY),
    ]
    f = figures(facts, today=TODAY)
    assert (f.answered_in_time, f.answer_base) == (1, 3)
    assert f.on_time_rate == Fraction(1, 3)


def test_solved_and_satisfaction_rates() -> None:
    answered = {"answered_on": BASE.answer_due, "acknowledged_on": BASE.raised_on}
    facts = [
        fact(status="closed", rating="satisfied", **answered),
        fact(status="closed", rating="basically", **answered),
        fact(status="closed", rating="unsatisfied", **answered),  # after 重办
        fact(status="closed", rating="", **answered),  # unrated
        fact(status="closed", rating="", verified=True, **answered),  # verified
        fact(status="reopened", rating="unsatisfied", **answered),  # not closed
    ]
    f = figures(facts, today=TODAY)
    assert (f.solved, f.closed) == (3, 5)
    assert f.solved_rate == Fraction(3, 5)
    assert (f.satisfied, f.rated) == (2, 4)
    assert f.satisfaction_rate == Fraction(1, 2)


@pytest.mark.parametrize("status", ["merged", "withdrawn"])
def test_merged_and_withdrawn_count_nowhere(status: str) -> None:
    f = figures(
        [fact(status=status, rating="unsatisfied", acknowledged_on=TODAY)], today=TODAY
    )
    assert f == Figures()
