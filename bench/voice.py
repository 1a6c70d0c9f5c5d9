"""Benchmark: students' concerns at province scale (#17, RGT-1).

Prints figures; asserts nothing about time. Usage (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/voice.py --database tongxue_bench_voice

Drops, re-creates and fills the database named by ``--database`` (its name must
contain ``bench``: ``bench/benchdb.py``; never a hard-coded one), then:

1. **Data** (bulk, no service per row): the demo province (``build_province``, the
   demo's, deterministic) imported; the 13 default categories of every school-level
   union; six school offices (后勤处, 教务处 …) at the largest university, its
   categories routed to them, rights officers and office handlers; ``--concerns``
   concerns written with ``COPY`` — ``--school-concerns`` of them in that university's
   union, the rest spread over the other unions by students served — raised over the
   last six months, in a realistic mix of categories, visibility (45 % public),
   states (old ones mostly concluded) and ratings; their text from phrase lists,
   segmented by the product's own ``tongxue.voice.text.tokens``. Then ``VACUUM
   ANALYZE``.
2. **Similar concerns**: ``selectors.similar_concerns`` (what ``/voice/similar/``
   calls) for ``--similar-queries`` texts a student might type, against the
   university's concerns; p50 / p95 / p99, the matching concerns per query, and the
   same queries through the SQLite-style fallback (every match read and ranked in
   Python, on PostgreSQL) for contrast and to check both give the same suggestions.
3. **Public figures page**: ``GET /voice/<union>/figures/`` anonymous through the
   test client (production settings), ``--figures-requests`` requests; p50 / p95 and
   the SQL queries per page.
4. **Raising concerns over HTTP**: granian as deployed (``deploy/granian.env``),
   production settings, ``--clients`` keep-alive clients (the load generator of
   ``bench/casting.py``) sending ``POST /api/voice/concerns`` (JSON, no photo, the
   raise page's token in ``X-Raise-Token``: answered by the fast path,
   ``tongxue.voice.fastpath``; ``--auth session``: the session cookie and CSRF token
   through Django's stack) as ``--raise-students`` students of the university, each at
   most the daily limit; raises/s, latency, and the check that every 201 answer is a
   stored concern with its event and audit record (none lost) and nothing more was
   stored. Run once without a stored audit and once with the province's audit stored
   (as after the nightly pass: every raise then marks its union for the re-audit job,
   ``tongxue.compliance.reaudit.DEFERRED``; before #17 the school was also re-audited
   at commit). No job worker runs during the load.

Steps 2–4 run ``--runs`` times; each figure is printed as min / median / max with the
load average. ``--profile N`` profiles N raises in-process with pyinstrument (with
``--skip-http``: the profile alone); ``--similar-queries 0`` and ``--figures-requests 0``
skip steps 2 and 3; ``--app`` serves another WSGI application (a variant to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402

SECRET = "bench-voice-not-secret-" + "k" * 40
#: Distinguishes this run's bench students from an earlier run's (``--reuse``).
RUN = f"{int(time.time()) % 100000:05d}"
OFFICES = (
    ("HQ", "后勤处"),
    ("JW", "教务处"),
    ("XS", "学生处"),
    ("CW", "财务处"),
    ("BW", "保卫处"),
    ("WL", "网络信息中心"),
)
#: Category → office code (the university's routing table).
ROUTING = {
    "food": "HQ",
    "housing": "HQ",
    "transport": "HQ",
    "teaching": "JW",
    "exams": "JW",
    "fees": "CW",
    "safety": "BW",
    "network": "WL",
}

# --- texts --------------------------------------------------------------------------

PLACES = {
    "food": [
        "一食堂",
        "二食堂",
        "三食堂",
        "清真餐厅",
        "学生餐厅二楼",
        "风味餐厅",
        "教工餐厅",
    ],
    "housing": [
        "东区3号楼",
        "西区宿舍7栋",
        "研究生公寓",
        "女生宿舍12号楼",
        "北苑5栋",
        "南区宿舍",
    ],
    "teaching": [
        "高等数学",
        "大学英语",
        "线性代数",
        "思想政治理论课",
        "大学物理实验",
        "程序设计",
    ],
    "exams": ["期末考试", "补考", "英语四六级", "期中考试", "实验考核"],
    "fees": ["助学金", "奖学金", "学费", "勤工助学", "住宿费"],
    "safety": ["校门口", "实验楼", "宿舍区", "体育馆", "操场"],
    "network": ["校园网", "图书馆无线网络", "宿舍网络", "教学楼无线网", "VPN"],
    "transport": ["校车", "共享单车", "公交站", "东西校区之间"],
    "other": ["图书馆", "体育馆", "快递点", "自习室", "饮水机", "超市"],
    "mental": ["心理咨询中心", "辅导员"],
    "hardship": ["家庭经济困难认定", "临时困难补助"],
    "harassment": ["实习单位", "社团活动"],
}
ISSUES = {
    "food": [
        "饭菜太咸",
        "价格上涨太快",
        "菜里有头发",
        "窗口排队时间太长",
        "餐具没有消毒干净",
        "营业时间太短",
        "米饭夹生",
        "饭菜分量越来越少",
        "刷卡机经常故障",
        "卫生状况差",
    ],
    "housing": [
        "热水供应不稳定",
        "晚上经常断电",
        "空调坏了一直没人修",
        "门禁系统故障",
        "洗衣机收费太贵",
        "宿舍漏水",
        "楼道灯坏了",
        "蚊虫太多",
        "床板松动",
        "噪音太大",
    ],
    "teaching": [
        "老师经常调课",
        "课件没有及时上传",
        "教室投影仪坏了",
        "选课系统崩溃",
        "课程安排冲突",
        "作业量太大",
        "实验室设备老化",
        "期末复习资料不足",
    ],
    "exams": [
        "考试安排过于集中",
        "通知太晚",
        "成绩公布延迟",
        "考场空调太冷",
        "报名系统卡顿",
        "考试时间与实习冲突",
    ],
    "fees": ["评定不透明", "发放延迟", "缴纳系统出错", "岗位太少", "退费迟迟未到账"],
    "safety": [
        "交通混乱",
        "夜间路灯不亮",
        "安全培训不足",
        "电动车充电存在隐患",
        "外来人员随意进出",
    ],
    "network": ["经常掉线", "速度太慢", "收费太贵", "晚上卡顿", "无法连接"],
    "transport": ["班次太少", "发车时间不准", "停放混乱", "往返不便"],
    "other": ["座位不够", "开放时间太短", "排队太久", "太吵", "没有热水"],
    "mental": ["预约等待时间太长", "希望增加咨询时段"],
    "hardship": ["材料要求太多", "审核时间太长"],
    "harassment": ["遇到不公平对待", "言语骚扰"],
}
EXTRAS = [
    "希望学校尽快解决。",
    "已经持续了两周。",
    "很多同学都有同样的问题。",
    "影响正常学习和休息。",
    "之前反映过但没有回复。",
    "请相关部门重视。",
    "周末情况更严重。",
    "希望能公开处理结果。",
    "给大家带来很多不便。",
    "建议增加人手。",
]
WHEN = ["最近", "这学期", "这几天", "一直", "每天", "上周", "开学以来", "晚上", "", ""]
#: Category weights (of 100): what students raise most.
WEIGHTS = {
    "food": 20,
    "housing": 18,
    "teaching": 12,
    "exams": 7,
    "fees": 6,
    "safety": 4,
    "network": 10,
    "transport": 5,
    "other": 10,
    "mental": 3,
    "hardship": 3,
    "harassment": 2,
}
SENSITIVE = {"mental", "hardship", "harassment"}


def concern_text(rnd: random.Random, code: str) -> tuple[str, str]:
    place = rnd.choice(PLACES[code])
    issue = rnd.choice(ISSUES[code])
    extras = rnd.sample(EXTRAS, rnd.randint(1, 3))
    title = f"{place}{issue}"
    when = rnd.choice(WHEN)
    body = f"{place}{when}{issue}，" + "".join(extras)
    return title, body


class Words:
    """The product's tokens of a text, memoised (the texts repeat)."""

    def __init__(self) -> None:
        from tongxue.voice.text import token_string, tokens

        self.tokens, self.token_string = tokens, token_string
        self.memo: dict[str, str] = {}

    def __call__(self, title: str, body: str) -> str:
        key = f"{title}\n{body}"
        out = self.memo.get(key)
        if out is None:
            out = self.memo[key] = self.token_string(self.tokens(key))
        return out


