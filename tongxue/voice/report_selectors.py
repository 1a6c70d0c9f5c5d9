"""Read a union's reports to the school (RGT-1 · GS-10, CQ-5) in bounded queries.

Who may read them is :func:`tongxue.voice.report_services.may_report`'s; these read
what the pages show once it said yes.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from tongxue.jobs.models import Job
from tongxue.organisations.models import Organisation
from tongxue.voice.models import ReportItem, SchoolReport

__all__ = ["generating", "report_items", "union_report", "union_reports"]


def union_reports(union: Organisation) -> QuerySet[SchoolReport]:
    """The union's reports, newest period first, with how many of their items are
    followed and how many still open (one query; the content is not read)."""
    return (
        SchoolReport.objects.filter(union=union)
        .defer("content")
        .select_related("submitted_by", "generated_by")
        .annotate(
            n_items=Count("items"),
            n_open=Count("items", filter=Q(items__closed_at__isnull=True)),
        )
        .order_by("-period_start", "kind", "-pk")
    )


def union_report(union: Organisation, pk: int) -> SchoolReport | None:
    """The union's report ``pk`` with its content (one query), or None."""
    return (
        SchoolReport.objects.filter(union=union, pk=pk)
        .select_related("union", "submitted_by", "generated_by")
        .first()
    )


def report_items(report: SchoolReport) -> QuerySet[ReportItem]:
    """A submitted report's items with their concern as it stands now, those still
    followed first (one query; the masked title only)."""
    return (
        ReportItem.objects.filter(report=report)
        .select_related("concern", "concern__handler", "concern__category")
        .only(
            "reason",
            "closed_at",
            "concern__number",
            "concern__raised_at",
            "concern__public_title",
            "concern__status",
            "concern__rating",
            "concern__union_id",
            "concern__handler__name",
            "concern__handler__name_en",
            "concern__handler__code",
            "concern__category__name",
            "concern__category__name_en",
        )
        .order_by(F("closed_at").asc(nulls_first=True), "concern__raised_at", "pk")
    )


def generating(union: Organisation) -> list[Job]:
    """The union's reports being generated now (one query)."""
    from tongxue.voice.report_services import GENERATE

    return list(
        Job.objects.filter(
            kind=GENERATE, organisation=union.code, status__in=("queued", "running")
        ).order_by("-created_at")[:10]
    )
