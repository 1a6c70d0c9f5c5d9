"""What a report to the school says (形成报告提交学校党政部门, RGT-1 · GS-10, CQ-5).

Pure computation, no database: :func:`build` takes the union's concerns as rows
(:class:`Row`: dates, states, counts, the masked title and the words of the masked
text, never an author) and returns the report's content, a JSON-ready dict in no
language (codes, numbers, names in both languages) that the page, the PDF and the
Excel file render in the reader's (:mod:`tongxue.voice.report_services` reads the rows
and stores the content on :class:`~tongxue.voice.models.SchoolReport`).

The report covers the concerns **raised in its period** (a month, or a term:
1 September to the end of February, 1 March to 31 August) and judges them on its
``as_of`` day (the day it is generated):

* ``totals``: how many were raised, by state, sensitive ones (RGT-7) and those about
  a cadre (CAD-8) counted but never listed, the students who added 我也遇到;
* ``figures``: the union's 响应率, 按时办结率, 解决率, 满意率
  (:func:`tongxue.domain.rights.figures`, merged and withdrawn ones not counted);
* ``by_category`` and ``by_office``: counts per category and per handling office or
  unit (the one handling each concern now), each office with its own four rates;
* ``topics``: the keywords of the period grouped into topics (:func:`topics`);
* ``overdue``: every concern waiting past a deadline on ``as_of``, whenever it was
  raised, the most overdue first (working days late on the 公示 calendar);
* ``supported``: concerns many students share (at least :data:`MANY_SUPPORTERS` 我也遇到),
  raised in the period or still open;
* ``previous``: the last report submitted to the school, each of its items with what
  became of it;
* ``items``: the concerns the report lists (overdue, supported), followed once it is
  submitted (:class:`~tongxue.voice.models.ReportItem`).

Lists carry only concerns that are neither sensitive nor about a cadre, by their
masked title (phone, ID and student numbers masked, RGT-7) and never who raised them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from tongxue.domain.rights import (
    NOT_COUNTED_STATUSES,
    OPEN_STATUSES,
    ConcernFacts,
    Figures,
    figures,
    overdue,
    working_days_late,
)

__all__ = [
    "CONTENT_VERSION",
    "MANY_SUPPORTERS",
    "Kind",
    "Period",
    "Previous",
    "PreviousItem",
    "Row",
    "Unit",
    "build",
    "figures_of",
    "jieba_weight",
    "month_period",
    "period_of",
    "recent_periods",
    "term_period",
    "topics",
]

CONTENT_VERSION = 1
MONTHLY = "monthly"
TERM = "term"
#: A concern "many students share": at least this many 我也遇到.
MANY_SUPPORTERS = 5
#: At most this many shared concerns listed (the most supported).
SUPPORTED_SHOWN = 20
#: At most this many overdue concerns listed (the most overdue; the rest counted):
#: the Excel file has them all, the page and the PDF the first
#: ``tongxue.voice.report_files.PRINTED``.
OVERDUE_SHOWN = 1000
#: Topics in a report, and the keywords considered for them.
TOPICS_SHOWN = 10
TOPIC_CANDIDATES = 150
#: A keyword is a topic's only if it occurs in at least this many concerns (a word of
#: one concern is no topic, and a private concern's rare word stays out of the report).
TOPIC_MIN_CONCERNS = 2
#: Example concerns named under a topic.
TOPIC_EXAMPLES = 3
#: Keywords are one topic when the concerns of one lie mostly within the other's and
#: one word contains the other (食堂, 二食堂), or when they share most of their
#: concerns whatever the words (空调, 维修).
MERGE_CONTAINED = 0.6
MERGE_SHARED = 0.6
#: Words that say nothing about what a concern is about, beyond the similarity's stop
#: words: how students write a complaint (反映, 最近, 一直 …).
_REPORT_STOP_WORDS = """
    反映 反应 最近 近期 一直 总是 经常 每次 每天 天天 今天 昨天 前天 明天 晚上 早上 白天
    中午 下午 上午 时间 时候 期间 之前 以前 之后 以后 现在 已经 还是 还有 就是 不是 是否
    一样 这么 那么 这种 那种 有点 有些 多次 几次 好几 很多 许多 大量 严重 实在 确实 根本
    学校 学生 同学 同学们 我们 大家 老师 部门 相关 有关 方面 存在 出现 发现 导致 影响 造成
    解决 处理 改善 改进 建议 要求 希望 请求 恳请 尽快 及时 能否 是否 可否 无法 不能 不了
    没法 一下 一些 东西 事情 地方 里面 外面 上面 下面 附近 周围 这边 那边 之类 等等 其他
    几天 好几 好几天 结果 号楼 多天 天了 有人 学期 本学期
    """
REPORT_STOP_WORDS = frozenset(_REPORT_STOP_WORDS.split())


# --------------------------------------------------------------------------- periods


class Period(NamedTuple):
    kind: str  # "monthly" or "term"
    start: dt.date
    end: dt.date


def month_period(day: dt.date) -> Period:
    """The calendar month of ``day``."""
    start = day.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(MONTHLY, start, nxt - dt.timedelta(days=1))


def term_period(day: dt.date) -> Period:
    """The term of ``day``: the autumn term from 1 September to the end of February,
    the spring term from 1 March to 31 August (a term's report covers the holidays
    after it)."""
    if day.month >= 9:
        start = dt.date(day.year, 9, 1)
    elif day.month >= 3:
        start = dt.date(day.year, 3, 1)
    else:
        start = dt.date(day.year - 1, 9, 1)
    if start.month == 9:
        end = dt.date(start.year + 1, 3, 1) - dt.timedelta(days=1)
    else:
        end = dt.date(start.year, 8, 31)
    return Period(TERM, start, end)


def period_of(kind: str, day: dt.date) -> Period:
    """The period of ``kind`` (monthly or term) that ``day`` falls in."""
    if kind == MONTHLY:
        return month_period(day)
    if kind == TERM:
        return term_period(day)
    raise ValueError(kind)


def recent_periods(today: dt.date, *, months: int = 6, terms: int = 3) -> list[Period]:
    """The periods one may report on: the current month and the ``months - 1``
    before it, the current term and the ``terms - 1`` before it, newest first."""
    out = []
    p = month_period(today)
    for _ in range(months):
        out.append(p)
        p = month_period(p.start - dt.timedelta(days=1))
    p = term_period(today)
    for _ in range(terms):
        out.append(p)
        p = term_period(p.start - dt.timedelta(days=1))
    return out


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Unit:
    """An organisation handling concerns (an office, the union, a department union …)."""

    id: int
    code: str
    name: str
    name_en: str
    kind: str


@dataclass(frozen=True, slots=True)
class Kind:
    """A category of concern."""

    id: int
    code: str
    name: str
    name_en: str
    sensitive: bool = False
    about_cadre: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One concern as a report reads it: never its author or its unmasked text."""

    id: int
    reference: str
    #: The masked title (what is shown publicly; RGT-7).
    title: str
    category: int
    handler: int
    status: str
    raised_on: dt.date
    acknowledge_due: dt.date
    answer_due: dt.date
    acknowledged_on: dt.date | None
    answered_on: dt.date | None
    closed_on: dt.date | None
    rating: str
    verified: bool
    supporters: int
    #: Sensitive (RGT-7) or about a cadre (CAD-8): counted, never listed.
    restricted: bool
    #: The words of the masked title and body (``Concern.tokens``).
    words: Sequence[str] = ()

    def facts(self) -> ConcernFacts:
        return ConcernFacts(
            raised_on=self.raised_on,
            acknowledge_due=self.acknowledge_due,
            answer_due=self.answer_due,
            acknowledged_on=self.acknowledged_on,
            answered_on=self.answered_on,
            status=self.status,
            rating=self.rating,
            verified=self.verified,
        )


