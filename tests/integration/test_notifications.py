"""Notifications (#14): the inbox, its counts, settings, channels and the daily digest."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory
from tongxue.core.models import AuditEvent
from tongxue.notifications import channels, kinds, selectors, services
from tongxue.notifications.context import unread
from tongxue.notifications.digest import send_daily_digests
from tongxue.notifications.models import Notification, Preference

pytestmark = pytest.mark.django_db

VOTE = {"title": "学生会主席选举", "closes": "2026-03-01 18:00"}


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.edu.cn")


@pytest.fixture
def bob():
    return UserFactory(username="bob", email="bob@example.edu.cn")


@pytest.fixture
def recording(settings):
    settings.TONGXUE_NOTIFICATION_CHANNELS = [
        "tongxue.notifications.channels.EmailChannel",
        "tongxue.notifications.channels.RecordingChannel",
    ]
    channels.RecordingChannel.sent.clear()
    yield channels.RecordingChannel.sent
    channels.RecordingChannel.sent.clear()


def _vote(user_ids, **kw):
    return services.notify(
        "vote.opened", user_ids=user_ids, params=VOTE, url="/vote/V1/", **kw
    )


# -- the inbox -------------------------------------------------------------------------


def test_the_inbox_shows_a_notification_in_the_readers_language(client, alice):
    assert _vote([alice.pk]) == 1
    client.force_login(alice)
    zh = client.get(reverse("notifications:inbox")).content.decode()
    assert "投票已开始：学生会主席选举" in zh
    assert "2026-03-01 18:00" in zh
    assert 'class="unread"' in zh
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(reverse("notifications:inbox")).content.decode()
    assert "Voting has opened: 学生会主席选举" in en
    assert "You can vote until 2026-03-01 18:00." in en


def test_the_inbox_is_newest_first_and_paginated(client, alice):
    for k in range(27):
        Notification.objects.create(
            user=alice,
            kind="deadline.approaching",
            params={"what": f"task {k:02d}", "due": "2026-03-01"},
            created_at=timezone.now() - dt.timedelta(minutes=100 - k),
        )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = client.get(reverse("notifications:inbox")).content.decode()
    assert first.index("task 26") < first.index("task 25")
    assert "task 01" not in first
    second = client.get(reverse("notifications:inbox") + "?page=2").content.decode()
    assert "task 01" in second and "task 00" in second and "task 26" not in second


def test_the_empty_inbox_says_what_will_come(client, alice):
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'id="inbox-empty"' in page
    assert 'id="read-all-form"' not in page


def test_the_inbox_needs_signing_in(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_another_user_neither_sees_nor_marks_it(client, alice, bob):
    _vote([alice.pk])
    (n,) = Notification.objects.filter(user=alice)
    client.force_login(bob)
    assert (
        "学生会主席选举"
        not in client.get(reverse("notifications:inbox")).content.decode()
    )
    assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404
    client.post(reverse("notifications:read-all"))
    n.refresh_from_db()
    assert n.read_at is None


def test_marking_read_one_and_all(client, alice):
    _vote([alice.pk])
    services.notify(
        "objection.answered", user_ids=[alice.pk], params={"notice": "候选人名单"}
    )
    a, b = Notification.objects.filter(user=alice).order_by("pk")
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[a.pk]))
    assert response.status_code == 302
    assert selectors.unread_count(alice) == 1
    first_read = Notification.objects.get(pk=a.pk).read_at
    client.post(reverse("notifications:read", args=[a.pk]))  # again: unchanged
    assert Notification.objects.get(pk=a.pk).read_at == first_read
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.count('class="unread"') == 1
    client.post(reverse("notifications:read-all"))
    assert selectors.unread_count(alice) == 0
    assert Notification.objects.get(pk=b.pk).read_at is not None


def test_mark_read_is_a_post(client, alice):
    _vote([alice.pk])
    n = Notification.objects.get(user=alice)
    client.force_login(alice)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_mark_read_needs_the_csrf_token(alice):
    from django.test import Client

    _vote([alice.pk])
    n = Notification.objects.get(user=alice)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(reverse("notifications:read", args=[n.pk])).status_code == 403
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_opening_the_link_marks_it_read_and_goes_there(client, alice):
    _vote([alice.pk])
    n = Notification.objects.get(user=alice)
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert reverse("notifications:open", args=[n.pk]) in page
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/vote/V1/"
    assert Notification.objects.get(pk=n.pk).read_at is not None


def test_a_notification_links_only_within_the_site(alice):
    with pytest.raises(ValueError):
        services.notify(
            "vote.opened", user_ids=[alice.pk], params=VOTE, url="https://evil.example/"
        )
    with pytest.raises(ValueError):
        services.notify(
            "vote.opened", user_ids=[alice.pk], params=VOTE, url="//evil.example/"
        )
    assert not Notification.objects.exists()


def test_counts_unread_and_the_context_processor(client, alice, bob, rf):
    _vote([alice.pk, bob.pk])
    _vote([alice.pk])
    assert selectors.unread_count(alice) == 2
    assert selectors.unread_count(bob) == 1
    request = rf.get("/")
    request.user = alice
    value = unread(request)["unread_notifications"]
    assert value == 2 and int(value) == 2 and value >= 1 and bool(value)
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'id="unread-count">2 ' in page or "2 条未读" in page


def test_the_count_is_one_query_for_a_user_and_none_for_a_visitor(
    rf, alice, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert int(unread(request)["unread_notifications"]) == 0
    request.user = alice
    with django_assert_num_queries(0):
        value = unread(request)["unread_notifications"]  # not used: no query
    with django_assert_num_queries(1):
        assert int(value) == 0
        assert str(value) == "0"


def test_inactive_accounts_and_unknown_ids_are_skipped(alice, bob):
    bob.is_active = False
    bob.save()
    assert _vote([alice.pk, bob.pk, 999_999]) == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [alice.pk]


def test_a_queryset_of_people_holding_user_ids_is_accepted(alice, bob):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=["alice", "bob"])
    assert _vote(users) == 2
    assert _vote(users.values_list("pk", flat=True)) == 2
    assert Notification.objects.count() == 4


def test_unknown_kind_is_refused_and_params_must_be_json(alice):
    with pytest.raises(ValueError):
        services.notify("no.such.kind", user_ids=[alice.pk], params={})
    with pytest.raises(TypeError):
        services.notify("vote.opened", user_ids=[alice.pk], params={"title": object()})


# -- text rendered at display ----------------------------------------------------------


def test_missing_params_never_break_the_page(client, alice, caplog):
    Notification.objects.create(user=alice, kind="vote.opened", params={"title": "X"})
    Notification.objects.create(user=alice, kind="deadline.approaching", params={})
    Notification.objects.create(user=alice, kind="gone.kind", params={"a": 1})
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with caplog.at_level(logging.WARNING, logger="tongxue.notifications.kinds"):
        response = client.get(reverse("notifications:inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Voting has opened: X" in page  # the title alone: the body lacks "closes"
    assert "You can vote until" not in page
    assert "Deadline approaching: …" in page
    assert ">Notification<" in page
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "body cannot be filled" in messages
    assert "title cannot be filled" in messages
    assert "not registered" in messages


def test_a_value_may_be_a_phrase_translated_for_the_reader(alice):
    kinds.register("test.phrase", title="%(state)s")  # a test kind
    try:
        with translation.override("zh-hans"):
            assert kinds.render("test.phrase", {"state": ["Notifications", {}]}) == (
                "通知",
                "",
            )
        with translation.override("en"):
            assert kinds.render("test.phrase", {"state": ["Notifications", {}]}) == (
                "Notifications",
                "",
            )
    finally:
        kinds.KINDS.pop("test.phrase")


def test_every_kind_renders_in_both_languages_with_its_documented_params():
    params = {
        "title": "T",
        "closes": "C",
        "notice": "N",
        "election": "E",
        "what": "W",
        "due": "D",
        "message": "M",
    }
    for name in kinds.KINDS:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                title, body = kinds.render(name, params)
            assert title and "%(" not in title and "%(" not in body, (name, language)


# -- preferences and channels ----------------------------------------------------------


def test_settings_page_saves_and_audits(client, alice):
    client.force_login(alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "alice@example.edu.cn" in page
    response = client.post(reverse("notifications:settings"), {"email": "on"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=alice)
    assert pref.email and not pref.daily_digest and pref.language == "zh-hans"
    event = AuditEvent.objects.get(action="notifications.settings_change")
    assert event.actor_id == alice.pk and event.target == "alice"
    assert event.data == {"email": True}
    client.post(reverse("notifications:settings"), {"email": "on"})  # no change
    assert (
        AuditEvent.objects.filter(action="notifications.settings_change").count() == 1
    )


def test_settings_page_says_when_no_address_is_known(client):
    user = UserFactory(username="noaddress", email="")
    client.force_login(user)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'id="no-email-address"' in page


def test_email_is_sent_only_to_those_who_asked(
    alice, bob, django_capture_on_commit_callbacks
):
    services.save_preferences(
        alice, email=True, daily_digest=False, channels=[], language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _vote([alice.pk, bob.pk])
    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == ["alice@example.edu.cn"]
    assert "Voting has opened: 学生会主席选举" in message.subject
    assert "You can vote until 2026-03-01 18:00." in message.body
    assert "/vote/V1/" in message.body
    assert Notification.objects.count() == 2  # both inboxes


def test_mail_waits_for_the_commit(alice, django_capture_on_commit_callbacks):
    services.save_preferences(
        alice, email=True, daily_digest=False, channels=[], language="en"
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _vote([alice.pk])
    assert mail.outbox == [] and len(callbacks) == 1


def test_mail_links_are_absolute_when_the_site_address_is_set(
    settings, alice, django_capture_on_commit_callbacks
):
    settings.TONGXUE_SITE_URL = "https://tongxue.example.edu.cn/"
    services.save_preferences(
        alice, email=True, daily_digest=False, channels=[], language="zh-hans"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _vote([alice.pk])
    assert "https://tongxue.example.edu.cn/vote/V1/" in mail.outbox[0].body
    assert "投票已开始" in mail.outbox[0].subject


def test_recording_channel_receives_what_users_chose(
    recording, alice, bob, django_capture_on_commit_callbacks
):
    services.save_preferences(
        alice, email=False, daily_digest=False, channels=["recording"], language="en"
    )
    services.save_preferences(
        bob, email=True, daily_digest=False, channels=["no-such"], language="en"
    )
    assert Preference.objects.get(user=bob).channels == []  # only configured ones
    with django_capture_on_commit_callbacks(execute=True):
        _vote([alice.pk, bob.pk])
    assert [(pk, t.title) for pk, t in recording] == [
        (alice.pk, "Voting has opened: 学生会主席选举")
    ]
    assert [m.to for m in mail.outbox] == [["bob@example.edu.cn"]]


def test_the_settings_page_offers_configured_channels(client, recording, alice):
    client.force_login(alice)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'value="recording"' in page
    client.post(reverse("notifications:settings"), {"channels": ["recording"]})
    assert Preference.objects.get(user=alice).channels == ["recording"]


class Broken:
    name = "broken"
    label = "Broken"

    def deliver(self, user, notification_text):
        raise ConnectionError("provider down")


def test_a_failing_channel_does_not_stop_the_others(
    settings, alice, caplog, django_capture_on_commit_callbacks
):
    settings.TONGXUE_NOTIFICATION_CHANNELS = [
        "tests.integration.test_notifications.Broken",
        "tongxue.notifications.channels.RecordingChannel",
        "tongxue.notifications.channels.EmailChannel",
    ]
    channels.RecordingChannel.sent.clear()
    services.save_preferences(
        alice,
        email=True,
        daily_digest=False,
        channels=["broken", "recording"],
        language="en",
    )
    with (
        caplog.at_level(logging.ERROR, logger="tongxue.notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert _vote([alice.pk]) == 1
    assert Notification.objects.filter(user=alice).count() == 1
    assert [pk for pk, _t in channels.RecordingChannel.sent] == [alice.pk]
    assert len(mail.outbox) == 1
    assert any("channel broken failed" in r.getMessage() for r in caplog.records)
    channels.RecordingChannel.sent.clear()


def test_channels_implement_the_protocol():
    assert isinstance(channels.EmailChannel(), channels.Channel)
    assert isinstance(channels.RecordingChannel(), channels.Channel)


# -- the daily digest ------------------------------------------------------------------


def _digest_user(username, *, email=True):
    user = UserFactory(username=username, email=f"{username}@example.edu.cn")
    services.save_preferences(
        user, email=False, daily_digest=email, channels=[], language="en"
    )
    return user


def test_the_digest_mails_the_unread_of_the_last_day_once(alice):
    carol = _digest_user("carol")
    now = timezone.now()
    old = Notification.objects.create(
        user=carol,
        kind="vote.opened",
        params={"title": "old", "closes": "x"},
        created_at=now - dt.timedelta(days=2),
    )
    _vote([carol.pk, alice.pk])
    services.notify(
        "objection.answered", user_ids=[carol.pk], params={"notice": "read one"}
    )
    Notification.objects.filter(params__notice="read one").update(read_at=now)
    assert send_daily_digests(now=now + dt.timedelta(minutes=1)) == 1
    (message,) = mail.outbox
    assert message.to == ["carol@example.edu.cn"]
    assert "1 unread notification of the last day" in message.subject
    assert "Voting has opened: 学生会主席选举" in message.body
    assert "old" not in message.body and "read one" not in message.body
    # the same day again: nothing; the next day, only what is new
    assert send_daily_digests(now=now + dt.timedelta(hours=2)) == 0
    assert send_daily_digests(now=now + dt.timedelta(days=1, minutes=2)) == 0
    Notification.objects.create(
        user=carol,
        kind="deadline.approaching",
        params={"what": "W", "due": "D"},
        created_at=now + dt.timedelta(days=1, hours=3),
    )
    assert send_daily_digests(now=now + dt.timedelta(days=2, minutes=3)) == 1
    assert "Deadline approaching: W" in mail.outbox[-1].body
    assert "学生会主席选举" not in mail.outbox[-1].body
    assert old.pk  # never mailed (older than a day at the first digest)


def test_no_digest_for_those_who_did_not_choose_it(alice):
    _vote([alice.pk])
    assert send_daily_digests(now=timezone.now() + dt.timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_the_digest_is_claimed_before_sending(alice, monkeypatch, caplog):
    carol = _digest_user("carol")
    _vote([carol.pk])

    def down(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("tongxue.notifications.digest.send_mail", down)
    with caplog.at_level(logging.ERROR, logger="tongxue.notifications.digest"):
        assert send_daily_digests(now=timezone.now() + dt.timedelta(minutes=1)) == 0
    assert "was not sent" in caplog.text
    assert Preference.objects.get(user=carol).digest_sent_at is not None


def _fill(user, n):
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind="vote.opened",
            params={"title": f"vote {k}", "closes": "2026-03-01"},
            url=f"/vote/V{k}/",
            read_at=timezone.now() if k % 3 == 0 else None,
        )
        for k in range(n)
    )


def test_the_inbox_runs_a_bounded_number_of_queries(
    client, alice, bob, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    _fill(alice, 3)
    _fill(bob, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("notifications:inbox")).status_code == 200
    # session, user, the page's count and rows, the unread count
    assert len(small) <= 5, [q["sql"] for q in small.captured_queries]
    _fill(alice, 200)
    with django_assert_num_queries(len(small)):
        page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.count('data-pk="') == 25


def test_deleting_a_user_deletes_their_notifications(alice, bob):
    _vote([alice.pk, bob.pk])
    alice.delete()  # the ORM cascades (no foreign key in the database: models.py)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [bob.pk]
