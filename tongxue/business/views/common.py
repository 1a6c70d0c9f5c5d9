"""What the business pages share: the meeting looked up, its page, forms handled."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation


def _meeting_or_404(code: str, meeting_code: str) -> Meeting:
    org = get_or_404(code)
    meeting = Meeting.objects.filter(code=meeting_code, organisation=org).first()
    if meeting is None:
        raise Http404(meeting_code)
    meeting.organisation = org
    return meeting


def _business_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("business:meeting", args=[meeting.organisation.code, meeting.code])
    return f"{url}#{anchor}" if anchor else url


def _require_manage(request: HttpRequest, org: Organisation) -> None:
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied


def _business_context(
    request: HttpRequest, meeting: Meeting, **forms_: Any
) -> dict[str, Any]:
    org = meeting.organisation
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    business = selectors.meeting_business(
        meeting, opinions_page=request.GET.get("page", 1)
    )
    is_standing = meeting.kind == MeetingKind.STANDING_CONFERENCE
    requirements = ("CON-9", "CON-13") if is_standing else ("CON-7", "CON-13")
    findings = selectors.union_findings(org, *requirements, as_of=timezone.localdate())
    context: dict[str, Any] = {
        "org": org,
        "meeting": meeting,
        "b": business,
        "can_manage": can_manage,
        "is_standing": is_standing,
        "requirements": ", ".join(requirements),
        "can_have_motions": meeting.kind != MeetingKind.STANDING_CONFERENCE,
        "opinions_open": meeting.kind != MeetingKind.STANDING_CONFERENCE
        and timezone.localdate() <= meeting.opened,
        "findings": [
            f for f in findings if f.evidence.get("congress") in (None, meeting.code)
        ],
        "voters": services.entitled_voters(meeting) if can_manage else None,
    }
    if can_manage:
        context |= {
            "agenda_form": bf.AgendaItemForm(prefix="agenda"),
            "report_form": bf.WorkReportForm(prefix="report"),
            "review_form": bf.VoteForm(prefix="review"),
            "motion_form": bf.CharterMotionForm(
                prefix="motion",
                initial={
                    "kind": "amendment" if business.charter else "adoption",
                    "text": _current_text(org) if business.charter else "",
                },
            ),
            "group_form": bf.OpinionGroupForm(prefix="group"),
        }
    if request.user.is_authenticated:
        context["opinion_form"] = bf.OpinionForm(prefix="opinion")
    context |= forms_
    return context


def _current_text(org: Organisation) -> str:
    current = services.current_charter(org)
    return current.text if current else ""


def _render_business(
    request: HttpRequest, meeting: Meeting, status: int = 200, **forms_: Any
) -> HttpResponse:
    context = _business_context(request, meeting, **forms_)
    return render(request, "business/meeting.html", context, status=status)


def _done(
    request: HttpRequest, meeting: Meeting, text: str, anchor: str
) -> HttpResponse:
    messages.success(request, text)
    return redirect(_business_url(meeting, anchor))


def _handle(
    request: HttpRequest,
    meeting: Meeting,
    form: forms.Form,
    form_name: str,
    call: Any,
    notice: str,
    anchor: str,
) -> HttpResponse:
    """Validate ``form``, call the service, redirect; else re-render with errors."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            return _done(request, meeting, notice, anchor)
    return _render_business(request, meeting, status=400, **{form_name: form})


def _confirm(
    request: HttpRequest,
    org: Organisation,
    form: bf.ConfirmForm,
    *,
    question: str,
    back: str,
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "business/confirm.html",
        {"org": org, "form": form, "question": question, "back": back},
        status=status,
    )
