"""The audit log records private acts without the identities the product hides.

A relay message's sender is shown to its recipient only (docs/voice.md), an objector to
those who may answer the objection (docs/publicity.md), an opinion to nobody with its
author (docs/business.md): the log records the act, and its page shows each reader
only what that reader's role may see.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tests.factories_business import union_with_congress
from tests.factories_cadres import build_cadre_school
from tongxue.business import services as business
from tongxue.core import auditlog
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.publicity import services as publicity
from tongxue.voice import relay_services

pytestmark = pytest.mark.django_db


def log_page(client, user, code: str) -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("compliance:log", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def events_naming(*users) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(
        AuditEvent.objects.filter(
            Q(actor_id__in=[u.pk for u in users])
            | Q(actor_label__in=[u.username for u in users])
        )
    )


# --- relay -------------------------------------------------------------------------


def test_the_relay_sender_appears_in_the_log_for_nobody(client):
    """The relay to cadres is the concerns app's since the roster's own was merged
    into it (RGT-6): the log records the message relayed to the cadre, no sender."""
    cs = build_cadre_school()
    cs.president.person.user = UserFactory(username="president77")
    cs.president.person.save()
    sender = UserFactory(username="sender77")
    PersonFactory(user=sender, department=cs.dept_union)
    sent = relay_services.send(
        actor=sender, union=cs.union, person=cs.president.person, text="食堂问题"
    )
    event = AuditEvent.objects.get(action="voice.relay.send")
    assert (event.actor_id, event.actor_label) == (None, auditlog.WITHHELD)
    assert event.target == cs.president.person.ident  # the act: sent to this cadre
    assert event.data == {"capacity": "cadre"}  # no link to the message (its sender)
    assert events_naming(sender) == []
    assert sent.thread.sender == sender  # the cadre still sees who wrote
    operator = UserFactory(is_superuser=True, is_staff=True)
    for reader in (cs.admin, operator):
        html = log_page(client, reader, cs.union.code)
        assert "voice.relay.send" in html and "sender77" not in html


# --- objections --------------------------------------------------------------------


@pytest.fixture
def notice():  # type: ignore[no-untyped-def]
    union = OrganisationFactory(code="PSU", parent=SchoolFactory(code="PSCH"))
    return publicity.publish_notice(
        actor=None,
        organisation=union,
        subject_type="elections.election",
        subject_id=7,
        kind="result",
        title="主席团选举结果公示",
        body="当选：张三",
        starts=dt.date.today(),
    )


def reader(notice, role: str):  # type: ignore[no-untyped-def]
    user = UserFactory()
    RoleFactory(user=user, organisation=notice.organisation, role=role)
    return user


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (RoleKind.UNION_CADRE, False),  # reads the log, may not answer
        (RoleKind.PARTY_APPROVER, False),
        (RoleKind.UNION_ADMIN, True),  # answers objections
        (RoleKind.LEAGUE_ADVISOR, True),
    ],
)
def test_an_objector_is_shown_only_to_roles_that_may_answer(client, notice, role, sees):
    objector = UserFactory(username="objector42")
    publicity.lodge_objection(actor=objector, notice=notice, text="计票过程不公开")
    html = log_page(client, reader(notice, role), notice.organisation.code)
    assert "notice.objection_lodged" in html
    assert ("objector42" in html) is sees


def test_the_log_page_hides_objectors_in_a_bounded_number_of_queries(
    client, notice, django_assert_max_num_queries
):
    for i in range(3):
        publicity.lodge_objection(
            actor=UserFactory(username=f"obj{i}"), notice=notice, text=f"异议{i}"
        )
    cadre = reader(notice, RoleKind.UNION_CADRE)
    client.force_login(cadre)
    url = reverse("compliance:log", args=[notice.organisation.code])
    client.get(url)
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    for i in range(3, 13):
        publicity.lodge_objection(
            actor=UserFactory(username=f"obj{i}"), notice=notice, text=f"异议{i}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert not any(f"obj{i}<" in html for i in range(13))


# --- opinions ----------------------------------------------------------------------


def test_an_opinions_author_cannot_be_matched_by_order_time_or_target(
    client, monkeypatch
):
    u = union_with_congress()
    monkeypatch.setattr(business.opinions, "_today", lambda: u.congress.opened)
    authors = [UserFactory(username=f"author{i}") for i in range(3)]
    for i, author in enumerate(authors):
        business.submit_opinion(actor=author, meeting=u.congress, text=f"意见{i}")
    events = list(
        AuditEvent.objects.filter(action="business.submit_opinion").order_by("seq")
    )
    assert len(events) == 3
    assert {(e.actor_id, e.actor_label, e.role, e.target) for e in events} == {
        (None, auditlog.WITHHELD, "student", u.congress.code)
    }
    assert events_naming(*authors) == []
    html = log_page(client, u.admin, u.union.code)
    assert "business.submit_opinion" in html
    assert not any(a.username in html for a in authors)
