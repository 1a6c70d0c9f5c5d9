"""The registry's queries for a small subtree, compiled once per process (#15).

A school's registry is read after every change in the school (the re-audit at commit,
:mod:`tongxue.compliance.reaudit`) in about thirty queries, one or a few per app
(:data:`tongxue.organisations.mappers.REGISTRY_PARTS`). Each query's rows are few; what
cost most was Django building the query (``filter``, ``values_list``, cloning) and
compiling it to SQL, about 1 ms a query, then PostgreSQL planning it. Read by keys
(:attr:`~tongxue.organisations.mappers.Scope.ids`), these queries differ from one school
to the next only in their arrays of keys (``= ANY(%s)``): the SQL is the same.

:func:`rows` builds and compiles such a query once, for a *template* scope whose keys are
:class:`Slot` placeholders, keeps the SQL with its parameters, and from then on runs the
kept SQL with the scope's own keys put in the slots; the rows are converted by the kept
compiler exactly as Django's ``values_list`` would (same converters, same order of
columns). With prepared statements on (``TONGXUE_PREPARED_CAST``, the settings' switch
``DB_PREPARED_STATEMENTS``), the SQL goes through a server-side-binding cursor that
psycopg prepares after a few runs, so PostgreSQL no longer plans it each time.

**Sent together.** Inside :func:`batch` (the registry's load of a small subtree), the
kept queries the previous batch of this process ran with the same slots are sent to
PostgreSQL together first, in psycopg's pipeline mode: one round trip for the thirty
instead of one each, and the server runs each while the client reads the one before
(:func:`rows` then takes the rows fetched, in any order). A query whose slots the batch
cannot fill yet (the people's, keyed by what the others read) runs when it is asked
for. While queries are logged (tests counting them) nothing is sent ahead, so a
page's count is the same.

What a build function may use: the scope it is given (its ``under()`` and
``organisations``) and constants. A value read at run time (today's date, a setting)
would be frozen into the kept SQL, so a build function may not close over local
variables (refused) and must not read the clock: such a query stays an ordinary one
(call it without :func:`rows`). Elsewhere (SQLite, a large subtree read by path) the
build function is called with the real scope and its queryset evaluated as usual: the
same rows either way (tests/integration/test_registry_kept.py).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesListIterable
from django.dispatch import receiver


class Slot:
    """A parameter of a kept query filled from the scope at each run (its keys)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"

    def __iter__(self) -> Any:
        # Never iterated: a query that would iterate over its keys (``IN (…)``) cannot
        # be kept; ``keys_in`` writes ``= ANY(%s)`` with the slot as the one parameter.
        raise TypeError(f"{self!r} holds no keys until the query runs")


#: The keys of the subtree's organisations (``Scope.ids``).
SUBTREE = Slot("subtree")
#: The keys of every organisation loaded: the subtree and its ancestors.
LOADED = Slot("loaded")
#: The keys of the people read (the registry's people query).
PEOPLE = Slot("people")

Build = Callable[[Any], "QuerySet[Any]"]


@dataclass(frozen=True)
class _Kept:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]
    flat: bool


_kept: dict[tuple[str, CodeType], _Kept] = {}
_lock = threading.Lock()
#: The queries each connection's last batch ran (by their build function's code).
_learned: dict[str, tuple[CodeType, ...]] = {}


class _Batch(threading.local):
    values: Mapping[str, list[int]] | None = None
    fetched: dict[CodeType, list[Any]]
    used: list[CodeType]


_batch = _Batch()


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    """Settings changed (tests): compile again."""
    forget()


def forget() -> None:
    """Drop every kept query (after a migration changed the tables, in tests)."""
    _kept.clear()
    _learned.clear()


def keepable() -> bool:
    """Whether queries are kept on this connection: PostgreSQL (``= ANY`` arrays)."""
    return connection.vendor == "postgresql"


def _compile(build: Build, template: Any) -> _Kept:
    if build.__closure__:
        names = ", ".join(build.__code__.co_freevars)
        raise ImproperlyConfigured(
            f"{build.__qualname__} reads local variables ({names}): their values "
            "would be frozen into the kept SQL. Take them from the scope, or run the "
            "query without kept.rows()."
        )
    qs = build(template)
    if qs._iterable_class not in (ValuesListIterable, FlatValuesListIterable):
        raise ImproperlyConfigured(
            f"{build.__qualname__} must return a values_list() query to be kept."
        )
    query = qs.query
    compiler = query.get_compiler(using=qs.db)
    sql, params = compiler.as_sql()
    slots = tuple((i, p.name) for i, p in enumerate(params) if isinstance(p, Slot))
    return _Kept(
        compiler=compiler,
        sql=sql,
        params=tuple(params),
        slots=slots,
        flat=qs._iterable_class is FlatValuesListIterable,
    )


