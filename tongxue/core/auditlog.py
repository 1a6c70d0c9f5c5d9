"""Write the audit log: one record per change, inside the caller's transaction.

Each record is chained to the one before it (:mod:`tongxue.core.auditchain`); the
database refuses to change or delete one. A record of a private act records the act,
not the person's link to its content: ``withhold_actor=True`` writes it without the
actor (a relay message, an opinion), ``actor_perm`` shows the actor only to readers of
the log who hold that permission at the organisation (an objection: those who may
answer it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from tongxue.core import auditchain
from tongxue.core.hooks import Hook
from tongxue.core.models import AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None

#: The label of a record whose actor is not recorded (a private act).
WITHHELD = "(withheld)"

#: Told of every change recorded at an organisation, in the change's transaction:
#: ``fn(organisation_code, action)``, once per :func:`record` or :func:`record_each` call
#: with an organisation. The compliance app marks the organisations whose stored
#: findings the change may affect and queues their re-audit (#15,
#: ``tongxue.compliance.reaudit``). A function that raises fails the change.
RECORDED: Hook[Callable[[str, str], None]] = Hook("core.auditlog.recorded")


def _recorded(organisation: str, action: str) -> None:
    if organisation:
        for fn in RECORDED:
            fn(organisation, action)


def record(
    *,
    actor: Actor,
    action: str,
    organisation: str = "",
    target: str = "",
    role: str = "",
    data: dict[str, Any] | None = None,
    label: str = "",
    withhold_actor: bool = False,
    actor_perm: str = "",
) -> AuditEvent:
    """Append an audit event. Call inside the service's transaction.atomic block.

    ``withhold_actor``: record the act without who did it (label :data:`WITHHELD`).
    ``actor_perm``: the permission a reader of the log needs at the organisation to
    see the actor.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit records are written inside the change's transaction")
    user = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    if withhold_actor:
        user, label = None, WITHHELD
    # The hook first (it reads nothing of the record; the same transaction): the
    # record last, so that the chain's lock, held until the commit, waits for no more
    # than the record's own statements (#17).
    _recorded(organisation, action)
    event = AuditEvent.objects.create(
        # by id: the actor may be a ballot token's voter (tongxue.voting.tokens), which
        # names the account without loading it
        actor_id=user.pk if user is not None else None,
        actor_label=label or (user.get_username() if user is not None else "system"),
        role=role,
        action=action,
        organisation=organisation,
        target=target,
        data=data or {},
        actor_perm=str(actor_perm),
    )
    return event


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
    same time ``at`` (now by default, never before the last record) and with no data
    — for a change that concerns thousands of people at once (the close of a vote
    writes each voter's "voted" record this way). The actors are read in one query,
    chained in Python and inserted by one statement executed for each. Call inside the
    change's transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit records are written inside the change's transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.actor_id, a.actor_label FROM ({actors_sql}) a"
            " ORDER BY a.actor_label, a.actor_id",
            list(params),
        )
        actors = cursor.fetchall()
    if not actors:
        return 0
    events = [
        AuditEvent(
            actor_id=actor_id,
            actor_label=actor_label or "",
            role=role,
            action=action,
            organisation=organisation,
            target=target,
            data={},
        )
        for actor_id, actor_label in actors
    ]
    auditchain.chain(events, at=at or timezone.now())
    # One prepared INSERT run for every row (psycopg pipelines it): the values are
    # adapted once, not field by field as bulk_create would (a third of the time).
    when = connection.ops.adapt_datetimefield_value(events[0].at)
    columns = (
        "at, actor_id, actor_label, role, action, organisation, target, data,"
        " actor_perm, seq, prev_hash, hash"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {AuditEvent._meta.db_table} ({columns})"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    when,
                    e.actor_id,
                    e.actor_label,
                    role,
                    action,
                    organisation,
                    target,
                    "{}",
                    "",
                    e.seq,
                    e.prev_hash,
                    e.hash,
                )
                for e in events
            ],
        )
    _recorded(organisation, action)
    return len(events)
