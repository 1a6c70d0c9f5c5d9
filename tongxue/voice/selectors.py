"""Read concerns in a bounded number of queries (RGT-1 · GS-10, CQ-5; RGT-7; CAD-8).

Who sees what is decided in :mod:`tongxue.voice.access` only; the lists here filter
with it (:func:`~tongxue.voice.access.visible_to_handler_q`) or with the public rule
(public, not sensitive, not about a cadre), and a public list or search reads only
the masked text (``public_title``, ``public_body``, ``tokens``), never ``title`` and
``body``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, DateField, F, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from tongxue.cadres.selectors import served_path
from tongxue.domain.rights import (
    NOT_COUNTED_STATUSES,
    OPEN_STATUSES,
    RATINGS,
    SATISFIED_RATINGS,
    ConcernFacts,
    Figures,
    bm25_rank,
    overdue,
)
from tongxue.organisations.models import Organisation, OrgKind, Person
from tongxue.voice import access
from tongxue.voice.models import (
    Category,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    Photo,
    RaiseStamp,
    Support,
    Visibility,
)
from tongxue.voice.text import public_text, tokens, words_of

__all__ = [
    "FEDERATION_KINDS",
    "SCHOOL_LEVEL",
    "FiguresOverview",
    "categories",
    "concern_by_code",
    "concern_page",
    "figure_counts",
    "figures_by_handler_month",
    "figures_overview",
    "forward_target_q",
    "forward_targets",
    "handler_queue",
    "monthly_figures",
    "my_concerns",
    "office_figures",
    "overdue_q",
    "public_concerns",
    "public_q",
    "school_of",
    "school_union_of",
    "similar_concerns",
    "similar_ranked",
    "similar_words",
    "student_place",
]

SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
FEDERATION_KINDS = (OrgKind.CITY_FEDERATION, OrgKind.PROVINCIAL_FEDERATION)
#: Units of a union's tree a concern may be handed to.
UNIT_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
    OrgKind.CLASS_COMMITTEE,
)
#: Concerns shown as similar: still waiting or answered, not yet closed.
SIMILAR_STATUSES = (*sorted(OPEN_STATUSES), ConcernStatus.ANSWERED)
#: At most this many candidates are ranked (see :func:`rare_words`).
SIMILAR_CANDIDATES = 800
#: At most this many query words are matched.
SIMILAR_WORDS = 24


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


# -- where a student belongs ------------------------------------------------------------


def school_of(org: Organisation) -> Organisation | None:
    """The school at or above ``org`` (one query)."""
    return (
        Organisation.objects.filter(code__in=_codes(org.path), kind=OrgKind.SCHOOL)
        .order_by("-path")
        .first()
    )


def school_union_of(user: Any) -> Organisation | None:
    """The school-level union a signed-in student raises concerns with: the nearest
    school or graduate union above their class (or department), else the school union
    of their school. None for someone without a place in a school (three queries)."""
    return student_place(user)[0]


def student_place(user: Any) -> tuple[Organisation | None, str | None]:
    """:func:`school_union_of` and the path of the student's class (else department),
    read once for both (the raise service needs the path too)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    row = (
        Person.objects.filter(user_id=user.pk)
        .values_list("class_unit__path", "department__path")
        .first()
    )
    if row is None:
        return None, None
    path = row[0] or row[1]
    if not path:
        return None, None
    return _school_union_on(path), path


def account_place(user_id: int) -> tuple[bool, bool, str, str | None, int | None]:
    """The account's row and the student's place in one query (the raise token's
    check, :mod:`tongxue.voice.tokens`): found, active, its password hash, the
    path of the student's class (else department; None without a place), and the
    raise stamp (:class:`~tongxue.voice.models.RaiseStamp`; None without its row)."""
    stamp = RaiseStamp.objects.filter(pk=1).values("n")
    row = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(stamp=Subquery(stamp))
        .values_list(
            "is_active",
            "password",
            "person__class_unit__path",
            "person__department__path",
            "stamp",
        )
        .first()
    )
    if row is None:
        return False, False, "", None, None
    return True, bool(row[0]), row[1] or "", row[2] or row[3] or None, row[4]


