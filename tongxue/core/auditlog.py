"""Write the audit log: one record per change, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

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
