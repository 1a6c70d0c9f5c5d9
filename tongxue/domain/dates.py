"""Calendar arithmetic the rules need, in whole months (CON-1, CON-2, CON-11, CON-13, TRN-3)."""

from __future__ import annotations

import calendar
from datetime import date


def months_before(day: date, months: int) -> date:
    """Return the same day ``months`` calendar months earlier, clamped to the month's end.

    ``months_before(date(2024, 2, 29), 12)`` is 2023-02-28: a period of *n* months ending
    on ``day`` starts on this date, so a meeting held on it is still within the period.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def within_months(held: date, as_of: date, months: int) -> bool:
    """Return whether ``held`` falls within the ``months`` months ending on ``as_of``."""
    return months_before(as_of, months) <= held <= as_of
