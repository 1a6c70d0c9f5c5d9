"""A concern's page: its timeline and answer; the author's rating; the handlers' actions.

What a page shows of a concern is :func:`tongxue.voice.selectors.concern_page`'s (who
may see what is :mod:`tongxue.voice.access`); the buttons of its state come from
:data:`CONCERN_STEPS`, one service each. The holder of an anonymous concern's follow-up
code acts through the track page: the code is posted with each form, never put in an
address or kept in the session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tongxue.cadres.models import ExitCase
from tongxue.core.errors import Refusal
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.core.view_helpers import add_refusal
from tongxue.domain.lifecycle import CONCERN
from tongxue.organisations.models import Organisation
from tongxue.voice import access, routing, selectors, services, throttle
from tongxue.voice import forms as f
from tongxue.voice.models import Concern, ConcernStatus
from tongxue.voice.services import exit_cases
from tongxue.voice.views.shared import (
    concern_or_404,
    login_or_404,
    no_store,
    throttled,
)

#: Grants of a page's viewer besides permissions: the handler of this concern, the
#: union's handler who may verify, the author (or the follow-up code's holder).
HANDLER, VERIFIER, AUTHOR = "handler", "verifier", "author"
#: The union's named handler for sensitive concerns (takes back the mark, RGT-7); a
#: named handler for concerns about cadres or the League advisor (an exit case, CAD-8).
NAMED, DECIDER = "named", "decider"
#: Every state: marking a concern sensitive moves none.
EVERY_STATE = tuple(ConcernStatus.values)
OPEN = (ConcernStatus.RECEIVED, ConcernStatus.IN_HAND, ConcernStatus.REOPENED)


def _forward(*, actor: Any, concern: Concern, form: Any) -> None:
    to = form.cleaned_data["to"]
    code = form.cleaned_data.get("suggested") or ""
    # The suggestion the page showed (voice.routing), one of the form's targets.
    suggested = (
        to
        if code == to.code
        else form.fields["to"].queryset.filter(code=code).first()
        if code
        else None
    )
    services.forward(
        actor=actor,
        concern=concern,
        to=to,
        note=form.cleaned_data["note"],
        suggested=suggested,
        suggestion_used=bool(form.cleaned_data.get("suggestion_used")),
    )


def _answer(*, actor: Any, concern: Concern, form: Any) -> None:
    services.answer(actor=actor, concern=concern, text=form.cleaned_data["text"])


def _note(*, actor: Any, concern: Concern, form: Any) -> None:
    services.add_note(actor=actor, concern=concern, text=form.cleaned_data["text"])


def _merge(*, actor: Any, concern: Concern, form: Any) -> None:
    year, number = form.cleaned_data["into"]
    into = Concern.objects.filter(union_id=concern.union_id, number=number).first()
    if into is None or (year is not None and into.raised_at.year != year):
        form.add_error(
            "into", gettext("This union has no concern with that reference.")
        )
        raise _Invalid
    services.merge(actor=actor, concern=concern, into=into)
    form.merged_into = into


def _acknowledge(*, actor: Any, concern: Concern, form: Any) -> None:
    services.acknowledge(actor=actor, concern=concern)


def _verify(*, actor: Any, concern: Concern, form: Any) -> None:
    services.verify(actor=actor, concern=concern)


def _rate(*, actor: Any, concern: Concern, form: Any) -> None:
    data = form.cleaned_data
    code = data.get("code") or None
    services.rate(
        concern=concern,
        rating=data["rating"],
        reason=data["reason"],
        actor=None if code else actor,
        tracking_code=code,
    )


def _withdraw(*, actor: Any, concern: Concern, form: Any) -> None:
    code = form.cleaned_data.get("code") or None
    services.withdraw(
        concern=concern, actor=None if code else actor, tracking_code=code
    )


def _mark_sensitive(*, actor: Any, concern: Concern, form: Any) -> None:
    services.mark_sensitive(
        actor=actor, concern=concern, reason=form.cleaned_data["reason"]
    )


def _unmark_sensitive(*, actor: Any, concern: Concern, form: Any) -> None:
    services.unmark_sensitive(
        actor=actor, concern=concern, reason=form.cleaned_data["reason"]
    )


def _open_exit_case(*, actor: Any, concern: Concern, form: Any) -> None:
    data = form.cleaned_data
    position = exit_cases.cadre_posts(concern).filter(pk=data["position"]).first()
    if position is None:
        form.add_error("position", gettext("Choose a post the cadre holds now."))
        raise _Invalid
    form.case = services.open_exit_case(
        actor=actor,
        concern=concern,
        position=position,
        ground=data["ground"],
        evidence=data["evidence"],
    )


class _Invalid(Exception):
    """A form the view checked itself (a reference that names no concern)."""


#: The steps of a concern (tongxue.domain.lifecycle.CONCERN): the handlers' and the
#: author's, each with its form and service. A hand-over, a note and a verification
#: move no state.
CONCERN_STEPS = TransitionTable(
    CONCERN,
    [
        Step(
            action="acknowledge",
            target=ConcernStatus.IN_HAND,
            sources=(ConcernStatus.RECEIVED,),
            label=gettext_lazy("Acknowledge"),
            perm=HANDLER,
            button_id="acknowledge",
            form_id="acknowledge-form",
            service=_acknowledge,
            options={"form": f.CodeForm},
        ),
        Step(
            action="answer",
            target=ConcernStatus.ANSWERED,
            label=gettext_lazy("Answer…"),
            submit=gettext_lazy("Send the answer"),
            perm=HANDLER,
            fold=True,
            details_id="answer-block",
            form_id="answer-form",
            fields="voice/partials/_step_answer.html",
            service=_answer,
            options={"form": f.TextForm},
        ),
        Step(
            action="forward",
            sources=OPEN,
            label=gettext_lazy("Forward…"),
            submit=gettext_lazy("Forward"),
            perm=HANDLER,
            fold=True,
            details_id="forward-block",
            form_id="forward-form",
            fields="voice/partials/_step_forward.html",
            service=_forward,
            options={"form": f.ForwardForm},
        ),
        Step(
            action="note",
            sources=(*OPEN, ConcernStatus.ANSWERED, ConcernStatus.CLOSED),
            label=gettext_lazy("Internal note…"),
            submit=gettext_lazy("Add the note"),
            perm=HANDLER,
            fold=True,
            details_id="note-block",
            form_id="note-form",
            fields="voice/partials/_step_note.html",
            service=_note,
            options={"form": f.TextForm},
        ),
        Step(
            action="merge",
            target=ConcernStatus.MERGED,
            label=gettext_lazy("Merge as a duplicate…"),
            submit=gettext_lazy("Merge"),
            confirm=gettext_lazy(
                "The concern is closed as a duplicate of the other one; its supporters "
                "and its author follow the other one. This cannot be undone."
            ),
            perm=HANDLER,
            fold=True,
            destructive=True,
            details_id="merge-block",
            form_id="merge-form",
            fields="voice/partials/_step_merge.html",
            service=_merge,
            options={"form": f.MergeForm},
        ),
        Step(
            action="verify",
            sources=(ConcernStatus.ANSWERED, ConcernStatus.CLOSED),
            label=gettext_lazy("Record that it is solved…"),
            submit=gettext_lazy("Yes, we checked it is solved"),
            confirm=gettext_lazy(
                "The union checked the result itself: the concern counts as solved "
                "whatever the rating."
            ),
            perm=VERIFIER,
            fold=True,
            details_id="verify-block",
            form_id="verify-form",
            service=_verify,
            options={"form": f.CodeForm},
        ),
        Step(
            action="rate",
            sources=(ConcernStatus.ANSWERED,),
            label=gettext_lazy("Send my rating"),
            perm=AUTHOR,
            form_id="rate-form",
            button_id="rate",
            fields="voice/partials/_step_rate.html",
            service=_rate,
            options={"form": f.RateForm},
        ),
        Step(
            action="withdraw",
            target=ConcernStatus.WITHDRAWN,
            label=gettext_lazy("Withdraw the concern…"),
            submit=gettext_lazy("Withdraw"),
            confirm=gettext_lazy(
                "Nobody will handle it any more. This cannot be undone."
            ),
            perm=AUTHOR,
            fold=True,
            destructive=True,
            details_id="withdraw-block",
            form_id="withdraw-form",
            fields="voice/partials/_step_code.html",
            service=_withdraw,
            options={"form": f.CodeForm},
        ),
        Step(
            action="sensitive",
            sources=EVERY_STATE,
            label=gettext_lazy("Mark as sensitive…"),
            submit=gettext_lazy("Mark as sensitive"),
            confirm=gettext_lazy(
                "It becomes private, leaves the public list and the suggestions, "
                "goes to the union and is seen only by the union's named handlers — "
                "not by you unless you are one. Only a named handler can take the "
                "mark back."
            ),
            perm=HANDLER,
            fold=True,
            destructive=True,
            details_id="sensitive-block",
            form_id="sensitive-form",
            fields="voice/partials/_step_reason.html",
            service=_mark_sensitive,
            options={"form": f.ReasonForm, "form_key": "sensitive_form"},
        ),
        Step(
            action="unsensitive",
            sources=EVERY_STATE,
            label=gettext_lazy("Take back the sensitive mark…"),
            submit=gettext_lazy("Take back the mark"),
            confirm=gettext_lazy(
                "Its ordinary handlers see it again; it stays private."
            ),
            perm=NAMED,
            fold=True,
            details_id="unsensitive-block",
            form_id="unsensitive-form",
            fields="voice/partials/_step_reason.html",
            service=_unmark_sensitive,
            options={"form": f.ReasonForm, "form_key": "unsensitive_form"},
        ),
        Step(
            action="exit-case",
            sources=exit_cases.FOUNDED_STATUSES,
            label=gettext_lazy("Open an exit case on the cadre…"),
            submit=gettext_lazy("Open the exit case"),
            confirm=gettext_lazy(
                "The concern is founded: the union's exit procedure (CAD-5) starts on "
                "the cadre's post. The case shows the concern's reference only."
            ),
            perm=DECIDER,
            fold=True,
            details_id="exit-case-block",
            form_id="exit-case-form",
            fields="voice/partials/_step_exit_case.html",
            service=_open_exit_case,
            options={"form": f.ExitCaseForm, "form_key": "exit_form"},
        ),
    ],
)


def _grants(v: access.Viewer, concern: Concern, page: dict[str, Any]) -> set[str]:
    """What the viewer may do here: act as a handler, verify for the union, rate or
    withdraw as the author (or the code's holder)."""
    grants: set[str] = set()
    if page.get("is_author"):
        grants.add(AUTHOR)
    if (
        page.get("handler_view")
        and concern.about_person_id is not None
        and (
            concern.union_id in v.named_cadres
            or any(concern.union.path.startswith(p) for p in v.advisor_paths)
        )
    ):
        grants.add(DECIDER)
    if page.get("can_handle"):
        grants.add(HANDLER)
        if concern.sensitive and concern.union_id in v.named_sensitive:
            grants.add(NAMED)
        # The union verifies; a sensitive concern or one about a cadre, its named
        # handler (as services.verify decides).
        union_path = concern.union.path
        restricted = concern.sensitive or concern.about_person_id is not None
        if (
            restricted
            or v.superuser
            or any(union_path.startswith(p) for p in v.handle_paths)
        ):
            grants.add(VERIFIER)
    return grants


def _targets(concern: Concern) -> QuerySet[Organisation]:
    """Where the concern may be forwarded (as :func:`selectors.forward_targets`)."""
    return (
        Organisation.objects.filter(
            selectors.forward_target_q(concern.union, classes=False)
        )
        .exclude(pk=concern.handler_id)
        .order_by("kind", "code")
    )


def _posts(concern: Concern) -> list[tuple[int, str]]:
    """The cadre's posts in the school, for the exit case form (one query)."""
    return [
        (p.pk, f"{p.person.name} · {p.title} · {p.organisation.name}")
        for p in exit_cases.cadre_posts(concern)
    ]


def _forms(concern: Concern, bound: dict[str, Any], code: str) -> dict[str, Any]:
    """The forms of the steps, the bound one (after a refusal) in its place."""
    initial = {"code": code} if code else None
    forms: dict[str, Any] = {
        "answer_form": f.TextForm(auto_id="answer_%s"),
        "note_form": f.TextForm(auto_id="note_%s"),
        "merge_form": f.MergeForm(),
        "rate_form": f.RateForm(initial=initial),
        "code_form": f.CodeForm(initial=initial),
        "sensitive_form": f.ReasonForm(auto_id="sensitive_%s"),
        "unsensitive_form": f.ReasonForm(auto_id="unsensitive_%s"),
    }
    forms.update(bound)
    return forms


def _context(
    request: HttpRequest,
    concern: Concern,
    *,
    page: dict[str, Any] | None = None,
    code: str = "",
    bound: dict[str, Any] | None = None,
    opened: str = "",
    error: str = "",
    v: access.Viewer | None = None,
    use_suggestion: bool = False,
) -> dict[str, Any]:
    v = v or access.viewer(request.user)
    if page is None:
        page = selectors.concern_page(concern, v, tracking_code=code or None)
    grants = _grants(v, concern, page)
    # Where it might go (voice.routing), for a handler who may forward it; "use the
    # suggestion" (``use_suggestion``) only opens the form with its target chosen.
    route = (
        routing.route(concern, page["forward_targets"])
        if not code and HANDLER in grants and page.get("forward_targets")
        else None
    )
    hint = route.hint if route else None
    use = bool(use_suggestion and hint)
    if use and not opened:
        opened = "forward"

    def url(step: Step) -> str:
        return reverse(
            "voice:action", args=[concern.union.code, concern.number, step.action]
        )

    restricted = concern.sensitive or concern.about_person_id is not None
    may_exit = DECIDER in grants and concern.exit_case_id is None
    buttons = CONCERN_STEPS.buttons(
        concern,
        grants,
        url=url,
        opened=opened,
        when={
            "forward": bool(page.get("forward_targets")),
            "sensitive": not restricted,
            "unsensitive": concern.sensitive and not concern.category.sensitive,
            "exit-case": may_exit,
        },
    )
    context: dict[str, Any] = {
        **page,
        "page": page,
        "code": code,
        "error": error,
        "handler_buttons": [b for b in buttons if b.step.perm != AUTHOR],
        "author_buttons": [b for b in buttons if b.step.perm == AUTHOR],
        "rate_button": next((b for b in buttons if b.step.action == "rate"), None),
        # The latest answer, shown above the timeline (it is in the timeline too).
        "answer": next(
            (e for e in reversed(page.get("timeline", [])) if e.kind == "answered"),
            None,
        ),
        "withdraw_button": next(
            (b for b in buttons if b.step.action == "withdraw"), None
        ),
        "route_hint": hint,
        "route_used": use,
        # How the suggestions fared, for the union's rights officers.
        "route_record": route.record
        if route
        and route.record.shown
        and (
            v.superuser or any(concern.union.path.startswith(p) for p in v.handle_paths)
        )
        else None,
    }
    context.update(_forms(concern, bound or {}, code))
    if may_exit and "exit_form" not in context:
        context["exit_form"] = f.ExitCaseForm(positions=_posts(concern))
    context["exit_case"] = (
        ExitCase.objects.filter(pk=concern.exit_case_id).first()
        if concern.exit_case_id and page.get("handler_view")
        else None
    )
    if "forward_form" not in context:
        # Listed from the page's targets (no second query); a POST checks its own.
        initial: dict[str, Any] = {}
        if hint:
            initial["suggested"] = hint.target.code
            if use:
                initial |= {"to": hint.target.code, "suggestion_used": True}
        context["forward_form"] = f.ForwardForm(
            targets=Organisation.objects.none(),
            listed=page.get("forward_targets", []),
            initial=initial or None,
        )
    return context


def holder_context(
    request: HttpRequest, concern: Concern, code: str, **kw: Any
) -> dict[str, Any]:
    """The track page's context for the holder of ``code`` (the concern's own view)."""
    return _context(request, concern, code=code, **kw)


@require_GET
def detail(request: HttpRequest, union_code: str, number: int) -> HttpResponse:
    """A concern: what the viewer may see of it, and what they may do."""
    concern = concern_or_404(union_code, number)
    v = access.viewer(request.user)
    page = selectors.concern_page(concern, v)
    if not page["visible"]:
        return login_or_404(request)
    use = request.GET.get("route") == "suggested"
    return render(
        request,
        "voice/detail.html",
        _context(request, concern, page=page, v=v, use_suggestion=use),
    )


@require_POST
def action(
    request: HttpRequest, union_code: str, number: int, action: str
) -> HttpResponse:
    """One step of a concern (:data:`CONCERN_STEPS`), by a handler, the author, or the
    holder of the follow-up code (posted as ``code``)."""
    concern = concern_or_404(union_code, number)
    step = CONCERN_STEPS.step(action)
    if step is None or step.service is None:
        raise Http404(action)
    code = request.POST.get("code", "") if step.perm == AUTHOR else ""
    if code and (wait := throttle.retry_after(request)):
        return throttled(request, wait)
    if code and not access.code_matches(concern, code):
        # The code must name this concern before anything of it is shown again (a
        # wrong one counts as a guess, as on the track page).
        throttle.wrong_code(request)
        raise Http404("concern")
    v = access.viewer(request.user)
    page = selectors.concern_page(concern, v, tracking_code=code or None)
    if not page["visible"]:
        return login_or_404(request)
    if step.perm not in _grants(v, concern, page):
        raise PermissionDenied
    form_class = step.options["form"]
    kwargs: dict[str, Any] = {}
    if form_class is f.ForwardForm:
        kwargs["targets"] = _targets(concern)
    elif form_class is f.ExitCaseForm:
        kwargs["positions"] = _posts(concern)
    elif form_class is f.ReasonForm:
        kwargs["auto_id"] = f"{step.action}_%s"
    form = form_class(request.POST, **kwargs)
    template = "voice/track.html" if code else "voice/detail.html"
    try:
        if not form.is_valid():
            raise _Invalid
        step.service(actor=request.user, concern=concern, form=form)
    except _Invalid:
        pass
    except Refusal as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        add_refusal(form, refusal)
    else:
        done = _done(step.action, form)
        if code:
            concern = concern_or_404(union_code, number)
            ctx = holder_context(request, concern, code, v=v)
            ctx["done"] = done
            return no_store(render(request, template, ctx))
        messages.success(request, done)
        if step.action == "sensitive" and not access.can_view(request.user, concern):
            # Marked sensitive by a handler who is not named: it is out of their sight.
            return redirect("voice:queue")
        return redirect("voice:detail", concern.union.code, concern.number)
    concern = concern_or_404(union_code, number)
    ctx = _context(
        request,
        concern,
        v=v,
        code=code,
        bound={
            step.options.get("form_key")
            or FORM_KEYS.get(step.action, "code_form"): form
        },
        opened=step.action,
        error=" ".join(str(e) for e in form.non_field_errors()),
    )
    response = render(request, template, ctx, status=400)
    return no_store(response) if code else response


def _done(action: str, form: Any) -> str:
    """What the page says after a step."""
    if action == "forward":
        return gettext("Forwarded to %(org)s.") % {"org": form.cleaned_data["to"].name}
    if action == "merge":
        return gettext("Merged into %(reference)s.") % {
            "reference": form.merged_into.reference
        }
    return {
        "acknowledge": gettext("The concern is acknowledged."),
        "answer": gettext("The answer is sent to the student."),
        "note": gettext("The note is added (handlers only)."),
        "verify": gettext("Recorded: the union checked that it is solved."),
        "rate": gettext("Thank you: your rating is recorded."),
        "withdraw": gettext("The concern is withdrawn."),
        "sensitive": gettext(
            "The concern is marked sensitive: only the union's named handlers see it."
        ),
        "unsensitive": gettext("The sensitive mark is taken back."),
        "exit-case": gettext("The exit case is opened."),
    }.get(action, "")


#: The context name of each step's form (the others post a code or nothing).
FORM_KEYS = {
    "answer": "answer_form",
    "note": "note_form",
    "forward": "forward_form",
    "merge": "merge_form",
    "rate": "rate_form",
}
