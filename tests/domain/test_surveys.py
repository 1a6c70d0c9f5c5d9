"""The survey engine as pure Python (TRN-2 · GS-11, CQ-6): the standard template of the
plan's three dimensions, validation of an answer set, eligibility by a seeded sample,
aggregation with small groups hidden (both sides of the minimum), texts grouped by
keyword, the lifecycle, and the audit rule TRN-2 on both sides of its thresholds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, compliant, findings, rules
from tongxue.domain import surveys as ds
from tongxue.domain.findings import Refusal, Severity
from tongxue.domain.lifecycle import LIFECYCLES, SURVEY
from tongxue.domain.model import Registry
from tongxue.domain.model.surveys import UnionEvaluation
from tongxue.domain.profiles import load_profile
from tongxue.domain.rule_ids import RULE_IDS_BY_REQUIREMENT

DAY = timedelta(days=1)
Q = ds.UNION_EVALUATION.questions
#: a complete, valid answer set of the standard template
GOOD = {
    "aw_work": "4",
    "aw_open": 3,
    "aw_reach": "yes",
    "aw_sources": ["site", "accounts"],
    "pa_count": "1-2",
    "pa_ways": "activities",
    "pa_voice": 2,
    "sa_overall": 5,
    "sa_rights": 4,
    "sa_activities": 4,
    "sa_cadres": 3,
    "sa_better": "  食堂的饭菜要改善  ",
}


# ---------------------------------------------------------------- the template


def test_the_standard_template_covers_the_three_dimensions_with_every_kind() -> None:
    assert ds.check_questions(Q) == []
    assert ds.DIMENSIONS == ("awareness", "participation", "satisfaction")
    for dim in ds.DIMENSIONS:
        scales = [
            q for q in Q if q.dimension == dim and q.kind == ds.QuestionKind.SCALE
        ]
        assert scales, dim  # every dimension has a score
        assert len([q for q in Q if q.dimension == dim]) >= 3
    assert {q.kind for q in Q} == set(ds.QuestionKind)
    assert ds.UNION_EVALUATION.evaluation


def test_questions_survive_their_stored_copy() -> None:
    stored = [q.as_dict() for q in Q]
    assert ds.questions_from(stored) == Q


def test_a_broken_question_list_is_reported() -> None:
    bad = (
        ds.Question("a", ds.QuestionKind.SINGLE, "x", options=(ds.Option("1", "一"),)),
        ds.Question("a", ds.QuestionKind.SCALE, "y", dimension="joy"),
    )
    problems = ds.check_questions(bad)
    assert any("duplicate" in p for p in problems)
    assert any("two or more" in p for p in problems)
    assert any("unknown dimension" in p for p in problems)
    assert ds.check_questions(()) == ["no question"]


# ---------------------------------------------------------------- answers


def test_a_complete_answer_set_is_cleaned() -> None:
    clean = ds.clean_answers(Q, GOOD)
    assert clean["aw_work"] == 4 and clean["aw_open"] == 3
    assert clean["aw_sources"] == ["accounts", "site"]  # the options' order
    assert clean["pa_ways"] == ["activities"]
    assert clean["sa_better"] == "食堂的饭菜要改善"


def test_the_optional_text_may_be_left_out_and_an_empty_text_is_no_answer() -> None:
    answers = {k: v for k, v in GOOD.items() if k != "sa_better"}
    assert "sa_better" not in ds.clean_answers(Q, answers)
    assert "sa_better" not in ds.clean_answers(Q, {**answers, "sa_better": "   "})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("aw_work", 0),
        ("aw_work", 6),
        ("aw_work", "4.5"),
        ("aw_work", True),
        ("aw_reach", "maybe"),
        ("aw_sources", ["site", "tv"]),
        ("sa_better", "字" * (ds.TEXT_MAX_CHARS + 1)),
    ],
)
def test_an_invalid_answer_is_refused_naming_its_question(
    key: str, value: object
) -> None:
    with pytest.raises(Refusal) as refused:
        ds.clean_answers(Q, {**GOOD, key: value})
    assert refused.value.field == key


def test_the_scale_ends_and_the_longest_text_are_accepted() -> None:
    ok = {**GOOD, "aw_work": 1, "sa_overall": 5, "sa_better": "字" * ds.TEXT_MAX_CHARS}
    assert ds.clean_answers(Q, ok)["aw_work"] == 1


def test_a_required_answer_missing_or_an_unknown_key_is_refused() -> None:
    with pytest.raises(Refusal) as missing:
        ds.clean_answers(Q, {k: v for k, v in GOOD.items() if k != "sa_overall"})
    assert missing.value.field == "sa_overall"
    with pytest.raises(Refusal) as unknown:
        ds.clean_answers(Q, {**GOOD, "who_am_i": "S001"})
    assert unknown.value.field == "who_am_i"


# ---------------------------------------------------------------- eligibility


def test_the_same_seed_draws_the_same_sample_whatever_the_order() -> None:
    idents = [f"S{i:04d}" for i in range(500)]
    one = ds.eligible(idents, eligibility="sample", sample_size=50, seed="2026-秋")
    two = ds.eligible(
        reversed(idents), eligibility="sample", sample_size=50, seed="2026-秋"
    )
    other = ds.eligible(idents, eligibility="sample", sample_size=50, seed="other")
    assert one == two and len(one) == 50 and set(one) <= set(idents)
    assert one != other
    assert ds.eligible(idents, eligibility="all") == sorted(idents)
    # a sample larger than the students: all of them
    assert (
        ds.eligible(idents[:10], eligibility="sample", sample_size=50, seed="x")
        == (idents[:10])
    )
    with pytest.raises(ValueError):
        ds.eligible(idents, eligibility="sample", sample_size=5, seed="")


# ---------------------------------------------------------------- aggregation


def responses(
    n: int, *, dept: str = "D1", grade: int = 2024, point: int = 4
) -> list[ds.Response]:
    answers = ds.clean_answers(Q, {**GOOD, "aw_work": point, "sa_overall": point})
    return [ds.Response(dept, grade, answers) for _ in range(n)]


def test_means_per_question_and_dimension() -> None:
    rs = responses(6, point=4) + responses(4, point=2)
    r = ds.aggregate(Q, rs, min_group=10)
    assert r.shown and r.responses == 10
    by_key = {q.key: q for q in r.questions}
    assert by_key["aw_work"].mean == 3.2  # (6·4 + 4·2) / 10
    assert by_key["aw_work"].counts == {"1": 0, "2": 4, "3": 0, "4": 6, "5": 0}
    assert by_key["aw_sources"].counts["site"] == 10
    assert by_key["aw_sources"].counts["none"] == 0  # every option listed
    # awareness: aw_work (3.2 mean) and aw_open (3 each) → (32 + 30) / 20
    assert r.dimensions["awareness"] == 3.1
    assert r.dimension_answers["awareness"] == 20
    assert r.dimensions["participation"] == 2.0
    # satisfaction: sa_overall 3.2, sa_rights 4, sa_activities 4, sa_cadres 3
    assert r.dimensions["satisfaction"] == round((32 + 40 + 40 + 30) / 40, 3)


@pytest.mark.parametrize(("n", "shown"), [(9, False), (10, True)])
def test_nothing_but_the_count_below_the_minimum(n: int, shown: bool) -> None:
    r = ds.aggregate(Q, responses(n), min_group=10)
    assert r.responses == n and r.shown is shown
    assert bool(r.questions) is shown and bool(r.dimensions) is shown


@pytest.mark.parametrize(("small", "shown"), [(4, False), (5, True)])
def test_a_department_or_grade_below_the_minimum_is_hidden(
    small: int, shown: bool
) -> None:
    rs = responses(20, dept="BIG", grade=2023) + responses(
        small, dept="SMALL", grade=2025
    )
    r = ds.aggregate(Q, rs, min_group=5)
    assert [g.group for g in r.by_department] == (
        ["BIG", "SMALL"] if shown else ["BIG"]
    )
    assert [g.group for g in r.by_grade] == (["2023", "2025"] if shown else ["2023"])
    assert r.hidden_department == (0 if shown else small)
    assert r.hidden_grade == (0 if shown else small)
    big = r.by_department[0]
    assert big.responses == 20 and big.dimensions["awareness"] is not None


def test_responses_without_a_group_count_in_the_totals_only() -> None:
    rs = responses(10) + [ds.Response(None, None, r.answers) for r in responses(3)]
    r = ds.aggregate(Q, rs, min_group=10)
    assert r.responses == 13
    assert [g.responses for g in r.by_department] == [10]
    assert r.hidden_department == 3


def _words(text: str) -> list[str]:
    return text.split()


def test_texts_are_grouped_by_their_most_frequent_shared_keyword() -> None:
    texts = [
        "食堂 饭菜 贵",
        "食堂 太挤",
        "宿舍 热水",
        "宿舍 热水 晚",
        "活动 少",
        "食堂 饭菜",
    ]
    groups = ds.group_texts(texts, _words)
    assert [(g.keyword, g.count) for g in groups] == [
        ("食堂", 3),
        ("宿舍", 2),
        (ds.OTHER, 1),
    ]
    assert groups[-1].examples == ("活动 少",)
    r = ds.aggregate(
        Q,
        [
            ds.Response("D", 1, {**ds.clean_answers(Q, GOOD), "sa_better": t})
            for t in texts
        ],
        min_group=1,
        tokenize=_words,
    )
    assert [g.keyword for g in r.keywords["sa_better"]] == ["食堂", "宿舍", ""]


def test_results_as_stored_data() -> None:
    d = ds.aggregate(Q, responses(10), min_group=10).as_dict()
    assert d["shown"] and d["responses"] == 10 and d["min_group"] == 10
    assert set(d["dimensions"]) == set(ds.DIMENSIONS)
    assert d["by_department"][0]["group"] == "D1"


# ---------------------------------------------------------------- lifecycle


def test_the_survey_lifecycle() -> None:
    assert LIFECYCLES["survey"] is SURVEY
    assert SURVEY.states == ("draft", "open", "closed")
    assert SURVEY.can("draft", "open") and SURVEY.can("open", "closed")
    assert not SURVEY.can("draft", "closed") and not SURVEY.can("closed", "open")


# ---------------------------------------------------------------- TRN-2


def test_the_profiles_hold_the_survey_numbers_as_ours() -> None:
    for code in ("gansu-2017", "cqtgu-2017"):
        p = load_profile(code)
        for name in (ds.MIN_GROUP, ds.EVALUATION_INTERVAL, ds.PUBLISH_DAYS):
            assert p.param(name).requirement == "TRN-2"
            assert "Not in the plan" in p.param(name).note
        assert p.int(ds.MIN_GROUP) == 10
    assert RULE_IDS_BY_REQUIREMENT["TRN-2"] == ("no-evaluation", "results-unpublished")


def with_evaluations(evaluations: tuple[UnionEvaluation, ...] | None) -> Registry:
    return replace(compliant().build(), union_evaluations=evaluations)


#: twelve months before the audit day (2024-06-30)
EDGE = date(2023, 6, 30)


def evaluation(
    opened: date | None = date(2024, 3, 1),
    closed: date | None = date(2024, 3, 31),
    published: date | None = date(2024, 3, 31),
    code: str = "E1",
) -> UnionEvaluation:
    return UnionEvaluation("U", code, opened, closed, published)


def test_a_registry_without_surveys_is_not_judged() -> None:
    assert compliant().build().union_evaluations is None
    assert rules(with_evaluations(None), "TRN-2") == []


def test_an_evaluated_union_with_public_results_is_not_reported() -> None:
    assert rules(with_evaluations((evaluation(),)), "TRN-2") == []


@pytest.mark.parametrize(
    ("opened", "reported"),
    [
        (EDGE, False),  # exactly twelve months before: within
        (EDGE - DAY, True),  # a day earlier
        (AS_OF, False),  # opened on the audit day
        (AS_OF + DAY, True),  # not yet opened on the audit day
        (None, True),  # a draft never opened
    ],
)
def test_no_evaluation_within_the_interval_is_reported(
    opened: date | None, reported: bool
) -> None:
    e = evaluation(opened=opened, closed=None, published=None)
    found = findings(with_evaluations((e,)), "TRN-2")
    assert [f.rule for f in found] == (["TRN-2.no-evaluation"] if reported else [])
    if reported:
        f = found[0]
        assert f.organisation == "U" and f.severity == Severity.VIOLATION
        assert f.evidence["max_interval_months"] == 12
        assert f.clauses == ("GS-11",)


def test_no_survey_at_all_is_reported() -> None:
    assert rules(with_evaluations(()), "TRN-2") == ["TRN-2.no-evaluation"]


@pytest.mark.parametrize(
    ("closed", "published", "reported"),
    [
        (AS_OF - 14 * DAY, None, False),  # 14 days allowed: the last day is today
        (AS_OF - 15 * DAY, None, True),  # one day past
        (AS_OF - 15 * DAY, AS_OF, False),  # published (late) by the audit day
        (AS_OF - 15 * DAY, AS_OF + DAY, True),  # published after the audit day
        (AS_OF - 30 * DAY, AS_OF - 29 * DAY, False),
    ],
)
def test_results_not_public_in_time_are_reported(
    closed: date, published: date | None, reported: bool
) -> None:
    e = evaluation(opened=closed - 20 * DAY, closed=closed, published=published)
    found = findings(with_evaluations((e,)), "TRN-2")
    assert [f.rule for f in found] == (
        ["TRN-2.results-unpublished"] if reported else []
    )
    if reported:
        assert found[0].evidence["survey_codes"] == ["E1"]
        assert found[0].evidence["oldest_closed"] == closed.isoformat()


def test_cqtgu_cites_its_own_clause() -> None:
    b = compliant("cqtgu-2017")
    reg = replace(b.build(), union_evaluations=())
    (f,) = findings(reg, "TRN-2")
    assert f.clauses == ("CQ-6",)
