"""Aggregation of a closed survey (TRN-2): per question, per dimension, per group.

:func:`aggregate` reads every response once (its department, its grade and its answer
set) and returns :class:`SurveyResults`:

* per question: how many answered; a scale's mean and its count per point; a choice's
  count per option; a text's number of answers (the texts are grouped by keyword,
  :func:`group_texts`);
* per dimension (知晓度, 参与度, 满意度): the mean of every scale answer of its questions;
* by department and by grade: the same means for each group of at least
  ``min_group`` responses; a smaller group is not shown, so that no small group's
  answers can be told apart (its responses still count in the totals), and the results
  say how many responses such hidden groups hold;
* nothing at all but the count when the survey has fewer than ``min_group`` responses.

Means are exact fractions rounded to three decimals for storage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from tongxue.domain.surveys.questions import (
    DIMENSIONS,
    SCALE_POINTS,
    Question,
    QuestionKind,
)

#: At most this many keyword groups of texts, and texts shown per group.
KEYWORD_GROUPS = 12
TEXTS_PER_GROUP = 5
#: The group of texts that share no frequent keyword.
OTHER = ""


@dataclass(frozen=True, slots=True)
class Response:
    """One (anonymous) response: the respondent's department and grade, the answers."""

    department: str | None
    grade: int | None
    answers: Mapping[str, Any]


def _mean(total: int, n: int) -> float | None:
    return round(float(Fraction(total, n)), 3) if n else None


class _Sums:
    """Running sums of scale answers by key (a question or a dimension)."""

    def __init__(self) -> None:
        self.total: dict[str, int] = defaultdict(int)
        self.n: dict[str, int] = defaultdict(int)

    def add(self, key: str, point: int) -> None:
        self.total[key] += point
        self.n[key] += 1

    def means(self, keys: Iterable[str]) -> dict[str, float | None]:
        return {k: _mean(self.total.get(k, 0), self.n.get(k, 0)) for k in keys}


