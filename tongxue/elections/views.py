"""Election pages: public page and result, printable notice, the managers' dashboard.

Views parse input, call :mod:`tongxue.elections.services` and map a ``Refusal`` to a
form error. The public pages show candidates by name and statement only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm
from tongxue.core.transition_table import Button, Step, TransitionTable
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections import selectors, services
from tongxue.elections.forms import (
    AssessForm,
    CommentForm,
    ConditionsForm,
    ElectionForm,
    NominateForm,
    SelfNominationForm,
)
from tongxue.elections.models import Candidate, Election, ElectionStatus
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Person

MANAGER_PERMS = {Perm.RUN_ELECTION, Perm.GUIDE, Perm.APPROVE}


def _election_or_404(code: str) -> Election:
    try:
        return selectors.get_election(code)
    except Election.DoesNotExist:
        raise Http404(code) from None


def _refusal_text(refusal: Refusal) -> str:
    text = render_message(refusal.message)
    if refusal.requirement:
        text = f"{text} ({refusal.citation})"
    return text


# -- public ----------------------------------------------------------------------------


def election_list(request: HttpRequest, code: str) -> HttpResponse:
    """List an organisation's elections (public)."""
    org = get_or_404(code)
    perms = perms_at(request.user, org.path)
    context = {
        "org": org,
        "page": paginate(request, selectors.elections_of(org)),
        "page_url": page_url(),
        "can_run": Perm.RUN_ELECTION in perms,
    }
    return render(request, "elections/list.html", context)


