"""Benchmark: count 1,000,000 electronic ballots (15 candidates, 7 seats) on PostgreSQL.

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/tally.py \
        --database tongxue_bench_tally

It drops, re-creates and fills the database named by ``--database NAME`` (on the server
of DATABASE_URL) or else by DATABASE_URL, and only one whose name contains ``bench``
(``bench/benchdb.py``: ``…/test`` or a working database is never dropped). It writes the
ballots straight into the voting app's ``Ballot`` table with COPY (bit masks and void
reason as the cast path stores them), then times:

* ``tongxue.voting.selectors.electronic_counts`` — the tally the count service runs
  (one ``GROUP BY void_reason`` scan summing ``(yes >> k) & 1`` per candidate);
* the same followed by ``make_tally`` and the domain count
  (``tongxue.domain.counting.count_tally``): the whole count;
* two alternatives: a two-phase aggregation (``GROUP BY void_reason, yes`` in SQL, the
  bits of the at most 2^15 distinct masks summed in Python) and one scan with a
  ``COUNT(*) FILTER (WHERE yes & 2^k <> 0)`` per candidate and no "no" sums (the marks
  form stores no "no" mask);
* for contrast, fetching every row into Python and summing there.

Every method must agree with the counts computed while generating the ballots.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def use_own_database(option: str | None) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/tally.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    return recreate(url, bench_name(url, option, script="bench/tally.py"))


#: Probability that a voter marks each candidate (the first ones are favourites).
POPULARITY = (
    0.70,
    0.65,
    0.60,
    0.58,
    0.55,
    0.53,
    0.50,
    0.35,
    0.30,
    0.25,
    0.20,
    0.15,
    0.10,
)


def generate(n: int, candidates: int, seats: int, seed: int):
    """Yield (tracker, yes mask, void reason) for ``n`` marks-form ballots.

    Candidate ``k`` is marked with probability ``POPULARITY[k]`` (5% beyond the list);
    a ballot marking more than ``seats`` names is void ("too-many-marks"), as the cast
    path would store it.
    """
    rnd = random.Random(seed)
    bits, draw = rnd.getrandbits, rnd.random
    odds = [POPULARITY[k] if k < len(POPULARITY) else 0.05 for k in range(candidates)]
    for _ in range(n):
        mask = 0
        for k, p in enumerate(odds):
            if draw() < p:
                mask |= 1 << k
        value = bits(130)
        tracker = "".join(ALPHABET[(value >> s) & 31] for s in range(0, 130, 5))
        reason = "too-many-marks" if mask.bit_count() > seats else ""
        yield tracker, mask, reason


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=15)
    parser.add_argument("--seats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--repeat", type=int, default=5)
    add_option(parser)
    args = parser.parse_args()
    n, seats = args.candidates, args.seats

    label = use_own_database(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tongxue.domain.counting import ElectionMethod, count_tally
    from tongxue.elections.models import Election, ElectionStatus
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.voting import selectors
    from tongxue.voting.models import Ballot, BallotDefinition

    print(f"database: {label}")
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")

    org = Organisation.objects.create(
        code="BENCH-SU",
        name="基准大学学生会",
        kind=OrgKind.SCHOOL_UNION,
        path="BENCH-SU",
        students_served=30000,
    )
    method = ElectionMethod(seats=seats)
    election = Election.objects.create(
        code="BENCH-TALLY",
        organisation=org,
        title="基准计票",
        post="vice_president",
        seats=seats,
        method=method.to_dict(),
        status=ElectionStatus.CLOSED,
    )
    names = [f"候选人{k + 1:02d}" for k in range(n)]
    BallotDefinition.objects.create(
        election=election,
        candidates=[{"id": k + 1, "name": name} for k, name in enumerate(names)],
        form="marks",
        seats=seats,
        method=method.to_dict(),
        opened_at=timezone.now(),
    )

    # Generate and COPY the ballots; keep the expected counts on the way.
    expected_yes = [0] * n
    expected_valid = expected_void = 0
    t0 = time.perf_counter()
    table = Ballot._meta.db_table
    buffer = io.StringIO()
    for tracker, mask, reason in generate(args.ballots, n, seats, args.seed):
        buffer.write(f"{tracker}\t{election.pk}\t{mask}\t0\t0\t{reason}\n")
        if reason:
            expected_void += 1
        else:
            expected_valid += 1
            for k in range(n):
                expected_yes[k] += (mask >> k) & 1
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    buffer.seek(0)
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {table} (tracker, election_id, yes, no, abstain, void_reason) FROM STDIN"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cursor.execute(f"VACUUM ANALYZE {table}")
    t_copy = time.perf_counter() - t0
    size = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        size = cursor.fetchone()[0]
    print(
        f"ballots: {args.ballots:,} ({expected_valid:,} valid, {expected_void:,} void), "
        f"{n} candidates, {seats} seats; generated in {t_gen:.1f} s, COPY + VACUUM ANALYZE "
        f"in {t_copy:.1f} s; table {size / 2**20:.0f} MiB"
    )

    def check(returned: int, valid: int, yes: list[int]) -> None:
        assert returned == args.ballots, returned
        assert valid == expected_valid, (valid, expected_valid)
        assert list(yes) == expected_yes, (yes, expected_yes)

    # 1. The selector the count service runs.
    import inspect

    # Pass the ballot form when the selector takes it (it then sums no "no" masks).
    takes_form = "form" in inspect.signature(selectors.electronic_counts).parameters
    extra = {"form": "marks"} if takes_form else {}

    def selector():
        return selectors.electronic_counts(election, n, **extra)

    selector()  # warm the cache
    t_sel, counts = best(selector, args.repeat)
    check(counts.returned, counts.valid, counts.yes)
    print(
        f"electronic_counts (SQL, one scan, {n if takes_form else 2 * n} SUM expressions): {t_sel * 1000:.0f} ms"
    )

    # 2. The whole count: selector + Tally + domain count.
    def whole():
        c = selectors.electronic_counts(election, n, **extra)
        tally = selectors.make_tally(
            names,
            form="marks",
            issued=args.ballots,
            returned=c.returned,
            valid=c.valid,
            void_reasons=c.void_reasons,
            yes=c.yes,
        )
        return count_tally(names, tally, method=method, present=args.ballots)

    t_whole, result = best(whole, args.repeat)
    print(
        f"whole count (selector + make_tally + count_tally): {t_whole * 1000:.0f} ms; "
        f"elected {len(result.elected)}, next step "
        f"{result.next_step.kind if result.next_step else None}"
    )

    # 3. Two-phase: GROUP BY the masks in SQL, sum the bits of the distinct masks here.
    # (The marks form stores no "no" mask; the yes/no/abstain form would add a second
    # grouping set: GROUP BY GROUPING SETS ((void_reason, yes), (void_reason, no)).)
    sql = (
        f"SELECT void_reason, yes, 0, COUNT(*) FROM {table} "
        "WHERE election_id = %s GROUP BY void_reason, yes"
    )

    def two_phase():
        with connection.cursor() as cursor:
            cursor.execute(sql, [election.pk])
            rows = cursor.fetchall()
        returned = valid = 0
        yes = [0] * n
        for reason, mask, _no, number in rows:
            returned += number
            if reason:
                continue
            valid += number
            k = 0
            while mask:
                if mask & 1:
                    yes[k] += number
                mask >>= 1
                k += 1
        return returned, valid, yes, len(rows)

    t_two, (returned, valid, yes, groups) = best(two_phase, args.repeat)
    check(returned, valid, yes)
    print(
        f"two-phase (GROUP BY masks in SQL: {groups:,} groups; bits in Python): {t_two * 1000:.0f} ms"
    )

    # 3b. One scan, COUNT(*) FILTER per candidate, yes masks only (the marks form).
    filters = ", ".join(
        f"COUNT(*) FILTER (WHERE yes & {1 << k} <> 0)" for k in range(n)
    )
    sql_filter = (
        f"SELECT void_reason, COUNT(*), {filters} FROM {table} "
        "WHERE election_id = %s GROUP BY void_reason"
    )

    def count_filter():
        with connection.cursor() as cursor:
            cursor.execute(sql_filter, [election.pk])
            rows = cursor.fetchall()
        returned = valid = 0
        yes = [0] * n
        for reason, number, *marks in rows:
            returned += number
            if not reason:
                valid += number
                yes = [a + b for a, b in zip(yes, marks, strict=True)]
        return returned, valid, yes

    t_filter, (returned, valid, yes) = best(count_filter, args.repeat)
    check(returned, valid, yes)
    print(
        f"one scan, {n} COUNT(*) FILTER (yes & bit) (no 'no' sums in the marks form): "
        f"{t_filter * 1000:.0f} ms"
    )

    # 4. Contrast: every row into Python.
    def python_loop():
        yes = [0] * n
        returned = valid = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT yes, void_reason FROM {table} WHERE election_id = %s",
                [election.pk],
            )
            for mask, reason in cursor.fetchall():
                returned += 1
                if reason:
                    continue
                valid += 1
                for k in range(n):
                    yes[k] += (mask >> k) & 1
        return returned, valid, yes

    t_py, (returned, valid, yes) = best(python_loop, 1)
    check(returned, valid, yes)
    print(f"for contrast, every row fetched and summed in Python: {t_py * 1000:.0f} ms")

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
    print(f"(best of {args.repeat}; max_parallel_workers_per_gather = {workers})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