def rows(
    build: Build, scope: Any, template: Any, values: Mapping[str, list[int]]
) -> list[Any]:
    """The rows of ``build(scope)`` as ``list(values_list(…))`` gives them, from the
    kept SQL (``template``: the scope of slots; ``values``: each slot's keys)."""
    code = build.__code__
    key = (connection.alias, code)
    kept = _kept.get(key)
    if kept is None:
        with _lock:
            kept = _kept.get(key) or _compile(build, template)
            _kept[key] = kept
    ahead = _batch.values
    fetched = None
    if ahead is not None and all(
        ahead.get(name) == values[name] for _, name in kept.slots
    ):
        _batch.used.append(code)
        fetched = _batch.fetched.pop(code, None)
    if fetched is None:
        fetched = _execute(kept.sql, _params(kept, values))
    if kept.compiler.has_extra_select:  # columns only for a DISTINCT's ordering
        width = kept.compiler.col_count
        fetched = [row[:width] for row in fetched]
    compiler = copy.copy(kept.compiler)
    compiler.connection = connection
    # the columns in the order values_list gives them (Django 5.2 selects them so)
    out: Any = compiler.results_iter(results=[fetched], tuple_expected=True)
    if kept.flat:
        return [row[0] for row in out]
    return list(out)


def _params(kept: _Kept, values: Mapping[str, list[int]]) -> list[Any]:
    params = list(kept.params)
    for i, name in kept.slots:
        params[i] = values[name]
    return params


def _pipelined() -> bool:
    """Whether queries can be sent ahead here: prepared statements on (a
    server-side-binding cursor), nothing logged, psycopg's pipeline mode available."""
    if connection.queries_logged or not getattr(
        settings, "TONGXUE_PREPARED_CAST", False
    ):
        return False
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


@contextmanager
def batch(values: Mapping[str, list[int]]) -> Iterator[None]:
    """Within: :func:`rows` of the queries the last batch ran with the slots
    ``values`` fills come from one pipelined round trip, sent on entering."""
    if _batch.values is not None or not keepable():  # nested, or not PostgreSQL
        yield
        return
    alias = connection.alias
    _batch.values, _batch.fetched, _batch.used = values, {}, []
    try:
        if _pipelined():
            _batch.fetched = _send_ahead(alias, values)
        yield
        _learned[alias] = tuple(dict.fromkeys(_batch.used))
    finally:
        _batch.values = None
        _batch.fetched = {}
        _batch.used = []


def _send_ahead(
    alias: str, values: Mapping[str, list[int]]
) -> dict[CodeType, list[Any]]:
    """The rows of the last batch's queries, sent together (psycopg's pipeline)."""
    ready = []
    for code in _learned.get(alias, ()):
        kept = _kept.get((alias, code))
        if kept is not None and all(name in values for _, name in kept.slots):
            ready.append((code, kept))
    if not ready:
        return {}
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    out: dict[CodeType, list[Any]] = {}
    with connection.wrap_database_errors, connection.connection.pipeline():
        cursors = []
        for code, kept in ready:
            cursor = connection._prepare_cursor(
                ServerBindingCursor(connection.connection)
            )
            cursor.execute(kept.sql, _params(kept, values))
            cursors.append((code, cursor))
        for code, cursor in cursors:
            with cursor:
                out[code] = cursor.fetchall()
    return out


def _execute(sql: str, params: list[Any]) -> list[Any]:
    """Run ``sql``: through a server-side-binding cursor, which psycopg prepares after
    a few runs, when prepared statements are on; else through Django's cursor. Both
    are Django's cursor wrappers (execute wrappers, error mapping). While queries
    are logged (``DEBUG``, tests counting queries) Django's own cursor runs it, whose
    log shows the SQL with its values (a server-side-binding cursor's shows none)."""
    if connection.queries_logged or not getattr(
        settings, "TONGXUE_PREPARED_CAST", False
    ):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        wrapped = connection._prepare_cursor(ServerBindingCursor(connection.connection))
    with wrapped as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
