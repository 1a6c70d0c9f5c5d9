"""Read surveys: a union's list, the live response rate, the published results (TRN-2).

Every function runs a fixed number of queries whatever the number of students,
responses or surveys (the tests count them). Results come from the stored ``Result``
of a closed survey: never from the responses themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from tongxue.core.permissions import Perm, has_perm
from tongxue.domain import surveys as ds
from tongxue.organisations.models import Organisation, Person
from tongxue.surveys.models import (
    Eligible,
    Participation,
    Result,
    Survey,
    SurveyStatus,
)

#: Earlier evaluations shown in the trend, at most.
TREND_LIMIT = 8


def can_manage(user: AbstractBaseUser | AnonymousUser, org: Organisation) -> bool:
    return has_perm(user, Perm.MANAGE, org.path)


def can_see_results(user: AbstractBaseUser | AnonymousUser, survey: Survey) -> bool:
    """Published results are public (面向全体同学公开); before that only those who
    manage the union or see its private data (the League advisor) see them."""
    if survey.status != SurveyStatus.CLOSED:
        return False
    if survey.published_at is not None:
        return True
    return has_perm(user, Perm.VIEW_PRIVATE, survey.organisation.path)


def surveys_of(org: Organisation, *, drafts: bool) -> QuerySet[Survey]:
    """A union's surveys, newest first, with their numbers of responses (one query).

    Drafts only for those who manage the union (``drafts``)."""
    qs = Survey.objects.filter(organisation=org).annotate(
        responded=Count("participations")
    )
    if not drafts:
        qs = qs.exclude(status=SurveyStatus.DRAFT)
    return qs.order_by("-closes_on", "-pk")


@dataclass(frozen=True)
class Progress:
    eligible: int
    responded: int

    @property
    def percent(self) -> float:
        return round(100 * self.responded / self.eligible, 1) if self.eligible else 0.0


def progress(survey: Survey) -> Progress:
    """The live response rate: students who answered of those asked (one query)."""
    responded = Participation.objects.filter(survey=survey).count()
    return Progress(survey.eligible_count, responded)


@dataclass
class OpenSurvey:
    survey: Survey
    answered: bool


def open_for(person: Person) -> list[OpenSurvey]:
    """The open surveys the person is asked in, answered or not (one query)."""
    rows = (
        Survey.objects.filter(status=SurveyStatus.OPEN)
        .filter(Exists(Eligible.objects.filter(survey=OuterRef("pk"), person=person)))
        .annotate(
            answered=Exists(
                Participation.objects.filter(survey=OuterRef("pk"), person=person)
            )
        )
        .select_related("organisation")
        .order_by("closes_on", "pk")[:50]
    )
    return [OpenSurvey(s, s.answered) for s in rows]


def is_eligible(survey: Survey, person: Person | None) -> tuple[bool, bool]:
    """(asked, answered) for the person (one query)."""
    if person is None:
        return False, False
    row = (
        Eligible.objects.filter(survey=survey, person=person)
        .annotate(
            answered=Exists(
                Participation.objects.filter(survey=survey, person=OuterRef("person"))
            )
        )
        .values_list("answered", flat=True)
        .first()
    )
    return row is not None, bool(row)


# ------------------------------------------------------------------------ results


@dataclass
class Row:
    label: str
    count: int
    percent: float


@dataclass
class QuestionView:
    key: str
    text: str
    kind: str
    answered: int
    mean: float | None
    low: str = ""
    high: str = ""
    rows: list[Row] = field(default_factory=list)
    keywords: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DimensionView:
    key: str
    label: str
    mean: float | None
    answers: int
    questions: list[QuestionView]


@dataclass
class GroupView:
    name: str
    responses: int
    means: list[float | None]


@dataclass
class TrendPoint:
    title: str
    closed: Any
    means: list[float | None]
    current: bool = False


@dataclass
class ResultsView:
    survey: Survey
    shown: bool
    responses: int
    eligible: int
    min_group: int
    dimensions: list[DimensionView]
    other: list[QuestionView]
    dimension_labels: list[str]
    departments: list[GroupView]
    grades: list[GroupView]
    hidden_department: int
    hidden_grade: int
    trend: list[TrendPoint]

    @property
    def percent(self) -> float:
        return round(100 * self.responses / self.eligible, 1) if self.eligible else 0.0

    def chart_dimensions(self) -> dict[str, Any]:
        """Data for the chart of the dimensions (a bar per dimension, 1 … 5), in the
        shape ``core/static/core/charts.js`` draws."""
        return {
            "type": "bar",
            "max": ds.SCALE_POINTS,
            "categories": [str(d.label) for d in self.dimensions],
            "series": [
                {
                    "name": gettext("Mean (1–5)"),
                    "data": [d.mean for d in self.dimensions],
                }
            ],
        }

    def chart_trend(self) -> dict[str, Any]:
        """Data for the chart of the trend (a line per dimension over the surveys)."""
        return {
            "type": "line",
            "max": ds.SCALE_POINTS,
            "categories": [p.title for p in self.trend],
            "series": [
                {"name": str(label), "data": [p.means[i] for p in self.trend]}
                for i, label in enumerate(self.dimension_labels)
            ],
        }


def _question_view(q: ds.Question, data: dict[str, Any] | None) -> QuestionView:
    data = data or {"answered": 0, "mean": None, "counts": {}}
    answered = int(data.get("answered", 0))
    counts: dict[str, int] = data.get("counts", {})
    labels = {o.key: gettext(o.label) for o in q.options}
    if q.kind == ds.QuestionKind.SCALE:
        labels = {str(p): str(p) for p in range(1, ds.SCALE_POINTS + 1)}
    rows = [
        Row(
            labels.get(k, k),
            n,
            round(100 * n / answered, 1) if answered else 0.0,
        )
        for k, n in counts.items()
    ]
    return QuestionView(
        key=q.key,
        text=gettext(q.text),
        kind=q.kind.value,
        answered=answered,
        mean=data.get("mean"),
        low=gettext(q.low) if q.low else "",
        high=gettext(q.high) if q.high else "",
        rows=rows,
    )


def _keywords(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "keyword": g["keyword"] or gettext("Other answers"),
            "other": not g["keyword"],
            "count": g["count"],
            "examples": g["examples"],
        }
        for g in groups
    ]


def results(survey: Survey) -> ResultsView | None:
    """The results of a closed survey as the page shows them (three queries: the
    result, the departments' names, the trend), or None before the close."""
    result = Result.objects.filter(survey=survey).first()
    if result is None:
        return None
    data: dict[str, Any] = result.data
    questions = ds.questions_from(survey.questions)
    by_key = {q["key"]: q for q in data.get("questions", [])}
    dims_used = [d for d in ds.DIMENSIONS if d in data.get("dimensions", {})]
    if not dims_used:
        dims_used = [
            d for d in ds.DIMENSIONS if any(q.dimension == d for q in questions)
        ]
    views = {q.key: _question_view(q, by_key.get(q.key)) for q in questions}
    for key, groups in data.get("keywords", {}).items():
        if key in views:
            views[key].keywords = _keywords(groups)
    dimensions = [
        DimensionView(
            key=d,
            label=gettext(ds.DIMENSION_LABELS[d]),
            mean=data.get("dimensions", {}).get(d),
            answers=int(data.get("dimension_answers", {}).get(d, 0)),
            questions=[views[q.key] for q in questions if q.dimension == d],
        )
        for d in ds.DIMENSIONS
        if any(q.dimension == d for q in questions)
    ]
    other = [views[q.key] for q in questions if q.dimension is None]
    names = dict(
        Organisation.objects.filter(
            code__in=[g["group"] for g in data.get("by_department", [])]
        ).values_list("code", "name")
    )

    def group_views(rows: list[dict[str, Any]], name: Any) -> list[GroupView]:
        return [
            GroupView(
                name(g["group"]),
                g["responses"],
                [g["dimensions"].get(d) for d in dims_used],
            )
            for g in rows
        ]

    return ResultsView(
        survey=survey,
        shown=bool(data.get("shown")),
        responses=result.responses,
        eligible=result.eligible,
        min_group=int(data.get("min_group", 0)),
        dimensions=dimensions,
        other=other,
        dimension_labels=[gettext(ds.DIMENSION_LABELS[d]) for d in dims_used],
        departments=group_views(
            data.get("by_department", []), lambda c: names.get(c, c)
        ),
        grades=group_views(
            data.get("by_grade", []),
            lambda g: gettext("Grade %(grade)s") % {"grade": g},
        ),
        hidden_department=int(data.get("hidden_department", 0)),
        hidden_grade=int(data.get("hidden_grade", 0)),
        trend=trend(survey, dims_used),
    )


def trend(survey: Survey, dimensions: list[str]) -> list[TrendPoint]:
    """The dimensions' means of the union's published surveys of the same template,
    up to this one, oldest first (one query). Empty when there is no earlier one."""
    rows = list(
        Result.objects.filter(
            survey__organisation_id=survey.organisation_id,
            survey__template=survey.template,
            survey__status=SurveyStatus.CLOSED,
        )
        .filter(Q(survey__published_at__isnull=False) | Q(survey=survey))
        .filter(survey__closed_at__lte=survey.closed_at)
        .order_by("-survey__closed_at", "-survey_id")
        .values_list("survey_id", "survey__title", "survey__closed_at", "data")[
            :TREND_LIMIT
        ]
    )
    if len(rows) < 2:
        return []
    return [
        TrendPoint(
            title,
            closed,
            [
                (data.get("dimensions") or {}).get(d) if data.get("shown") else None
                for d in dimensions
            ],
            current=pk == survey.pk,
        )
        for pk, title, closed, data in reversed(rows)
    ]