@dataclass(frozen=True, slots=True)
class PreviousItem:
    """A concern the previous report listed, as it stands now."""

    id: int
    reference: str
    title: str
    reason: str
    status: str
    handler: int
    rating: str
    closed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Previous:
    """The last report submitted to the school before this one."""

    id: int
    kind: str
    start: dt.date
    end: dt.date
    submitted_on: dt.date
    submitted_to: str
    items: Sequence[PreviousItem] = ()


# --------------------------------------------------------------------------- topics


def jieba_weight() -> Callable[[str], float]:
    """How much a word says, from jieba's dictionary (the inverse of how common the
    word is in general Chinese: 问题 says little, 空调 much): ``ln(total / freq)``; a
    word jieba does not know (二食堂, 校园卡) counts as a rare one."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    freq: Mapping[str, int] = jieba.dt.FREQ
    total = float(jieba.dt.total or 1)
    unknown = math.log(total / 20)

    def weight(word: str) -> float:
        f = freq.get(word)
        return math.log(total / f) if f else unknown

    return weight


def _topic_word(word: str) -> bool:
    return (
        len(word) >= 2
        and word not in REPORT_STOP_WORDS
        and "*" not in word
        and not word.isdigit()
        and not (word.isascii() and len(word) < 3)
    )


@dataclass
class _Topic:
    words: list[str]
    docs: set[int]


def topics(
    docs: Sequence[Sequence[str]],
    *,
    weight: Callable[[str], float],
    kinds: Sequence[Hashable] | None = None,
    limit: int = TOPICS_SHOWN,
) -> list[tuple[list[str], set[int]]]:
    """The topics of ``docs`` (each the words of one concern): up to ``limit`` groups
    of keywords with the indexes of the concerns they occur in, the most important
    first, each group's name first.

    A keyword's score is the number of concerns it occurs in times its weight
    (TF-IDF with jieba's dictionary as the corpus: a word in many of the period's
    concerns and rare in Chinese at large) times, when ``kinds`` gives each concern's
    category, the largest share of its concerns in one category: the way students
    write a complaint (影响学习和休息, 好几天了) is spread over every category, a topic
    is not. The best :data:`TOPIC_CANDIDATES` are grouped: a keyword joins a topic
    when one of the topic's words contains it or is contained in it and
    :data:`MERGE_CONTAINED` of the smaller set of concerns are in the other (食堂,
    二食堂), or when :data:`MERGE_SHARED` of the two sets together are shared (Jaccard:
    空调 and 维修 in the same concerns). A group is named by its word found in the
    most concerns, the longest of those (图书馆 rather than 书馆, jieba's search mode
    giving both).
    """
    where: dict[str, list[int]] = defaultdict(list)
    keep: dict[str, bool] = {}
    for i, words in enumerate(docs):
        for w in set(words):
            ok = keep.get(w)
            if ok is None:
                ok = keep[w] = _topic_word(w)
            if ok:
                where[w].append(i)

    def score(w: str, ix: list[int]) -> float:
        s = len(ix) * weight(w)
        if kinds is not None:
            s *= max(Counter(kinds[i] for i in ix).values()) / len(ix)
        return s

    scored = sorted(
        ((score(w, ix), w) for w, ix in where.items() if len(ix) >= TOPIC_MIN_CONCERNS),
        key=lambda t: (-t[0], t[1]),
    )[:TOPIC_CANDIDATES]
    groups: list[_Topic] = []
    for _score, w in scored:
        mine = set(where[w])
        for g in groups:
            shared = len(mine & g.docs)
            if not shared:
                continue
            related = any(w in other or other in w for other in g.words)
            if (
                related and shared >= MERGE_CONTAINED * min(len(mine), len(g.docs))
            ) or (shared >= MERGE_SHARED * len(mine | g.docs)):
                g.words.append(w)
                g.docs |= mine
                break
        else:
            groups.append(_Topic([w], mine))
    out = []
    for g in groups[:limit]:
        name = max(g.words, key=lambda w: (len(where[w]), len(w)))
        out.append(([name, *(w for w in g.words if w != name)], g.docs))
    return out


# --------------------------------------------------------------------------- content


def figures_of(data: Mapping[str, int]) -> Figures:
    """The :class:`~tongxue.domain.rights.Figures` stored in a report's content."""
    return Figures(**{k: int(v) for k, v in data.items() if k in _FIGURE_FIELDS})


