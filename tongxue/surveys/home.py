"""Surveys on the user's home (我的): a survey to answer, a survey to close (TRN-2).

:class:`~tongxue.surveys.apps.SurveysConfig` registers :func:`surveys_due` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.organisations.models import Person
from tongxue.surveys.models import Eligible, Participation, Survey, SurveyStatus

#: At most this many surveys of each kind on the home.
LIMIT = 20


def _to_answer(person: Person, now: datetime) -> list[HomeItem]:
    """Open surveys the person is asked in and has not answered (one query)."""
    today = timezone.localdate(now)
    surveys = (
        Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__gte=today)
        .filter(Exists(Eligible.objects.filter(survey=OuterRef("pk"), person=person)))
        .exclude(
            Exists(Participation.objects.filter(survey=OuterRef("pk"), person=person))
        )
        .select_related("organisation")
        .order_by("closes_on", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="answer-survey",
            title=gettext("Answer the survey: %(title)s") % {"title": s.title},
            why=gettext(
                "%(org)s asks its students for their opinion (awareness, "
                "participation, satisfaction). Your answers are anonymous; the "
                "results are public to all students."
            )
            % {"org": s.organisation.name},
            due=s.closes_on,
            url=reverse("surveys:answer", args=[s.pk]),
            organisation_name=s.organisation.name,
        )
        for s in surveys
    ]


def _to_close(user: AbstractBaseUser, now: datetime) -> list[HomeItem]:
    """Open surveys past their last day, for those who manage the union (one query)."""
    orgs = organisations_with(user, Perm.MANAGE)
    if not orgs:
        return []
    today = timezone.localdate(now)
    surveys = (
        Survey.objects.filter(within(orgs), status=SurveyStatus.OPEN)
        .filter(closes_on__lt=today)
        .select_related("organisation")
        .order_by("closes_on", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="close-survey",
            title=gettext("Close the survey %(title)s") % {"title": s.title},
            why=gettext(
                "Its last day has passed; closing it computes the results and "
                "publishes them to all students (TRN-2)."
            ),
            due=s.closes_on,
            url=reverse("surveys:manage", args=[s.pk]),
            organisation_name=s.organisation.name,
        )
        for s in surveys
    ]


def surveys_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Surveys to answer (one query), surveys to close (managers, one query)."""
    items = _to_answer(person, now) if person is not None else []
    return items + _to_close(user, now)
