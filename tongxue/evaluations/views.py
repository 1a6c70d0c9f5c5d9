"""Evaluation pages: ratings to do, the rating form, 述职 reports, results, managing.

The results of a closed period are public (CAD-3, CAD-4: results are published); they
show names and titles, never identifiers. Rating needs to be on the period's rater list;
filing a report needs to be the presidium member; opening and closing a period needs
``Perm.MANAGE`` at the union. Views parse input, call the services, map refusals.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.core.view_helpers import add_refusal
from tongxue.domain.evaluation import DIMENSION_LABELS, dimensions_for
from tongxue.domain.lifecycle import EVALUATION_PERIOD
from tongxue.evaluations import selectors, services
from tongxue.evaluations.forms import OpenPeriodForm, PeriodForm, RatingForm, ReportForm
from tongxue.evaluations.models import EvaluationPeriod, Kind, PeriodStatus, Subject
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Person


def _person(request: HttpRequest) -> Person | None:
    return Person.objects.filter(user_id=request.user.pk).first()


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My ratings to do in the open periods, and the work reports I must file."""
    person = _person(request)
    context = {
        "person": person,
        "lists": selectors.todo_for(person) if person is not None else [],
        "reports": selectors.reports_due(person) if person is not None else [],
    }
    return render(request, "evaluations/mine.html", context)


def _subject_or_404(pk: int) -> Subject:
    try:
        return Subject.objects.select_related(
            "period",
            "period__organisation",
            "position__person",
            "position__organisation",
        ).get(pk=pk)
    except Subject.DoesNotExist:
        raise Http404(pk) from None


