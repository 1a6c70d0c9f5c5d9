"""The operator admin: roles granted there are audited; the audit log cannot be edited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import OrganisationFactory, UserFactory
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = get_user_model().objects.create_superuser("op", password="x" * 12)
    client.force_login(user)
    return user


def test_granting_a_role_in_the_admin_is_audited(client, operator):
    org = OrganisationFactory(code="U1")
    user = UserFactory(username="cadre")
    response = client.post(
        "/ops/admin/core/roleassignment/add/",
        {"user": user.pk, "organisation": org.pk, "role": RoleKind.UNION_ADMIN},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=user, organisation=org).exists()
    event = AuditEvent.objects.get(action="role.granted")
    assert (event.organisation, event.target, event.actor) == ("U1", "cadre", operator)


def test_the_audit_log_is_read_only_in_the_admin(client, operator):
    assert client.get("/ops/admin/core/auditevent/").status_code == 200
    assert client.get("/ops/admin/core/auditevent/add/").status_code == 403


def test_the_audit_log_refuses_updates_and_deletes():
    from django.db import transaction

    from tongxue.core.auditlog import record

    with transaction.atomic():
        event = record(actor=None, action="test.event")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def test_the_admin_is_closed_to_non_staff(client):
    client.force_login(UserFactory(username="student"))
    assert client.get("/ops/admin/").status_code == 302
