"""Surveys (TRN-2): a survey's state, its live response rate and, once they may be seen,
its results — public when published, for the union's administrators and the League
advisor when held back. Never a response, never who answered."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongxue.surveys import selectors
from tongxue.surveys.models import Result, Survey, SurveyStatus

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    organisation: str
    code: str
    title: str
    status: str
    evaluation: bool
    closes_on: str
    eligibility: str
    seed: str
    eligible: int
    responded: int
    published: bool
    results: dict[str, Any] | None


@router.get("/{survey_id}", response=SurveyOut)
def survey(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    """Return a survey (not a draft) with its response rate and, when they may be
    seen, its stored results (per question, dimension, department code and grade)."""
    s = get_object_or_404(Survey.objects.select_related("organisation"), pk=survey_id)
    if s.status == SurveyStatus.DRAFT and not selectors.can_manage(
        request.user, s.organisation
    ):
        raise Http404(survey_id)
    results = None
    if selectors.can_see_results(request.user, s):
        results = Result.objects.filter(survey=s).values_list("data", flat=True).first()
    return {
        "organisation": s.organisation.code,
        "code": s.code,
        "title": s.title,
        "status": s.status,
        "evaluation": s.evaluation,
        "closes_on": s.closes_on.isoformat(),
        "eligibility": s.eligibility,
        "seed": s.seed,
        "eligible": s.eligible_count,
        "responded": selectors.progress(s).responded,
        "published": s.published_at is not None,
        "results": results,
    }
