"""Run one job, once: what the task ``run_job(job_id)`` does in a worker.

1. **Start** (a short transaction, the job's row locked): a job already done or failed
   is skipped — a task run twice (a worker thought dead that was not, a task put back
   in the queue after its work committed) does nothing the second time. Otherwise the
   job becomes ``running`` and its ``attempts`` count goes up by one.
2. **Work** (one transaction): ``func(job, **kwargs)`` runs, then the job marks itself
   ``done`` *in the same transaction*, by an ``UPDATE`` that only matches while the job
   is still running this attempt. The work and "done" commit together or not at all:
   a worker killed in the middle leaves nothing half-written and the job ``running``
   (another worker puts it back in the queue, :func:`tongxue.jobs.worker.requeue_stale`);
   an attempt overtaken by another one (its ``UPDATE`` matches nothing) rolls its work
   back. So a job's effect happens exactly once.
3. **Failure**: :class:`~tongxue.jobs.errors.JobFailed` fails the job with its message;
   any other exception is logged with its traceback and fails the job with a general
   message. Either way the work's transaction is rolled back first. A worker stopped by
   a signal in the middle (SystemExit, KeyboardInterrupt) puts the job back in the queue.

The job runs with the language it was started in, so its messages are in the starter's
language.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop

from tongxue.domain.lifecycle import JOB
from tongxue.jobs import conf, hooks
from tongxue.jobs.errors import JobFailed
from tongxue.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

DONE, FAILED, SKIPPED, SUPERSEDED, REQUEUED = (
    "done",
    "failed",
    "skipped",
    "superseded",
    "requeued",
)


class _Superseded(Exception):
    """This attempt no longer owns the job: roll its work back."""


def execute(job_id: str | uuid.UUID) -> str:
    """Run the job ``job_id`` once; return what happened (``done``, ``failed`` …)."""
    job = _start(job_id)
    if job is None:
        return SKIPPED
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _work(job)


def _start(job_id: str | uuid.UUID) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.warning("Job %s does not exist (any more): nothing to run.", job_id)
            return None
        if job.is_finished:
            logger.info("Job %s is already %s: not run again.", job.pk, job.status)
            return None
        # queued → running; running again: its worker was lost and the task came back
        # before the job was put back in the queue
        if job.status != JobStatus.RUNNING:
            JOB.require(job.status, JobStatus.RUNNING)
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
    return job


def _work(job: Job) -> str:
    alias = router.db_for_write(Job)
    conn = connections[alias]
    try:
        func = import_string(job.func)
    except ImportError:
        logger.exception("Job %s: its function %s cannot be imported", job.pk, job.func)
        if fail(job, general_error()):
            hooks.job_ended(job)
        return FAILED
    if conn.vendor == "postgresql" and not conn.in_atomic_block:
        # progress goes beside the work's transaction (tongxue.jobs.progress)
        job._progress_side = alias  # type: ignore[attr-defined]
    try:
        with transaction.atomic(using=alias):
            func(job, **job.kwargs)
            if not _mark_done(job):
                raise _Superseded
            # in the work's transaction: a notice of the end commits with "done"
            hooks.job_ended(job)
    except _Superseded:
        logger.warning(
            "Job %s: attempt %d was overtaken by another one; its work is rolled back.",
            job.pk,
            job.attempts,
        )
        return SUPERSEDED
    except JobFailed as exc:
        logger.info("Job %s failed: %s", job.pk, exc.message)
        if fail(job, exc.message):
            hooks.job_ended(job)
        return FAILED
    except Exception:
        logger.exception("Job %s (%s, %s) failed", job.pk, job.kind, job.func)
        if fail(job, general_error()):
            hooks.job_ended(job)
        return FAILED
    except BaseException:
        logger.warning("Job %s was interrupted; it goes back to the queue.", job.pk)
        requeue_interrupted(job)
        raise
    finally:
        job._progress_side = None  # type: ignore[attr-defined]
    return DONE


def _mark_done(job: Job) -> bool:
    """In the work's transaction: done, if this attempt still owns the job."""
    now = timezone.now()
    total = job.progress_total
    changes: dict[str, Any] = {
        "status": JobStatus.DONE,
        "finished_at": now,
        "message": job.message,
        "result_url": job.result_url,
        "progress_total": total,
        "progress_done": total if total is not None else job.progress_done,
        "error": "",
    }
    matched = Job.objects.filter(
        pk=job.pk, status__in=JOB.sources(JobStatus.DONE), attempts=job.attempts
    ).update(**changes)
    if matched:
        for name, value in changes.items():
            setattr(job, name, value)
    return bool(matched)


