"""Notice periods in working days and the state of a notice (ELE-4 · GS-12, CQ-7)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxue.domain.publicity import (
    NoticeState,
    is_working_day,
    notice_end,
    notice_state,
)

MONDAY = date(2026, 11, 23)


def test_five_working_days_from_a_monday_end_on_friday() -> None:
    assert notice_end(MONDAY, 5) == date(2026, 11, 27)


def test_a_notice_posted_on_saturday_starts_counting_on_monday() -> None:
    assert notice_end(date(2026, 11, 21), 5) == date(2026, 11, 27)


def test_a_notice_posted_on_friday_spans_the_weekend() -> None:
    assert notice_end(date(2026, 11, 27), 5) == date(2026, 12, 3)


def test_holidays_do_not_count_and_exchanged_weekend_days_do() -> None:
    holiday = date(2026, 11, 25)  # a Wednesday off
    worked = date(2026, 11, 28)  # the Saturday worked instead
    assert notice_end(MONDAY, 5, holidays={holiday}) == date(2026, 11, 30)
    assert (
        notice_end(MONDAY, 5, holidays={holiday}, extra_working_days={worked}) == worked
    )
    assert not is_working_day(holiday, holidays={holiday})
    assert is_working_day(worked, extra_working_days={worked})


def test_a_notice_needs_at_least_one_working_day() -> None:
    with pytest.raises(ValueError):
        notice_end(MONDAY, 0)
    assert notice_end(MONDAY, 1) == MONDAY


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    days=st.integers(min_value=1, max_value=30),
)
def test_the_period_holds_exactly_the_working_days_asked(
    start: date, days: int
) -> None:
    end = notice_end(start, days)
    span = [start + timedelta(d) for d in range((end - start).days + 1)]
    assert sum(1 for d in span if is_working_day(d)) == days
    assert is_working_day(end)


ENDS = date(2026, 11, 27)


def test_the_notice_runs_up_to_and_including_its_last_day() -> None:
    assert notice_state(ends=ENDS, today=ENDS, unanswered=0, upheld=0) is (
        NoticeState.RUNNING
    )
    assert notice_state(
        ends=ENDS, today=ENDS + timedelta(1), unanswered=0, upheld=0
    ) is (NoticeState.EFFECTIVE)


def test_an_unanswered_objection_holds_the_subject_back() -> None:
    after = ENDS + timedelta(1)
    assert notice_state(ends=ENDS, today=after, unanswered=1, upheld=0) is (
        NoticeState.AWAITING_ANSWERS
    )


def test_an_upheld_objection_stops_the_subject_even_while_running() -> None:
    assert notice_state(ends=ENDS, today=ENDS, unanswered=0, upheld=1) is (
        NoticeState.UPHELD
    )


def test_a_withdrawn_notice_never_takes_effect() -> None:
    assert notice_state(
        ends=ENDS, today=ENDS + timedelta(9), unanswered=0, upheld=0, withdrawn=True
    ) is (NoticeState.WITHDRAWN)
