"""The concern pipeline's fast paths against their references (#17, scale targets).

* The public figures are counted in SQL (one ``GROUP BY`` handler and month with
  conditional counts, :func:`tongxue.voice.selectors.figures_by_handler_month`); the
  definition stays :func:`tongxue.domain.rights.figures`: on generated concerns
  (hypothesis: every state, rating, deadline and moments around local midnight) the SQL
  figures equal the domain function's, per unit and per month.
* The figures page and the API read them in a bounded number of queries, the same
  with more concerns.
* Similar concerns: on PostgreSQL the words are looked up in a GIN index and counted
  in SQL; the reference reads every suggestible concern and counts in Python (as on
  SQLite). Both give the same suggestions, in the same order, on the same data; only
  suggestible concerns of the union are ever suggested; the statements use the
  indexes (their predicate is the selectors').
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories_voice import build_voice_school
from tongxue.domain.rights import ConcernFacts, figures
from tongxue.voice import selectors
from tongxue.voice.models import Concern

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai, no daylight saving
STATUSES = (
    "received",
    "in_hand",
    "answered",
    "reopened",
    "closed",
    "merged",
    "withdrawn",
)
RATINGS = ("", "satisfied", "basically", "unsatisfied")


def _moment(day: dt.date, minute: int) -> dt.datetime:
    """A moment of ``day`` in Beijing time (minute of the day)."""
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=TZ)


# Moments clustered at both ends of the local day (where a wrong time zone would move
# a day); days drawn around the limits that matter (today, the first day shown, the
# deadlines), so that every comparison is tried on both sides.
minutes = st.one_of(st.integers(0, 3), st.integers(1436, 1439), st.integers(0, 1439))


def _near(day: dt.date, spread: int) -> Any:
    return st.integers(-spread, spread).map(lambda n: day + dt.timedelta(days=n))


@st.composite
def concern_rows(draw: Any, today: dt.date) -> dict[str, Any]:
    since = selectors._month_start(today, 5)
    raised_on = draw(
        st.one_of(
            _near(since, 2),
            _near(today, 2),
            st.integers(-200, 3).map(lambda n: today + dt.timedelta(days=n)),
        )
    )
    raised = _moment(raised_on, draw(minutes))
    ack_due = draw(st.one_of(_near(today, 2), _near(raised_on + dt.timedelta(3), 3)))
    answer_due = draw(st.one_of(_near(today, 2), _near(ack_due + dt.timedelta(7), 7)))

    def maybe_near(due: dt.date) -> dt.datetime | None:
        if draw(st.booleans()):
            return None
        day = draw(st.one_of(_near(due, 1), _near(raised_on + dt.timedelta(5), 5)))
        return _moment(day, draw(minutes))

    return {
        "raised_at": raised,
        "acknowledge_due": ack_due,
        "answer_due": answer_due,
        "acknowledged_at": maybe_near(ack_due),
        "answered_at": maybe_near(answer_due),
        "status": draw(st.sampled_from(STATUSES)),
        "rating": draw(st.sampled_from(RATINGS)),
        "verified": draw(st.booleans()),
        "handler": draw(st.integers(0, 2)),
    }


def _insert(vs: Any, rows: list[dict[str, Any]]) -> list[Concern]:
    handlers = [vs.union, vs.office, vs.office2]
    category = vs.category("food")
    return Concern.objects.bulk_create(
        [
            Concern(
                union=vs.union,
                number=i + 1,
                title="t",
                body="b",
                category=category,
                visibility="private",
                handler=handlers[r["handler"]],
                **{k: v for k, v in r.items() if k != "handler"},
            )
            for i, r in enumerate(rows)
        ]
    )


def _facts(c: Concern) -> ConcernFacts:
    local = timezone.localdate
    return ConcernFacts(
        raised_on=local(c.raised_at),
        acknowledge_due=c.acknowledge_due,
        answer_due=c.answer_due,
        acknowledged_on=local(c.acknowledged_at) if c.acknowledged_at else None,
        answered_on=local(c.answered_at) if c.answered_at else None,
        status=c.status,
        rating=c.rating,
        verified=c.verified,
    )


def test_sql_figures_equal_the_domain_function() -> None:
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    vs = build_voice_school(prefix="F")

    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.data(), st.integers(-40, 40))
    def check(data: Any, shift: int) -> None:
        today = TODAY + dt.timedelta(days=shift)
        rows = data.draw(st.lists(concern_rows(today), max_size=30))
        with transaction.atomic():
            made = _insert(vs, rows)
            overview = selectors.figures_overview(vs.union, today=today, months=6)
            monthly = selectors.monthly_figures(vs.union, today=today, months=6)
            office_monthly = selectors.monthly_figures(
                vs.union, today=today, months=6, handler=vs.office
            )
            transaction.set_rollback(True)
        since = selectors._month_start(today, 5)
        shown = [c for c in made if timezone.localdate(c.raised_at) >= since]
        by_handler: dict[int, list[ConcernFacts]] = defaultdict(list)
        by_month: dict[dt.date, list[ConcernFacts]] = defaultdict(list)
        office_by_month: dict[dt.date, list[ConcernFacts]] = defaultdict(list)
        for c in shown:
            f = _facts(c)
            by_handler[c.handler_id].append(f)
            month = f.raised_on.replace(day=1)
            by_month[month].append(f)
            if c.handler_id == vs.office.pk:
                office_by_month[month].append(f)
        expected_units = [
            (vs.union, figures([_facts(c) for c in shown], today=today)),
            *(
                (o, figures(by_handler.get(o.pk, []), today=today))
                for o in (vs.office, vs.office2)
            ),
        ]
        assert overview.units == expected_units
        months = [selectors._month_start(today, back) for back in range(5, -1, -1)]
        expected_months = [
            (m, figures(by_month.get(m, []), today=today)) for m in months
        ]
        assert overview.months == expected_months
        assert monthly == expected_months
        assert office_monthly == [
            (m, figures(office_by_month.get(m, []), today=today)) for m in months
        ]

    check()


def _queries(client: Client, path: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries), r


def _many(vs: Any, n: int, start: int) -> None:
    """``n`` concerns spread over the handlers and the six months."""
    handlers = [vs.union, vs.office, vs.office2, vs.dept]
    now = timezone.now()
    Concern.objects.bulk_create(
        [
            Concern(
                union=vs.union,
                number=start + i,
                title="t",
                body="b",
                category=vs.category("food"),
                visibility="public",
                handler=handlers[i % 4],
                raised_at=now - dt.timedelta(days=(i * 13) % 170),
                acknowledge_due=timezone.localdate() - dt.timedelta(days=i % 9),
                answer_due=timezone.localdate() + dt.timedelta(days=i % 5),
                acknowledged_at=now if i % 3 else None,
                status=STATUSES[i % 7],
                rating=RATINGS[i % 4],
            )
            for i in range(n)
        ]
    )


def test_figures_page_and_api_in_bounded_queries() -> None:
    vs = build_voice_school(prefix="G")
    client = Client()
    page = f"/voice/{vs.union.code}/figures/"
    api = f"/api/voice/{vs.union.code}/figures"
    _many(vs, 5, start=1)
    small_page, _ = _queries(client, page)
    small_api, r = _queries(client, api)
    assert json.loads(r.content)["units"][0]["received"] > 0
    _many(vs, 400, start=100)
    big_page, r = _queries(client, page)
    big_api, r2 = _queries(client, api)
    assert small_page == big_page <= 15
    assert small_api == big_api <= 15
    units = json.loads(r2.content)["units"]
    # the union counts every concern raised in the six months except merged and
    # withdrawn ones (the page shows the same figures)
    since = selectors._month_start(timezone.localdate(), 5)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    counted = (
        Concern.objects.filter(union=vs.union, raised_at__gte=start)
        .exclude(status__in=("merged", "withdrawn"))
        .count()
    )
    assert units[0]["received"] == counted


# -- similar concerns: the indexed search against the reference --------------------------

TOPICS = [
    ("一食堂饭菜太咸", "一食堂最近饭菜太咸，希望学校尽快解决。"),
    ("二食堂价格上涨太快", "二食堂这学期价格上涨太快，很多同学都有同样的问题。"),
    ("东区3号楼热水供应不稳定", "东区3号楼晚上热水供应不稳定，影响正常休息。"),
    ("校园网经常掉线", "校园网晚上经常掉线，图书馆无线网络也很慢。"),
    ("图书馆座位不够", "图书馆自习座位不够，期末复习没有地方。"),
    ("校车班次太少", "往返校区的校车班次太少，发车时间不准。"),
    ("期末考试安排过于集中", "期末考试安排过于集中，补考通知太晚。"),
    ("宿舍空调坏了一直没人修", "宿舍空调坏了一直没人修，已经持续了两周。"),
    ("c++ 课程 wi-fi 3.5 it's a\\b", "wi-fi c++ it's 'quoted' a\\b x:y !&| <-> 食堂"),
]


def _tokens_of(title: str, body: str) -> str:
    from tongxue.voice.text import public_text, token_string, tokens

    return token_string(tokens(f"{public_text(title)}\n{public_text(body)}"))


def _word_concerns(vs: Any, n: int, *, seed: int = 7) -> list[Concern]:
    """``n`` concerns of every kind: mostly public and open, some private, anonymous,
    sensitive, about a cadre, closed or merged (never suggestible), texts mixed from
    the topics, some raised at the same moment (ties go to the newest id)."""
    import random

    rnd = random.Random(seed)
    now = timezone.now()
    rows = []
    for i in range(n):
        a, b = rnd.sample(TOPICS, 2)
        title, body = a[0], a[1] + (b[1] if rnd.random() < 0.5 else "")
        kind = rnd.random()
        visibility = "public" if kind < 0.7 else rnd.choice(["private", "anonymous"])
        status = rnd.choice(
            ["received", "in_hand", "answered", "reopened"] * 4 + ["closed", "merged"]
        )
        rows.append(
            Concern(
                union=vs.union,
                number=i + 1,
                title=title,
                body=body,
                public_title=title,
                public_body=body,
                tokens=_tokens_of(title, body),
                category=vs.category("food"),
                visibility=visibility,
                sensitive=rnd.random() < 0.05,
                about_person=vs.cadre_person if rnd.random() < 0.03 else None,
                status=status,
                handler=vs.union,
                raised_at=now - dt.timedelta(minutes=rnd.choice([0, 1, 2, i])),
                acknowledge_due=timezone.localdate(),
                answer_due=timezone.localdate(),
            )
        )
    return Concern.objects.bulk_create(rows)


QUERIES = [
    "食堂饭菜太咸了",
    "二食堂价格太贵",
    "热水不稳定",
    "网络掉线",
    "图书馆",
    "校车",
    "考试 补考",
    "空调",
    "wi-fi c++ it's a\\b",
    "'quoted' x:y !&| <->",
    "完全无关的词语",
    "",
]


def _suggestible(c: Concern) -> bool:
    return (
        c.visibility == "public"
        and not c.sensitive
        and c.about_person_id is None
        and c.status in selectors.SIMILAR_STATUSES
    )


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (the indexed search)"
)


def test_similar_suggests_only_suggestible_concerns_of_the_union() -> None:
    """On every database: the suggestions are public, open (or answered), neither
    sensitive nor about a cadre, of the union asked; the best first."""
    vs = build_voice_school(prefix="S")
    other = build_voice_school(prefix="T")
    made = _word_concerns(vs, 120)
    _word_concerns(other, 40, seed=8)
    by_pk = {c.pk: c for c in made}
    for text in QUERIES:
        found = selectors.similar_concerns(vs.union, text, limit=8)
        assert all(c.pk in by_pk and _suggestible(by_pk[c.pk]) for c in found), text
    top = selectors.similar_concerns(vs.union, "一食堂饭菜太咸", limit=3)
    assert top and all("食堂" in c.public_title for c in top)
    assert selectors.similar_concerns(vs.union, "完全无关的词语") == []


@needs_postgres
@pytest.mark.parametrize("cap", [800, 25])
def test_similar_is_the_same_on_the_index_and_on_the_reference(
    cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PostgreSQL search (GIN index, counts in SQL) and the reference (every
    suggestible concern read and counted in Python, as on SQLite) give the same
    concerns in the same order and scores, on the same data; with a small candidate
    budget too (the rarest words only, the newest candidates)."""
    monkeypatch.setattr(selectors, "SIMILAR_CANDIDATES", cap)
    vs = build_voice_school(prefix="P")
    other = build_voice_school(prefix="Q")
    _word_concerns(vs, 300)
    _word_concerns(other, 60, seed=9)
    for text in QUERIES:
        words = selectors.similar_words(text)
        fast = selectors.similar_ranked(vs.union.pk, words, limit=10, scan=False)
        slow = selectors.similar_ranked(vs.union.pk, words, limit=10, scan=True)
        assert [pk for pk, _ in fast] == [pk for pk, _ in slow], text
        assert [s for _, s in fast] == pytest.approx([s for _, s in slow]), text
        n_fast, df_fast, docs_fast = selectors._similar_postgresql(vs.union.pk, words)
        n_slow, df_slow, docs_slow = selectors._similar_scan(vs.union.pk, words)
        assert (n_fast, df_fast, docs_fast) == (n_slow, df_slow, docs_slow), text
        if words and cap == 25 and "食堂" in words:
            assert len(docs_fast) <= 25


