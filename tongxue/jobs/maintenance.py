"""The jobs' own periodic work: delete what is old (registered in ``JobsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from tongxue.jobs import conf
from tongxue.jobs.models import FINISHED, Job, PeriodicRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

#: The name of the periodic prune.
PRUNE = "jobs.prune"


def prune(job: Job) -> None:
    """Delete jobs, task results and periodic runs finished more than
    ``TONGXUE_JOBS_KEEP_DAYS`` ago, and heartbeats of workers gone as long."""
    cutoff = timezone.now() - dt.timedelta(days=conf.keep_days())
    runs, _ = PeriodicRun.objects.filter(claimed_at__lt=cutoff).delete()
    jobs, _ = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff).delete()
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    workers, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    job.message = gettext(
        "Deleted %(jobs)d jobs, %(results)d task results, %(runs)d periodic runs "
        "and %(workers)d workers' heartbeats."
    ) % {"jobs": jobs, "results": results, "runs": runs, "workers": workers}
    logger.info("Pruned: %s (finished before %s)", job.message, cutoff.isoformat())
