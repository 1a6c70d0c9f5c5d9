"""Roles of an organisation: the grant policy on both sides, grant, revoke, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tongxue.accounts import services
from tongxue.accounts.services import (
    SELF_APPOINTING,
    UNION_GRANTABLE,
    grantable_roles,
)
from tongxue.core import auditlog
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind

pytestmark = pytest.mark.django_db

ALL = set(RoleKind.values)


@pytest.fixture
def tree():  # type: ignore[no-untyped-def]
    return build_tree()


# ------------------------------------------------------------------ the grant policy


def test_union_admin_grants_the_union_roles_at_their_union_and_below(tree) -> None:
    assert set(grantable_roles(tree.union_admin, tree.union)) == UNION_GRANTABLE
    assert set(grantable_roles(tree.union_admin, tree.dept)) == UNION_GRANTABLE
    assert RoleKind.FEDERATION_ADMIN not in UNION_GRANTABLE
    # Nor the roles of the Party and League committees, which check the union (ELE-2).
    assert ALL - {RoleKind.FEDERATION_ADMIN} - SELF_APPOINTING == UNION_GRANTABLE


def test_union_admin_grants_nothing_above_their_union(tree) -> None:
    assert grantable_roles(tree.union_admin, tree.school) == []
    assert grantable_roles(tree.union_admin, tree.federation) == []


def test_federation_admin_grants_any_role_below_but_no_peer_at_their_level(
    tree,
) -> None:
    below = ALL - SELF_APPOINTING
    assert set(grantable_roles(tree.federation_admin, tree.union)) == below
    assert set(grantable_roles(tree.federation_admin, tree.dept)) == below
    assert set(grantable_roles(tree.federation_admin, tree.federation)) == below - {
        RoleKind.FEDERATION_ADMIN
    }


def test_roles_without_manage_grant_nothing_but_their_own_committees(tree) -> None:
    for role in (RoleKind.UNION_CADRE, RoleKind.DELEGATE):
        user = UserFactory(username=f"holder-{role}")
        RoleFactory(user=user, organisation=tree.union, role=role)
        assert grantable_roles(user, tree.union) == []
    for role in (RoleKind.LEAGUE_ADVISOR, RoleKind.PARTY_APPROVER):
        user = UserFactory(username=f"holder-{role}")
        RoleFactory(user=user, organisation=tree.union, role=role)
        assert grantable_roles(user, tree.union) == [role]


def test_operator_and_system_grant_anything(tree) -> None:
    op = UserFactory(username="op", is_superuser=True)
    assert set(grantable_roles(op, tree.federation)) == ALL
    assert set(grantable_roles(None, tree.federation)) == ALL


# ------------------------------------------------------------------ grant and revoke


def test_union_admin_cannot_grant_federation_admin(tree) -> None:
    target = UserFactory(username="target")
    with pytest.raises(Refusal) as e:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.union,
            role=RoleKind.FEDERATION_ADMIN,
            user=target,
        )
    assert e.value.code == "role_not_grantable"
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action="role.grant").exists()


def test_union_admin_cannot_grant_above_their_union(tree) -> None:
    target = UserFactory(username="target")
    with pytest.raises(Refusal) as e:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.school,
            role=RoleKind.DELEGATE,
            user=target,
        )
    assert e.value.code == "forbidden"


def test_union_admin_grants_below_and_it_is_audited(tree) -> None:
    target = UserFactory(username="target")
    a = services.grant_role(
        actor=tree.union_admin,
        organisation=tree.dept,
        role=RoleKind.UNION_CADRE,
        user=target,
    )
    assert a.organisation == tree.dept and a.role == RoleKind.UNION_CADRE
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor == tree.union_admin
    assert event.role == RoleKind.UNION_ADMIN
    assert event.organisation == tree.dept.code
    assert event.target == "target"
    assert event.data["role"] == RoleKind.UNION_CADRE


def test_federation_admin_grants_federation_admin_below(tree) -> None:
    target = UserFactory(username="target")
    services.grant_role(
        actor=tree.federation_admin,
        organisation=tree.school,
        role=RoleKind.FEDERATION_ADMIN,
        user=target,
    )
    assert RoleAssignment.objects.filter(
        user=target, role=RoleKind.FEDERATION_ADMIN
    ).exists()


def test_granting_yourself_a_role_is_refused(tree) -> None:
    with pytest.raises(Refusal) as e:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.dept,
            role=RoleKind.DELEGATE,
            user=tree.union_admin,
        )
    assert e.value.code == "self_grant"
    # Nor through the person linked to one's own account.
    me = PersonFactory(user=tree.union_admin, department=tree.dept)
    with pytest.raises(Refusal) as e:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.dept,
            role=RoleKind.DELEGATE,
            person=me,
        )
    assert e.value.code == "self_grant"


def test_a_role_already_held_is_refused(tree) -> None:
    target = UserFactory(username="target")
    kw = dict(organisation=tree.dept, role=RoleKind.DELEGATE, user=target)
    services.grant_role(actor=tree.union_admin, **kw)
    with pytest.raises(Refusal) as e:
        services.grant_role(actor=tree.union_admin, **kw)
    assert e.value.code == "already_held"


def test_granting_to_a_person_creates_an_account_that_cannot_sign_in(tree) -> None:
    person = tree.delegates[0]
    services.grant_role(
        actor=tree.union_admin,
        organisation=tree.union,
        role=RoleKind.DELEGATE,
        person=person,
    )
    person.refresh_from_db()
    assert person.user is not None
    assert not person.user.has_usable_password()
    assert AuditEvent.objects.get(action="role.grant").data["account_created"] is True


def test_granting_to_a_person_outside_the_organisation_is_refused(tree) -> None:
    stranger = PersonFactory(ident="STRANGER")
    with pytest.raises(Refusal) as e:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.union,
            role=RoleKind.DELEGATE,
            person=stranger,
        )
    assert e.value.code == "person_out_of_scope"
    stranger.refresh_from_db()
    assert stranger.user is None


def test_revoke_is_audited_and_follows_the_grant_policy(tree) -> None:
    target = UserFactory(username="target")
    a = services.grant_role(
        actor=tree.union_admin,
        organisation=tree.dept,
        role=RoleKind.UNION_CADRE,
        user=target,
    )
    services.revoke_role(actor=tree.union_admin, assignment=a)
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert event.target == "target" and event.data["role"] == RoleKind.UNION_CADRE
    # A federation admin's grant of federation admin below is out of a union admin's
    # reach.
    fed = RoleFactory(
        user=target, organisation=tree.union, role=RoleKind.FEDERATION_ADMIN
    )
    with pytest.raises(Refusal) as e:
        services.revoke_role(actor=tree.union_admin, assignment=fed)
    assert e.value.code == "role_not_grantable"
    assert RoleAssignment.objects.filter(pk=fed.pk).exists()


def test_revoking_your_own_role_is_refused(tree) -> None:
    own = RoleAssignment.objects.get(user=tree.union_admin)
    with pytest.raises(Refusal) as e:
        services.revoke_role(actor=tree.union_admin, assignment=own)
    assert e.value.code == "self_grant"


# ------------------------------------------------------------------ pages


def test_roles_page_needs_manage(client, tree) -> None:
    url = reverse("accounts:roles", args=[tree.union.code])
    assert client.get(url).status_code == 302  # to sign-in
    cadre = UserFactory(username="cadre")
    RoleFactory(user=cadre, organisation=tree.union, role=RoleKind.UNION_CADRE)
    client.force_login(cadre)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url, {"grant-role": "delegate", "grant-username": "cadre"}
        ).status_code
        == 403
    )
    client.force_login(tree.union_admin)
    assert client.get(url).status_code == 200


def test_roles_page_lists_roles_here_and_below_only(client, tree) -> None:
    below = UserFactory(username="below")
    RoleFactory(user=below, organisation=tree.dept, role=RoleKind.DELEGATE)
    client.force_login(tree.union_admin)
    html = client.get(
        reverse("accounts:roles", args=[tree.union.code])
    ).content.decode()
    assert 'data-user="below"' in html
    assert f'data-user="{tree.union_admin.username}"' in html
    assert f'data-user="{tree.federation_admin.username}"' not in html  # above
    # The role choices offered are the policy's.
    assert 'value="federation_admin"' not in html
    assert 'value="party_approver"' not in html
    assert 'value="union_cadre"' in html


def test_grant_and_revoke_through_the_pages(client, tree) -> None:
    UserFactory(username="newcomer")
    client.force_login(tree.union_admin)
    url = reverse("accounts:roles", args=[tree.union.code])
    r = client.post(url, {"grant-role": "union_cadre", "grant-username": "newcomer"})
    assert r.status_code == 302
    a = RoleAssignment.objects.get(user__username="newcomer")
    # A refused grant is a form error, not a change.
    r = client.post(
        url, {"grant-role": "federation_admin", "grant-username": "newcomer"}
    )
    assert r.status_code == 400
    r = client.post(
        url,
        {"grant-role": "delegate", "grant-username": tree.union_admin.username},
    )
    assert r.status_code == 400
    assert RoleAssignment.objects.filter(user__username="newcomer").count() == 1
    revoke = reverse("accounts:revoke", args=[tree.union.code, a.pk])
    page = client.get(revoke)
    assert page.status_code == 200 and b'id="confirm-form"' in page.content
    assert RoleAssignment.objects.filter(pk=a.pk).exists()  # GET only asks
    assert client.post(revoke).status_code == 302
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()


def test_revoke_page_of_an_assignment_outside_the_subtree_is_404(client, tree) -> None:
    fed = RoleAssignment.objects.get(user=tree.federation_admin)
    client.force_login(tree.union_admin)
    url = reverse("accounts:revoke", args=[tree.union.code, fed.pk])
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=fed.pk).exists()


def _fill(tree, n: int) -> None:
    for k in range(n):
        u = UserFactory(username=f"holder{k}")
        PersonFactory(ident=f"H{k}", user=u, department=tree.dept)
        RoleFactory(user=u, organisation=tree.dept, role=RoleKind.DELEGATE)


@pytest.mark.parametrize("n", [3, 40])
def test_roles_page_queries_do_not_grow_with_the_list(
    client, tree, django_assert_num_queries, n
) -> None:
    _fill(tree, n)
    client.force_login(tree.union_admin)
    url = reverse("accounts:roles", args=[tree.union.code])
    # session, user, organisation, has_perm, grantable_roles, roles_at,
    # count, page, congresses
    # +1: the header's unread-notifications count (#14)
    with django_assert_num_queries(10):
        r = client.get(url)
    assert r.status_code == 200


def test_organisation_page_links_managers_to_the_roles(client, tree) -> None:
    url = reverse("organisations:detail", args=[tree.union.code])
    roles = reverse("accounts:roles", args=[tree.union.code])
    assert roles not in client.get(url).content.decode()
    client.force_login(tree.union_admin)
    html = client.get(url).content.decode()
    assert roles in html
    assert reverse("accounts:me") in html  # next to sign-out


def test_refusals_name_roles_by_the_same_message_ids_as_the_model() -> None:
    from django.utils import translation

    with translation.override("en"):
        labels = {k: str(v) for k, v in RoleKind.choices}
    assert labels == services.ROLE_MSGIDS


def test_grant_and_its_audit_record_share_one_transaction(tree, monkeypatch) -> None:
    target = UserFactory(username="target")

    def failing_record(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("audit store down")

    monkeypatch.setattr(auditlog, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.dept,
            role=RoleKind.DELEGATE,
            user=target,
        )
    assert not RoleAssignment.objects.filter(user=target).exists()
    person = tree.delegates[0]
    with pytest.raises(RuntimeError):
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.dept,
            role=RoleKind.DELEGATE,
            person=person,
        )
    person.refresh_from_db()
    assert person.user is None  # the account made for the grant is rolled back too


def test_roles_page_marks_only_accounts_never_signed_in_as_not_activated(
    client, tree
) -> None:
    """A granted account no one has signed in to is "not activated"; one signed in
    through the campus (no password, a last sign-in) and one with a password are not."""
    from django.utils import timezone

    granted = UserFactory(username="granted")
    granted.set_unusable_password()
    granted.save()
    campus = UserFactory(username="sso-7", last_login=timezone.now())
    campus.set_unusable_password()
    campus.save()
    for user in (granted, campus):
        RoleFactory(user=user, organisation=tree.dept, role=RoleKind.DELEGATE)
    client.force_login(tree.union_admin)
    html = client.get(
        reverse("accounts:roles", args=[tree.union.code])
    ).content.decode()

    def row(username: str) -> str:
        start = html.index(f'data-user="{username}"')
        return html[start : html.index("</tr>", start)]

    assert "badge-incomplete" in row("granted")
    assert "badge-incomplete" not in row("sso-7")
    assert "badge-incomplete" not in row(tree.union_admin.username)