_FIGURE_FIELDS = frozenset(Figures.__dataclass_fields__)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _is_open(status: str) -> bool:
    """Waiting for its handler, or answered and waiting for the student's rating."""
    return status in OPEN_STATUSES or status == "answered"


def build(
    *,
    union: Unit,
    period: Period,
    as_of: dt.date,
    rows: Iterable[Row],
    units: Mapping[int, Unit],
    categories: Sequence[Kind],
    previous: Previous | None = None,
    holidays: Iterable[dt.date] = (),
    extra_working_days: Iterable[dt.date] = (),
    weight: Callable[[str], float] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The content of the union's report on ``period``, judged on ``as_of``.

    ``rows``: the concerns raised in the period, and those raised outside it that
    are overdue on ``as_of`` or still open with many supporters (others are
    ignored);
    ``units``: the handlers, by id; ``categories``: the union's, in their order;
    ``progress(stage)`` is told when a stage starts (``count``, ``topics``,
    ``lists``, ``previous``).
    """
    step = progress or (lambda _stage: None)
    hol, extra = frozenset(holidays), frozenset(extra_working_days)
    step("count")
    all_rows = list(rows)
    mine = [r for r in all_rows if period.start <= r.raised_on <= period.end]
    kinds = {k.id: k for k in categories}
    used_units: dict[int, Unit] = {union.id: union}
    used_kinds: dict[int, Kind] = {}

    def unit_code(uid: int) -> str:
        u = units.get(uid)
        if u is None:
            return ""
        used_units[uid] = u
        return u.code

    def kind_code(kid: int) -> str:
        k = kinds.get(kid)
        if k is None:
            return ""
        used_kinds[kid] = k
        return k.code

    late_of: dict[int, tuple[str, dt.date, int]] = {}
    days_late: dict[dt.date, int] = {}  # many concerns share a due day
    for r in all_rows:
        late = overdue(
            status=r.status,
            acknowledged=r.acknowledged_on is not None or r.answered_on is not None,
            acknowledge_due=r.acknowledge_due,
            answer_due=r.answer_due,
            today=as_of,
        )
        if late is not None:
            deadline, due = late
            days = days_late.get(due)
            if days is None:
                days = days_late[due] = working_days_late(
                    due, as_of, holidays=hol, extra_working_days=extra
                )
            late_of[r.id] = (str(deadline), due, days)

    statuses = Counter(r.status for r in mine)
    totals = {
        "raised": len(mine),
        "counted": sum(1 for r in mine if r.status not in NOT_COUNTED_STATUSES),
        "statuses": dict(sorted(statuses.items())),
        "open": sum(1 for r in mine if r.status in OPEN_STATUSES),
        "answered": statuses.get("answered", 0),
        "closed": statuses.get("closed", 0),
        "restricted": sum(1 for r in mine if r.restricted),
        "supporters": sum(r.supporters for r in mine),
        "overdue": len(late_of),
        "overdue_outside": sum(
            1
            for r in all_rows
            if r.id in late_of and not period.start <= r.raised_on <= period.end
        ),
    }
    facts = {r.id: r.facts() for r in mine}
    union_figures = figures(facts.values(), today=as_of)

    # by category (every one with a concern in the period, in the union's order)
    by_kind: dict[int, list[Row]] = defaultdict(list)
    for r in mine:
        by_kind[r.category].append(r)
    by_category = []
    for k in [
        *categories,
        *(Kind(kid, "", "", "") for kid in by_kind if kid not in kinds),
    ]:
        group = by_kind.get(k.id)
        if not group:
            continue
        f = figures((facts[r.id] for r in group), today=as_of)
        by_category.append(
            {
                "category": kind_code(k.id),
                "raised": len(group),
                "open": sum(1 for r in group if r.status in OPEN_STATUSES),
                "closed": f.closed,
                "solved": f.solved,
                "overdue": sum(1 for r in group if r.id in late_of),
            }
        )

    # by the office or unit handling each concern now
    by_handler: dict[int, list[Row]] = defaultdict(list)
    for r in mine:
        by_handler[r.handler].append(r)
    late_by_handler = Counter(r.handler for r in all_rows if r.id in late_of)
    order = {"school_office": 0}
    handler_ids = sorted(
        set(by_handler) | set(late_by_handler),
        key=lambda h: (
            order.get(units[h].kind, 1) if h in units else 2,
            units[h].code if h in units else "",
        ),
    )
    by_office = []
    for h in handler_ids:
        group = by_handler.get(h, [])
        by_office.append(
            {
                "unit": unit_code(h),
                "raised": len(group),
                "open": sum(1 for r in group if r.status in OPEN_STATUSES),
                "overdue": late_by_handler.get(h, 0),
                "figures": asdict(figures((facts[r.id] for r in group), today=as_of)),
            }
        )

    # topics: the period's concerns that may be listed, not merged or withdrawn
    step("topics")
    pool = [
        r for r in mine if not r.restricted and r.status not in NOT_COUNTED_STATUSES
    ]
    found = topics(
        [r.words for r in pool],
        weight=weight or jieba_weight(),
        kinds=[r.category for r in pool],
    )
    topic_rows = []
    for words, ix in found:
        group = [pool[i] for i in ix]
        cats = Counter(r.category for r in group).most_common(3)
        examples = sorted(group, key=lambda r: (-r.supporters, r.raised_on, r.id))
        topic_rows.append(
            {
                "words": words,
                "concerns": len(group),
                "supporters": sum(r.supporters for r in group),
                "open": sum(1 for r in group if _is_open(r.status)),
                "categories": [[kind_code(c), n] for c, n in cats],
                "examples": [r.reference for r in examples[:TOPIC_EXAMPLES]],
            }
        )

    # the lists: overdue, shared by many
    step("lists")

    def item(r: Row) -> dict[str, Any]:
        return {
            "id": r.id,
            "reference": r.reference,
            "title": r.title,
            "category": kind_code(r.category),
            "handler": unit_code(r.handler),
            "status": r.status,
            "raised_on": r.raised_on.isoformat(),
            "supporters": r.supporters,
            "outside": not period.start <= r.raised_on <= period.end,
        }

    late_rows = sorted(
        (r for r in all_rows if r.id in late_of),
        key=lambda r: (-late_of[r.id][2], late_of[r.id][1], r.raised_on, r.id),
    )
    listable = [r for r in late_rows if not r.restricted]
    overdue_items = []
    for r in listable[:OVERDUE_SHOWN]:
        deadline, due, days = late_of[r.id]
        overdue_items.append(
            {**item(r), "deadline": deadline, "due": due.isoformat(), "late": days}
        )
    shared = sorted(
        (
            r
            for r in all_rows
            if not r.restricted
            and r.supporters >= MANY_SUPPORTERS
            and r.status not in NOT_COUNTED_STATUSES
            and (period.start <= r.raised_on <= period.end or _is_open(r.status))
        ),
        key=lambda r: (-r.supporters, r.raised_on, r.id),
    )[:SUPPORTED_SHOWN]
    supported_items = [item(r) for r in shared]
    tracked: dict[int, str] = {}
    for it in overdue_items:
        tracked.setdefault(it["id"], "overdue")
    for it in supported_items:
        tracked.setdefault(it["id"], "supported")

    step("previous")
    previous_part = None
    if previous is not None:
        done = [i for i in previous.items if i.closed_on is not None]
        previous_part = {
            "id": previous.id,
            "kind": previous.kind,
            "start": previous.start.isoformat(),
            "end": previous.end.isoformat(),
            "submitted_on": previous.submitted_on.isoformat(),
            "submitted_to": previous.submitted_to,
            "concluded": len(done),
            "open": len(previous.items) - len(done),
            "items": [
                {
                    "id": i.id,
                    "reference": i.reference,
                    "title": i.title,
                    "reason": i.reason,
                    "status": i.status,
                    "handler": unit_code(i.handler),
                    "rating": i.rating,
                    "closed_on": _iso(i.closed_on),
                }
                for i in sorted(
                    previous.items,
                    key=lambda i: (i.closed_on is not None, i.reference),
                )
            ],
        }

    return {
        "version": CONTENT_VERSION,
        "union": union.code,
        "period": {
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": as_of.isoformat(),
        "totals": totals,
        "figures": asdict(union_figures),
        "by_category": by_category,
        "by_office": by_office,
        "topics": topic_rows,
        "overdue": {
            "items": overdue_items,
            "total": len(late_rows),
            "restricted": len(late_rows) - len(listable),
            "not_listed": max(len(listable) - OVERDUE_SHOWN, 0),
        },
        "supported": {"items": supported_items, "min": MANY_SUPPORTERS},
        "previous": previous_part,
        "items": [{"id": cid, "reason": why} for cid, why in tracked.items()],
        "units": {
            u.code: {"name": u.name, "name_en": u.name_en, "kind": u.kind}
            for u in used_units.values()
        },
        "categories": {
            k.code: {
                "name": k.name,
                "name_en": k.name_en,
                "sensitive": k.sensitive,
                "about_cadre": k.about_cadre,
            }
            for k in used_kinds.values()
        },
    }
