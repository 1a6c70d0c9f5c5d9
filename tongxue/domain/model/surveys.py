"""A union's evaluations by students (TRN-2 · GS-11, CQ-6), as the audit reads them.

Dates, never a question, an answer or a student: for each survey of the union's
evaluation template (``tongxue.surveys``), when it opened, when it closed and when its
results were published. The database's part of the registry fills them
(``tongxue.surveys.mappers``); a snapshot does not carry surveys, and its registry
leaves :attr:`~tongxue.domain.model.Registry.union_evaluations` None: the rule then
judges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class UnionEvaluation:
    """A survey in which students evaluated a union (知晓度, 参与度, 满意度).

    ``opened`` None: still a draft; ``closed`` None: still open; ``published`` None:
    its results are not public.
    """

    union: str
    code: str
    opened: date | None = None
    closed: date | None = None
    published: date | None = None

    def opened_by(self, day: date) -> bool:
        return self.opened is not None and self.opened <= day

    def public_on(self, day: date) -> bool:
        return self.published is not None and self.published <= day
