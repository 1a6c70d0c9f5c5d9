"""Club activities on the user's home (我的): those awaiting the League advisor's
review (ORG-14).

A League advisor sees, per union they guide, how many activities wait for their
decision, due by the first one's start (it is reviewed before it is held). One query.
:class:`~tongxue.clubs.apps.ClubsConfig` registers :func:`reviews_due` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.clubs.models import Activity, ActivityStatus
from tongxue.clubs.services import DECIDERS
from tongxue.organisations.models import Person

LIMIT = 20


def reviews_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    orgs = organisations_with(user, *DECIDERS)
    if not orgs:
        return []
    rows = (
        Activity.objects.filter(
            within(orgs, "union__path"), status=ActivityStatus.SUBMITTED
        )
        .order_by()
        .values("union__code", "union__name")
        .annotate(n=Count("pk"), first=Min("starts_at"))
        .order_by("first")[:LIMIT]
    )
    return [
        HomeItem(
            kind="review-club-activities",
            title=ngettext(
                "%(n)d club activity awaits your review",
                "%(n)d club activities await your review",
                r["n"],
            )
            % {"n": r["n"]},
            why=gettext(
                "You guide the clubs of %(org)s with the League: each activity is "
                "reviewed before it is held (ORG-14)."
            )
            % {"org": r["union__name"]},
            due=r["first"],
            url=reverse("clubs:manage", args=[r["union__code"]]) + "?status=submitted",
            organisation_name=r["union__name"],
        )
        for r in rows
    ]
