"""One search box over what Tongxue publishes (#16): organisations, public people,
notices, elections and documents (a union's rules and work affairs, #18's public
page), grouped by kind, in one bounded query per kind.

Public people are the holders of current posts (cadres, as an organisation's page
lists them) and the delegates of congresses (as the public delegate lists show them):
they are found **by name only** and shown with their post or congress and
organisation, never with a student number, identifier or contact (CON-6). Elections
in draft are not public yet and are not found. Documents are the unions' rules
(规章制度, every version public) and their work-affairs entries (工作事务, withdrawn ones
left out), found by title; a congress's work report and charter are on its pages.

Matching, Chinese-aware without a segmenter: the query is NFKC-normalised (full-width
letters, digits and the ideographic space become ordinary ones), split on spaces and
punctuation (Chinese and Western), and every word must occur in the name (``icontains``:
a fragment of a name, e.g. two characters of a three-character one, finds it). On
PostgreSQL a query of three or more characters also finds names *similar* to it by
trigrams (pg_trgm's ``%``: "北京大学学生会主席" finds 北京大学学生会), ranked by
similarity; the trigram GIN indexes of ``migrations/0001`` serve both. SQLite (tests,
a laptop) has the plain ``icontains`` fallback. Shorter names rank first: the closest
match to a fragment is the shortest name containing it.

This app sits above the feature apps in the layers (``pyproject.toml``): it reads their
models, and nothing below imports it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from tongxue.congresses.models import Delegate
from tongxue.disclosure.models import RuleDocument, WorkEntry
from tongxue.elections.models import Election, ElectionStatus
from tongxue.organisations.models import Organisation, Position
from tongxue.publicity.models import Notice

#: Hits shown per kind on the overview; "more" pages through the rest of a kind.
PER_KIND = 5
#: The longest query looked at, in characters, and the most words of it.
MAX_LENGTH = 100
MAX_WORDS = 6
#: Queries this long (after normalising) also match by trigram similarity.
FUZZY_FROM = 3

_SPLIT = re.compile(
    r"[\s,.;:!?'\"()\[\]{}<>/\\|，。、；：！？“”‘’（）【】《》〈〉·…—]+"
)


@dataclass(frozen=True)
class Query:
    """A normalised query: its text and the words that must each occur."""

    text: str
    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.words)


def parse(raw: str) -> Query:
    """Normalise what was typed (NFKC, no control characters) and split it into words."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in " \t")
    text = " ".join(text.split())[:MAX_LENGTH]
    words = tuple(dict.fromkeys(w for w in _SPLIT.split(text) if w))[:MAX_WORDS]
    return Query(text=text, words=words)


@dataclass(frozen=True)
class Hit:
    """One result: what it is called, what places it (post, organisation …), its page."""

    title: str
    details: tuple[str, ...]
    url: str


@dataclass(frozen=True)
class Kind:
    """A kind of result: its key (``?kind=``), label, rows and how a row is shown."""

    key: str
    label: Promise
    rows: Callable[[Query], QuerySet[Any]]
    hit: Callable[[Any], Hit]


@dataclass(frozen=True)
class Group:
    """The first hits of one kind; ``more``: there are others (its own pages)."""

    kind: Kind
    hits: list[Hit]
    more: bool


# -- matching ---------------------------------------------------------------------------


class _Similar(Func):
    """``col % query``: pg_trgm's similarity operator, blind to case (PostgreSQL only)."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Similarity(Func):
    function = "similarity"
    output_field = FloatField()


class _ILike(Func):
    """``col ILIKE pattern`` (PostgreSQL): the trigram index serves it as it is, where
    Django's ``icontains`` (``UPPER(col) LIKE UPPER(…)``) would need its own index."""

    arg_joiner = " ILIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _fuzzy(query: Query) -> bool:
    return _postgres() and len(query.text) >= FUZZY_FROM


def _contains(field: str, word: str) -> Q:
    """``field`` contains ``word``, whatever the case.

    A word without case (Chinese, digits) is looked for as it is: on PostgreSQL a plain
    ``LIKE`` is several times faster than folding the case of every name (#16 bench).
    """
    if word.upper() == word.lower():
        return Q(**{f"{field}__contains": word})
    if _postgres():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Q(_ILike(F(field), Value(f"%{escaped}%")))
    return Q(**{f"{field}__icontains": word})


def _matching(
    qs: QuerySet[Any],
    field: str,
    query: Query,
    *also: str,
    then: tuple[str, ...] = (),
) -> QuerySet[Any]:
    """Keep the rows whose ``field`` (or one of ``also``) holds every word; rank them.

    On PostgreSQL a long enough query also keeps rows whose ``field`` is similar to it.
    Among equally close names, ``then`` orders (e.g. the newest congress first).
    """
    cond = Q()
    for word in query.words:
        one = _contains(field, word)
        for other in also:
            one |= _contains(other, word)
        cond &= one
    order: list[Any] = [Length(field).asc(), F(field).asc(), *then, F("pk").asc()]
    if _fuzzy(query):
        text = Value(query.text)
        cond |= Q(_Similar(F(field), text))
        order.insert(0, _Similarity(F(field), text).desc())
    return qs.filter(cond).order_by(*order)


# -- the kinds --------------------------------------------------------------------------


def _organisations(query: Query) -> QuerySet[Organisation]:
    return _matching(
        Organisation.objects.only(
            "code", "name", "kind", "parent__name"
        ).select_related("parent"),
        "name",
        query,
        "code",
        "name_en",
    )


