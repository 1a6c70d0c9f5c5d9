"""Send notifications, mark them read, keep each user's settings (#14).

``notify`` is the one entry point of every app (docs/notifications.md lists the events);
``prepare`` then ``send_prepared`` do the same in two steps, for a service that must read
the recipients before taking a lock and write the rows after it (raising a concern, #17).
It writes one inbox row per recipient — at once, in the caller's transaction, for up to
``TONGXUE_NOTIFY_JOB_THRESHOLD`` recipients (2,000); above that in a background job
(:mod:`tongxue.notifications.tasks`) that inserts them by ``INSERT … SELECT`` over
windows of user ids, reporting its progress. Then each recipient who chose a channel
(e-mail, or a school's SMS adapter …) gets the notification there: after the commit, or
in a job when there are many. A channel that fails is logged; the others and the inbox
row stay.

The recipients are a list of user ids or a QuerySet: of users, or ``values_list`` of one
column holding user ids (``Person.objects.filter(…).values_list("user_id")``). A large
audience must be a QuerySet: the job receives its SQL (with a placeholder for the window
of ids) and evaluates it again, never millions of ids. Inactive accounts are skipped.

**Content rule**: ``params`` hold only what every recipient may see; the text is
rendered from the kind when shown, in the reader's language.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tongxue.core.auditlog import record
from tongxue.jobs.services import start_job
from tongxue.notifications import channels as channel_registry
from tongxue.notifications import recipients
from tongxue.notifications.kinds import KINDS, Text, render
from tongxue.notifications.models import Notification, Preference

logger = logging.getLogger(__name__)

#: Rows per INSERT when the inbox rows are written at once.
INSERT_BATCH = 1000


def job_threshold() -> int:
    """Above this many recipients the inbox rows are written by a job."""
    return int(getattr(settings, "TONGXUE_NOTIFY_JOB_THRESHOLD", 2000))


def inline_deliveries() -> int:
    """Up to this many channel deliveries run after the commit; more go to a job."""
    return int(getattr(settings, "TONGXUE_NOTIFY_INLINE_DELIVERIES", 50))


def notify(
    kind: str,
    *,
    user_ids: Iterable[int] | QuerySet[Any],
    params: dict[str, Any],
    url: str = "",
    organisation: str | None = None,
) -> int:
    """Notify the recipients; return how many (inbox rows written or being written).

    Raises ``ValueError`` for an unregistered kind, a link that is not a path of this
    site, or params that are not JSON; ``TypeError`` for a recipient query the job
    cannot carry.
    """
    if kind not in KINDS:
        raise ValueError(f"notification kind {kind!r} is not registered")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("a notification links to a path of this site ('/…')")
    params = dict(params)
    json.dumps(params)  # the row keeps them as JSON: fail here, not in the job
    base = {
        "kind": kind,
        "params": params,
        "url": url,
        "organisation": organisation or "",
        "created_at": timezone.now(),
    }
    threshold = job_threshold()
    if isinstance(user_ids, QuerySet):
        ids = list(
            get_user_model()
            .objects.filter(is_active=True, pk__in=recipients.recipient_ids(user_ids))
            .order_by()
            .values_list("pk", flat=True)[: threshold + 1]
        )
        if len(ids) > threshold:
            return _in_job(base, recipients.from_queryset(user_ids))
    else:
        wanted = sorted({int(i) for i in user_ids})
        if len(wanted) > threshold:
            return _in_job(base, recipients.from_ids(wanted))
        ids = list(
            get_user_model()
            .objects.filter(is_active=True, pk__in=wanted)
            .values_list("pk", flat=True)
        )
    with transaction.atomic():
        Notification.objects.bulk_create(
            [Notification(user_id=i, **base) for i in ids], batch_size=INSERT_BATCH
        )
        names = {c.name for c in channel_registry.configured()}
        wanting = [
            p.user_id
            for p in Preference.objects.filter(user_id__in=ids).order_by("user_id")
            if p.chosen_channels() & names
        ]
        _schedule_delivery(base, wanting)
    return len(ids)


@dataclass(frozen=True)
class Prepared:
    """The recipients of a notification read ahead of it (:func:`prepare`)."""

    kind: str
    #: the ids asked for; the active ones; those who chose a channel (None: too many
    #: to write at once, :func:`send_prepared` calls :func:`notify`)
    asked: tuple[int, ...]
    active: tuple[int, ...] | None
    wanting: tuple[int, ...]


def prepare(kind: str, *, user_ids: Iterable[int]) -> Prepared:
    """Read what :func:`notify` reads of a few recipients (who is active, who chose a
    channel) before the notification's content is known: a service that holds a lock
    until it commits (raising a concern numbers it under its union's lock, #17)
    reads them before taking it, and writes with :func:`send_prepared` (one
    statement). Same outcome as :func:`notify` in the same transaction."""
    if kind not in KINDS:
        raise ValueError(f"notification kind {kind!r} is not registered")
    wanted = tuple(sorted({int(i) for i in user_ids}))
    if len(wanted) > job_threshold():
        return Prepared(kind, wanted, None, ())
    ids = tuple(
        get_user_model()
        .objects.filter(is_active=True, pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names = {c.name for c in channel_registry.configured()}
    wanting = tuple(
        p.user_id
        for p in Preference.objects.filter(user_id__in=ids).order_by("user_id")
        if p.chosen_channels() & names
    )
    return Prepared(kind, wanted, ids, wanting)


def send_prepared(
    prepared: Prepared,
    *,
    params: dict[str, Any],
    url: str = "",
    organisation: str | None = None,
) -> int:
    """:func:`notify` the recipients :func:`prepare` read; return how many."""
    if prepared.active is None:
        return notify(
            prepared.kind,
            user_ids=prepared.asked,
            params=params,
            url=url,
            organisation=organisation,
        )
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("a notification links to a path of this site ('/…')")
    params = dict(params)
    json.dumps(params)
    if not prepared.active:
        return 0
    base = {
        "kind": prepared.kind,
        "params": params,
        "url": url,
        "organisation": organisation or "",
        "created_at": timezone.now(),
    }
    # no savepoint inside the caller's transaction (two round trips less)
    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(
            [Notification(user_id=i, **base) for i in prepared.active],
            batch_size=INSERT_BATCH,
        )
        _schedule_delivery(base, list(prepared.wanting))
    return len(prepared.active)


def _schedule_delivery(base: dict[str, Any], user_ids: list[int]) -> None:
    """Deliver on the channels after the commit: here when few, in a job when many."""
    if not user_ids:
        return
    message = {k: base[k] for k in ("kind", "params", "url")}
    if len(user_ids) <= inline_deliveries():

        def send() -> None:
            deliver(**message, preferences=recipients.preferences_of({"ids": user_ids}))

        # robust: a failure here is logged, never the committed change's error
        transaction.on_commit(send, robust=True)
    else:
        start_job(
            kind="notifications.deliver",
            actor=None,
            title=gettext("Sending a notification by e-mail and other channels"),
            func="tongxue.notifications.tasks.deliver_job",
            kwargs={**message, "source": {"ids": user_ids}},
            organisation=base["organisation"] or None,
        )


def _in_job(base: dict[str, Any], source: dict[str, Any]) -> int:
    total = recipients.count(source)
    start_job(
        kind="notifications.notify",
        actor=None,
        title=ngettext(
            "Notifying %(count)s person", "Notifying %(count)s people", total
        )
        % {"count": total},
        func="tongxue.notifications.tasks.fan_out",
        kwargs={
            **base,
            "created_at": base["created_at"].isoformat(),
            "source": source,
            "total": total,
        },
        organisation=base["organisation"] or None,
    )
    return total


# -- delivery on the channels --------------------------------------------------------------


def site_url(path: str) -> str:
    """``path`` made absolute with TONGXUE_SITE_URL when it is set."""
    base = getattr(settings, "TONGXUE_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base and path else path


def text_of(kind: str, params: dict[str, Any], url: str, language: str) -> Text:
    """The notification as read in ``language``."""
    with translation.override(language):
        title, body = render(kind, params)
    return Text(kind=kind, title=title, body=body, url=site_url(url))


def wanting_delivery(preferences: Iterable[Preference]) -> int:
    """How many of these users chose a channel in use."""
    names = {c.name for c in channel_registry.configured()}
    return sum(1 for p in preferences if p.chosen_channels() & names)


def deliver(
    *, kind: str, params: dict[str, Any], url: str, preferences: Iterable[Preference]
) -> int:
    """Send a notification on each channel each user chose; return deliveries made.

    A channel that raises is logged and the next one tried.
    """
    active = channel_registry.configured()
    texts: dict[str, Text] = {}
    made = 0
    for pref in preferences:
        chosen = pref.chosen_channels()
        wanted = [c for c in active if c.name in chosen]
        if not wanted:
            continue
        language = pref.language or settings.LANGUAGE_CODE
        if language not in texts:
            texts[language] = text_of(kind, params, url, language)
        for channel in wanted:
            try:
                channel.deliver(pref.user, texts[language])
            except Exception:
                logger.exception(
                    "channel %s failed to deliver %s to user %s",
                    channel.name,
                    kind,
                    pref.user_id,
                )
            else:
                made += 1
    return made


# -- the inbox --------------------------------------------------------------------------


def mark_read(user: Any, pk: int) -> bool:
    """Mark the user's notification ``pk`` read; False if it is not theirs (or none)."""
    return bool(
        Notification.objects.filter(pk=pk, user=user).update(
            read_at=Coalesce(F("read_at"), Value(timezone.now()))
        )
    )


def mark_all_read(user: Any) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def open_notification(user: Any, pk: int) -> Notification | None:
    """The user's notification ``pk``, marked read (None if it is not theirs)."""
    notification = Notification.objects.filter(pk=pk, user=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def save_preferences(
    user: Any,
    *,
    email: bool,
    daily_digest: bool,
    channels: list[str],
    language: str,
) -> Preference:
    """Save the user's own notification settings and audit-log what changed."""
    allowed = {name for name, _label in channel_registry.choosable()}
    chosen = sorted(set(channels) & allowed)
    with transaction.atomic():
        pref, _created = Preference.objects.select_for_update().get_or_create(user=user)
        before = {
            "email": pref.email,
            "daily_digest": pref.daily_digest,
            "channels": list(pref.channels or []),
        }
        after = {"email": email, "daily_digest": daily_digest, "channels": chosen}
        pref.email, pref.daily_digest, pref.channels = email, daily_digest, chosen
        pref.language = language
        pref.save()
        changed = {k: after[k] for k in after if after[k] != before[k]}
        if changed:
            record(
                actor=user,
                action="notifications.settings_change",
                target=user.get_username(),
                data=changed,
            )
    return pref
