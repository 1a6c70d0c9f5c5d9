"""Benchmark: close an electronic vote of 2,000 … 20,000 ballots on PostgreSQL.

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/close.py \
        [--ballots 2000 20000] [--history 200000]

The benchmark never touches the database named in DATABASE_URL: it creates (and
re-creates) its own database ``tongxue_bench_close`` on the same server. For each size
it writes an open election with that many voters, participations and ballots (COPY, as
the cast path would have left them), then times ``tongxue.voting.services.close_vote``:
the close's transaction (status, the rewrite of the ballots and participations, the
voters' audit records) and, after its commit, the rebuild of the two tables
(``tongxue.core.erasure.rebuild``: ``VACUUM FULL``), printed apart. ``--history``
first fills the tables with that many ballots and participations of an earlier,
closed election: ``VACUUM FULL`` rewrites the whole table, so its time grows with
everything the table holds, not only with the closed vote.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "tongxue_bench_close"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def use_own_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/close.py needs DATABASE_URL=postgres://… (PostgreSQL)")
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
    parser.add_argument("--ballots", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--candidates", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    label = use_own_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tongxue.core import erasure
    from tongxue.domain.counting import ElectionMethod
    from tongxue.elections.models import Election, ElectionStatus
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.voting import services
    from tongxue.voting.models import Ballot, BallotDefinition, Participation

    print(f"database: {label}")
    call_command("migrate", interactive=False, verbosity=0)
    rnd = random.Random(args.seed)
    org = Organisation.objects.create(
        code="BENCH-SU",
        name="基准大学学生会",
        kind=OrgKind.SCHOOL_UNION,
        path="BENCH-SU",
        students_served=30000,
    )
    method = ElectionMethod(seats=7)
    users = 0

    def copy(table: str, columns: str, rows: io.StringIO) -> None:
        rows.seek(0)
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as out,
        ):
            while chunk := rows.read(1 << 20):
                out.write(chunk)

    def election_with(code: str, n: int, status: str) -> Election:
        nonlocal users
        election = Election.objects.create(
            code=code,
            organisation=org,
            title=code,
            post="vice_president",
            seats=7,
            method=method.to_dict(),
            status=status,
        )
        BallotDefinition.objects.create(
            election=election,
            candidates=[{"id": k + 1, "name": f"候选人{k + 1:02d}"} for k in range(15)],
            form="marks",
            seats=7,
            method=method.to_dict(),
            opened_at=timezone.now(),
        )
        people, parts, ballots = io.StringIO(), io.StringIO(), io.StringIO()
        for i in range(users, users + n):
            people.write(f"!\tf\tbench{i}\t\t\t\tf\tt\t2026-12-07 00:00:00+00\n")
        copy(
            "auth_user",
            "password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined",
            people,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM auth_user WHERE username LIKE 'bench%%' ORDER BY id"
                " OFFSET %s",
                [users],
            )
            ids = [r[0] for r in cursor.fetchall()]
        users += n
        rnd.shuffle(ids)  # casts arrive in no particular order of accounts
        for voter in ids:
            parts.write(f"{election.pk}\t{voter}\n")
            mask = rnd.getrandbits(args.candidates) & rnd.getrandbits(args.candidates)
            value = rnd.getrandbits(130)
            tracker = "".join(ALPHABET[(value >> s) & 31] for s in range(0, 130, 5))
            reason = "too-many-marks" if mask.bit_count() > 7 else ""
            ballots.write(f"{tracker}\t{election.pk}\t{mask}\t0\t0\t{reason}\n")
        copy(Participation._meta.db_table, "election_id, voter_id", parts)
        copy(
            Ballot._meta.db_table,
            "tracker, election_id, yes, no, abstain, void_reason",
            ballots,
        )
        return election

    if args.history:
        t0 = time.perf_counter()
        election_with("BENCH-HISTORY", args.history, ElectionStatus.CLOSED)
        print(
            f"history: {args.history:,} ballots of a closed election "
            f"({time.perf_counter() - t0:.1f} s to write)"
        )

    timings: list[float] = []
    rebuild = erasure.rebuild

    def timed_rebuild(*a, **k):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        ok = rebuild(*a, **k)
        timings.append(time.perf_counter() - t0)
        if not ok:
            print("  rebuild incomplete (see the warning above)")
        return ok

    erasure.rebuild = timed_rebuild
    for n in args.ballots:
        election = election_with(f"BENCH-{n}", n, ElectionStatus.OPEN)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE voting_ballot, voting_participation")
            cursor.execute(
                "SELECT pg_total_relation_size('voting_ballot')"
                " + pg_total_relation_size('voting_participation')"
            )
            size = cursor.fetchone()[0]
        timings.clear()
        t0 = time.perf_counter()
        services.close_vote(actor=None, election=election)
        total = time.perf_counter() - t0
        rebuilt = sum(timings)
        print(
            f"close of {n:,} ballots (tables {size / 1e6:.1f} MB before): "
            f"{total * 1000:.0f} ms in all = transaction {(total - rebuilt) * 1000:.0f}"
            f" ms + rebuild (VACUUM FULL of both tables) {rebuilt * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
