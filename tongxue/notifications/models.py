"""Notifications (#14): one row per recipient in the in-app inbox, and each user's choices.

A notification stores its *kind* and *params*, never finished text: the kind's registered
title and body (:mod:`tongxue.notifications.kinds`) are rendered when it is shown, in the
reader's language. **A notification never stores what its recipient may not see**: the
caller passes only values the recipient may read (a vote's title and closing time, not a
ballot; "your objection was answered", not the objector's name to anybody else). The row
is readable by its recipient alone (the inbox filters on the user).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        # the inbox index below starts with the user: no second index to write
        db_index=False,
        # No foreign key in the database: checking it for each of millions of rows a
        # notification of a whole province writes took three times the insert itself
        # (docs/notifications.md, "Performance"). Django still deletes a user's
        # notifications with the user (on_delete runs in the ORM); users are never
        # deleted by raw SQL, and ids are never reused.
        db_constraint=False,
    )
    #: A kind registered in tongxue.notifications.kinds ("vote.opened").
    kind = models.CharField(_("kind"), max_length=64)
    #: The values the kind's title and body name (%(name)s): JSON, safe for the reader.
    params = models.JSONField(_("values"), default=dict, blank=True)
    #: Where the notification leads (a path on this site), or "".
    url = models.CharField(_("link"), max_length=500, blank=True)
    #: The code of the organisation it concerns, or "".
    organisation = models.CharField(_("organisation"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        indexes = [
            # the inbox (newest first), the unread count and the digest
            models.Index(
                "user", "read_at", models.F("created_at").desc(), name="notif_inbox"
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id} ({self.created_at:%Y-%m-%d %H:%M})"


class Preference(models.Model):
    """How a user wants to hear of notifications besides the inbox (no row: defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    #: Each notification also by e-mail, at once.
    email = models.BooleanField(_("e-mail each notification"), default=False)
    #: Once a day, one e-mail listing the unread notifications of the last day.
    daily_digest = models.BooleanField(_("daily digest by e-mail"), default=False)
    #: Names of further channels chosen (TONGXUE_NOTIFICATION_CHANNELS: "sms", …).
    channels = models.JSONField(_("other channels"), default=list, blank=True)
    #: The language the user last saved these settings in: mails are written in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    #: When the last digest was claimed (a notification is in one digest at most).
    digest_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"

    def chosen_channels(self) -> set[str]:
        """The names of the channels this user chose, e-mail included."""
        names = {str(c) for c in self.channels or [] if isinstance(c, str)}
        if self.email:
            names.add("email")
        return names


class Reminder(models.Model):
    """That a user was reminded of one deadline: a reminder goes once (#14).

    ``key`` names the deadline (``vote:<code>:<closing day>``); a changed deadline is
    a new key. Written with the reminder's inbox row, in the same transaction
    (:func:`tongxue.notifications.reminders.remind_once`).
    """

    key = models.CharField(_("deadline"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            # also the index of "who was reminded of this deadline"
            models.UniqueConstraint(fields=["key", "user"], name="unique_reminder")
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.key} → {self.user_id}"
