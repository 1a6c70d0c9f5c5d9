"""The public figures of a handler (接诉即办's 响应率, 按时办结率, 解决率, 满意率).

Per school office and per union, over the concerns it handled in a period (RGT-1 · GS-10,
CQ-5: follow each up until solved). Merged and withdrawn concerns count nowhere. Each
rate is a :class:`~fractions.Fraction` over its own base, None when the base is empty
(nothing to judge yet is not 0%):

* response rate (响应率): acknowledged by the acknowledge deadline, of the concerns
  acknowledged or whose acknowledge deadline is over (one still in time and not yet
  acknowledged is not judged yet). A concern answered without a separate
  acknowledgement was acknowledged by its answer;
* on-time rate (按时办结率): answered by the answer deadline, of those answered or whose
  answer deadline is over;
* solved rate (解决率): of the closed concerns, those solved (rated satisfied or
  basically satisfied, or verified by the union, :func:`~tongxue.domain.rights.flow.solved`);
* satisfaction rate (满意率): satisfied or basically satisfied, of those rated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from tongxue.domain.rights.flow import (
    NOT_COUNTED_STATUSES,
    RATINGS,
    SATISFIED_RATINGS,
    solved,
)


@dataclass(frozen=True, slots=True)
class ConcernFacts:
    """What the figures read of one concern (dates, never its text or author)."""

    raised_on: date
    acknowledge_due: date
    answer_due: date
    acknowledged_on: date | None
    answered_on: date | None
    status: str
    rating: str  # "" when not rated
    verified: bool


def _rate(part: int, base: int) -> Fraction | None:
    return Fraction(part, base) if base else None


@dataclass(frozen=True, slots=True)
class Figures:
    received: int = 0
    responded_in_time: int = 0
    response_base: int = 0
    answered_in_time: int = 0
    answer_base: int = 0
    solved: int = 0
    closed: int = 0
    satisfied: int = 0
    rated: int = 0

    @property
    def response_rate(self) -> Fraction | None:
        return _rate(self.responded_in_time, self.response_base)

    @property
    def on_time_rate(self) -> Fraction | None:
        return _rate(self.answered_in_time, self.answer_base)

    @property
    def solved_rate(self) -> Fraction | None:
        return _rate(self.solved, self.closed)

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return _rate(self.satisfied, self.rated)


def figures(facts: Iterable[ConcernFacts], *, today: date) -> Figures:
    """Return the figures of ``facts`` on ``today`` (see the module)."""
    received = responded = response_base = answered = answer_base = 0
    n_solved = closed = satisfied = rated = 0
    for f in facts:
        if f.status in NOT_COUNTED_STATUSES:
            continue
        received += 1
        acknowledged_on = (
            f.acknowledged_on if f.acknowledged_on is not None else f.answered_on
        )
        if acknowledged_on is not None or f.acknowledge_due < today:
            response_base += 1
            if acknowledged_on is not None and acknowledged_on <= f.acknowledge_due:
                responded += 1
        if f.answered_on is not None or f.answer_due < today:
            answer_base += 1
            if f.answered_on is not None and f.answered_on <= f.answer_due:
                answered += 1
        if f.status == "closed":
            closed += 1
            if solved(rating=f.rating, verified=f.verified):
                n_solved += 1
        if f.rating in RATINGS:
            rated += 1
            if f.rating in SATISFIED_RATINGS:
                satisfied += 1
    return Figures(
        received=received,
        responded_in_time=responded,
        response_base=response_base,
        answered_in_time=answered,
        answer_base=answer_base,
        solved=n_solved,
        closed=closed,
        satisfied=satisfied,
        rated=rated,
    )
