"""Write a running job's progress where the polling page can read it.

A job's function runs in one transaction (:mod:`tongxue.jobs.runner`): whatever it
writes is invisible to other connections until it commits. Its progress must not be:
the page ``/jobs/<uuid>/`` polls it every second while the work goes on.

What we chose:

* **PostgreSQL, a job run by a worker** (the job's transaction is the outermost one):
  progress is written by a second connection of the worker's thread, in autocommit,
  beside the job's transaction — one ``UPDATE`` of the job's row, visible at once.
  The ``UPDATE`` takes the row with ``FOR UPDATE SKIP LOCKED``: should the job's own
  transaction have locked its row (a function that saved the job), the write falls
  back to the job's transaction instead of waiting for it forever.
* **Outside a transaction** (a function that manages none of its own, tests):
  the same ``UPDATE`` in autocommit.
* **SQLite, or a job run inside a transaction that was already open** (a test
  wrapped in one): the ``UPDATE`` goes into that transaction. SQLite has one writer at
  a time and the job's transaction holds it, so a second connection could only wait;
  the page sees the progress when the job commits. SQLite is for development
  (``tongxue up``); production runs PostgreSQL.

Calls closer together than :data:`MIN_INTERVAL` seconds write nothing unless they
carry a new message or the last item; a function may report every item.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from tongxue.jobs.models import Job

logger = logging.getLogger(__name__)

#: Seconds between two progress writes of one job (a new message or the last item
#: is written at once).
MIN_INTERVAL = 0.2

_side = threading.local()


def report(job: Job, done: int, total: int | None, message: str) -> None:
    """Set the job's progress and write it if it is due (see the module)."""
    done = max(0, int(done))
    total = None if total is None else max(0, int(total))
    message = str(message)[:500]
    new_message = message != job.message
    job.progress_done, job.progress_total, job.message = done, total, message
    now = time.monotonic()
    last: float | None = getattr(job, "_progress_written", None)
    last_item = total is not None and done >= total
    if (
        last is not None
        and now - last < MIN_INTERVAL
        and not new_message
        and not last_item
    ):
        return
    job._progress_written = now  # type: ignore[attr-defined]
    write(job)


def write(job: Job) -> None:
    """Write the job's progress now (see the module for where)."""
    from tongxue.jobs.models import Job

    alias = router.db_for_write(Job)
    side: str | None = getattr(job, "_progress_side", None)
    if side and connections[alias].in_atomic_block and _write_beside(side, job):
        return
    Job.objects.using(alias).filter(pk=job.pk).update(
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        message=job.message,
    )


def _connection(alias: str) -> BaseDatabaseWrapper:
    conn: BaseDatabaseWrapper | None = getattr(_side, alias, None)
    if conn is None:
        conn = connections.create_connection(alias)
        setattr(_side, alias, conn)
    return conn


def _write_beside(alias: str, job: Job) -> bool:
    """Write the progress by this thread's second connection; False if it could not."""
    from tongxue.jobs.models import Job, JobStatus

    try:
        conn = _connection(alias)
        table = conn.ops.quote_name(Job._meta.db_table)
        with conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress_done = %s, progress_total = %s,"
                f" message = %s WHERE id = (SELECT id FROM {table}"
                " WHERE id = %s AND status = %s FOR UPDATE SKIP LOCKED)",
                [
                    job.progress_done,
                    job.progress_total,
                    job.message,
                    job.pk,
                    JobStatus.RUNNING,
                ],
            )
            return bool(cursor.rowcount == 1)
    except DatabaseError:
        logger.warning(
            "The progress of job %s could not be written beside its transaction; "
            "it is written in it.",
            job.pk,
            exc_info=True,
        )
        close_side_connections()
        return False


def close_side_connections() -> None:
    """Close this thread's progress connections (a worker's end, a test's)."""
    for alias, conn in list(vars(_side).items()):
        delattr(_side, alias)
        try:
            conn.close()
        except DatabaseError:
            logger.warning(
                "A progress connection did not close cleanly.", exc_info=True
            )
