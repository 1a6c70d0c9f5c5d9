"""Exit case pages (CAD-5)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.cadres import forms as f
from tongxue.cadres import selectors, services
from tongxue.cadres.hooks import source_url
from tongxue.cadres.models import (
    ExitCase,
    ExitGround,
    ExitState,
)
from tongxue.cadres.views.roster_training import (
    _active_position_or_404,
)
from tongxue.cadres.views.shared import (
    _errors,
    _signed_in,
)
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.core.view_helpers import add_refusal
from tongxue.domain.lifecycle import EXIT_CASE


@require_http_methods(["GET", "POST"])
def exit_new(request: HttpRequest) -> HttpResponse:
    """Open an exit case for ``?position=<id>`` on ``&ground=…`` (Perm.MANAGE)."""
    target = f.ExitTargetForm(
        request.GET if request.GET.get("position") else request.POST
    )
    if not target.is_valid():
        raise Http404("position")
    pos = _active_position_or_404(target.cleaned_data["position"])
    if not has_perm(request.user, Perm.MANAGE, pos.organisation.path):
        if not _signed_in(request):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    ground = request.GET.get("ground", "")
    initial = {"ground": ground} if ground in ExitGround.values else {}
    form = f.OpenExitForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.open_exit_case(
                    actor=request.user, position=pos, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("cadres:exit", pk=case.pk)
        status = 400
    summary = selectors.evaluation_summary([pos.person_id]).get(pos.person_id, [])
    return render(
        request,
        "cadres/exit_new.html",
        {
            "position": pos,
            "form": form,
            "evaluations": summary,
            "training": selectors.training_of([pos.person_id])[pos.person_id],
        },
        status=status,
    )


def _case_or_404(pk: int) -> ExitCase:
    return get_object_or_404(
        ExitCase.objects.select_related(
            "position", "position__organisation", "position__person"
        ),
        pk=pk,
    )


def _exit_context(request: HttpRequest, case: ExitCase, **extra: Any) -> dict[str, Any]:
    from tongxue.publicity.selectors import notice_for

    pos = case.position
    can_manage = has_perm(request.user, Perm.MANAGE, pos.organisation.path)
    is_cadre = request.user.is_authenticated and pos.person.user_id == request.user.pk
    context = {
        "case": case,
        "position": pos,
        "can_manage": can_manage,
        "is_cadre": is_cadre,
        # Raised from a student's concern (CAD-8): its reference for all who see the
        # case, a link only for those who may open the concern (never the cadre).
        "source_url": None if is_cadre else source_url(case, request.user),
        "notice": notice_for(services.EXIT_SUBJECT, case.pk, "exit-decision"),
        "decision_form": f.ExitDecisionForm(),
        "evaluations": selectors.evaluation_summary([pos.person_id]).get(
            pos.person_id, []
        ),
        "training": selectors.training_of([pos.person_id])[pos.person_id],
        "today": timezone.localdate(),
        "error": "",
        "States": ExitState,
    }
    context.update(extra)

    def url(step: Step) -> str:
        return reverse("cadres:exit-action", args=[case.pk, step.action])

    today = context["today"]
    context["cadre_buttons"] = EXIT_STEPS.buttons(
        case,
        {"cadre"} if is_cadre else set(),
        url=url,
        when={"appeal": bool(case.appeal_until and today <= case.appeal_until)},
    )
    context["manage_buttons"] = EXIT_STEPS.buttons(
        case,
        {Perm.MANAGE} if can_manage else set(),
        url=url,
        opened="decide" if context["decision_form"].errors else "",
    )
    return context


def exit_case(request: HttpRequest, pk: int) -> HttpResponse:
    """An exit case, for the cadre concerned, the union's managers and the one who
    opened it (a named handler of a concern about the cadre, CAD-8: read only)."""
    case = _case_or_404(pk)
    ctx = _exit_context(request, case)
    opener = request.user.is_authenticated and case.opened_by_id == request.user.pk
    if not (ctx["can_manage"] or ctx["is_cadre"] or opener):
        if not _signed_in(request):
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    return render(request, "cadres/exit.html", ctx)


def _text_step(
    action: str,
    label: Any,
    service: Any,
    *,
    text: tuple[str, Any, int, bool],
    argument: str = "text",
    **kw: Any,
) -> Step:
    """A step whose form posts a text (``text``: the text area's id, label, rows and
    whether it is required), passed to the service as ``argument``."""
    text_id, text_label, rows, required = text
    return Step(
        action=action,
        label=label,
        service=service,
        fields="cadres/partials/_step_text.html",
        options={
            "text_argument": argument,
            "text_id": text_id,
            "text_label": text_label,
            "rows": rows,
            "required": required,
        },
        **kw,
    )


#: The steps of an exit case (tongxue.domain.lifecycle.EXIT_CASE · CAD-5): the union's
#: managers' and the cadre's own (``perm="cadre"``: the cadre concerned), one service
#: each.
EXIT_STEPS = TransitionTable(
    EXIT_CASE,
    [
        _text_step(
            "notify",
            gettext_lazy("Notify the cadre"),
            services.notify_cadre,
            text=("notify-text", gettext_lazy("Notice to the cadre"), 3, True),
            target=ExitState.NOTIFIED,
            perm=Perm.MANAGE,
            form_id="notify-form",
        ),
        # The statement moves nothing: the case waits for its decision.
        Step(
            action="statement",
            sources=(ExitState.NOTIFIED,),
            label=gettext_lazy("Submit the statement"),
            perm="cadre",
            form_id="statement-form",
            fields="cadres/partials/_statement_fields.html",
            service=services.submit_statement,
            options={"text_argument": "text"},
        ),
        Step(
            action="decide",
            target=ExitState.DECIDED,
            label=gettext_lazy("Record the decision…"),
            submit=gettext_lazy("Record the decision"),
            perm=Perm.MANAGE,
            fold=True,
            details_id="decide-block",
            form_id="decide-exit-form",
            fields="cadres/partials/_exit_decision_fields.html",
            service=services.decide_exit,
        ),
        Step(
            action="publish",
            target=ExitState.PUBLISHED,
            label=gettext_lazy("Publish the decision"),
            perm=Perm.MANAGE,
            button_id="publish-exit",
            service=services.publish_exit_decision,
        ),
        _text_step(
            "appeal",
            gettext_lazy("Appeal"),
            services.lodge_appeal,
            text=("appeal-text", gettext_lazy("Your appeal"), 5, True),
            target=ExitState.APPEALED,
            perm="cadre",
            form_id="appeal-form",
        ),
        _text_step(
            "close",
            gettext_lazy("Close the case"),
            services.close_exit_case,
            text=("close-text", gettext_lazy("Outcome"), 2, False),
            argument="outcome",
            target=ExitState.CLOSED,
            perm=Perm.MANAGE,
            form_id="close-form",
        ),
        _text_step(
            "dismiss",
            gettext_lazy("Dismiss the case…"),
            services.dismiss_exit_case,
            text=("dismiss-text", gettext_lazy("Reasons"), 2, True),
            argument="outcome",
            target=ExitState.DISMISSED,
            perm=Perm.MANAGE,
            fold=True,
            submit=gettext_lazy("Dismiss without a measure"),
            destructive=True,
        ),
    ],
    field="state",
)


@require_POST
def exit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of an exit case (one service each: :data:`EXIT_STEPS`)."""
    case = _case_or_404(pk)
    step = EXIT_STEPS.step(action)
    if step is None or step.service is None:
        raise Http404(action)
    user = request.user
    text_form = f.TextForm(request.POST)
    text = text_form.cleaned_data["text"] if text_form.is_valid() else ""
    decision_form = None
    try:
        if step.action == "decide":
            decision_form = f.ExitDecisionForm(request.POST)
            if not decision_form.is_valid():
                services.check_manage(user, case.position.organisation)
                ctx = _exit_context(request, case, decision_form=decision_form)
                return render(request, "cadres/exit.html", ctx, status=400)
            step.service(actor=user, case=case, **decision_form.cleaned_data)
        else:
            argument = step.options.get("text_argument")
            kwargs = {argument: text} if argument else {}
            step.service(actor=user, case=case, **kwargs)
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        case = _case_or_404(pk)
        extra: dict[str, Any] = {"error": _errors(refusal)}
        if decision_form is not None:
            add_refusal(decision_form, refusal)
            extra["decision_form"] = decision_form
        ctx = _exit_context(request, case, **extra)
        return render(request, "cadres/exit.html", ctx, status=400)
    return redirect("cadres:exit", pk=case.pk)
