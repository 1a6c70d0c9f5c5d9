"""Benchmark: the union's evaluation at province scale (#18, TRN-2).

Prints figures; asserts nothing about time. Usage (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/survey.py --database tongxue_bench_survey

It drops and re-creates the database named by ``--database`` (or by DATABASE_URL; the
name must contain ``bench``: ``bench/benchdb.py``), then:

1. Migrates and builds a union of a school with ``--departments`` departments and a
   survey of the standard template (``services.create_survey``) open to
   ``--students`` (2,500,000) eligible students in 4 grades: the people and their
   eligible rows are generated in SQL (``INSERT … SELECT generate_series``), the first
   ``--answers`` + ``--doubles`` with accounts; the survey is set open directly (the
   opening service, which lists the students in Python, is not part of this figure).
   Each answering student gets the answer token the answer page hands out
   (``tongxue.surveys.tokens.issue``).
2. Starts the production server — granian with ``deploy/granian.env`` and production
   settings, as bench/casting.py does (its server command, CPU samplers and load
   generator are imported from it) — and posts ``--answers`` answers with ``--clients``
   keep-alive clients: ``POST /surveys/<id>/answer/`` with ``X-Survey-Token``,
   ``Accept: application/json`` and a realistic JSON answer set. Prints answers/s,
   latency percentiles, CPU per answer (server, PostgreSQL, load generator) and the
   load average; then checks in the database: participations = responses =
   acknowledged answers (none lost, none doubled).
3. Concurrent double submissions: ``--doubles`` students each submit twice at once
   (the two requests adjacent in the queue, on different connections): one 200 and one
   409 ``already-answered`` each, one participation and one response each.
4. Fills the responses up to ``--responses`` (2,500,000) less ``--remainder`` with
   realistic answers (SQL, the rows the answer statement writes: not counted yet) and
   times the results' counting on PostgreSQL
   (``tongxue.surveys.aggregation.aggregate_sql``, ``--repeat`` runs: min / median /
   max and the load average): first with nothing folded (one statement over them all,
   the close before the partial tally); with ``--typed`` the same counts over typed
   answers (design (a), a scratch table); then the fold of them all (the periodic
   work's cost), then ``--remainder`` (60,000: a minute of answers at 1,000/s) more
   not folded, and the close's counting (the partial tally plus one statement over
   those) without and with the keyword grouping of the texts; checks the numbers
   against one statement over every response; and, for comparison, the Python
   aggregation of the close (``tongxue.domain.surveys.aggregate``) over the first
   ``--python-rows`` rows (extrapolated).

Data generation runs under ``nice -n 19`` (this process re-nices itself around it); the
HTTP measurement at the priority the script was started with.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import benchdb  # noqa: E402
import casting  # noqa: E402  (the load generator, server command, CPU samplers)

SECRET = "bench-survey-not-secret-" + "k" * 40
GRADES = (2022, 2023, 2024, 2025)


# --- realistic answers -----------------------------------------------------------


def answer_set(rnd: random.Random) -> dict:
    """An answer set of the standard template: scales leaning to 3-4, choices with
    their plausible shares, a text from one in ten."""

    def scale() -> int:
        return rnd.choices((1, 2, 3, 4, 5), (5, 10, 30, 35, 20))[0]

    out: dict = {
        "aw_work": scale(),
        "aw_open": scale(),
        "aw_reach": rnd.choices(("yes", "unsure", "no"), (60, 25, 15))[0],
        "aw_sources": sorted(
            rnd.sample(
                ("accounts", "site", "class", "notices", "friends"), rnd.randint(1, 3)
            )
        ),
        "pa_count": rnd.choices(("0", "1-2", "3-5", "6+"), (20, 45, 25, 10))[0],
        "pa_ways": sorted(
            rnd.sample(
                ("activities", "elections", "concerns", "projects"), rnd.randint(1, 2)
            )
        ),
        "pa_voice": scale(),
        "sa_overall": scale(),
        "sa_rights": scale(),
        "sa_activities": scale(),
        "sa_cadres": scale(),
    }
    if rnd.random() < 0.1:
        out["sa_better"] = rnd.choice(
            ("多办活动", "食堂价格太高", "宿舍热水时间短", "公开财务", "图书馆座位不够")
        )
    return out


#: The same distribution in SQL (the responses filled for the aggregation).
_FILL_SQL = """
INSERT INTO surveys_response (id, survey_id, department_id, grade, answers)
SELECT gen_random_uuid(), %(survey)s, d.ids[1 + (g %% array_length(d.ids, 1))],
       (%(grades)s::int[])[1 + (g / 7) %% 4],
       jsonb_strip_nulls(jsonb_build_object(
         'aw_work', s[1], 'aw_open', s[2], 'pa_voice', s[3], 'sa_overall', s[4],
         'sa_rights', s[5], 'sa_activities', s[6], 'sa_cadres', s[7],
         'aw_reach', (ARRAY['yes','yes','yes','unsure','no'])[1 + (g * 7) %% 5],
         'aw_sources', (ARRAY['["site"]','["accounts", "class"]','["notices"]',
                              '["accounts", "site", "friends"]'])[1 + (g * 3) %% 4]::jsonb,
         'pa_count', (ARRAY['0','1-2','1-2','3-5','6+'])[1 + (g * 11) %% 5],
         'pa_ways', (ARRAY['["activities"]','["activities", "projects"]',
                           '["elections"]'])[1 + (g * 5) %% 3]::jsonb,
         'sa_better', CASE WHEN g %% 10 = 0 THEN
           (ARRAY['多办活动','食堂价格太高','宿舍热水时间短','公开财务','图书馆座位不够'])
           [1 + (g / 10) %% 5]
           || (ARRAY['', '，希望改进', '，谢谢', '，尽快解决', '，学生会加油',
                     '，多听同学意见', '，第' || ((g / 350) %% 300) || '次提了'])
           [1 + (g / 50) %% 7] END))
