"""Every change is written to the audit log in the same transaction as the change."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganisationFactory, PersonFactory, RoleFactory
from tests.integration.test_organisation_services import compliant_union
from tongxue.compliance.models import Justification
from tongxue.compliance.services import record_justification, withdraw_justification
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.organisations import services
from tongxue.organisations.models import OrgKind, Position, Role

pytestmark = pytest.mark.django_db


def test_an_appointment_is_logged_with_actor_role_and_organisation():
    union = compliant_union(4)
    admin = RoleFactory(organisation=union, role=RoleKind.UNION_ADMIN).user
    person = PersonFactory(ident="P-LOG")
    services.appoint(
        actor=admin,
        organisation=union,
        person=person,
        role=Role.MEMBER,
        title="干事",
        start=dt.date(2025, 9, 1),
    )
    event = AuditEvent.objects.get(action="position.appoint")
    assert event.actor == admin
    assert event.role == RoleKind.UNION_ADMIN
    assert event.organisation == union.code
    assert event.target == "P-LOG"
    assert event.data["title"] == "干事"
    assert event.data["start"] == "2025-09-01"


def test_a_system_command_is_logged_as_system():
    services.create_organisation(actor=None, code="SYS", name="系统建", kind="school")
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.role == "system"


def test_a_refused_appointment_leaves_no_row_and_no_event():
    union = compliant_union(4)
    before = AuditEvent.objects.count()
    with pytest.raises(Refusal):
        services.appoint(
            actor=None,
            organisation=union,
            person=PersonFactory(),
            role=Role.MEMBER,
            title="部长助理",
            start=dt.date(2025, 9, 1),
        )
    assert AuditEvent.objects.count() == before
    assert not Position.objects.filter(title="部长助理").exists()


def test_a_write_failing_after_the_record_rolls_both_back(monkeypatch):
    """The event and the row share one transaction: a failure after both undoes both."""
    from tongxue.core import auditlog

    def record_then_fail(**kwargs):
        auditlog.AuditEvent.objects.create(action=kwargs["action"])
        raise RuntimeError("disk full")

    monkeypatch.setattr(auditlog, "record", record_then_fail)
    with pytest.raises(RuntimeError):
        services.create_organisation(
            actor=None, code="GONE", name="消失", kind="school"
        )
    assert not AuditEvent.objects.filter(action="organisation.create").exists()
    assert not OrganisationFactory._meta.model.objects.filter(code="GONE").exists()


def test_updates_log_before_and_after_and_no_change_logs_nothing():
    org = OrganisationFactory(code="UPD", kind=OrgKind.SCHOOL, name="旧")
    services.update_organisation(actor=None, organisation=org, name="新")
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.data == {"before": {"name": "旧"}, "after": {"name": "新"}}
    services.update_organisation(actor=None, organisation=org, name="新")
    assert AuditEvent.objects.filter(action="organisation.update").count() == 1


def test_justifications_are_logged_when_recorded_and_withdrawn():
    org = OrganisationFactory(code="J1", kind=OrgKind.FUNCTIONAL_DEPARTMENT)
    j = record_justification(
        actor=None,
        organisation=org,
        rule="ORG-4.department-deputies",
        reason="两部门合并过渡",
        approved_by="校团委",
        approved_on=dt.date(2026, 1, 10),
        evidence={"deputies": 3, "limit": 2},
    )
    withdraw_justification(actor=None, justification=j)
    actions = list(
        AuditEvent.objects.filter(organisation="J1")
        .order_by("id")
        .values_list("action", "target")
    )
    assert actions == [
        ("justification.record", "ORG-4.department-deputies"),
        ("justification.withdraw", "ORG-4.department-deputies"),
    ]
    assert not Justification.objects.exists()


def test_one_event_per_selected_actor_in_label_order_at_one_time():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from tongxue.core import auditlog

    User = get_user_model()
    users = [User.objects.create(username=name) for name in ("wang", "li", "zhao")]
    at = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
    select = (
        "SELECT id AS actor_id, username AS actor_label FROM auth_user"
        " WHERE id IN (%s, %s)"
    )
    with transaction.atomic():
        written = auditlog.record_each(
            actors_sql=select,
            params=[users[0].pk, users[1].pk],
            action="voting.voted",
            organisation="U-1",
            target="E-1",
            role="voter",
            at=at,
        )
    events = list(AuditEvent.objects.order_by("id"))
    assert written == 2
    assert [(e.actor_id, e.actor_label) for e in events] == [
        (users[1].pk, "li"),
        (users[0].pk, "wang"),
    ]
    assert {(e.at, e.action, e.organisation, e.target, e.role) for e in events} == {
        (at, "voting.voted", "U-1", "E-1", "voter")
    }
    assert all(e.data == {} for e in events)
