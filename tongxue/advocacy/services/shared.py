"""What the advocacy services share: who may do what, texts, days, the audit record.

Every service that judges a day or stamps a time takes ``today=`` (the day it acts on:
the demo, tests), as the concern services do: the days it checks ("not still to come")
are judged on it and the times it records are noon of it (:func:`moment`; now when it
is today)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.organisations.models import Organisation, OrgKind

#: The unions that keep a legal-aid directory, hold reception days and sit on the
#: school's committees (RGT-2, RGT-3, RGT-4).
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
#: The federations that meet deputies, CPPCC members and government departments (GS-4).
FEDERATIONS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)

#: Who keeps the legal-aid directory: the union's administrators and rights officers,
#: and the League advisor (under the League's guidance, RGT-2).
DIRECTORY_EDITORS = (Perm.MANAGE, Perm.HANDLE, Perm.GUIDE)
#: Who schedules meetings, records minutes, participation and written requests.
ORGANISERS = (Perm.MANAGE, Perm.HANDLE)
#: Who reads the union's internal records (sign-ups, requests, notes).
READERS = (Perm.MANAGE, Perm.HANDLE, Perm.GUIDE, Perm.VIEW_PRIVATE)

MAX_TEXT = 5000


def role_for(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
    """The role under which ``actor`` holds one of ``perms`` at ``org`` ("" if none)."""
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return ""
    if getattr(actor, "is_superuser", False):
        return "operator"
    wanted = set(perms)
    for r in roles_at(actor, org.path):
        if GRANTS.get(r, frozenset()) & wanted:
            return r
    return ""


def require_role(
    actor: Actor,
    org: Organisation,
    perms: tuple[Perm, ...],
    message: str = gettext_noop("You are not allowed to change {target}."),
) -> str:
    role = role_for(actor, org, perms)
    if not role:
        raise refuse("forbidden", message, target=org.name)
    return role


def require_kind(org: Organisation, kinds: tuple[str, ...]) -> None:
    if org.kind not in kinds:
        raise refuse(
            "invalid",
            gettext_noop("{target} does not keep these records."),
            target=org.name,
        )


def clean(
    field: str, value: str | None, *, limit: int = MAX_TEXT, required: bool = True
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def not_future(field: str, day: dt.date | None, today: dt.date) -> None:
    if day is not None and day > today:
        raise refuse(
            "invalid",
            gettext_noop("This day is still to come."),
            field=field,
        )


def today_or(day: dt.date | None = None) -> dt.date:
    """The day an act is judged on: ``day`` when given (the demo, tests), else today
    (as :func:`tongxue.voice.services.shared.today_or`)."""
    return day or timezone.localdate()


def moment(day: dt.date | None = None) -> dt.datetime:
    """The time stamped on an act: now, or noon of ``day`` when another day is given
    (the demo, tests; as :func:`tongxue.voice.services.shared.moment`)."""
    now = timezone.now()
    if day is None or day == timezone.localdate(now):
        return now
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def record(
    actor: Actor,
    action: str,
    org: Organisation,
    role: str,
    *,
    target: str = "",
    **data: Any,
) -> None:
    """The audit record (inside the caller's transaction): never a student's text."""
    auditlog.record(
        actor=actor,
        action=f"advocacy.{action}",
        organisation=org.code,
        target=target or org.code,
        role=role,
        data=data,
    )
