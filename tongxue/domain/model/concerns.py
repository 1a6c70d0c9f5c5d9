"""Students' concerns as the audit reads them (RGT-1 · GS-10, GS-4, CQ-5; CAD-8).

Counts, never a concern's text or author: for each school-level union, whether it runs
a channel for concerns (:class:`ConcernChannel`), and its open concerns grouped by their
deadlines (:class:`OpenConcerns`), so that the rules judge what is overdue on the audit
day. The database's part of the registry fills both (``tongxue.voice.mappers``); a
snapshot does not carry concerns, and its registry leaves
:attr:`~tongxue.domain.model.Registry.concern_channels` None: the rules on concerns
then judge nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ConcernChannel:
    """A school-level union's channel for concerns (RGT-1).

    ``active_categories``: the kinds of concern it lists that students may choose
    (饮食, 住宿 …); ``raised``: a concern was ever raised in it, online or entered from
    a mailbox, a reception day or a call, whatever became of it.
    """

    union: str
    active_categories: int = 0
    raised: bool = False
    #: The day its first concern (the one numbered lowest) was raised (None: none
    #: yet), and the last day it submitted a report on concerns to the school
    #: (形成报告提交学校党政部门; None: never), for RGT-1's report to the school.
    first_raised: date | None = None
    last_report: date | None = None


@dataclass(frozen=True, slots=True)
class OpenConcerns:
    """``count`` open concerns of a union with the same state and deadlines.

    ``status``: received, in_hand or reopened (the states in which a concern waits for
    its handler); ``acknowledged``: a handler acknowledged them (受理);
    ``acknowledge_due`` / ``answer_due``: the deadlines stored on them;
    ``about_cadre``: concerns about a student cadre (CAD-8).
    """

    union: str
    status: str
    acknowledged: bool
    acknowledge_due: date
    answer_due: date
    count: int = 1
    about_cadre: bool = False
