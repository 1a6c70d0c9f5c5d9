"""Participation in the school's decisions (RGT-4) and the union's written requests."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.advocacy import selectors, services
from tongxue.advocacy.forms import (
    AnswerForm,
    CommitteeForm,
    ParticipationForm,
    RequestForm,
)
from tongxue.advocacy.models import Committee, RequestOutcome, WrittenRequest
from tongxue.advocacy.views.shared import findings, holds, login_or_403, union_or_404
from tongxue.core.errors import Refusal
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations.models import Organisation

COMMITTEE_FIELDS = ("kind", "name", "seat", "since", "until")
PARTICIPATION_FIELDS = (
    "committee",
    "held",
    "matter",
    "attended_by",
    "position",
    "outcome",
    "outcome_text",
    "public",
)


def _committees(union: Organisation) -> Any:
    return Committee.objects.filter(union=union).order_by("kind", "name")


def _page(
    request: HttpRequest,
    union: Organisation,
    *,
    status: int = 200,
    committee_form: CommitteeForm | None = None,
    participation_form: ParticipationForm | None = None,
) -> HttpResponse:
    perms = perms_at(request.user, union.path)
    organiser = holds(perms, services.ORGANISERS)
    reader = holds(perms, services.READERS)
    context: dict[str, Any] = {
        "union": union,
        "committees": selectors.committees(union),
        "page": paginate(
            request, selectors.participations(union, everything=reader), 20
        ),
        "page_url": page_url(),
        "organiser": organiser,
        "reader": reader,
        "findings": findings(union, "RGT-4") if reader else None,
    }
    if organiser:
        today = timezone.localdate()
        context["committee_form"] = committee_form or CommitteeForm(
            prefix="committee", initial={"since": today}
        )
        context["participation_form"] = participation_form or ParticipationForm(
            prefix="participation",
            committees=_committees(union),
            initial={"held": today, "public": True},
        )
    return render(request, "advocacy/participation.html", context, status=status)


def participation(request: HttpRequest, code: str) -> HttpResponse:
    """The committees the union sits on and the meetings it attended (public)."""
    return _page(request, union_or_404(code))


def _organiser_or_403(request: HttpRequest, union: Organisation) -> HttpResponse | None:
    if holds(perms_at(request.user, union.path), services.ORGANISERS):
        return None
    return login_or_403(request)


@require_POST
def committee_add(request: HttpRequest, code: str) -> HttpResponse:
    union = union_or_404(code)
    if (denied := _organiser_or_403(request, union)) is not None:
        return denied
    form = CommitteeForm(request.POST, prefix="committee")
    if form.is_valid():
        try:
            services.save_committee(
                actor=request.user,
                union=union,
                **{f: form.cleaned_data[f] for f in COMMITTEE_FIELDS},
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The committee was saved."))
            return redirect("advocacy:participation", code=union.code)
    return _page(request, union, status=400, committee_form=form)


@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = union_or_404(code)
    if (denied := _organiser_or_403(request, union)) is not None:
        return denied
    committee = Committee.objects.filter(union=union, pk=pk).first()
    if committee is None:
        raise Http404(str(pk))
    status = 200
    if request.method == "POST":
        form = CommitteeForm(request.POST, prefix="committee")
        if form.is_valid():
            try:
                services.save_committee(
                    actor=request.user,
                    union=union,
                    committee=committee,
                    **{f: form.cleaned_data[f] for f in COMMITTEE_FIELDS},
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The committee was saved."))
                return redirect("advocacy:participation", code=union.code)
        status = 400
    else:
        form = CommitteeForm(
            prefix="committee",
            initial={f: getattr(committee, f) for f in COMMITTEE_FIELDS},
        )
    return render(
        request,
        "advocacy/committee_edit.html",
        {"union": union, "committee": committee, "form": form},
        status=status,
    )


@require_POST
def participation_add(request: HttpRequest, code: str) -> HttpResponse:
    union = union_or_404(code)
    if (denied := _organiser_or_403(request, union)) is not None:
        return denied
    form = ParticipationForm(
        request.POST, prefix="participation", committees=_committees(union)
    )
    if form.is_valid():
        try:
            services.record_participation(
                actor=request.user,
                **{f: form.cleaned_data[f] for f in PARTICIPATION_FIELDS},
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The participation was recorded."))
            return redirect("advocacy:participation", code=union.code)
    return _page(request, union, status=400, participation_form=form)


@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest, code: str) -> HttpResponse:
    """The union's written requests to the school (its readers); organisers add them."""
    union = union_or_404(code)
    perms = perms_at(request.user, union.path)
    if not holds(perms, services.READERS):
        return login_or_403(request)
    organiser = holds(perms, services.ORGANISERS)
    form = None
    status = 200
    if request.method == "POST":
        if not organiser:
            return login_or_403(request)
        form = RequestForm(request.POST, prefix="request")
        if form.is_valid():
            try:
                services.record_request(
                    actor=request.user, union=union, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The request was recorded."))
                return redirect("advocacy:requests", code=union.code)
        status = 400
    elif organiser:
        form = RequestForm(prefix="request", initial={"sent_on": timezone.localdate()})
    page = paginate(request, selectors.written_requests(union), 20)
    if organiser:
        for written in page.object_list:
            if written.outcome == RequestOutcome.PENDING:
                written.answer_form = AnswerForm(
                    prefix=f"answer-{written.pk}",
                    initial={"answered_on": timezone.localdate()},
                )
    context = {
        "union": union,
        "page": page,
        "page_url": page_url(),
        "organiser": organiser,
        "form": form,
    }
    return render(request, "advocacy/requests.html", context, status=status)


@require_POST
def request_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = union_or_404(code)
    if (denied := _organiser_or_403(request, union)) is not None:
        return denied
    written = WrittenRequest.objects.filter(union=union, pk=pk).first()
    if written is None:
        raise Http404(str(pk))
    form = AnswerForm(request.POST, prefix=f"answer-{written.pk}")
    if form.is_valid():
        try:
            services.answer_request(
                actor=request.user, request=written, **form.cleaned_data
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect("advocacy:requests", code=union.code)
    messages.error(
        request,
        " ".join(str(e) for errors in form.errors.values() for e in errors),
    )
    return redirect("advocacy:requests", code=union.code)
