"""A meeting's business page: agenda, work report, charter motions (CON-7, CON-13)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.business.models import AgendaItem, CharterMotion, MotionStatus, WorkReport
from tongxue.business.views.common import (
    _business_url,
    _confirm,
    _done,
    _handle,
    _meeting_or_404,
    _render_business,
    _require_manage,
)
from tongxue.congresses.models import Meeting
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal


@require_http_methods(["GET"])
def meeting(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Show a meeting's business: agenda, work report, charter motions, opinions."""
    return _render_business(request, _meeting_or_404(code, meeting_code))


@require_POST
def add_agenda_item(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.AgendaItemForm(request.POST, prefix="agenda")
    return _handle(
        request,
        meeting,
        form,
        "agenda_form",
        lambda d: services.add_agenda_item(
            actor=request.user,
            meeting=meeting,
            kind=d["kind"],
            title=d["title"],
            notes=d["notes"],
        ),
        _("The item was added to the agenda."),
        "agenda",
    )


@require_http_methods(["GET", "POST"])
def remove_agenda_item(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    """Ask to confirm, then remove an agenda item."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).first()
    if item is None:
        raise Http404(pk)
    form = bf.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item.meeting = meeting
        services.remove_agenda_item(actor=request.user, item=item)
        return _done(request, meeting, _("The item was removed."), "agenda")
    return _confirm(
        request,
        meeting.organisation,
        form,
        question=_("Remove “%(title)s” from the agenda?") % {"title": item.title},
        back=_business_url(meeting, "agenda"),
    )


@require_POST
def submit_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.WorkReportForm(request.POST, request.FILES, prefix="report")

    def call(d: dict[str, Any]) -> None:
        upload = d.get("attachment")
        content = upload.read(services.MAX_ATTACHMENT_BYTES + 1) if upload else None
        services.submit_work_report(
            actor=request.user,
            meeting=meeting,
            title=d["title"],
            text=d["text"],
            attachment=content,
            attachment_name=upload.name if upload else "",
            attachment_type=(upload.content_type or "") if upload else "",
        )

    return _handle(
        request,
        meeting,
        form,
        "report_form",
        call,
        _("The work report was submitted."),
        "report",
    )


def _report_or_404(meeting: Meeting) -> WorkReport:
    report = WorkReport.objects.filter(meeting=meeting).defer("attachment").first()
    if report is None:
        raise Http404("report")
    report.meeting = meeting
    return report


@require_POST
def review_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    report = _report_or_404(meeting)
    form = bf.VoteForm(request.POST, prefix="review")
    return _handle(
        request,
        meeting,
        form,
        "review_form",
        lambda d: services.review_work_report(
            actor=request.user,
            report=report,
            yes=d["yes"],
            no=d["no"],
            abstain=d["abstain"],
            method=d["method"],
            voted_on=d["voted_on"],
        ),
        _("The review of the work report was recorded."),
        "report",
    )


@require_http_methods(["GET", "POST"])
def withdraw_report(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Ask to confirm, then withdraw a work report not yet reviewed."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    report = _report_or_404(meeting)
    form = bf.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_work_report(actor=request.user, report=report)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            return _done(
                request, meeting, _("The work report was withdrawn."), "report"
            )
    return _confirm(
        request,
        meeting.organisation,
        form,
        question=_("Withdraw the work report “%(title)s”?") % {"title": report.title},
        back=_business_url(meeting, "report"),
    )


def report_attachment(
    request: HttpRequest, code: str, meeting_code: str
) -> HttpResponse:
    """Download the work report's attachment (public, like the report)."""
    meeting = _meeting_or_404(code, meeting_code)
    report = WorkReport.objects.filter(meeting=meeting).first()
    if report is None or report.attachment is None:
        raise Http404("attachment")
    response = HttpResponse(
        bytes(report.attachment), content_type="application/octet-stream"
    )
    name = report.attachment_name or "attachment"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@require_POST
def propose_motion(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.CharterMotionForm(request.POST, prefix="motion")
    if form.is_valid():
        d = form.cleaned_data
        try:
            motion = services.propose_charter_motion(
                actor=request.user,
                meeting=meeting,
                kind=d["kind"],
                title=d["title"],
                text=d["text"],
                explanation=d["explanation"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The motion was proposed."))
            return redirect(
                "business:motion", code=code, meeting_code=meeting_code, pk=motion.pk
            )
    return _render_business(request, meeting, status=400, motion_form=form)


@require_http_methods(["GET", "POST"])
def motion(request: HttpRequest, code: str, meeting_code: str, pk: int) -> HttpResponse:
    """Show a charter motion with its full diff; managers record the vote."""
    meeting = _meeting_or_404(code, meeting_code)
    org = meeting.organisation
    m = (
        CharterMotion.objects.filter(meeting=meeting, pk=pk)
        .select_related("base_version")
        .first()
    )
    if m is None:
        raise Http404(pk)
    m.meeting = meeting
    m.union = org
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = bf.VoteForm(request.POST, prefix="vote")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_motion_vote(
                    actor=request.user,
                    motion=m,
                    yes=d["yes"],
                    no=d["no"],
                    abstain=d["abstain"],
                    method=d["method"],
                    voted_on=d["voted_on"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The vote was recorded."))
                return redirect(
                    "business:motion", code=code, meeting_code=meeting_code, pk=pk
                )
        status = 400
    elif can_manage and m.status == MotionStatus.PROPOSED:
        form = bf.VoteForm(prefix="vote")
    context = {
        "org": org,
        "meeting": meeting,
        "view": selectors.motion_view(m),
        "can_manage": can_manage,
        "form": form if m.status == MotionStatus.PROPOSED or status == 400 else None,
        "voters": services.entitled_voters(meeting) if can_manage else None,
    }
    return render(request, "business/motion.html", context, status=status)
