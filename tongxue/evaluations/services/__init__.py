"""Write evaluation periods, rater lists, ratings, 述职 reports and results.

CAD-3 · GS-12, CQ-7 (and CAD-7 · GS-13, CQ-8 for work style): each semester the core and
main cadres of a union are rated on five dimensions by the presidium, the delegates of
the union's latest congress and a sample of ordinary students drawn by a published seed.
CAD-4 · GS-12, CQ-7: presidium members file a 述职 report, rated by the delegates and a
share of non-cadre students. Results are computed and published when the period closes,
from ``evaluation_min_raters`` raters on; they inform appointment and removal and never
decide them.

Every service is keyword-only and atomic, checks the actor (``actor=None`` is a system
command: the demo, a script) and writes an audit record in the same transaction. The
rating service records *that* someone rated in the period, never whom or what.

The package: :mod:`.periods` (planning and opening a period), :mod:`.ratings` (ratings
and 述职 reports), :mod:`.closing` (results and the reshuffle) and :mod:`.shared` (the
permission, the row lock, the period's numbers). Every public name is re-exported here:
``from tongxue.evaluations import services; services.open_period(...)``.
"""

from __future__ import annotations

from tongxue.evaluations.services.closing import close_period
from tongxue.evaluations.services.periods import (
    create_period,
    latest_congress,
    open_period,
    served_students,
)
from tongxue.evaluations.services.ratings import REPORT_MAX_CHARS, file_report, rate
from tongxue.evaluations.services.shared import UNION_KINDS, describe, period_settings

__all__ = [
    "REPORT_MAX_CHARS",
    "UNION_KINDS",
    "close_period",
    "create_period",
    "describe",
    "file_report",
    "latest_congress",
    "open_period",
    "period_settings",
    "rate",
    "served_students",
]
