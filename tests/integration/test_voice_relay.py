"""Contact your delegate or cadre (RGT-6 · GS-一(三), CQ-一(三)): the relay.

A student writes to a delegate of the union's current congress or a cadre of its roster
who represents them; the recipient sees the sender's name, nobody else does (not another
student, not the union's administrator, not the operator, not the audit log); the
recipient replies; a student sends at most ``relay_messages_per_day_max`` messages a day
(both sides of the limit); the contacts are counted publicly, never who or what; the
public page's queries do not grow with the delegates; and the audit's RGT-6 reads who
has a contact route from the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DelegateFactory, MeetingFactory, PersonFactory, UserFactory
from tests.factories_voice import build_voice_school, student
from tests.integration.test_auditlog_privacy import events_naming, log_page
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.core import auditlog
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain.audit import audit
from tongxue.notifications.models import Notification
from tongxue.organisations.mappers import load_registry
from tongxue.voice import relay_selectors as rs
from tongxue.voice import relay_services
from tongxue.voice.models import RelayCount, RelayText, RelayThread

pytestmark = pytest.mark.django_db

SECRET = "食堂的价格太贵了"


@pytest.fixture
def vs() -> Any:
    """The voice school with a congress: a delegate of the law school (RDU) with an
    account, one of the science school (RDU2) without one."""
    vs = build_voice_school("R")
    congress = MeetingFactory(
        code="R-C1",
        organisation=vs.union,
        kind=MeetingKind.CONGRESS,
        status=MeetingStatus.CLOSED,
        opened=dt.date(2025, 11, 1),
    )
    delegate = student(vs.k2, "r-delegate", name="R代表甲")
    DelegateFactory(meeting=congress, person=delegate.person, seat_unit=vs.dept)
    offline = PersonFactory(ident="R-OFF", name="R代表乙", class_unit=vs.k3)
    DelegateFactory(meeting=congress, person=offline, seat_unit=vs.dept2)
    vs.users["delegate"] = delegate
    vs.congress = congress
    vs.offline = offline
    return vs


def write(client: Any, user: Any, vs: Any, person: Any, text: str = SECRET) -> Any:
    client.force_login(user)
    url = reverse("voice:contact_write", args=[vs.union.code, person.pk])
    return client.post(url, {"text": text})


# ------------------------------------------------------------------ who represents whom


def test_the_union_s_delegates_and_cadres_with_whom_they_represent(vs: Any) -> None:
    roll = rs.representatives(vs.union)
    assert roll.congress == vs.congress
    assert [r.name for r in roll.delegates] == ["R代表甲", "R代表乙"]
    first, second = roll.delegates
    assert first.reachable and not second.reachable
    assert first.scopes == [vs.dept.path] and second.scopes == [vs.dept2.path]
    [cadre] = roll.cadres
    assert cadre.person_id == vs.cadre_person.pk and cadre.reachable
    # a cadre of the union represents the union's students: the whole school
    assert cadre.capacity_for(vs.k3.path) == "cadre"
    assert first.capacity_for(vs.k1.path) == "delegate"
    assert first.capacity_for(vs.k3.path) is None


def test_a_planned_congress_does_not_replace_the_current_delegates(vs: Any) -> None:
    newer = MeetingFactory(
        code="R-C2",
        organisation=vs.union,
        kind=MeetingKind.CONGRESS,
        status=MeetingStatus.PLANNED,
        opened=dt.date(2026, 11, 1),
    )
    DelegateFactory(meeting=newer, person=PersonFactory(name="R新代表"))
    assert rs.current_congress(vs.union) == vs.congress
    newer.status = MeetingStatus.DELEGATES_ELECTED
    newer.save()
    assert rs.current_congress(vs.union) == newer


# ------------------------------------------------------------------ writing and reading


def test_a_student_writes_and_only_the_recipient_sees_who_wrote_what(
    client: Any, vs: Any
) -> None:
    response = write(client, vs.author, vs, vs.delegate.person)
    thread = RelayThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:relay_thread", args=[thread.pk])
    assert thread.sender == vs.author and thread.capacity == "delegate"
    author_name = vs.author.person.name
    url = reverse("voice:relay_thread", args=[thread.pk])
    # the recipient: the text and the sender's name
    client.force_login(vs.delegate)
    html = client.get(url).content.decode()
    assert SECRET in html and author_name in html
    inbox = client.get(reverse("voice:relay")).content.decode()
    assert author_name in inbox
    # the sender: their own message
    client.force_login(vs.author)
    assert SECRET in client.get(url).content.decode()
    # nobody else: not a classmate, not another student, not the union's
    # administrator or rights officer, not the League advisor, not the operator
    for name in (
        "classmate",
        "other",
        "union_admin",
        "union_officer",
        "advisor",
        "named",
        "operator",
        "cadre",
    ):
        client.force_login(getattr(vs, name))
        assert client.get(url).status_code == 404, name
        assert author_name not in client.get(reverse("voice:relay")).content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # sign in first
    # the public page counts the contact, never who or what
    html = client.get(reverse("voice:contact", args=[vs.union.code])).content.decode()
    assert author_name not in html and SECRET not in html
    assert rs.representatives(vs.union).delegates[0].contacts == 1


def test_the_recipient_is_notified_without_the_sender_and_replies(
    client: Any, vs: Any
) -> None:
    write(client, vs.author, vs, vs.delegate.person)
    thread = RelayThread.objects.get()
    [note] = Notification.objects.filter(user=vs.delegate)
    assert note.kind == "voice.relay_received"
    # a notification may go out by e-mail: no sender, no text
    assert vs.author.person.name not in str(note.params) and SECRET not in str(
        note.params
    )
    assert note.url == reverse("voice:relay_thread", args=[thread.pk])
    # the recipient replies, once and again
    client.force_login(vs.delegate)
    url = reverse("voice:relay_thread", args=[thread.pk])
    assert client.post(url, {"text": "收到，我会反映"}).status_code == 302
    assert client.post(url, {"text": "已经反映给后勤处"}).status_code == 302
    assert list(
        RelayText.objects.filter(thread=thread).values_list("from_recipient", flat=True)
    ) == [False, True, True]
    replied = Notification.objects.filter(user=vs.author, kind="voice.relay_replied")
    assert replied.count() == 2
    client.force_login(vs.author)
    html = client.get(url).content.decode()
    assert "已经反映给后勤处" in html
    # replies are not counted in the recipient's own limit
    assert not RelayCount.objects.filter(user=vs.delegate).exists()
    # someone else cannot write in the contact
    with pytest.raises(Refusal) as refused:
        relay_services.reply(actor=vs.other, thread=thread, text="插话")
    assert refused.value.code == "not-found"


def test_only_the_students_a_delegate_represents_may_write(
    client: Any, vs: Any
) -> None:
    # RDU's delegate: a student of RDU2 may not write, but may write to the cadre
    response = write(client, vs.other, vs, vs.delegate.person)
    assert response.status_code == 403
    assert write(client, vs.other, vs, vs.cadre_person).status_code == 302
    # someone who is no student of the school (the union's administrator)
    assert write(client, vs.union_admin, vs, vs.cadre_person).status_code == 403
    # a person who is not a delegate or cadre of the union
    stranger = PersonFactory(name="R路人")
    assert write(client, vs.author, vs, stranger).status_code == 400
    # a delegate without an account: the relay cannot reach them
    response = write(client, vs.other, vs, vs.offline)
    assert response.status_code == 400
    assert RelayThread.objects.count() == 1
    # the write links on the public page follow the same rule
    client.force_login(vs.other)
    html = client.get(reverse("voice:contact", args=[vs.union.code])).content.decode()
    assert (
        reverse("voice:contact_write", args=[vs.union.code, vs.offline.pk]) not in html
    )
    assert (
        reverse("voice:contact_write", args=[vs.union.code, vs.delegate.person.pk])
        not in html
    )
    assert (
        reverse("voice:contact_write", args=[vs.union.code, vs.cadre_person.pk]) in html
    )


def test_a_delegate_cannot_write_to_themselves(vs: Any) -> None:
    with pytest.raises(Refusal) as refused:
        relay_services.send(
            actor=vs.delegate, union=vs.union, person=vs.delegate.person, text="hi"
        )
    assert refused.value.code == "forbidden"


# ------------------------------------------------------------------ the daily limit


def test_the_daily_limit_on_both_sides(client: Any, vs: Any) -> None:
    day = timezone.localdate()
    limit = relay_services.daily_limit(vs.union)
    assert limit == 5  # the profiles' relay_messages_per_day_max
    for i in range(limit):  # the limit itself is allowed
        relay_services.send(
            actor=vs.author,
            union=vs.union,
            person=vs.delegate.person,
            text=f"第{i}条",
            today=day,
        )
    response = write(client, vs.author, vs, vs.delegate.person, "第6条")
    assert response.status_code == 429
    assert "5" in response.content.decode()
    assert RelayThread.objects.count() == limit
    # writing again in a contact counts too
    thread = RelayThread.objects.first()
    with pytest.raises(Refusal) as refused:
        relay_services.reply(actor=vs.author, thread=thread, text="再说一句", today=day)
    assert refused.value.code == "throttled"
    # another student is not held back; the next day the student may write again
    relay_services.send(
        actor=vs.classmate, union=vs.union, person=vs.delegate.person, text="我也是"
    )
    relay_services.send(
        actor=vs.author,
        union=vs.union,
        person=vs.delegate.person,
        text="第二天",
        today=day + dt.timedelta(days=1),
    )


# ------------------------------------------------------------------ the audit log


def test_the_audit_log_records_the_act_never_the_sender(client: Any, vs: Any) -> None:
    write(client, vs.author, vs, vs.delegate.person)
    thread = RelayThread.objects.get()
    client.force_login(vs.delegate)
    client.post(
        reverse("voice:relay_thread", args=[thread.pk]), {"text": "谢谢你的来信"}
    )
    client.force_login(vs.author)
    client.post(reverse("voice:relay_thread", args=[thread.pk]), {"text": "补充一点"})
    sends = AuditEvent.objects.filter(action="voice.relay.send")
    assert sends.count() == 2
    for event in sends:
        assert (event.actor_id, event.actor_label) == (None, auditlog.WITHHELD)
        assert event.target == vs.delegate.person.ident
        assert event.data == {"capacity": "delegate"}  # no contact, no message
    reply = AuditEvent.objects.get(action="voice.relay.reply")
    assert reply.actor_id == vs.delegate.pk and reply.data == {}
    assert events_naming(vs.author) == []
    for reader in (vs.union_admin, vs.operator):
        html = log_page(client, reader, vs.union.code)
        assert "voice.relay.send" in html
        assert vs.author.username not in html and vs.author.person.name not in html


# ------------------------------------------------------------------ bounded queries


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_public_page_s_queries_do_not_grow_with_the_delegates(
    client: Any, vs: Any
) -> None:
    url = reverse("voice:contact", args=[vs.union.code])
    relay_services.send(
        actor=vs.author, union=vs.union, person=vs.delegate.person, text="一"
    )
    client.force_login(vs.author)
    few = _queries(client, url)
    for i in range(12):
        person = student(vs.k1, f"r-more{i}").person
        DelegateFactory(meeting=vs.congress, person=person, seat_unit=vs.dept)
    for i in range(3):
        relay_services.send(
            actor=vs.other, union=vs.union, person=vs.cadre_person, text=f"{i}"
        )
    many = _queries(client, url)
    assert few == many
    assert many <= 14


def test_the_inbox_takes_bounded_queries(client: Any, vs: Any) -> None:
    for who in ("author", "classmate"):
        relay_services.send(
            actor=getattr(vs, who),
            union=vs.union,
            person=vs.delegate.person,
            text="一",
        )
    client.force_login(vs.delegate)
    few = _queries(client, reverse("voice:relay"))
    for i in range(4):
        relay_services.send(
            actor=student(vs.k1, f"r-s{i}"),
            union=vs.union,
            person=vs.delegate.person,
            text=f"{i}",
        )
    assert _queries(client, reverse("voice:relay")) == few


# ------------------------------------------------------------------ the audit: RGT-6


def test_rgt6_lists_the_delegates_and_cadres_without_a_contact_route(
    vs: Any,
) -> None:
    registry = load_registry(vs.union.code)
    assert vs.delegate.person.ident in registry.reachable
    assert vs.cadre_person.ident in registry.reachable
    assert "R-OFF" not in registry.reachable
    found = [
        f
        for f in audit(registry, as_of=timezone.localdate()).findings
        if f.requirement == "RGT-6"
    ]
    [finding] = found
    assert finding.rule == "RGT-6.no-contact-route"
    assert finding.organisation == vs.union.code
    assert finding.evidence["people"] == ["R-OFF"]
    assert finding.evidence["missing_count"] == 1
    # the delegate activates an account: nothing to report
    vs.offline.user = UserFactory(username="r-off")
    vs.offline.save()
    registry = load_registry(vs.union.code)
    assert not [
        f
        for f in audit(registry, as_of=timezone.localdate()).findings
        if f.requirement == "RGT-6"
    ]
    # an account deactivated is no contact route
    user = vs.offline.user
    user.is_active = False
    user.save()
    registry = load_registry(vs.union.code)
    assert "R-OFF" not in registry.reachable
