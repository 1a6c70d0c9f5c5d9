"""Public notice (公示) periods and the state of a notice (ELE-4 · GS-12, CQ-7).

Candidate lists, election results, shortlists, appointments and exit decisions are
announced for a notice period counted in working days (profile parameter
``notice_period_working_days``); students may object while it runs; a notice takes
effect only when the period is over, every objection has been answered and none was
upheld.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(
    day: date,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> bool:
    """Return whether ``day`` is a working day (Monday–Friday unless a holiday).

    ``extra_working_days`` are weekend days worked in exchange for a holiday (调休).
    """
    if day in extra_working_days:
        return True
    return day.weekday() < 5 and day not in holidays


def notice_end(
    start: date,
    working_days: int,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> date:
    """Return the last day of a notice of ``working_days`` working days from ``start``.

    ``start`` counts when it is a working day: a five-day notice posted on a Monday
    ends on Friday; posted on a Saturday it runs Monday to Friday.
    """
    if working_days < 1:
        raise ValueError("a notice lasts at least one working day")
    day = start
    counted = 0
    while True:
        if is_working_day(
            day, holidays=holidays, extra_working_days=extra_working_days
        ):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


class NoticeState(enum.StrEnum):
    RUNNING = "running"  # the notice period runs; objections may be lodged
    AWAITING_ANSWERS = "awaiting_answers"  # over, but an objection is unanswered
    UPHELD = "upheld"  # an objection was upheld: the subject does not take effect
    EFFECTIVE = "effective"  # over, every objection answered, none upheld
    WITHDRAWN = "withdrawn"


def notice_state(
    *,
    ends: date,
    today: date,
    unanswered: int,
    upheld: int,
    withdrawn: bool = False,
) -> NoticeState:
    """Return the state of a notice on ``today`` (ELE-4 · GS-12, CQ-7)."""
    if withdrawn:
        return NoticeState.WITHDRAWN
    if upheld:
        return NoticeState.UPHELD
    if today <= ends:
        return NoticeState.RUNNING
    if unanswered:
        return NoticeState.AWAITING_ANSWERS
    return NoticeState.EFFECTIVE
