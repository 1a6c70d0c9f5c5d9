"""Similar concerns: BM25 ranking over words (RGT-1, "similar concerns first").

While a student types, the concerns of the school most like the text are shown so that
they may add "我也遇到" to one instead of filing it again. The words come from the
Django side (``jieba`` segmentation, :func:`useful_tokens` here); :func:`bm25_rank`
ranks documents (each a sequence of words) against the query words by Okapi BM25::

    score(q, d) = Σ_t idf(t) · f(t, d) · (k1 + 1) / (f(t, d) + k1 · (1 − b + b · |d| / avgdl))
    idf(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5))

summed over the distinct words ``t`` of the query, ``f(t, d)`` the times ``t`` occurs in
``d``, ``N`` the number of documents, ``n(t)`` those containing ``t`` (the idf never
goes negative). The statistics may be given for a larger collection than the documents
ranked (a school's concerns, when only the candidates sharing a word were read).
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

#: Words that say nothing about what a concern is about (Chinese function words and
#: the politeness of a request, English function words).
_STOP_WORDS = """
    的 了 着 过 是 在 有 和 与 及 或 而 但 也 还 又 就 都 很 太 更 最 再 才 只 已 已经
    我 我们 你 你们 他 她 它 他们 她们 它们 自己 大家 这 那 这个 那个 这些 那些 这里 那里
    这样 那样 之 其 此 该 个 些 一 一个 一些 一下 一直 一点 吗 呢 吧 啊 呀 哦 嘛 么 啦
    把 被 让 给 对 从 向 往 到 于 为 为了 因为 所以 如果 虽然 但是 然后 而且 并且 以及
    不 没 没有 会 能 能够 可以 可能 要 想 应该 需要 希望 觉得 认为 感觉 请 请问 麻烦
    谢谢 您好 你好 同学 问题 情况 现在 目前 一般 非常 比较 特别 真的 什么 怎么 怎样
    如何 为什么 哪里 哪个 多少 时候 经常 总是 有时 等 等等 上 下 里 中 后 前 时
    a an the of to and or but in on at by for with from as is are was were be been
    it its this that these those i we you he she they me my our your his her their
    do does did not no so if then than too very can could should would will just
    """
STOP_WORDS = frozenset(_STOP_WORDS.split())


def _is_noise(token: str) -> bool:
    """A token of punctuation, symbols or spaces only."""
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def useful_tokens(tokens: Iterable[str]) -> list[str]:
    """Return the words worth matching: normalised (full-width folded, lower case),
    without punctuation, spaces, symbols and stop words, in their order."""
    out = []
    for token in tokens:
        word = unicodedata.normalize("NFKC", token).strip().lower()
        if not word or _is_noise(word) or word in STOP_WORDS:
            continue
        out.append(word)
    return out


def idf(n_docs: int, containing: int) -> float:
    """The inverse document frequency of a word in ``containing`` of ``n_docs``."""
    return math.log(1.0 + (n_docs - containing + 0.5) / (containing + 0.5))


def bm25_rank(
    query: Sequence[str],
    docs: Mapping[K, Sequence[str]],
    *,
    doc_freq: Mapping[str, int] | None = None,
    n_docs: int | None = None,
    avg_len: float | None = None,
    limit: int = 5,
    k1: float = 1.5,
    b: float = 0.75,
    min_score: float = 0.0,
) -> list[tuple[K, float]]:
    """Return up to ``limit`` (key, score) of ``docs``, best first, scoring above ``min_score``.

    ``doc_freq`` (word → number of documents containing it), ``n_docs`` and
    ``avg_len`` describe the collection; by default they are computed from ``docs``.
    A document sharing no word with the query scores 0 and is left out with the
    default ``min_score``. Equal scores keep the order of ``docs``.
    """
    if limit <= 0 or not docs:
        return []
    words = list(dict.fromkeys(query))
    if not words:
        return []
    if doc_freq is None:
        wanted = set(words)
        counts: Counter[str] = Counter()
        for tokens in docs.values():
            counts.update(wanted.intersection(tokens))
        doc_freq = counts
    total = n_docs if n_docs is not None else len(docs)
    if avg_len is None:
        avg_len = sum(len(t) for t in docs.values()) / len(docs)
    avg = avg_len if avg_len > 0 else 1.0
    weights = {w: idf(total, min(doc_freq.get(w, 0), total)) for w in words}

    def score(tokens: Sequence[str]) -> float:
        freq = Counter(tokens)
        norm = k1 * (1.0 - b + b * len(tokens) / avg)
        out = 0.0
        for w, weight in weights.items():
            f = freq.get(w, 0)
            if f:
                out += weight * f * (k1 + 1.0) / (f + norm)
        return out

    scored = ((key, score(tokens)) for key, tokens in docs.items())
    return heapq.nlargest(
        limit, (s for s in scored if s[1] > min_score), key=lambda s: s[1]
    )
