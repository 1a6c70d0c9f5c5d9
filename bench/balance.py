"""Benchmark: the federation congress balance page at province scale (CON-12, #15).

Prints figures; asserts nothing about time. Usage (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/balance.py \
        --database tongxue_bench_balance [--requests 200] [--warmup 10] [--reuse]

It drops, re-creates and fills the database named by ``--database NAME`` (on the server
of DATABASE_URL) or else by DATABASE_URL, and only one whose name contains ``bench``
(``bench/benchdb.py``); ``--reuse`` keeps a database a previous run filled. It imports
the demo province (``build_province`` at scale 1, one transaction, then ``ANALYZE``),
then times ``GET /org/<province>/congresses/<its congress>/
balance/`` with Django's test ``Client`` in this process (``DEBUG`` off, anonymous: the
page is public): the whole Django stack against PostgreSQL on loopback, not the HTTP
server. Two series, alternating request by request:

* ``computed``: the stored report is dropped before each request (the page computes it,
  as every request did before #15);
* ``stored``: the report stored with the congress's delegate list is read.

For each: p50 / p95 / p99 / max over ``--requests`` requests after ``--warmup`` ones,
and the SQL queries of one request. Target (#15): p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name}: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
        f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms ({len(ms)} requests)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database a previous run filled"
    )
    add_option(parser)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/balance.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    name = bench_name(url, args.database, script="bench/balance.py")
    if args.reuse:
        from urllib.parse import urlsplit, urlunsplit

        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        label = f"PostgreSQL, database {name} (reused)"
    else:
        label = recreate(url, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from tongxue.congresses.models import Meeting
    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.snapshots.services import import_tables

    print(f"database: {label}; DEBUG {settings.DEBUG}")
    if not args.reuse:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        t0 = time.perf_counter()
        import_tables(
            build_province(seed=DEFAULT_SEED, as_of=PINNED_AS_OF, scale=1), actor=None
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # every version on fresh statistics
        print(f"imported the demo province in {time.perf_counter() - t0:.1f} s")
    province = Organisation.objects.get(kind=OrgKind.PROVINCIAL_FEDERATION)
    meeting = (
        Meeting.objects.filter(organisation=province)
        .order_by("-opened")
        .only("pk", "code")
        .first()
    )
    assert meeting is not None, "the province has no congress"
    delegates = meeting.delegates.count()
    page = reverse(
        "congresses:balance",
        kwargs={"code": province.code, "meeting_code": meeting.code},
    )
    print(
        f"page: {page} ({delegates} delegates, "
        f"{Organisation.objects.count():,} organisations)"
    )
    try:
        from tongxue.congresses.balance_store import forget_report
    except ImportError:  # before #15
        forget_report = None
        print("(this version stores no report: both series compute it)")

    def forget() -> None:
        if forget_report is not None:
            forget_report(meeting)

    setup_test_environment()
    client = Client()

    def get() -> float:
        start = time.perf_counter()
        response = client.get(page)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed

    for _ in range(args.warmup):
        forget()
        get()
        get()
    computed: list[float] = []
    reused: list[float] = []
    for _ in range(args.requests):
        forget()
        computed.append(get())
        reused.append(get())
    forget()
    with CaptureQueriesContext(connection) as cold:
        get()
    with CaptureQueriesContext(connection) as warm:
        get()
    print(line("computed", computed) + f"; {len(cold)} SQL queries")
    print(line("stored  ", reused) + f"; {len(warm)} SQL queries")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