def detail(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of an election: method, approved candidates, status, notices."""
    election = _election_or_404(code)
    perms = perms_at(request.user, election.organisation.path)
    person = _person_of(request)
    own = (
        Candidate.objects.filter(election=election, person=person).first()
        if person is not None
        else None
    )
    context = {
        "org": election.organisation,
        "election": election,
        "method": election.method,
        "candidates": selectors.public_candidates(election),
        "notices": selectors.notices_of(election),
        "steps": selectors.steps_of(election),
        "result": selectors.public_result(election),
        "can_manage": bool(MANAGER_PERMS & perms),
        "self_form": SelfNominationForm()
        if person is not None
        and own is None
        and election.status == ElectionStatus.NOMINATION
        else None,
        "own": own,
    }
    return render(request, "elections/detail.html", context)


def _person_of(request: HttpRequest) -> Person | None:
    if not request.user.is_authenticated:
        return None
    return Person.objects.filter(user=request.user).first()


@require_POST
def self_nominate(request: HttpRequest, code: str) -> HttpResponse:
    """A signed-in student nominates themselves (with a statement)."""
    election = _election_or_404(code)
    person = _person_of(request)
    if person is None:
        raise PermissionDenied
    form = SelfNominationForm(request.POST)
    if form.is_valid():
        try:
            services.nominate(
                actor=request.user,
                election=election,
                person=person,
                nominated_by="self",
                statement=form.cleaned_data["statement"],
            )
        except Refusal as refusal:
            messages.error(request, _refusal_text(refusal))
        else:
            messages.success(request, _("Your nomination is recorded."))
    return redirect("elections:detail", code=election.code)


def result(request: HttpRequest, code: str) -> HttpResponse:
    """The certified result with its explanation (public once certified); a void
    election's page says why it is void (its count, when it was counted, #16)."""
    election = _election_or_404(code)
    data = result_or_404(election)
    context = {
        "org": election.organisation,
        "election": election,
        "result": data,
        "notice": selectors.result_notice(election),
        "next_rounds": list(Election.objects.filter(previous_round=election)),
    }
    return render(request, "elections/result.html", context)


def result_or_404(election: Election) -> dict[str, Any]:
    """The result the result page shows: certified (public), or a void election's count
    that says why it is void; Http404 otherwise (also for its Excel and PDF)."""
    data = selectors.public_result(election)
    if data is None and election.status == ElectionStatus.VOID:
        data = dict(election.result or {})
        if data:
            data["explanation_translated"] = selectors.translated_explanation(data)
    if data is None:
        raise Http404(election.code)
    return data


def notice_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The printable 公示 notice of the candidate list or the result, as PDF."""
    election = _election_or_404(code)
    if kind == services.RESULT_NOTICE:
        notice = selectors.result_notice(election)
    elif kind == services.CANDIDATES_NOTICE:
        notice = selectors.candidates_notice(election)
    else:
        raise Http404(kind)
    if notice is None:
        raise Http404(kind)
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError):
        return HttpResponse(
            _(
                "The printable notice cannot be made on this server: WeasyPrint or "
                "its system libraries are missing. The notice is on its web page."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    with override("zh-hans"):  # a 公示 notice is posted in Chinese
        html = _notice_html(request, election, notice, kind)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{election.code}-{kind}.pdf"'
    return response


def _notice_url(request: HttpRequest, notice: Any) -> str:
    """The notice's page, where objections are lodged, as a full address."""
    path = reverse("publicity:detail", args=[notice.pk])
    base = getattr(settings, "TONGXUE_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _notice_html(
    request: HttpRequest, election: Election, notice: Any, kind: str
) -> str:
    # A printed notice cannot be clicked: it carries the page's address as text and as
    # a QR code (an SVG data URI, which WeasyPrint draws as vectors), #16.
    url = _notice_url(request, notice)
    return render_to_string(
        "elections/notice_print.html",
        {
            "election": election,
            "org": election.organisation,
            "notice": notice,
            "notice_url": url,
            "notice_qr": segno.make(url, error="m").svg_data_uri(
                scale=4, border=0, dark="#000"
            ),
            "result": selectors.public_result(election)
            if kind == services.RESULT_NOTICE
            else None,
            "candidates": selectors.public_candidates(election)
            if kind == services.CANDIDATES_NOTICE
            else None,
        },
        request=request,
    )


# -- managers --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, code: str) -> HttpResponse:
    """Set up an election (presidium, ``Perm.RUN_ELECTION``)."""
    org = get_or_404(code)
    if Perm.RUN_ELECTION not in perms_at(request.user, org.path):
        raise PermissionDenied
    form = ElectionForm(request.POST or None, organisation=org, prefix="e")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                election = services.create_election(
                    actor=request.user,
                    meeting=d["meeting"],
                    post=d["post"],
                    seats=d["seats"],
                    title=d["title"],
                    mode=d["mode"],
                    method=form.method(),
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect("elections:manage", code=election.code)
        status = 400
    return render(
        request, "elections/create.html", {"org": org, "form": form}, status=status
    )


def _manager_perms(request: HttpRequest, election: Election) -> set[Perm]:
    perms = perms_at(request.user, election.organisation.path)
    if not (MANAGER_PERMS & perms):
        raise PermissionDenied
    return perms


def manage(request: HttpRequest, code: str) -> HttpResponse:
    """The election dashboard: steps, conditions, candidates, assessments, actions."""
    election = _election_or_404(code)
    perms = _manager_perms(request, election)
    return _render_manage(request, election, perms)


def _render_manage(
    request: HttpRequest,
    election: Election,
    perms: set[Perm],
    *,
    conditions_form: ConditionsForm | None = None,
    nominate_form: NominateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    board = selectors.dashboard(election)
    if conditions_form is None:
        conditions_form = ConditionsForm(
            criteria=board.criteria,
            initial={f"c_{k}": c.text for k, c in board.conditions.items()},
            prefix="cond",
        )
    context = {
        "org": election.organisation,
        "election": election,
        "board": board,
        "perms": {p.value for p in perms},
        "can_run": Perm.RUN_ELECTION in perms,
        "can_guide": Perm.GUIDE in perms,
        "can_approve": Perm.APPROVE in perms,
        "can_assess": bool({Perm.RUN_ELECTION, Perm.GUIDE} & perms),
        "conditions_form": conditions_form,
        "nominate_form": nominate_form or NominateForm(prefix="nom"),
        "assess_form": AssessForm(prefix="a"),
        "buttons": _buttons(election, perms),
        "workflow": selectors.WORKFLOW,
    }
    return render(request, "elections/manage.html", context, status=status)


@require_POST
def conditions(request: HttpRequest, code: str) -> HttpResponse:
    """The Youth League committee sets the eligibility conditions (ELE-2)."""
    election = _election_or_404(code)
    perms = _manager_perms(request, election)
    criteria = selectors.dashboard(election).criteria
    form = ConditionsForm(request.POST, criteria=criteria, prefix="cond")
    if form.is_valid():
        try:
            services.set_conditions(
                actor=request.user,
                election=election,
                conditions=form.conditions(),
                comment=form.cleaned_data["comment"],
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The conditions are recorded."))
            return redirect("elections:manage", code=election.code)
    return _render_manage(request, election, perms, conditions_form=form, status=400)


@require_POST
def nominate(request: HttpRequest, code: str) -> HttpResponse:
    """The presidium records a nomination (its own, a joint or a self-nomination)."""
    election = _election_or_404(code)
    perms = _manager_perms(request, election)
    form = NominateForm(request.POST, prefix="nom")
    if form.is_valid():
        key = form.cleaned_data["person"].strip()
        person = Person.objects.filter(Q(ident=key) | Q(student_number=key)).first()
        if person is None:
            form.add_error("person", _("No student with this identifier."))
        else:
            try:
                services.nominate(
                    actor=request.user,
                    election=election,
                    person=person,
                    nominated_by=form.cleaned_data["nominated_by"],
                    statement=form.cleaned_data["statement"],
                    nominators=form.nominator_names(),
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(
                    request, _("%(name)s is nominated.") % {"name": person.name}
                )
                return redirect("elections:manage", code=election.code)
    return _render_manage(request, election, perms, nominate_form=form, status=400)


@require_POST
def assess(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Assess a candidate against one criterion with evidence (CAD-1)."""
    election = _election_or_404(code)
    _manager_perms(request, election)
    candidate = (
        Candidate.objects.select_related("person")
        .filter(election=election, pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404(pk)
    candidate.election = election
    form = AssessForm(request.POST, prefix="a")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.assess(
                actor=request.user,
                candidate=candidate,
                criterion=d["criterion"],
                met=d["met"],
                evidence_kind=d["evidence_kind"],
                evidence=d["evidence"],
            )
        except Refusal as refusal:
            messages.error(request, _refusal_text(refusal))
        else:
            messages.success(request, _("The assessment is recorded."))
    else:
        messages.error(
            request,
            "; ".join(str(e) for errs in form.errors.values() for e in errs),
        )
    url = reverse("elections:manage", kwargs={"code": election.code})
    return redirect(f"{url}#candidate-{candidate.pk}")


def _step(
    action: str,
    perm: Perm,
    target: str,
    label: Any,
    explain: Any,
    service: Callable[..., Any],
    *,
    sources: tuple[str, ...] = (),
    comment_required: bool = False,
    destructive: bool = False,
    has_comment: bool = True,
    has_contact: bool = False,
) -> Step:
    """A step of the workflow: a link to its confirmation page (:func:`act`), which
    explains it and asks for a comment (required to return, reopen, void, cancel)."""
    return Step(
        action=action,
        label=label,
        perm=perm,
        target=target,
        sources=sources,
        confirm=explain,
        destructive=destructive,
        link=True,
        button_id=f"action-{action}",
        service=service,
        options={
            "comment_required": comment_required,
            "has_comment": has_comment,
            "has_contact": has_contact,
        },
    )


#: The workflow's steps (tongxue.domain.lifecycle.ELECTION); opening, closing and
#: counting the ballot are the voting app's page.
STEPS = TransitionTable(
    ELECTION,
    [
        _step(
            "adopt",
            Perm.RUN_ELECTION,
            ElectionStatus.NOMINATION,
            gettext_lazy("Adopt the election method"),
            gettext_lazy(
                "Record that the congress adopted this election method; nomination "
                "opens and the method can no longer change."
            ),
            services.adopt_method,
            sources=(ElectionStatus.DRAFT,),
        ),
        _step(
            "submit",
            Perm.RUN_ELECTION,
            ElectionStatus.VETTING,
            gettext_lazy("Submit the candidates for approval"),
            gettext_lazy(
                "Send the assessed candidates to the Party committee for approval."
            ),
            services.submit_for_approval,
        ),
        _step(
            "approve",
            Perm.APPROVE,
            ElectionStatus.APPROVED,
            gettext_lazy("Approve the candidate list"),
            gettext_lazy(
                "Approve the eligible candidates; the list is published as a public "
                "notice."
            ),
            services.approve_candidates,
        ),
        _step(
            "return",
            Perm.APPROVE,
            ElectionStatus.NOMINATION,
            gettext_lazy("Return the list with comments"),
            gettext_lazy("Send the list back to the presidium with your comments."),
            services.return_candidates,
            sources=(ElectionStatus.VETTING,),
            comment_required=True,
        ),
        _step(
            "reopen",
            Perm.RUN_ELECTION,
            ElectionStatus.NOMINATION,
            gettext_lazy("Reopen nomination"),
            gettext_lazy(
                "Take the approved list back to nomination; it must be approved again."
            ),
            services.reopen_nomination,
            sources=(ElectionStatus.APPROVED,),
            comment_required=True,
            destructive=True,
        ),
        _step(
            "certify",
            Perm.RUN_ELECTION,
            ElectionStatus.CERTIFIED,
            gettext_lazy("Certify the result"),
            gettext_lazy(
                "Certify the count as the presidium; the result is published as a "
                "public notice open to objections."
            ),
            services.certify_result,
        ),
        _step(
            "void",
            Perm.RUN_ELECTION,
            ElectionStatus.VOID,
            gettext_lazy("Declare the vote void"),
            gettext_lazy("The whole vote is void and must be held again."),
            services.void_result,
            sources=(ElectionStatus.COUNTED,),
            comment_required=True,
            destructive=True,
        ),
        _step(
            "effective",
            Perm.RUN_ELECTION,
            ElectionStatus.EFFECTIVE,
            gettext_lazy("Make the result effective"),
            gettext_lazy(
                "The notice period is over and every objection answered: appoint the "
                "elected to the post."
            ),
            services.make_effective,
            has_comment=False,
            has_contact=True,
        ),
        # Not a move of this election: it creates the next round.
        _step(
            "next-round",
            Perm.RUN_ELECTION,
            "",
            gettext_lazy("Start the next round"),
            gettext_lazy(
                "Create the round the count requires, among the candidates it names, "
                "for the remaining seats, with the same election method."
            ),
            services.start_next_round,
            sources=(ElectionStatus.CERTIFIED, ElectionStatus.EFFECTIVE),
            has_comment=False,
        ),
        _step(
            "cancel",
            Perm.RUN_ELECTION,
            ElectionStatus.CANCELLED,
            gettext_lazy("Cancel the election"),
            gettext_lazy("Cancel the election; the reason is public."),
            services.cancel_election,
            comment_required=True,
            destructive=True,
        ),
    ],
)


def _buttons(election: Election, perms: set[Perm]) -> list[Button]:
    """The workflow's buttons for the election's status and the manager's permissions."""
    return STEPS.buttons(
        election,
        perms,
        url=lambda step: reverse("elections:act", args=[election.code, step.action]),
        # the next round only when the count asks for one
        when={"next-round": bool((election.result or {}).get("next_step"))},
    )


@require_http_methods(["GET", "POST"])
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Confirm (GET) and perform (POST) one step of the workflow."""
    election = _election_or_404(code)
    perms = _manager_perms(request, election)
    spec = STEPS.step(action)
    if spec is None or spec.service is None:
        raise Http404(action)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if spec.options["comment_required"]:
        form.fields["comment"].required = True
    status = 200
    if request.method == "POST":
        if spec.perm not in perms:
            raise PermissionDenied
        if form.is_valid():
            kwargs: dict[str, Any] = {"actor": request.user, "election": election}
            if spec.options["has_comment"]:
                kwargs["comment"] = form.cleaned_data["comment"]
            if spec.options["has_contact"]:
                kwargs["public_contact"] = form.cleaned_data["public_contact"]
            try:
                out = spec.service(**kwargs)
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(
                    request, _("Done: %(action)s.") % {"action": spec.label}
                )
                target = out if isinstance(out, Election) else election
                return redirect("elections:manage", code=target.code)
        status = 400
    context = {
        "org": election.organisation,
        "election": election,
        "action": spec,
        "form": form,
        "allowed": spec.perm in perms and election.status in STEPS.sources(spec),
    }
    return render(request, "elections/confirm.html", context, status=status)