@login_required
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate a cadre (five dimensions) or a work report; confirm on a summary first."""
    subject = _subject_or_404(pk)
    period = subject.period
    person = _person(request)
    if person is None or period.status != PeriodStatus.OPEN:
        raise PermissionDenied
    dims = dimensions_for(subject.kind)
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        dimensions=dims,
        scale_max=period.scale_max or 0,
    )
    confirming = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if request.POST.get("confirm") != "1":
                confirming = True
            else:
                try:
                    services.rate(
                        actor=request.user,
                        rater=person,
                        subject=subject,
                        scores=form.scores(),
                    )
                except Refusal as refusal:
                    if refusal.code == "forbidden":
                        raise PermissionDenied from None
                    add_refusal(form, refusal)
                    status = 400
                else:
                    messages.success(
                        request, _("Your rating was recorded anonymously.")
                    )
                    return redirect("evaluations:mine")
        else:
            status = 400
    summary = (
        [(_(DIMENSION_LABELS[d]), form.cleaned_data[d]) for d in dims]
        if confirming
        else []
    )
    # Progress through the period's list ("12/31 rated", #16).
    todo = next(
        (t for t in selectors.todo_for(person) if t.period.pk == period.pk), None
    )
    return render(
        request,
        "evaluations/rate.html",
        {
            "subject": subject,
            "period": period,
            "form": form,
            "confirming": confirming,
            "summary": summary,
            "scale_max": period.scale_max,
            "progress_done": todo.done if todo is not None else None,
            "progress_total": todo.done + len(todo.items) if todo is not None else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """A presidium member files their work report (述职) for the period (CAD-4)."""
    subject = _subject_or_404(pk)
    person = _person(request)
    if (
        person is None
        or subject.kind != Kind.REPORT
        or subject.position.person_id != person.pk
    ):
        raise PermissionDenied
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and subject.filed_at is None:
        if form.is_valid():
            try:
                services.file_report(
                    actor=request.user,
                    person=person,
                    subject=subject,
                    text=form.cleaned_data["text"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = 400
            else:
                messages.success(request, _("Your work report was filed."))
                return redirect("evaluations:mine")
        else:
            status = 400
    return render(
        request,
        "evaluations/report.html",
        {"subject": subject, "period": subject.period, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def union(request: HttpRequest, code: str) -> HttpResponse:
    """A union's evaluation periods (public); managers plan a new one here."""
    org = get_or_404(code)
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    form: PeriodForm | None = PeriodForm() if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                period = services.create_period(
                    actor=request.user, organisation=org, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = 400
            else:
                return redirect("evaluations:manage", pk=period.pk)
        else:
            status = 400
    return render(
        request,
        "evaluations/union.html",
        {
            "org": org,
            "periods": selectors.periods_of(org),
            "can_manage": can_manage,
            "form": form,
        },
        status=status,
    )


def _period_or_404(pk: int) -> EvaluationPeriod:
    return get_object_or_404(
        EvaluationPeriod.objects.select_related("organisation"), pk=pk
    )


def period(request: HttpRequest, pk: int) -> HttpResponse:
    """The public results of a period, once it is closed (CAD-3, CAD-4)."""
    p = _period_or_404(pk)
    rows = selectors.results(p)
    can_manage = has_perm(request.user, Perm.MANAGE, p.organisation.path)
    return render(
        request,
        "evaluations/period.html",
        {
            "period": p,
            "org": p.organisation,
            "cadres": [r for r in rows if r.kind == Kind.EVALUATION],
            "reports": [r for r in rows if r.kind == Kind.REPORT],
            "facts": services.describe(p) if p.status == PeriodStatus.CLOSED else None,
            "can_manage": can_manage,
        },
    )


def _seed(request: HttpRequest, form: OpenPeriodForm) -> dict[str, Any] | None:
    return {"seed": form.cleaned_data["seed"]} if form.is_valid() else None


def _confirmed(request: HttpRequest, form: OpenPeriodForm) -> dict[str, Any] | None:
    return {} if request.POST.get("confirm") == "1" else None


#: The steps of a period (tongxue.domain.lifecycle.EVALUATION_PERIOD), posted to the
#: management page with their ``action``; ``arguments`` parses the post (None: the
#: form is incomplete), ``done`` is the message and ``next`` the page after it.
PERIOD_STEPS = TransitionTable(
    EVALUATION_PERIOD,
    [
        Step(
            action="open",
            target=PeriodStatus.OPEN,
            label=gettext_lazy("Open and draw the sample"),
            confirm=gettext_lazy(
                "Opening fixes the cadres to evaluate and the work reports due, and "
                "draws the sample of students with the seed. The seed is published."
            ),
            perm=Perm.MANAGE,
            form_id="open-period",
            button_id="open-button",
            fields="evaluations/partials/_open_fields.html",
            service=services.open_period,
            options={
                "arguments": _seed,
                "done": gettext_lazy("The period is open."),
                "next": "evaluations:manage",
            },
        ),
        Step(
            action="close",
            target=PeriodStatus.CLOSED,
            label=gettext_lazy("Close and publish"),
            confirm=gettext_lazy(
                "Closing ends the ratings and publishes the results. It cannot be "
                "undone."
            ),
            perm=Perm.MANAGE,
            form_id="close-period",
            button_id="close-button",
            fields="evaluations/partials/_close_fields.html",
            service=services.close_period,
            options={
                "arguments": _confirmed,
                "done": gettext_lazy("The period is closed; results published."),
                "next": "evaluations:period",
            },
        ),
    ],
)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (drawing the sample with its seed) or close a period; see the totals."""
    p = _period_or_404(pk)
    if not has_perm(request.user, Perm.MANAGE, p.organisation.path):
        raise PermissionDenied
    open_form = OpenPeriodForm(request.POST if request.method == "POST" else None)
    error = None
    status = 200
    if request.method == "POST":
        step = PERIOD_STEPS.step(request.POST.get("action", ""))
        try:
            kwargs = step.options["arguments"](request, open_form) if step else None
            if step is not None and step.service is not None and kwargs is not None:
                step.service(actor=request.user, period=p, **kwargs)
                messages.success(request, step.options["done"])
                return redirect(step.options["next"], pk=p.pk)
            status = 400
        except Refusal as refusal:
            add_refusal(open_form, refusal)
            error = refusal
            status = 400
        p.refresh_from_db()
    return render(
        request,
        "evaluations/manage.html",
        {
            "period": p,
            "org": p.organisation,
            "progress": selectors.progress(p),
            "facts": services.describe(p),
            "open_form": open_form,
            "error": error,
            "buttons": PERIOD_STEPS.buttons(
                p,
                {Perm.MANAGE},
                url=lambda step: reverse("evaluations:manage", args=[p.pk]),
            ),
        },
        status=status,
    )
