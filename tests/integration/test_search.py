"""The search box (#16): organisations, public people, notices, elections and
documents (a union's rules and work affairs) by a fragment of their name, grouped by
kind; people by name only (never a student number); a bounded number of queries
whatever the data; zh and en.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
)
from tests.factories_elections import ElectionFactory
from tongxue.disclosure.models import RuleDocument, RuleVersion, WorkEntry
from tongxue.elections.models import ElectionStatus
from tongxue.organisations.models import Role
from tongxue.publicity.models import Notice
from tongxue.search import selectors

pytestmark = pytest.mark.django_db

URL = "/search/"


def today() -> dt.date:
    return timezone.localdate()


def notice(org, title: str) -> Notice:  # type: ignore[no-untyped-def]
    return Notice.objects.create(
        organisation=org,
        subject_type="test.subject",
        subject_id=1,
        kind="test",
        title=title,
        body="正文",
        starts=today() - dt.timedelta(days=1),
        ends=today() + dt.timedelta(days=5),
        working_days=5,
    )


def documents(org, rule_title: str, entry_title: str) -> WorkEntry:  # type: ignore[no-untyped-def]
    """A rule of ``org`` with its first version, and a work-affairs entry (#18)."""
    now = timezone.now()
    document = RuleDocument.objects.create(union=org, kind="finance", title=rule_title)
    RuleVersion.objects.create(
        document=document,
        number=1,
        text="第一条 经费公开。",
        in_force_from=today(),
        published_at=now,
    )
    return WorkEntry.objects.create(
        union=org,
        kind="activity",
        title=entry_title,
        body="正文",
        dated=today(),
        published_at=now,
    )


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    union = OrganisationFactory(code="SRCH-U", name="示范理工大学学生会")
    cadre = PersonFactory(ident="SRCH-P1", name="康文泽", student_number="2023990001")
    PositionFactory(
        organisation=union,
        person=cadre,
        role=Role.PRESIDENT,
        title="主席",
        start=today() - dt.timedelta(days=100),
    )
    delegate = PersonFactory(
        ident="SRCH-P2", name="马宇华", student_number="2023990002"
    )
    meeting = MeetingFactory(code="SRCH-M", organisation=union)
    DelegateFactory(meeting=meeting, person=delegate)
    notice(union, "学生会干部任前公示")
    ElectionFactory(
        code="SRCH-E",
        organisation=union,
        meeting=meeting,
        title="第五届主席团选举",
        status=ElectionStatus.NOMINATION,
    )
    documents(union, "社团活动经费管理办法", "迎新晚会工作总结")
    return union


def kinds(body: str) -> list[str]:
    return re.findall(r'class="search-group" data-kind="([^"]+)"', body)


@pytest.mark.parametrize(
    ("q", "kind", "title"),
    [
        ("理工", "organisations", "示范理工大学学生会"),
        ("SRCH-U", "organisations", "示范理工大学学生会"),  # by its code too
        ("文泽", "cadres", "康文泽"),  # two characters of a three-character name
        ("宇华", "delegates", "马宇华"),
        ("任前", "notices", "学生会干部任前公示"),
        ("主席团", "elections", "第五届主席团选举"),
        ("经费", "rules", "社团活动经费管理办法"),  # a union's rules (#18) …
        ("晚会", "affairs", "迎新晚会工作总结"),  # … and work affairs: documents
    ],
)
def test_each_kind_is_found_by_a_fragment_of_its_name(client, world, q, kind, title):  # type: ignore[no-untyped-def]
    body = client.get(URL, {"q": q}).content.decode()
    assert kind in kinds(body)
    assert title in body
    group = next(g for g in selectors.search(selectors.parse(q)) if g.kind.key == kind)
    assert [h.title for h in group.hits] == [title]


def test_a_hit_links_to_its_page_and_places_a_person_by_post_and_organisation(
    client, world
):  # type: ignore[no-untyped-def]
    groups = {g.kind.key: g for g in selectors.search(selectors.parse("文泽"))}
    (hit,) = groups["cadres"].hits
    assert hit.details == ("主席", "示范理工大学学生会")
    assert hit.url == "/org/SRCH-U/"
    assert client.get(hit.url).status_code == 200
    (seat,) = selectors.search(selectors.parse("马宇华"))[0].hits
    assert client.get(seat.url).status_code == 200
    for q in ("任前", "主席团", "经费", "晚会"):
        (h,) = selectors.search(selectors.parse(q))[0].hits
        assert client.get(h.url).status_code == 200


def test_a_withdrawn_work_affairs_entry_is_not_found(client, world):  # type: ignore[no-untyped-def]
    WorkEntry.objects.filter(title="迎新晚会工作总结").update(
        withdrawn_at=timezone.now()
    )
    assert selectors.search(selectors.parse("晚会")) == []
    assert "迎新晚会" not in client.get(URL, {"q": "晚会"}).content.decode()


def test_private_data_is_never_searched_nor_shown(client, world):  # type: ignore[no-untyped-def]
    for q in ("2023990001", "2023990002", "99000", "SRCH-P1", "SRCH-P"):
        response = client.get(URL, {"q": q})
        assert kinds(response.content.decode()) == [], q
        assert "Nothing found" in response.content.decode() or "没有找到" in (
            response.content.decode()
        )
    body = client.get(URL, {"q": "文泽"}).content.decode()
    body += client.get(URL, {"q": "宇华", "kind": "delegates"}).content.decode()
    assert "2023990001" not in body and "2023990002" not in body
    assert "SRCH-P1" not in body and "SRCH-P2" not in body


def test_only_current_posts_and_public_elections_are_found(client, world):  # type: ignore[no-untyped-def]
    past = PersonFactory(ident="SRCH-P3", name="康文杰")
    PositionFactory(
        organisation=world,
        person=past,
        title="副主席",
        start=today() - dt.timedelta(days=400),
        end=today() - dt.timedelta(days=1),
    )
    ending = PersonFactory(ident="SRCH-P4", name="康文韬")
    PositionFactory(
        organisation=world,
        person=ending,
        title="副主席",
        start=today() - dt.timedelta(days=400),
        end=today(),  # still holds it today
    )
    ElectionFactory(
        code="SRCH-D",
        organisation=world,
        title="主席团补选",
        status=ElectionStatus.DRAFT,
    )
    groups = {g.kind.key: g for g in selectors.search(selectors.parse("康文"))}
    assert {h.title for h in groups["cadres"].hits} == {"康文泽", "康文韬"}
    groups = {g.kind.key: g for g in selectors.search(selectors.parse("主席团"))}
    assert [h.title for h in groups["elections"].hits] == ["第五届主席团选举"]


def test_words_are_split_on_spaces_and_punctuation_and_normalised(world):  # type: ignore[no-untyped-def]
    for q in ("理工 学生会", "理工，学生会", "理工　学生会", "ｓｒｃｈ－ｕ"):
        found = selectors.search(selectors.parse(q))
        assert [g.kind.key for g in found][:1] == ["organisations"], q
    # Every word must occur: one that does not finds nothing.
    assert selectors.search(selectors.parse("理工 医科")) == []
    assert selectors.parse("  \x00 ").words == ()


def test_the_shortest_name_containing_the_fragment_ranks_first(world):  # type: ignore[no-untyped-def]
    OrganisationFactory(code="SRCH-L", name="示范理工大学学生会文学院分会")
    OrganisationFactory(code="SRCH-S", name="理工学生会")
    (group,) = selectors.search(selectors.parse("理工"))[:1]
    assert [h.title for h in group.hits][:3] == [
        "理工学生会",
        "示范理工大学学生会",
        "示范理工大学学生会文学院分会",
    ]


def test_each_kind_is_capped_with_more_and_pages_through_the_rest(client, world):  # type: ignore[no-untyped-def]
    for i in range(selectors.PER_KIND):
        OrganisationFactory(code=f"SRCH-X{i}", name=f"理工分会{i}")
    body = client.get(URL, {"q": "理工"}).content.decode()
    assert body.count('href="/org/SRCH-') == selectors.PER_KIND + 0  # capped
    assert "kind=organisations" in body
    page = client.get(URL, {"q": "理工", "kind": "organisations"}).content.decode()
    assert page.count('href="/org/SRCH-') == selectors.PER_KIND + 1
    # At the cap exactly there is no "more".
    Notice.objects.filter(title__contains="任前").delete()
    for i in range(selectors.PER_KIND):
        notice(world, f"任前公示{i}")
    body = client.get(URL, {"q": "任前"}).content.decode()
    assert "kind=notices" not in body


def test_empty_states(client, world):  # type: ignore[no-untyped-def]
    body = client.get(URL).content.decode()
    assert kinds(body) == [] and 'name="q"' in body
    assert "找到" not in body  # no "nothing found" before a search
    body = client.get(URL, {"q": "不存在的名字"}).content.decode()
    assert kinds(body) == [] and "没有找到" in body


def test_the_home_page_has_the_search_box(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/").content.decode()
    assert 'action="/search/"' in body and 'name="q"' in body


def test_english_and_chinese(client, world):  # type: ignore[no-untyped-def]
    zh = client.get(URL, {"q": "学生会"}).content.decode()
    assert "<h2>组织</h2>" in zh and "<h2>公示</h2>" in zh
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(URL, {"q": "学生会"}).content.decode()
    assert "<h2>Organisations</h2>" in en and "<h2>Public notices</h2>" in en
    en = client.get(URL, {"q": "不存在的名字"}).content.decode()
    assert "Nothing found" in en


def _populate(n: int) -> None:
    union = OrganisationFactory()
    meeting = MeetingFactory(organisation=union)
    for i in range(n):
        org = OrganisationFactory(name=f"量测学院学生会{i}", parent=union)
        person = PersonFactory(name=f"量测{i}")
        PositionFactory(
            organisation=org, person=person, start=today() - dt.timedelta(days=3)
        )
        DelegateFactory(meeting=meeting, person=person)
        notice(org, f"量测公示{i}")
        ElectionFactory(
            organisation=org,
            meeting=meeting,
            title=f"量测选举{i}",
            status=ElectionStatus.OPEN,
        )
        documents(org, f"量测制度{i}", f"量测事务{i}")


@pytest.mark.parametrize("n", [2, 12])
def test_the_page_takes_one_query_per_kind_whatever_the_data(
    client, n, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    _populate(n)
    client.get(URL, {"q": "量测"})  # the session, once
    with django_assert_num_queries(len(selectors.KINDS)):
        body = client.get(URL, {"q": "量测"}).content.decode()
    assert kinds(body) == [k.key for k in selectors.KINDS]
    with django_assert_num_queries(2):  # a kind's page: its count and its rows
        client.get(URL, {"q": "量测", "kind": "cadres", "page": "2"})


def test_at_most_fifteen_queries_signed_in(admin_client) -> None:  # type: ignore[no-untyped-def]
    _populate(3)
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(URL, {"q": "量测"}).status_code == 200
    assert len(queries) <= 15


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity: PostgreSQL only"
)
def test_on_postgresql_a_longer_query_finds_similar_names(world):  # type: ignore[no-untyped-def]
    # Not a substring of any name, but close to one by trigrams (pg_trgm).
    found = {
        g.kind.key: g
        for g in selectors.search(selectors.parse("示范理工大学学生会主席"))
    }
    assert [h.title for h in found["organisations"].hits] == ["示范理工大学学生会"]
    found = {g.kind.key: g for g in selectors.search(selectors.parse("康文泽主席"))}
    assert [h.title for h in found["cadres"].hits] == ["康文泽"]
    # Too far from anything: nothing.
    assert selectors.search(selectors.parse("北京外国语大学")) == []