# --- data ---------------------------------------------------------------------------


def working_days_after(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def pick_university():
    """The school union with the most department unions (the demo's largest)."""
    from django.db.models import Count

    from tongxue.organisations.models import Organisation, OrgKind

    return (
        Organisation.objects.filter(kind=OrgKind.SCHOOL_UNION)
        .annotate(n=Count("children", filter=_q_dept()))
        .order_by("-n", "code")
        .first()
    )


def _q_dept():
    from django.db.models import Q

    from tongxue.organisations.models import OrgKind

    return Q(children__kind=OrgKind.DEPARTMENT_UNION)


def build(args, rnd: random.Random) -> dict:
    """Fill the database (see the module); return what the benchmarks need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from tongxue.core.models import RoleAssignment, RoleKind
    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.organisations.models import Organisation, OrgKind
    from tongxue.snapshots.services import import_tables
    from tongxue.voice.models import Category
    from tongxue.voice.selectors import SCHOOL_LEVEL
    from tongxue.voice.services.categories import DEFAULT_CATEGORIES

    t0 = time.perf_counter()
    tables = build_province(seed=DEFAULT_SEED, as_of=PINNED_AS_OF, scale=args.scale)
    import_tables(tables, actor=None)
    print(
        f"  province imported: {Organisation.objects.count():,} organisations "
        f"({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    union = pick_university()
    school = union.parent
    offices = {}
    for code, name in OFFICES:
        full = f"{school.code}-{code}"
        offices[code] = Organisation.objects.create(
            code=full,
            name=f"{school.name}{name}",
            kind=OrgKind.SCHOOL_OFFICE,
            parent=school,
            path=f"{school.path}{full}/",
        )
    unions = list(Organisation.objects.filter(kind__in=SCHOOL_LEVEL).order_by("code"))
    Category.objects.bulk_create(
        [
            Category(
                union=u,
                code=code,
                name=name,
                name_en=name_en,
                sensitive=sensitive,
                about_cadre=cadre,
                order=i,
                default_handler=(
                    offices[ROUTING[code]]
                    if u.pk == union.pk and code in ROUTING
                    else None
                ),
            )
            for u in unions
            for i, (code, name, name_en, sensitive, cadre) in enumerate(
                DEFAULT_CATEGORIES
            )
        ],
        batch_size=5000,
    )
    cats = {
        (c.union_id, c.code): c.pk
        for c in Category.objects.all().only("pk", "union_id", "code")
    }
    User = get_user_model()
    unusable = make_password(None)
    staff = User.objects.bulk_create(
        [User(username=f"bench-officer-{i}", password=unusable) for i in range(3)]
        + [
            User(username=f"bench-office-{c}-{i}", password=unusable)
            for c in offices
            for i in range(2)
        ]
    )
    roles = [
        RoleAssignment(user=u, organisation=union, role=RoleKind.RIGHTS_OFFICER)
        for u in staff[:3]
    ]
    rest = iter(staff[3:])
    for office in offices.values():
        roles += [
            RoleAssignment(
                user=next(rest), organisation=office, role=RoleKind.OFFICE_HANDLER
            )
            for _ in range(2)
        ]
    RoleAssignment.objects.bulk_create(roles)

    # the concerns: COPY, the university's first, then the rest by students served
    today = timezone.localdate()
    others = [u for u in unions if u.pk != union.pk]
    weights = [max(1, u.students_served or 1) for u in others]
    rest_n = args.concerns - args.school_concerns
    counts = {union.pk: args.school_concerns}
    for u in rnd.choices(others, weights=weights, k=rest_n):
        counts[u.pk] = counts.get(u.pk, 0) + 1
    by_pk = {u.pk: u for u in unions}
    handler_of = {
        union.pk: {code: offices[o].pk for code, o in ROUTING.items()},
    }
    words = Words()
    codes = list(WEIGHTS)
    cweights = [WEIGHTS[c] for c in codes]
    columns = (
        "union_id, number, title, body, public_title, public_body, tokens, "
        "category_id, place, visibility, sensitive, channel, status, handler_id, "
        "tracking_hash, raised_at, acknowledge_due, answer_due, acknowledged_at, "
        "answered_at, rating_due, closed_at, rating, verified, reopened_count, "
        "supporters"
    )
    t0 = time.perf_counter()
    written = 0
    tz = timezone.get_current_timezone()
    now = timezone.now()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy(f"COPY voice_concern ({columns}) FROM STDIN") as copy:
            for union_pk, n in counts.items():
                u = by_pk[union_pk]
                moments = sorted(
                    now - dt.timedelta(seconds=rnd.uniform(0, 180 * 86400))
                    for _ in range(n)
                )
                for number, raised in enumerate(moments, 1):
                    copy.write_row(
                        concern_row(
                            rnd,
                            u,
                            number,
                            raised,
                            today,
                            tz,
                            codes,
                            cweights,
                            cats,
                            handler_of.get(union_pk, {}),
                            words,
                        )
                    )
                written += n
                if written % 100_000 < n:
                    print(
                        f"  concerns written: {written:,} "
                        f"({time.perf_counter() - t0:.0f} s)",
                        flush=True,
                    )
    print(
        f"  {written:,} concerns ({args.school_concerns:,} at {union.code}, "
        f"{len(counts) - 1:,} other unions) in {time.perf_counter() - t0:.0f} s; "
        f"{len(words.memo):,} distinct texts",
        flush=True,
    )
    return {"union": union, "school": school, "offices": offices}


def concern_row(
    rnd, union, number, raised, today, tz, codes, cweights, cats, routing, words
):
    code = rnd.choices(codes, weights=cweights)[0]
    title, body = concern_text(rnd, code)
    sensitive = code in SENSITIVE
    r = rnd.random()
    visibility = "public" if r < 0.45 else ("private" if r < 0.85 else "anonymous")
    if sensitive and visibility == "public":
        visibility = "private"
    raised_on = raised.astimezone(tz).date()
    ack_due = working_days_after(raised_on, 1 if sensitive else 2)
    answer_due = working_days_after(raised_on, 5 if sensitive else 10)
    age = (today - raised_on).days
    r = rnd.random()
    if age > 20:
        status = (
            "closed"
            if r < 0.80
            else "answered"
            if r < 0.85
            else "in_hand"
            if r < 0.90
            else "reopened"
            if r < 0.92
            else "merged"
            if r < 0.96
            else "withdrawn"
        )
    else:
        status = (
            "received"
            if r < 0.30
            else "in_hand"
            if r < 0.60
            else "answered"
            if r < 0.85
            else "closed"
            if r < 0.95
            else "merged"
            if r < 0.975
            else "withdrawn"
        )
    acked = answered = closed = rating_due = None
    rating, verified = "", False
    if status != "received" and status not in ("merged", "withdrawn"):
        late = rnd.random() < 0.15  # some acknowledged after the deadline
        acked = raised + dt.timedelta(hours=rnd.uniform(1, 24 * (6 if late else 2)))
        acked = min(acked, timezone_now())
    if status in ("answered", "closed"):
        answered = (acked or raised) + dt.timedelta(hours=rnd.uniform(2, 24 * 16))
        answered = min(answered, timezone_now())
        rating_due = answered.astimezone(tz).date() + dt.timedelta(days=7)
    if status == "closed":
        closed = answered + dt.timedelta(days=rnd.uniform(0, 7))
        x = rnd.random()
        rating = (
            "satisfied"
            if x < 0.35
            else "basically"
            if x < 0.55
            else "unsatisfied"
            if x < 0.65
            else ""
        )
        verified = rnd.random() < 0.1
    handler = routing.get(code, union.pk)
    masked = title, body  # no numbers in the generated texts
    return (
        union.pk,
        number,
        title,
        body,
        masked[0],
        masked[1],
        words(title, body),
        cats[(union.pk, code)],
        "",
        visibility,
        sensitive,
        "online",
        status,
        handler,
        "",
        raised,
        ack_due,
        answer_due,
        acked,
        answered,
        rating_due,
        closed,
        rating,
        verified,
        0,
        rnd.randint(0, 3) if visibility == "public" else 0,
    )


_NOW = [None]


def timezone_now():
    if _NOW[0] is None:
        from django.utils import timezone

        _NOW[0] = timezone.now()
    return _NOW[0]


def make_students(union, n: int, prefix: str) -> list[tuple[str, str, str]]:
    """``n`` students of the university's departments with a session each; return
    their (session key, CSRF token, raise token)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from tongxue.accounts.sessions import SEEN, STARTED
    from tongxue.organisations.models import Organisation, OrgKind, Person
    from tongxue.voice import tokens

    depts = list(
        Organisation.objects.filter(parent=union, kind=OrgKind.DEPARTMENT_UNION)
    )
    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{i:06d}", password=unusable) for i in range(n)],
        batch_size=2000,
    )
    Person.objects.bulk_create(
        [
            Person(
                ident=f"BENCH-{prefix}{i:06d}",
                name=f"学生{i}",
                user=u,
                department=depts[i % len(depts)],
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    store = SessionStore()
    backend = "django.contrib.auth.backends.ModelBackend"
    expire = timezone.now() + dt.timedelta(days=1)
    stamp = int(time.time())
    rows, out = [], []
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    for u in users:
        key = get_random_string(32, alphabet)
        data = store.encode(
            {
                "_auth_user_id": str(u.pk),
                "_auth_user_backend": backend,
                "_auth_user_hash": u.get_session_auth_hash(),
                STARTED: stamp,
                SEEN: stamp + 3600,  # no last-activity write during the run
            }
        )
        rows.append(Session(session_key=key, session_data=data, expire_date=expire))
        out.append(
            (
                key,
                get_random_string(
                    32, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                ),
                tokens.issue(u),
            )
        )
    Session.objects.bulk_create(rows, batch_size=2000)
    return out


# --- measuring ------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[k]


def spread(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    vs = [v * scale for v in values]
    return (
        " / ".join(f"{v:,.1f}" for v in (min(vs), statistics.median(vs), max(vs)))
        + f" {unit}"
    )


def loadavg() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def similar_texts(rnd: random.Random, n: int) -> list[str]:
    """What a student types: a title and a start of the body, sometimes two topics."""
    codes = [c for c in WEIGHTS if c not in SENSITIVE]
    out = []
    for _ in range(n):
        code = rnd.choice(codes)
        title, body = concern_text(rnd, code)
        text = f"{title} {body[: rnd.randint(6, len(body))]}"
        if rnd.random() < 0.2:  # a second topic in the same text
            t2, _b2 = concern_text(rnd, rnd.choice(codes))
            text += t2
        out.append(text)
    return out


def bench_similar(union, texts: list[str]) -> dict:
    """Time ``similar_concerns`` on each text; count the suggestible concerns holding
    a word of it and the candidates ranked; compare with the reference (every
    suggestible concern read and counted in Python) on the first 100 texts."""
    from tongxue.voice import selectors

    for t in texts[:10]:  # warm
        selectors.similar_concerns(union, t)
    times = []
    for t in texts:
        a = time.perf_counter()
        selectors.similar_concerns(union, t)
        times.append(time.perf_counter() - a)
    candidates, fallback, same, compared = [], [], 0, 0
    for t in texts:
        w = selectors.similar_words(t)
        if not w:
            continue
        _n, _df, docs = selectors._similar_postgresql(union.pk, w)
        candidates.append(len(docs))
        if compared < 100:
            a = time.perf_counter()
            slow = selectors.similar_ranked(union.pk, w, limit=5, scan=True)
            fallback.append(time.perf_counter() - a)
            fast = selectors.similar_ranked(union.pk, w, limit=5, scan=False)
            same += [k for k, _ in slow] == [k for k, _ in fast]
            compared += 1
    return {
        "times": times,
        "candidates": candidates,
        "fallback": fallback,
        "same": same,
        "compared": compared,
    }


def bench_figures(union, n: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    path = f"/voice/{union.code}/figures/"
    for _ in range(5):
        r = client.get(path, secure=True)
        assert r.status_code == 200, r.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(path, secure=True)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(n):
        a = time.perf_counter()
        r = client.get(path, secure=True)
        times.append(time.perf_counter() - a)
    return {"times": times, "queries": queries, "bytes": len(r.content)}


# --- raising over HTTP --------------------------------------------------------------

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


class _Load:
    def __init__(
        self, host: str, path: str, work: list, time_limit: float, method: str = "POST"
    ) -> None:
        self.queue = list(reversed(work))
        self.results: list[tuple[float, int, bytes]] = []
        self.errors = 0
        self.deadline = time.monotonic() + time_limit
        self.prefix = (
            f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Origin: https://{host}\r\nReferer: https://{host}/voice/new/\r\n"
            "X-Forwarded-Proto: https\r\nX-Real-IP: 127.0.0.1\r\n"
            "Accept: application/json\r\nContent-Type: application/json\r\n"
            "Connection: keep-alive\r\n"
        ).encode()

    def more(self) -> bool:
        return bool(self.queue) and time.monotonic() < self.deadline


class _Connection(asyncio.Protocol):
    """One keep-alive client (as bench/casting.py's): the next request when the
    previous answer is in."""

    def __init__(self, load: _Load, closed: asyncio.Future) -> None:
        self.load, self.closed = load, closed
        self.buffer = b""
        self.waiting = False
        self.t0 = 0.0
        self.transport = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        self.send_next()

    def send_next(self) -> None:
        if not self.load.more():
            self.transport.close()
            return
        headers, body = self.load.queue.pop()
        self.waiting = True
        self.t0 = time.perf_counter()
        self.transport.write(
            b"".join(
                (
                    self.load.prefix,
                    headers,
                    b"Content-Length: %d\r\n\r\n" % len(body),
                    body,
                )
            )
        )

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            self.buffer = buffer
            return
        head = buffer[:end]
        match = _CONTENT_LENGTH.search(head)
        length = int(match.group(1)) if match else 0
        if len(buffer) < end + 4 + length:
            self.buffer = buffer
            return
        answer = buffer[end + 4 : end + 4 + length]
        self.buffer = buffer[end + 4 + length :]
        self.waiting = False
        self.load.results.append(
            (time.perf_counter() - self.t0, int(head[9:12]), answer)
        )
        if re.search(rb"\r\nconnection:\s*close", head, re.IGNORECASE):
            self.transport.close()
        else:
            self.send_next()

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        if self.waiting:
            self.load.errors += 1
            self.waiting = False
        if not self.closed.done():
            self.closed.set_result(None)


async def load(
    *,
    port: int,
    path: str,
    work: list,
    clients: int,
    time_limit: float,
    method: str = "POST",
):
    loop = asyncio.get_running_loop()
    shared = _Load(f"127.0.0.1:{port}", path, work, time_limit, method)

    async def client() -> None:
        while shared.more():
            closed = loop.create_future()
            await loop.create_connection(
                lambda closed=closed: _Connection(shared, closed), "127.0.0.1", port
            )
            await closed

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return shared.results, time.perf_counter() - t0, shared.errors


class WaitSampler:
    """What the server's database connections wait on while the load runs, sampled
    every 20 ms from ``pg_stat_activity``: the audit log's advisory lock (the chain's
    writers are serialised), a row lock (the union's row while a concern takes its
    number; a student's count of the day), or another lock; as the average number of
    connections waiting on each."""

    def __init__(self, url: str) -> None:
        import threading

        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.counts: dict[str, int] = {}
        self.samples = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            rows = self.conn.execute(
                "SELECT a.wait_event, count(*) FROM pg_stat_activity a "
                "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                "AND a.wait_event_type = 'Lock' GROUP BY 1"
            ).fetchall()
            self.samples += 1
            for event, n in rows:
                self.counts[event] = self.counts.get(event, 0) + n

    def total(self) -> str:
        self.stop.set()
        self.thread.join()
        self.conn.close()
        names = {
            "advisory": "audit log (advisory)",
            "tuple": "row",
            "transactionid": "row",
        }
        out: dict[str, float] = {}
        for event, n in self.counts.items():
            label = names.get(event, event)
            out[label] = out.get(label, 0.0) + n / max(1, self.samples)
        return ", ".join(f"{k} {v:.1f}" for k, v in sorted(out.items())) or "none"


#: How the bench's students raise: "token" (the raise page's token in X-Raise-Token,
#: answered by the fast path, tongxue.voice.fastpath) or "session" (cookie and CSRF).
AUTH = ["token"]


def raise_work(rnd: random.Random, students: list[tuple], per: int) -> list:
    """Each student's ``per`` requests (interleaved: one each, then again)."""
    codes = [c for c in WEIGHTS if c not in SENSITIVE]
    work = []
    for _round in range(per):
        for key, csrf, token in students:
            code = rnd.choice(codes)
            title, body = concern_text(rnd, code)
            r = rnd.random()
            visibility = "public" if r < 0.5 else "private" if r < 0.85 else "anonymous"
            payload = {
                "category": code,
                "title": title,
                "body": body,
                "visibility": visibility,
            }
            headers = (
                f"X-Raise-Token: {token}\r\n"
                if AUTH[0] == "token"
                else f"Cookie: sessionid={key}; csrftoken={csrf}\r\n"
                f"X-CSRFToken: {csrf}\r\n"
            ).encode()
            work.append((headers, json.dumps(payload, ensure_ascii=False).encode()))
    return work


def verify_raises(union, results, before: dict) -> dict:
    """Every 201 answer is a stored concern with its RAISED event and audit record;
    nothing stored that was not acknowledged."""
    from tongxue.core.models import AuditEvent
    from tongxue.voice.models import Concern, ConcernEvent

    numbers = []
    for _t, status, body in results:
        if status == 201:
            numbers.append(json.loads(body)["number"])
    stored = set(
        Concern.objects.filter(union=union, number__in=numbers).values_list(
            "number", flat=True
        )
    )
    concerns = Concern.objects.filter(union=union).count() - before["concerns"]
    events = (
        ConcernEvent.objects.filter(concern__union=union, kind="raised").count()
        - before["events"]
    )
    audits = (
        AuditEvent.objects.filter(action="voice.concern.raise").count()
        - before["audits"]
    )
    missing = len(set(numbers) - stored)
    doubled = len(numbers) - len(set(numbers))
    ok = not missing and not doubled and concerns == events == audits == len(numbers)
    return {
        "acked": len(numbers),
        "stored": concerns,
        "events": events,
        "audits": audits,
        "missing": missing,
        "doubled": doubled,
        "ok": ok,
    }


def counts_now(union) -> dict:
    from tongxue.core.models import AuditEvent
    from tongxue.voice.models import Concern, ConcernEvent

    return {
        "concerns": Concern.objects.filter(union=union).count(),
        "events": ConcernEvent.objects.filter(
            concern__union=union, kind="raised"
        ).count(),
        "audits": AuditEvent.objects.filter(action="voice.concern.raise").count(),
    }


def bench_raising(args, union, env, url, workdir, rnd, label: str) -> list[dict]:
    """``args.runs`` loads against one granian server; fresh students each run."""
    from casting import CpuSampler, backend_lister, children, wait_for_port
    from django.db import connection

    per = 3  # raises per student (the profile allows 5 a day)
    runs = []
    students_all = [
        make_students(union, args.raise_students, prefix=f"r{RUN}{label[0]}{k}x")
        for k in range(args.runs + 1)
    ]
    connection.close()
    argv = [
        str(Path(sys.executable).parent / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--workers",
        env.get("GRANIAN_WORKERS", "1"),
        "--blocking-threads",
        env.get("GRANIAN_BLOCKING_THREADS", "8"),
        args.app,
    ]
    log = (workdir / f"server-{label}.log").open("a")
    server = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(args.port)
        time.sleep(2)
        # warm-up: the first students, a few requests each
        warm = raise_work(rnd, students_all[0][:40], 1)
        before = counts_now(union)
        connection.close()
        results, _w, _e = asyncio.run(
            load(
                port=args.port,
                path="/api/voice/concerns",
                work=warm,
                clients=min(args.clients, len(warm)),
                time_limit=60,
            )
        )
        statuses = {}
        for _t, s, _b in results:
            statuses[s] = statuses.get(s, 0) + 1
        if statuses.get(201, 0) != len(warm):
            bad = next((b for _t, s, b in results if s != 201), b"")
            print(f"  warm-up statuses {statuses}: {bad[:300]!r}")
        # the stack's ceiling: the same clients reading their own (empty) list,
        # GET /api/voice/mine (session, user, one query), for 15 seconds
        mine = [
            (f"Cookie: sessionid={key}; csrftoken={csrf}\r\n".encode(), b"")
            for key, csrf, _token in students_all[0]
        ] * 40
        results, wall, _e = asyncio.run(
            load(
                port=args.port,
                path="/api/voice/mine",
                work=mine,
                clients=args.clients,
                time_limit=15,
                method="GET",
            )
        )
        ok = sum(1 for _t, s, _b in results if s == 200)
        print(
            f"    for comparison, GET /api/voice/mine (session, user, one query): "
            f"{ok / wall:,.0f}/s, p95 {pct([t for t, _s, _b in results], 95) * 1000:.0f}"
            f" ms; load {loadavg()}",
            flush=True,
        )
        for k in range(args.runs):
            work = raise_work(rnd, students_all[k + 1], per)
            before = counts_now(union)
            connection.close()
            app = CpuSampler(lambda: children(server.pid))
            db = CpuSampler(backend_lister(url))
            waits = WaitSampler(url)
            results, wall, errors = asyncio.run(
                load(
                    port=args.port,
                    path="/api/voice/concerns",
                    work=work,
                    clients=args.clients,
                    time_limit=args.time_limit,
                )
            )
            app_cpu, db_cpu = app.total(), db.total()
            waiting = waits.total()
            la = loadavg()
            check = verify_raises(union, results, before)
            connection.close()
            statuses = {}
            for _t, s, _b in results:
                statuses[s] = statuses.get(s, 0) + 1
            lat = [t for t, _s, _b in results]
            out = {
                "rate": check["acked"] / wall,
                "p50": pct(lat, 50),
                "p95": pct(lat, 95),
                "p99": pct(lat, 99),
                "statuses": statuses,
                "errors": errors,
                "check": check,
                "lost": check["missing"]
                + (
                    check["acked"] - check["stored"]
                    if check["stored"] < check["acked"]
                    else 0
                ),
                "extra": max(0, check["stored"] - check["acked"]),
                "app_cpu": app_cpu / max(1, len(results)),
                "db_cpu": db_cpu / max(1, len(results)),
                "load": la,
                "n": len(work),
            }
            runs.append(out)
            print(
                f"    run {k + 1}: {out['rate']:,.0f} raises/s ({len(work):,} requests, "
                f"{args.clients} clients, {wall:.1f} s), statuses {statuses}, connection "
                f"errors {errors}; p50 {out['p50'] * 1000:.0f} ms, p95 "
                f"{out['p95'] * 1000:.0f} ms, p99 {out['p99'] * 1000:.0f} ms; CPU per "
                f"raise: server {out['app_cpu'] * 1000:.1f} ms, PostgreSQL "
                f"{out['db_cpu'] * 1000:.1f} ms; check: acknowledged {check['acked']:,}, "
                f"stored {check['stored']:,}, events {check['events']:,}, audit records "
                f"{check['audits']:,}, lost {out['lost']}, doubled {check['doubled']}, "
                f"unacknowledged but stored {out['extra']}: "
                + ("OK" if check["ok"] else "MISMATCH")
                + f"; server connections waiting on a lock, on average: {waiting}"
                + f"; load {la}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    return runs


def profile_raises(union, n: int, rnd: random.Random, label: str = "") -> None:
    """Profile ``n`` raises through the whole Django stack in this process."""
    from django.core.handlers.wsgi import WSGIHandler
    from pyinstrument import Profiler

    from tongxue.voice.fastpath import RaiseFastPath

    students = make_students(union, n + 20, prefix=f"p{RUN}{label}")
    work = raise_work(rnd, students, 1)
    handler = RaiseFastPath(WSGIHandler())  # as tongxue.config.wsgi

    def call(headers: bytes, body: bytes) -> int:
        env = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/voice/concerns",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_ORIGIN": "https://127.0.0.1",
            "HTTP_REFERER": "https://127.0.0.1/voice/new/",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for line in headers.decode().strip().split("\r\n"):
            name, _, value = line.partition(": ")
            env["HTTP_" + name.upper().replace("-", "_")] = value
        status = []
        response = handler(env, lambda s, h: status.append(s))
        b"".join(response)
        getattr(response, "close", lambda: None)()
        return int(status[0][:3])

    for h, b in work[:20]:
        call(h, b)
    # CPU of this thread per raise (no profiler), the fast path against Django's
    # stack with the session and CSRF token (the same students' next raises)
    session = make_students(union, 2 * n + 20, prefix=f"q{RUN}{label}")
    cpu = {}
    for auth, students_ in (("session", session[:n]), ("token", session[n : 2 * n])):
        AUTH[0], mode = auth, AUTH[0]
        batch = raise_work(rnd, students_, 1)
        AUTH[0] = mode
        t0, w0 = time.thread_time(), time.perf_counter()
        codes = [call(h, b) for h, b in batch]
        cpu[auth] = (
            (time.thread_time() - t0) / len(batch),
            (time.perf_counter() - w0) / len(batch),
            sorted(set(codes)),
        )
    for auth, (c, w, codes) in cpu.items():
        print(
            f"  {auth:>7}: CPU {c * 1000:.2f} ms per raise in this thread, wall "
            f"{w * 1000:.2f} ms ({n} raises, statuses {codes}; load {loadavg()})"
        )
    profiler = Profiler(interval=0.0005)
    a = time.perf_counter()
    profiler.start()
    codes = [call(h, b) for h, b in work[20:]]
    profiler.stop()
    wall = time.perf_counter() - a
    print(
        f"  {len(codes)} raises in this process: {wall / len(codes) * 1000:.2f} ms each "
        f"(statuses {sorted(set(codes))})"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))


# --- main -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="province scale")
    parser.add_argument("--concerns", type=int, default=1_000_000)
    parser.add_argument("--school-concerns", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--similar-queries", type=int, default=300)
    parser.add_argument("--figures-requests", type=int, default=200)
    parser.add_argument("--raise-students", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--port", type=int, default=18517)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--reuse", action="store_true", help="keep the filled database")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument(
        "--stored-audit",
        choices=["both", "no", "yes"],
        default="both",
        help="raise without a stored audit, with one, or both (default)",
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument(
        "--auth",
        choices=["token", "session"],
        default="token",
        help="raise with the raise token (the fast path, default) or the session",
    )
    parser.add_argument(
        "--app",
        default="tongxue.config.wsgi:application",
        help="the WSGI application granian serves (to compare a variant)",
    )
    add_option(parser)
    args = parser.parse_args()
    AUTH[0] = args.auth
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/voice.py: needs DATABASE_URL=postgres://… (PostgreSQL)")
    name = bench_name(url, args.database, script="bench/voice.py")
    if args.reuse:
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        label = f"database {name} (reused)"
    else:
        label = recreate(url, name)
    url = os.environ["DATABASE_URL"]
    granian_env = {}
    for line in (ROOT / "deploy" / "granian.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, _, v = line.partition("=")
            granian_env[k] = v
    env = dict(os.environ)
    env.update(granian_env)
    static = Path(tempfile.mkdtemp(prefix="tongxue-bench-static-"))
    env.update(
        TONGXUE_ENV="production",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(static),
        LOG_LEVEL="WARNING",
        GRANIAN_PORT=str(args.port),
    )
    env.pop("REDIS_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        {
            k: env[k]
            for k in (
                "TONGXUE_ENV",
                "DEBUG",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "STATIC_ROOT",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tongxue.voice.models import Concern

    print(f"database: {label}", flush=True)
    print(f"machine: {os.cpu_count()} CPUs; load average at start {loadavg()}")
    rnd = random.Random(args.seed)
    call_command("migrate", interactive=False, verbosity=0)
    if not args.reuse:
        print("1. data", flush=True)
        build(args, rnd)
        connection.close()
        import psycopg

        t0 = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - t0:.0f} s", flush=True)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    union = pick_university()
    total = Concern.objects.count()
    mine = Concern.objects.filter(union=union).count()
    print(
        f"  {total:,} concerns in the province, {mine:,} at {union.code} ({union.name})"
    )

    print("2. similar concerns (selectors.similar_concerns, in-process)", flush=True)
    sims = []
    for k in range(args.runs if args.similar_queries else 0):
        texts = similar_texts(random.Random(args.seed + k), args.similar_queries)
        s = bench_similar(union, texts)
        sims.append(s)
        m = sorted(s["candidates"])
        print(
            f"  run {k + 1}: p50 {pct(s['times'], 50) * 1000:.1f} ms, p95 "
            f"{pct(s['times'], 95) * 1000:.1f} ms, p99 {pct(s['times'], 99) * 1000:.1f} "
            f"ms, max {max(s['times']) * 1000:.1f} ms ({len(texts)} texts); candidates "
            f"ranked per text: median {statistics.median(m):,.0f}, max {m[-1]:,}; "
            f"the reference (every suggestible concern counted in Python): p50 "
            f"{pct(s['fallback'], 50) * 1000:.1f} ms, p95 {pct(s['fallback'], 95) * 1000:.1f}"
            f" ms; same suggestions {s['same']}/{s['compared']}; load {loadavg()}",
            flush=True,
        )
    for p in (50, 95, 99) if sims else ():
        print(
            f"  similar p{p}, min / median / max of runs: "
            + spread([pct(s["times"], p) for s in sims])
        )

    print(
        "3. public figures page (GET /voice/<union>/figures/, test client)", flush=True
    )
    figs = []
    for k in range(args.runs if args.figures_requests else 0):
        f = bench_figures(union, args.figures_requests)
        figs.append(f)
        print(
            f"  run {k + 1}: p50 {pct(f['times'], 50) * 1000:.1f} ms, p95 "
            f"{pct(f['times'], 95) * 1000:.1f} ms, p99 {pct(f['times'], 99) * 1000:.1f} ms "
            f"({args.figures_requests} requests, {f['queries']} SQL queries, "
            f"{f['bytes']:,} bytes); load {loadavg()}",
            flush=True,
        )
    for p in (50, 95) if figs else ():
        print(
            f"  figures p{p}, min / median / max of runs: "
            + spread([pct(f["times"], p) for f in figs])
        )

    if args.skip_http and args.profile:
        # the in-process profile alone (``--skip-http --profile N``)
        print(f"  profile: {args.profile} raises in this process (pyinstrument)")
        profile_raises(union, args.profile, rnd, label="no")
        connection.close()
    if not args.skip_http:
        workdir = Path(tempfile.mkdtemp(prefix="tongxue-bench-voice-"))
        modes = {"both": ["no", "yes"], "no": ["no"], "yes": ["yes"]}[args.stored_audit]
        for mode in modes:
            if mode == "no":
                from tongxue.compliance.models import AuditRun, DirtyOrganisation
                from tongxue.jobs.models import Job

                # the import stored the audit: forget it (and what was marked since)
                AuditRun.objects.all().delete()
                DirtyOrganisation.objects.all().delete()
                Job.objects.filter(kind="compliance.reaudit").delete()
                connection.close()
            if mode == "yes":
                from tongxue.compliance.store import store_audit

                t0 = time.perf_counter()
                store_audit(root=None)
                connection.close()
                print(
                    f"  (the province's audit stored: {time.perf_counter() - t0:.1f} s)"
                )
            title = (
                "4. raising over HTTP, no stored audit"
                if mode == "no"
                else "4b. raising over HTTP, the audit stored (marks for the job)"
            )
            if args.profile:
                print(
                    f"  profile: {args.profile} raises in this process (pyinstrument)",
                    flush=True,
                )
                profile_raises(union, args.profile, rnd, label=mode)
                connection.close()
            print(
                f"{title}: granian (deploy/granian.env: {env.get('GRANIAN_WORKERS')} "
                f"worker × {env.get('GRANIAN_BLOCKING_THREADS')} threads), "
                f"POST /api/voice/concerns",
                flush=True,
            )
            runs = bench_raising(args, union, env, url, workdir, rnd, mode)
            print(
                "  raises/s, min / median / max of runs: "
                + spread([r["rate"] for r in runs], unit="/s", scale=1)
                + f"; lost {sum(r['lost'] for r in runs)}, "
                + f"p95 {spread([r['p95'] for r in runs])}",
                flush=True,
            )
        print(f"(server logs: {workdir})")
    print(f"load average at the end {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
