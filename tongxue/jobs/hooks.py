"""What the apps above learn of a job's end, without the jobs app importing them (#14).

:data:`JOB_ENDED` is called with the job once it is done or has failed (``job.status``
says which; ``job.error`` holds the reason of a failure). The notifications app
registers on it in its ``AppConfig.ready()`` to tell the person who started the job.

* A job that is **done**: called inside the work's transaction, after the job marked
  itself done: what a registered function writes commits with the work, or not at all.
* A job that **failed**: called after the failure is recorded (the work rolled back).

A registered function runs in a savepoint of its own: one that raises is logged and
never changes the job's outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from tongxue.core.hooks import Hook

if TYPE_CHECKING:
    from tongxue.jobs.models import Job

logger = logging.getLogger(__name__)

JOB_ENDED: Hook[Callable[[Job], None]] = Hook("jobs.job_ended")


def job_ended(job: Job) -> None:
    """Call what is registered on :data:`JOB_ENDED` with ``job``; never raises."""
    for fn in JOB_ENDED:
        try:
            with transaction.atomic():
                fn(job)
        except Exception:
            logger.exception("Job %s: a JOB_ENDED function failed (%r)", job.pk, fn)
