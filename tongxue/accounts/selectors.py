"""Read accounts: the roles held in an organisation's subtree, a user's own page."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tongxue.accounts.models import Invitation
from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.core.models import RoleAssignment
from tongxue.organisations.models import Organisation, Person, Position

logger = logging.getLogger(__name__)


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


def congresses_of(organisation: Organisation) -> list[Meeting]:
    """Return the congresses and assemblies of the organisation, newest first."""
    return list(
        Meeting.objects.filter(organisation=organisation)
        .exclude(kind=MeetingKind.STANDING_CONFERENCE)
        .only("code", "kind", "session", "opened", "organisation_id")
        .order_by("-opened")[:10]
    )


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
class Place:
    """A link to where the user acts (a ballot, their cadre record, evaluations)."""

    label: str
    url: str
    kind: str


@dataclass
class MyAccount:
    person: Person | None
    positions: list[Position] = field(default_factory=list)
    seats: list[Delegate] = field(default_factory=list)
    roles: list[RoleAssignment] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _ballots(user: AbstractBaseUser) -> list[Place]:
    """Open ballots from the voting app, if it offers them (it may be absent)."""
    try:
        from tongxue.voting import selectors as voting
    except ImportError:
        return []
    open_ballots_for = getattr(voting, "open_ballots_for", None)
    if open_ballots_for is None:
        return []
    places = []
    try:
        ballots = list(open_ballots_for(user))
    except Exception:
        # Another app's bug must not take this page down; it is logged, not hidden.
        logger.exception("voting.selectors.open_ballots_for failed")
        return []
    for b in ballots:
        code = getattr(b, "code", None) or (
            b.get("code") if isinstance(b, dict) else None
        )
        if not code:
            continue
        title = (
            getattr(b, "title", None)
            or (b.get("title") if isinstance(b, dict) else None)
            or str(code)
        )
        url = _url("voting:ballot", code)
        if url:
            places.append(Place(str(title), url, "ballot"))
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
    account.places = _ballots(user)
    if person is not None:
        cadre = _url("cadres:me")
        if cadre and account.positions:
            account.places.append(Place("", cadre, "cadre"))
    evaluations = _url("evaluations:mine")
    if evaluations:
        account.places.append(Place("", evaluations, "evaluations"))
    return account