FROM generate_series(1, %(n)s) AS g,
     LATERAL (SELECT ARRAY(SELECT (ARRAY[1,2,3,3,3,4,4,4,4,5,5])[1 + ((g * p * 2654435761) %% 11)]
                            FROM generate_series(1, 7) AS p) AS s) AS sc,
     (SELECT array_agg(id ORDER BY id) AS ids FROM organisations_organisation
       WHERE parent_id = %(school)s AND kind = 'department_union') AS d
"""


# --- data ------------------------------------------------------------------------


def build(args):
    """The union, its departments, the survey, the people and eligible rows."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from tests.factories import (
        OrganisationFactory,
        RoleFactory,
        SchoolFactory,
        UserFactory,
    )
    from tongxue.organisations.models import OrgKind
    from tongxue.surveys import services
    from tongxue.surveys.models import Survey

    school = SchoolFactory(code="BSCH", name="基准省高校")
    union = OrganisationFactory(code="BSU", name="基准省高校学生会", parent=school)
    for i in range(args.departments):
        OrganisationFactory(
            code=f"BD{i:03d}",
            name=f"基准院系{i:03d}学生会",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=school,
        )
    admin = UserFactory(username="bench_admin")
    RoleFactory(user=admin, organisation=union)
    survey = services.create_survey(
        actor=admin,
        organisation=union,
        code="2026-省评议",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )
    password = make_password(None)  # one unusable password for every bench account
    accounts = args.answers + args.doubles + 100  # + the warm-up's
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name,"
            " last_name, email, is_staff, is_active, date_joined)"
            " SELECT %s, false, 'bs' || g, '', '', '', false, true, now()"
            " FROM generate_series(1, %s) AS g",
            [password, accounts],
        )
        cursor.execute(
            "INSERT INTO organisations_person (ident, name, kind, student_number,"
            " gender, ethnicity, department_id, grade, enrolment, user_id)"
            " SELECT 'BS' || lpad(g::text, 8, '0'), '学生' || g, 'student', '', '', '',"
            " d.ids[1 + (g %% array_length(d.ids, 1))], (%s::int[])[1 + (g / 7) %% 4],"
            " 'enrolled', u.id"
            " FROM generate_series(1, %s) AS g"
            " LEFT JOIN auth_user u ON u.username = 'bs' || g,"
            " (SELECT array_agg(id ORDER BY id) AS ids FROM organisations_organisation"
            "  WHERE parent_id = %s AND kind = 'department_union') AS d",
            [list(GRADES), args.students, school.pk],
        )
        cursor.execute(
            "INSERT INTO surveys_eligible (survey_id, person_id, department_id, grade)"
            " SELECT %s, id, department_id, grade FROM organisations_person"
            " WHERE ident LIKE 'BS%%'",
            [survey.pk],
        )
        cursor.execute("ANALYZE")
    Survey.objects.filter(pk=survey.pk).update(
        status="open",
        eligible_count=args.students,
        min_group_size=10,
        opened_at=timezone.now(),
    )
    survey.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, u.id FROM organisations_person p JOIN auth_user u"
            " ON u.id = p.user_id WHERE u.username LIKE 'bs%%' ORDER BY p.id"
        )
        people = cursor.fetchall()
    return SimpleNamespace(
        school=school,
        union=union,
        admin=admin,
        survey=survey,
        people=people,
        password=password,
    )


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def nice_backend() -> None:
    """Data generation runs in PostgreSQL's backend: nice it too (when allowed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        os.setpriority(os.PRIO_PROCESS, pid, 19)
    except OSError:
        print("   (could not nice the PostgreSQL backend of the data generation)")


def tokens_for(setup, people):
    from tongxue.surveys import tokens

    return [
        tokens.issue(
            user=SimpleNamespace(pk=account, password=setup.password),
            person_id=person,
            survey_id=setup.survey.pk,
        )
        for person, account in people
    ]


# --- the load --------------------------------------------------------------------


class _Answer(casting._Connection):
    """bench/casting.py's client, reading a survey answer (no tracker: the status)."""

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            self.buffer = buffer
            return
        head = buffer[:end]
        match = casting._CONTENT_LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        if len(buffer) < end + 4 + length:
            self.buffer = buffer
            return
        answer = buffer[end + 4 : end + 4 + length]
        self.buffer = buffer[end + 4 + length :]
        elapsed = time.perf_counter() - self.t0
        self.waiting = False
        status = int(head[9:12])
        code = b"" if status == 200 else json.loads(answer).get("code", "").encode()
        self.load.results.append((elapsed, status, code))
        if casting._CONNECTION_CLOSE.search(head):
            self.transport.close()
        else:
            self.send_next()


