"""Benchmark: audit a whole generated province from the database (FED-6).

Prints figures; asserts nothing about time. Usage (official figures on PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/audit.py

The benchmark never touches the database named in DATABASE_URL: on PostgreSQL it
creates (and re-creates) its own database ``tongxue_bench`` on the same server; on
SQLite it uses a file in a temporary folder. For each scale (half a province, then the
whole province) it empties that database, imports the generated province in one
transaction, then times ``load_registry()`` (database → domain registry) and
``audit()`` (every rule) and counts the SQL queries, which must not grow with size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench"


def use_own_database() -> str:
    """Point DATABASE_URL at the benchmark's own database, created afresh; return its label."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = Path(tempfile.mkdtemp(prefix="tongxue-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL {version}, database {BENCH_DB} on {parts.hostname}:{parts.port}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scales", default="0.5,1", help="province scales, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--repeat", type=int, default=3, help="audit runs per scale (best kept)"
    )
    args = parser.parse_args()

    label = use_own_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
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
        call_command("flush", interactive=False, verbosity=0)
        t0 = time.perf_counter()
        tables = build_province(seed=seed, as_of=PINNED_AS_OF, scale=scale)
        t1 = time.perf_counter()
        import_tables(tables, actor=None)
        t2 = time.perf_counter()
        best = None
        for _ in range(max(1, args.repeat)):
            with CaptureQueriesContext(connection) as queries:
                a = time.perf_counter()
                registry = load_registry()
                b = time.perf_counter()
                report = audit(registry, as_of=PINNED_AS_OF)
                c = time.perf_counter()
            run = (c - a, b - a, c - b, len(queries))
            best = run if best is None or run[0] < best[0] else best
        assert best is not None
        total, load, rules, n_queries = best
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
            + f" (justified {sum(f.justified for f in report.findings):,})"
        )
        print(
            f"  audit (best of {args.repeat}): load {load:.2f} s + rules {rules:.2f} s "
            f"= total {total:.2f} s; SQL queries {n_queries}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
