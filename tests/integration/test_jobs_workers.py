"""Background jobs with real worker processes (#14): a worker killed in the middle of a
job, several workers sharing the periodic work, a worker stopped cleanly.

Each test starts ``tongxue worker`` processes on the test database (on SQLite, a copy
of it in a file the processes can open) with short timings: a heartbeat every 0.3 s, a
worker silent for 2 s counts as lost. Run on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://…``); every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tongxue.jobs.models import Job, JobStatus, PeriodicRun, WorkerHeartbeat
from tongxue.jobs.services import start_job

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
HERE = "tests.integration.test_jobs_workers"
TIMINGS = {"JOBS_HEARTBEAT_SECONDS": "0.3", "JOBS_STALE_SECONDS": "2"}


# ---------------------------------------------------------------- job functions
# (run in the worker processes)


def slow_effect(job: Job, *, marker_dir: str) -> None:
    """The effect, then (first attempt only) a long sleep inside the transaction."""
    Group.objects.create(name=f"effect {job.pk} attempt {job.attempts}")
    Path(marker_dir, f"started-{job.attempts}").touch()
    if job.attempts == 1:
        time.sleep(120)  # killed here


def tick(job: Job) -> None:
    Group.objects.create(name=f"tick {job.pk}")


def worker_with_tick() -> None:
    """A worker process that also runs ``tick`` every second (test.tick)."""
    import datetime as dt

    from django.core.management import call_command

    from tongxue.jobs import periodic

    periodic.register("test.tick", dt.timedelta(seconds=1), f"{HERE}.tick")
    call_command("tongxue_worker", *sys.argv[1:])


# ---------------------------------------------------------------- the harness


@pytest.fixture
def shared_db(transactional_db, tmp_path: Path) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The environment that points a process at this test's database.

    PostgreSQL: the test database itself. SQLite: the test database lives in memory;
    it is copied into a file, and this process uses the file too until the end.
    """
    conn = connections["default"]
    if conn.vendor == "postgresql":
        s = conn.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        yield {"DATABASE_URL": f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"}
        return
    conn.ensure_connection()
    path = tmp_path / "jobs.sqlite3"
    target = sqlite3.connect(path)
    conn.connection.backup(target)
    target.close()
    in_file = conn.__class__({**conn.settings_dict, "NAME": str(path)}, alias="default")
    connections["default"] = in_file
    try:
        yield {"DATABASE_URL": f"sqlite:///{path}"}
    finally:
        in_file.close()
        connections["default"] = conn


class Workers:
    """Worker processes of one test; all killed at its end."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = {
            **os.environ,
            **env,
            **TIMINGS,
            "DJANGO_SETTINGS_MODULE": "tongxue.config.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.logs = logs
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, worker_id: str, *, tick: bool = False) -> subprocess.Popen[bytes]:
        args = ["--worker-id", worker_id, "--interval", "0.1", "--no-startup-delay"]
        if tick:
            code = (
                "import django; django.setup(); "
                f"from {HERE} import worker_with_tick; worker_with_tick()"
            )
            cmd = [sys.executable, "-c", code, *args]
        else:
            cmd = [sys.executable, "-m", "tongxue.cli", "worker", *args]
        log = open(self.logs / f"{worker_id}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.procs[worker_id] = proc
        return proc

    def output(self, worker_id: str) -> str:
        return (self.logs / f"{worker_id}.log").read_text(errors="replace")

    def stop(self, worker_id: str, sig: int = signal.SIGTERM) -> int:
        proc = self.procs[worker_id]
        proc.send_signal(sig)
        return proc.wait(30)

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)


@pytest.fixture
def workers(shared_db, tmp_path: Path) -> Iterator[Workers]:  # type: ignore[no-untyped-def]
    pool = Workers(shared_db, tmp_path)
    try:
        yield pool
    finally:
        pool.close()


def wait_for(
    what: str, check: Callable[[], object], pool: Workers, timeout: float = 45
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        for worker_id, proc in pool.procs.items():
            if proc.poll() not in (None, 0, -signal.SIGKILL):
                pytest.fail(f"worker {worker_id} died:\n{pool.output(worker_id)}")
        time.sleep(0.1)
    logs = "\n".join(f"--- {w}\n{pool.output(w)[-3000:]}" for w in pool.procs)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


# ---------------------------------------------------------------- the tests


def test_a_killed_workers_job_is_done_once_by_another_worker(workers, tmp_path):
    user = UserFactory(username="starter")
    job = start_job(
        kind="test.slow",
        actor=user,
        title="slow",
        func=f"{HERE}.slow_effect",
        kwargs={"marker_dir": str(tmp_path)},
    )
    effects = Group.objects.filter(name__startswith=f"effect {job.pk} ")
    workers.start("w1")
    wait_for("the first attempt", (tmp_path / "started-1").exists, workers)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)
    workers.stop("w1", signal.SIGKILL)  # in the middle of the job's transaction
    assert not effects.exists()  # its work was never committed
    time.sleep(0.5)
    job.refresh_from_db()
    assert job.status == "running"  # nothing recovers it without a worker

    workers.start("w2")
    wait_for(
        "the job done",
        lambda: Job.objects.filter(pk=job.pk, status="done").exists(),
        workers,
    )
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.DONE, 2, "")
    assert list(effects.values_list("name", flat=True)) == [
        f"effect {job.pk} attempt 2"
    ]
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["w1", "w2"]
    assert "queued again" in workers.output("w2")
    # w1's heartbeat stays (it died); w2 removes its own when it stops cleanly
    assert workers.stop("w2") == 0
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w1"]
    assert effects.count() == 1


def test_three_workers_run_each_period_once(workers):
    for name in ("a", "b", "c"):
        workers.start(name, tick=True)
    runs = PeriodicRun.objects.filter(name="test.tick")
    wait_for("a first period", runs.exists, workers)
    first = runs.order_by("period_start").first()
    wait_for(
        "five periods run",
        lambda: runs.filter(job__status="done").count() >= 5,
        workers,
        timeout=30,
    )
    for name in ("a", "b", "c"):
        assert workers.stop(name) == 0
    periods = list(
        runs.order_by("period_start").values_list("period_start", "job__status")
    )
    starts = [p for p, _ in periods]
    assert len(starts) == len(set(starts)) >= 5
    # One job per period, each run once: as many ticks as jobs done. A period claimed
    # while the workers were stopping keeps its job queued for the next worker (a
    # stopping worker finishes its step, then exits): only at the end, and never run.
    statuses = [status for _, status in periods]
    done = statuses.count("done")
    assert done >= 5 and statuses[:done] == ["done"] * done, periods
    assert statuses[done:] == ["queued"] * (len(statuses) - done), periods
    assert len(statuses) - done <= 2, periods
    assert Job.objects.filter(kind="periodic", title="test.tick").count() == len(starts)
    assert Group.objects.filter(name__startswith="tick ").count() == done
    assert all(s.microsecond == 0 for s in starts)  # periods of a second
    assert first is not None and first.worker_id in {"a", "b", "c"}
    # the daily prune was claimed once too, by one of the three
    assert PeriodicRun.objects.filter(name="jobs.prune").count() == 1


def test_a_worker_stopped_cleanly_finishes_and_leaves_no_heartbeat(workers, tmp_path):
    proc = workers.start("w")
    wait_for("the heartbeat", WorkerHeartbeat.objects.filter(pk="w").exists, workers)
    job = start_job(
        kind="test.tick", actor=None, title="tick", func=f"{HERE}.tick", kwargs={}
    )
    wait_for(
        "the job done",
        lambda: Job.objects.filter(pk=job.pk, status="done").exists(),
        workers,
    )
    assert workers.stop("w") == 0 and proc.returncode == 0
    assert not WorkerHeartbeat.objects.exists()
    assert "Worker w takes jobs" in workers.output(
        "w"
    ) or "工作进程 w" in workers.output("w")


def test_the_worker_of_tongxue_up_starts_and_stops_with_it(
    shared_db, monkeypatch, tmp_path
):
    """``tongxue up`` starts ``tongxue worker`` as a child and stops it with SIGTERM."""
    from tongxue.jobs.process import start_worker, stop_worker

    for name, value in {**shared_db, **TIMINGS, "PYTHONPATH": str(ROOT)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    proc = start_worker(["--worker-id", "up-w", "--no-startup-delay", "-v", "0"])
    try:
        pool = Workers(shared_db, tmp_path)
        pool.procs["up-w"] = proc
        (tmp_path / "up-w.log").write_text("")
        wait_for(
            "its heartbeat", WorkerHeartbeat.objects.filter(pk="up-w").exists, pool
        )
        assert (
            os.getsid(proc.pid) == proc.pid
        )  # its own session: Ctrl-C is the server's
        assert stop_worker(proc, timeout=20) == 0
        assert not WorkerHeartbeat.objects.filter(pk="up-w").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
