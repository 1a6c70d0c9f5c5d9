"""Reminders of a deadline, once per deadline and person (#14).

The apps' daily periodic jobs (votes closing tomorrow, rating periods ending soon) run
:func:`remind_once` every day while a deadline is near; a person is reminded of each
deadline once, however many days (or runs) it stays near: the first time, a
:class:`~tongxue.notifications.models.Reminder` row (deadline key, user) is written with
the inbox row, in the same transaction. A deadline that moves is a new key, so a new
reminder.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from tongxue.notifications import recipients
from tongxue.notifications.models import Reminder
from tongxue.notifications.services import INSERT_BATCH, notify


@transaction.atomic
def remind_once(
    kind: str,
    *,
    key: str,
    user_ids: Iterable[int] | QuerySet[Any],
    params: dict[str, Any],
    url: str = "",
    organisation: str | None = None,
) -> int:
    """Notify those of ``user_ids`` not yet reminded of ``key``; return how many.

    ``user_ids`` as for :func:`~tongxue.notifications.services.notify` (a QuerySet of
    users or a ``values_list`` of user ids, or ids). Inactive accounts are skipped and
    not recorded (they are reminded if they are active again while it is near). One
    query for those to remind, one INSERT of the records per 1,000, then ``notify``.
    """
    if not key or len(key) > 200:
        raise ValueError(f"a reminder's key is 1 to 200 characters: {key!r}")
    wanted = (
        recipients.recipient_ids(user_ids)
        if isinstance(user_ids, QuerySet)
        else sorted({int(i) for i in user_ids})
    )
    ids = list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=wanted)
        .exclude(pk__in=Reminder.objects.filter(key=key).values("user_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Reminder.objects.bulk_create(
        [Reminder(key=key, user_id=i) for i in ids], batch_size=INSERT_BATCH
    )
    return notify(kind, user_ids=ids, params=params, url=url, organisation=organisation)


#: How long a reminder's record is kept: long after any deadline it names has passed.
KEEP_DAYS = 180


def prune_reminders(job: Any = None, *, now: Any = None) -> int:
    """Delete the records of reminders older than :data:`KEEP_DAYS`; return how many.

    A record only stops a second reminder of the same deadline while it is near; a
    deadline is at most days away when reminded of, so half a year later its record
    stops nothing. Daily (``notifications.prune-reminders``).
    """
    from datetime import timedelta

    from django.utils import timezone

    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _ = Reminder.objects.filter(created_at__lt=cutoff).delete()
    return deleted
