"""Separation of duties (ELE-2): who grants APPROVE and GUIDE, and who approves a list.

A union administrator once granted the Party approver and League advisor roles to an
account of their own and approved their own candidates. The Party committee and the
Youth League committee now appoint their own; the submitter of a list cannot approve
it, and whoever set its conditions for the League cannot submit it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import DelegateFactory, PersonFactory, RoleFactory, UserFactory
from tests.factories_accounts import build_tree
from tests.factories_elections import (
    CRITERIA_GANSU,
    build_scene,
    conditions_for,
)
from tongxue.accounts import services
from tongxue.accounts.models import Invitation
from tongxue.congresses import invitations as delegate_invitations
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.elections import services as elections
from tongxue.elections.models import ElectionStatus

pytestmark = pytest.mark.django_db

PARTY = RoleKind.PARTY_APPROVER
LEAGUE = RoleKind.LEAGUE_ADVISOR


@pytest.fixture
def tree():  # type: ignore[no-untyped-def]
    return build_tree()


def _holder(tree, role: str, org=None):  # type: ignore[no-untyped-def]
    user = UserFactory(username=f"{role}-holder")
    RoleFactory(user=user, organisation=org or tree.school, role=role)
    return user


# ------------------------------------------------------------------ who grants what


@pytest.mark.parametrize("role", [PARTY, LEAGUE])
def test_a_union_admin_cannot_grant_approve_or_guide_even_to_another(
    tree, role
) -> None:
    accomplice = UserFactory(username="accomplice")
    with pytest.raises(Refusal) as refused:
        services.grant_role(
            actor=tree.union_admin,
            organisation=tree.union,
            role=role,
            user=accomplice,
        )
    assert refused.value.code == "role_not_grantable"
    assert not RoleAssignment.objects.filter(user=accomplice).exists()
    # … nor can a federation administrator, above the union.
    with pytest.raises(Refusal):
        services.grant_role(
            actor=tree.federation_admin,
            organisation=tree.union,
            role=role,
            user=accomplice,
        )


@pytest.mark.parametrize(("role", "other"), [(PARTY, LEAGUE), (LEAGUE, PARTY)])
def test_the_committees_appoint_their_own_and_only_their_own(tree, role, other) -> None:
    holder = _holder(tree, role)
    colleague = UserFactory(username="colleague")
    a = services.grant_role(
        actor=holder, organisation=tree.union, role=role, user=colleague
    )
    assert a.role == role
    event = AuditEvent.objects.get(action="role.grant")
    assert event.role == role and event.actor == holder
    for refused_role in (other, RoleKind.UNION_ADMIN, RoleKind.DELEGATE):
        with pytest.raises(Refusal) as refused:
            services.grant_role(
                actor=holder,
                organisation=tree.union,
                role=refused_role,
                user=colleague,
            )
        assert refused.value.code == "role_not_grantable"
    # Not above their own organisation: nothing to grant there.
    with pytest.raises(Refusal) as refused:
        services.grant_role(
            actor=holder, organisation=tree.federation, role=role, user=colleague
        )
    assert refused.value.code == "forbidden"
    # They revoke under the same policy.
    services.revoke_role(actor=holder, assignment=a)
    assert not RoleAssignment.objects.filter(pk=a.pk).exists()


def test_the_operator_grants_the_first_approver(tree) -> None:
    op = UserFactory(username="op", is_superuser=True)
    first = UserFactory(username="first")
    services.grant_role(actor=op, organisation=tree.school, role=PARTY, user=first)
    assert AuditEvent.objects.get(action="role.grant").role == "operator"


def test_a_union_admin_cannot_revoke_an_approver(tree) -> None:
    approver = _holder(tree, PARTY, tree.union)
    assignment = RoleAssignment.objects.get(user=approver)
    with pytest.raises(Refusal) as refused:
        services.revoke_role(actor=tree.union_admin, assignment=assignment)
    assert refused.value.code == "role_not_grantable"


def test_an_approver_uses_the_roles_page_for_their_role_only(client, tree) -> None:
    holder = _holder(tree, PARTY)
    UserFactory(username="newcomer")
    client.force_login(holder)
    url = reverse("accounts:roles", args=[tree.union.code])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="party_approver"' in html
    assert 'value="union_admin"' not in html and 'value="league_advisor"' not in html
    assert 'id="invite-block"' not in html  # inviting is for the union
    r = client.post(url, {"grant-role": "party_approver", "grant-username": "newcomer"})
    assert r.status_code == 302
    r = client.post(url, {"grant-role": "union_admin", "grant-username": "newcomer"})
    assert r.status_code == 400
    assert set(
        RoleAssignment.objects.filter(user__username="newcomer").values_list(
            "role", flat=True
        )
    ) == {PARTY}
    # My account links to it.
    me = client.get(reverse("accounts:me")).content.decode()
    assert reverse("accounts:roles", args=[tree.school.code]) in me
    # Someone who grants nothing at all still gets no roles page.
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url).status_code == 403


def test_the_union_admins_page_no_longer_offers_approve_or_guide(client, tree) -> None:
    client.force_login(tree.union_admin)
    url = reverse("accounts:roles", args=[tree.union.code])
    html = client.get(url).content.decode()
    assert 'value="party_approver"' not in html
    assert 'value="league_advisor"' not in html
    assert 'id="invite-block"' in html
    UserFactory(username="accomplice")
    r = client.post(
        url, {"grant-role": "party_approver", "grant-username": "accomplice"}
    )
    assert r.status_code == 400
    assert not RoleAssignment.objects.filter(user__username="accomplice").exists()


# ------------------------------------------------------------------ invitations


def _placeholder_approver(tree):  # type: ignore[no-untyped-def]
    """A person of the union granted the approver role before activating an account."""
    holder = _holder(tree, PARTY)
    person = PersonFactory(ident="PX1", name="待激活", department=tree.dept)
    services.grant_role(
        actor=holder, organisation=tree.union, role=PARTY, person=person
    )
    person.refresh_from_db()
    assert not person.user.has_usable_password()
    return holder, person


def test_a_union_admin_cannot_invite_into_an_approvers_account(tree) -> None:
    """Redeeming the invitation would hand the approver role to the inviter."""
    _holder_user, person = _placeholder_approver(tree)
    with pytest.raises(Refusal) as refused:
        services.create_invitation(
            actor=tree.union_admin, person=person, organisation=tree.union
        )
    assert refused.value.code == "holds_roles_beyond"
    assert not Invitation.objects.exists()
    # A person whose account holds only roles the admin grants is invited as before.
    plain = PersonFactory(ident="PX2", name="普通", department=tree.dept)
    services.grant_role(
        actor=tree.union_admin,
        organisation=tree.union,
        role=RoleKind.DELEGATE,
        person=plain,
    )
    services.create_invitation(
        actor=tree.union_admin, person=plain, organisation=tree.union
    )
    assert Invitation.objects.filter(person=plain).exists()


def test_bulk_invitations_skip_an_approvers_account(tree) -> None:
    _holder_user, person = _placeholder_approver(tree)
    DelegateFactory(meeting=tree.meeting, person=person)
    issued = delegate_invitations.invite_delegates(
        actor=tree.union_admin, meeting=tree.meeting
    )
    invited = {i.invitation.person_id for i in issued}
    assert person.pk not in invited and len(invited) == len(tree.delegates)
    event = AuditEvent.objects.get(action="invitation.bulk")
    assert event.data["skipped"] == [person.pk]


# ------------------------------------------------------------------ approving a list


def _vetting(scene, *, submitter, guide=None):  # type: ignore[no-untyped-def]
    election = elections.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    elections.adopt_method(actor=scene.presidium, election=election)
    elections.set_conditions(
        actor=guide or scene.advisor, election=election, conditions=conditions_for()
    )
    for person in scene.students[:3]:
        c = elections.nominate(
            actor=scene.presidium,
            election=election,
            person=person,
            nominated_by="presidium",
            statement="陈述",
        )
        for criterion in CRITERIA_GANSU:
            elections.assess(
                actor=scene.presidium,
                candidate=c,
                criterion=criterion,
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.6",
            )
    elections.submit_for_approval(actor=submitter, election=election)
    return election


def test_the_submitter_of_a_list_cannot_approve_it() -> None:
    scene = build_scene(prefix="SD")
    # One account holding both duties (as the union admin once arranged).
    RoleFactory(user=scene.presidium, organisation=scene.union, role=PARTY)
    election = _vetting(scene, submitter=scene.presidium)
    with pytest.raises(Refusal) as refused:
        elections.approve_candidates(actor=scene.presidium, election=election)
    assert refused.value.code == "ELE-2.self-approval"
    election.refresh_from_db()
    assert election.status == ElectionStatus.VETTING
    # Another member of the Party committee approves it.
    elections.approve_candidates(actor=scene.party, election=election)
    assert election.status == ElectionStatus.APPROVED


def test_the_operator_is_no_exception() -> None:
    scene = build_scene(prefix="SO")
    op = UserFactory(username="so-op", is_superuser=True)
    election = _vetting(scene, submitter=op)
    with pytest.raises(Refusal) as refused:
        elections.approve_candidates(actor=op, election=election)
    assert refused.value.code == "ELE-2.self-approval"


def test_the_refusal_is_a_translated_message_on_the_page(client) -> None:
    scene = build_scene(prefix="SP")
    RoleFactory(user=scene.presidium, organisation=scene.union, role=PARTY)
    election = _vetting(scene, submitter=scene.presidium)
    client.force_login(scene.presidium)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/elections/{election.code}/manage/approve/",
        {"comment": "同意"},
    )
    assert response.status_code in (400, 403, 409)
    assert "You submitted this candidate list" in response.content.decode()
    election.refresh_from_db()
    assert election.status == ElectionStatus.VETTING


def test_who_set_the_conditions_cannot_submit_the_list() -> None:
    scene = build_scene(prefix="SG")
    RoleFactory(user=scene.presidium, organisation=scene.union, role=LEAGUE)
    with pytest.raises(Refusal) as refused:
        _vetting(scene, submitter=scene.presidium, guide=scene.presidium)
    assert refused.value.code == "ELE-2.guide-submits"
    # The conditions set by the League's advisor, the same person submits.
    election = _vetting(scene, submitter=scene.presidium, guide=scene.advisor)
    assert election.status == ElectionStatus.VETTING
