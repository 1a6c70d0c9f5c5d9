"""The daily digest: one e-mail a day listing a user's unread notifications of the last day.

Registered as a periodic job (``notifications.daily_digest``, once a day however many
workers run: :mod:`tongxue.jobs.periodic`) in ``NotificationsConfig.ready()``. Each user
who chose the digest and has an e-mail address gets at most one digest in
:data:`MIN_GAP`, holding the notifications still unread that arrived since their previous
digest (at most one day back): a notification is in one digest at most. The user's row is
claimed (``digest_sent_at``) before the mail is sent, so two runs at once cannot both send
it; a mail that fails is logged and not retried (the inbox still holds everything).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from tongxue.notifications import channels
from tongxue.notifications.kinds import render
from tongxue.notifications.models import Notification, Preference
from tongxue.notifications.services import site_url

logger = logging.getLogger(__name__)

#: How far back a digest looks at most.
PERIOD = dt.timedelta(days=1)
#: A user gets no second digest within this time (a run repeated or run early).
MIN_GAP = dt.timedelta(hours=20)
#: Notifications listed in one digest at most (the rest are counted).
LIMIT = 50


def send_daily_digests(job: Any = None, *, now: dt.datetime | None = None) -> int:
    """Send every due digest; return how many mails were sent."""
    now = now or timezone.now()
    due = (
        Preference.objects.filter(daily_digest=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - MIN_GAP))
        .select_related("user")
        .order_by("user_id")
    )
    sent = 0
    for pref in due.iterator(chunk_size=500):
        previous = pref.digest_sent_at
        claim = Preference.objects.filter(pk=pref.pk)
        claim = (
            claim.filter(digest_sent_at__isnull=True)
            if previous is None
            else claim.filter(digest_sent_at=previous)
        )
        if not claim.update(digest_sent_at=now):
            continue  # another run took it
        since = max(previous, now - PERIOD) if previous else now - PERIOD
        unread = Notification.objects.filter(
            user_id=pref.user_id,
            read_at__isnull=True,
            created_at__gt=since,
            created_at__lte=now,
        )
        items = list(unread.order_by("-created_at")[:LIMIT])
        if not items:
            continue
        more = unread.count() - len(items) if len(items) == LIMIT else 0
        try:
            _send(pref, items, more)
        except Exception:
            logger.exception("the daily digest of user %s was not sent", pref.user_id)
            continue
        sent += 1
    if job is not None:
        job.progress(sent, sent, gettext("%(sent)s digests sent") % {"sent": sent})
    return sent


def _send(pref: Preference, items: list[Notification], more: int) -> None:
    with translation.override(pref.language or settings.LANGUAGE_CODE):
        count = len(items) + more
        subject = ngettext(
            "%(count)s unread notification of the last day",
            "%(count)s unread notifications of the last day",
            count,
        ) % {"count": count}
        lines = []
        for n in items:
            title, body = render(n.kind, n.params)
            lines.append(f"• {title}")
            if body:
                lines.append(f"  {body}")
            if n.url:
                lines.append(f"  {site_url(n.url)}")
        if more:
            lines.append(
                ngettext(
                    "… and %(more)s more in your inbox.",
                    "… and %(more)s more in your inbox.",
                    more,
                )
                % {"more": more}
            )
        inbox = site_url(reverse("notifications:inbox"))
        lines += ["", gettext("Your inbox: %(url)s") % {"url": inbox}]
        lines += ["", channels.footer()]
        send_mail(
            subject=channels.subject(subject),
            message="\n".join(lines),
            from_email=None,
            recipient_list=[pref.user.email],
        )
