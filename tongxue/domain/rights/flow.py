"""How a concern moves: what is overdue, who it escalates to, what a rating does.

接诉即办 (接、派、办、督、评): a concern is acknowledged (受理) by the acknowledge deadline
and answered by the answer deadline (:mod:`tongxue.domain.rights.deadlines`); an
overdue one escalates one level (督办, :func:`next_handler`); the student rates the
answer (回访, :func:`after_rating`); it counts as solved only with the student's rating
or the union's verification (:func:`solved`). The states are those of
``tongxue.domain.lifecycle.CONCERN``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date

from tongxue.domain.model import OrgKind

#: The states in which a concern waits for its handler (and so can be overdue).
OPEN_STATUSES = frozenset({"received", "in_hand", "reopened"})
#: States a concern never leaves, and that count in no figure (merged, withdrawn).
NOT_COUNTED_STATUSES = frozenset({"merged", "withdrawn"})
#: Ratings that count as satisfied (满意, 基本满意), and the one that reopens (不满意).
SATISFIED_RATINGS = frozenset({"satisfied", "basically"})
UNSATISFIED = "unsatisfied"
RATINGS = SATISFIED_RATINGS | {UNSATISFIED}


class Deadline(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"  # 受理
    ANSWER = "answer"  # 答复


def overdue(
    *,
    status: str,
    acknowledged: bool,
    acknowledge_due: date,
    answer_due: date,
    today: date,
) -> tuple[Deadline, date] | None:
    """Return the deadline a concern has passed on ``today``, with its due date, or None.

    A due day is in time; the day after it is late. A concern not acknowledged past
    its acknowledge deadline reports that one first; else an unanswered one past its
    answer deadline reports that. Only a concern waiting for its handler (received,
    in hand, reopened) can be overdue; an answered, closed, merged or withdrawn one
    never is.
    """
    if status not in OPEN_STATUSES:
        return None
    if not acknowledged and today > acknowledge_due:
        return Deadline.ACKNOWLEDGE, acknowledge_due
    if today > answer_due:
        return Deadline.ANSWER, answer_due
    return None


#: Handlers that escalate to nobody: the school-level union and the federations (the
#: League advisor is notified instead).
_TOP = frozenset(
    {
        OrgKind.SCHOOL_UNION,
        OrgKind.GRADUATE_UNION,
        OrgKind.CITY_FEDERATION,
        OrgKind.PROVINCIAL_FEDERATION,
    }
)


def next_handler(
    handler_kind: str,
    handler_code: str,
    *,
    department_union: str | None,
    school_union: str,
) -> str | None:
    """Return the code of the organisation an overdue concern escalates to, or None.

    A class committee's goes to its department union (the school union when there is
    none); a department union's, to the school union; a school office's, to the school
    union, which chases the office (督办); a functional department or club of a union,
    to the department union it belongs to, else the school union. The school-level
    union and the federations keep it (None): the League advisor is notified instead.
    ``department_union`` is the department union the handler is in (None when none),
    ``school_union`` the union the concern was raised in.
    """
    if handler_kind in _TOP or handler_code == school_union:
        return None
    if handler_kind == OrgKind.DEPARTMENT_UNION:
        return school_union
    if handler_kind == OrgKind.SCHOOL_OFFICE:
        return school_union
    upper = department_union if department_union not in (None, handler_code) else None
    return upper or school_union


def escalate_to(
    chain: Sequence[tuple[str, str]], *, school_union: str | None = None
) -> str | None:
    """Return the code an overdue concern escalates to, from the handler's ancestry.

    ``chain`` is (code, kind) from the handler up to the root, the handler first. The
    department union and the school-level union are read from it (the nearest of each
    kind above the handler); a school office's union is its sibling, not an ancestor:
    pass it as ``school_union`` (it also wins over the chain's). None when nothing is
    above the handler (see :func:`next_handler`).
    """
    if not chain:
        return None
    code, kind = chain[0]
    department = next((c for c, k in chain[1:] if k == OrgKind.DEPARTMENT_UNION), None)
    union = school_union or next(
        (
            c
            for c, k in chain[1:]
            if k in (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
        ),
        None,
    )
    if union is None:
        if kind in _TOP:
            return None
        return department if department is not None and department != code else None
    return next_handler(kind, code, department_union=department, school_union=union)


def after_rating(*, rating: str, reopened_count: int) -> str:
    """Return the state a rated concern moves to: reopened or closed.

    不满意 reopens it once (重办); after that, and for any other rating, it closes.
    """
    if rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    if rating == UNSATISFIED and reopened_count == 0:
        return "reopened"
    return "closed"


def solved(*, rating: str, verified: bool) -> bool:
    """Return whether a concern counts as solved: rated (basically) satisfied by the
    student, or verified by the union."""
    return verified or rating in SATISFIED_RATINGS
