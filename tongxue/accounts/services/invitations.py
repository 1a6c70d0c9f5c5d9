"""Issue and redeem invitations: a person without an account takes it over.

The token exists only in the :class:`Issued` object (and the link sent); the database
keeps its hash. Redeeming one creates (or finishes) the person's account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.accounts.models import Invitation, InvitationState
from tongxue.accounts.services.roles import User, _in_scope_or_refuse, roles_beyond
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import Organisation, Person

#: How long an invitation stays valid.
INVITATION_DAYS = 14


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
