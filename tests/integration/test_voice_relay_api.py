"""The relay to delegates and cadres (RGT-6 · GS-一(三), CQ-一(三)) in the JSON API, and
the contacts counted on the congress's delegate list and the union's cadre roster.

The API gives a contact (its messages, who wrote) to its two parties only, as the
pages do: the student who wrote and the delegate or cadre written to; another
student, the union's administrators and rights officers, the League advisor and the
operator get 404, anyone signed out 401. Writing follows the page's rules (403 not a
student they represent, 429 past the day's limit). The delegate list and the roster
show, per person, the contacts received and answered — counts only, one aggregate
query through the lower apps' hooks (congresses.hooks.DELEGATE_CONTACTS,
cadres.hooks.CADRE_CONTACTS), never who wrote or what.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
)
from tests.factories_voice import build_voice_school, student
from tongxue.congresses.hooks import DELEGATE_CONTACTS
from tongxue.congresses.models import MeetingKind, MeetingStatus
from tongxue.organisations.models import OrgKind, Role
from tongxue.voice import relay_selectors as rs
from tongxue.voice import relay_services
from tongxue.voice.models import RelayText, RelayThread

pytestmark = pytest.mark.django_db

SECRET = "宿舍楼的热水总是不热"
ANSWER = "已经反映给后勤处了"


@pytest.fixture
def vs() -> Any:
    """The voice school with a congress: a delegate of RDU (the law school) with an
    account, one of RDU2 without."""
    vs = build_voice_school("Q")
    congress = MeetingFactory(
        code="Q-C1",
        organisation=vs.union,
        kind=MeetingKind.CONGRESS,
        status=MeetingStatus.CLOSED,
        opened=dt.date(2025, 11, 1),
    )
    delegate = student(vs.k2, "q-delegate", name="Q代表甲")
    DelegateFactory(meeting=congress, person=delegate.person, seat_unit=vs.dept)
    offline = PersonFactory(ident="Q-OFF", name="Q代表乙", class_unit=vs.k3)
    DelegateFactory(meeting=congress, person=offline, seat_unit=vs.dept2)
    vs.users["delegate"] = delegate
    vs.congress = congress
    vs.offline = offline
    return vs


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def send(client: Client, vs: Any, person: Any, text: str = SECRET) -> Any:
    return post(
        client,
        "/api/voice/relay",
        {"union": vs.union.code, "person": person.pk, "text": text},
    )


# ------------------------------------------------------------------ the API


def test_a_student_writes_through_the_api_with_csrf(vs: Any) -> None:
    body = {"union": vs.union.code, "person": vs.delegate.person.pk, "text": SECRET}
    assert post(Client(), "/api/voice/relay", body).status_code == 401
    client = Client(enforce_csrf_checks=True)
    client.force_login(vs.author)
    assert post(client, "/api/voice/relay", body).status_code == 403  # no token
    client.get(reverse("voice:start"))
    token = client.cookies["csrftoken"].value
    r = client.post(
        "/api/voice/relay",
        json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 201, r.content
    out = r.json()
    thread = RelayThread.objects.get()
    assert out["id"] == thread.pk and thread.sender == vs.author
    assert (out["union"], out["capacity"], out["recipient"]) == (
        vs.union.code,
        "delegate",
        "Q代表甲",
    )
    assert out["recipient_id"] == vs.delegate.person.pk
    assert [m["text"] for m in out["messages"]] == [SECRET]
    assert out["url"] == reverse("voice:relay_thread", args=[thread.pk])
    assert "sender" not in out


def test_only_the_two_parties_read_a_contact(vs: Any) -> None:
    assert send(signed_in(vs.author), vs, vs.delegate.person).status_code == 201
    thread = RelayThread.objects.get()
    author_name = vs.author.person.name
    one = f"/api/voice/relay/{thread.pk}"
    # the recipient: the text and who wrote, in the list and the contact
    recipient = signed_in(vs.delegate)
    received = recipient.get("/api/voice/relay/received").json()
    assert received["count"] == 1
    [item] = received["items"]
    assert item["sender"] == author_name and item["unread"] == 1
    assert item["messages"][0]["text"] == SECRET
    assert recipient.get("/api/voice/relay/sent").json()["count"] == 0
    contact = recipient.get(one).json()
    assert contact["side"] == "recipient" and contact["sender"] == author_name
    # reading it marks it read, as its page does
    assert RelayText.objects.get().read_at is not None
    # the sender: their own contact, in "sent"
    sender = signed_in(vs.author)
    [mine] = sender.get("/api/voice/relay/sent").json()["items"]
    assert mine["messages"][0]["text"] == SECRET and "sender" not in mine
    assert sender.get(one).json()["side"] == "sender"
    assert sender.get("/api/voice/relay/received").json()["count"] == 0
    # nobody else: 404 on the contact, nothing in their lists
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
        client = signed_in(getattr(vs, name))
        r = client.get(one)
        assert r.status_code == 404, name
        assert SECRET not in r.content.decode()
        for listing in ("received", "sent"):
            r = client.get(f"/api/voice/relay/{listing}")
            assert r.json()["count"] == 0, (name, listing)
            assert author_name not in r.content.decode()
        r = post(client, f"{one}/messages", {"text": "插话"})
        assert r.status_code == 404, name
    # signed out: nothing
    for url in ("/api/voice/relay/received", "/api/voice/relay/sent", one):
        assert Client().get(url).status_code == 401
    assert post(Client(), f"{one}/messages", {"text": "x"}).status_code == 401
    assert RelayText.objects.count() == 1


def test_the_recipient_replies_and_the_student_reads_it(vs: Any) -> None:
    send(signed_in(vs.author), vs, vs.delegate.person)
    thread = RelayThread.objects.get()
    url = f"/api/voice/relay/{thread.pk}/messages"
    r = post(signed_in(vs.delegate), url, {"text": ANSWER})
    assert r.status_code == 201 and r.json()["from_recipient"] is True
    sender = signed_in(vs.author)
    [mine] = sender.get("/api/voice/relay/sent").json()["items"]
    assert [m["text"] for m in mine["messages"]] == [SECRET, ANSWER]
    assert mine["unread"] == 1
    # the student writes again in the contact
    r = post(sender, url, {"text": "谢谢"})
    assert r.status_code == 201 and r.json()["from_recipient"] is False
    assert post(sender, url, {"text": ""}).status_code == 400


def test_writing_follows_the_page_s_rules(vs: Any) -> None:
    # a student of RDU2 is not one of RDU's delegate's students: 403
    other = signed_in(vs.other)
    r = send(other, vs, vs.delegate.person)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # the union's cadre represents every student of the school
    assert send(other, vs, vs.cadre_person).status_code == 201
    # no active account at the other end; not a delegate or cadre; no such person
    assert send(other, vs, vs.offline).json()["code"] == "unreachable"
    stranger = PersonFactory(name="Q路人")
    assert send(other, vs, stranger).json()["code"] == "not-representative"
    body = {"union": vs.union.code, "person": 99999999, "text": "x"}
    assert post(other, "/api/voice/relay", body).status_code == 404
    # not a school-level union: 404
    body = {"union": vs.dept.code, "person": vs.cadre_person.pk, "text": "x"}
    assert post(other, "/api/voice/relay", body).status_code == 404
    # an empty text
    assert send(other, vs, vs.cadre_person, "  ").status_code == 400
    assert RelayThread.objects.count() == 1


def test_the_day_s_limit_answers_429(vs: Any) -> None:
    client = signed_in(vs.author)
    limit = relay_services.daily_limit(vs.union)
    for i in range(limit):  # the limit itself is allowed
        assert send(client, vs, vs.delegate.person, f"第{i}条").status_code == 201
    r = send(client, vs, vs.delegate.person, "再一条")
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    thread = RelayThread.objects.first()
    r = post(client, f"/api/voice/relay/{thread.pk}/messages", {"text": "补充"})
    assert r.status_code == 429
    # the recipient's replies are not counted
    r = post(
        signed_in(vs.delegate),
        f"/api/voice/relay/{thread.pk}/messages",
        {"text": ANSWER},
    )
    assert r.status_code == 201


def test_the_lists_take_bounded_queries(
    vs: Any, django_assert_max_num_queries: Any
) -> None:
    send(signed_in(vs.author), vs, vs.delegate.person)
    recipient = signed_in(vs.delegate)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert recipient.get("/api/voice/relay/received").status_code == 200
        return len(ctx)

    few = count()
    for i in range(5):
        writer = student(vs.k1, f"q-writer{i}")
        relay_services.send(
            actor=writer, union=vs.union, person=vs.delegate.person, text=f"{i}"
        )
        thread = RelayThread.objects.filter(sender=writer).get()
        relay_services.reply(actor=vs.delegate, thread=thread, text="收到")
    assert count() == few
    # the session, the user, the count, the page, the messages
    with django_assert_max_num_queries(5):
        recipient.get("/api/voice/relay/received")


# ------------------------------------------------------------------ the counts


def _contacts(vs: Any) -> None:
    """Three students write to the delegate, who answers two; one to the cadre."""
    for i in range(3):
        writer = student(vs.k1, f"q-c{i}")
        sent = relay_services.send(
            actor=writer, union=vs.union, person=vs.delegate.person, text=SECRET
        )
        if i < 2:
            relay_services.reply(actor=vs.delegate, thread=sent.thread, text=ANSWER)
            relay_services.reply(actor=vs.delegate, thread=sent.thread, text="再补充")
    relay_services.send(
        actor=vs.author, union=vs.union, person=vs.cadre_person, text=SECRET
    )


def test_counts_received_and_answered_in_one_query(
    vs: Any, django_assert_num_queries: Any
) -> None:
    _contacts(vs)
    # the student writes again in a contact: still one contact received
    first = RelayThread.objects.filter(capacity="delegate").first()
    relay_services.reply(actor=first.sender, thread=first, text="还有一件事")
    ids = [vs.delegate.person.pk, vs.cadre_person.pk, vs.offline.pk]
    with django_assert_num_queries(1):
        delegates = rs.received_counts(ids, capacity="delegate", union=vs.union)
    assert delegates == {vs.delegate.person.pk: (3, 2)}
    with django_assert_num_queries(1):
        cadres = rs.received_counts(ids, capacity="cadre", union=vs.union)
    assert cadres == {vs.cadre_person.pk: (1, 0)}
    with django_assert_num_queries(0):
        assert rs.received_counts([], capacity="cadre", union=vs.union) == {}
    # the hook is filled from voice's AppConfig.ready()
    assert rs.delegate_counts in list(DELEGATE_CONTACTS)


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_delegate_list_shows_the_counts_never_who_or_what(vs: Any) -> None:
    url = reverse("congresses:delegates", args=[vs.union.code, vs.congress.code])
    client = Client()
    few = _queries(client, url)
    _contacts(vs)
    for i in range(12):
        person = student(vs.k1, f"q-more{i}").person
        DelegateFactory(meeting=vs.congress, person=person, seat_unit=vs.dept)
    assert _queries(client, url) == few  # one aggregate query, whatever the number
    html = client.get(url).content.decode()
    row = html[html.index("Q代表甲") :]
    row = row[: row.index("</tr>")]
    assert 'data-received="3" data-answered="2"' in row
    row = html[html.index("Q代表乙") :]  # no account, no contact: zero
    row = row[: row.index("</tr>")]
    assert 'data-received="0" data-answered="0"' in row
    for hidden in (SECRET, ANSWER, vs.author.person.name, "q-c0"):
        assert hidden not in html
    # a department union's congress: the relay does not reach its delegates
    dept_congress = MeetingFactory(
        code="Q-DC1",
        organisation=vs.dept,
        kind=MeetingKind.CONGRESS,
        status=MeetingStatus.CLOSED,
    )
    DelegateFactory(meeting=dept_congress, person=vs.delegate.person)
    html = client.get(
        reverse("congresses:delegates", args=[vs.dept.code, dept_congress.code])
    ).content.decode()
    assert "Q代表甲" in html and "relay-count" not in html


def test_the_roster_shows_the_counts_never_who_or_what(vs: Any) -> None:
    url = reverse("cadres:roster", args=[vs.union.code])
    client = Client()
    few = _queries(client, url)
    _contacts(vs)
    for i in range(6):
        dept = OrganisationFactory(
            code=f"Q-FD{i}",
            name=f"Q部门{i}",
            kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            parent=vs.union,
            students_served=None,
        )
        PositionFactory(
            organisation=dept,
            person=student(vs.k1, f"q-head{i}").person,
            role=Role.DEPARTMENT_HEAD,
            title="部长",
        )
    assert _queries(client, url) == few
    html = client.get(url).content.decode()
    item = html[html.index("Q副主席") :]
    item = item[: item.index("</li>")]
    assert 'data-received="1" data-answered="0"' in item
    # the link leads to the union's relay, through the old address
    position = vs.cadre_person.positions.get()
    assert reverse("cadres:relay", args=[position.pk]) in html
    assert client.get(reverse("cadres:relay", args=[position.pk]))[
        "Location"
    ] == reverse("voice:contact_write", args=[vs.union.code, vs.cadre_person.pk])
    for hidden in (SECRET, vs.author.person.name):
        assert hidden not in html
