"""``tongxue worker``: django-tasks-db's worker, with heartbeats, recovery and periodic work.

django-tasks-db's :class:`~django_tasks_db.management.commands.db_worker.Worker` takes
the queued tasks one by one (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL) and
runs them. It does not notice a worker that died: a task it was running would stay
``RUNNING`` for ever. :class:`JobWorker` runs that same loop and, beside it, a
maintenance thread with its own database connection that every
``TONGXUE_JOBS_HEARTBEAT_SECONDS``

1. writes this worker's heartbeat (:class:`~tongxue.jobs.models.WorkerHeartbeat`);
2. puts back in the queue the tasks still running on a worker not seen for
   ``TONGXUE_JOBS_STALE_SECONDS`` (:func:`requeue_stale`), up to
   ``TONGXUE_JOBS_MAX_ATTEMPTS`` runs in all, after which the job fails with a message;
3. claims and starts the periodic work that is due (:mod:`tongxue.jobs.periodic`).

A task run twice this way does its job's work once (:mod:`tongxue.jobs.runner`).
Run workers only as ``tongxue worker`` (a plain ``db_worker`` writes no heartbeat, so
its long tasks would be taken for lost).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import uuid
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks import TaskResultStatus as Status
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tongxue.jobs import conf, periodic, runner
from tongxue.jobs.errors import WorkerLost
from tongxue.jobs.models import Job, JobStatus, WorkerHeartbeat
from tongxue.jobs.progress import close_side_connections
from tongxue.jobs.tasks import run_job

logger = logging.getLogger(__name__)


def beat(worker_id: str, now: dt.datetime | None = None) -> None:
    """Write ``worker_id``'s heartbeat."""
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(pk=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=now,
            seen_at=now,
        )


