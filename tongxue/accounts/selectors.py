"""Read accounts: the roles held in an organisation's subtree, a user's own page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tongxue.accounts.models import Invitation
from tongxue.core.hooks import Hook
from tongxue.core.models import RoleAssignment
from tongxue.organisations.models import Organisation, Person, Position

logger = logging.getLogger(__name__)


@dataclass
class Place:
    """A link to where the user acts (a ballot, their cadre record, evaluations)."""

    label: str
    url: str
    kind: str


#: Places to act that the apps above add to "my account" (voting: the open ballots,
#: :mod:`tongxue.voting.places`), each a function of the user, registered in its
#: ``AppConfig.ready()`` (#13: accounts imports none of them).
PLACES: Hook[Callable[[AbstractBaseUser], list[Place]]] = Hook("accounts.places")
#: The congresses whose delegates the roles page offers to invite, a function of the
#: organisation (the congresses app's :func:`~tongxue.congresses.invitations.invitable_congresses`).
#: Each item has a ``code`` (for ``accounts:invite-delegates``), ``session``,
#: ``opened`` and ``get_kind_display()``; newest first.
CONGRESSES: Hook[Callable[[Organisation], list[Any]]] = Hook("accounts.congresses")


def roles_within(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """Return the role assignments at the organisation and below, for a page."""
    return (
        RoleAssignment.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("user", "user__person", "organisation")
        .only(
            "role",
            "granted_at",
            "organisation__code",
            "organisation__name",
            "organisation__path",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__password",
            "user__person__name",
        )
        .order_by("organisation__path", "role", "user__username")
    )


def congresses_of(organisation: Organisation) -> list[Any]:
    """Return the congresses whose delegates the roles page offers to invite.

    They are the congresses app's (:data:`CONGRESSES`); newest first.
    """
    return [m for source in CONGRESSES for m in source(organisation)]


def open_invitation_of(person: Person) -> Invitation | None:
    """Return the person's open invitation, if any."""
    now = timezone.now()
    return (
        Invitation.objects.filter(
            person=person,
            redeemed_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass
class MyAccount:
    person: Person | None
    positions: list[Position] = field(default_factory=list)
    seats: list[Any] = field(default_factory=list)  # congresses.Delegate
    roles: list[RoleAssignment] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _contributed_places(user: AbstractBaseUser) -> list[Place]:
    """Places the apps above offer the user (open ballots), in registration order."""
    places: list[Place] = []
    for source in PLACES:
        try:
            places.extend(source(user))
        except Exception:
            # Another app's bug must not take this page down; it is logged, not hidden.
            logger.exception("%s.%s failed", source.__module__, source.__qualname__)
    return places


def my_account(user: AbstractBaseUser) -> MyAccount:
    """Return the signed-in user's person, posts, seats, roles and places to act."""
    person = (
        Person.objects.filter(user=user)
        .select_related("department", "class_unit")
        .first()
    )
    account = MyAccount(person=person)
    account.roles = list(
        RoleAssignment.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__path", "role")
    )
    if person is not None:
        account.positions = list(
            person.positions.select_related("organisation").order_by("-start")[:20]
        )
        account.seats = list(
            person.delegate_seats.select_related(
                "meeting", "meeting__organisation"
            ).order_by("-meeting__opened")[:10]
        )
    account.places = _contributed_places(user)
    if person is not None:
        cadre = _url("cadres:me")
        if cadre and account.positions:
            account.places.append(Place("", cadre, "cadre"))
    evaluations = _url("evaluations:mine")
    if evaluations:
        account.places.append(Place("", evaluations, "evaluations"))
    return account
