"""Benchmark: a student's home (我的, ``/people/me/``) at province scale on PostgreSQL (#14).

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/home.py \
        [--requests 300] [--warmup 20] [--show-sql]

The benchmark never touches the database named in DATABASE_URL: it re-creates its own
database ``tongxue_bench_home`` on the same server. Then:

1. Migrates and loads the demo province (``tongxue demo --scale province``: about
   10,400 organisations, 57,600 people, 19,800 posts, 107,000 delegate seats).
2. At the school union of the demo's ``union_admin`` it convenes a congress today whose
   delegates are those of the union's last congress, creates and opens an electronic
   election of it through the services (the roll: every delegate), publishes the
   candidate list (a public notice) and opens a rating period (a semester: the
   congress's delegates rate the cadres and the 述职 reports).
3. Gives an account to the delegate of that congress who holds the most posts (their
   seats in earlier congresses too; a department of the union when the generated
   person has none) and sends them two notifications. Then ``ANALYZE``, as autovacuum
   would soon after an import (``--skip-analyze``: measure on the import's statistics).
4. Times ``GET /people/me/`` for that student with Django's test ``Client`` in this
   process (signed in with ``force_login``): the whole Django stack (middleware,
   session, view, selectors, template) against PostgreSQL on loopback, not the HTTP
   server nor the network. ``DEBUG`` is off. Prints p50/p95/p99/max over
   ``--requests`` requests after ``--warmup`` ones, and the SQL queries of one request
   (all of them: session, user, home, notifications badge), checked to be the same on
   every request.

Targets (#14): at most 10 queries, p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import re
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench_home"
USERNAME = "bench-student"


def use_own_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/home.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL {version}, database {BENCH_DB} on {parts.hostname}:{parts.port}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def machine() -> str:
    load = os.getloadavg()
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu or 'unknown'}), load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}, Python {sys.version.split()[0]}"
    )


def load_province(today: datetime.date) -> float:
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command(
        "demo",
        scale="province",
        as_of=today,
        i_know=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    return time.perf_counter() - t0


def set_up_student(today: datetime.date):  # type: ignore[no-untyped-def]
    """The congress in session, the open vote, the rating period and the student."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
    from tongxue.core.models import RoleAssignment, RoleKind
    from tongxue.demo.voting import _create_election
    from tongxue.evaluations import services as evaluations
    from tongxue.notifications.services import notify
    from tongxue.organisations.models import Organisation, OrgKind, Person
    from tongxue.voting import services as voting
    from tongxue.voting.models import RollEntry

    union = (
        RoleAssignment.objects.filter(
            user__username="union_admin", role=RoleKind.UNION_ADMIN
        )
        .select_related("organisation")
        .get()
        .organisation
    )
    last = (
        Meeting.objects.filter(
            organisation=union, kind=MeetingKind.CONGRESS, delegates__isnull=False
        )
        .distinct()
        .order_by("-opened")
        .first()
    )
    assert last is not None, f"{union.code} has no congress with delegates"
    with transaction.atomic():
        congress = Meeting.objects.create(
            code=f"{union.code}-BENCH",
            organisation=union,
            kind=MeetingKind.CONGRESS,
            session=(last.session or 0) + 1,
            opened=today,
            closes=today + datetime.timedelta(days=2),
            status=MeetingStatus.CONVENED,
        )
        Delegate.objects.bulk_create(
            Delegate(
                meeting=congress, person_id=d.person_id, seat_unit_id=d.seat_unit_id
            )
            for d in Delegate.objects.filter(meeting=last).only(
                "person_id", "seat_unit_id"
            )
        )
    election = _create_election(congress, today)  # approved, candidate list announced
    voting.open_vote(actor=None, election=election)
    period = evaluations.create_period(
        actor=None,
        organisation=union,
        code="bench-semester",
        name="本学期",
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=90),
    )
    evaluations.open_period(actor=None, period=period, seed="bench", as_of=today)

    person = (
        Person.objects.filter(delegate_seats__meeting=congress, user__isnull=True)
        .annotate(posts=Count("positions", distinct=True))
        .order_by("-posts", "ident")
        .first()
    )
    assert person is not None
    user = get_user_model().objects.create_user(USERNAME, password=None)
    person.user = user
    fields = ["user"]
    if person.department_id is None and person.class_unit_id is None:
        # The generated delegates have no department: give one of the union's, so
        # that the union's notices reach the student as they would a real one.
        person.department = (
            Organisation.objects.filter(
                path__startswith=union.path, kind=OrgKind.DEPARTMENT_UNION
            )
            .order_by("code")
            .first()
        )
        fields.append("department")
    person.save(update_fields=fields)
    assert RollEntry.objects.filter(election=election, person=person).exists()
    for kind, title in (
        ("vote.opened", election.title),
        ("rating.opened", period.name),
    ):
        notify(
            kind,
            user_ids=[user.pk],
            params={"title": title, "closes": congress.closes.isoformat()},
        )
    seats = person.delegate_seats.count()
    return user, person, union, election, period, seats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument(
        "--skip-analyze",
        action="store_true",
        help="measure on the planner statistics of the import (before autovacuum)",
    )
    args = parser.parse_args()

    label = use_own_database()
    os.environ["DEBUG"] = "0"
    # whitenoise warns that collectstatic has not run: the page's static files are
    # not fetched here.
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()  # the test Client's hosts and template signals
    print(f"database: {label}")
    print(f"machine: {machine()}")
    today = timezone.localdate()
    loaded = load_province(today)
    t0 = time.perf_counter()
    user, person, union, election, period, seats = set_up_student(today)
    print(
        f"province loaded in {loaded:.1f} s; congress, vote and period set up in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    if not args.skip_analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after an import
    print(
        f"student: {person.name} ({person.ident}) of {union.name}; "
        f"{person.posts} posts, {seats} delegate seats; vote {election.code} "
        f"(roll {election.roll.count()}), rating period {period.code}"
    )

    client = Client()
    client.force_login(user)
    body = client.get("/people/me/").content.decode()
    kinds = re.findall(r'<li class="home-item[^"]*" data-kind="([^"]+)"', body)
    print(f"home items shown ({len(kinds)}): {', '.join(kinds)}")
    for wanted in ("vote", "rate-cadres", "notice"):
        assert wanted in kinds, f"the home lacks a {wanted!r} item"
    for _ in range(args.warmup):
        client.get("/people/me/")

    sql_time = [0.0]

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        a = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - a

    plain: list[float] = []
    in_sql: list[float] = []
    with connection.execute_wrapper(timed):
        for _ in range(args.requests):
            sql_time[0] = 0.0
            a = time.perf_counter()
            response = client.get("/people/me/")
            plain.append(time.perf_counter() - a)
            in_sql.append(sql_time[0])
            assert response.status_code == 200, response.status_code
    # Then with the queries captured (counted and kept, which costs a little).
    times: list[float] = []
    counts: set[int] = set()
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as queries:
            a = time.perf_counter()
            response = client.get("/people/me/")
            times.append(time.perf_counter() - a)
        assert response.status_code == 200, response.status_code
        counts.add(len(queries))

    def line(name: str, values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return (
            f"{name}: {len(ms)} requests, p50 {statistics.median(ms):.1f} ms, "
            f"p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
            f"max {max(ms):.1f} ms"
        )

    print(line("GET /people/me/ (Django test Client)", plain))
    print(line("  of which in SQL (client side, round trips included)", in_sql))
    print(line("  again, queries captured", times))
    print(
        f"SQL queries per request: {min(counts)}"
        + (
            f" … {max(counts)} (a session write now and then)"
            if len(counts) > 1
            else ""
        )
        + " (target ≤ 10)"
    )
    if args.show_sql:
        each: list[tuple[float, str]] = []

        def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            a = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                each.append((time.perf_counter() - a, sql))

        with connection.execute_wrapper(record):
            client.get("/people/me/")
        for seconds, sql in each:
            print(f"  {seconds * 1000:6.2f} ms  {sql[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
