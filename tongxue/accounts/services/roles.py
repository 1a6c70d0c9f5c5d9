"""Grant and revoke roles, under the one grant policy (:func:`grantable_roles`).

* a role covers its organisation's subtree, so a grant at an organisation needs a
  role held there or above;
* a union administrator grants student, delegate, union cadre and union administrator
  at their organisation or below; never federation administrator, Youth League advisor
  or Party committee approver;
* a federation administrator grants the union roles at their organisation or below,
  and federation administrator below their own organisation (not a peer);
* the Party committee and the Youth League committee appoint their own (separation of
  duties, ELE-2): only a Party committee approver grants Party committee approver, only
  a Youth League advisor grants Youth League advisor, at their organisation or below.
  The union whose candidates they check cannot give itself their powers;
* the operator (superuser) and system commands grant anything;
* nobody grants or revokes their own roles.

An invitation lets whoever redeems it take over the person's account, so an
administrator may not invite a person whose not-yet-activated account holds a role
the administrator could not grant (:func:`roles_beyond`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.organisations.models import Organisation, Person

#: The roles a union (or federation) administrator may grant: never the Party
#: committee's or the Youth League committee's, which check the union (ELE-2).
UNION_GRANTABLE: frozenset[str] = frozenset(
    {
        RoleKind.STUDENT,
        RoleKind.DELEGATE,
        RoleKind.UNION_CADRE,
        RoleKind.UNION_ADMIN,
        # the rights channel (#17): a rights officer at the union or a unit of it; an
        # office's handler where the grantor's scope covers the office (a federation)
        RoleKind.RIGHTS_OFFICER,
        RoleKind.OFFICE_HANDLER,
        # the union's ledger (TRN-4, #18)
        RoleKind.TREASURER,
        RoleKind.FINANCE_APPROVER,
    }
)


#: Roles only their own holders grant (and the operator): the Party committee appoints
#: its approvers, the Youth League committee its advisors (separation of duties, ELE-2).
SELF_APPOINTING: frozenset[str] = frozenset(
    {RoleKind.LEAGUE_ADVISOR, RoleKind.PARTY_APPROVER}
)


ALL_ROLES: tuple[str, ...] = tuple(RoleKind.values)


#: The message ids of the role names (as in tongxue.core.models.RoleKind), so that a
#: refusal names the role in the reader's language.
ROLE_MSGIDS: dict[str, str] = {
    RoleKind.STUDENT: gettext_noop("Student"),
    RoleKind.DELEGATE: gettext_noop("Delegate"),
    RoleKind.UNION_CADRE: gettext_noop("Union cadre"),
    RoleKind.UNION_ADMIN: gettext_noop("Union administrator"),
    RoleKind.LEAGUE_ADVISOR: gettext_noop("Youth League advisor"),
    RoleKind.PARTY_APPROVER: gettext_noop("Party committee approver"),
    RoleKind.FEDERATION_ADMIN: gettext_noop("Federation administrator"),
    RoleKind.RIGHTS_OFFICER: gettext_noop("Rights officer"),
    RoleKind.OFFICE_HANDLER: gettext_noop("School office handler"),
    RoleKind.TREASURER: gettext_noop("Treasurer"),
    RoleKind.FINANCE_APPROVER: gettext_noop("Finance approver"),
}


def _ordered(roles: set[str]) -> list[str]:
    return [r for r in ALL_ROLES if r in roles]


def _policy(held: list[tuple[str, str]], organisation: Organisation) -> set[str]:
    """Return the roles grantable at ``organisation`` by one holding ``held`` there.

    ``held``: the (role, organisation code) pairs the actor holds at the organisation
    or above. No query.
    """
    allowed: set[str] = set()
    for role, at in held:
        if role in (RoleKind.UNION_ADMIN, RoleKind.FEDERATION_ADMIN):
            allowed |= UNION_GRANTABLE
        if role == RoleKind.FEDERATION_ADMIN and at != organisation.code:
            # Not a peer at their own level: that is for the level above to grant.
            allowed.add(RoleKind.FEDERATION_ADMIN)
        if role in SELF_APPOINTING:
            allowed.add(role)
    return allowed


def _covering(
    assignments: list[tuple[str, str]], organisation: Organisation
) -> list[tuple[str, str]]:
    codes = {c for c in organisation.path.split("/") if c}
    return [(r, at) for r, at in assignments if at in codes]


def _held(actor: Any, organisation: Organisation | None) -> list[tuple[str, str]]:
    """Return the actor's (role, organisation code) pairs there and above (or all)."""
    rows = RoleAssignment.objects.filter(user=actor)
    if organisation is not None:
        codes = [c for c in organisation.path.split("/") if c]
        rows = rows.filter(organisation__code__in=codes)
    return list(rows.values_list("role", "organisation__code"))


def grantable_roles(
    actor: AbstractBaseUser | AnonymousUser | None, organisation: Organisation
) -> list[str]:
    """Return the roles ``actor`` may grant or revoke at ``organisation``, in order.

    The one place of the grant policy (see the module docstring). One query.
    """
    if actor is None or getattr(actor, "is_superuser", False):
        return list(ALL_ROLES)
    if not getattr(actor, "is_authenticated", False):
        return []
    return _ordered(_policy(_held(actor, organisation), organisation))


