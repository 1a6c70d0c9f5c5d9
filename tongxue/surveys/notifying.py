"""Notifications of the surveys (#14's one service, TRN-2).

* ``survey.opened`` — to every eligible student with an account: the survey is open,
  until when; the link opens the answer form;
* ``survey.reminder`` — to the eligible students who have not answered yet, once a day
  at most (a manager's "remind"), and once when the last day is near (daily periodic
  work, :func:`remind_ending`);
* ``survey.published`` — to the eligible students: the results are public.

Values are the survey's title and dates, never an answer nor who answered. One query
for the recipients and one INSERT per 1,000 of them (a job for very many).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxue.notifications.kinds import register
from tongxue.notifications.reminders import remind_once
from tongxue.notifications.services import notify
from tongxue.surveys.models import Eligible, Participation, Survey, SurveyStatus

OPENED = register(
    "survey.opened",
    title=_("Your opinion is asked: %(title)s"),
    body=_("The survey is anonymous; you can answer until %(closes)s."),
)
REMINDER = register(
    "survey.reminder",
    title=_("You have not answered yet: %(title)s"),
    body=_("The survey is anonymous; you can answer until %(closes)s."),
)
PUBLISHED = register(
    "survey.published",
    title=_("Results are public: %(title)s"),
    body=_("The results of the survey are published for all students."),
)


def _url(name: str, survey: Survey) -> str:
    try:
        return reverse(name, args=[survey.pk])
    except NoReverseMatch:  # the pages are not installed (a command, a test)
        return f"/surveys/{survey.pk}/"


def _eligible(survey: Survey) -> QuerySet[Any]:
    return Eligible.objects.filter(survey=survey, person__user__isnull=False)


def _params(survey: Survey) -> dict[str, Any]:
    return {"title": survey.title, "closes": survey.closes_on.isoformat()}


def opened(survey: Survey) -> int:
    """Tell the eligible students the survey is open (in the opening's transaction)."""
    return notify(
        OPENED.name,
        user_ids=_eligible(survey).values_list("person__user_id", flat=True),
        params=_params(survey),
        url=_url("surveys:answer", survey),
        organisation=survey.organisation.code,
    )


def not_answered(survey: Survey) -> QuerySet[Any]:
    """The user ids of the eligible students who have not answered."""
    answered = Participation.objects.filter(survey=survey).values("person_id")
    return (
        _eligible(survey)
        .exclude(person_id__in=answered)
        .values_list("person__user_id", flat=True)
    )


def remind(survey: Survey) -> int:
    """Remind those who have not answered, once a day at most."""
    return remind_once(
        REMINDER.name,
        key=f"survey:{survey.pk}:{timezone.localdate().isoformat()}",
        user_ids=not_answered(survey),
        params=_params(survey),
        url=_url("surveys:answer", survey),
        organisation=survey.organisation.code,
    )


def published(survey: Survey) -> int:
    """Tell the eligible students the results are public."""
    return notify(
        PUBLISHED.name,
        user_ids=_eligible(survey).values_list("person__user_id", flat=True),
        params={"title": survey.title},
        url=_url("surveys:detail", survey),
        organisation=survey.organisation.code,
    )


#: The daily reminder before the last day (registered in SurveysConfig.ready()).
DAILY = "surveys.remind-ending"
#: It goes when the last day is at most this many days away.
REMIND_DAYS = 2


def remind_ending(job: Any = None, *, today: dt.date | None = None) -> int:
    """Remind, once per survey, those asked who have not answered an open survey whose
    last day is today or within :data:`REMIND_DAYS` days (daily periodic work)."""
    today = today or timezone.localdate()
    surveys = (
        Survey.objects.filter(
            status=SurveyStatus.OPEN,
            closes_on__gte=today,
            closes_on__lte=today + dt.timedelta(days=REMIND_DAYS),
        )
        .select_related("organisation")
        .order_by("pk")
    )
    sent = 0
    for survey in surveys:
        sent += remind_once(
            REMINDER.name,
            key=f"survey:{survey.pk}:ending:{survey.closes_on.isoformat()}",
            user_ids=not_answered(survey),
            params=_params(survey),
            url=_url("surveys:answer", survey),
            organisation=survey.organisation.code,
        )
    return sent
