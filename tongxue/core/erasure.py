"""Erase the old row versions of secret tables from the database's pages (ELE-5, CAD-3).

A secret ballot (``voting``) or an anonymous rating (``evaluations``) is written in the
same transaction as the row saying who cast it, so on PostgreSQL both rows carry that
transaction's id (``xmin``) and lie in the heap in the order of the casts. Closing a
vote or a period rewrites both tables' rows of it in one transaction (new row versions,
all carrying the close's transaction id, in an order that says nothing), but the old
versions stay in the data pages: as dead tuples until a ``VACUUM``, and even after a
plain ``VACUUM`` their bytes stay in the page's free space until something overwrites
them. ``VACUUM FULL`` writes the table into a new file holding the live rows only and
unlinks the old file: afterwards no page of the table holds an old version.

:func:`rebuild_after_commit` (called inside the close's transaction) runs
:func:`rebuild` once that transaction has committed — ``VACUUM`` cannot run inside a
transaction block. The rebuild:

1. waits (up to :data:`HORIZON_WAIT` seconds) until nothing that began before the
   close committed is still running — a transaction with an id in any database of the
   server (it holds back the snapshot of ``VACUUM FULL`` itself), a snapshot in this
   database, a replication slot — since ``VACUUM FULL`` must keep (and copy) the row
   versions such a transaction may still see;
2. runs ``VACUUM (FULL)`` on each table, each in its own transaction (one table's
   exclusive lock at a time, so a cast, which locks the participation table first and
   the ballot table second, never waits in a cycle), with a short ``lock_timeout``
   (:data:`LOCK_TIMEOUT`) retried :data:`LOCK_TRIES` times: while ``VACUUM FULL``
   waits for its lock, every new cast queues behind it, so it never waits long;
3. returns whether it is sure nothing old is left. When not (a long transaction, a
   lock it could not get), it logs a warning naming the command that finishes the job:
   ``tongxue manage erase_old_rows``.

Concurrent closes each rebuild after their own commit; their ``VACUUM FULL`` runs one
after the other on the table's lock. ``VACUUM FULL`` rewrites the whole table (every
election's ballots, not only the closed one's), so its cost grows with the table.
Elsewhere than on PostgreSQL (SQLite, for tests and the demo) nothing is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.db import DatabaseError, connection, models, transaction

logger = logging.getLogger("tongxue.erasure")

#: Longest wait, in seconds, for older transactions to end before rebuilding.
HORIZON_WAIT = 10.0
#: How long one ``VACUUM FULL`` waits for its table's lock (casts queue behind it).
LOCK_TIMEOUT = "1s"
#: Tries per table when the lock is not granted in time.
LOCK_TRIES = 5
#: Above this size (table and indexes), a rebuild that would stop other work for
#: seconds waits while ``busy()`` says such work is going on (see :func:`rebuild`).
DEFER_ABOVE_BYTES = 64 << 20

#: The models whose tables hold secret rows (``@secret`` on the model).
_SECRET: list[type[models.Model]] = []

M = TypeVar("M", bound=type[models.Model])


def secret(model: M) -> M:
    """Mark a model whose table must be rebuilt after its rows are rewritten."""
    _SECRET.append(model)
    return model


def secret_tables() -> list[str]:
    """Return the tables of every model marked :func:`secret`."""
    return [m._meta.db_table for m in _SECRET]


def current_xid() -> int:
    """Return the current transaction's id, with its epoch (assigning one if needed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return int(cursor.fetchone()[0])


def rebuild_after_commit(
    *models_: type[models.Model], busy: Callable[[], bool] | None = None
) -> None:
    """Rebuild the tables of ``models_`` once the current transaction commits.

    Call it inside the transaction that rewrote the rows. On PostgreSQL only; a
    failure of the rebuild is logged and never undoes the committed transaction.
    ``busy``: see :func:`rebuild`.
    """
    if connection.vendor != "postgresql":
        return
    after = current_xid()
    tables = [m._meta.db_table for m in models_]
    transaction.on_commit(lambda: rebuild(tables, after=after, busy=busy), robust=True)


