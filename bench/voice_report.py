"""Benchmark: a term report to the school for a 20,000-student school (#17, RGT-1).

Prints figures; asserts nothing about time. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \
        bench/voice_report.py --database tongxue_bench_voice_report

It drops, re-creates and fills the database named by ``--database NAME`` (on the server
of DATABASE_URL) or else by DATABASE_URL, and only one whose name contains ``bench``
(``bench/benchdb.py``). Without a PostgreSQL URL it uses an SQLite file in a temporary
folder. It builds one school (20,000 students, 20 departments, 8 school offices, the
union's 13 usual categories) and ``--concerns`` (20,000) concerns raised over the
spring term 2026 (1 March – 31 August), plus 10 % as many raised in the autumn term
before (some still open or overdue) and a submitted report on that term with 150
items. Titles are drawn from some 300 realistic complaints (a place, an issue, a
detail), their words segmented by jieba as raising stores them; states, ratings,
deadlines kept and missed, sensitive ones, ones about a cadre and supporters are
drawn with fixed odds (``--seed``). Then, judged on 2026-09-07:

* **the job**: ``start_generation`` and the job run in this process
  (``tongxue.jobs.testing.run_queued_jobs``, the loop of ``tongxue worker --batch``):
  start to done, the way a union officer waits for it — ``--repeat`` times (a draft is
  generated again each time);
* its parts: reading the rows (the two queries), :func:`tongxue.voice.reports.build`
  (counts, rates, topics, lists), and the time to load jieba's dictionary once in a
  fresh worker (measured before anything else touched jieba);
* rendering the stored report: the Excel file and the PDF (WeasyPrint), in Chinese.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402

_PLACES = (
    "一食堂 二食堂 三食堂 清真食堂 东区宿舍 西区宿舍 7号楼 12号楼 研究生公寓 图书馆 "
    "教学楼A座 实验楼 体育馆 操场 校医院 北门 南门 快递点 浴室 自习室 校车站 超市"
)
PLACES = _PLACES.split()
ISSUES = {
    "food": [
        "饭菜太贵",
        "饭菜有头发",
        "窗口排队太久",
        "饭菜分量少",
        "餐具不干净",
        "营业时间太短",
        "菜品太单一",
    ],
    "housing": [
        "热水器坏了",
        "空调漏水",
        "空调不制冷",
        "晚上断电",
        "洗衣机坏了",
        "门禁卡失灵",
        "楼道灯坏了",
        "有老鼠",
    ],
    "teaching": [
        "老师经常调课",
        "投影仪坏了",
        "选课系统崩溃",
        "教材发放太晚",
        "课程安排冲突",
    ],
    "exams": ["考试安排冲突", "成绩公布太晚", "补考时间不合理", "监考不严"],
    "fees": ["奖学金评定不透明", "助学金发放延迟", "住宿费收费不合理", "退费太慢"],
    "safety": ["路灯不亮", "电动车乱停", "陌生人进出宿舍", "消防通道堵塞"],
    "network": ["校园网网速太慢", "校园网经常断网", "无线网络信号差", "校园网收费太贵"],
    "transport": ["校车班次太少", "校车太挤", "共享单车太少", "停车位不足"],
    "mental": ["心理压力很大", "失眠焦虑", "心理咨询预约不上"],
    "hardship": ["家庭经济困难", "生活费不够", "勤工助学岗位太少"],
    "harassment": ["被人骚扰", "受到歧视"],
    "cadre": ["学生干部态度差", "班干部克扣班费", "学生会干部不作为"],
    "other": ["快递丢失", "自动售货机吞钱", "体育馆开放时间太短", "图书馆座位不够"],
}
DETAILS = (
    "，已经好几天了",
    "，希望尽快处理",
    "，影响学习和休息",
    "，很多同学都有这个问题",
    "，反映过几次没有结果",
    "",
)
#: Category weights (how often students raise each), the office taking it.
WEIGHTS = {
    "food": 22, "housing": 24, "teaching": 10, "exams": 6, "fees": 5, "safety": 4,
    "network": 10, "transport": 5, "mental": 3, "hardship": 2, "harassment": 1,
    "cadre": 2, "other": 6,
}  # fmt: skip
OFFICES = {
    "HQ": ("后勤处", ["food", "housing", "transport", "other"]),
    "JW": ("教务处", ["teaching", "exams"]),
    "XS": ("学生处", ["fees", "hardship"]),
    "CW": ("财务处", []),
    "BW": ("保卫处", ["safety"]),
    "WL": ("网络信息中心", ["network"]),
    "TS": ("图书馆", []),
    "XL": ("心理健康教育中心", ["mental"]),
}
AS_OF = dt.date(2026, 9, 7)
TERM = (dt.date(2026, 3, 1), dt.date(2026, 8, 31))
EARLIER = (dt.date(2025, 9, 1), dt.date(2026, 2, 28))


def setup_database(option: str | None) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres(url):
        return recreate(url, bench_name(url, option, script="bench/voice_report.py"))
    folder = tempfile.mkdtemp(prefix="tongxue-bench-voice-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    return f"SQLite file in {folder}"


def spread(times: list[float]) -> str:
    return (
        f"min {min(times):.2f} s / median {statistics.median(times):.2f} s / "
        f"max {max(times):.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concerns", type=int, default=20_000)
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    add_option(parser)
    args = parser.parse_args()
    label = setup_database(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)

    # jieba's dictionary, loaded once per worker process (before anything else does)
    t0 = time.perf_counter()
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    t_jieba = time.perf_counter() - t0

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from tongxue.core import exports
    from tongxue.jobs.models import Job
    from tongxue.jobs.testing import run_queued_jobs
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.organisations.paths import path_for
    from tongxue.voice import report_files, report_services, reports
    from tongxue.voice.models import (
        Category,
        Concern,
        ReportItem,
        SchoolReport,
        Visibility,
    )
    from tongxue.voice.services import ensure_default_categories
    from tongxue.voice.text import token_string, tokens

    print(f"database: {label}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")

    def org(code: str, name: str, kind: str, parent=None, served=None):  # type: ignore[no-untyped-def]
        return Organisation.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            path=path_for(parent.path if parent else None, code),
            students_served=served,
        )

    rnd = random.Random(args.seed)
    t0 = time.perf_counter()
    province = org("BPF", "基准省学联", OrgKind.PROVINCIAL_FEDERATION)
    school = org("BSCH", "基准大学", OrgKind.SCHOOL, province, args.students)
    union = org("BSU", "基准大学学生会", OrgKind.SCHOOL_UNION, school, args.students)
    depts = [
        org(
            f"BD{k:02d}",
            f"第{k}学院学生会",
            OrgKind.DEPARTMENT_UNION,
            union,
            args.students // 20,
        )
        for k in range(1, 21)
    ]
    offices = {
        code: org(f"B{code}", name, OrgKind.SCHOOL_OFFICE, school)
        for code, (name, _cats) in OFFICES.items()
    }
    ensure_default_categories(union)
    cats = {c.code: c for c in Category.objects.filter(union=union)}
    office_of = {cat: offices[code] for code, (_n, cs) in OFFICES.items() for cat in cs}
    words_cache: dict[str, str] = {}
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]

    def draw_concern(number: int, span: tuple[dt.date, dt.date]) -> Concern:
        cat = rnd.choices(codes, weights)[0]
        issue = rnd.choice(ISSUES[cat])
        place = rnd.choice(PLACES)
        title = f"{place}{issue}"
        body = title + rnd.choice(DETAILS)
        words = words_cache.get(body)
        if words is None:
            words = words_cache[body] = token_string(tokens(body))
        days = (span[1] - span[0]).days
        raised = span[0] + dt.timedelta(days=rnd.randrange(days + 1))
        ack_due = raised + dt.timedelta(days=3)
        answer_due = raised + dt.timedelta(days=14)
        sensitive = cats[cat].sensitive
        handler = (
            union
            if sensitive or cat == "cadre"
            else rnd.choice([office_of.get(cat, union), union, rnd.choice(depts)])
        )
        # where it stands on AS_OF
        roll = rnd.random()
        age = (AS_OF - raised).days
        if age < 20 and roll < 0.5:
            status = rnd.choice(["received", "in_hand"])
        elif roll < 0.03:
            status = "merged"
        elif roll < 0.05:
            status = "withdrawn"
        elif roll < 0.12:
            status = rnd.choice(["received", "in_hand", "reopened"])
        elif roll < 0.20:
            status = "answered"
        else:
            status = "closed"
        acked = answered = closed = None
        rating = ""
        if status not in ("received", "merged", "withdrawn"):
            acked = raised + dt.timedelta(days=rnd.choice([0, 1, 1, 2, 3, 5]))
        if status in ("answered", "closed"):
            answered = acked + dt.timedelta(days=rnd.choice([2, 4, 6, 9, 12, 20]))
        if status == "closed":
            closed = answered + dt.timedelta(days=rnd.randrange(1, 8))
            rating = rnd.choices(
                ["satisfied", "basically", "unsatisfied", ""], [55, 25, 10, 10]
            )[0]
        supporters = 0
        if rnd.random() < 0.3:
            supporters = min(int(rnd.paretovariate(1.3)), 400)

        def aware(day: dt.date | None) -> dt.datetime | None:
            if day is None:
                return None
            return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))

        return Concern(
            union=union,
            number=number,
            title=title,
            body=body,
            public_title=title,
            public_body=body,
            tokens=words,
            category=cats[cat],
            place=place,
            visibility=rnd.choices(
                [Visibility.PUBLIC, Visibility.PRIVATE, Visibility.ANONYMOUS],
                [60, 30, 10],
            )[0],
            sensitive=sensitive,
            status=status,
            handler=handler,
            raised_at=aware(raised),
            acknowledge_due=ack_due,
            answer_due=answer_due,
            acknowledged_at=aware(acked),
            answered_at=aware(answered),
            closed_at=aware(closed),
            rating=rating,
            verified=status == "closed" and not rating and rnd.random() < 0.5,
            supporters=supporters,
        )

    earlier = [draw_concern(n, EARLIER) for n in range(1, args.concerns // 10 + 1)]
    first = len(earlier) + 1
    rows = [draw_concern(first + n, TERM) for n in range(args.concerns)]
    with transaction.atomic():
        Concern.objects.bulk_create(earlier + rows, batch_size=2000)
        prev = SchoolReport.objects.create(
            union=union,
            kind="term",
            period_start=EARLIER[0],
            period_end=EARLIER[1],
            as_of=dt.date(2026, 3, 5),
            generated_at=timezone.now(),
            status="submitted",
            submitted_at=timezone.now(),
            submitted_to="学校党委、校长办公室",
            content={},
        )
        picked = rnd.sample(
            list(
                Concern.objects.filter(union=union, number__lt=first).values_list(
                    "pk", flat=True
                )
            ),
            150,
        )
        ReportItem.objects.bulk_create(
            [ReportItem(report=prev, concern_id=pk, reason="overdue") for pk in picked]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    n_all = Concern.objects.filter(union=union).count()
    print(
        f"data: 1 school of {args.students:,} students, {len(depts)} departments, "
        f"{len(offices)} offices; {n_all:,} concerns ({args.concerns:,} in the term "
        f"{TERM[0]} – {TERM[1]}), {len(words_cache)} distinct texts; built in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    print(f"jieba dictionary loaded once per worker process: {t_jieba:.2f} s")

    from django.contrib.auth import get_user_model

    from tongxue.core.models import RoleAssignment, RoleKind

    officer = get_user_model().objects.create_user("bench-officer", password="x")
    RoleAssignment.objects.create(
        user=officer, organisation=union, role=RoleKind.RIGHTS_OFFICER
    )
    term = reports.term_period(TERM[0])

    # 1. the job, start to done
    job_times, queries = [], 0
    for _ in range(args.repeat):
        with translation.override("zh-hans"):
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as cq:
                job = report_services.start_generation(
                    actor=officer, union=union, kind="term", day=TERM[0], today=AS_OF
                )
                assert run_queued_jobs() == 1
            job_times.append(time.perf_counter() - t0)
            queries = len(cq.captured_queries)
        job = Job.objects.get(pk=job.pk)
        assert job.status == "done", (job.status, job.error)
    report = SchoolReport.objects.get(union=union, kind="term", period_start=term.start)
    c = report.content
    print(
        f"term report as a job, start to done ({queries} SQL queries): "
        f"{spread(job_times)}"
    )

    # 2. its parts
    read_times, build_times = [], []
    noop = lambda *_a: None  # noqa: E731
    weight = reports.jieba_weight()
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        rows_read = report_services._rows(union, term, AS_OF, noop)
        read_times.append(time.perf_counter() - t0)
        kinds = [
            reports.Kind(k.pk, k.code, k.name, k.name_en, k.sensitive, k.about_cadre)
            for k in cats.values()
        ]
        units = {
            o.pk: reports.Unit(o.pk, o.code, o.name, o.name_en, o.kind)
            for o in Organisation.objects.all()
        }
        t0 = time.perf_counter()
        reports.build(
            union=units[union.pk],
            period=term,
            as_of=AS_OF,
            rows=rows_read,
            units=units,
            categories=kinds,
            weight=weight,
        )
        build_times.append(time.perf_counter() - t0)
    print(f"  reading {len(rows_read):,} rows: {spread(read_times)}")
    print(f"  reports.build (counts, rates, topics, lists): {spread(build_times)}")
    t = c["totals"]
    print(
        f"  content: {t['raised']:,} raised, {t['overdue']:,} overdue "
        f"({len(c['overdue']['items'])} listed), {len(c['supported']['items'])} shared "
        f"by many, {len(c['topics'])} topics, previous report's {len(c['previous']['items'])} "
        f"items; {len(str(c)) / 1024:.0f} KiB"
    )
    print(
        "  topics: "
        + "; ".join(
            f"{'·'.join(x['words'][:3])} ({x['concerns']})" for x in c["topics"]
        )
    )

    # 3. the files
    url = "https://tongxue.example/voice/BSU/reports/1/"
    with translation.override("zh-hans"):
        t0 = time.perf_counter()
        export = report_files.export(report, url, full=True)
        xlsx = exports.xlsx_bytes(export)
        t_xlsx = time.perf_counter() - t0
        rows = sum(len(t.rows) for t in export.tables)
        print(f"Excel file ({rows:,} rows): {t_xlsx:.2f} s, {len(xlsx) / 1024:.0f} KiB")
        if not args.no_pdf:
            from weasyprint import HTML  # type: ignore[import-untyped]

            t0 = time.perf_counter()
            export = report_files.export(report, url, full=False)
            doc = HTML(string=exports.pdf_html(export)).render()
            pdf = doc.write_pdf()
            t_pdf = time.perf_counter() - t0
            rows = sum(len(t.rows) for t in export.tables)
            print(
                f"PDF (WeasyPrint, {rows:,} rows, {len(doc.pages)} pages): "
                f"{t_pdf:.2f} s, {len(pdf) / 1024:.0f} KiB"
            )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