def _granting_role(
    actor: Actor, organisation: Organisation, role: str
) -> tuple[list[str], str]:
    """Return the roles grantable here and the actor's role that grants ``role``."""
    if actor is None:
        return list(ALL_ROLES), "system"
    if getattr(actor, "is_superuser", False):
        return list(ALL_ROLES), "operator"
    if not getattr(actor, "is_authenticated", False):
        return [], ""
    held = _held(actor, organisation)
    allowed = _ordered(_policy(held, organisation))
    for r, at in held:
        if role in _policy([(r, at)], organisation):
            return allowed, r
    return allowed, ""


def _require_grant(actor: Actor, organisation: Organisation, role: str) -> str:
    allowed, acting = _granting_role(actor, organisation, role)
    if not allowed:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to manage the roles of {target}."),
            target=organisation.name,
        )
    if role not in allowed:
        raise refuse(
            "role_not_grantable",
            gettext_noop(
                "You may not grant or revoke the role {role_label} at {target}."
            ),
            field="role",
            role=role,
            role_label=ROLE_MSGIDS.get(role, role),
            target=organisation.name,
        )
    return acting


def roles_beyond(actor: Actor, users: list[int]) -> set[int]:
    """Return those of ``users`` holding a role ``actor`` could not grant where held.

    Redeeming an invitation hands the person's account to whoever holds the link, so
    an administrator may not invite for an account that holds, say, the Party
    committee approver role: that would give it to themselves. Two queries.
    """
    if actor is None or getattr(actor, "is_superuser", False) or not users:
        return set()
    mine = _held(actor, None) if getattr(actor, "is_authenticated", False) else []
    theirs = RoleAssignment.objects.filter(user_id__in=users).select_related(
        "organisation"
    )
    return {
        a.user_id
        for a in theirs
        if a.role not in _policy(_covering(mine, a.organisation), a.organisation)
    }


def _not_self(actor: Actor, user: AbstractBaseUser) -> None:
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise refuse(
            "self_grant",
            gettext_noop("You cannot grant or revoke a role of your own."),
        )


User = get_user_model()


def _placeholder_username(person: Person) -> str:
    base = f"p-{person.pk}"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def account_for(*, person: Person) -> tuple[AbstractBaseUser, bool]:
    """Return the person's account, creating one that cannot sign in yet if needed.

    The new account has an unusable password; an invitation lets the person choose
    their user name and password. Call inside the caller's transaction.
    """
    if person.user_id is not None:
        return person.user, False
    user = User(username=_placeholder_username(person))
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save(update_fields=["user"])
    return user, True


def person_in_scope(person: Person, organisation: Organisation) -> bool:
    """Return whether the person belongs to the organisation or its subtree.

    Their department or class, a post, or a delegate seat at a meeting of it.
    """
    prefix = organisation.path
    if (
        Person.objects.filter(pk=person.pk)
        .filter(
            Q(department__path__startswith=prefix)
            | Q(class_unit__path__startswith=prefix)
        )
        .exists()
    ):
        return True
    if person.positions.filter(organisation__path__startswith=prefix).exists():
        return True
    # A delegate seat (congresses.Delegate, through its reverse relation on Person).
    return person.delegate_seats.filter(
        meeting__organisation__path__startswith=prefix
    ).exists()


def _in_scope_or_refuse(person: Person, organisation: Organisation) -> None:
    if not person_in_scope(person, organisation):
        raise refuse(
            "person_out_of_scope",
            gettext_noop("{person} does not belong to {target}."),
            field="person",
            person=person.name,
            target=organisation.name,
        )


@transaction.atomic
def grant_role(
    *,
    actor: Actor,
    organisation: Organisation,
    role: str,
    user: AbstractBaseUser | None = None,
    person: Person | None = None,
) -> RoleAssignment:
    """Grant ``role`` at ``organisation`` to a user, or to a person (making an account).

    Refuses a role the actor may not grant there (:func:`grantable_roles`), a grant to
    oneself, a person outside the organisation, and a role already held.
    """
    if role not in ALL_ROLES:
        raise refuse(
            "unknown_role",
            gettext_noop("Unknown role {role}."),
            field="role",
            role=role,
        )
    acting = _require_grant(actor, organisation, role)
    created_account = False
    if user is None:
        if person is None:
            raise refuse(
                "no_grantee",
                gettext_noop("Name a user or a person to grant the role to."),
            )
        if person.user_id is not None:
            _not_self(actor, person.user)
        _in_scope_or_refuse(person, organisation)
        user, created_account = account_for(person=person)
    _not_self(actor, user)
    if RoleAssignment.objects.filter(
        user=user, organisation=organisation, role=role
    ).exists():
        raise refuse(
            "already_held",
            gettext_noop("{user} already holds this role here."),
            user=user.get_username(),
        )
    assignment = RoleAssignment.objects.create(
        user=user, organisation=organisation, role=role
    )
    auditlog.record(
        actor=actor,
        action="role.grant",
        organisation=organisation.code,
        target=user.get_username(),
        role=acting,
        data={
            "role": role,
            "user": user.pk,
            "assignment": assignment.pk,
            "account_created": created_account,
        },
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Revoke a role assignment, under the same policy as granting it."""
    organisation = assignment.organisation
    acting = _require_grant(actor, organisation, assignment.role)
    _not_self(actor, assignment.user)
    data = {
        "role": assignment.role,
        "user": assignment.user_id,
        "assignment": assignment.pk,
    }
    username = assignment.user.get_username()
    assignment.delete()
    auditlog.record(
        actor=actor,
        action="role.revoke",
        organisation=organisation.code,
        target=username,
        role=acting,
        data=data,
    )
