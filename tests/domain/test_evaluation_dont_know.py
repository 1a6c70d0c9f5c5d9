"""“不了解” (don't know) counts as no rating of a dimension (#16 · CAD-3, GS-12, CQ-7)."""

from __future__ import annotations

from fractions import Fraction

from tongxue.domain import evaluation as ev

SETTINGS = ev.Settings(min_raters=5, fail_below=Fraction(3), scale_max=5)
DIM = ev.DIMENSIONS[0]


def full(v: int) -> dict[str, int | None]:
    return dict.fromkeys(ev.DIMENSIONS, v)


def test_dont_know_is_a_valid_answer_but_a_missing_dimension_is_not() -> None:
    answer = {**full(4), DIM: None}
    assert ev.validate_scores(answer, ev.DIMENSIONS, 5) is None
    missing = {k: v for k, v in full(4).items() if k != DIM}
    refusal = ev.validate_scores(missing, ev.DIMENSIONS, 5)
    assert refusal is not None and refusal.code == "invalid"


def test_dont_know_counts_in_neither_the_mean_nor_the_count() -> None:
    rows = [full(4) for _ in range(5)] + [{**full(1), DIM: None}]
    r = ev.aggregate(rows, dimensions=ev.DIMENSIONS, settings=SETTINGS)
    stats = {s.dimension: s for s in r.dimensions}
    assert r.published and r.raters == 6
    assert stats[DIM].mean == 4 and stats[DIM].count == 5
    assert sum(stats[DIM].histogram) == 5
    other = ev.DIMENSIONS[1]
    assert stats[other].count == 6 and stats[other].mean == Fraction(21, 6)


def test_a_rating_of_only_dont_know_is_not_a_response() -> None:
    nothing = dict.fromkeys(ev.DIMENSIONS, None)
    four = [full(4) for _ in range(4)]
    below = ev.aggregate([*four, nothing], dimensions=ev.DIMENSIONS, settings=SETTINGS)
    assert not below.published and below.raters is None
    five = ev.aggregate(
        [*four, full(4), nothing], dimensions=ev.DIMENSIONS, settings=SETTINGS
    )
    assert five.published and five.raters == 5


def test_a_dimension_scored_by_too_few_is_left_out() -> None:
    rows = [full(4) for _ in range(4)] + [{**full(2), DIM: None}]
    r = ev.aggregate(rows, dimensions=ev.DIMENSIONS, settings=SETTINGS)
    assert r.published and r.raters == 5
    assert DIM not in {s.dimension for s in r.dimensions}
    assert len(r.dimensions) == len(ev.DIMENSIONS) - 1
    # The overall score is the mean of the published dimensions only.
    assert r.overall == Fraction(4 * 4 + 2, 5)
    # With a fifth score the dimension is published again.
    rows.append(full(4))
    again = ev.aggregate(rows, dimensions=ev.DIMENSIONS, settings=SETTINGS)
    assert {s.dimension for s in again.dimensions} == set(ev.DIMENSIONS)
    assert next(s for s in again.dimensions if s.dimension == DIM).count == 5
