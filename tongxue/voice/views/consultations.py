"""网上学联 (RGT-5 · GS-5): a federation's consultations of students, mounted at
/voice/federation/<code>/consultations/.

* ``voice:consultations`` — the federation's consultations (public);
* ``voice:consultation`` — one consultation (public): the question, the days it is
  open, the public ideas (masked, never who sent them, the most agreed first), the
  federation's response with its date and whether it came in time; the idea form for
  a signed-in student of the federation's schools while it is open, and 同意 on each
  public idea; every idea for the federation's handlers;
* ``voice:consultation_idea`` / ``voice:consultation_agree`` — the student's POSTs;
* ``voice:consultation_new`` / ``_edit`` / ``_respond`` — the federation's managers
  (``Perm.MANAGE`` at the federation).

Views parse with :mod:`tongxue.voice.consultation_forms`, call
:mod:`tongxue.voice.services.consultations` (or the concern services for 同意) and
:mod:`tongxue.voice.consultation_selectors`; a ``Refusal`` goes on the form (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation
from tongxue.voice import access, services
from tongxue.voice import consultation_selectors as cs
from tongxue.voice.consultation_forms import (
    IDEA_VISIBILITY_HELP,
    AgreeForm,
    ConsultationForm,
    IdeaForm,
    ResponseForm,
)
from tongxue.voice.models import Concern, Consultation, Visibility
from tongxue.voice.services import consultations as cservices
from tongxue.voice.services.shared import calendar
from tongxue.voice.views.shared import no_store, refusal_text, signed_in

#: Consultations and ideas listed per page.
PAGE_SIZE = 20


def _federation_or_404(code: str) -> Organisation:
    federation = get_or_404(code)
    if federation.kind not in cservices.FEDERATION_KINDS:
        raise Http404(code)
    return federation


def _consultation_or_404(code: str, number: int) -> Consultation:
    federation = _federation_or_404(code)
    consultation = cs.consultation_by_number(federation, number)
    if consultation is None:
        raise Http404(f"{code}/{number}")
    return consultation


def _manages(request: HttpRequest, federation: Organisation) -> bool:
    return signed_in(request) and has_perm(request.user, Perm.MANAGE, federation.path)


def _require_manage(
    request: HttpRequest, federation: Organisation
) -> HttpResponse | None:
    if not signed_in(request):
        return redirect_to_login(request.get_full_path())
    if not has_perm(request.user, Perm.MANAGE, federation.path):
        raise PermissionDenied
    return None


def _timeliness(consultation: Consultation, today: Any) -> cs.Timeliness:
    hol, extra = calendar()
    return cs.timeliness(
        consultation, today=today, holidays=hol, extra_working_days=extra
    )


@require_GET
def consultations(request: HttpRequest, code: str) -> HttpResponse:
    """The federation's consultations, the newest first (three queries and the
    user's permission)."""
    federation = _federation_or_404(code)
    today = timezone.localdate()
    page = paginate(request, cs.consultations_of(federation), PAGE_SIZE)
    rows = [(c, _timeliness(c, today)) for c in page]
    return render(
        request,
        "voice/consultations.html",
        {
            "federation": federation,
            "page": page,
            "rows": rows,
            "page_url": page_url(),
            "manages": _manages(request, federation),
        },
    )


