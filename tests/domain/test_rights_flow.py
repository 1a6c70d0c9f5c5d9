"""A concern's flow (接诉即办): which deadline is passed, who an overdue concern escalates
to, what a rating does, when a concern counts as solved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tongxue.domain.lifecycle import CONCERN
from tongxue.domain.rights import (
    OPEN_STATUSES,
    Deadline,
    after_rating,
    escalate_to,
    next_handler,
    overdue,
    solved,
)

ACK = date(2026, 11, 20)
ANSWER = date(2026, 11, 27)
DAY = timedelta(days=1)


def late(
    status: str = "in_hand", *, acknowledged: bool = True, today: date
) -> tuple[Deadline, date] | None:
    return overdue(
        status=status,
        acknowledged=acknowledged,
        acknowledge_due=ACK,
        answer_due=ANSWER,
        today=today,
    )


@pytest.mark.parametrize(
    ("status", "acknowledged", "today", "expected"),
    [
        # not acknowledged: in time on the due day, late the day after
        ("received", False, ACK, None),
        ("received", False, ACK + DAY, (Deadline.ACKNOWLEDGE, ACK)),
        # past both: the acknowledge deadline is reported first
        ("received", False, ANSWER + DAY, (Deadline.ACKNOWLEDGE, ACK)),
        # acknowledged: only the answer deadline
        ("received", True, ANSWER, None),
        ("in_hand", True, ACK + DAY, None),
        ("in_hand", True, ANSWER, None),
        ("in_hand", True, ANSWER + DAY, (Deadline.ANSWER, ANSWER)),
        ("reopened", True, ANSWER + DAY, (Deadline.ANSWER, ANSWER)),
        # answered, closed, merged, withdrawn: never overdue
        ("answered", True, ANSWER + 30 * DAY, None),
        ("closed", True, ANSWER + 30 * DAY, None),
        ("merged", False, ANSWER + 30 * DAY, None),
        ("withdrawn", False, ANSWER + 30 * DAY, None),
    ],
)
def test_overdue(
    status: str,
    acknowledged: bool,
    today: date,
    expected: tuple[Deadline, date] | None,
) -> None:
    assert late(status, acknowledged=acknowledged, today=today) == expected


def test_the_open_states_are_states_of_the_lifecycle() -> None:
    assert set(CONCERN.labels) >= OPEN_STATUSES
    assert CONCERN.initial in OPEN_STATUSES
    # a closed concern has no way back to waiting for its handler
    assert "closed" not in CONCERN.transitions


@pytest.mark.parametrize(
    ("kind", "code", "department", "expected"),
    [
        ("class_committee", "K1", "DU", "DU"),
        ("class_committee", "K1", None, "SU"),  # a class of no department union
        ("department_union", "DU", "DU", "SU"),
        ("department_union", "DU", None, "SU"),
        ("school_office", "HQ", None, "SU"),  # 督办: the union chases the office
        ("functional_department", "DU-R", "DU", "DU"),
        ("functional_department", "SU-R", None, "SU"),
        ("school_union", "SU", None, None),
        ("graduate_union", "GU", None, None),
        ("provincial_federation", "PF", None, None),
        ("city_federation", "CF", None, None),
    ],
)
def test_next_handler(
    kind: str, code: str, department: str | None, expected: str | None
) -> None:
    assert (
        next_handler(kind, code, department_union=department, school_union="SU")
        == expected
    )


def test_the_union_the_concern_was_raised_in_keeps_it() -> None:
    assert (
        next_handler("graduate_union", "GU", department_union=None, school_union="GU")
        is None
    )


def test_escalate_to_reads_the_ancestry() -> None:
    chain = [
        ("K1", "class_committee"),
        ("DU", "department_union"),
        ("SU", "school_union"),
        ("S", "school"),
        ("PF", "provincial_federation"),
    ]
    assert escalate_to(chain) == "DU"
    assert escalate_to(chain[1:]) == "SU"
    assert escalate_to(chain[2:]) is None
    # an office's union is its sibling: given apart
    office = [("HQ", "school_office"), ("S", "school"), ("PF", "provincial_federation")]
    assert escalate_to(office) is None
    assert escalate_to(office, school_union="SU") == "SU"
    assert escalate_to([]) is None


@pytest.mark.parametrize(
    ("rating", "reopened", "expected"),
    [
        ("unsatisfied", 0, "reopened"),  # 重办, once
        ("unsatisfied", 1, "closed"),
        ("unsatisfied", 2, "closed"),
        ("satisfied", 0, "closed"),
        ("basically", 0, "closed"),
        ("satisfied", 1, "closed"),
    ],
)
def test_after_rating(rating: str, reopened: int, expected: str) -> None:
    assert after_rating(rating=rating, reopened_count=reopened) == expected
    assert expected in CONCERN.transitions["answered"]


def test_an_unknown_rating_is_refused() -> None:
    with pytest.raises(ValueError):
        after_rating(rating="", reopened_count=0)


@pytest.mark.parametrize(
    ("rating", "verified", "expected"),
    [
        ("satisfied", False, True),
        ("basically", False, True),
        ("unsatisfied", False, False),
        ("", False, False),  # closed unrated
        ("", True, True),  # verified by the union
        ("unsatisfied", True, True),
    ],
)
def test_solved(rating: str, verified: bool, expected: bool) -> None:
    assert solved(rating=rating, verified=verified) is expected