def school_union_on(path: str) -> Organisation | None:
    """The school-level union serving the unit at ``path`` (see :func:`student_place`)."""
    return _school_union_on(path)


def _school_union_on(path: str) -> Organisation | None:
    codes = _codes(path)
    found = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in=codes, kind__in=(*SCHOOL_LEVEL, OrgKind.SCHOOL)
        )
    }
    for code in reversed(codes):
        o = found.get(code)
        if o is not None and o.kind in SCHOOL_LEVEL:
            return o
    for code in reversed(codes):
        o = found.get(code)
        if o is not None and o.kind == OrgKind.SCHOOL:
            return (
                Organisation.objects.filter(parent=o, kind=OrgKind.SCHOOL_UNION)
                .order_by("code")
                .first()
            )
    return None


def categories(union: Organisation, *, active_only: bool = True) -> QuerySet[Category]:
    """The union's categories, in their order (one query)."""
    qs = Category.objects.filter(union=union).select_related("default_handler")
    return qs.filter(active=True) if active_only else qs


# -- where a concern may go ---------------------------------------------------------------


def forward_target_q(
    union: Organisation, *, classes: bool = True, served: str | None = None
) -> Q:
    """The organisations a concern of ``union`` may be handed to (RGT-1, RGT-5): a
    unit of the union's tree (the union, its department unions and, with ``classes``,
    class committees), an office of the same school, a federation above the school.
    ``served``: the union's ``served_path``, when the caller has it already."""
    served = served or served_path(union)
    kinds = UNIT_KINDS if classes else UNIT_KINDS[:3]
    if served != union.path:
        # a school-level union serves its school: ``served`` is the school's path
        school_path: str | None = served
    else:
        school = Organisation.objects.filter(
            code__in=_codes(union.path), kind=OrgKind.SCHOOL
        ).values_list("path", flat=True)
        school_path = next(iter(sorted(school, key=len, reverse=True)), None)
    q = Q(pk=union.pk) | Q(
        path__startswith=served, kind__in=[k for k in kinds if k not in SCHOOL_LEVEL]
    )
    if school_path:
        q |= Q(path__startswith=school_path, kind=OrgKind.SCHOOL_OFFICE)
    q |= Q(code__in=_codes(union.path), kind__in=FEDERATION_KINDS)
    return q


def may_forward_to(
    union: Organisation, target: Organisation, *, served: str | None = None
) -> bool:
    """Whether ``target`` is one of :func:`forward_target_q`'s organisations (class
    committees included), decided on the loaded rows when the union serves a school
    (no query then; ``served``: the union's ``served_path``), else by the query."""
    served = served or served_path(union)
    if served == union.path:
        return Organisation.objects.filter(
            forward_target_q(union, served=served), pk=target.pk
        ).exists()
    units = [k for k in UNIT_KINDS if k not in SCHOOL_LEVEL]
    return (
        target.pk == union.pk
        or (target.path.startswith(served) and target.kind in units)
        # ``served`` is the school's path (see forward_target_q)
        or (target.path.startswith(served) and target.kind == OrgKind.SCHOOL_OFFICE)
        or (target.code in _codes(union.path) and target.kind in FEDERATION_KINDS)
    )


def forward_targets(concern: Concern) -> list[Organisation]:
    """Where the concern's handler may pass it (class committees left out: too many
    for a list; a class is reached through its department), the current one left
    out: the union, department unions, school offices, then federations."""
    order = {
        OrgKind.SCHOOL_UNION: 0,
        OrgKind.GRADUATE_UNION: 0,
        OrgKind.SCHOOL_OFFICE: 1,
        OrgKind.DEPARTMENT_UNION: 2,
    }
    orgs = Organisation.objects.filter(
        forward_target_q(concern.union, classes=False)
    ).exclude(pk=concern.handler_id)
    return sorted(orgs, key=lambda o: (order.get(o.kind, 3), o.code))


# -- lists ---------------------------------------------------------------------------------


