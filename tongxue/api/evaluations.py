"""Published evaluation results (CAD-3, CAD-4): public, only for closed periods."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongxue.evaluations import selectors, services
from tongxue.evaluations.models import EvaluationPeriod, PeriodStatus

router = Router(tags=["evaluations"])


class ResultOut(Schema):
    kind: str
    name: str
    title: str
    organisation: str
    published: bool
    raters: int | None
    overall: float | None
    dimensions: list[dict[str, Any]]
    groups: dict[str, int] | None
    failed: bool


class PeriodOut(Schema):
    organisation: str
    code: str
    name: str
    status: str
    facts: dict[str, Any] | None
    results: list[ResultOut]


@router.get("/periods/{period_id}", response=PeriodOut)
def period_results(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Return a period and, once it is closed, its published results (no identifiers)."""
    p = get_object_or_404(
        EvaluationPeriod.objects.select_related("organisation"), pk=period_id
    )
    closed = p.status == PeriodStatus.CLOSED
    return {
        "organisation": p.organisation.code,
        "code": p.code,
        "name": p.name,
        "status": p.status,
        "facts": services.describe(p) if closed else None,
        "results": [
            {
                "kind": r.kind,
                "name": r.name,
                "title": r.title,
                "organisation": r.organisation,
                "published": r.published,
                "raters": r.raters,
                "overall": r.overall,
                "dimensions": [
                    {k: v for k, v in d.items() if k != "label"} for d in r.dimensions
                ],
                "groups": r.groups,
                "failed": r.failed,
            }
            for r in selectors.results(p)
        ],
    }
