"""Where a concern might go: a suggestion from its words (RGT-1, "Route"), read-only.

The handler of a concern sees, where they forward it, "建议转交：后勤处（依据本校 N 件已办结
的诉求）" — learned (:mod:`tongxue.domain.rights.routing`, a naive Bayes) from the union's
own **concluded** concerns, each with the words of its public text (``Concern.tokens``)
and the office or unit that concluded it. It is a suggestion: pressing "use the
suggestion" only pre-selects the form's target; the handler still submits the
hand-over (``services.forward``), which records whether the suggestion was shown and
taken (``ConcernEvent.suggested_to``, ``suggestion_used``).

What the model learns from: the union's concerns concluded (status closed), the
latest :data:`~tongxue.domain.rights.routing.MAX_EXAMPLES`, whose final handler is a
place a concern may be forwarded to and chosen (the union, a department union, a
school office, a federation: not a class committee, never listed as a target), read
as (words, handler) in one query. Left out: sensitive concerns and those about a
cadre (RGT-7, CAD-8: they never move from the union's named handlers, so they teach
nothing about routing, and the suggestion can tell nothing about them) and ideas sent
to a consultation (they go to the federation by rule).

A trained model is kept per union in this process (:data:`CACHE_UNIONS` unions at
most) under a key read in one query from the partial index ``concern_concluded``:
the number of the union's concluded concerns and the latest conclusion. A concern
concluding changes the key and the next page trains again (two queries: the examples
and the suggestion's record); any other page reads the key only.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q

from tongxue.domain.rights.routing import MAX_EXAMPLES, MIN_EXAMPLES, Router, train
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.voice.models import Concern, ConcernEvent, ConcernStatus, EventKind
from tongxue.voice.text import words_of

__all__ = [
    "CACHE_UNIONS",
    "LEARNED_KINDS",
    "Route",
    "RouteHint",
    "SuggestionRecord",
    "forget",
    "route",
    "training_q",
]

#: The handlers a model learns: where a concern may be forwarded to (class committees
#: are reached through their department, never listed).
LEARNED_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
    OrgKind.SCHOOL_OFFICE,
    OrgKind.CITY_FEDERATION,
    OrgKind.PROVINCIAL_FEDERATION,
)
#: Trained models kept in a process, the least recently used dropped first.
CACHE_UNIONS = 256


@dataclass(frozen=True)
class RouteHint:
    """The suggestion shown: forward to ``target`` (one of the page's targets)."""

    target: Organisation
    confidence: float
    examples: int
    words: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass(frozen=True)
class SuggestionRecord:
    """How the suggestions fared, over the hand-overs that carried one of the
    concerns the model learned from (concluded, neither sensitive nor about a cadre):
    ``shown``, ``used`` (the handler pressed "use the suggestion" and forwarded
    there) and ``right`` (the concern was concluded by the handler suggested)."""

    shown: int = 0
    used: int = 0
    right: int = 0


@dataclass(frozen=True)
class Route:
    """A concern page's routing: the suggestion (or None) and the union's record."""

    hint: RouteHint | None
    record: SuggestionRecord


@dataclass(frozen=True)
class _Model:
    key: tuple[int, dt.datetime | None]
    router: Router[str] | None
    record: SuggestionRecord


_cache: OrderedDict[int, _Model] = OrderedDict()
_lock = threading.Lock()


def forget(union_id: int | None = None) -> None:
    """Drop the kept model of a union (of every union without ``union_id``)."""
    with _lock:
        if union_id is None:
            _cache.clear()
        else:
            _cache.pop(union_id, None)


def training_q(union_id: int) -> Q:
    """The concerns a union's model learns from (see the module's text)."""
    return Q(
        union_id=union_id,
        status=ConcernStatus.CLOSED,
        sensitive=False,
        about_person__isnull=True,
        consultation__isnull=True,
        handler__kind__in=LEARNED_KINDS,
    )


def _key(union_id: int) -> tuple[int, dt.datetime | None]:
    """The union's concluded concerns: how many and the latest conclusion (one query,
    the partial index ``concern_concluded``)."""
    row = Concern.objects.filter(
        union_id=union_id, status=ConcernStatus.CLOSED
    ).aggregate(n=Count("closed_at"), last=Max("closed_at"))
    return row["n"] or 0, row["last"]


def _record(union_id: int) -> SuggestionRecord:
    """The hand-overs with a suggestion among the concerns learned from (one query)."""
    row = ConcernEvent.objects.filter(
        kind=EventKind.FORWARDED,
        suggested_to__isnull=False,
        concern__union_id=union_id,
        concern__status=ConcernStatus.CLOSED,
        concern__sensitive=False,
        concern__about_person__isnull=True,
    ).aggregate(
        shown=Count("pk"),
        used=Count("pk", filter=Q(suggestion_used=True)),
        right=Count("pk", filter=Q(suggested_to_id=F("concern__handler_id"))),
    )
    return SuggestionRecord(row["shown"] or 0, row["used"] or 0, row["right"] or 0)


def _train(union_id: int) -> Router[str]:
    """The union's model from its latest concluded concerns (one query); a handler is
    known by its code (equal scores go to the smaller code)."""
    rows = (
        Concern.objects.filter(training_q(union_id))
        .order_by("-closed_at", "-pk")
        .values_list("tokens", "handler__code")[:MAX_EXAMPLES]
    )
    return train((words_of(tokens), handler) for tokens, handler in rows)


def _model(union_id: int) -> _Model:
    key = _key(union_id)
    with _lock:
        kept = _cache.get(union_id)
        if kept is not None and kept.key == key:
            _cache.move_to_end(union_id)
            return kept
    if key[0] < MIN_EXAMPLES:
        # Fewer concluded concerns than a model needs: nothing to learn, no query.
        model = _Model(key, None, SuggestionRecord())
    else:
        model = _Model(key, _train(union_id), _record(union_id))
    with _lock:
        _cache[union_id] = model
        _cache.move_to_end(union_id)
        while len(_cache) > CACHE_UNIONS:
            _cache.popitem(last=False)
    return model


def route(concern: Concern, targets: Sequence[Organisation]) -> Route:
    """The suggestion for ``concern`` among ``targets`` (where its handler may forward
    it: the page's list, the current handler left out), with the union's record.

    One query, three when a concern of the union concluded since the model was kept.
    No suggestion for a sensitive concern or one about a cadre (never forwarded), nor
    without targets."""
    if concern.sensitive or concern.about_person_id is not None or not targets:
        return Route(None, SuggestionRecord())
    model = _model(concern.union_id)
    if model.router is None:
        return Route(None, model.record)
    by_code = {t.code: t for t in targets}
    found = model.router.suggest(words_of(concern.tokens), allowed=by_code)
    if found is None:
        return Route(None, model.record)
    hint = RouteHint(
        target=by_code[found.handler],
        confidence=found.confidence,
        examples=found.examples,
        words=found.words,
    )
    return Route(hint, model.record)
