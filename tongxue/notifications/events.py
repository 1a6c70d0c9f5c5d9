"""Notifications of events of the layers below (#14): the end of a background job.

The jobs app cannot import notifications (it is below): it calls
:data:`tongxue.jobs.hooks.JOB_ENDED`, on which :class:`NotificationsConfig` registers
:func:`job_ended`. The person who started the job, and nobody else, is told that it is
done or why it failed (the job's own message, written for them), with the link to the
job's page. Jobs without a starter (periodic work, a bulk notification) notify nobody.
"""

from __future__ import annotations

from django.urls import reverse

from tongxue.jobs.models import Job, JobStatus
from tongxue.notifications.services import notify


def job_ended(job: Job) -> None:
    """Notify the starter of ``job`` that it is done, or that it failed."""
    if job.started_by_id is None:
        return
    url = reverse("jobs:detail", args=[job.pk])
    if job.status == JobStatus.DONE:
        notify(
            "job.finished",
            user_ids=[job.started_by_id],
            params={"title": job.title},
            url=url,
            organisation=job.organisation or None,
        )
    elif job.status == JobStatus.FAILED:
        notify(
            "job.failed",
            user_ids=[job.started_by_id],
            params={"title": job.title, "message": job.error},
            url=url,
            organisation=job.organisation or None,
        )
