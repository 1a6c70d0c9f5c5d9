"""The union's reports to the school (形成报告提交学校党政部门, RGT-1 · GS-10, CQ-5).

``/voice/<union>/reports/``: the reports and the form that generates one (a job: its
page follows the progress, then links to the report); ``…/reports/<id>/``: a report
as the school reads it, its PDF and Excel file, and the step that records its
submission, after a confirmation; once submitted, what became of each concern it
listed. For the union's administrators and rights officers only
(:func:`tongxue.voice.report_services.may_report`); anyone else gets 403, a visitor
is asked to sign in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from tongxue.core import exports
from tongxue.core.errors import Refusal
from tongxue.core.view_helpers import add_refusal, paginate
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation
from tongxue.voice import forms as f
from tongxue.voice import report_files, report_selectors, report_services, reports
from tongxue.voice.models import ReportStatus, SchoolReport
from tongxue.voice.views.shared import login_or_403, no_store

#: Reports per page of the list.
REPORTS_PAGE = 25


def _union(request: HttpRequest, union_code: str) -> Organisation | HttpResponse:
    union = get_or_404(union_code)
    if not report_services.may_report(request.user, union):
        return login_or_403(request)
    return union


def _report(union: Organisation, pk: int) -> SchoolReport:
    report = report_selectors.union_report(union, pk)
    if report is None:
        raise Http404("report")
    return report


@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest, union_code: str) -> HttpResponse:
    """The union's reports, and generating one for a recent month or term."""
    union = _union(request, union_code)
    if isinstance(union, HttpResponse):
        return union
    today = timezone.localdate()
    periods = reports.recent_periods(today)
    form = f.ReportGenerateForm(request.POST or None, periods=periods)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind, start = form.cleaned_data["period"]
            try:
                job = report_services.start_generation(
                    actor=request.user,
                    union=union,
                    kind=kind,
                    day=start,
                    today=today,
                    site=_site(request),
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("jobs:detail", job.pk)
        status = 400
    page = paginate(request, report_selectors.union_reports(union), REPORTS_PAGE)
    return no_store(
        render(
            request,
            "voice/reports.html",
            {
                "union": union,
                "form": form,
                "page": page,
                "generating": report_selectors.generating(union),
            },
            status=status,
        )
    )


def _site(request: HttpRequest) -> str:
    """The site's address as the PDF made by a job prints it."""
    return exports.page_address(request, "/").removesuffix("/")


def _page_url(request: HttpRequest, report: SchoolReport) -> str:
    return exports.page_address(
        request, reverse("voice:report", args=[report.union.code, report.pk])
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sections(doc: report_files.ReportDocument) -> list[dict[str, Any]]:
    out = []
    for anchor, table in zip(doc.ids, doc.tables, strict=True):
        out.append(
            {
                "id": anchor,
                "title": table.title,
                "columns": table.columns,
                "rows": [[_cell(v) for v in row] for row in table.rows],
                "notes": table.notes,
                "empty": table.empty,
            }
        )
    return out


@require_GET
def report_page(request: HttpRequest, union_code: str, pk: int) -> HttpResponse:
    """A report as the school reads it; once submitted, its items followed."""
    union = _union(request, union_code)
    if isinstance(union, HttpResponse):
        return union
    report = _report(union, pk)
    doc = report_files.document(report)
    submitted = report.status == ReportStatus.SUBMITTED
    return no_store(
        render(
            request,
            "voice/report.html",
            {
                "union": union,
                "report": report,
                "doc": doc,
                "sections": _sections(doc),
                "submitted": submitted,
                "items": list(report_selectors.report_items(report))
                if submitted
                else [],
            },
        )
    )


@require_GET
def report_file(
    request: HttpRequest, union_code: str, pk: int, fmt: str
) -> HttpResponse:
    """The report as PDF or Excel, in the reader's language. The PDF is the stored
    one (made by the report's job), made now and stored when there is none yet in
    this language or the report changed since."""
    union = _union(request, union_code)
    if isinstance(union, HttpResponse):
        return union
    report = _report(union, pk)
    if fmt == exports.PDF:
        try:
            pdf = report_services.report_pdf(report, url=_page_url(request, report))
        except report_files.PdfUnavailable:
            # as the exports say it (tongxue.core.exports.pdf_response)
            return HttpResponse(
                gettext(
                    "The PDF cannot be made on this server: WeasyPrint or its system "
                    "libraries are missing. The same table is on the page and in the "
                    "Excel file."
                ),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        out = HttpResponse(pdf, content_type="application/pdf")
        out["Content-Disposition"] = content_disposition_header(
            False, f"{report_files.filename(report)}.{exports.PDF}"
        )
        return no_store(out)
    export = report_files.export(
        report, _page_url(request, report), full=fmt == exports.XLSX
    )
    return no_store(exports.response(export, fmt))


def report_pdf(request: HttpRequest, union_code: str, pk: int) -> HttpResponse:
    return report_file(request, union_code, pk, exports.PDF)


def report_xlsx(request: HttpRequest, union_code: str, pk: int) -> HttpResponse:
    return report_file(request, union_code, pk, exports.XLSX)


@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest, union_code: str, pk: int) -> HttpResponse:
    """Record that the draft was submitted to the school, after a confirmation."""
    union = _union(request, union_code)
    if isinstance(union, HttpResponse):
        return union
    report = _report(union, pk)
    if report.status != ReportStatus.DRAFT:
        messages.info(request, gettext("This report was already submitted."))
        return redirect("voice:report", union.code, report.pk)
    form = f.ReportSubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_services.submit(
                    actor=request.user,
                    report=report,
                    submitted_to=form.cleaned_data["submitted_to"],
                    site=_site(request),
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    gettext(
                        "The submission is recorded; the concerns the report lists "
                        "are followed until each is concluded."
                    ),
                )
                return redirect("voice:report", union.code, report.pk)
        status = 400
    doc = report_files.document(report)
    return no_store(
        render(
            request,
            "voice/report_submit.html",
            {
                "union": union,
                "report": report,
                "doc": doc,
                "form": form,
                "n_items": len(report.content.get("items", ())),
                "recipients": [str(r) for r in f.REPORT_RECIPIENTS],
            },
            status=status,
        )
    )
