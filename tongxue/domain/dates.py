"""Calendar arithmetic the rules need: periods in whole months, and "every year".

The plans use two kinds of wording, and Tongxue reads each one way in every rule
(docs/audit.md, "Intervals and years"):

* a period (周期): "召开周期不得超过两年" (CON-1, CON-11), "会议召开周期为一年" (CON-2)
  — at most *n* months from the newest meeting that took place to the audit day
  (:func:`months_before`, :func:`within_months`);
* a frequency per year (每年至少1次, 在不召开学生代表大会的年度): CON-9, CON-13, TRN-3
  — at least once in every **calendar year** (1 January to 31 December), the year
  (年度) of Chinese official usage. A year is judged once it is over: the audit on a
  day judges the calendar year before it (:func:`judged_year`); the year in progress
  is still open and is shown, never judged.

Semesters (每学期, CAD-4) are the evaluation periods a union records.
"""

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


def judged_year(as_of: date) -> int:
    """Return the calendar year a yearly rule (每年) judges on ``as_of``: the last one over."""
    return as_of.year - 1


def in_year(day: date, year: int) -> bool:
    """Return whether ``day`` falls in the calendar year ``year``."""
    return day.year == year