def _bytes(tables: Sequence[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(t::regclass)), 0)"
            " FROM unnest(%s::text[]) t",
            [list(tables)],
        )
        return int(cursor.fetchone()[0])


#: Whether something may still see row versions deleted by transaction ``after``:
#: a transaction as old as it still running in ANY database of the server (it holds
#: back the snapshot of VACUUM FULL itself, hence what it may drop), a snapshot as
#: old in this database, or a replication slot (a standby's feedback) as old.
_OLDER_SQL = """
SELECT txid_snapshot_xmin(txid_current_snapshot()) <= %(after)s
  OR EXISTS (SELECT 1 FROM pg_stat_activity
    WHERE pid <> pg_backend_pid()
      AND (datname = current_database() OR backend_type = 'walsender')
      AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age(%(xid)s::text::xid))
  OR EXISTS (SELECT 1 FROM pg_replication_slots
    WHERE xmin IS NOT NULL AND age(xmin) >= age(%(xid)s::text::xid))
"""


def _older_transactions(after: int) -> bool:
    """Whether something may still see row versions deleted by transaction ``after``."""
    with connection.cursor() as cursor:
        cursor.execute(_OLDER_SQL, {"after": after, "xid": str(after % (1 << 32))})
        return bool(cursor.fetchone()[0])


def _wait_for_horizon(after: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    delay = 0.02
    while _older_transactions(after):
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 2, 0.5)
    return True


def _vacuum_full(table: str, tries: int) -> bool:
    quoted = connection.ops.quote_name(table)
    for attempt in range(tries):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                try:
                    cursor.execute(f"VACUUM (FULL) {quoted}")
                finally:
                    cursor.execute("RESET lock_timeout")
            return True
        except DatabaseError as exc:
            logger.info("VACUUM FULL %s, try %d: %s", table, attempt + 1, exc)
            time.sleep(0.2 * (attempt + 1))
    return False


def rebuild(
    tables: Sequence[str] | Iterable[str],
    *,
    after: int | None = None,
    wait: float | None = None,
    tries: int = LOCK_TRIES,
    busy: Callable[[], bool] | None = None,
) -> bool:
    """Rebuild ``tables`` with ``VACUUM (FULL)``; return True when nothing old is left.

    ``after``: the transaction id of the rewrite; the rebuild first waits for every
    transaction that could still see the old row versions. ``busy``: when it returns
    True (other votes are open, whose casts would wait for the whole rebuild) and the
    tables are larger than :data:`DEFER_ABOVE_BYTES`, nothing is done (a warning
    says so): the next rebuild, when nothing is busy, erases these old versions too.
    Outside PostgreSQL, or inside a transaction block (a test running commit
    callbacks in its own transaction), nothing is done. False when anything old may
    be left.
    """
    tables = list(tables)
    if connection.vendor != "postgresql":
        return False
    if connection.in_atomic_block:
        logger.info("not rebuilding %s inside a transaction block", ", ".join(tables))
        return False
    if busy is not None and _bytes(tables) > DEFER_ABOVE_BYTES and busy():
        logger.warning(
            "rebuild of %s deferred: larger than %d MB while other work is going on; "
            "the next close with nothing else open rebuilds them, or run "
            "'tongxue manage erase_old_rows'",
            ", ".join(tables),
            DEFER_ABOVE_BYTES >> 20,
        )
        return False
    try:
        wait = HORIZON_WAIT if wait is None else wait
        clear = after is None or _wait_for_horizon(after, wait)
        done = [_vacuum_full(table, tries) for table in tables]
    except DatabaseError:
        logger.exception("rebuilding %s failed", ", ".join(tables))
        clear, done = False, [False]
    ok = clear and all(done)
    if not ok:
        logger.warning(
            "old row versions of %s may remain in the data pages (%s); run "
            "'tongxue manage erase_old_rows' when no long transaction is running",
            ", ".join(tables),
            "a transaction older than the rewrite was running"
            if not clear
            else "the table lock was not granted",
        )
    return ok
