"""The routing suggestion (RGT-1, "Route"): a naive Bayes over a concern's words learns
which office took concerns like it; none with too few examples or too little
confidence (both sides of each), deterministic ties, explainable words."""

from __future__ import annotations

import math

import pytest

from tongxue.domain.rights.routing import (
    MAX_WORDS_SHOWN,
    MIN_CONFIDENCE,
    MIN_EXAMPLES,
    Suggestion,
    train,
)

HQ, JW, SU = "后勤处", "教务处", "学生会"

FOOD = [
    ["食堂", "饭菜", "贵"],
    ["食堂", "排队", "时间", "长"],
    ["饭菜", "太咸", "二食堂"],
    ["食堂", "饭菜", "不卫生"],
    ["宿舍", "热水", "停"],
    ["食堂", "窗口", "关"],
]
EXAMS = [
    ["考试", "成绩", "公布", "晚"],
    ["期末", "考试", "安排", "冲突"],
    ["成绩", "录入", "错误"],
    ["补考", "考试", "时间"],
    ["选课", "系统", "成绩"],
]


def examples(n: int) -> list[tuple[list[str], str]]:
    """``n`` handled concerns, cycling through the canteen's and the exams' ones."""
    pool = [(t, HQ) for t in FOOD] + [(t, JW) for t in EXAMS]
    return [pool[k % len(pool)] for k in range(n)]


def test_it_learns_canteen_to_logistics_and_exams_to_academic_affairs() -> None:
    router = train(examples(44))
    food = router.suggest(["二食堂", "饭菜", "涨价"])
    exam = router.suggest(["考试", "成绩", "查不到"])
    assert food is not None and food.handler == HQ
    assert exam is not None and exam.handler == JW
    assert food.examples == exam.examples == 44
    assert MIN_CONFIDENCE <= food.confidence <= 1
    assert MIN_CONFIDENCE <= exam.confidence <= 1
    # the words that speak for it are the concern's own, seen in training
    assert set(food.words) <= {"二食堂", "饭菜"} and "饭菜" in food.words
    assert set(exam.words) <= {"考试", "成绩"} and len(exam.words) <= MAX_WORDS_SHOWN


def test_the_posterior_is_the_naive_bayes_formula() -> None:
    # 2 examples each, vocabulary {食堂, 考试, 宿舍}: P(食堂 | HQ) = (2 + 1) / (3 + 3),
    # P(食堂 | JW) = (0 + 1) / (2 + 3); equal priors.
    router = train(
        [
            (["食堂", "宿舍"], HQ),
            (["食堂"], HQ),
            (["考试"], JW),
            (["考试"], JW),
        ]
    )
    p_hq, p_jw = 3 / 6, 1 / 5
    expected = p_hq / (p_hq + p_jw)
    ranked = router.posteriors(["食堂", "没见过"])
    assert [h for h, _p in ranked] == [HQ, JW]
    assert math.isclose(ranked[0][1], expected)
    assert math.isclose(sum(p for _h, p in ranked), 1.0)
    s = router.suggest(["食堂"], min_examples=1)
    assert s == Suggestion(HQ, ranked[0][1], 4, ("食堂",))


def test_no_suggestion_with_too_few_examples_both_sides() -> None:
    tokens = ["食堂", "饭菜"]
    assert train(examples(MIN_EXAMPLES - 1)).suggest(tokens) is None
    at_minimum = train(examples(MIN_EXAMPLES)).suggest(tokens)
    assert at_minimum is not None and at_minimum.handler == HQ
    assert at_minimum.examples == MIN_EXAMPLES
    assert train([]).suggest(tokens, min_examples=0) is None


def test_the_confidence_threshold_both_sides() -> None:
    router = train(examples(44))
    tokens = ["食堂", "成绩"]  # a word for each office: the canteen's is commoner
    best = router.posteriors(tokens)[0]
    assert best[0] == HQ and 0.5 < best[1] < 1
    shown = router.suggest(tokens, min_confidence=best[1])
    assert shown is not None and shown.confidence == best[1]
    assert router.suggest(tokens, min_confidence=math.nextafter(best[1], 2)) is None


def test_the_default_threshold_hides_an_even_guess_and_shows_a_clear_one() -> None:
    # 食堂 is as frequent with both offices: an even guess, below MIN_CONFIDENCE.
    even = [(["食堂", "饭菜"], HQ), (["食堂", "考试"], JW)] * 10
    router = train(even)
    ranked = router.posteriors(["食堂"])
    assert math.isclose(ranked[0][1], 0.5) and ranked[0][1] < MIN_CONFIDENCE
    assert router.suggest(["食堂"]) is None
    clear = router.suggest(["饭菜"])
    assert clear is not None and clear.handler == HQ
    assert clear.confidence >= MIN_CONFIDENCE


def test_words_never_seen_give_no_suggestion() -> None:
    router = train(examples(44))
    assert router.suggest(["图书馆", "空调"]) is None
    assert router.suggest([]) is None


def test_ties_are_broken_deterministically() -> None:
    # Equal priors, equal word counts: the smaller label wins, whatever the order.
    data = [(["食堂"], "B"), (["食堂"], "A")] * 10
    for order in (data, list(reversed(data))):
        ranked = train(order).posteriors(["食堂"])
        assert [h for h, _p in ranked] == ["A", "B"]
        assert ranked[0][1] == ranked[1][1]
    # No word known: the prior alone decides, the handler with more examples first.
    router = train([(["食堂"], "B")] * 12 + [(["考试"], "A")] * 10)
    assert [h for h, _p in router.posteriors(["没见过"])] == ["B", "A"]


def test_the_current_handler_is_not_suggested() -> None:
    router = train(examples(44))
    tokens = ["食堂", "饭菜"]
    assert router.suggest(tokens, allowed={JW, SU}) is None
    s = router.suggest(tokens, allowed={HQ, SU})
    assert s is not None and s.handler == HQ


def test_a_single_handler_learned_gives_no_reasons() -> None:
    router = train([(["食堂"], SU)] * MIN_EXAMPLES)
    s = router.suggest(["食堂"])
    assert s is not None and s.handler == SU and s.confidence == pytest.approx(1.0)
    assert s.words == ()


def test_examples_without_words_count() -> None:
    router = train([([], SU)] * 5 + examples(20))
    assert router.examples == 25
    s = router.suggest(["食堂", "饭菜"])
    assert s is not None and s.handler == HQ and s.examples == 25