casting._Connection = _Answer  # casting.load() builds its clients from this name


def serve_and_load(*, argv, env, phases, path, url, args, workdir):
    """Start the server, warm it up, run each (label, work, clients) phase; stop it."""
    log = (workdir / "server.log").open("a")
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out = []
    try:
        casting.wait_for_port(args.port)
        time.sleep(2)
        for label, work, clients in phases:
            app_sampler = casting.CpuSampler(lambda: casting.children(server.pid))
            db_sampler = casting.CpuSampler(casting.backend_lister(url))
            cpu0 = time.process_time()
            n = len(work)
            results, wall, errors = asyncio.run(
                casting.load(
                    port=args.port,
                    path=path,
                    work=work,
                    clients=clients,
                    time_limit=args.time_limit,
                )
            )
            generator_cpu = time.process_time() - cpu0
            app_cpu, db_cpu = app_sampler.total(), db_sampler.total()
            load = loadavg()
            statuses: dict = {}
            for _, status, code in results:
                key = status if status == 200 else f"{status} {code.decode()}"
                statuses[key] = statuses.get(key, 0) + 1
            ok = sum(1 for _, s, _ in results if s == 200)
            lat = sorted(e for e, _, _ in results)
            per = 1000 / max(1, len(results))
            print(
                f"  {label}: {clients} keep-alive clients, {n:,} requests, "
                f"{len(results):,} answered in {wall:.2f} s, statuses {statuses}, "
                f"connection errors {errors}"
            )
            if label != "warm-up":
                print(
                    f"    answers/s: {ok / wall:,.0f} (200s / wall time); latency p50 "
                    "{:.0f} ms, p90 {:.0f} ms, p99 {:.0f} ms, max {:.0f} ms".format(
                        *(casting.percentile(lat, p) * 1000 for p in (50, 90, 99, 100))
                    )
                )
                print(
                    f"    CPU per request: server {app_cpu * per:.2f} ms, PostgreSQL "
                    f"{db_cpu * per:.2f} ms, load generator {generator_cpu * per:.2f} ms;"
                    f" load average at the end {load}"
                )
            out.append((results, ok))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return out


