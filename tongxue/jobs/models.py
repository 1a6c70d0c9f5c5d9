"""Background jobs (#14): the job a person started, the workers' heartbeats, the periodic
runs claimed.

A :class:`Job` is what a person sees (``/jobs/<uuid>/``): its state (the lifecycle
:data:`tongxue.domain.lifecycle.JOB`), its progress, the link to its result or the
reason it could not finish. The queue itself is django-tasks-db's ``DBTaskResult``; a
job names the task result that runs it (``task_result_id``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    """The states of :data:`tongxue.domain.lifecycle.JOB`, in order."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not finish")


#: The states after which nothing more happens to a job.
FINISHED = (JobStatus.DONE, JobStatus.FAILED)


class Job(models.Model):
    """One piece of background work a person (or the periodic schedule) started."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: What sort of work (``snapshot.import``, ``notify.bulk``, ``periodic``): for
    #: filtering and the log, never shown as is.
    kind = models.CharField(_("kind"), max_length=64)
    #: What the person sees, in the language they started it in.
    title = models.CharField(pgettext_lazy("background job", "title"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    #: The organisation the work is for (a code), if any.
    organisation = models.CharField(_("organisation"), max_length=64, blank=True)
    #: The dotted path of the function ``func(job, **kwargs)`` and its JSON arguments.
    func = models.CharField(pgettext_lazy("background job", "function"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    #: The language the job was started in: its messages are written in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    #: None while the total is unknown (the page shows an indeterminate bar).
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.CharField(
        pgettext_lazy("background job", "message"), max_length=500, blank=True
    )
    #: Where the result is (a page of Tongxue), once done.
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    #: Why it could not finish, for the person who started it (never a traceback).
    error = models.TextField(_("error"), blank=True)
    #: How many times a worker started it (a killed worker's job starts again).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: The django-tasks result (``DBTaskResult.id``) of the run queued last.
    task_result_id = models.UUIDField(_("task result"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # "my jobs", newest first
            models.Index(fields=["started_by", "-created_at"], name="jobs_job_mine"),
            # the prune of old finished jobs
            models.Index(fields=["status", "finished_at"], name="jobs_job_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """Progress in whole per cent, or None while the total is unknown."""
        if not self.progress_total:
            return None
        return min(100, self.progress_done * 100 // self.progress_total)

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        """Report progress: ``done`` of ``total`` items, and what is happening now.

        Cheap to call for every item: it writes one UPDATE of this job's row at most
        every :data:`tongxue.jobs.progress.MIN_INTERVAL` seconds (and always for the
        last item or a new message), visible to the polling page at once on
        PostgreSQL even while the job's own transaction runs (docs/jobs.md).
        """
        from tongxue.jobs import progress

        progress.report(self, done, total, message)


class WorkerHeartbeat(models.Model):
    """A running worker (``tongxue worker``), seen at ``seen_at``.

    A worker writes its row every ``TONGXUE_JOBS_HEARTBEAT_SECONDS``; a task still
    running on a worker not seen for ``TONGXUE_JOBS_STALE_SECONDS`` is put back in the
    queue by any other worker (:func:`tongxue.jobs.worker.requeue_stale`).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class PeriodicRun(models.Model):
    """One period of a periodic task, claimed by the worker that inserted this row.

    The unique constraint on (name, period_start) is the claim: of the workers that
    find a period due at the same time, only the one whose INSERT succeeds starts its
    job (:mod:`tongxue.jobs.periodic`).
    """

    name = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)
    worker_id = models.CharField(max_length=64, blank=True)
    job = models.ForeignKey(
        Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "period_start"], name="jobs_periodic_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start.isoformat()}"
