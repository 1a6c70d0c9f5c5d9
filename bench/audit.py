"""Benchmark: audit a whole generated province from the database (FED-6).

Prints figures; asserts nothing about time. Usage (official figures on PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongxue_bench .venv/bin/python bench/audit.py

On PostgreSQL it drops, re-creates and fills the database named by ``--database NAME``
(on the server of DATABASE_URL) or else by DATABASE_URL, and only one whose name contains
``bench`` (``bench/benchdb.py``: ``…/test`` or a working database is never dropped);
without a PostgreSQL URL it uses an SQLite file in a temporary folder. For each scale
(half a province, then the whole province) it empties that database, imports the
generated province in one transaction (the import service analyses the tables it
filled once it commits, on PostgreSQL), then, ``--repeat`` times, side by side:

* ``load_registry()`` (database → domain registry), split into the time in SQL (the
  statements' execution: server and transfer, timed by a Django execute wrapper) and the
  rest (fetching and converting the rows, building the registry's objects);
* ``audit()`` (every rule);
* the raw scan: the very statements ``load_registry()`` ran, executed again on a plain
  cursor and fetched with ``fetchall()`` (the rows as tuples, nothing built), with the
  cyclic garbage collector paused as the loader and the audit pause it;

and prints min / median / max of each, the ratio of the audit to the raw scan, the SQL
queries (which must not grow with size), a digest of the findings and the load average.
``--findings DIR`` writes the findings, sorted, one per line, to compare two versions.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402


def use_own_database(option: str | None) -> str:
    """Point DATABASE_URL at the benchmark's database, created afresh; return its label."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        if option:
            sys.exit("bench/audit.py: --database needs DATABASE_URL=postgres://…")
        path = Path(tempfile.mkdtemp(prefix="tongxue-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    return recreate(url, bench_name(url, option, script="bench/audit.py"))


def spread(values: list[float]) -> str:
    """min / median / max of times in seconds."""
    return " / ".join(
        f"{v:.3f}" for v in (min(values), statistics.median(values), max(values))
    )


class SqlTimer:
    """A Django execute wrapper: the time spent executing statements, and the statements."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.statements.append((sql, params))


def empty_database(connection) -> None:
    """Empty the benchmark's database (``flush``), the audit log's triggers lifted
    around it as the tests do (``tongxue.core.appendonly.around_flush``)."""
    from django.core.management import call_command

    from tongxue.core import appendonly

    ops = type(connection.ops)
    original = ops.sql_flush

    def sql_flush(self, *args, **kwargs):
        return appendonly.around_flush(
            connection.vendor, original(self, *args, **kwargs)
        )

    ops.sql_flush = sql_flush
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        ops.sql_flush = original


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scales", default="0.5,1", help="province scales, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--repeat", type=int, default=3, help="audit runs per scale (min/median/max)"
    )
    parser.add_argument(
        "--findings", default=None, metavar="DIR", help="write the findings here"
    )
    add_option(parser)
    args = parser.parse_args()

    label = use_own_database(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.domain.audit import all_rules, audit
    from tongxue.organisations.mappers import load_registry
    from tongxue.snapshots.services import import_tables

    seed = DEFAULT_SEED if args.seed is None else args.seed
    print(f"database: {label}")
    print(f"rules: {', '.join(sorted({s.requirement for s in all_rules()}))}")
    call_command("migrate", interactive=False, verbosity=0)
    for scale in (float(s) for s in args.scales.split(",")):
        empty_database(connection)
        t0 = time.perf_counter()
        tables = build_province(seed=seed, as_of=PINNED_AS_OF, scale=scale)
        t1 = time.perf_counter()
        import_tables(tables, actor=None)
        t2 = time.perf_counter()
        runs: dict[str, list[float]] = {
            k: [] for k in ("total", "load", "sql", "python", "rules", "raw", "ratio")
        }
        load_before = load_average()
        for _ in range(max(1, args.repeat)):
            timed = SqlTimer()
            with CaptureQueriesContext(connection) as queries:
                with connection.execute_wrapper(timed):
                    a = time.perf_counter()
                    registry = load_registry()
                    b = time.perf_counter()
                report = audit(registry, as_of=PINNED_AS_OF)
                c = time.perf_counter()
            n_queries = len(queries)
            # The raw scan: the same statements, the rows fetched as tuples.
            gc.disable()  # as the loader and the audit do (tongxue.domain.gcpause)
            with connection.cursor() as cursor:
                d = time.perf_counter()
                raw_rows = 0
                for sql, params in timed.statements:
                    cursor.execute(sql, params)
                    raw_rows += len(cursor.fetchall())
                e = time.perf_counter()
            gc.enable()
            runs["total"].append(c - a)
            runs["load"].append(b - a)
            runs["sql"].append(timed.seconds)
            runs["python"].append(b - a - timed.seconds)
            runs["rules"].append(c - b)
            runs["raw"].append(e - d)
            runs["ratio"].append((c - a) / (e - d))
        lines = sorted(repr(f) for f in report.findings)
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
        if args.findings:
            out = Path(args.findings) / f"findings-{scale:g}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        severities = Counter(str(f.severity) for f in report.findings)
        students = next(
            o.students_served for o in registry.organisations if o.parent is None
        )
        print(f"\nscale {scale:g}: build {t1 - t0:.2f} s, import {t2 - t1:.2f} s")
        print(
            f"  organisations {len(registry.organisations):,}, people {len(registry.people):,}, "
            f"positions {len(registry.positions):,}, meetings {len(registry.meetings):,}, "
            f"students served {students:,}"
        )
        print(
            f"  findings {len(report.findings):,}: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(severities.items()))
            + f" (justified {sum(f.justified for f in report.findings):,}); "
            f"digest {digest}"
        )
        print(
            f"  {args.repeat} runs, min / median / max, seconds (load average before "
            f"{load_before}, after {load_average()}):"
        )
        print(f"    audit total     {spread(runs['total'])}")
        print(f"      load          {spread(runs['load'])}")
        print(f"        SQL         {spread(runs['sql'])}  ({n_queries} queries)")
        print(f"        Python      {spread(runs['python'])}  (fetch, convert, build)")
        print(f"      rules         {spread(runs['rules'])}")
        print(f"    raw scan        {spread(runs['raw'])}  ({raw_rows:,} rows)")
        print(
            "    audit / raw     "
            + " / ".join(
                f"{v:.2f}x"
                for v in (
                    min(runs["ratio"]),
                    statistics.median(runs["ratio"]),
                    max(runs["ratio"]),
                )
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