@needs_postgres
def test_the_word_search_can_use_its_indexes() -> None:
    """The statements repeat the partial indexes' predicate word for word, so the
    planner can use them: with the table's other indexes gone (in this test's
    transaction only) and sequential scans off, the count reads the partial index of
    the suggestible concerns and the word lookup the GIN index of the union's words
    (which indexes are cheapest on a big table: docs/performance.md)."""
    vs = build_voice_school(prefix="X")
    _word_concerns(vs, 100)

    def plan(cursor: Any, sql: str, params: list[Any]) -> str:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(r[0] for r in cursor.fetchall())

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c WHERE c.conrelid = "
            "'voice_concern'::regclass AND c.contype = 'u'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE voice_concern DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'voice_concern' AND "
            "indexname NOT IN ('voice_concern_pkey', 'voice_concern_union_words', "
            "'concern_suggestible')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("ANALYZE voice_concern")
        cursor.execute("SET LOCAL enable_seqscan = off")
        count_plan = plan(
            cursor,
            "SELECT count(*) FROM voice_concern c WHERE c.union_id = %s AND "
            f"{selectors.SUGGESTIBLE_SQL}",
            [vs.union.pk],
        )
        cursor.execute('DROP INDEX "concern_suggestible"')
        words_plan = plan(
            cursor,
            "SELECT c.id FROM voice_concern c WHERE "
            f"{selectors.SUGGESTIBLE_SQL} AND voice_union_words(c.union_id, c.tokens)"
            " @@ %s::tsquery",
            [selectors._tsquery(vs.union.pk, ["食堂"])],
        )
    assert "concern_suggestible" in count_plan
    assert "voice_concern_union_words" in words_plan


