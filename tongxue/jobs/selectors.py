"""Read jobs: the one a person may see, and theirs (bounded queries)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from tongxue.jobs.models import Job


def job_for(user: Any, job_id: uuid.UUID) -> Job | None:
    """The job ``job_id`` if ``user`` started it or is a superuser, else None (one query).

    Nobody else learns whether it exists: the page answers 404 either way.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    jobs = Job.objects.filter(pk=job_id)
    if not user.is_superuser:
        jobs = jobs.filter(started_by=user)
    return jobs.select_related("started_by").first()


def my_jobs(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` started, newest first (paginate: a count and a page)."""
    return (
        Job.objects.filter(started_by=user)
        .order_by("-created_at", "-pk")
        .only(
            "id",
            "title",
            "status",
            "progress_done",
            "progress_total",
            "message",
            "created_at",
            "finished_at",
        )
    )
