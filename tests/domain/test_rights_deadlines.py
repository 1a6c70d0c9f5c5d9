"""A concern's deadlines in working days (RGT-1 · GS-10, CQ-5; RGT-7): the day raised never
counts; weekends and holidays do not count; a weekend day worked in exchange (调休) does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxue.domain.publicity import is_working_day
from tongxue.domain.rights import due_date, rating_due, working_days_late

MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
NEXT_MONDAY = date(2026, 11, 30)
NEXT_TUESDAY = date(2026, 12, 1)


def test_the_day_raised_never_counts() -> None:
    assert due_date(MONDAY, 1) == MONDAY + timedelta(days=1)
    assert due_date(MONDAY, 2) == WEDNESDAY


def test_a_weekend_does_not_count() -> None:
    assert due_date(FRIDAY, 1) == NEXT_MONDAY
    assert due_date(FRIDAY, 2) == NEXT_TUESDAY
    # raised on a weekend day: the first working day after it is day 1
    assert due_date(SATURDAY, 1) == NEXT_MONDAY
    assert due_date(SUNDAY, 2) == NEXT_TUESDAY


def test_a_holiday_does_not_count() -> None:
    assert due_date(MONDAY, 2, holidays={WEDNESDAY}) == date(2026, 11, 26)
    assert due_date(MONDAY, 2, holidays={MONDAY + timedelta(days=1)}) == date(
        2026, 11, 26
    )
    # the whole National Day week (1–7 October 2026) off: raised the day before
    national_day = {date(2026, 10, 1) + timedelta(days=d) for d in range(7)}
    assert due_date(date(2026, 9, 30), 1, holidays=national_day) == date(2026, 10, 8)
    assert due_date(date(2026, 9, 30), 2, holidays=national_day) == date(2026, 10, 9)


def test_a_saturday_worked_in_exchange_counts() -> None:
    assert due_date(FRIDAY, 1, extra_working_days={SATURDAY}) == SATURDAY
    assert due_date(FRIDAY, 2, extra_working_days={SATURDAY}) == NEXT_MONDAY
    national_day = {date(2026, 10, 1) + timedelta(days=d) for d in range(7)}
    worked = {date(2026, 10, 10)}  # the Saturday after it
    assert due_date(
        date(2026, 9, 30), 3, holidays=national_day, extra_working_days=worked
    ) == date(2026, 10, 10)
    assert due_date(date(2026, 9, 30), 3, holidays=national_day) == date(2026, 10, 12)


def test_a_deadline_is_at_least_one_working_day() -> None:
    with pytest.raises(ValueError):
        due_date(MONDAY, 0)


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (WEDNESDAY, 0),  # before the due day
        (FRIDAY, 0),  # the due day: in time
        (SATURDAY, 0),  # a weekend after it: no working day yet
        (SUNDAY, 0),
        (NEXT_MONDAY, 1),
        (NEXT_TUESDAY, 2),
    ],
)
def test_working_days_late_count_from_the_day_after_the_due_day(
    today: date, late: int
) -> None:
    assert working_days_late(FRIDAY, today) == late


def test_working_days_late_skip_holidays_and_count_a_saturday_worked() -> None:
    assert working_days_late(FRIDAY, NEXT_MONDAY, holidays={NEXT_MONDAY}) == 0
    assert working_days_late(FRIDAY, NEXT_TUESDAY, holidays={NEXT_MONDAY}) == 1
    assert working_days_late(FRIDAY, SATURDAY, extra_working_days={SATURDAY}) == 1
    assert working_days_late(FRIDAY, NEXT_MONDAY, extra_working_days={SATURDAY}) == 2


def test_the_rating_window_is_in_calendar_days() -> None:
    assert rating_due(FRIDAY, 7) == date(2026, 12, 4)
    assert rating_due(FRIDAY, 0) == FRIDAY
    with pytest.raises(ValueError):
        rating_due(FRIDAY, -1)


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1))
holiday_sets = st.frozensets(days, max_size=8)


@given(raised=days, n=st.integers(min_value=1, max_value=25), holidays=holiday_sets)
def test_the_due_date_is_the_nth_working_day_after(
    raised: date, n: int, holidays: frozenset[date]
) -> None:
    due = due_date(raised, n, holidays=holidays)
    assert due > raised
    assert is_working_day(due, holidays=holidays)
    between = [raised + timedelta(d) for d in range(1, (due - raised).days + 1)]
    assert sum(is_working_day(d, holidays=holidays) for d in between) == n
    # the due day itself is in time, the next working day is one late
    assert working_days_late(due, due, holidays=holidays) == 0


@given(
    raised=days,
    n=st.integers(min_value=1, max_value=15),
    k=st.integers(min_value=0, max_value=15),
    holidays=holiday_sets,
)
def test_days_late_and_due_dates_agree(
    raised: date, n: int, k: int, holidays: frozenset[date]
) -> None:
    due = due_date(raised, n, holidays=holidays)
    later = due_date(raised, n + k, holidays=holidays) if k else due
    assert working_days_late(due, later, holidays=holidays) == k
