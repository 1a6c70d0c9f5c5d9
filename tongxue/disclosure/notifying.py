"""Notifications of a union's public page (#14's one service).

* ``disclosure.published`` — to the page's subscribers: a new entry of its work
  affairs or a new version of one of its rules. Values: the union's name and the
  item's title, both public.

The subscribers are a query (:meth:`QuerySet.values_list` of their user ids): a union
followed by many students is notified by a background job, never by millions of ids
(``notifications.services.notify``).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tongxue.disclosure.models import Subscription
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify
from tongxue.organisations.models import Organisation

PUBLISHED = register(
    "disclosure.published",
    title=_("New on the public page of %(title)s"),
    body=_("%(what)s"),
)


def page_url(union: Organisation) -> str:
    try:
        return reverse("disclosure:page", args=[union.code])
    except NoReverseMatch:  # the pages are not installed (a command, a test)
        return f"/open/{union.code}/"


def published(union: Organisation, what: str) -> int:
    """Tell the union page's subscribers of a new item; return how many."""
    subscribers = Subscription.objects.filter(union=union).values_list(
        "user_id", flat=True
    )
    return notify(
        PUBLISHED.name,
        user_ids=subscribers,
        params={"title": union.name, "what": what[:200]},
        url=page_url(union),
        organisation=union.code,
    )
