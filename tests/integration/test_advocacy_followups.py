"""Advocacy follow-ups of #17 (RGT-2, RGT-3, RGT-4): the services act on a given day
(``today=``, as the concern services); a referral's step on the concern through
voice's own service (permission, scope, audit); a point recorded from the meeting's
page redirects (a refresh records nothing, the same form sent twice records once, the
follow-up code shown once after the redirect); a point of a federation's meeting with
deputies joins a concern the federation handles or becomes a concern of the student's
school union handed up to the federation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories_voice import build_voice_school
from tongxue.advocacy import services
from tongxue.advocacy.models import Dialogue, Point, SignUp
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.voice import services as voice
from tongxue.voice.models import (
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    Support,
    Visibility,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=30)


@pytest.fixture
def vs() -> Any:
    return build_voice_school("Q")


def noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def raised(vs: Any, *, today: dt.date | None = None, **kw: Any) -> Concern:
    return voice.raise_concern(
        actor=kw.pop("user", vs.author),
        union=vs.union,
        category=vs.category(kw.pop("category", "housing")),
        title=kw.pop("title", "宿舍押金不退"),
        body="退宿后押金一直没有退还",
        visibility=kw.pop("visibility", Visibility.PUBLIC),
        today=today,
    ).concern


def meeting(
    vs: Any, *, by: Any = None, org: Any = None, kind: str = "reception_day"
) -> Dialogue:
    return services.schedule(
        actor=by or vs.union_officer,
        organiser=org or vs.union,
        kind=kind,
        title="面对面（十二月）",
        starts=timezone.now() + dt.timedelta(days=7),
        place="行政楼201",
        attendees="副校长",
        places=5,
    )


def held(vs: Any, d: Dialogue, *, by: Any = None) -> Dialogue:
    Dialogue.objects.filter(pk=d.pk).update(
        starts=timezone.now() - dt.timedelta(hours=2)
    )
    d.refresh_from_db()
    services.record_minutes(
        actor=by or vs.union_officer, dialogue=d, minutes="纪要", public=True
    )
    d.refresh_from_db()
    return d


# -- today= -----------------------------------------------------------------------------


def test_the_services_act_on_a_given_day(vs: Any) -> None:
    # a day still to come is judged on the day given, not on the real today
    with pytest.raises(Refusal) as future:
        services.save_contact(
            actor=vs.union_admin,
            union=vs.union,
            kind="legal_aid_centre",
            name="市法律援助中心",
            linked_since=PAST + dt.timedelta(days=1),
            today=PAST,
        )
    assert future.value.field == "linked_since"
    entry = services.save_contact(
        actor=vs.union_admin,
        union=vs.union,
        kind="legal_aid_centre",
        name="市法律援助中心",
        linked_since=PAST,
        today=PAST,
    )
    # a referral on a past day: the referral and the concern's step at noon of it
    c = raised(vs, today=PAST, visibility=Visibility.PRIVATE)
    day = PAST + dt.timedelta(days=1)
    referral = services.refer(
        actor=vs.union_officer,
        concern=c,
        contact=entry,
        consent_on=day,
        consent_how="in_person",
        today=day,
    )
    assert referral.referred_at == noon(day)
    step = ConcernEvent.objects.get(concern=c, kind=EventKind.REFERRED)
    assert step.at == noon(day)
    # participation: the meeting attended is judged on the day given
    committee = services.save_committee(
        actor=vs.union_officer,
        union=vs.union,
        kind="catering",
        name="膳食委员会",
        seat="权益部部长",
        since=PAST - dt.timedelta(days=10),
        today=PAST,
    )
    with pytest.raises(Refusal) as later:
        services.record_participation(
            actor=vs.union_officer,
            committee=committee,
            held=PAST + dt.timedelta(days=1),
            matter="饭菜价格",
            attended_by="权益部部长",
            position="反对涨价",
            outcome="adopted",
            today=PAST,
        )
    assert later.value.field == "held"
    services.record_participation(
        actor=vs.union_officer,
        committee=committee,
        held=PAST,
        matter="饭菜价格",
        attended_by="权益部部长",
        position="反对涨价",
        outcome="adopted",
        today=PAST,
    )


def test_sign_up_minutes_and_points_on_a_given_day(vs: Any) -> None:
    d = meeting(vs)
    tomorrow = TODAY + dt.timedelta(days=1)
    signup = services.sign_up(actor=vs.author, dialogue=d, topic="热水", today=tomorrow)
    assert SignUp.objects.get(pk=signup.pk).at == noon(tomorrow)
    # sign-up closes at the start: after it, refused on that day
    after = timezone.localdate(d.starts) + dt.timedelta(days=1)
    with pytest.raises(Refusal) as closed:
        services.sign_up(actor=vs.other, dialogue=d, topic="x", today=after)
    assert closed.value.code == "closed"
    # the minutes: too early on a day before the start, recorded on a day after it
    with pytest.raises(Refusal) as early:
        services.record_minutes(
            actor=vs.union_officer, dialogue=d, minutes="x", today=TODAY
        )
    assert early.value.code == "too-early"
    services.record_minutes(
        actor=vs.union_officer, dialogue=d, minutes="纪要", today=after
    )
    d.refresh_from_db()
    assert d.minutes_at == noon(after)
    added = services.add_point(
        actor=vs.union_officer,
        dialogue=d,
        title="热水时间太短",
        category=vs.category("housing"),
        signup=signup,
        today=after,
    )
    assert added.point.recorded_at == noon(after)
    assert added.point.concern.raised_at == noon(after)


# -- the referral's step: voice's service -------------------------------------------------


def test_note_referral_checks_the_handler_and_audits(vs: Any) -> None:
    c = raised(vs, visibility=Visibility.PRIVATE)
    for outsider in (vs.other, vs.office_handler, None):
        with pytest.raises(Refusal) as refused:
            voice.note_referral(actor=outsider, concern=c, name="市法律援助中心")
        assert refused.value.code == "forbidden"
    with pytest.raises(Refusal) as nameless:
        voice.note_referral(actor=vs.union_officer, concern=c, name=" ")
    assert nameless.value.field == "contact"
    step = voice.note_referral(actor=vs.union_officer, concern=c, name="市法律援助中心")
    assert (step.kind, step.public_text, step.actor) == (
        EventKind.REFERRED,
        "市法律援助中心",
        vs.union_officer,
    )
    record = AuditEvent.objects.get(action="voice.concern.referred")
    assert record.actor_id == vs.union_officer.pk and "法律" not in str(record.data)
    voice.withdraw(concern=c, actor=vs.author)
    c.refresh_from_db()
    with pytest.raises(Refusal) as withdrawn:
        voice.note_referral(actor=vs.union_officer, concern=c, name="市法律援助中心")
    assert withdrawn.value.code == "not-open"


def test_advocacy_refers_through_voices_service(vs: Any) -> None:
    entry = services.save_contact(
        actor=vs.union_admin,
        union=vs.union,
        kind="legal_aid_centre",
        name="市法律援助中心",
        linked_since=TODAY - dt.timedelta(days=10),
    )
    c = raised(vs, visibility=Visibility.PRIVATE)
    services.refer(
        actor=vs.union_officer,
        concern=c,
        contact=entry,
        consent_on=TODAY,
        consent_how="in_writing",
    )
    assert ConcernEvent.objects.filter(concern=c, kind=EventKind.REFERRED).count() == 1
    assert AuditEvent.objects.filter(action="voice.concern.referred").count() == 1
    assert AuditEvent.objects.filter(action="advocacy.referral").count() == 1


# -- a point from the page: POST, redirect, GET ----------------------------------------


def test_a_point_redirects_and_the_same_form_sent_twice_records_once(
    vs: Any, client: Client
) -> None:
    d = held(vs, meeting(vs))
    client.force_login(vs.union_officer)
    page = client.get(reverse("advocacy:meeting", args=[vs.union.code, d.pk]))
    once = page.context["point_once"]
    assert f'name="point-once" value="{once}"' in page.content.decode()
    url = reverse("advocacy:meeting_action", args=[vs.union.code, d.pk, "point"])
    form = {
        "point-title": "网络经常断",
        "point-how": "new",
        "point-visibility": "private",
        "point-category": vs.category("network").pk,
        "point-once": once,
    }
    first = client.post(url, form)
    back = reverse("advocacy:meeting", args=[vs.union.code, d.pk])
    assert first.status_code == 302 and first.url == back
    assert Concern.objects.filter(channel=Channel.MEETING).count() == 1
    # the page the redirect leads to shows the follow-up code, once, uncached
    shown = client.get(back)
    body = shown.content.decode()
    assert 'id="tracking-code"' in body and "no-store" in shown["Cache-Control"]
    assert Concern.objects.get(channel=Channel.MEETING).reference in body  # the message
    assert 'id="tracking-code"' not in client.get(back).content.decode()
    # the same form again (a double click, back and send): told, nothing recorded
    second = client.post(url, form, follow=True)
    assert second.redirect_chain[-1][0] == back
    assert Concern.objects.filter(channel=Channel.MEETING).count() == 1
    assert Point.objects.filter(dialogue=d).count() == 1
    # a new form (a new token) records a new point
    client.post(url, {**form, "point-once": "another", "point-title": "网速慢"})
    assert Point.objects.filter(dialogue=d).count() == 2
    # a refused form re-renders with its errors (400), nothing recorded
    refused = client.post(url, {**form, "point-once": "third", "point-category": ""})
    assert refused.status_code == 400 and Point.objects.filter(dialogue=d).count() == 2


# -- a federation's meeting with deputies: points become or join concerns ----------------


def test_a_federation_point_joins_a_concern_it_handles(vs: Any, client: Client) -> None:
    c = raised(vs, title="高校周边公交太少")
    voice.forward(actor=vs.union_officer, concern=c, to=vs.federation)
    d = meeting(vs, by=vs.federation_admin, org=vs.federation, kind="deputies")
    mine = services.sign_up(actor=vs.other, dialogue=d, topic="公交")
    d = held(vs, d, by=vs.federation_admin)
    client.force_login(vs.federation_admin)
    page = client.get(reverse("advocacy:meeting", args=[vs.federation.code, d.pk]))
    assert page.status_code == 200
    listed = dict(page.context["point_form"].fields["join"].choices)
    assert c.pk in listed and c.reference in listed[c.pk]
    url = reverse("advocacy:meeting_action", args=[vs.federation.code, d.pk, "point"])
    done = client.post(
        url,
        {
            "point-title": "公交线路",
            "point-how": "join",
            "point-join": c.pk,
            "point-signup": mine.pk,
            "point-once": "x1",
        },
    )
    assert done.status_code == 302
    point = Point.objects.get(dialogue=d)
    assert (point.outcome, point.concern_id) == ("joined", c.pk)
    note = ConcernEvent.objects.get(concern=c, kind=EventKind.NOTE)
    assert d.title in note.text and not note.public
    assert Support.objects.filter(concern=c, user=vs.other).exists()
    # a concern of a union outside the federation's area is refused
    other = build_voice_school("R")
    foreign = voice.raise_concern(
        actor=other.author,
        union=other.union,
        category=other.category("food"),
        title="x",
        body="y",
        visibility=Visibility.PUBLIC,
    ).concern
    with pytest.raises(Refusal) as refused:
        services.add_point(
            actor=vs.federation_admin, dialogue=d, title="x", join=foreign
        )
    assert refused.value.field == "join"


def test_a_federation_point_becomes_a_concern_of_the_students_union(vs: Any) -> None:
    d = meeting(vs, by=vs.federation_admin, org=vs.federation, kind="deputies")
    mine = services.sign_up(actor=vs.author, dialogue=d, topic="实习权益")
    d = held(vs, d, by=vs.federation_admin)
    with pytest.raises(Refusal) as nobody:
        services.add_point(
            actor=vs.federation_admin, dialogue=d, title="实习协议", new_concern=True
        )
    assert nobody.value.field == "signup"
    added = services.add_point(
        actor=vs.federation_admin,
        dialogue=d,
        title="实习单位不签协议",
        body="希望推行统一的实习协议范本",
        signup=mine,
        new_concern=True,
        visibility=Visibility.PUBLIC,
    )
    c = added.point.concern
    assert added.point.outcome == "new" and added.tracking_code
    assert (c.union, c.handler, c.channel, c.author, c.visibility) == (
        vs.union,
        vs.federation,
        Channel.MEETING,
        None,
        Visibility.PUBLIC,
    )
    assert c.status == ConcernStatus.IN_HAND  # acknowledged by being handed up
    forwarded = ConcernEvent.objects.get(concern=c, kind=EventKind.FORWARDED)
    assert forwarded.to_org == vs.federation and d.title in forwarded.text
    # not a point of the union's own student: nothing else noted
    assert Point.objects.filter(dialogue=d).count() == 1
    # noted only, as before, when neither is asked
    noted = services.add_point(actor=vs.federation_admin, dialogue=d, title="其他")
    assert noted.point.outcome == "noted" and noted.point.concern is None