# --- aggregation ---------------------------------------------------------------


def _fill_responses(setup, n: int, base_nice: int) -> float:
    """Write ``n`` more responses (``_FILL_SQL``: what the answer statement writes, not
    counted yet) under nice 19; return the seconds."""
    from django.db import connection

    t0 = time.perf_counter()
    os.setpriority(os.PRIO_PROCESS, 0, 19)
    nice_backend()
    with connection.cursor() as cursor:
        cursor.execute(
            _FILL_SQL,
            {
                "survey": setup.survey.pk,
                "n": n,
                "school": setup.school.pk,
                "grades": list(GRADES),
            },
        )
        cursor.execute("ANALYZE surveys_response")
    connection.close()  # the timings on a new backend, at the starting priority
    os.setpriority(os.PRIO_PROCESS, 0, base_nice)
    return time.perf_counter() - t0


def _runs(label: str, work, repeat: int):
    """Run ``work`` ``repeat`` times; print min / median / max and the load averages."""
    times, loads, out = [], [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t0)
        loads.append(loadavg().split()[0])
    ordered = sorted(times)
    print(
        f"   {label}: min / median / max "
        f"{ordered[0] * 1000:,.0f} / {ordered[len(ordered) // 2] * 1000:,.0f} / "
        f"{ordered[-1] * 1000:,.0f} ms (in order: "
        + ", ".join(f"{t * 1000:,.0f}" for t in times)
        + f"); load average (1 min) at each end: {', '.join(loads)}"
    )
    return out