@dataclass(frozen=True, slots=True)
class QuestionResult:
    key: str
    kind: str
    answered: int
    mean: float | None = None
    #: scale: point ("1" … "5") → count; choice: option → count (every option listed).
    counts: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "answered": self.answered,
            "mean": self.mean,
            "counts": dict(self.counts),
        }


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A department's or a grade's means, for a group of at least the minimum size."""

    group: str
    responses: int
    dimensions: Mapping[str, float | None]
    questions: Mapping[str, float | None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "responses": self.responses,
            "dimensions": dict(self.dimensions),
            "questions": dict(self.questions),
        }


@dataclass(frozen=True, slots=True)
class KeywordGroup:
    """Texts sharing a keyword (``OTHER``: none of the frequent ones)."""

    keyword: str
    count: int
    examples: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "keyword": self.keyword,
            "count": self.count,
            "examples": list(self.examples),
        }


@dataclass(frozen=True, slots=True)
class SurveyResults:
    responses: int
    min_group: int
    #: False: fewer than ``min_group`` responses; nothing but the count is shown.
    shown: bool
    questions: tuple[QuestionResult, ...] = ()
    dimensions: Mapping[str, float | None] = field(default_factory=dict)
    dimension_answers: Mapping[str, int] = field(default_factory=dict)
    by_department: tuple[GroupResult, ...] = ()
    by_grade: tuple[GroupResult, ...] = ()
    #: Responses in departments (grades) too small to show, or without one.
    hidden_department: int = 0
    hidden_grade: int = 0
    keywords: Mapping[str, tuple[KeywordGroup, ...]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "min_group": self.min_group,
            "shown": self.shown,
            "questions": [q.as_dict() for q in self.questions],
            "dimensions": dict(self.dimensions),
            "dimension_answers": dict(self.dimension_answers),
            "by_department": [g.as_dict() for g in self.by_department],
            "by_grade": [g.as_dict() for g in self.by_grade],
            "hidden_department": self.hidden_department,
            "hidden_grade": self.hidden_grade,
            "keywords": {
                k: [g.as_dict() for g in groups] for k, groups in self.keywords.items()
            },
        }


def _dimension_of(questions: Sequence[Question]) -> dict[str, str]:
    return {
        q.key: q.dimension
        for q in questions
        if q.kind == QuestionKind.SCALE and q.dimension is not None
    }


def aggregate(
    questions: Sequence[Question],
    responses: Iterable[Response],
    *,
    min_group: int,
    tokenize: Callable[[str], list[str]] | None = None,
) -> SurveyResults:
    """Aggregate the responses of a survey (see the module's docstring).

    ``tokenize`` splits a text into keywords (jieba on the Django side); without it the
    texts are counted, not grouped.
    """
    scale_dim = _dimension_of(questions)
    answered: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {q.key: Counter() for q in questions}
    overall = _Sums()
    by_dept: dict[str, _Sums] = defaultdict(_Sums)
    by_grade: dict[str, _Sums] = defaultdict(_Sums)
    dept_n: Counter[str] = Counter()
    grade_n: Counter[str] = Counter()
    texts: dict[str, list[str]] = defaultdict(list)
    kinds = {q.key: q.kind for q in questions}
    total = 0
    for r in responses:
        total += 1
        dept = r.department or None
        grade = str(r.grade) if r.grade is not None else None
        if dept is not None:
            dept_n[dept] += 1
        if grade is not None:
            grade_n[grade] += 1
        for key, value in r.answers.items():
            kind = kinds.get(key)
            if kind is None:
                continue
            answered[key] += 1
            if kind == QuestionKind.SCALE:
                point = int(value)
                counts[key][str(point)] += 1
                sums = [overall]
                if dept is not None:
                    sums.append(by_dept[dept])
                if grade is not None:
                    sums.append(by_grade[grade])
                dim = scale_dim.get(key)
                for s in sums:
                    s.add(key, point)
                    if dim is not None:
                        s.add(f"dim:{dim}", point)
            elif kind == QuestionKind.SINGLE:
                counts[key][str(value)] += 1
            elif kind == QuestionKind.MULTIPLE:
                for option in value:
                    counts[key][str(option)] += 1
            else:
                texts[key].append(str(value))
    return results_from(
        questions,
        Tally(
            total=total,
            answered=answered,
            counts=counts,
            overall=overall,
            by_department=by_dept,
            by_grade=by_grade,
            department_sizes=dept_n,
            grade_sizes=grade_n,
            texts=texts,
        ),
        min_group=min_group,
        tokenize=tokenize,
    )


@dataclass
class Tally:
    """What :func:`aggregate` counts in its one pass over the responses; the database
    counts the same in SQL (``tongxue.surveys.aggregation``), and
    :func:`results_from` turns either into the results."""

    total: int
    answered: Counter[str]
    #: question → answer ("1" … "5", an option) → count
    counts: dict[str, Counter[str]]
    overall: _Sums
    by_department: dict[str, _Sums]
    by_grade: dict[str, _Sums]
    department_sizes: Counter[str]
    grade_sizes: Counter[str]
    texts: dict[str, list[str]]


def new_sums() -> _Sums:
    """Empty running sums of scale answers (a question's key, ``dim:<dimension>``)."""
    return _Sums()


def results_from(
    questions: Sequence[Question],
    tally: Tally,
    *,
    min_group: int,
    tokenize: Callable[[str], list[str]] | None = None,
) -> SurveyResults:
    """The results of a survey from its :class:`Tally` (see :func:`aggregate`)."""
    min_group = max(1, min_group)
    total = tally.total
    answered, counts, overall = tally.answered, tally.counts, tally.overall
    by_dept, by_grade = tally.by_department, tally.by_grade
    dept_n, grade_n, texts = tally.department_sizes, tally.grade_sizes, tally.texts
    scale_dim = _dimension_of(questions)
    scale_keys = [q.key for q in questions if q.kind == QuestionKind.SCALE]
    dims_used = [d for d in DIMENSIONS if d in scale_dim.values()]
    if total < min_group:
        return SurveyResults(responses=total, min_group=min_group, shown=False)
    results = []
    for q in questions:
        if q.kind == QuestionKind.SCALE:
            keys = [str(p) for p in range(1, SCALE_POINTS + 1)]
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            keys = list(q.option_keys())
        else:
            keys = []
        results.append(
            QuestionResult(
                key=q.key,
                kind=q.kind.value,
                answered=answered[q.key],
                mean=overall.means([q.key])[q.key]
                if q.kind == QuestionKind.SCALE
                else None,
                counts={k: counts[q.key][k] for k in keys},
            )
        )
    dim_keys = [f"dim:{d}" for d in dims_used]

    def groups(
        sums: Mapping[str, _Sums], sizes: Counter[str]
    ) -> tuple[tuple[GroupResult, ...], int]:
        shown: list[GroupResult] = []
        hidden = total
        for g in sorted(sizes, key=_group_order):
            if sizes[g] < min_group:
                continue
            hidden -= sizes[g]
            s = sums[g] if g in sums else _Sums()
            shown.append(
                GroupResult(
                    group=g,
                    responses=sizes[g],
                    dimensions={
                        d: s.means([f"dim:{d}"])[f"dim:{d}"] for d in dims_used
                    },
                    questions=s.means(scale_keys),
                )
            )
        return tuple(shown), hidden

    departments, hidden_dept = groups(by_dept, dept_n)
    grades, hidden_grade = groups(by_grade, grade_n)
    means = overall.means(dim_keys)
    return SurveyResults(
        responses=total,
        min_group=min_group,
        shown=True,
        questions=tuple(results),
        dimensions={d: means[f"dim:{d}"] for d in dims_used},
        dimension_answers={d: overall.n.get(f"dim:{d}", 0) for d in dims_used},
        by_department=departments,
        by_grade=grades,
        hidden_department=hidden_dept,
        hidden_grade=hidden_grade,
        keywords={
            key: group_texts(found, tokenize) for key, found in sorted(texts.items())
        }
        if tokenize is not None
        else {},
    )


def _group_order(group: str) -> tuple[int, str]:
    return (0, f"{int(group):012d}") if group.isdigit() else (1, group)


def group_texts(
    texts: Sequence[str],
    tokenize: Callable[[str], list[str]],
    *,
    limit: int = KEYWORD_GROUPS,
    examples: int = TEXTS_PER_GROUP,
) -> tuple[KeywordGroup, ...]:
    """Group texts by their most frequent shared keyword.

    The keywords are the words of two or more characters found in at least two texts,
    most frequent first (ties by the word), at most ``limit`` of them; each text goes to
    the first of them it contains, the others to the group :data:`OTHER`. Each group
    keeps its first ``examples`` texts (in the order given: a closed survey's order is
    random).
    """
    words = [{w for w in tokenize(t) if len(w) >= 2} for t in texts]
    freq: Counter[str] = Counter(w for ws in words for w in ws)
    top = [
        w for w, n in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2
    ][:limit]
    members: dict[str, list[str]] = {w: [] for w in top}
    other: list[str] = []
    for text, ws in zip(texts, words, strict=True):
        first = next((w for w in top if w in ws), None)
        (members[first] if first is not None else other).append(text)
    out = [
        KeywordGroup(w, len(members[w]), tuple(members[w][:examples]))
        for w in top
        if members[w]
    ]
    out.sort(key=lambda g: (-g.count, g.keyword))
    if other:
        out.append(KeywordGroup(OTHER, len(other), tuple(other[:examples])))
    return tuple(out)
