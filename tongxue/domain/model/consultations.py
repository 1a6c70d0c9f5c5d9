"""A federation's consultations of students (网上学联, RGT-5 · GS-5), as the audit reads them.

Dates, never a question, an idea or a student: for each consultation, the federation
that asked, when it was open, when its public response was due and when the response
was published. The database's part of the registry fills them
(``tongxue.voice.mappers``); a snapshot does not carry consultations, and its registry
leaves :attr:`~tongxue.domain.model.Registry.consultations` None: the rule then judges
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Consultation:
    """A question a federation put to students (问需问计, GS-5).

    Open from ``opens`` to ``closes`` (both days included); the federation's public
    response is due on ``answer_due`` (``consultation_answer_working_days`` working
    days after ``closes``) and was published on ``responded_on`` (None: not yet).
    ``number`` is the consultation's number in its federation.
    """

    federation: str
    number: int
    opens: date
    closes: date
    answer_due: date
    responded_on: date | None = None

    def unanswered_on(self, day: date) -> bool:
        """Whether, on ``day``, the response is missing past its due date (published
        on the due date is in time; published later, from then on it is not missing)."""
        return day > self.answer_due and (
            self.responded_on is None or self.responded_on > day
        )
