"""Similar concerns by BM25 (RGT-1: "similar concerns first"): order, limit, the weight of
rare words, length normalisation, and the words worth matching."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongxue.domain.rights import bm25_rank, useful_tokens
from tongxue.domain.rights.similarity import idf

DOCS = {
    "price": ["食堂", "饭菜", "价格", "贵"],
    "queue": ["食堂", "排队", "时间", "长"],
    "water": ["宿舍", "热水", "停"],
    "both": ["食堂", "饭菜", "价格", "贵", "食堂", "饭菜", "贵"],
    "wifi": ["宿舍", "网络", "wifi", "慢"],
}


def keys(ranked: list[tuple[str, float]]) -> list[str]:
    return [k for k, _ in ranked]


def test_documents_sharing_more_query_words_rank_first() -> None:
    ranked = bm25_rank(["食堂", "饭菜", "贵"], DOCS)
    assert keys(ranked)[:2] == ["both", "price"]
    assert keys(ranked)[-1] == "queue"  # shares only 食堂
    assert "water" not in keys(ranked) and "wifi" not in keys(ranked)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_the_limit_keeps_the_best() -> None:
    full = bm25_rank(["食堂", "饭菜", "贵"], DOCS)
    assert bm25_rank(["食堂", "饭菜", "贵"], DOCS, limit=2) == full[:2]
    assert bm25_rank(["食堂", "饭菜", "贵"], DOCS, limit=1) == full[:1]
    assert bm25_rank(["食堂"], DOCS, limit=0) == []


def test_a_rare_word_weighs_more_than_a_common_one() -> None:
    # 热水 is in one document, 食堂 in three: a document with only the rare word wins
    ranked = bm25_rank(["食堂", "热水"], {**DOCS, "both": ["其他"]})
    assert keys(ranked)[0] == "water"
    assert idf(10, 1) > idf(10, 5) > idf(10, 10) > 0


def test_a_shorter_document_with_the_same_words_ranks_higher() -> None:
    docs = {"long": ["热水", *["x"] * 20], "short": ["热水", "x"]}
    assert keys(bm25_rank(["热水"], docs)) == ["short", "long"]
    # b = 0: no length normalisation, equal scores keep the documents' order
    ranked = bm25_rank(["热水"], docs, b=0.0)
    assert keys(ranked) == ["long", "short"]
    assert math.isclose(ranked[0][1], ranked[1][1])


def test_repeated_query_words_count_once() -> None:
    assert bm25_rank(["食堂", "食堂", "贵"], DOCS) == bm25_rank(["食堂", "贵"], DOCS)


def test_the_collection_statistics_may_be_given() -> None:
    """Candidates read from a larger collection use its statistics."""
    candidates = {"a": ["食堂", "贵"], "b": ["食堂", "排队"]}
    # in a collection of 1,000 concerns, 贵 is in 10 and 食堂 in 500
    ranked = bm25_rank(
        ["食堂", "贵"],
        candidates,
        doc_freq={"食堂": 500, "贵": 10},
        n_docs=1000,
        avg_len=2.0,
    )
    assert keys(ranked) == ["a", "b"]
    expected = idf(1000, 500) + idf(1000, 10)  # tf = 1, |d| = avgdl: each term × 1
    assert math.isclose(ranked[0][1], expected)
    assert math.isclose(ranked[1][1], idf(1000, 500))


def test_min_score_drops_weak_matches() -> None:
    ranked = bm25_rank(["食堂", "饭菜", "贵"], DOCS)
    weakest = ranked[-1][1]
    assert (
        keys(bm25_rank(["食堂", "饭菜", "贵"], DOCS, min_score=weakest))
        == keys(ranked)[:-1]
    )


def test_nothing_to_rank() -> None:
    assert bm25_rank([], DOCS) == []
    assert bm25_rank(["食堂"], {}) == []
    assert bm25_rank(["图书馆"], DOCS) == []


def test_useful_tokens_drop_punctuation_spaces_and_stop_words() -> None:
    tokens = ["食堂", "的", "饭菜", "，", " ", "太", "贵", "了", "！！", "？", "\n"]
    assert useful_tokens(tokens) == ["食堂", "饭菜", "贵"]


def test_useful_tokens_fold_full_width_and_case() -> None:
    assert useful_tokens(["ＷｉＦｉ", "WiFi", "３", "号楼", "The", "(", "~"]) == [
        "wifi",
        "wifi",
        "3",
        "号楼",
    ]


words = st.sampled_from(["食堂", "饭菜", "宿舍", "热水", "网络", "考试", "贵", "慢"])
collections = st.dictionaries(
    st.integers(min_value=0, max_value=50),
    st.lists(words, min_size=1, max_size=12),
    max_size=30,
)


@given(
    query=st.lists(words, min_size=1, max_size=4),
    docs=collections,
    limit=st.integers(min_value=0, max_value=10),
)
def test_ranking_properties(
    query: list[str], docs: dict[int, list[str]], limit: int
) -> None:
    ranked = bm25_rank(query, docs, limit=limit)
    assert len(ranked) <= limit
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert all(set(docs[k]) & set(query) for k, _ in ranked)
    sharing = [k for k, tokens in docs.items() if set(tokens) & set(query)]
    assert len(ranked) == min(limit, len(sharing))
    # the best of the whole ranking come first in a limited one
    full = bm25_rank(query, docs, limit=len(docs) + 1)
    assert ranked == full[: len(ranked)]


@pytest.mark.parametrize("limit", [1, 3, 5])
def test_the_default_limit_is_five(limit: int) -> None:
    docs = {i: ["食堂"] * (i + 1) for i in range(8)}
    assert len(bm25_rank(["食堂"], docs)) == 5
    assert len(bm25_rank(["食堂"], docs, limit=limit)) == limit