def _page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    form: IdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The consultation's page (bounded: the consultation, the user's roles, the
    counts, a page of ideas, the user's 同意 and own ideas, the student's union)."""
    federation = consultation.federation
    today = timezone.localdate()
    user = request.user
    v = access.viewer(user)  # the user's roles, read once for the page
    handles = cs.handles_at(v, federation)
    everything = handles and request.GET.get("show") == "all"
    listed = cs.ideas(consultation, handler=v if everything else None)
    page = paginate(request, listed, PAGE_SIZE)
    shown = list(page)
    union = cservices.may_submit(user, consultation, today=today)
    if union is not None and form is None:
        form = IdeaForm()
    return render(
        request,
        "voice/consultation.html",
        {
            "federation": federation,
            "consultation": consultation,
            "timeliness": _timeliness(consultation, today),
            "counts": cs.idea_counts(consultation),
            "page": page,
            "ideas": shown,
            "everything": everything,
            "handles": handles,
            "agreed": cs.supported_ids(user, shown),
            "mine": cs.my_ideas(user, consultation),
            "union": union,
            "form": form,
            "visibility_options": [
                (radio, IDEA_VISIBILITY_HELP.get(radio.data["value"], ""))
                for radio in form["visibility"]
            ]
            if form is not None
            else [],
            "anonymous": Visibility.ANONYMOUS.value,
            "manages": _manages(request, federation),
            "page_url": page_url(show="all" if everything else ""),
            "signed_in": signed_in(request),
        },
        status=status,
    )


@require_GET
def consultation(request: HttpRequest, code: str, number: int) -> HttpResponse:
    return _page(request, _consultation_or_404(code, number))


@require_POST
def consultation_idea(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A student sends an idea (RGT-5): back to the page, or the follow-up code once
    for an anonymous one."""
    consultation = _consultation_or_404(code, number)
    if not signed_in(request):
        return redirect_to_login(reverse("voice:consultation", args=[code, number]))
    form = IdeaForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            raised = cservices.submit_idea(
                actor=request.user,
                consultation=consultation,
                title=data["title"],
                body=data["body"],
                visibility=data["visibility"],
                photos=tuple(data["photos"]),
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            if raised.tracking_code:
                # Shown once, in this answer only (stored nowhere but as its hash).
                return no_store(
                    render(
                        request,
                        "voice/consultation_idea_sent.html",
                        {
                            "concern": raised.concern,
                            "code": raised.tracking_code,
                            "consultation": consultation,
                        },
                    )
                )
            messages.success(
                request,
                gettext("Your idea %(reference)s was sent to %(federation)s.")
                % {
                    "reference": raised.concern.reference,
                    "federation": consultation.federation.name,
                },
            )
            return redirect(
                reverse("voice:consultation", args=[code, number]) + "#my-ideas"
            )
    return _page(request, consultation, form=form, status=400)


@require_POST
def consultation_agree(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """同意 (the concerns' 我也遇到) with a public idea, or take it back."""
    consultation = _consultation_or_404(code, number)
    if not signed_in(request):
        return redirect_to_login(reverse("voice:consultation", args=[code, number]))
    form = AgreeForm(request.POST)
    idea: Concern | None = None
    if form.is_valid():
        idea = (
            Concern.objects.filter(
                pk=form.cleaned_data["idea"], consultation=consultation
            )
            .select_related("union", "category", "handler")
            .first()
        )
    if idea is None or not access.can_view(request.user, idea):
        raise Http404("idea")
    try:
        if form.cleaned_data["withdraw"]:
            services.withdraw_support(actor=request.user, concern=idea)
            messages.success(request, gettext("You took back your agreement."))
        elif services.support(actor=request.user, concern=idea):
            messages.success(request, gettext("You agree with this idea."))
        else:
            messages.info(request, gettext("You had already agreed with this idea."))
    except Refusal as refusal:
        messages.error(request, refusal_text(refusal))
    return redirect(
        reverse("voice:consultation", args=[code, number]) + f"#idea-{idea.pk}"
    )


@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest, code: str) -> HttpResponse:
    """Open a consultation (the federation's managers)."""
    federation = _federation_or_404(code)
    if (denied := _require_manage(request, federation)) is not None:
        return denied
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = cservices.save_consultation(
                actor=request.user, federation=federation, **form.cleaned_data
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, gettext("The consultation is saved."))
            return redirect("voice:consultation", federation.code, created.number)
    return render(
        request,
        "voice/consultation_form.html",
        {"federation": federation, "form": form, "consultation": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Change a consultation: everything before it opens, its closing day while open."""
    consultation = _consultation_or_404(code, number)
    federation = consultation.federation
    if (denied := _require_manage(request, federation)) is not None:
        return denied
    initial = {
        "title": consultation.title,
        "question": consultation.question,
        "opens": consultation.opens,
        "closes": consultation.closes,
    }
    form = ConsultationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cservices.save_consultation(
                actor=request.user,
                federation=federation,
                consultation=consultation,
                **form.cleaned_data,
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, gettext("The consultation is saved."))
            return redirect("voice:consultation", federation.code, consultation.number)
    today = timezone.localdate()
    return render(
        request,
        "voice/consultation_form.html",
        {
            "federation": federation,
            "form": form,
            "consultation": consultation,
            "started": consultation.opens <= today,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def consultation_respond(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Publish (or correct) the federation's public response, once it has closed."""
    consultation = _consultation_or_404(code, number)
    federation = consultation.federation
    if (denied := _require_manage(request, federation)) is not None:
        return denied
    form = ResponseForm(request.POST or None, initial={"text": consultation.response})
    if request.method == "POST" and form.is_valid():
        try:
            answered = cservices.respond(
                actor=request.user,
                consultation=consultation,
                text=form.cleaned_data["text"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                ngettext(
                    "The response is published; it answered %(n)d idea not yet "
                    "answered.",
                    "The response is published; it answered %(n)d ideas not yet "
                    "answered.",
                    answered,
                )
                % {"n": answered},
            )
            return redirect(
                reverse("voice:consultation", args=[federation.code, number])
                + "#consultation-response"
            )
    today = timezone.localdate()
    return render(
        request,
        "voice/consultation_respond.html",
        {
            "federation": federation,
            "consultation": consultation,
            "form": form,
            "timeliness": _timeliness(consultation, today),
            "counts": cs.idea_counts(consultation),
        },
        status=400 if request.method == "POST" else 200,
    )
