"""What the audit reads of the students' evaluations of the unions (TRN-2): dates.

One query whatever the size of the subtree: the evaluation surveys (template
``union-evaluation``) of its unions, with when each opened, closed and was published,
in the site's time zone. Never a question, an answer or a student.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``SurveysConfig.ready()``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from tongxue.domain.model.surveys import UnionEvaluation
from tongxue.organisations.mappers import Part, Scope
from tongxue.surveys.models import Survey


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def registry_part(scope: Scope) -> Part:
    """The union evaluations of the subtree (one query)."""
    return Part(fields={"union_evaluations": union_evaluations(scope)})


def union_evaluations(scope: Scope) -> tuple[UnionEvaluation, ...]:
    return tuple(
        UnionEvaluation(
            union=code,
            code=survey,
            opened=_day(opened),
            closed=_day(closed),
            published=_day(published),
        )
        for code, survey, opened, closed, published in scope.rows(
            lambda s: (
                Survey.objects.filter(s.under("organisation__"), evaluation=True)
                .order_by("organisation__code", "code")
                .values_list(
                    "organisation__code",
                    "code",
                    "opened_at",
                    "closed_at",
                    "published_at",
                )
            )
        )
    )
