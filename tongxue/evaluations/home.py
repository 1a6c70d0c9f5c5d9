"""Evaluations on the user's home (我的): ratings to give, 述职 reports to file or close.

:class:`~tongxue.evaluations.apps.EvaluationsConfig` registers :func:`evaluations_due`
on :data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts imports nothing of it).
The 述职 (work report, CAD-4) and the students' rating of it live here, in the
evaluation periods (``Kind.REPORT``): the cadres app has no report of its own.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    Subject,
)
from tongxue.organisations.models import Person

#: At most this many periods of each kind on the home.
LIMIT = 20


def _count(qs: object) -> Coalesce:
    """The number of rows of a subquery filtered on the outer period."""
    counted = (
        qs.order_by()  # type: ignore[attr-defined]
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _left(person: Person, kind: str) -> Coalesce:
    """What the person still has to rate of ``kind`` in the outer period.

    As the to-do list counts it (``selectors.todo_for``): not their own post, a report
    only once it is filed, not yet rated by them.
    """
    rated = Participation.objects.filter(subject=OuterRef("pk"), rater__person=person)
    subjects = (
        Subject.objects.filter(period=OuterRef("pk"), kind=kind)
        .exclude(position__person=person)
        .filter(~Exists(rated))
    )
    if kind == Kind.REPORT:
        subjects = subjects.filter(filed_at__isnull=False)
    return _count(subjects)


def _mine(person: Person) -> list[HomeItem]:
    """The person's ratings to give and reports to file in open periods (one query)."""
    rater = Rater.objects.filter(period=OuterRef("pk"), person=person)
    reports = Subject.objects.filter(
        period=OuterRef("pk"),
        kind=Kind.REPORT,
        position__person=person,
        filed_at__isnull=True,
    )
    periods = (
        EvaluationPeriod.objects.filter(status=PeriodStatus.OPEN)
        .filter(Q(Exists(rater)) | Q(Exists(reports)))
        .select_related("organisation")
        .annotate(
            rates_cadres=Exists(rater.filter(kind=Kind.EVALUATION)),
            rates_reports=Exists(rater.filter(kind=Kind.REPORT)),
            cadres_left=_left(person, Kind.EVALUATION),
            reports_left=_left(person, Kind.REPORT),
            reports_due=_count(reports),
            report_subject=Subquery(reports.order_by("pk").values("pk")[:1]),
            report_post=Subquery(reports.order_by("pk").values("position__title")[:1]),
        )
        .order_by("end", "pk")[:LIMIT]
    )
    items = []
    mine = reverse("evaluations:mine")
    for p in periods:
        org = p.organisation.name
        if p.rates_cadres and p.cadres_left:
            n = p.cadres_left
            items.append(
                HomeItem(
                    kind="rate-cadres",
                    title=gettext("Rate the cadres of %(org)s") % {"org": org},
                    why=ngettext(
                        "You are on the rater list of %(period)s: %(n)d cadre is "
                        "left to rate. Ratings are anonymous.",
                        "You are on the rater list of %(period)s: %(n)d cadres are "
                        "left to rate. Ratings are anonymous.",
                        n,
                    )
                    % {"period": p.name, "n": n},
                    due=p.end,
                    url=mine,
                    organisation_name=org,
                )
            )
        if p.rates_reports and p.reports_left:
            n = p.reports_left
            items.append(
                HomeItem(
                    kind="rate-reports",
                    title=gettext("Rate the work reports (述职) of %(org)s")
                    % {"org": org},
                    why=ngettext(
                        "You are on the list to rate the work reports of %(period)s: "
                        "%(n)d filed report is waiting for your rating.",
                        "You are on the list to rate the work reports of %(period)s: "
                        "%(n)d filed reports are waiting for your rating.",
                        n,
                    )
                    % {"period": p.name, "n": n},
                    due=p.end,
                    url=mine,
                    organisation_name=org,
                )
            )
        if p.reports_due:
            url = (
                reverse("evaluations:report", args=[p.report_subject])
                if p.reports_due == 1
                else mine
            )
            items.append(
                HomeItem(
                    kind="file-report",
                    title=gettext("File your work report (述职)"),
                    why=gettext(
                        "You hold the post %(post)s: each presidium member reports "
                        "on their work every semester (CAD-4). Period: %(period)s."
                    )
                    % {"post": p.report_post, "period": p.name},
                    due=p.end,
                    url=url,
                    organisation_name=org,
                )
            )
    return items


def _to_close(user: AbstractBaseUser, now: datetime) -> list[HomeItem]:
    """Open periods past their last day, for those who manage the union (one query)."""
    orgs = organisations_with(user, Perm.MANAGE)
    if not orgs:
        return []
    today = timezone.localdate(now)
    periods = (
        EvaluationPeriod.objects.filter(within(orgs), status=PeriodStatus.OPEN)
        .filter(end__lt=today)
        .select_related("organisation")
        .order_by("end", "pk")[:LIMIT]
    )
    return [
        HomeItem(
            kind="close-period",
            title=gettext("Close the evaluation period %(period)s")
            % {"period": p.name},
            why=gettext(
                "Its last day has passed; closing it computes and publishes the "
                "results (CAD-3)."
            ),
            due=p.end,
            url=reverse("evaluations:manage", args=[p.pk]),
            organisation_name=p.organisation.name,
        )
        for p in periods
    ]


def evaluations_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Ratings to give and 述职 to file (one query), periods to close (managers)."""
    items = _mine(person) if person is not None else []
    return items + _to_close(user, now)
