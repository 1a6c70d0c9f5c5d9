"""Run queued jobs inside a test, in this process (docs/jobs.md, "Testing").

A test of an app that starts a job calls the service, then runs the queue::

    from tongxue.jobs.testing import run_queued_jobs

    def test_import_runs_as_a_job(client, ...):
        response = client.post(url, {...})           # the view calls start_job(...)
        job = Job.objects.get()
        assert run_queued_jobs() == 1
        job.refresh_from_db()
        assert job.status == "done" and job.result_url == ...

``start_job`` writes the job and its task in the caller's transaction (the queue is a
table of the same database), so nothing waits for ``on_commit``: no
``django_capture_on_commit_callbacks`` is needed, and this works in an ordinary
``django_db`` test (the test's transaction: the job's work runs in a savepoint, rolled
back on failure as a transaction would be) as in a ``transactional_db`` one.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tongxue.jobs import periodic
from tongxue.jobs.progress import close_side_connections
from tongxue.jobs.worker import JobWorker

#: The worker id of the tests' in-process runs.
TEST_WORKER = "tests-in-process"


def run_queued_jobs(*, limit: int = 1000) -> int:
    """Run every queued task now, in this process, then return how many ran.

    Runs what the jobs themselves queue too, up to ``limit`` tasks. It is the loop of
    ``tongxue worker --batch`` (claim a ready task, run it, record its result) without
    the worker's sleeping, signals and connection recycling, which would end the
    test's transaction.
    """
    worker = JobWorker(
        batch=True, startup_delay=False, periodic=False, worker_id=TEST_WORKER
    )
    ran = 0
    try:
        while ran < limit:
            with transaction.atomic():
                result = (
                    DBTaskResult.objects.ready()
                    .filter(backend_name=worker.backend_name)
                    .get_locked()
                )
                if result is None:
                    break
                result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
    finally:
        close_side_connections()
    return ran


def run_periodic(*, now: dt.datetime | None = None) -> int:
    """Claim the periodic work due at ``now`` as a worker would, run it; return how
    many tasks ran."""
    periodic.claim_due(now=now, worker_id=TEST_WORKER)
    return run_queued_jobs()
