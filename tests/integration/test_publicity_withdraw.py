"""Who publishes a notice, and withdrawing one published in error (ELE-4; #13).

``publish_notice`` checks its actor itself (the publishing app's services call it after
their own check); ``withdraw_notice`` is the notice page's: the organisation's managers
withdraw a notice before its end, it stays visible as withdrawn, in the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, RoleFactory, SchoolFactory, UserFactory
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.domain.publicity import NoticeState
from tongxue.publicity import selectors, services
from tongxue.publicity.models import Notice

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def union():  # type: ignore[no-untyped-def]
    school = SchoolFactory(code="WSCH")
    return OrganisationFactory(code="WSU", name="示范大学学生会", parent=school)


def _user(union, role):  # type: ignore[no-untyped-def]
    user = UserFactory()
    RoleFactory(user=user, organisation=union, role=role)
    return user


def publish(union, actor=None, **kw):  # type: ignore[no-untyped-def]
    args = {
        "actor": actor,
        "organisation": union,
        "subject_type": "elections.election",
        "subject_id": 7,
        "kind": "candidates",
        "title": "主席团选举候选人名单公示",
        "body": "候选人：张三、李四",
        "starts": TODAY,
    } | kw
    return services.publish_notice(**args)


# -- publishing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [RoleKind.UNION_ADMIN, RoleKind.FEDERATION_ADMIN, RoleKind.PARTY_APPROVER],
)
def test_managers_presidium_and_party_committee_publish(union, role):  # type: ignore[no-untyped-def]
    notice = publish(union, actor=_user(union, role))
    assert Notice.objects.filter(pk=notice.pk).exists()


@pytest.mark.parametrize(
    "role",
    [RoleKind.STUDENT, RoleKind.UNION_CADRE, RoleKind.LEAGUE_ADVISOR, None],
)
def test_anyone_else_is_refused_and_nothing_is_written(union, role):  # type: ignore[no-untyped-def]
    actor = _user(union, role) if role else UserFactory()
    with pytest.raises(Refusal) as info:
        publish(union, actor=actor)
    assert info.value.code == "forbidden"
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(action="notice.published").exists()


def test_a_manager_elsewhere_is_refused(union):  # type: ignore[no-untyped-def]
    other = OrganisationFactory(code="XSU", parent=SchoolFactory(code="XSCH"))
    with pytest.raises(Refusal):
        publish(union, actor=_user(other, RoleKind.UNION_ADMIN))


def test_a_system_command_publishes(union):  # type: ignore[no-untyped-def]
    assert publish(union, actor=None).created_by is None


# -- withdrawing: the service ------------------------------------------------------------


def test_a_manager_withdraws_before_the_end_with_an_audit_record(union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    admin = _user(union, RoleKind.UNION_ADMIN)
    services.withdraw_notice(actor=admin, notice=notice, today=notice.ends)
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    assert selectors.notice_status(notice).state == NoticeState.WITHDRAWN
    event = AuditEvent.objects.get(action="notice.withdrawn")
    assert (event.actor_id, event.role) == (admin.pk, RoleKind.UNION_ADMIN)
    assert event.data == {"notice": notice.pk}
    # Withdrawing again changes nothing.
    services.withdraw_notice(actor=admin, notice=notice)
    assert AuditEvent.objects.filter(action="notice.withdrawn").count() == 1


def test_a_withdrawn_notice_takes_no_objection_and_never_takes_effect(union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    services.withdraw_notice(actor=None, notice=notice)
    with pytest.raises(Refusal) as info:
        services.lodge_objection(actor=UserFactory(), notice=notice, text="异议")
    assert info.value.code == "notice-closed"
    assert not selectors.takes_effect(notice, notice.ends + timedelta(days=30))


def test_an_ended_notice_is_not_withdrawn(union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    admin = _user(union, RoleKind.UNION_ADMIN)
    with pytest.raises(Refusal) as info:
        services.withdraw_notice(
            actor=admin, notice=notice, today=notice.ends + timedelta(days=1)
        )
    assert info.value.code == "notice-ended"
    notice.refresh_from_db()
    assert notice.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="notice.withdrawn").exists()


@pytest.mark.parametrize(
    "role", [RoleKind.UNION_CADRE, RoleKind.LEAGUE_ADVISOR, RoleKind.PARTY_APPROVER]
)
def test_withdrawing_needs_manage(union, role):  # type: ignore[no-untyped-def]
    notice = publish(union)
    with pytest.raises(Refusal) as info:
        services.withdraw_notice(actor=_user(union, role), notice=notice)
    assert info.value.code == "forbidden"
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_may_withdraw_on_both_sides_of_the_end(union):  # type: ignore[no-untyped-def]
    notice = publish(union, starts=date(2026, 11, 23))  # a Monday: ends that Friday
    assert selectors.may_withdraw(notice, notice.ends)
    assert not selectors.may_withdraw(notice, notice.ends + timedelta(days=1))
    notice.withdrawn_at = timezone.now()
    assert not selectors.may_withdraw(notice, notice.starts)


# -- withdrawing: the page -------------------------------------------------------------


def test_the_page_offers_withdrawal_to_managers_only_while_it_runs(client, union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    url = reverse("publicity:detail", args=[notice.pk])
    assert 'id="withdraw-block"' not in client.get(url).content.decode()
    client.force_login(_user(union, RoleKind.LEAGUE_ADVISOR))  # answers, not manages
    assert 'id="withdraw-block"' not in client.get(url).content.decode()
    client.force_login(_user(union, RoleKind.UNION_ADMIN))
    assert 'id="withdraw-block"' in client.get(url).content.decode()
    Notice.objects.filter(pk=notice.pk).update(ends=TODAY - timedelta(days=1))
    assert 'id="withdraw-block"' not in client.get(url).content.decode()


def test_a_manager_withdraws_on_the_page(client, union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    url = reverse("publicity:detail", args=[notice.pk])
    client.force_login(_user(union, RoleKind.UNION_ADMIN))
    assert client.post(url, {"withdraw": "no"}).status_code == 400
    response = client.post(url, {"withdraw": "yes"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    page = client.get(url).content.decode()
    assert 'id="withdraw-block"' not in page
    assert "badge-withdrawn" in page


def test_a_non_manager_cannot_withdraw_on_the_page(client, union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    url = reverse("publicity:detail", args=[notice.pk])
    assert client.post(url, {"withdraw": "yes"}).status_code == 403
    client.force_login(_user(union, RoleKind.LEAGUE_ADVISOR))
    assert client.post(url, {"withdraw": "yes"}).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_withdrawing_an_ended_notice_on_the_page_explains(client, union):  # type: ignore[no-untyped-def]
    notice = publish(union)
    Notice.objects.filter(pk=notice.pk).update(ends=TODAY - timedelta(days=1))
    url = reverse("publicity:detail", args=[notice.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(_user(union, RoleKind.UNION_ADMIN))
    response = client.post(url, {"withdraw": "yes"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="withdraw-error"' in body
    assert "a notice is withdrawn only before its end" in body
