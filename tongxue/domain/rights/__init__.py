"""The rights channel's arithmetic (RGT-1 … RGT-7, CAD-8), pure Python.

Deadlines in working days (:mod:`.deadlines`), private numbers masked for the public
(:mod:`.masking`), similar concerns by BM25 (:mod:`.similarity`), the flow of a concern
(overdue, escalation, rating: :mod:`.flow`), the public figures (:mod:`.figures`) and
the suggestion where to forward a concern (naive Bayes: :mod:`.routing`).
The audit rules on concerns are in :mod:`tongxue.domain.rules.rights`.
"""

from tongxue.domain.rights.deadlines import due_date, rating_due, working_days_late
from tongxue.domain.rights.figures import ConcernFacts, Figures, figures
from tongxue.domain.rights.flow import (
    NOT_COUNTED_STATUSES,
    OPEN_STATUSES,
    RATINGS,
    SATISFIED_RATINGS,
    Deadline,
    after_rating,
    escalate_to,
    next_handler,
    overdue,
    solved,
)
from tongxue.domain.rights.masking import mask_private
from tongxue.domain.rights.similarity import STOP_WORDS, bm25_rank, useful_tokens

__all__ = [
    "NOT_COUNTED_STATUSES",
    "OPEN_STATUSES",
    "RATINGS",
    "SATISFIED_RATINGS",
    "STOP_WORDS",
    "ConcernFacts",
    "Deadline",
    "Figures",
    "after_rating",
    "bm25_rank",
    "due_date",
    "escalate_to",
    "figures",
    "mask_private",
    "next_handler",
    "overdue",
    "rating_due",
    "solved",
    "useful_tokens",
    "working_days_late",
]
