"""Students' opinions on a meeting's page: submitted, hidden, grouped, carried (CON-7)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.business import forms as bf
from tongxue.business import services
from tongxue.business.models import OpinionGroup, StudentOpinion
from tongxue.business.views.common import (
    _business_url,
    _done,
    _handle,
    _meeting_or_404,
    _require_manage,
)


@require_POST
def submit_opinion(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = bf.OpinionForm(request.POST, prefix="opinion")
    return _handle(
        request,
        meeting,
        form,
        "opinion_form",
        lambda d: services.submit_opinion(
            actor=request.user, meeting=meeting, text=d["text"]
        ),
        _("Thank you: your opinion was submitted."),
        "opinions",
    )


@require_http_methods(["GET", "POST"])
def hide_opinion(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    """Ask to confirm with a reason, then hide an opinion from the public list."""
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    opinion = StudentOpinion.objects.filter(
        meeting=meeting, pk=pk, hidden_reason=""
    ).first()
    if opinion is None:
        raise Http404(pk)
    opinion.meeting = meeting
    form = bf.HideOpinionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hide_opinion(
            actor=request.user, opinion=opinion, reason=form.cleaned_data["reason"]
        )
        return _done(request, meeting, _("The opinion was hidden."), "opinions")
    return render(
        request,
        "business/confirm.html",
        {
            "org": meeting.organisation,
            "form": form,
            "question": _("Hide this opinion from the public list?"),
            "quote": opinion.text,
            "back": _business_url(meeting, "opinions"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def create_group(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    form = bf.OpinionGroupForm(request.POST, prefix="group")
    return _handle(
        request,
        meeting,
        form,
        "group_form",
        lambda d: services.create_opinion_group(
            actor=request.user, meeting=meeting, title=d["title"]
        ),
        _("The group was created."),
        "opinions",
    )


@require_POST
def group_opinion(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    opinion = StudentOpinion.objects.filter(meeting=meeting, pk=pk).first()
    if opinion is None:
        raise Http404(pk)
    opinion.meeting = meeting
    groups = list(OpinionGroup.objects.filter(meeting=meeting))
    form = bf.GroupOpinionForm(request.POST, groups=groups)
    if form.is_valid():
        chosen = form.cleaned_data["group"]
        group = next((g for g in groups if g.pk == chosen), None)
        services.group_opinion(actor=request.user, opinion=opinion, group=group)
        return _done(request, meeting, _("The opinion was grouped."), "opinions")
    return _done(request, meeting, _("Choose a group."), "opinions")


@require_POST
def carry_group(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    _require_manage(request, meeting.organisation)
    group = OpinionGroup.objects.filter(meeting=meeting, pk=pk).first()
    if group is None:
        raise Http404(pk)
    group.meeting = meeting
    form = bf.CarryForm(request.POST, prefix=f"carry{pk}")
    if form.is_valid():
        services.carry_opinion_group(
            actor=request.user, group=group, proposal=form.cleaned_data["proposal"]
        )
        return _done(
            request, meeting, _("The group was marked as carried."), "opinions"
        )
    return _done(request, meeting, _("Write the proposal to the school."), "opinions")
