"""Start a background job (#14): the one entry point of the apps.

::

    from tongxue.jobs.services import start_job

    job = start_job(
        kind="snapshot.import",
        actor=request.user,
        title=_("Import of %(file)s") % {"file": name},
        func="tongxue.snapshots.jobs.import_file",   # import_file(job, *, path, org)
        kwargs={"path": str(path), "org": org.code},
        organisation=org.code,
    )
    return redirect("jobs:detail", job.pk)

The job row and its task are written in the caller's transaction: a worker sees the
job when that transaction commits, and a rolled-back service leaves neither.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.db import router, transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.jobs.models import Job
from tongxue.jobs.tasks import run_job

logger = logging.getLogger(__name__)


def start_job(
    *,
    kind: str,
    actor: Actor,
    title: str,
    func: str,
    kwargs: dict[str, Any],
    organisation: str | None = None,
) -> Job:
    """Create a job and queue it; return it (its page: ``jobs:detail``, ``job.pk``).

    ``func`` is the dotted path of a module-level function ``func(job, **kwargs)``
    (imported now, so a wrong path fails here, not in the worker); ``kwargs`` must be
    JSON (ids and codes, not model instances: the function reads the rows itself, when
    it runs). ``title`` is shown to the starter as given (translate it before).
    The job runs with the language active now. A job started by a signed-in person
    is recorded in the audit log (``job.start``); the function's own changes are
    audited by the services it calls, with ``job.started_by`` as the actor.
    Call it inside the service's transaction or outside any: the job is queued when
    the transaction commits (tests: :func:`tongxue.jobs.testing.run_queued_jobs`).
    """
    if not kind or len(kind) > 64:
        raise ValueError(f"a job's kind is 1 to 64 characters: {kind!r}")
    if not callable(import_string(func)):
        raise ValueError(f"{func} is not a function")
    try:
        json.dumps(kwargs)
    except TypeError as exc:
        raise ValueError(f"a job's kwargs must be JSON: {exc}") from exc
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = Job(
        id=uuid.uuid4(),
        kind=kind,
        title=str(title)[:200],
        started_by=user,  # type: ignore[misc]
        organisation=organisation or "",
        func=func,
        kwargs=kwargs,
        language=translation.get_language() or "",
    )
    with transaction.atomic(using=router.db_for_write(Job)):
        if _queue_in_transaction():
            # The queue is a table of the same database: the task row commits (or
            # rolls back) with the job's.
            result = run_job.enqueue(str(job.pk))
            job.task_result_id = result_id(result.id)
            job.save(force_insert=True)
        else:
            job.save(force_insert=True)
            transaction.on_commit(lambda: _enqueue_after_commit(job))
        if user is not None:
            auditlog.record(
                actor=user,
                action="job.start",
                organisation=organisation or "",
                target=str(job.pk),
                data={"kind": kind},
            )
    return job


def _queue_in_transaction() -> bool:
    backend = run_job.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(
        DBTaskResult
    ) == router.db_for_write(Job)


def _enqueue_after_commit(job: Job) -> None:
    """Another task backend (not this database): queue once the job is committed."""
    result = run_job.enqueue(str(job.pk))
    job.task_result_id = result_id(result.id)
    Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)


def result_id(value: object) -> uuid.UUID | None:
    """A task result's id as the job stores it (None for a backend without UUIDs)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
