"""The lifecycles as data (#13): states with their labels, moves, refusals naming labels.

A refusal names both states by their labels (message ids, translated when shown), so a
stale form reads "无法从“计划中”转为“已闭幕”", never the codes ``planned`` and ``closed``.
The labels are checked against the Django models' choices in
tests/integration/test_lifecycles.py.
"""

from __future__ import annotations

import pytest

from tongxue.domain.findings import Refusal
from tongxue.domain.lifecycle import (
    CONCERN,
    CONGRESS,
    ELECTION,
    EVALUATION_PERIOD,
    EXIT_CASE,
    FACE_MEETING,
    JOB,
    LIFECYCLES,
    PROJECT,
    SCHOOL_REPORT,
    SELECTION,
    SURVEY,
    Lifecycle,
)


def test_every_lifecycle_is_listed_by_name() -> None:
    every = (
        CONGRESS,
        ELECTION,
        SELECTION,
        EXIT_CASE,
        EVALUATION_PERIOD,
        JOB,
        CONCERN,
        SCHOOL_REPORT,
        FACE_MEETING,
        SURVEY,
        PROJECT,
    )
    assert len(LIFECYCLES) == len(every)
    assert all(LIFECYCLES[lc.name] is lc for lc in every)


@pytest.mark.parametrize("lc", list(LIFECYCLES.values()), ids=lambda lc: lc.name)
def test_every_state_has_a_label_and_every_move_known_states(lc: Lifecycle) -> None:
    assert lc.states == tuple(lc.labels)
    assert all(label.strip() for label in lc.labels.values())
    assert lc.initial in lc.states
    for source, targets in lc.transitions.items():
        assert source in lc.states and set(targets) <= set(lc.states)


def test_a_refused_move_names_both_states_by_their_labels() -> None:
    refusal = CONGRESS.refusal("planned", "closed")
    assert refusal is not None and refusal.code == "invalid-transition"
    assert dict(refusal.message.params) == {
        "current_label": "Planned",
        "target_label": "Closed",
    }
    assert refusal.message.render() == "This cannot move from “Planned” to “Closed”."
    # translated on render: *_label parameters are message ids themselves
    zh = {
        "This cannot move from “{current_label}” to “{target_label}”.": (
            "无法从“{current_label}”转为“{target_label}”。"
        ),
        "Planned": "计划中",
        "Closed": "已闭幕",
    }
    assert refusal.message.render(zh.get) == "无法从“计划中”转为“已闭幕”。"


def test_an_allowed_move_is_not_refused_and_the_next_one_is() -> None:
    assert CONGRESS.refusal("planned", "seats_allocated") is None
    assert CONGRESS.refusal("seats_allocated", "closed") is not None
    ELECTION.require("counted", "void")
    with pytest.raises(Refusal) as exc:
        ELECTION.require("open", "void")
    assert exc.value.message.params["current_label"] == "Voting open"
    assert exc.value.message.params["target_label"] == "Void"


def test_an_unknown_state_keeps_its_code_as_label() -> None:
    refusal = SELECTION.refusal("nonsense", "appointed")
    assert refusal is not None
    assert refusal.message.params["current_label"] == "nonsense"
    assert refusal.message.params["target_label"] == "Appointed"


def test_sources_are_the_states_that_may_move_to_a_state_in_order() -> None:
    assert ELECTION.sources("nomination") == ("draft", "vetting", "approved")
    assert EXIT_CASE.sources("dismissed") == ("opened", "notified", "appealed")
    assert EVALUATION_PERIOD.sources("planned") == ()


def test_final_states_have_no_moves() -> None:
    assert EVALUATION_PERIOD.is_final("closed")
    assert not EVALUATION_PERIOD.is_final("open")
    assert EXIT_CASE.allowed("published") == ("appealed", "closed")


def test_a_lifecycle_with_an_unlabelled_state_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle(
            name="x",
            labels={"a": "A"},
            transitions={"a": ("b",)},
            initial="a",
        )
    with pytest.raises(ValueError):
        Lifecycle(name="y", labels={"a": "A"}, transitions={}, initial="z")
