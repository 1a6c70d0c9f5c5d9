"""Selection pages: advertise, apply, assess, shortlist and choose (CAD-1, ELE-3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.cadres import forms as f
from tongxue.cadres import selectors, services
from tongxue.cadres.models import (
    Application,
    Course,
    Criterion,
    Selection,
    SelectionState,
)
from tongxue.cadres.views.shared import (
    _errors,
    _form_refusal,
    _signed_in,
    _status,
)
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.domain.lifecycle import SELECTION
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation


def index(request: HttpRequest) -> HttpResponse:
    """List the posts open for selection and the recent selections (public)."""
    page = paginate(request, selectors.selections())
    return render(
        request,
        "cadres/index.html",
        {"page": page, "page_url": page_url(), "me": services.person_of(request.user)},
    )


@require_http_methods(["GET", "POST"])
def advertise(request: HttpRequest, code: str) -> HttpResponse:
    """Advertise a post of the union ``code`` (Perm.MANAGE)."""
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    courses = list(
        Course.objects.filter(organisation__path__startswith=_school_path(org))
    )
    form = f.AdvertiseForm(request.POST or None, courses=courses)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            course = next((c for c in courses if c.pk == d["required_course"]), None)
            try:
                selection = services.advertise(
                    actor=request.user,
                    organisation=org,
                    role=d["role"],
                    title=d["title"],
                    description=d["description"],
                    closes=d["closes"],
                    term_start=d["term_start"],
                    term_end=d["term_end"],
                    required_course=course,
                    public_contact=d["public_contact"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("cadres:selection", pk=selection.pk)
        status = 400
    return render(
        request, "cadres/advertise.html", {"org": org, "form": form}, status=status
    )


def _school_path(org: Organisation) -> str:
    union = selectors.union_of(org)
    return selectors.served_path(union) if union else org.path


def _selection_or_404(pk: int) -> Selection:
    return get_object_or_404(
        Selection.objects.select_related("organisation", "chosen__person"), pk=pk
    )


def _selection_context(
    request: HttpRequest, selection: Selection, **extra: Any
) -> dict[str, Any]:
    can_manage = has_perm(request.user, Perm.MANAGE, selection.organisation.path)
    me = services.person_of(request.user)
    mine = (
        Application.objects.filter(selection=selection, person=me).first()
        if me is not None
        else None
    )
    labels = dict(Criterion.choices)
    context: dict[str, Any] = {
        "selection": selection,
        "org": selection.organisation,
        "criteria": [(c, labels.get(c, c)) for c in selection.criteria],
        "notices": selectors.notices_of(selection),
        "can_manage": can_manage,
        "me": me,
        "mine": mine,
        "open": selection.state == SelectionState.ADVERTISED
        and timezone.localdate() <= selection.closes,
        "apply_form": f.ApplyForm(),
        "error": "",
    }
    if can_manage:
        context["applications"] = selectors.selection_detail(selection)
        context["assess_form"] = f.AssessForm(criteria=selection.criteria)
    context["buttons"] = SELECTION_STEPS.buttons(
        selection,
        {Perm.MANAGE} if can_manage else set(),
        url=lambda step: reverse(
            "cadres:selection-action", args=[selection.pk, step.action]
        ),
        when={"shortlist": bool(context.get("applications"))},
    )
    context.update(extra)
    return context


def selection(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a post: criteria, term, notices; apply; managers assess and decide."""
    sel = _selection_or_404(pk)
    return render(request, "cadres/selection.html", _selection_context(request, sel))


