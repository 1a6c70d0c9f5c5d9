"""Write accounts: grant and revoke roles, issue and redeem invitations.

Every service is keyword-only and atomic, checks the actor's permission, and writes an
audit record in the same transaction.

The grant policy lives in :func:`grantable_roles` and nowhere else:

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

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.accounts.models import Invitation, InvitationState
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import Organisation, Person

#: How long an invitation stays valid.
INVITATION_DAYS = 14

#: The roles a union (or federation) administrator may grant: never the Party
#: committee's or the Youth League committee's, which check the union (ELE-2).
UNION_GRANTABLE: frozenset[str] = frozenset(
    {
        RoleKind.STUDENT,
        RoleKind.DELEGATE,
        RoleKind.UNION_CADRE,
        RoleKind.UNION_ADMIN,
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


# --------------------------------------------------------------------------- invitations


def hash_token(token: str) -> str:
    """Return the stored form of an invitation token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """Return a fresh token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Issued:
    """An invitation and its token, which exists only in this object."""

    invitation: Invitation
    token: str


def _has_usable_account(person: Person) -> bool:
    return person.user_id is not None and person.user.has_usable_password()


def _open_invitations(persons: list[int]):  # type: ignore[no-untyped-def]
    return Invitation.objects.filter(
        person_id__in=persons, redeemed_at__isnull=True, revoked_at__isnull=True
    )


def _require_manage(actor: Actor, organisation: Organisation) -> str:
    return require(
        actor,
        Perm.MANAGE,
        organisation.path,
        target=organisation.name,
        message=gettext_noop("You are not allowed to invite people to {target}."),
    )


@transaction.atomic
def create_invitation(
    *,
    actor: Actor,
    person: Person,
    organisation: Organisation,
    now: dt.datetime | None = None,
) -> Issued:
    """Issue an invitation to a person without an account; revoke their previous one."""
    now = now or timezone.now()
    acting = _require_manage(actor, organisation)
    _in_scope_or_refuse(person, organisation)
    if _has_usable_account(person):
        raise refuse(
            "has_account",
            gettext_noop("{person} already has an account."),
            field="person",
            person=person.name,
        )
    if person.user_id is not None and roles_beyond(actor, [person.user_id]):
        raise refuse(
            "holds_roles_beyond",
            gettext_noop(
                "{person}'s account holds a role you may not grant; whoever grants it "
                "issues the invitation."
            ),
            field="person",
            person=person.name,
        )
    revoked = _open_invitations([person.pk]).update(revoked_at=now)
    token = new_token()
    invitation = Invitation.objects.create(
        person=person,
        organisation=organisation,
        token_hash=hash_token(token),
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    auditlog.record(
        actor=actor,
        action="invitation.create",
        organisation=organisation.code,
        target=person.name,
        role=acting,
        data={"person": person.pk, "invitation": invitation.pk, "revoked": revoked},
    )
    return Issued(invitation, token)


@transaction.atomic
def invite_persons(
    *,
    actor: Actor,
    organisation: Organisation,
    persons: list[Person],
    target: str,
    data: dict[str, Any],
    now: dt.datetime | None = None,
) -> list[Issued]:
    """Invite several persons at once for ``organisation``; revoke their older invitations.

    Skips (and records as skipped) a person whose account holds a role the actor could
    not grant (:func:`roles_beyond`). One audit entry (``invitation.bulk``) on ``target``
    with ``data`` and the persons invited, revoked and skipped. A bounded number of
    queries whatever the number of persons. The congresses app invites a congress's
    delegates through it (:mod:`tongxue.congresses.invitations`).
    """
    now = now or timezone.now()
    acting = _require_manage(actor, organisation)
    beyond = roles_beyond(actor, [p.user_id for p in persons if p.user_id])
    skipped = [p.pk for p in persons if p.user_id in beyond]
    persons = [p for p in persons if p.user_id not in beyond]
    revoked = _open_invitations([p.pk for p in persons]).update(revoked_at=now)
    creator = actor if getattr(actor, "is_authenticated", False) else None
    tokens = [new_token() for _ in persons]
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                person=p,
                organisation=organisation,
                token_hash=hash_token(t),
                expires_at=now + dt.timedelta(days=INVITATION_DAYS),
                created_by=creator,
                created_at=now,
            )
            for p, t in zip(persons, tokens, strict=True)
        ]
    )
    auditlog.record(
        actor=actor,
        action="invitation.bulk",
        organisation=organisation.code,
        target=target,
        role=acting,
        data={
            **data,
            "persons": [p.pk for p in persons],
            "revoked": revoked,
            "skipped": skipped,
        },
    )
    return [Issued(i, t) for i, t in zip(invitations, tokens, strict=True)]


_STATE_REFUSALS = {
    InvitationState.REDEEMED: (
        "used",
        gettext_noop("This invitation has already been used. Sign in instead."),
    ),
    InvitationState.REVOKED: (
        "replaced",
        gettext_noop(
            "This invitation was replaced by a newer one. Ask your union for the new one."
        ),
    ),
    InvitationState.EXPIRED: (
        "expired",
        gettext_noop("This invitation has expired. Ask your union for a new one."),
    ),
}


def invitation_for(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """Return the open invitation of ``token`` or refuse, saying only why (not whose)."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("person")
        .filter(token_hash=hash_token(token))
        .first()
        if token
        else None
    )
    if invitation is None:
        raise refuse(
            "unknown",
            gettext_noop(
                "This invitation link is not valid. Check it or ask your union."
            ),
        )
    state = invitation.state(now)
    if state in _STATE_REFUSALS:
        code, text = _STATE_REFUSALS[state]
        raise refuse(code, text)
    return invitation


