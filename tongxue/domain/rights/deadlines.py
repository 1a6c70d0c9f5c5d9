"""Deadlines of a concern in working days (RGT-1 · GS-10, CQ-5; RGT-7).

A concern is acknowledged and answered within a number of working days (profile
parameters ``concern_acknowledge_working_days``, ``concern_answer_working_days`` and the
shorter ``sensitive_…`` ones, or a category's own); the plans give no number. Working
days are those of the 公示 calendar (:func:`tongxue.domain.publicity.is_working_day`):
Monday to Friday, less the holidays, plus the weekend days worked in exchange (调休).
The day a concern is raised never counts: raised on a Friday with 2 working days, it
is due on the Tuesday. The student's window to rate an answer is in calendar days.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from tongxue.domain.publicity import is_working_day


def due_date(
    raised_on: date,
    working_days: int,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> date:
    """Return the ``working_days``-th working day after ``raised_on`` (which never counts).

    The concern is in time when handled on that day; late from the next day on.
    """
    if working_days < 1:
        raise ValueError("a deadline is at least one working day")
    day = raised_on
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(
            day, holidays=holidays, extra_working_days=extra_working_days
        ):
            counted += 1
    return day


def working_days_late(
    due: date,
    today: date,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> int:
    """Return how many working days ``today`` is past ``due``: 0 on or before it.

    The working days after ``due`` up to and including ``today``: due on a Friday, the
    Saturday and Sunday after it are 0 days late, the Monday 1.
    """
    if today <= due:
        return 0
    late = 0
    day = due
    while day < today:
        day += timedelta(days=1)
        if is_working_day(
            day, holidays=holidays, extra_working_days=extra_working_days
        ):
            late += 1
    return late


def rating_due(answered_on: date, days: int) -> date:
    """Return the last day the student may rate an answer given on ``answered_on``.

    ``days`` calendar days after the answer (profile ``concern_rating_days``).
    """
    if days < 0:
        raise ValueError("the rating window cannot be negative")
    return answered_on + timedelta(days=days)
