"""Notifications of the evaluations (#14): a rating period opened; it ends soon and you
have not finished rating.

Only the period's name and dates: never a rating, nor who rated. Recipients are the
people on the period's rater lists who have an account (someone without one is
skipped). One query for the recipients and one INSERT per 1,000 of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    Subject,
)
from tongxue.notifications.reminders import remind_once
from tongxue.notifications.services import notify

#: What a reminder names: the period's ratings.
RATING = gettext_noop("Rating: %(period)s")
#: A reminder goes when the period's last day is at most this many days away.
REMIND_DAYS = 2
#: The daily reminder (registered in EvaluationsConfig.ready()).
REMINDER = "evaluations.remind-ending"


def _raters(period: EvaluationPeriod) -> QuerySet[Any]:
    return Rater.objects.filter(period=period, person__user__isnull=False)


def period_opened(period: EvaluationPeriod) -> int:
    """Tell the period's raters that rating is open (in the opening's transaction)."""
    return notify(
        "rating.opened",
        user_ids=_raters(period).values_list("person__user_id", flat=True),
        params={"title": period.name, "closes": period.end.isoformat()},
        url=reverse("evaluations:mine"),
        organisation=period.organisation.code,
    )


def _unfinished(period: EvaluationPeriod) -> QuerySet[Any]:
    """The user ids of the raters with something left to rate in ``period``.

    As the to-do list counts it (``selectors.todo_for``): a subject of the rater's
    list, not their own post, a 述职 report only once filed, not yet rated by them.
    """
    rated = Participation.objects.filter(
        subject=OuterRef("pk"), rater__person=OuterRef(OuterRef("person"))
    )
    left = (
        Subject.objects.filter(period=period, kind=OuterRef("kind"))
        .filter(Q(kind=Kind.EVALUATION) | Q(filed_at__isnull=False))
        .exclude(position__person=OuterRef("person"))
        .filter(~Exists(rated))
    )
    return (
        _raters(period).filter(Exists(left)).values_list("person__user_id", flat=True)
    )


def remind_ending_periods(job: Any = None, *, today: dt.date | None = None) -> int:
    """Remind, once, the raters who have not finished of each period ending soon.

    Daily periodic work: an open period whose last day is today or within
    :data:`REMIND_DAYS` days (the site's time zone). Returns the reminders sent.
    """
    today = today or timezone.localdate()
    periods = (
        EvaluationPeriod.objects.filter(
            status=PeriodStatus.OPEN,
            end__gte=today,
            end__lte=today + dt.timedelta(days=REMIND_DAYS),
        )
        .select_related("organisation")
        .order_by("pk")
    )
    sent = 0
    for period in periods:
        sent += remind_once(
            "deadline.approaching",
            key=f"rating:{period.pk}:{period.end.isoformat()}",
            user_ids=_unfinished(period),
            params={
                "what": [RATING, {"period": period.name}],
                "due": period.end.isoformat(),
            },
            url=reverse("evaluations:mine"),
            organisation=period.organisation.code,
        )
    return sent