def _organisation_hit(org: Organisation) -> Hit:
    details = [str(org.get_kind_display())]
    if org.parent is not None:
        details.append(org.parent.name)
    return Hit(
        org.name, tuple(details), reverse("organisations:detail", args=[org.code])
    )


def _cadres(query: Query) -> QuerySet[Position]:
    # Names only: the person's name, never their student number or identifier.
    day = timezone.localdate()
    posts = (
        Position.objects.filter(start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person", "organisation")
        .only(
            "title", "role", "person__name", "organisation__code", "organisation__name"
        )
    )
    return _matching(posts, "person__name", query)


def _cadre_hit(post: Position) -> Hit:
    return Hit(
        post.person.name,
        (post.title or str(post.get_role_display()), post.organisation.name),
        reverse("organisations:detail", args=[post.organisation.code]),
    )


def _delegates(query: Query) -> QuerySet[Delegate]:
    seats = Delegate.objects.select_related("person", "meeting__organisation").only(
        "person__name",
        "meeting__code",
        "meeting__kind",
        "meeting__session",
        "meeting__opened",
        "meeting__organisation__code",
        "meeting__organisation__name",
    )
    return _matching(seats, "person__name", query, then=("-meeting__opened",))


def _delegate_hit(seat: Delegate) -> Hit:
    meeting = seat.meeting
    org = meeting.organisation
    return Hit(
        seat.person.name,
        (
            str(meeting.get_kind_display()),
            meeting.opened.strftime("%Y-%m-%d"),
            org.name,
        ),
        reverse("congresses:provenance", args=[org.code, meeting.code, seat.pk]),
    )


def _notices(query: Query) -> QuerySet[Notice]:
    notices = Notice.objects.select_related("organisation").only(
        "title", "starts", "ends", "withdrawn_at", "organisation__name"
    )
    return _matching(notices, "title", query)


def _notice_hit(notice: Notice) -> Hit:
    return Hit(
        notice.title,
        (
            f"{notice.starts:%Y-%m-%d} – {notice.ends:%Y-%m-%d}",
            notice.organisation.name,
        ),
        reverse("publicity:detail", args=[notice.pk]),
    )


def _elections(query: Query) -> QuerySet[Election]:
    elections = (
        Election.objects.exclude(status=ElectionStatus.DRAFT)
        .select_related("organisation")
        .only("code", "title", "status", "organisation__name")
    )
    return _matching(elections, "title", query, "code")


def _election_hit(election: Election) -> Hit:
    return Hit(
        election.title,
        (str(election.get_status_display()), election.organisation.name),
        reverse("elections:detail", args=[election.code]),
    )


def _rules(query: Query) -> QuerySet[RuleDocument]:
    rules = RuleDocument.objects.select_related("union").only(
        "title", "kind", "repealed_on", "union__code", "union__name"
    )
    return _matching(rules, "title", query)


def _rule_hit(rule: RuleDocument) -> Hit:
    details = [str(rule.get_kind_display()), rule.union.name]
    if rule.repealed_on is not None:
        details.insert(1, gettext("Repealed"))
    return Hit(
        rule.title,
        tuple(details),
        reverse("disclosure:rule", args=[rule.union.code, rule.pk]),
    )


def _affairs(query: Query) -> QuerySet[WorkEntry]:
    entries = (
        WorkEntry.objects.filter(withdrawn_at__isnull=True)
        .select_related("union")
        .only("title", "kind", "dated", "union__code", "union__name")
    )
    return _matching(entries, "title", query, then=("-dated",))


def _affair_hit(entry: WorkEntry) -> Hit:
    return Hit(
        entry.title,
        (
            str(entry.get_kind_display()),
            f"{entry.dated:%Y-%m-%d}",
            entry.union.name,
        ),
        reverse("disclosure:entry", args=[entry.union.code, entry.pk]),
    )


KINDS: tuple[Kind, ...] = (
    Kind(
        "organisations",
        pgettext_lazy("search kind", "Organisations"),
        _organisations,
        _organisation_hit,
    ),
    Kind("cadres", pgettext_lazy("search kind", "Cadres"), _cadres, _cadre_hit),
    Kind(
        "delegates",
        pgettext_lazy("search kind", "Delegates"),
        _delegates,
        _delegate_hit,
    ),
    Kind(
        "notices", pgettext_lazy("search kind", "Public notices"), _notices, _notice_hit
    ),
    Kind(
        "elections",
        pgettext_lazy("search kind", "Elections"),
        _elections,
        _election_hit,
    ),
    Kind("rules", pgettext_lazy("search kind", "Rules"), _rules, _rule_hit),
    Kind(
        "affairs",
        pgettext_lazy("search kind", "Work affairs"),
        _affairs,
        _affair_hit,
    ),
)
BY_KEY = {k.key: k for k in KINDS}


def search(query: Query, *, per_kind: int = PER_KIND) -> list[Group]:
    """The first ``per_kind`` hits of every kind that has any: one query per kind."""
    if not query:
        return []
    groups = []
    for kind in KINDS:
        rows = list(kind.rows(query)[: per_kind + 1])
        if rows:
            groups.append(
                Group(
                    kind, [kind.hit(r) for r in rows[:per_kind]], len(rows) > per_kind
                )
            )
    return groups


def hits(kind: Kind, rows: Iterable[Any]) -> list[Hit]:
    """The hits of a page of one kind's rows."""
    return [kind.hit(r) for r in rows]
