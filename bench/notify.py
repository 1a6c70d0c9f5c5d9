"""Benchmark: notify every user of a province (2,500,000 by default) on PostgreSQL (#14).

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/notify.py \
        [--users 2500000] [--email-share 0.001]

The benchmark never touches the database named in DATABASE_URL: it re-creates its own
database ``tongxue_bench_notify`` on the same server. Then:

1. Migrates and creates ``--users`` accounts with one ``INSERT … SELECT
   generate_series`` (unusable passwords), and notification settings asking for e-mail
   for ``--email-share`` of them (the mails go to Django's dummy backend).
2. Starts the production server (granian with ``deploy/granian.env``, production
   settings, static files collected) on loopback and measures the home page ``/``
   fetched in a loop by one client for ``--idle`` seconds: the baseline.
3. Calls ``tongxue.notifications.services.notify`` with a QuerySet of all the users
   (what a federation-wide notice would pass): above the threshold it only queues a job,
   so the call is timed on its own. A worker (``tongxue worker --batch``, a separate
   process as in production) runs the job: ``INSERT … SELECT`` by windows of
   ``recipients.WINDOW`` user ids, then the job that delivers the e-mails. Meanwhile the client
   keeps fetching ``/``.
4. Prints the job's time and rows/s (from the job's own start and finish times), the
   home page's latency during the run against the baseline, the table's size, and the
   time of one user's unread count and inbox page query on the full table.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench_notify"
SECRET = "bench-notify-not-secret-" + "k" * 40


def use_own_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/notify.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL {version}, database {BENCH_DB} on {parts.hostname}:{parts.port}"


def deploy_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class PageLoop(threading.Thread):
    """Fetch ``path`` again and again over one keep-alive connection; keep latencies."""

    def __init__(self, port: int, path: str = "/") -> None:
        super().__init__(daemon=True)
        self.port, self.path = port, path
        self.samples: list[tuple[float, float, int]] = []  # (start, seconds, status)
        self.stop = threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        while not self.stop.is_set():
            t0 = time.perf_counter()
            try:
                conn.request("GET", self.path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status = 0
            self.samples.append((t0, time.perf_counter() - t0, status))
            time.sleep(0.01)  # a person clicking, not a load test

    def between(self, start: float, end: float) -> list[float]:
        return [
            s for t, s, status in self.samples if start <= t < end and status == 200
        ]


def summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: no answers"
    ms = [v * 1000 for v in values]
    return (
        f"{label}: {len(ms)} requests, median {statistics.median(ms):.1f} ms, "
        f"p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )


def wait_for_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=2_500_000)
    parser.add_argument("--email-share", type=float, default=0.001)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8431)
    args = parser.parse_args()

    label = use_own_database()
    static_root = tempfile.mkdtemp(prefix="tongxue-bench-static-")
    env = dict(os.environ)
    env.update(deploy_env(ROOT / "deploy" / "granian.env"))
    env.update(
        TONGXUE_ENV="production",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        GRANIAN_PORT=str(args.port),
    )
    os.environ.update(
        {
            k: env[k]
            for k in (
                "TONGXUE_ENV",
                "DEBUG",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "STATIC_ROOT",
                "EMAIL_BACKEND",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from tongxue.jobs.models import Job
    from tongxue.notifications import recipients, services
    from tongxue.notifications.models import Notification

    print(f"database: {label}; window {recipients.WINDOW:,} ids")
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"migrate and collect static files: {time.perf_counter() - t0:.1f} s")

    user = get_user_model()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {user._meta.db_table} (password, is_superuser, username,"
            " first_name, last_name, email, is_staff, is_active, date_joined)"
            " SELECT '!', false, 'student' || g, '', '', 'student' || g ||"
            " '@example.edu.cn', false, true, now() FROM generate_series(1, %s) g",
            [args.users],
        )
        emailed = int(args.users * args.email_share)
        if emailed:
            step = max(1, args.users // emailed)
            cursor.execute(
                "INSERT INTO notifications_preference (user_id, email, daily_digest,"
                " channels, language, updated_at)"
                f" SELECT id, true, false, '[]', 'zh-hans', now()"
                f" FROM {user._meta.db_table} WHERE id %% %s = 0",
                [step],
            )
        cursor.execute(f"ANALYZE {user._meta.db_table}")
        cursor.execute("SELECT count(*) FROM notifications_preference")
        emailed = cursor.fetchone()[0]
    print(
        f"users: {args.users:,} created by SQL in {time.perf_counter() - t0:.1f} s;"
        f" {emailed:,} of them chose e-mail"
    )

    bindir = Path(sys.executable).parent
    log = (Path(static_root) / "server.log").open("a")
    server = subprocess.Popen(
        [
            str(bindir / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "tongxue.config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(args.port)
        loop = PageLoop(args.port)
        loop.start()
        time.sleep(2)  # warm up
        idle_start = time.perf_counter()
        time.sleep(args.idle)
        idle_end = time.perf_counter()

        t0 = time.perf_counter()
        count = services.notify(
            "vote.opened",
            user_ids=user.objects.filter(username__startswith="student"),
            params={
                "title": "全省学联代表大会主席团选举",
                "closes": "2026-03-01 18:00",
            },
            url="/vote/BENCH/",
            organisation="BENCH",
        )
        notify_seconds = time.perf_counter() - t0
        print(
            f"notify(): {count:,} recipients counted and the job queued in"
            f" {notify_seconds:.2f} s"
        )
        worker_start = time.perf_counter()
        worker_wall = time.time()
        worker = subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "tongxue_worker",
                "--batch",
                "--no-startup-delay",
                "--no-periodic",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        worker_end = time.perf_counter()
        if worker.returncode:
            print(worker.stdout, worker.stderr)
        time.sleep(args.idle / 2)
        after_end = time.perf_counter()
        loop.stop.set()
        loop.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(static_root, ignore_errors=True)

    for job in Job.objects.order_by("created_at"):
        seconds = (job.finished_at - job.started_at).total_seconds()
        print(
            f"job {job.kind}: {job.status} in {seconds:.1f} s, started"
            f" {job.started_at.timestamp() - worker_wall:.1f} s after the worker"
            f" ({job.progress_done:,} of {job.progress_total or 0:,}; {job.message})"
        )
    main_job = Job.objects.get(kind="notifications.notify")
    seconds = (main_job.finished_at - main_job.started_at).total_seconds()
    rows = Notification.objects.count()
    print(
        f"inbox rows: {rows:,} in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
        f" (worker process, start to exit: {worker_end - worker_start:.1f} s)"
    )
    print(summary("GET / idle", loop.between(idle_start, idle_end)))
    print(summary("GET / during the jobs", loop.between(worker_start, worker_end)))
    print(summary("GET / after", loop.between(worker_end, after_end)))
    errors = sum(1 for _t, _s, status in loop.samples if status != 200)
    print(f"GET / answers other than 200: {errors}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('notifications_notification'))"
        )
        print(f"notifications table with its indexes: {cursor.fetchone()[0]}")
        cursor.execute("ANALYZE notifications_notification")
    from tongxue.notifications import selectors

    someone = user.objects.get(username=f"student{args.users // 2}")
    t0 = time.perf_counter()
    unread = selectors.unread_count(someone)
    t1 = time.perf_counter()
    page = list(selectors.inbox(someone)[:25])
    t2 = time.perf_counter()
    print(
        f"one user's unread count ({unread}): {(t1 - t0) * 1000:.1f} ms;"
        f" inbox page ({len(page)} rows): {(t2 - t1) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
