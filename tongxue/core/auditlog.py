"""Write the audit log: one record per change, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from tongxue.core.models import AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None


def record(
    *,
    actor: Actor,
    action: str,
    organisation: str = "",
    target: str = "",
    role: str = "",
    data: dict[str, Any] | None = None,
    label: str = "",
) -> AuditEvent:
    """Append an audit event. Call inside the service's transaction.atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit records are written inside the change's transaction")
    user = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    return AuditEvent.objects.create(
        # by id: the actor may be a ballot token's voter (tongxue.voting.tokens), which
        # names the account without loading it
        actor_id=user.pk if user is not None else None,
        actor_label=label or (user.get_username() if user is not None else "system"),
        role=role,
        action=action,
        organisation=organisation,
        target=target,
        data=data or {},
    )


def record_each(
    *,
    actors_sql: str,
    params: Sequence[Any],
    action: str,
    organisation: str = "",
    target: str = "",
    role: str = "",
    at: datetime | None = None,
) -> int:
    """Append one audit event per actor that ``actors_sql`` selects; return how many.

    ``actors_sql`` is a SELECT of two columns named ``actor_id`` and ``actor_label``
    (with ``params``); the events are written in the order of the labels, all at the
    same time ``at`` (now by default) and with no data, in one ``INSERT … SELECT`` —
    for a change that concerns thousands of people at once (the close of a vote writes
    each voter's "voted" record this way). Call inside the change's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit records are written inside the change's transaction")
    when = connection.ops.adapt_datetimefield_value(at or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table}"
            " (at, actor_id, actor_label, role, action, organisation, target, data)"
            " SELECT %s, a.actor_id, a.actor_label, %s, %s, %s, %s, %s"
            f" FROM ({actors_sql}) a ORDER BY a.actor_label",
            [when, role, action, organisation, target, "{}", *params],
        )
        return cursor.rowcount
