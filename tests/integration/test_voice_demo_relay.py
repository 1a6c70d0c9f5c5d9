"""The voice demo's relay messages (RGT-6) and its routing suggestion (RGT-1, "Route").

The demo gives a delegate of the current congress (``delegate``) and the union's
president (``cadre``) accounts, and students write to them over the last month, most
answered; the 联系代表 page, the delegate list and the roster count them. The demo's
concerns of the term before (``tongxue.demo.voice_history``) give the routing model
more than ``MIN_EXAMPLES`` concluded concerns, so the rights officer sees where to
forward the concerns escalated back to the union (住宿 → 后勤处, 网络 → 网络信息中心).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    PersonFactory,
    PositionFactory,
)
from tests.integration.test_voice_demo import AS_OF, _school
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.demo import voice as demo
from tongxue.demo import voice_history, voice_relay
from tongxue.domain.rights.routing import MIN_CONFIDENCE, MIN_EXAMPLES
from tongxue.organisations.models import Organisation, Person, Role
from tongxue.voice import relay_selectors as rs
from tongxue.voice import routing, selectors
from tongxue.voice.models import (
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    RelayText,
    RelayThread,
)

pytestmark = pytest.mark.django_db


def _with_representatives(union: Organisation) -> tuple[Person, Person]:
    """The demo school with a current congress (a delegate of the department union)
    and a president: neither has an account yet."""
    dept = Organisation.objects.get(code=f"{union.code.split('-')[0]}-D01")
    klass = Organisation.objects.get(parent=dept)
    congress = MeetingFactory(
        code=f"{union.code}-C1",
        organisation=union,
        kind=MeetingKind.CONGRESS,
        status=MeetingStatus.CLOSED,
        opened=AS_OF - dt.timedelta(days=300),
    )
    delegate = PersonFactory(ident="LYDX-DEL", department=dept, class_unit=klass)
    # a class committee's member: not among the students who raise the demo's concerns
    PositionFactory(organisation=klass, person=delegate, role=Role.MEMBER, title="委员")
    DelegateFactory(meeting=congress, person=delegate, seat_unit=dept)
    president = PersonFactory(ident="LYDX-PRES", department=dept, class_unit=klass)
    PositionFactory(
        organisation=union,
        person=president,
        role=Role.PRESIDENT,
        title="主席",
        start=AS_OF - dt.timedelta(days=300),
    )
    return delegate, president


def test_the_demo_s_relay_messages_and_routing_suggestion() -> None:
    union = _school()
    delegate, president = _with_representatives(union)
    with override("en"):
        summary = demo.seed(scale="school", as_of=AS_OF)

    # -- the relay (RGT-6): two representatives with accounts, contacts on their days
    delegate.refresh_from_db()
    president.refresh_from_db()
    assert delegate.user.username == voice_relay.DELEGATE
    assert president.user.username == voice_relay.CADRE
    # the cadre a concern is about got no account
    assert not Person.objects.filter(ident="LYDX-HEAD", user__isnull=False).exists()
    threads = RelayThread.objects.filter(union=union)
    assert threads.count() == len(voice_relay.LETTERS) == 6
    assert "6 students' messages" in summary and "/voice/LYDX-XSH/contact/" in summary
    to_delegate = threads.get(recipient=delegate)
    assert to_delegate.capacity == "delegate"
    assert to_delegate.sender.username == "student"
    assert threads.filter(recipient=president, capacity="cadre").count() == 5
    # dated over the last month, never after the demo's day
    opened = sorted(t.opened_at.date() for t in threads)
    assert opened[0] == AS_OF - dt.timedelta(days=30) and opened[-1] <= AS_OF
    texts = RelayText.objects.filter(thread__union=union)
    assert all(t.sent_at.date() <= AS_OF for t in texts)
    # answered, waiting, and a reply the student has not read yet
    counts = rs.received_counts(
        [delegate.pk, president.pk], capacity="cadre", union=union
    )
    assert counts == {president.pk: (5, 3)}
    assert rs.received_counts([delegate.pk], capacity="delegate", union=union) == {
        delegate.pk: (1, 1)
    }
    assert rs.unread_count(to_delegate.sender) == 1
    # the public page counts them; the console lists the two accounts
    roll = rs.representatives(union, today=AS_OF)
    assert (
        roll.person(president.pk).contacts + roll.person(president.pk).contacts_before
        == 5
    )
    accounts = {a.username: a for a in demo.voice_accounts()}
    assert accounts["delegate"].role == "relay-delegate"
    assert accounts["cadre"].role == "relay-cadre"
    client = Client()
    client.force_login(president.user)
    html = client.get(reverse("voice:relay")).content.decode()
    for thread in threads.filter(recipient=president):
        assert reverse("voice:relay_thread", args=[thread.pk]) in html

    # -- the routing suggestion (RGT-1, "Route"): learned from enough concluded ones
    history = Concern.objects.filter(
        union=union, title__in=[t.title for t in voice_history.texts()]
    )
    assert history.count() == len(voice_history.texts()) == 8
    assert set(history.values_list("status", flat=True)) == {ConcernStatus.CLOSED}
    assert set(history.values_list("handler__kind", flat=True)) == {"school_office"}
    assert ConcernEvent.objects.filter(
        concern__in=history, kind=EventKind.FORWARDED, from_org=union
    ).count() == len(history)
    learned = Concern.objects.filter(routing.training_q(union.pk)).count()
    assert learned >= MIN_EXAMPLES + 8
    routing.forget()
    hints = {}
    for concern in Concern.objects.filter(
        union=union,
        handler=union,
        status__in=(ConcernStatus.RECEIVED, ConcernStatus.IN_HAND),
    ):
        route = routing.route(concern, selectors.forward_targets(concern))
        if route.hint is not None:
            hints[concern.title] = route.hint
    # 住宿, escalated from 后勤处 to the union: back to 后勤处, as like ones went
    hint = hints["宿舍门禁晚归登记太繁琐"]
    assert hint.target.name == "后勤处" and hint.examples == learned
    assert hint.confidence >= MIN_CONFIDENCE
    # 网络, escalated to the union: to 网络信息中心 (the term before's VPN concern)
    hint = hints["校外访问图书馆数据库太麻烦"]
    assert hint.target.name == "网络信息中心"
    # … and the union's rights officer sees it on the concern's page
    concern = Concern.objects.get(union=union, title="校外访问图书馆数据库太麻烦")
    client.force_login(demo_rights())
    html = client.get(
        reverse("voice:detail", args=[union.code, concern.number])
    ).content.decode()
    assert 'id="use-suggestion"' in html and "网络信息中心" in html


def demo_rights():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=demo.RIGHTS)
