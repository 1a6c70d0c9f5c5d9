"""Move an object along its lifecycle: the one service helper every app uses (#13).

The state machines are data (:mod:`tongxue.domain.lifecycle`); a service that moves an
object checks its permission and its own conditions, then calls :func:`transition`,
which

1. locks the object's row (``SELECT … FOR UPDATE``) and re-reads its state from it, so
   two managers acting at once serialise and the second is refused;
2. checks the move against the lifecycle and raises its refusal — the message names
   both states by their labels, translated when shown ("无法从“计划中”转为“已闭幕”");
3. runs the service's extra ``check`` (a refusal it returns is raised);
4. sets the state and the service's other ``changes`` (a time stamp) and saves them;
5. writes the audit record (``from``, ``to`` and the service's ``data``) in the same
   transaction;

and returns the object. Call it inside the service's ``transaction.atomic`` block. A
service that must refuse a wrong state before a long piece of work (opening a vote)
asks :meth:`Lifecycle.require` first; ``transition`` checks again under the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import models

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.domain.findings import Refusal
from tongxue.domain.lifecycle import Lifecycle

__all__ = ["transition"]

M = TypeVar("M", bound=models.Model)


def transition(
    obj: M,
    lifecycle: Lifecycle,
    target: str,
    *,
    actor: Actor,
    action: str,
    organisation: str,
    role: str,
    subject: str,
    data: Mapping[str, Any] | None = None,
    field: str = "status",
    changes: Mapping[str, Any] | None = None,
    check: Callable[[M], Refusal | None] | None = None,
) -> M:
    """Move ``obj`` to the state ``target`` of ``lifecycle`` and audit it; return ``obj``.

    ``field`` is the model's state field (``status`` or ``state``); ``changes`` the
    other fields to set with the move (``{"closed_at": now}``), set only once the move
    is allowed and saved with it.
    ``action``, ``organisation`` (a code), ``role`` and ``subject`` (the audit record's
    target: a code, a title) go to the audit record, whose data is ``{"from": …,
    "to": …, **data}``. ``check(obj)`` runs after the lifecycle's check, under the
    lock; the refusal it returns is raised. Raises the lifecycle's ``Refusal``
    (``invalid-transition``) when the move is not allowed from the state in the
    database.
    """
    manager = type(obj)._default_manager
    current = manager.select_for_update().values_list(field, flat=True).get(pk=obj.pk)
    setattr(obj, field, current)
    lifecycle.require(current, target)
    if check is not None:
        refusal = check(obj)
        if refusal is not None:
            raise refusal
    setattr(obj, field, target)
    for name, value in (changes or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=[field, *(changes or {})])
    auditlog.record(
        actor=actor,
        action=action,
        organisation=organisation,
        target=subject,
        role=role,
        data={"from": current, "to": target, **(data or {})},
    )
    return obj
