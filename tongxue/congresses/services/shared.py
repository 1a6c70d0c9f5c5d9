"""What every congress service shares: the permission check and the row lock."""

from __future__ import annotations

from tongxue.congresses.models import Meeting
from tongxue.core.auditlog import Actor
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import Organisation


def require_manage(actor: Actor, org: Organisation) -> str:
    """The actor's role that allows managing ``org``'s congresses (a refusal
    otherwise; ``actor=None`` is a system command)."""
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def locked_meeting(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock (transitions serialise on it)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    locked.organisation = meeting.organisation
    return locked