@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    sel = _selection_or_404(pk)
    if not _signed_in(request):
        return redirect_to_login(reverse("cadres:selection", args=[sel.pk]))
    form = f.ApplyForm(request.POST)
    if form.is_valid():
        try:
            services.apply(
                actor=request.user,
                selection=sel,
                statement=form.cleaned_data["statement"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
            ctx = _selection_context(request, sel, apply_form=form)
            return render(
                request, "cadres/selection.html", ctx, status=_status(refusal)
            )
        messages.success(request, _("Your application was submitted."))
        return redirect("cadres:selection", pk=sel.pk)
    ctx = _selection_context(request, sel, apply_form=form)
    return render(request, "cadres/selection.html", ctx, status=400)


@require_POST
def assess(request: HttpRequest, pk: int, application: int) -> HttpResponse:
    sel = _selection_or_404(pk)
    app = get_object_or_404(
        Application.objects.select_related("person", "selection__organisation"),
        pk=application,
        selection=sel,
    )
    form = f.AssessForm(request.POST, criteria=sel.criteria)
    error = ""
    status = 400
    if form.is_valid():
        try:
            services.assess(actor=request.user, application=app, **form.cleaned_data)
        except Refusal as refusal:
            error, status = _errors(refusal), _status(refusal)
        else:
            return redirect(
                reverse("cadres:selection", args=[sel.pk]) + f"#app-{app.pk}"
            )
    else:
        if not has_perm(request.user, Perm.MANAGE, sel.organisation.path):
            raise PermissionDenied
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    if status == 403:
        raise PermissionDenied
    ctx = _selection_context(request, sel, error=error)
    return render(request, "cadres/selection.html", ctx, status=status)


def _shortlisted(request: HttpRequest, sel: Selection) -> dict[str, Any]:
    shortlist = f.ShortlistForm(request.POST, selection=sel)
    if not shortlist.is_valid():
        services.check_manage(request.user, sel.organisation)
        raise _form_refusal(shortlist)
    return {"applications": list(shortlist.cleaned_data["applications"])}


def _chosen(request: HttpRequest, sel: Selection) -> dict[str, Any]:
    decision = f.DecideForm(request.POST, selection=sel)
    if not decision.is_valid():
        services.check_manage(request.user, sel.organisation)
        raise refuse("required", f.CHOOSE_APPLICATION, field="application")
    return {"application": decision.cleaned_data["application"]}


#: The steps of an open selection (tongxue.domain.lifecycle.SELECTION), one service
#: each; ``arguments`` parses what a step posts besides (the shortlist, the choice).
SELECTION_STEPS = TransitionTable(
    SELECTION,
    [
        Step(
            action="assess",
            target=SelectionState.ASSESSING,
            sources=(SelectionState.ADVERTISED,),
            label=gettext_lazy("Close applications and start assessing"),
            perm=Perm.MANAGE,
            button_id="start-assessment",
            service=services.start_assessment,
        ),
        Step(
            action="shortlist",
            target=SelectionState.SHORTLISTED,
            sources=(SelectionState.ASSESSING,),
            label=gettext_lazy("Publish the shortlist"),
            perm=Perm.MANAGE,
            form="shortlist-form",  # the check boxes beside each application
            button_id="publish-shortlist",
            service=services.publish_shortlist,
            options={"arguments": _shortlisted},
        ),
        Step(
            action="decide",
            target=SelectionState.DECIDED,
            label=gettext_lazy("Announce the decision"),
            perm=Perm.MANAGE,
            form="decide-form",  # the radio buttons beside each shortlisted one
            button_id="decide",
            service=services.decide,
            options={"arguments": _chosen},
        ),
        Step(
            action="reopen",
            target=SelectionState.ASSESSING,
            sources=(SelectionState.SHORTLISTED,),
            label=gettext_lazy("Back to assessment"),
            perm=Perm.MANAGE,
            destructive=True,
            service=services.reopen_assessment,
        ),
        Step(
            action="appoint",
            target=SelectionState.APPOINTED,
            label=gettext_lazy("Appoint after the notice period"),
            perm=Perm.MANAGE,
            button_id="appoint",
            service=services.appoint_chosen,
        ),
        Step(
            action="withdraw",
            target=SelectionState.SHORTLISTED,
            sources=(SelectionState.DECIDED,),
            label=gettext_lazy("Withdraw the decision"),
            perm=Perm.MANAGE,
            destructive=True,
            service=services.withdraw_decision,
        ),
        Step(
            action="cancel",
            target=SelectionState.CANCELLED,
            label=gettext_lazy("Cancel this selection…"),
            confirm=gettext_lazy(
                "Cancel the selection? Applications are kept but no one will be "
                "appointed."
            ),
            submit=gettext_lazy("Yes, cancel"),
            perm=Perm.MANAGE,
            fold=True,
            destructive=True,
            service=services.cancel_selection,
        ),
    ],
    field="state",
)


@require_POST
def selection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition of the selection (one service each: :data:`SELECTION_STEPS`)."""
    sel = _selection_or_404(pk)
    step = SELECTION_STEPS.step(action)
    if step is None or step.service is None:
        raise Http404(action)
    try:
        arguments = step.options.get("arguments")
        kwargs = arguments(request, sel) if arguments is not None else {}
        step.service(actor=request.user, selection=sel, **kwargs)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        ctx = _selection_context(request, sel, error=_errors(refusal))
        return render(request, "cadres/selection.html", ctx, status=400)
    return redirect("cadres:selection", pk=sel.pk)