def public_q() -> Q:
    """The concerns everyone may see."""
    return Q(visibility=Visibility.PUBLIC, sensitive=False, about_person__isnull=True)


def public_concerns(
    union: Organisation,
    *,
    status: str | None = None,
    category: Category | int | None = None,
    q: str | None = None,
) -> QuerySet[Concern]:
    """The union's public concerns, newest first (one query; search in the masked
    text only)."""
    qs = (
        Concern.objects.filter(public_q(), union=union)
        .select_related("category", "handler", "union")
        .defer("title", "body", "tokens")
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if q and q.strip():
        text = q.strip()
        qs = qs.filter(Q(public_title__icontains=text) | Q(public_body__icontains=text))
    return qs


def my_concerns(user: Any) -> QuerySet[Concern]:
    """The concerns the user raised under their name, newest first (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Concern.objects.none()
    return Concern.objects.filter(author_id=user.pk).select_related(
        "category", "handler", "union"
    )


def overdue_q(today: dt.date) -> Q:
    """Concerns waiting past a deadline on ``today`` (as :func:`domain.rights.overdue`)."""
    return Q(status__in=sorted(OPEN_STATUSES)) & (
        Q(
            acknowledged_at__isnull=True,
            answered_at__isnull=True,
            acknowledge_due__lt=today,
        )
        | Q(answer_due__lt=today)
    )


def handler_queue(
    user: Any,
    *,
    status: str | None = None,
    overdue: bool = False,
    category: Category | int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Concern]:
    """The concerns the user handles or sees as a handler, the most urgent first
    (four queries: the user's roles, namings and person, then the list)."""
    qs = Concern.objects.filter(access.visible_to_handler_q(user)).select_related(
        "category", "handler", "union"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q(today or timezone.localdate()))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("answer_due", "acknowledge_due", "union_id", "number")


def concern_by_code(union: Organisation, number: int) -> Concern | None:
    """The concern numbered ``number`` in ``union`` (the page's address), or None."""
    return (
        Concern.objects.filter(union=union, number=number)
        .select_related("category", "handler", "union", "merged_into")
        .first()
    )


# -- one concern ---------------------------------------------------------------------------

#: Events whose text the author reads as written (the answer to them, their own words).
_AUTHOR_TEXT = frozenset({EventKind.RAISED, EventKind.ANSWERED, EventKind.RATED})


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    label: str
    at: dt.datetime
    from_org: str
    to_org: str
    text: str
    #: The handler who acted (shown to handlers only), else "".
    actor: str
    public: bool


def concern_page(
    concern: Concern, user: Any, *, tracking_code: str | None = None
) -> dict[str, Any]:
    """What the concern's page shows this user (``{"visible": False}`` when nothing).

    ``tracking_code``: the follow-up code of an anonymous (or offline) concern makes
    its holder its author for this page. Handlers read the text as written and the
    whole timeline with internal notes and who acted; the author reads their text, the
    answers and the public steps; everyone else the masked text and the public steps,
    never who raised it. Six queries at most.
    """
    v = access.viewer(user)
    holder = access.code_matches(concern, tracking_code)
    author = holder or access.is_author(v, concern)
    if not (author or access.can_view(v, concern)):
        return {"visible": False}
    handles = access.can_handle(v, concern)
    handler_view = access.sees_as_handler(v, concern)
    full = author or handler_view
    events = ConcernEvent.objects.filter(concern=concern).select_related(
        "from_org", "to_org", "actor"
    )
    if not handler_view:
        events = events.filter(public=True)
    timeline = []
    for e in events:
        if handler_view or (author and e.kind in _AUTHOR_TEXT):
            text = e.text
        else:
            text = e.public_text
        timeline.append(
            TimelineItem(
                kind=e.kind,
                label=str(EventKind(e.kind).label)
                if e.kind in EventKind.values
                else e.kind,
                at=e.at,
                from_org=e.from_org.name if e.from_org else "",
                to_org=e.to_org.name if e.to_org else "",
                text=text,
                actor=(e.actor.get_username() if e.actor and handler_view else ""),
                public=e.public,
            )
        )
    photos = list(
        Photo.objects.filter(concern=concern)
        .order_by("pk")
        .values("pk", "content_type", "width", "height")
    )
    supported = bool(
        v.signed_in
        and Support.objects.filter(concern=concern, user_id=v.user_id).exists()
    )
    open_ = concern.status in (*OPEN_STATUSES, ConcernStatus.ANSWERED)
    identity = access.shows_identity(v, concern)
    today = timezone.localdate()
    late = overdue(
        status=concern.status,
        acknowledged=concern.acknowledged_at is not None
        or concern.answered_at is not None,
        acknowledge_due=concern.acknowledge_due,
        answer_due=concern.answer_due,
        today=today,
    )
    return {
        "visible": True,
        "concern": concern,
        "title": concern.title if full else concern.public_title,
        "body": concern.body if full else concern.public_body,
        "full_text": full,
        "is_author": author,
        "can_handle": handles,
        "handler_view": handler_view,
        "shows_identity": identity,
        "author": concern.author if identity else None,
        "timeline": timeline,
        "photos": photos,
        "supported": supported,
        "may_support": bool(
            v.signed_in
            and access.is_public(concern)
            and open_
            and concern.author_id != v.user_id
        ),
        "may_rate": author and concern.status == ConcernStatus.ANSWERED,
        "may_withdraw": author
        and concern.status in (ConcernStatus.RECEIVED, ConcernStatus.IN_HAND),
        "forward_targets": forward_targets(concern)
        if handles and concern.status in OPEN_STATUSES and not _restricted(concern)
        else [],
        "overdue": late,
    }


def _restricted(concern: Concern) -> bool:
    return concern.sensitive or concern.about_person_id is not None


# -- similar concerns ----------------------------------------------------------------------

#: The longest word the search index holds (a lexeme is at most 2,047 bytes, with the
#: union's prefix; see migration 0004): longer query words are left out on every
#: database alike.
MAX_WORD_BYTES = 2000
#: The suggestible concerns, in SQL (``public_q`` and :data:`SIMILAR_STATUSES`): word
#: for word the predicate of the partial indexes ``voice_concern_union_words``
#: (migration 0004) and ``concern_suggestible`` (migration 0007), so that the planner
#: uses them.
SUGGESTIBLE_SQL = (
    "c.visibility = 'public' AND NOT c.sensitive AND c.about_person_id IS NULL "
    "AND c.status IN ({})".format(", ".join(f"'{s}'" for s in SIMILAR_STATUSES))
)


def similar_words(text: str) -> list[str]:
    """The distinct words of ``text``'s public version a suggestion matches, in order
    (at most :data:`SIMILAR_WORDS`)."""
    words = [
        w
        for w in dict.fromkeys(tokens(public_text(text)))
        if len(w.encode()) <= MAX_WORD_BYTES
    ]
    return words[:SIMILAR_WORDS]


def rare_words(words: Sequence[str], doc_freq: dict[str, int]) -> list[str]:
    """The words the candidates are looked up by: the rarest first (fewest concerns
    holding them; ties in the text's order), while together they are in at most
    :data:`SIMILAR_CANDIDATES` concerns — at least the rarest word found anywhere.
    A concern holding only commoner words scores too little to be suggested (their
    inverse document frequency is low), and reading it would cost the most."""
    found = sorted((doc_freq[w], i, w) for i, w in enumerate(words) if doc_freq[w])
    chosen: list[str] = []
    total = 0
    for df, _i, w in found:
        if chosen and total + df > SIMILAR_CANDIDATES:
            break
        chosen.append(w)
        total += df
    return chosen


def similar_concerns(
    union: Organisation, text: str, *, limit: int = 5
) -> list[Concern]:
    """The union's public open concerns most like ``text``, best first; never a
    sensitive, private or anonymous one, nor one about a cadre (three queries).

    The words of ``text`` (jieba, :func:`similar_words`) are weighed over the union's
    suggestible concerns (public, neither sensitive nor about a cadre, open or
    answered): how many there are and how many hold each word. The candidates are
    those holding one of the rarest words (:func:`rare_words`), the newest
    :data:`SIMILAR_CANDIDATES` at most; they are ranked by Okapi BM25
    (:func:`tongxue.domain.rights.bm25_rank`) with those counts (and the candidates'
    average length), ties going to the newest.

    On PostgreSQL the counts and the candidates come from the GIN index of the
    concerns' words (migration 0004) and the partial index of the suggestible
    concerns; elsewhere (SQLite) every suggestible concern of the union is read and
    counted in Python. Both give the same suggestions (a test checks).
    """
    ranked = similar_ranked(union.pk, similar_words(text), limit=limit)
    if not ranked:
        return []
    found = Concern.objects.select_related("category", "handler", "union").in_bulk(
        [pk for pk, _score in ranked]
    )
    return [found[pk] for pk, _score in ranked if pk in found]


def similar_ranked(
    union_id: int, words: list[str], *, limit: int, scan: bool | None = None
) -> list[tuple[int, float]]:
    """(concern id, score) of the best ``limit`` suggestions for ``words`` (see
    :func:`similar_concerns`); ``scan``: count in Python as on SQLite (default: on
    any database but PostgreSQL)."""
    if not words or limit <= 0:
        return []
    if scan is None:
        scan = connection.vendor != "postgresql"
    find = _similar_scan if scan else _similar_postgresql
    n_docs, doc_freq, docs = find(union_id, words)
    if not docs:
        return []
    return bm25_rank(
        words,
        docs,
        doc_freq=doc_freq,
        n_docs=n_docs,
        avg_len=sum(len(d) for d in docs.values()) / len(docs),
        limit=limit,
    )


Candidates = tuple[int, dict[str, int], dict[int, list[str]]]


def _similar_scan(union_id: int, words: list[str]) -> Candidates:
    """The reference: every suggestible concern of the union read, newest first, and
    counted in Python (one query)."""
    if not words:
        return 0, {}, {}
    rows = list(
        Concern.objects.filter(
            public_q(), union_id=union_id, status__in=SIMILAR_STATUSES
        )
        .order_by("-raised_at", "-pk")
        .values_list("pk", "tokens")
    )
    held = [(pk, toks, set(toks.split(" "))) for pk, toks in rows]
    doc_freq = {w: sum(1 for _pk, _t, s in held if w in s) for w in words}
    chosen = set(rare_words(words, doc_freq))
    docs: dict[int, list[str]] = {}
    for pk, toks, s in held:
        if len(docs) >= SIMILAR_CANDIDATES:
            break
        if chosen & s:
            docs[pk] = words_of(toks)
    return len(rows), doc_freq, docs


def _tsquery(union_id: int, words: Sequence[str]) -> str:
    """``words`` of the union as a tsquery matching any of them: each a quoted lexeme
    with the union's prefix, as ``voice_union_words`` (migration 0004) indexes them."""
    quoted = (
        f"'{union_id}:" + w.replace("\\", "\\\\").replace("'", "''") + "'"
        for w in words
    )
    return " | ".join(quoted)


def _similar_postgresql(union_id: int, words: list[str]) -> Candidates:
    """The counts from the indexes (one query: the union's suggestible concerns from
    the partial index ``concern_suggestible``, and for each word those holding it from
    the GIN index of the union's words), then the candidates (one query). The GIN
    index's lexemes carry the union (``3983:食堂``): a lookup finds that union's
    concerns only, so the statements need no other test of the union (one would make
    the planner intersect with the union's every concern); the candidates' union is
    checked again here all the same."""
    if not words:
        return 0, {}, {}
    counts = ", ".join(
        f"(SELECT count(*) FROM voice_concern c WHERE {SUGGESTIBLE_SQL} AND "
        "voice_union_words(c.union_id, c.tokens) @@ %s::tsquery)"
        for _w in words
    )
    params: list[Any] = [union_id, *(_tsquery(union_id, [w]) for w in words)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM voice_concern c WHERE c.union_id = %s AND "
            f"{SUGGESTIBLE_SQL}), {counts}",
            params,
        )
        n_docs, *freqs = cursor.fetchone()
        doc_freq = dict(zip(words, freqs, strict=True))
        chosen = rare_words(words, doc_freq)
        if not chosen:
            return n_docs, doc_freq, {}
        cursor.execute(
            "SELECT c.id, c.union_id, c.tokens FROM voice_concern c WHERE "
            f"{SUGGESTIBLE_SQL} AND voice_union_words(c.union_id, c.tokens) @@ "
            "%s::tsquery ORDER BY c.raised_at DESC, c.id DESC LIMIT %s",
            [_tsquery(union_id, chosen), SIMILAR_CANDIDATES],
        )
        docs = {
            pk: words_of(toks)
            for pk, union, toks in cursor.fetchall()
            if union == union_id
        }
    return n_docs, doc_freq, docs


# -- figures -------------------------------------------------------------------------------


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    year, month = day.year, day.month - back
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


#: The counts of :class:`~tongxue.domain.rights.Figures`, in its order.
_COUNTS = tuple(f.name for f in dataclasses.fields(Figures))


def _sum(parts: Iterable[Figures]) -> Figures:
    totals = dict.fromkeys(_COUNTS, 0)
    for part in parts:
        for name in _COUNTS:
            totals[name] += getattr(part, name)
    return Figures(**totals)


def figure_counts(today: dt.date) -> dict[str, Any]:
    """The aggregates that count :class:`~tongxue.domain.rights.Figures` in SQL, one
    per field: :func:`tongxue.domain.rights.figures` written as conditional counts
    (merged and withdrawn concerns are left out by the caller's WHERE). A day is the
    local day of a moment, as ``timezone.localdate``; a concern answered without a
    separate acknowledgement was acknowledged by its answer. A test checks these
    against the domain function on generated concerns."""
    tz = timezone.get_current_timezone()
    acknowledged_on = TruncDate(Coalesce("acknowledged_at", "answered_at"), tzinfo=tz)
    answered_on = TruncDate("answered_at", tzinfo=tz)
    closed = Q(status=ConcernStatus.CLOSED)
    satisfied = Q(rating__in=sorted(SATISFIED_RATINGS))
    return {
        "received": Count("handler"),
        "responded_in_time": Count(
            "handler", filter=Q(LessThanOrEqual(acknowledged_on, F("acknowledge_due")))
        ),
        "response_base": Count(
            "handler",
            filter=Q(acknowledged_at__isnull=False)
            | Q(answered_at__isnull=False)
            | Q(acknowledge_due__lt=today),
        ),
        "answered_in_time": Count(
            "handler", filter=Q(LessThanOrEqual(answered_on, F("answer_due")))
        ),
        "answer_base": Count(
            "handler", filter=Q(answered_at__isnull=False) | Q(answer_due__lt=today)
        ),
        "solved": Count("handler", filter=closed & (Q(verified=True) | satisfied)),
        "closed": Count("handler", filter=closed),
        "satisfied": Count("handler", filter=satisfied),
        "rated": Count("handler", filter=Q(rating__in=sorted(RATINGS))),
    }


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def figures_by_handler_month(
    union: Organisation, *, since: dt.date, today: dt.date
) -> dict[tuple[int, dt.date], Figures]:
    """The figures of the union's concerns raised since ``since`` (a month's first
    day), for each (handler, month raised) that has any (one query whatever the
    number of concerns; dates and states only, never a text or an author).

    One ``GROUP BY handler`` per month, their rows put together (``UNION ALL``): each
    reads a range of the index on (union, raised) that holds every column counted
    (an index-only scan on PostgreSQL), and groups into a handful of rows in a hash
    table; concerns raised after this month (none but in tests) are counted under
    the next month's first day."""
    counts = figure_counts(today)
    months = [since]
    while months[-1] < _month_start(today):
        months.append(_next_month(months[-1]))
    months.append(_next_month(months[-1]))  # the rest: raised later
    bounds = [timezone.make_aware(dt.datetime.combine(m, dt.time.min)) for m in months]
    grouped = (
        Concern.objects.filter(union=union)
        .exclude(status__in=sorted(NOT_COUNTED_STATUSES))
        .order_by()
        .values("handler_id")
        .annotate(**counts)
        .values_list("handler_id", *counts)
    )
    parts = []
    for i, month in enumerate(months):
        within = Q(raised_at__gte=bounds[i])
        if i + 1 < len(months):
            within &= Q(raised_at__lt=bounds[i + 1])
        parts.append(
            grouped.filter(within).annotate(
                month=Value(month, output_field=DateField())
            )
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    out: dict[tuple[int, dt.date], Figures] = {}
    for handler, *values, month in rows:
        if isinstance(month, str):  # SQLite returns a constant date as text
            month = dt.date.fromisoformat(month)
        out[(handler, month)] = Figures(**dict(zip(counts, values, strict=True)))
    return out


def _offices(union: Organisation) -> list[Organisation]:
    """The offices of the union's school, by code (two queries)."""
    school = school_of(union)
    if school is None:
        return []
    return list(
        Organisation.objects.filter(
            path__startswith=school.path, kind=OrgKind.SCHOOL_OFFICE
        ).order_by("code")
    )


@dataclass(frozen=True)
class FiguresOverview:
    """What the public figures show: the union's and each school office's figures,
    and the union's by month raised (oldest first)."""

    units: list[tuple[Organisation, Figures]]
    months: list[tuple[dt.date, Figures]]


def figures_overview(
    union: Organisation, *, today: dt.date, months: int = 6
) -> FiguresOverview:
    """The figures of the union (all its concerns) and of each office of its school
    (the concerns it handles now), and the union's by month, over the concerns raised
    in the last ``months`` months, this one included (three queries: the concerns
    grouped by handler and month, the school, its offices)."""
    since = _month_start(today, months - 1)
    grouped = figures_by_handler_month(union, since=since, today=today)
    by_handler: dict[int, list[Figures]] = defaultdict(list)
    by_month: dict[dt.date, list[Figures]] = defaultdict(list)
    for (handler, month), f in grouped.items():
        by_handler[handler].append(f)
        by_month[month].append(f)
    units = [(union, _sum(grouped.values()))]
    units += [(o, _sum(by_handler.get(o.pk, ()))) for o in _offices(union)]
    trend = [
        (month, _sum(by_month.get(month, ())))
        for month in (_month_start(today, back) for back in range(months - 1, -1, -1))
    ]
    return FiguresOverview(units=units, months=trend)


def office_figures(
    union: Organisation, *, today: dt.date, months: int = 6
) -> list[tuple[Organisation, Figures]]:
    """The figures of the union (all its concerns) and of each office of its school
    (the concerns it handles now), over the concerns raised in the last ``months``
    months (three queries; :func:`figures_overview` gives the trend with them)."""
    return figures_overview(union, today=today, months=months).units


def monthly_figures(
    union: Organisation,
    *,
    today: dt.date,
    months: int = 6,
    handler: Organisation | None = None,
) -> list[tuple[dt.date, Figures]]:
    """The union's (or one handler's) figures by month raised, oldest first (one
    query)."""
    since = _month_start(today, months - 1)
    grouped = figures_by_handler_month(union, since=since, today=today)
    by_month: dict[dt.date, list[Figures]] = defaultdict(list)
    for (h, month), f in grouped.items():
        if handler is None or h == handler.pk:
            by_month[month].append(f)
    return [
        (month, _sum(by_month.get(month, ())))
        for month in (_month_start(today, back) for back in range(months - 1, -1, -1))
    ]


def facts_of(concerns: Iterable[Concern]) -> list[ConcernFacts]:
    """The facts of loaded concerns (no query)."""
    return [
        ConcernFacts(
            raised_on=timezone.localdate(c.raised_at),
            acknowledge_due=c.acknowledge_due,
            answer_due=c.answer_due,
            acknowledged_on=timezone.localdate(c.acknowledged_at)
            if c.acknowledged_at
            else None,
            answered_on=timezone.localdate(c.answered_at) if c.answered_at else None,
            status=c.status,
            rating=c.rating,
            verified=c.verified,
        )
        for c in concerns
    ]