def forget(worker_id: str) -> None:
    """Remove a worker's heartbeat (it stopped cleanly)."""
    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def requeue_stale(
    *,
    now: dt.datetime | None = None,
    stale_after: float | None = None,
    alive: tuple[str, ...] = (),
    limit: int = 100,
) -> int:
    """Put back in the queue the tasks running on workers not seen for ``stale_after``
    seconds (or fail them once their attempts are spent); return how many.

    ``alive``: worker ids to leave alone (the caller itself). A task whose worker has no
    heartbeat at all counts as lost once it has run for ``stale_after``.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(
        seconds=conf.stale_seconds() if stale_after is None else stale_after
    )
    seen = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list(
            "worker_id", flat=True
        )
    )
    seen.update(alive)
    moved = 0
    with transaction.atomic():
        running = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .order_by("started_at")
            .select_for_update(skip_locked=True)[:limit]
        )
        for result in running:
            last = result.worker_ids[-1] if result.worker_ids else ""
            if last in seen:
                continue
            _recover(result, last, now)
            moved += 1
    if moved:
        logger.warning("Put %d task(s) of lost workers back in the queue.", moved)
    moved += fail_orphans(cutoff=cutoff)
    return moved


def recover_own(worker_id: str, *, before: dt.datetime) -> int:
    """Put back the tasks left running under ``worker_id`` before ``before``.

    A worker restarted with the same id (``--worker-id %H`` in the systemd unit) starts
    by taking back what its previous life was running: its heartbeat is fresh again, so
    :func:`requeue_stale` would never count those tasks as lost.
    """
    moved = 0
    with transaction.atomic():
        running = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=before)
            .order_by("started_at")
            .select_for_update(skip_locked=True)
        )
        for result in running:
            if result.worker_ids and result.worker_ids[-1] == worker_id:
                _recover(result, worker_id, before)
                moved += 1
    if moved:
        logger.warning(
            "Worker %s restarted: %d task(s) of its previous run queued again.",
            worker_id,
            moved,
        )
    return moved


def _recover(result: DBTaskResult, worker_id: str, now: dt.datetime) -> None:
    """One running task of a lost worker: again, or failed, or finished after all."""
    job = None
    if result.task_path == run_job.module_path:
        args = result.args_kwargs.get("args") or [None]
        job = Job.objects.select_for_update().filter(pk=args[0]).first()
    if job is not None and job.task_result_id not in (None, _uuid(result.id)):
        again = False  # an older task of the job; its current one runs it
    elif job is not None and job.is_finished:
        # the work committed; the worker died before recording the task's success
        result.set_successful(job.status)
        return
    elif job is not None:
        again = runner.retry_or_give_up(job, reason=runner.WORKER_LOST)
    else:
        again = len(result.worker_ids) < conf.max_attempts()
    if again:
        result.status = Status.READY
        result.save(update_fields=["status"])
        logger.warning(
            "Task %s (%s) of lost worker %s is queued again.",
            result.id,
            result.task_path,
            worker_id,
        )
        return
    result.set_failed(
        WorkerLost(
            f"worker {worker_id or '?'} stopped answering "
            f"(checked {now.isoformat()}); {len(result.worker_ids)} attempt(s)"
        )
    )
    logger.warning("Task %s of lost worker %s failed.", result.id, worker_id)


def _uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return value


def fail_orphans(*, cutoff: dt.datetime) -> int:
    """Fail the jobs whose task is gone or finished while they still wait or run.

    (A task failed outside the job's own handling: the database went away while the
    job recorded its failure, a task result deleted by hand.)
    """
    live = DBTaskResult.objects.filter(
        status__in=[Status.READY, Status.RUNNING]
    ).values("id")
    orphans = list(
        Job.objects.filter(
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            task_result_id__isnull=False,
            created_at__lt=cutoff,
        )
        .exclude(task_result_id__in=live)
        .only("pk", "status", "attempts", "language")[:100]
    )
    failed = 0
    for job in orphans:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = runner.general_error()
        if runner.fail(job, message):
            logger.error("Job %s lost its task; it failed.", job.pk)
            failed += 1
    return failed


class JobWorker(Worker):
    """django-tasks-db's worker with a heartbeat, recovery of lost workers' tasks and
    periodic work (see the module)."""

    def __init__(
        self,
        *,
        queue_names: list[str] | None = None,
        interval: float = 1.0,
        batch: bool = False,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay: bool = True,
        max_tasks: int | None = None,
        worker_id: str | None = None,
        excluded_queue_names: list[str] | None = None,
        heartbeat: float | None = None,
        stale_after: float | None = None,
        periodic: bool = True,
    ) -> None:
        super().__init__(
            queue_names=queue_names or [DEFAULT_TASK_QUEUE_NAME],
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=excluded_queue_names or [],
        )
        self.heartbeat = conf.heartbeat_seconds() if heartbeat is None else heartbeat
        self.stale_after = conf.stale_seconds() if stale_after is None else stale_after
        self.periodic = periodic
        self._stop = threading.Event()

    def maintain(self) -> None:
        """One round: heartbeat, lost workers' tasks, periodic work due."""
        now = timezone.now()
        try:
            beat(self.worker_id, now)
            requeue_stale(
                now=now, stale_after=self.stale_after, alive=(self.worker_id,)
            )
        except DatabaseError:
            # SQLite: the job running on the other thread holds the one write lock
            logger.warning("Worker %s: heartbeat not written", self.worker_id)
        if self.periodic:
            try:
                periodic.claim_due(now=now, worker_id=self.worker_id)
            except Exception:
                logger.exception("Worker %s: periodic work not claimed", self.worker_id)

    def _maintenance_loop(self) -> None:
        try:
            while not self._stop.wait(self.heartbeat):
                close_old_connections()
                self.maintain()
        finally:
            connections.close_all()

    def run(self) -> None:
        thread = None
        try:  # a signal may stop the worker anywhere from here: clean up in finally
            try:
                recover_own(self.worker_id, before=timezone.now())
            except DatabaseError:
                logger.warning("Worker %s: previous tasks not checked", self.worker_id)
            self.maintain()
            if not self.batch:
                thread = threading.Thread(
                    target=self._maintenance_loop,
                    name=f"tongxue-worker-{self.worker_id[:8]}-maintenance",
                    daemon=True,
                )
                thread.start()
            super().run()
        finally:
            self._stop.set()
            if thread is not None:
                thread.join(timeout=self.heartbeat + 30)
            close_side_connections()
            try:
                forget(self.worker_id)
            except DatabaseError:
                logger.warning("Worker %s: heartbeat not removed", self.worker_id)
            logger.info("Worker %s stopped.", self.worker_id)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        """The first SIGTERM/SIGINT stops the loop after the current step, without exiting.

        django-tasks-db's handler calls ``sys.exit(0)`` at once when no task runs, which
        raises ``SystemExit`` wherever the main thread is, e.g. inside the ``COMMIT``
        of a claim: the connection is left mid-transaction, the heartbeat cannot be
        removed and the process exits with 1 (seen under load). Here the loop sees
        ``running`` cleared within one poll interval and ``run`` cleans up normally; a
        second signal still forces the exit (the library's handler).
        """
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning(
            "Received %s - shutting down after the current step (again to force)",
            signal.strsignal(signum),
        )
        self.running = False

    def stop(self) -> None:
        """Stop after the current task (threads, tests; a process gets a signal)."""
        self.running = False
