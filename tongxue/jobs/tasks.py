"""The one django-tasks task of Tongxue's jobs: run a job by its id.

Every job is queued as ``run_job(job_id)``; the job row names the function to call
(:mod:`tongxue.jobs.runner`). Apps never enqueue this task themselves: they call
:func:`tongxue.jobs.services.start_job`.
"""

from __future__ import annotations

from django_tasks import task

from tongxue.jobs import runner


@task()
def run_job(job_id: str) -> str:
    """Run the job ``job_id`` once; return what happened (``done``, ``skipped`` …)."""
    return runner.execute(job_id)
