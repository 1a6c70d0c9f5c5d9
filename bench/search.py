"""Benchmark: the search box (``/search/?q=``) at province scale on PostgreSQL (#16).

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/search.py \
        --database tongxue_bench_search [--requests 300] [--warmup 20] [--show-sql]

It drops, re-creates and fills the database named by ``--database`` (or by
``DATABASE_URL``), which must contain ``bench`` (``bench/benchdb.py``). Then:

1. Migrates (the trigram indexes of ``tongxue/search/migrations``) and loads the demo
   province (``tongxue demo --scale province``), then ``ANALYZE``.
2. Draws ``--requests`` queries, seeded: two characters of a cadre's or delegate's name
   (the middle and last of three), a fragment of an organisation's name (2 to 4
   characters), a word of a notice's or an election's title, a whole name plus a title
   (e.g. "张伟 主席"), a long query for the trigram similarity, one character, and
   queries that find nothing (a student number among them).
3. Times ``GET /search/?q=`` anonymously with Django's test ``Client`` (the whole stack:
   middleware, view, selectors, template) and, separately, the selectors alone; prints
   p50/p95/p99/max, the SQL queries per request and, with ``--show-sql``, the plan of
   the slowest query.

Targets (#16): at most 15 queries, p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name}: {len(ms)}, p50 {statistics.median(ms):.1f} ms, "
        f"p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )


NOTICE_TITLES = ("学生干部任前公示", "学生代表大会代表名单公示", "主席团候选人公示")


def publish(today) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The demo province records no notices nor elections of Tongxue's own: give every
    school and department union three notices and an election, as a year would."""
    import datetime

    from tongxue.elections.models import Election, ElectionStatus
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.publicity.models import Notice

    if Notice.objects.exists():
        return Notice.objects.count(), Election.objects.count()
    unions = list(
        Organisation.objects.filter(
            kind__in=[OrgKind.SCHOOL_UNION, OrgKind.DEPARTMENT_UNION]
        ).only("pk", "code", "name")
    )
    statuses = [s for s in ElectionStatus.values if s != ElectionStatus.DRAFT]
    Notice.objects.bulk_create(
        Notice(
            organisation=u,
            subject_type="bench",
            subject_id=u.pk,
            kind="bench",
            title=f"{u.name}{title}",
            body="正文",
            starts=today - datetime.timedelta(days=7 * i),
            ends=today - datetime.timedelta(days=7 * i - 5),
            working_days=5,
        )
        for u in unions
        for i, title in enumerate(NOTICE_TITLES)
    )
    Election.objects.bulk_create(
        Election(
            code=f"BENCH-{u.code}",
            organisation=u,
            title=f"{u.name}第{i % 9 + 1}届主席团选举",
            post="president",
            seats=1,
            status=statuses[i % len(statuses)],
        )
        for i, u in enumerate(unions)
    )
    return Notice.objects.count(), Election.objects.count()


def draw_queries(n: int, seed: int) -> list[tuple[str, str]]:
    """(family, query) pairs drawn from the loaded data."""
    from tongxue.congresses.models import Delegate
    from tongxue.elections.models import Election
    from tongxue.organisations.models import Organisation, Person, Position
    from tongxue.publicity.models import Notice

    rng = random.Random(seed)
    cadres = list(Position.objects.values_list("person__name", "title")[:5000])
    delegates = list(Delegate.objects.values_list("person__name", flat=True)[:5000])
    orgs = list(Organisation.objects.values_list("name", flat=True))
    titles = list(Notice.objects.values_list("title", flat=True)[:2000]) + list(
        Election.objects.values_list("title", flat=True)[:2000]
    )
    numbers = list(
        Person.objects.exclude(student_number="").values_list(
            "student_number", flat=True
        )[:1000]
    )

    people = [c[0] for c in cadres] + delegates

    def fragment(text: str, lo: int, hi: int) -> str:
        k = min(len(text), rng.randint(lo, hi))
        start = rng.randint(0, len(text) - k)
        return text[start : start + k]

    families = [
        ("person, last 2 characters", lambda: rng.choice(people)[-2:]),
        ("cadre name + title", lambda: " ".join(rng.choice(cadres))),
        ("organisation fragment", lambda: fragment(rng.choice(orgs), 2, 4)),
        ("notice / election word", lambda: fragment(rng.choice(titles), 2, 4)),
        ("long (similarity)", lambda: rng.choice(orgs) + "主席"),
        ("one character", lambda: rng.choice(rng.choice(orgs))),
        ("nothing: student number", lambda: rng.choice(numbers) if numbers else "2023"),
        ("nothing: unknown words", lambda: "不存在的名字"),
    ]
    out = []
    for i in range(n):
        family, make = families[i % len(families)]
        q = make()
        out.append((family, q))
    rng.shuffle(out)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument(
        "--keep", action="store_true", help="use the database as it is (no re-load)"
    )
    benchdb.add_option(parser)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not benchdb.is_postgres(url):
        sys.exit("bench/search.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    name = benchdb.bench_name(url, args.database, script="bench/search.py")
    if args.keep:
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        label = f"database {name} (kept)"
    else:
        label = benchdb.recreate(url, name)
    os.environ["DEBUG"] = "0"
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from tongxue.organisations.models import Organisation, Person
    from tongxue.search import selectors

    setup_test_environment()
    print(f"database: {label}")
    if not args.keep:
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command(
            "demo",
            scale="province",
            as_of=timezone.localdate(),
            i_know=True,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"province loaded in {time.perf_counter() - t0:.1f} s")
    notices, elections = publish(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{Organisation.objects.count()} organisations, {Person.objects.count()} "
        f"people, {notices} notices, {elections} elections (added)"
    )

    queries = draw_queries(args.requests, args.seed)
    client = Client()
    for _, q in queries[: args.warmup]:
        client.get("/search/", {"q": q})

    plain: list[float] = []
    selector: list[float] = []
    by_family: dict[str, list[float]] = {}
    counts: set[int] = set()
    slowest: tuple[float, str] = (0.0, "")
    for family, q in queries:
        a = time.perf_counter()
        response = client.get("/search/", {"q": q})
        took = time.perf_counter() - a
        assert response.status_code == 200, (q, response.status_code)
        plain.append(took)
        by_family.setdefault(family, []).append(took)
        if took > slowest[0]:
            slowest = (took, q)
        a = time.perf_counter()
        selectors.search(selectors.parse(q))
        selector.append(time.perf_counter() - a)
    for _, q in queries[:50]:
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/", {"q": q})
        counts.add(len(captured))

    print(line("GET /search/?q= (Django test Client), requests", plain))
    print(line("  selectors.search alone", selector))
    for family, values in sorted(by_family.items()):
        print(line(f"  {family}", values))
    print(
        f"SQL queries per request: {min(counts)} … {max(counts)} (target ≤ 15); "
        f"slowest query: {slowest[1]!r} ({slowest[0] * 1000:.1f} ms)"
    )
    leaked = [
        q
        for family, q in queries
        if family.startswith("nothing") and selectors.search(selectors.parse(q))
    ]
    print(f"queries that should find nothing but did: {len(leaked)} {leaked[:5]}")
    if args.show_sql:
        each: list[tuple[float, str, object]] = []

        def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            a = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                each.append((time.perf_counter() - a, sql, params))

        with connection.execute_wrapper(record):
            selectors.search(selectors.parse(slowest[1]))
        for seconds, sql, _params in each:
            print(f"  {seconds * 1000:6.2f} ms  {sql[:200]}")
        seconds, sql, params = max(each, key=lambda e: e[0])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql, params)
            for (row,) in cursor.fetchall():
                print("    " + row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