def _typed_slots(questions) -> list[tuple[Any, str]]:
    """Design (a), measured and not chosen: each closed answer as a small integer (a
    scale's point, a single choice's option number, a multiple choice's options as a
    bit mask, 1 for a text), computed here from the ``jsonb`` as the answer statement
    would have written it."""
    from tongxue.domain import surveys as ds

    def lit(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"

    out = []
    for q in questions:
        key = lit(q.key)
        opts = "ARRAY[" + ", ".join(lit(o) for o in q.option_keys()) + "]::text[]"
        if q.kind == ds.QuestionKind.SCALE:
            expr = f"(answers ->> {key})::smallint"
        elif q.kind == ds.QuestionKind.SINGLE:
            expr = f"array_position({opts}, answers ->> {key})::smallint"
        elif q.kind == ds.QuestionKind.MULTIPLE:
            expr = (
                f"CASE WHEN answers ? {key} THEN (SELECT coalesce(sum(1 << "
                f"(array_position({opts}, o) - 1)), 0) FROM "
                f"jsonb_array_elements_text(answers -> {key}) o)::smallint END"
            )
        else:
            expr = f"CASE WHEN answers ? {key} THEN 1 END::smallint"
        out.append((q, expr))
    return out


def _typed_counts(questions, ref) -> str:
    from tongxue.domain import surveys as ds

    cols = []
    for i, q in enumerate(questions, 1):
        x = ref(i)
        cols.append(f"count({x})")
        if q.kind == ds.QuestionKind.SCALE:
            cols.append(f"sum({x})")
            cols += [
                f"count(*) FILTER (WHERE {x} = {p})"
                for p in range(1, ds.SCALE_POINTS + 1)
            ]
        elif q.kind == ds.QuestionKind.SINGLE:
            cols += [
                f"count(*) FILTER (WHERE {x} = {n})"
                for n in range(1, len(q.options) + 1)
            ]
        elif q.kind == ds.QuestionKind.MULTIPLE:
            cols += [
                f"count(*) FILTER (WHERE ({x} & {1 << b}) <> 0)"
                for b in range(len(q.options))
            ]
    return ", ".join(cols)


def time_typed(setup, questions, args, base_nice: int) -> None:
    """Design (a): the same counts over typed answers (a scratch table made from the
    responses: a ``smallint[]`` of the closed answers, and the same as plain columns)."""
    from django.db import connection

    slots = _typed_slots(questions)
    n = len(slots)
    t0 = time.perf_counter()
    os.setpriority(os.PRIO_PROCESS, 0, 19)
    nice_backend()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_typed")
        cursor.execute(
            "CREATE TABLE bench_typed AS SELECT survey_id, department_id, grade, "
            "ARRAY["
            + ", ".join(e for _q, e in slots)
            + "]::smallint[] AS a, "
            + ", ".join(f"{e} AS c{i}" for i, (_q, e) in enumerate(slots, 1))
            + " FROM surveys_response WHERE survey_id = %s",
            [setup.survey.pk],
        )
        cursor.execute("VACUUM ANALYZE bench_typed")
    connection.close()
    os.setpriority(os.PRIO_PROCESS, 0, base_nice)
    print(
        f"   design (a), typed answers: scratch table of {n} small integers a response "
        f"made in {time.perf_counter() - t0:.0f} s (under nice)"
    )
    group = " FROM {src} WHERE survey_id = %s GROUP BY department_id, grade"
    unpacked = (
        "(SELECT survey_id, department_id, grade, "
        + ", ".join(f"a[{i}] AS s{i}" for i in range(1, n + 1))
        + " FROM bench_typed OFFSET 0) t"
    )
    statements = {
        "a smallint[], each answer read from the array": "SELECT department_id, "
        "grade, count(*), "
        + _typed_counts(questions, lambda i: f"a[{i}]")
        + group.format(src="bench_typed"),
        "a smallint[] unpacked once per row": "SELECT department_id, grade, "
        "count(*), "
        + _typed_counts(questions, lambda i: f"s{i}")
        + group.format(src=unpacked),
        "a smallint column per question": "SELECT department_id, grade, count(*), "
        + _typed_counts(questions, lambda i: f"c{i}")
        + group.format(src="bench_typed"),
    }

    def run(sql: str):
        def work():
            with connection.cursor() as cursor:
                cursor.execute(sql, [setup.survey.pk])
                return cursor.fetchall()

        return work

    for label, sql in statements.items():
        _runs(label, run(sql), args.repeat)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_typed")


def time_aggregation(setup, args, base_nice: int) -> None:
    from django.db import connection

    from tongxue.domain import surveys as ds
    from tongxue.organisations.models import Organisation
    from tongxue.surveys import aggregation, text
    from tongxue.surveys.models import PartialText, Response

    survey = setup.survey
    questions = ds.questions_from(survey.questions)
    have = Response.objects.filter(survey=survey).count()
    rest = min(args.remainder, max(0, args.responses - have))
    fill = max(0, args.responses - rest - have)
    seconds = _fill_responses(setup, fill, base_nice)
    total = have + fill
    print(
        f"4. results of {total + rest:,} responses: {fill:,} filled in SQL as the "
        f"answer statement writes them ({seconds:.0f} s, under nice)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('surveys_response'))"
        )
        print(f"   surveys_response: {cursor.fetchone()[0]}")

    def counts():
        return aggregation.aggregate_sql(survey, questions, min_group=10)

    def results():
        return aggregation.aggregate_sql(
            survey,
            questions,
            min_group=10,
            tokenize=text.keywords,
            public_text=text.public_text,
        )

    _runs(
        f"before the fold, one statement over all {total:,} (the close before this "
        "change; counts, texts read)",
        counts,
        args.repeat,
    )
    if args.typed:
        time_typed(setup, questions, args, base_nice)
    # The fold: what the periodic work does, every minute, while the survey is open.
    t0 = time.perf_counter()
    folded = aggregation.fold(survey.pk, limit=total)
    t_fold = time.perf_counter() - t0
    print(
        f"   the fold of {folded:,} responses at once (spread over the days the survey "
        f"is open: every minute, the minute's answers): {t_fold:.1f} s, "
        f"{folded / max(t_fold, 1e-9):,.0f} responses/s, "
        f"{PartialText.objects.filter(survey=survey).count():,} texts kept with their "
        f"keywords; load average {loadavg()}"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE surveys_response")
    print(f"   a close after the last day: all {total:,} folded")
    _runs("     the counts (the partial tally)", counts, args.repeat)
    _runs(
        "     the close's results (and the texts grouped by keyword)",
        results,
        args.repeat,
    )
    seconds = _fill_responses(setup, rest, base_nice)
    print(
        f"   a close while students still answer: {total:,} folded and {rest:,} not "
        f"yet (the last minute's answers at 1,000 a second; filled in {seconds:.0f} s)"
    )
    sums = _runs(
        f"     the counts (the partial tally + one statement over the {rest:,})",
        counts,
        args.repeat,
    )
    full = _runs(
        "     the close's results (and the texts grouped by keyword: the fold's "
        "keywords, jieba for the rest)",
        results,
        args.repeat,
    )
    # The same numbers as one statement over every response, folded or not.
    sql, meaning = aggregation._statement(
        questions, rows="surveys_response", where=" WHERE r.survey_id = %s"
    )
    with connection.cursor() as cursor:
        groups, _texts, _n = aggregation._count(cursor, sql, meaning, [survey.pk])
    codes = dict(
        Organisation.objects.filter(
            pk__in={d for d, _g in groups if d is not None}
        ).values_list("pk", "code")
    )
    whole = ds.results_from(
        questions, aggregation.tally_of(questions, groups, codes), min_group=10
    )
    same = whole.as_dict() == sums.as_dict()
    print(
        f"   check: the same numbers as one statement over all {total + rest:,}: "
        + ("yes" if same else "NO")
    )
    print(
        f"   responses {sums.responses:,}, dimensions {dict(sums.dimensions)}, "
        f"departments shown {len(sums.by_department)}, grades shown "
        f"{len(sums.by_grade)}, keyword groups "
        f"{sum(len(v) for v in full.keywords.values())}"
    )
    n = min(args.python_rows, total)
    t0 = time.perf_counter()
    rows = list(
        Response.objects.filter(survey=survey).values_list(
            "department_id", "grade", "answers"
        )[:n]
    )
    t_fetch = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds.aggregate(
        questions,
        (ds.Response(str(d) if d else None, g, a) for d, g, a in rows),
        min_group=10,
    )
    t_py = time.perf_counter() - t0
    scale = (total + rest) / max(1, n)
    print(
        f"   for comparison, the close's Python aggregation over {n:,} rows: read "
        f"{t_fetch:.1f} s + aggregate {t_py:.1f} s, so about "
        f"{(t_fetch + t_py) * scale:.0f} s for {total + rest:,}"
    )


# --- main ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    benchdb.add_option(parser)
    parser.add_argument("--students", type=int, default=2_500_000)
    parser.add_argument("--departments", type=int, default=100)
    parser.add_argument("--answers", type=int, default=30_000)
    parser.add_argument("--doubles", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--port", type=int, default=18471)
    parser.add_argument("--responses", type=int, default=2_500_000)
    parser.add_argument("--python-rows", type=int, default=100_000)
    parser.add_argument(
        "--remainder",
        type=int,
        default=60_000,
        help="responses not folded at the close (default: a minute at 1,000/s)",
    )
    parser.add_argument(
        "--typed",
        action="store_true",
        help="also time design (a): the counts over typed answers (a scratch table)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--server", default="granian")
    parser.add_argument("--gunicorn-conf", default="")
    args = parser.parse_args()

    url0 = os.environ.get("DATABASE_URL", "")
    if not benchdb.is_postgres(url0):
        sys.exit("bench/survey.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    name = benchdb.bench_name(url0, args.database, script="bench/survey.py")
    label = benchdb.recreate(url0, name)
    url = os.environ["DATABASE_URL"]
    env = casting.production_environment(args.port)
    env["SECRET_KEY"] = SECRET
    granian_env = casting.deploy_env(ROOT / "deploy" / "granian.env")
    env.update(granian_env)
    workers = int(granian_env.get("GRANIAN_WORKERS", "1"))
    threads = int(granian_env.get("GRANIAN_BLOCKING_THREADS", "8"))
    os.environ.update(
        {k: env[k] for k in ("TONGXUE_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tongxue.surveys.models import Participation, Response

    print(
        f"database: {label}; machine: {os.cpu_count()} CPUs; load average {loadavg()}"
    )
    base_nice = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, 19)  # data generation: nice 19
    nice_backend()
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    setup = build(args)
    print(
        f"1. setup: {args.students:,} students in {args.departments} departments × "
        f"{len(GRADES)} grades, {len(setup.people):,} with accounts, survey "
        f"{setup.survey.pk} open to {args.students:,} ({time.perf_counter() - t0:.0f} s,"
        " under nice)"
    )
    connection.close()
    rnd = random.Random(args.seed)
    path = f"/surveys/{setup.survey.pk}/answer/"
    people = setup.people
    warm = people[:100]
    main_people = people[100 : 100 + args.answers]
    doubles = people[100 + args.answers : 100 + args.answers + args.doubles]
    t0 = time.perf_counter()
    toks = tokens_for(setup, warm + main_people + doubles)
    print(f"   answer tokens issued: {len(toks):,} ({time.perf_counter() - t0:.1f} s)")

    def work_of(ts):
        return [
            (f"X-Survey-Token: {t}\r\n", json.dumps(answer_set(rnd)).encode())
            for t in ts
        ]

    warm_work = work_of(toks[:100])
    main_work = work_of(toks[100 : 100 + len(main_people)])
    double_work = []
    for item in work_of(toks[100 + len(main_people) :]):
        double_work += [item, item]  # the same student twice, at once
    if not args.skip_http:
        # For the load the priority the script was started with.
        if base_nice < 19:
            print(
                "   (HTTP measurement: the server is started at the priority the "
                f"script was started with, nice {base_nice})"
            )
        workdir = Path(tempfile.mkdtemp(prefix="tongxue-bench-survey-"))
        argv = casting.server_argv(args, workers, threads)
        server_env = dict(env)
        print(
            f"2. answering over HTTP: POST {path} (X-Survey-Token, JSON), granian "
            f"{workers} worker × {threads} threads, production settings"
        )
        # the server runs at the script's starting priority (preexec in Popen is
        # not used: the priority is set back for the duration of the load)
        if base_nice < 19:
            try:
                os.setpriority(os.PRIO_PROCESS, 0, base_nice)
            except PermissionError:
                print("   (could not lower nice back: the HTTP run is niced too)")
        (_, warm_ok), (_, main_ok), (dbl_res, dbl_ok) = serve_and_load(
            argv=argv,
            env=server_env,
            phases=[
                ("warm-up", warm_work, 20),
                ("answers", main_work, args.clients),
                ("3. double submissions", double_work, args.clients),
            ],
            path=path,
            url=url,
            args=args,
            workdir=workdir,
        )
        os.setpriority(os.PRIO_PROCESS, 0, 19)
        participations = Participation.objects.filter(survey=setup.survey).count()
        responses = Response.objects.filter(survey=setup.survey).count()
        acked = warm_ok + main_ok + dbl_ok
        refused_twice = sum(
            1 for _, s, c in dbl_res if s == 409 and c == b"already-answered"
        )
        dbl_people = {p for p, _ in doubles}
        dbl_rows = Participation.objects.filter(
            survey=setup.survey, person_id__in=dbl_people
        ).count()
        ok = participations == responses == acked
        print(
            f"   check: acknowledged {acked:,}, participations {participations:,}, "
            f"responses {responses:,}: "
            + ("OK (none lost, none doubled)" if ok else "MISMATCH")
        )
        ok2 = dbl_ok == len(doubles) == refused_twice == dbl_rows
        print(
            f"   double submissions: {len(doubles):,} students × 2 at once: "
            f"{dbl_ok:,} answered, {refused_twice:,} refused as already answered, "
            f"{dbl_rows:,} participations: " + ("OK (one each)" if ok2 else "MISMATCH")
        )
        print(f"   (server log: {workdir / 'server.log'})")
    time_aggregation(setup, args, base_nice)
    return 0


if __name__ == "__main__":
    sys.exit(main())
