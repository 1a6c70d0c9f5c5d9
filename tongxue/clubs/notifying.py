"""Notifications of club activities (ORG-14; #14's one service).

* ``clubs.activity_submitted`` — to the League advisors of the union and of its school
  (who decide): an activity awaits their review;
* ``clubs.activity_decided`` — to the club's responsible student (when their account
  is linked) and to who registered the activity: the decision, its reasons on the page.

Values are the activity's title, the club's and the union's names and the decision's
label, never the reasons (a notification may go out by e-mail).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxue.clubs.models import Activity, Review
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.domain import clubs as dc
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify

SUBMITTED = register(
    "clubs.activity_submitted",
    title=_("Club activity “%(title)s” awaits your review"),
    body=_("%(club)s · %(union)s"),
)
DECIDED = register(
    "clubs.activity_decided",
    title=_("The League advisor decided on “%(title)s”: %(decision)s"),
    body=_("%(club)s · the reasons are on the activity's page"),
)


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def _url(activity: Activity) -> str:
    return reverse("clubs:activity", args=[activity.union.code, activity.pk])


def submitted(activity: Activity) -> int:
    union = activity.union
    ids = RoleAssignment.objects.filter(
        organisation__code__in=_codes(union.path), role=RoleKind.LEAGUE_ADVISOR
    ).values_list("user_id", flat=True)
    return notify(
        SUBMITTED.name,
        user_ids=set(ids),
        params={
            "title": activity.title,
            "club": activity.club.name,
            "union": union.name,
        },
        url=_url(activity),
        organisation=union.code,
    )


def decided(activity: Activity, review: Review) -> int:
    ids = {activity.created_by_id}
    responsible = activity.club.responsible
    if responsible is not None and responsible.user_id is not None:
        ids.add(responsible.user_id)
    ids.discard(review.decided_by_id)
    return notify(
        DECIDED.name,
        user_ids=ids,
        params={
            "title": activity.title,
            "club": activity.club.name,
            # the lifecycle's label, translated in the recipient's language
            "decision": [dc.ACTIVITY.label(review.decision), {}],
        },
        url=_url(activity),
        organisation=activity.union.code,
    )
