"""A federation's consultation of students (网上学联, RGT-5 · GS-5), pure Python.

A consultation is open from its opening day to its closing day, both included; the
federation's public response is due ``consultation_answer_working_days`` working days
of the 公示 calendar after the closing day (:func:`response_due`, the closing day never
counts, as for a concern's deadlines). A response published on its due day is in time.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date

from tongxue.domain.rights.deadlines import due_date, working_days_late


class Phase(enum.StrEnum):
    """Where a consultation stands on a day."""

    UPCOMING = "upcoming"  # before its opening day
    OPEN = "open"  # ideas are taken
    CLOSED = "closed"  # closed, the response not yet published
    RESPONDED = "responded"  # the public response is published


def phase(
    *, opens: date, closes: date, responded_on: date | None, today: date
) -> Phase:
    """The consultation's phase on ``today``."""
    if responded_on is not None and responded_on <= today:
        return Phase.RESPONDED
    if today < opens:
        return Phase.UPCOMING
    if today <= closes:
        return Phase.OPEN
    return Phase.CLOSED


def is_open(*, opens: date, closes: date, today: date) -> bool:
    """Whether students may send ideas on ``today`` (both days included)."""
    return opens <= today <= closes


def response_due(
    closes: date,
    working_days: int,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> date:
    """The day the public response is due: the ``working_days``-th working day after
    the closing day."""
    return due_date(
        closes, working_days, holidays=holidays, extra_working_days=extra_working_days
    )


def days_late(
    answer_due: date,
    responded_on: date | None,
    today: date,
    *,
    holidays: Collection[date] = (),
    extra_working_days: Collection[date] = (),
) -> int:
    """How many working days the response is (or was) late: published, the working
    days from the due date to its publication; missing, to ``today``. 0 in time."""
    until = responded_on if responded_on is not None else today
    return working_days_late(
        answer_due, until, holidays=holidays, extra_working_days=extra_working_days
    )
