"""Invite a congress's delegates to make their own accounts (moved from accounts, #13).

An invitation is the accounts app's (:mod:`tongxue.accounts.services`); which persons a
congress invites, and which congresses the roles page offers, are this app's. The
accounts app does not import congresses: :class:`~tongxue.congresses.apps.CongressesConfig`
registers :func:`invitable_congresses` on :data:`tongxue.accounts.selectors.CONGRESSES`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from tongxue.accounts import services as accounts
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core.auditlog import Actor
from tongxue.organisations.models import Organisation, Person


def invitable_congresses(organisation: Organisation) -> list[Meeting]:
    """Return the congresses and assemblies of the organisation, newest first."""
    return list(
        Meeting.objects.filter(organisation=organisation)
        .exclude(kind=MeetingKind.STANDING_CONFERENCE)
        .only("code", "kind", "session", "opened", "organisation_id")
        .order_by("-opened")[:10]
    )


def delegates_without_account(meeting: Meeting) -> list[Person]:
    """Return the meeting's delegates who cannot sign in yet, by name (one query)."""
    return list(
        Person.objects.filter(delegate_seats__meeting=meeting)
        .filter(Q(user__isnull=True) | Q(user__password__startswith="!"))
        .select_related("department")
        .order_by("name", "pk")
        .distinct()
    )


def invite_delegates(
    *, actor: Actor, meeting: Meeting, now: dt.datetime | None = None
) -> list[accounts.Issued]:
    """Invite every delegate of a congress without an account; revoke older invitations.

    Needs ``Perm.MANAGE`` at the congress's organisation. Skips (and records as
    skipped) a delegate whose account holds a role the actor could not grant
    (:func:`tongxue.accounts.services.roles_beyond`). A bounded number of queries
    whatever the number of delegates; one transaction (:func:`invite_persons
    <tongxue.accounts.services.invite_persons>`'s).
    """
    return accounts.invite_persons(
        actor=actor,
        organisation=meeting.organisation,
        persons=delegates_without_account(meeting),
        target=meeting.code,
        data={"meeting": meeting.code},
        now=now,
    )
