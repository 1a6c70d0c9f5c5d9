"""Face-to-face meetings (RGT-3): who schedules, sign-up up to the places offered (both
sides of the limit, and the last place to one student of several at once on
PostgreSQL), minutes afterwards, each point becoming a concern or joining one, a
federation's meetings with deputies, the audit both sides and bounded list queries."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories_voice import build_voice_school, student
from tongxue.advocacy import services
from tongxue.advocacy.models import Dialogue, DialogueStatus, Point, SignUp
from tongxue.business.selectors import union_findings
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain.audit import AuditContext, all_rules
from tongxue.organisations.mappers import load_registry
from tongxue.voice import services as voice
from tongxue.voice.models import Concern, ConcernEvent, EventKind, Support, Visibility

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def vs():  # type: ignore[no-untyped-def]
    return build_voice_school("F")


def later(days: int = 7) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def meeting(
    vs: Any,
    *,
    by: Any = None,
    org: Any = None,
    places: int = 3,
    starts: dt.datetime | None = None,
    kind: str = "reception_day",
    **kw: Any,
) -> Dialogue:
    return services.schedule(
        actor=by or vs.union_officer,
        organiser=org or vs.union,
        kind=kind,
        title=kw.pop("title", "校领导接待日（十月）"),
        starts=starts or later(),
        place="行政楼201",
        attendees="副校长、后勤处处长",
        places=places,
        **kw,
    )


def held(vs: Any, d: Dialogue, *, by: Any = None, public: bool = True) -> Dialogue:
    Dialogue.objects.filter(pk=d.pk).update(
        starts=timezone.now() - dt.timedelta(hours=2)
    )
    d.refresh_from_db()
    services.record_minutes(
        actor=by or vs.union_officer,
        dialogue=d,
        minutes="会议纪要：讨论了宿舍热水问题。",
        public=public,
    )
    return d


# -- scheduling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["union_officer", "union_admin", "federation_admin", "operator"]
)
def test_the_unions_officers_schedule(vs: Any, who: str) -> None:
    d = meeting(vs, by=vs.users[who])
    assert d.status == DialogueStatus.PLANNED and d.organiser == vs.union
    assert AuditEvent.objects.filter(action="advocacy.meeting.schedule").count() == 1


@pytest.mark.parametrize(
    "who", ["class_officer", "dept_officer", "office_handler", "advisor", "author"]
)
def test_others_do_not(vs: Any, who: str) -> None:
    with pytest.raises(Refusal) as refused:
        meeting(vs, by=vs.users[who])
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("places", "ok"), [(0, False), (1, True), (500, True), (501, False)]
)
def test_the_places_offered(vs: Any, places: int, ok: bool) -> None:
    if ok:
        assert meeting(vs, places=places).places == places
    else:
        with pytest.raises(Refusal) as refused:
            meeting(vs, places=places)
        assert refused.value.field == "places"


def test_sign_up_closes_at_the_start_at_the_latest(vs: Any) -> None:
    starts = later()
    with pytest.raises(Refusal) as refused:
        meeting(vs, starts=starts, signup_closes=starts + dt.timedelta(minutes=1))
    assert refused.value.field == "signup_closes"
    assert meeting(vs, starts=starts, signup_closes=starts).signup_closes == starts


def test_a_department_union_holds_no_such_meeting(vs: Any) -> None:
    with pytest.raises(Refusal):
        meeting(vs, by=vs.operator, org=vs.dept)


# -- sign-up ---------------------------------------------------------------------------------


def test_sign_up_up_to_the_places_offered_and_not_one_more(vs: Any) -> None:
    d = meeting(vs, places=2)
    services.sign_up(actor=vs.author, dialogue=d, topic="宿舍热水时间太短")
    services.sign_up(actor=vs.other, dialogue=d, topic="食堂晚餐太早结束")
    with pytest.raises(Refusal) as full:
        services.sign_up(actor=vs.classmate, dialogue=d, topic="图书馆座位")
    assert full.value.code == "full"
    assert SignUp.objects.filter(dialogue=d).count() == 2
    # signed up already: the topic changes, no second place
    services.sign_up(actor=vs.author, dialogue=d, topic="宿舍热水：每天只有两小时")
    assert SignUp.objects.get(dialogue=d, user=vs.author).topic.endswith("两小时")
    # a place given back is free again
    services.withdraw_signup(actor=vs.other, dialogue=d)
    services.sign_up(actor=vs.classmate, dialogue=d, topic="图书馆座位")
    assert set(SignUp.objects.filter(dialogue=d).values_list("user", flat=True)) == {
        vs.author.pk,
        vs.classmate.pk,
    }


def test_places_cannot_drop_below_those_taken(vs: Any) -> None:
    d = meeting(vs, places=3)
    services.sign_up(actor=vs.author, dialogue=d, topic="热水")
    services.sign_up(actor=vs.other, dialogue=d, topic="食堂")
    with pytest.raises(Refusal) as refused:
        meeting(vs, dialogue=d, places=1)
    assert refused.value.field == "places"
    assert meeting(vs, dialogue=d, places=2).places == 2


def test_only_the_schools_students_sign_up(vs: Any) -> None:
    d = meeting(vs)
    elsewhere = build_voice_school("G")
    for user in (
        elsewhere.author,
        vs.office_handler,
    ):  # another school; staff with no class
        with pytest.raises(Refusal) as refused:
            services.sign_up(actor=user, dialogue=d, topic="问题")
        assert refused.value.code == "forbidden"
    with pytest.raises(Refusal):
        services.sign_up(actor=None, dialogue=d, topic="问题")


@pytest.mark.parametrize(
    ("closes_in", "open_"),
    [(dt.timedelta(minutes=-1), False), (dt.timedelta(minutes=5), True)],
)
def test_sign_up_closes_on_time(vs: Any, closes_in: dt.timedelta, open_: bool) -> None:
    d = meeting(vs)
    Dialogue.objects.filter(pk=d.pk).update(signup_closes=timezone.now() + closes_in)
    d.refresh_from_db()
    if open_:
        services.sign_up(actor=vs.author, dialogue=d, topic="热水")
    else:
        with pytest.raises(Refusal) as refused:
            services.sign_up(actor=vs.author, dialogue=d, topic="热水")
        assert refused.value.code == "closed"


def test_a_cancelled_meeting_takes_no_sign_up(vs: Any) -> None:
    d = meeting(vs)
    with pytest.raises(Refusal):
        services.cancel(actor=vs.author, dialogue=d)
    services.cancel(actor=vs.union_officer, dialogue=d)
    with pytest.raises(Refusal):
        services.sign_up(actor=vs.author, dialogue=d, topic="热水")
    with pytest.raises(Refusal):
        services.record_minutes(actor=vs.union_officer, dialogue=d, minutes="x")


def test_the_sign_up_is_private_to_the_student_and_the_organisers(
    vs: Any, client: Client
) -> None:
    d = meeting(vs, places=1)
    url = reverse("advocacy:meeting", args=[vs.union.code, d.pk])
    client.force_login(vs.author)
    response = client.post(
        reverse("advocacy:meeting_action", args=[vs.union.code, d.pk, "signup"]),
        {"signup-topic": "宿舍热水时间太短"},
    )
    assert response.status_code == 302
    assert "宿舍热水时间太短" in client.get(url).content.decode()
    # another student sees the meeting full, not who took the place
    client.force_login(vs.other)
    page = client.get(url).content.decode()
    assert "宿舍热水时间太短" not in page and 'id="full"' in page
    refused = client.post(
        reverse("advocacy:meeting_action", args=[vs.union.code, d.pk, "signup"]),
        {"signup-topic": "食堂"},
    )
    assert refused.status_code == 400
    # the organisers see every sign-up with its topic
    client.force_login(vs.union_officer)
    page = client.get(url).content.decode()
    assert 'id="signup-list"' in page and "宿舍热水时间太短" in page
    # signed out: the public page, and a button to sign in
    client.logout()
    assert "宿舍热水时间太短" not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_student_of_several_at_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    vs = build_voice_school("R")
    d = meeting(vs, places=3)
    students = [student(vs.k1 if i % 2 else vs.k3, f"r-s{i}") for i in range(12)]

    def take(user: Any) -> bool:
        try:
            services.sign_up(actor=user, dialogue=d, topic="话题")
            return True
        except Refusal:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(take, students))
    assert sum(got) == 3
    assert SignUp.objects.filter(dialogue=d).count() == 3


# -- minutes and points ------------------------------------------------------------------------


def test_minutes_only_once_the_meeting_has_started(vs: Any) -> None:
    d = meeting(vs)
    with pytest.raises(Refusal) as early:
        services.record_minutes(actor=vs.union_officer, dialogue=d, minutes="x")
    assert early.value.code == "too-early"
    d = held(vs, d)
    assert d.status == DialogueStatus.HELD and d.minutes_at is not None
    with pytest.raises(Refusal):
        services.record_minutes(actor=vs.author, dialogue=d, minutes="改写")


def test_a_point_becomes_a_concern_raised_at_the_meeting(vs: Any) -> None:
    d = meeting(vs)
    mine = services.sign_up(actor=vs.author, dialogue=d, topic="宿舍热水时间太短")
    with pytest.raises(Refusal) as not_held:
        services.add_point(
            actor=vs.union_officer,
            dialogue=d,
            title="热水",
            category=vs.category("housing"),
        )
    assert not_held.value.code == "not-held"
    d = held(vs, d)
    added = services.add_point(
        actor=vs.union_officer,
        dialogue=d,
        title="宿舍热水每天只有两小时",
        body="三号楼热水供应时间短",
        category=vs.category("housing"),
        signup=mine,
        reply="后勤处答应两周内调整",
    )
    c = added.point.concern
    assert added.point.outcome == "new" and added.tracking_code
    assert (c.channel, c.union, c.author, c.visibility) == (
        "meeting",
        vs.union,
        None,
        Visibility.PRIVATE,
    )
    assert c.place == "行政楼201"
    assert ConcernEvent.objects.filter(concern=c, kind=EventKind.RAISED).exists()
    assert AuditEvent.objects.filter(action="voice.concern.record_offline").count() == 1
    with pytest.raises(Refusal) as no_category:
        services.add_point(actor=vs.union_officer, dialogue=d, title="另一个问题")
    assert no_category.value.field == "category"
    with pytest.raises(Refusal):
        services.add_point(
            actor=vs.author, dialogue=d, title="x", category=vs.category("food")
        )


def test_a_point_joins_an_existing_concern(vs: Any) -> None:
    existing = voice.raise_concern(
        actor=vs.other,
        union=vs.union,
        category=vs.category("food"),
        title="食堂晚餐六点就结束",
        body="晚课后吃不上饭",
        visibility=Visibility.PUBLIC,
    ).concern
    d = meeting(vs)
    mine = services.sign_up(actor=vs.author, dialogue=d, topic="食堂晚餐")
    theirs = services.sign_up(actor=vs.other, dialogue=d, topic="食堂晚餐（我提过）")
    d = held(vs, d)
    added = services.add_point(
        actor=vs.union_officer,
        dialogue=d,
        title="食堂晚餐时间",
        join=existing,
        signup=mine,
    )
    assert added.point.outcome == "joined" and added.tracking_code is None
    existing.refresh_from_db()
    assert existing.supporters == 1
    assert Support.objects.filter(concern=existing, user=vs.author).exists()
    note = ConcernEvent.objects.get(concern=existing, kind=EventKind.NOTE)
    assert d.title in note.text and not note.public
    # raised again by the student who raised the concern: not their own 我也遇到, a note
    again = services.add_point(
        actor=vs.union_officer, dialogue=d, title="再提", join=existing, signup=theirs
    )
    assert again.point.outcome == "joined"
    existing.refresh_from_db()
    assert existing.supporters == 1
    assert (
        ConcernEvent.objects.filter(concern=existing, kind=EventKind.NOTE).count() == 2
    )
    # another union's concern, or a closed one, is refused
    other = build_voice_school("H")
    foreign = voice.raise_concern(
        actor=other.author,
        union=other.union,
        category=other.category("food"),
        title="x",
        body="y",
        visibility=Visibility.PUBLIC,
    ).concern
    with pytest.raises(Refusal) as refused:
        services.add_point(actor=vs.union_officer, dialogue=d, title="x", join=foreign)
    assert refused.value.field == "join"
    voice.withdraw(concern=existing, actor=vs.other)
    existing.refresh_from_db()
    with pytest.raises(Refusal):
        services.add_point(actor=vs.union_officer, dialogue=d, title="x", join=existing)


def test_the_minutes_and_points_are_public_once_published(
    vs: Any, client: Client
) -> None:
    d = held(vs, meeting(vs), public=False)
    services.add_point(
        actor=vs.union_officer,
        dialogue=d,
        title="宿舍热水",
        category=vs.category("housing"),
    )
    url = reverse("advocacy:meeting", args=[vs.union.code, d.pk])
    assert "宿舍热水" not in client.get(url).content.decode()
    services.record_minutes(
        actor=vs.union_officer, dialogue=d, minutes="纪要", public=True
    )
    page = client.get(url).content.decode()
    assert "宿舍热水" in page and 'id="points"' in page


def test_points_through_the_page(vs: Any, client: Client) -> None:
    d = held(vs, meeting(vs))
    client.force_login(vs.union_officer)
    url = reverse("advocacy:meeting_action", args=[vs.union.code, d.pk, "point"])
    base = {
        "point-title": "网络经常断",
        "point-how": "new",
        "point-visibility": "private",
    }
    assert client.post(url, base).status_code == 400  # no category
    response = client.post(url, {**base, "point-category": vs.category("network").pk})
    # POST, redirect, GET: the code is shown once by the page it leads to
    assert response.status_code == 302
    assert 'id="tracking-code"' in client.get(response.url).content.decode()
    assert Concern.objects.filter(channel="meeting").count() == 1
    joined = client.post(
        url, {"point-title": "再说网络", "point-how": "join", "point-join": 999}
    )
    assert joined.status_code == 400


def test_a_federation_meets_deputies_and_notes_the_points(vs: Any) -> None:
    d = meeting(
        vs,
        by=vs.federation_admin,
        org=vs.federation,
        kind="deputies",
        title="与人大代表面对面",
    )
    # students of the federation's schools sign up
    services.sign_up(actor=vs.author, dialogue=d, topic="实习权益")
    with pytest.raises(Refusal):
        meeting(vs, by=vs.union_officer, org=vs.federation)
    d = held(vs, d, by=vs.federation_admin)
    added = services.add_point(
        actor=vs.federation_admin,
        dialogue=d,
        title="实习生权益保护",
        reply="代表将提交建议",
    )
    assert added.point.outcome == "noted" and added.point.concern is None
    assert not Concern.objects.exists()


# -- the audit (RGT-3) ---------------------------------------------------------------------------


def rgt3(org: Any, code: str, as_of: dt.date = TODAY) -> list[str]:
    registry = load_registry(code)
    ctx = AuditContext(registry, as_of)
    [spec] = [s for s in all_rules() if s.requirement == "RGT-3"]
    return [f.rule for f in spec.fn(ctx) if f.organisation == org.code]


def test_rgt3_reception_day_a_recommendation_until_one_is_held(vs: Any) -> None:
    [f] = union_findings(vs.union, "RGT-3", as_of=TODAY)
    assert (f.rule, f.severity) == ("RGT-3.no-reception-day", "recommendation")
    d = meeting(vs)  # planned: not yet
    assert rgt3(vs.union, vs.union.code) == ["RGT-3.no-reception-day"]
    held(vs, d)
    assert rgt3(vs.union, vs.union.code) == []
    # more than six months later it is due again
    assert rgt3(vs.union, vs.union.code, TODAY + dt.timedelta(days=190)) == [
        "RGT-3.no-reception-day"
    ]


def test_rgt3_a_written_request_counts_for_the_school(vs: Any) -> None:
    services.record_request(
        actor=vs.union_admin,
        union=vs.union,
        kind="reception_day",
        addressed_to="校党委办公室",
        sent_on=TODAY,
        summary="建议每月设立校领导接待日",
    )
    assert rgt3(vs.union, vs.union.code) == []


def test_rgt3_a_federation_without_deputies_is_a_violation(vs: Any) -> None:
    assert rgt3(vs.federation, vs.federation.code) == ["RGT-3.no-government-meeting"]
    held(
        vs,
        meeting(vs, by=vs.federation_admin, org=vs.federation, kind="deputies"),
        by=vs.federation_admin,
    )
    assert rgt3(vs.federation, vs.federation.code) == []


# -- pages ---------------------------------------------------------------------------------------


def test_the_meetings_list_runs_a_fixed_number_of_queries(
    vs: Any, client: Client
) -> None:
    url = reverse("advocacy:meetings", args=[vs.union.code])
    client.force_login(vs.author)
    meeting(vs)
    held(vs, meeting(vs))
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(12):
        d = meeting(vs, title=f"交流会{i}", kind="office_exchange")
        services.sign_up(actor=vs.author, dialogue=d, topic="热水")
        if i % 2:
            held(vs, d)
    assert count() == few


def test_the_union_page_links_to_its_advocacy(vs: Any, client: Client) -> None:
    page = client.get(
        reverse("organisations:detail", args=[vs.union.code])
    ).content.decode()
    for anchor in ("legal-aid-link", "face-meetings-link", "participation-link"):
        assert f'id="{anchor}"' in page
    fed = client.get(
        reverse("organisations:detail", args=[vs.federation.code])
    ).content.decode()
    assert 'id="face-meetings-link"' in fed and 'id="legal-aid-link"' not in fed
    school = client.get(
        reverse("organisations:detail", args=[vs.school.code])
    ).content.decode()
    assert 'id="face-meetings-link"' not in school


def test_scheduling_and_minutes_through_the_pages(vs: Any, client: Client) -> None:
    url = reverse("advocacy:meetings", args=[vs.union.code])
    form = {
        "meeting-kind": "office_exchange",
        "meeting-title": "后勤处交流会",
        "meeting-starts": (timezone.localtime() + dt.timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "meeting-place": "学生活动中心",
        "meeting-attendees": "后勤处处长",
        "meeting-places": "30",
    }
    client.force_login(vs.author)
    assert client.post(url, form).status_code == 403
    assert 'id="meeting-form"' not in client.get(url).content.decode()
    client.force_login(vs.union_officer)
    response = client.post(url, form)
    assert response.status_code == 302
    d = Dialogue.objects.get(title="后勤处交流会")
    assert client.post(url, {**form, "meeting-places": "0"}).status_code == 400
    edit = reverse("advocacy:meeting_edit", args=[vs.union.code, d.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**form, "meeting-places": "40"}).status_code == 302
    d.refresh_from_db()
    assert d.places == 40
    Dialogue.objects.filter(pk=d.pk).update(
        starts=timezone.now() - dt.timedelta(hours=1)
    )
    minutes = reverse("advocacy:meeting_action", args=[vs.union.code, d.pk, "minutes"])
    assert client.post(minutes, {"minutes-minutes": ""}).status_code == 400
    assert (
        client.post(
            minutes, {"minutes-minutes": "纪要", "minutes-public": "on"}
        ).status_code
        == 302
    )
    d.refresh_from_db()
    assert d.status == DialogueStatus.HELD and d.minutes_public
    assert Point.objects.count() == 0
