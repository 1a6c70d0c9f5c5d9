"""Reads of the inbox, each in one query (the page's count and rows: the paginator's two)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tongxue.notifications.models import Notification, Preference


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first (paginate it)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (one COUNT)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preference_of(user: Any) -> Preference:
    """The user's settings, or the defaults (unsaved) when they never chose."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
