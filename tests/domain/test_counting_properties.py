"""Properties of the count (ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7): a recount of the same
ballots is identical, their order changes nothing, an extra yes never unelects, and no
more are elected than there are seats."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tongxue.domain.counting import (
    BallotForm,
    Denominator,
    ElectionMethod,
    TiePolicy,
    count,
)

NAMES = "ABCDEF"


@st.composite
def elections(draw: st.DrawFn):
    n = draw(st.integers(1, len(NAMES)))
    candidates = NAMES[:n]
    seats = draw(st.integers(1, n))
    form = draw(st.sampled_from(list(BallotForm)))
    method = ElectionMethod(
        seats=seats,
        form=form,
        threshold=draw(
            st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(1, 3)])
        ),
        threshold_strict=draw(st.booleans()),
        denominator=draw(st.sampled_from([Denominator.PRESENT, Denominator.VALID])),
        tie=draw(st.sampled_from(list(TiePolicy))),
        blank_void=draw(st.booleans()),
    )
    cells = ["1", "0", ""] if form is BallotForm.MARKS else ["Y", "N", "A", ""]
    cell = (
        st.sampled_from([*cells, "X"])
        if draw(st.booleans())
        else st.sampled_from(cells)
    )
    ballots = draw(
        st.lists(st.fixed_dictionaries({c: cell for c in candidates}), max_size=40)
    )
    present = len(ballots) + draw(st.integers(0, 5))
    return candidates, method, ballots, present


@settings(max_examples=200, deadline=None)
@given(elections())
def test_recount_is_identical(election):
    candidates, method, ballots, present = election
    first = count(candidates, ballots, method=method, present=present)
    again = count(
        candidates, [dict(b) for b in ballots], method=method, present=present
    )
    assert first == again
    assert first.to_json() == again.to_json()


@settings(max_examples=200, deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_shuffling_ballots_changes_nothing(election, rnd: random.Random):
    candidates, method, ballots, present = election
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert count(candidates, shuffled, method=method, present=present) == count(
        candidates, ballots, method=method, present=present
    )


@settings(max_examples=300, deadline=None)
@given(elections(), st.data())
def test_adding_a_yes_never_unelects(election, data):
    candidates, method, ballots, present = election
    before = count(candidates, ballots, method=method, present=present)
    yes = "1" if method.form is BallotForm.MARKS else "Y"
    # A valid ballot that does not say yes to some candidate and has room for one more.
    options = [
        (i, c)
        for i, b in enumerate(ballots)
        for c in candidates
        if b[c].strip().upper() != yes
        and all(v in ("1", "0", "", "Y", "N", "A") for v in b.values())
        and sum(v == yes for v in b.values()) < method.seats
    ]
    if not options:
        return
    i, name = data.draw(st.sampled_from(options))
    changed = [dict(b) for b in ballots]
    changed[i][name] = yes
    after = count(candidates, changed, method=method, present=present)
    was = {c.name: c for c in before.candidates}[name]
    now = {c.name: c for c in after.candidates}[name]
    assert now.yes == was.yes + 1
    if name in before.elected:
        assert name in after.elected


@settings(max_examples=200, deadline=None)
@given(elections())
def test_never_more_elected_than_seats(election):
    candidates, method, ballots, present = election
    result = count(candidates, ballots, method=method, present=present)
    assert len(result.elected) <= method.seats
    assert len(result.elected) + result.unfilled == method.seats
    assert all(c.elected == (c.name in result.elected) for c in result.candidates)
    assert result.ballots.valid + result.ballots.void == len(ballots)
    if result.next_step is not None and result.next_step.kind != "revote-all":
        assert not set(result.next_step.candidates) & set(result.elected)
        assert result.next_step.seats == result.unfilled