@transaction.atomic
def redeem_invitation(
    *, token: str, username: str, password: str, now: dt.datetime | None = None
) -> AbstractBaseUser:
    """Create (or finish) the person's account from an open invitation; use it up."""
    now = now or timezone.now()
    invitation = invitation_for(token, now=now)
    # Lock it: two submissions of the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state(now) != InvitationState.OPEN:
        invitation_for(token, now=now)  # refuses with the reason
    person = Person.objects.select_for_update().get(pk=invitation.person_id)
    username = username.strip()
    existing = person.user if person.user_id is not None else None
    if existing is not None and existing.has_usable_password():
        raise refuse("has_account", gettext_noop("This person already has an account."))
    taken = User.objects.filter(username__iexact=username)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if not username or taken.exists():
        raise refuse(
            "username_taken",
            gettext_noop("This user name is taken. Choose another."),
            field="username",
        )
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError:
        raise refuse(
            "username_invalid",
            gettext_noop("A user name may contain letters, digits and @ . + - _ only."),
            field="username",
        ) from None
    user = existing or User(username=username)
    user.username = username
    if not user.first_name:
        user.first_name = person.name[:150]
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise refuse(
            "weak_password",
            "{reasons}",
            field="password",
            reasons=" ".join(error.messages),
        ) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise refuse(
            "username_taken",
            gettext_noop("This user name is taken. Choose another."),
            field="username",
        ) from None
    if existing is None:
        person.user = user
        person.save(update_fields=["user"])
    invitation.redeemed_at = now
    invitation.redeemed_by = user
    invitation.save(update_fields=["redeemed_at", "redeemed_by"])
    auditlog.record(
        actor=user,
        action="invitation.redeem",
        organisation=invitation.organisation.code,
        target=person.name,
        role="invitee",
        data={"person": person.pk, "invitation": invitation.pk, "user": user.pk},
    )
    return user


# --------------------------------------------------------------------------- password


@transaction.atomic
def change_password(*, user: AbstractBaseUser, password: str) -> None:
    """Set the user's own new password (already validated by the form) and audit it.

    A new password hash ends every other session of the account (Django checks a hash
    of the password in each session) and every ballot token issued before
    (:mod:`tongxue.voting.tokens`); the view keeps the current session.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    auditlog.record(
        actor=user,
        action="account.password_change",
        target=user.get_username(),
        role="self",
        data={"user": user.pk},
    )
