"""Delivery channels: how a notification leaves the site besides the inbox.

A channel is any object with a ``name`` and ``deliver(user, text)`` (:class:`Channel`).
The channels in use are listed by dotted path in the setting
``TONGXUE_NOTIFICATION_CHANNELS`` (default: e-mail only); a user receives a notification
on each listed channel they chose on their settings page (``Preference``: the e-mail
switch, and the names in ``Preference.channels`` for the others). A channel that raises
is logged and skipped: the other channels and the inbox row are unaffected.

A school adds SMS or WeChat template messages by writing an adapter — a class with a
``name`` (the key users choose), a ``label`` (shown on the settings page), and
``deliver`` calling the provider's API with the user's number or OpenID — and listing it
in the setting. None ships here: docs/notifications.md ("Adding a channel").
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongxue.notifications.kinds import Text

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = ["tongxue.notifications.channels.EmailChannel"]


@runtime_checkable
class Channel(Protocol):
    #: The key a user's settings name the channel by ("email", "sms", "wechat").
    name: str

    def deliver(self, user: Any, notification_text: Text) -> None:
        """Send one notification to one user; raise on failure (it is logged)."""


class EmailChannel:
    """Each notification as an e-mail, through Django's mail (settings.EMAIL_BACKEND).

    Users without an address are skipped. Development prints mails to the console; in
    production the SMTP settings (EMAIL_HOST …) or an e-mail service's backend apply.
    """

    name = "email"
    label = _("E-mail")

    def deliver(self, user: Any, notification_text: Text) -> None:
        address = getattr(user, "email", "")
        if not address:
            logger.debug("user %s has no e-mail address; mail skipped", user.pk)
            return
        body = notification_text.body
        if notification_text.url:
            body = f"{body}\n\n{notification_text.url}".strip()
        send_mail(
            subject=subject(notification_text.title),
            message=body + "\n\n" + footer(),
            from_email=None,
            recipient_list=[address],
        )


class RecordingChannel:
    """A test adapter: keeps what it was asked to deliver, in memory (``sent``)."""

    name = "recording"
    label = "Recording (tests)"
    sent: list[tuple[int, Text]] = []

    def deliver(self, user: Any, notification_text: Text) -> None:
        type(self).sent.append((user.pk, notification_text))


def subject(title: str) -> str:
    """An e-mail subject: the site's prefix and one line of the title."""
    return "[同学 Tongxue] " + " ".join(title.split())[:150]


def footer() -> str:
    return gettext(
        "You receive this because of your notification settings on Tongxue "
        "(Inbox → Settings)."
    )


@cache
def _load(paths: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(import_string(p)() for p in paths)


def configured() -> tuple[Any, ...]:
    """The channels of TONGXUE_NOTIFICATION_CHANNELS, one instance each."""
    paths = getattr(settings, "TONGXUE_NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)
    return _load(tuple(paths))


def choosable() -> list[tuple[str, str]]:
    """(name, label) of the configured channels besides e-mail, for the settings page."""
    return [
        (c.name, str(getattr(c, "label", c.name)))
        for c in configured()
        if c.name != EmailChannel.name
    ]
