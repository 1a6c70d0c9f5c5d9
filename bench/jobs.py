"""Benchmark: background-job throughput on PostgreSQL, 1 and 2 workers, against a floor.

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/jobs.py \
        [--jobs 2000] [--workers 1 2]

It never touches the database named in DATABASE_URL: it creates (and re-creates) its own
database ``tongxue_bench_jobs`` on the same server and migrates it. Then, for N jobs
whose function does nothing (``noop(job)``):

* **enqueue**: ``start_job`` N times, each in its own transaction (the job row and its
  task row, as a service starting a job writes them);
* **drain with W workers**: W ``tongxue worker`` processes (no startup delay, polling
  every 10 ms, no periodic work) take the N queued jobs; the rate is N over the time
  from the first job's start to the last job's end (Django's start-up not counted).
  Each job is: the claim (``SELECT … FOR UPDATE SKIP LOCKED`` and an UPDATE), the start
  (the job's row locked and updated), the work's transaction (the UPDATE to done), and
  the task result's UPDATE — four transactions;
* workers keep their database connection between jobs (``DB_CONN_MAX_AGE=60``, the
  production default);
* **floor**: the least a durable queue can do per job — one INSERT (enqueue) and one
  UPDATE (done) of a row, each its own autocommit transaction, by 1 and 2 connections
  in a plain loop (psycopg, no Django).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench_jobs"


def noop(job: object) -> None:
    """The benchmark's job: nothing (the queue's own cost)."""


def use_own_database() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/jobs.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    own = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    os.environ["DATABASE_URL"] = own
    label = (
        f"PostgreSQL {version}, database {BENCH_DB} on {parts.hostname}:{parts.port}"
    )
    return own, label


def floor(url: str, n: int, connections: int) -> float:
    """Jobs/s of a plain INSERT + UPDATE loop by ``connections`` connections."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(
            "CREATE TABLE bench_floor (id uuid PRIMARY KEY, status text NOT NULL,"
            " kwargs jsonb NOT NULL, created timestamptz NOT NULL,"
            " finished timestamptz)"
        )

    def loop(count: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            for _ in range(count):
                key = uuid.uuid4()
                conn.execute(
                    "INSERT INTO bench_floor VALUES (%s, 'queued', '{}', now(), NULL)",
                    [key],
                )
                conn.execute(
                    "UPDATE bench_floor SET status = 'done', finished = now()"
                    " WHERE id = %s",
                    [key],
                )

    threads = [
        threading.Thread(target=loop, args=(n // connections,))
        for _ in range(connections)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return (n // connections) * connections / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    url, label = use_own_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Max, Min
    from django_tasks_db.models import DBTaskResult

    from tongxue.jobs.models import Job
    from tongxue.jobs.services import start_job

    print(f"database: {label}; {os.cpu_count()} CPUs shared with PostgreSQL")
    print("load average before: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    call_command("migrate", interactive=False, verbosity=0)
    n = args.jobs
    print(f"{n} jobs doing nothing (bench.jobs.noop)")
    for connections in (1, 2):
        rate = floor(url, n, connections)
        print(
            f"floor, INSERT + UPDATE per job, {connections} connection(s): {rate:8.0f} jobs/s"
        )

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
        "DATABASE_URL": url,
        # as in production (settings: 60 s when TONGXUE_ENV=production); with 0 the
        # worker would reconnect after every job
        "DB_CONN_MAX_AGE": "60",
    }
    for workers in args.workers:
        Job.objects.all().delete()
        DBTaskResult.objects.all().delete()
        start = time.perf_counter()
        for _ in range(n):
            start_job(
                kind="bench", actor=None, title="bench", func="jobs.noop", kwargs={}
            )
        enqueue = n / (time.perf_counter() - start)
        print(f"enqueue (start_job, one transaction each):      {enqueue:8.0f} jobs/s")
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tongxue.cli",
                    "worker",
                    "--verbosity",
                    "0",
                    "--no-startup-delay",
                    "--no-periodic",
                    "--interval",
                    "0.01",
                    "--worker-id",
                    f"bench-{workers}-{k}",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for k in range(workers)
        ]
        try:
            deadline = time.monotonic() + 600
            while Job.objects.exclude(status="done").exists():
                if time.monotonic() > deadline:
                    sys.exit("the jobs did not finish in 10 minutes")
                time.sleep(0.2)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(30)
        span = Job.objects.aggregate(a=Min("started_at"), b=Max("finished_at"))
        seconds = (span["b"] - span["a"]).total_seconds()
        assert Job.objects.filter(status="done", attempts=1).count() == n
        print(
            f"drain, {workers} worker process(es):                {n / seconds:8.0f} jobs/s"
            f"  ({n} jobs in {seconds:.1f} s)"
        )
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