def test_the_suggestible_predicate_is_the_same_everywhere() -> None:
    """The partial indexes' predicate (model, migration 0004) and the selectors' are
    one: public, not sensitive, not about a cadre, the similar statuses."""
    import importlib

    from tongxue.voice.models import Concern as Model

    migration = importlib.import_module(
        "tongxue.voice.migrations.0004_concern_word_search"
    )
    assert tuple(migration.STATUSES) == tuple(selectors.SIMILAR_STATUSES)
    index = next(i for i in Model._meta.indexes if i.name == "concern_suggestible")
    assert dict(index.condition.children) == {
        "visibility": "public",
        "sensitive": False,
        "about_person__isnull": True,
        "status__in": list(selectors.SIMILAR_STATUSES),
    }
    public = {k: getattr(v, "value", v) for k, v in selectors.public_q().children}
    assert public == {
        "visibility": "public",
        "sensitive": False,
        "about_person__isnull": True,
    }


def test_may_forward_to_is_the_forward_targets_query() -> None:
    """The check the raise makes on its loaded rows (no query) agrees with
    ``forward_target_q`` for every organisation."""
    from tongxue.organisations.models import Organisation

    vs = build_voice_school(prefix="M")
    build_voice_school(prefix="N")
    allowed = set(
        Organisation.objects.filter(selectors.forward_target_q(vs.union)).values_list(
            "pk", flat=True
        )
    )
    for org in Organisation.objects.all():
        assert selectors.may_forward_to(vs.union, org) == (org.pk in allowed), org.code