def general_error() -> str:
    """The message of a job that failed unexpectedly (in the active language)."""
    return gettext(
        "Something went wrong and the job stopped; nothing it did was kept. "
        "Please try again later. If it happens again, tell an administrator "
        "(the details are in the server's log)."
    )


def fail(job: Job, message: str) -> bool:
    """Mark this attempt of the job failed with ``message``; False if it lost the job."""
    now = timezone.now()
    matched = Job.objects.filter(
        pk=job.pk, status__in=JOB.sources(JobStatus.FAILED), attempts=job.attempts
    ).update(status=JobStatus.FAILED, error=str(message), finished_at=now)
    if matched:
        job.status, job.error, job.finished_at = JobStatus.FAILED, str(message), now
    return bool(matched)


def retry_or_give_up(job: Job, *, reason: str) -> bool:
    """After its worker was lost: back to the queue, or failed once its attempts are spent.

    ``reason`` is an English message id (:data:`WORKER_LOST`, :data:`INTERRUPTED`),
    translated into the job's language. Returns True when the job goes back to the
    queue (the caller queues its task again), False when it failed or was already
    finished. Call in a transaction.
    """
    if job.is_finished:
        return False
    with translation.override(job.language or settings.LANGUAGE_CODE):
        reason = gettext(reason)
        if job.attempts >= conf.max_attempts():
            message = gettext(
                "The job was interrupted %(n)d times (%(reason)s) and has been "
                "stopped; nothing it did was kept. Start it again, or tell an "
                "administrator if it keeps happening."
            ) % {"n": job.attempts, "reason": reason}
            now = timezone.now()
            if Job.objects.filter(
                pk=job.pk, status__in=JOB.sources(JobStatus.FAILED)
            ).update(status=JobStatus.FAILED, error=message, finished_at=now):
                job.status, job.error, job.finished_at = JobStatus.FAILED, message, now
                hooks.job_ended(job)
            logger.warning("Job %s gave up after %d attempts.", job.pk, job.attempts)
            return False
        message = gettext("Interrupted (%(reason)s); the job starts again.") % {
            "reason": reason
        }
    Job.objects.filter(pk=job.pk, status__in=JOB.sources(JobStatus.QUEUED)).update(
        status=JobStatus.QUEUED, message=message
    )
    return True


#: Why a job went back to the queue (message ids, in the job's language when shown).
WORKER_LOST = gettext_noop("its worker stopped answering")
INTERRUPTED = gettext_noop("the worker was stopped")


def requeue_interrupted(job: Job) -> None:
    """A worker stopped by a signal during the job: queue it again (a new task)."""
    from tongxue.jobs.services import result_id
    from tongxue.jobs.tasks import run_job

    try:
        with transaction.atomic():
            current = Job.objects.select_for_update().get(pk=job.pk)
            if current.attempts != job.attempts:
                return
            if retry_or_give_up(current, reason=INTERRUPTED):
                result = run_job.enqueue(str(job.pk))
                Job.objects.filter(pk=job.pk).update(
                    task_result_id=result_id(result.id)
                )
    except Exception:
        logger.exception("Job %s could not be queued again after an interrupt", job.pk)
