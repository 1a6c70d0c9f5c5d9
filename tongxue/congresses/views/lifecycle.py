"""Congress list, planning, the detail page and its transitions; seats by grade."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tongxue.congresses import selectors, services
from tongxue.congresses.forms import (
    METHOD_CHOICES,
    FreezeDelegatesForm,
    GradeAllocationForm,
    PlanCongressForm,
)
from tongxue.congresses.models import Meeting, MeetingKind, MeetingStatus
from tongxue.congresses.views.shared import (
    _meeting_or_404,
)
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.domain.lifecycle import CONGRESS
from tongxue.organisations.http import get_or_404


def _can(request: HttpRequest, org: Any, perm: Perm = Perm.MANAGE) -> bool:
    return has_perm(request.user, perm, org.path)


@require_http_methods(["GET"])
def congress_list(request: HttpRequest, code: str) -> HttpResponse:
    """The union's congresses, assemblies and standing meetings, newest first."""
    org = get_or_404(code)
    page = paginate(request, selectors.congresses(organisation=org))
    return render(
        request,
        "congresses/list.html",
        {
            "org": org,
            "page": page,
            "page_url": page_url(),
            "can_manage": _can(request, org),
        },
    )


@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, code: str) -> HttpResponse:
    """Plan a congress, an all-student assembly (CON-2) or a standing meeting."""
    org = get_or_404(code)
    if not _can(request, org):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = PlanCongressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.plan_congress(
                    actor=request.user,
                    organisation=org,
                    kind=data["kind"],
                    opened=data["opened"],
                    closes=data["closes"],
                    session=data["session"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect(
                    "congresses:detail", code=org.code, meeting_code=meeting.code
                )
        status = 400
    else:
        form = PlanCongressForm(initial={"kind": MeetingKind.CONGRESS})
    return render(
        request, "congresses/plan.html", {"org": org, "form": form}, status=status
    )


def _step(target: str, label: Any, confirm: Any, service: Any, **kw: Any) -> Step:
    """A step of the congress lifecycle: a folded form that asks ``confirm``."""
    return Step(
        action=target,
        target=target,
        label=label,
        confirm=confirm,
        perm=Perm.MANAGE,
        fold=True,
        details_id=f"step-{target}",
        service=service,
        **kw,
    )


_REOPEN_PREPARATIONS = _step(
    MeetingStatus.PLANNED,
    gettext_lazy("Reopen the preparations"),
    gettext_lazy(
        "Reopen the preparations? This is possible only while no participant is "
        "entered."
    ),
    services.unfreeze_seats,
    destructive=True,
)
_AFTER_PREPARATIONS = (
    _step(
        MeetingStatus.DELEGATES_ELECTED,
        gettext_lazy("Freeze the delegate list"),
        gettext_lazy(
            "Freeze the delegate list? No delegate can be added or removed afterwards."
        ),
        services.freeze_delegates,
        fields="congresses/partials/_freeze_fields.html",
    ),
    _step(
        MeetingStatus.CONVENED,
        gettext_lazy("Convene the congress"),
        gettext_lazy("Record that the congress has convened?"),
        services.convene,
    ),
    _step(
        MeetingStatus.CLOSED,
        gettext_lazy("Close the congress"),
        gettext_lazy("Record that the congress has closed?"),
        services.close,
    ),
)

#: The steps of each kind of meeting, one service each. An all-student assembly or a
#: standing-conference meeting allocates no seats: its first step only finishes the
#: preparations.
STEPS = {
    MeetingKind.CONGRESS: TransitionTable(
        CONGRESS,
        [
            _step(
                MeetingStatus.SEATS_ALLOCATED,
                gettext_lazy("Freeze the seats"),
                gettext_lazy(
                    "Freeze the seat allocation? It can no longer be changed; "
                    "delegates can then be entered."
                ),
                services.freeze_seats,
            ),
            _step(
                MeetingStatus.PLANNED,
                gettext_lazy("Unfreeze the seats"),
                gettext_lazy(
                    "Unfreeze the seats? This is possible only while no delegate is "
                    "entered."
                ),
                services.unfreeze_seats,
                destructive=True,
            ),
            *_AFTER_PREPARATIONS,
        ],
    ),
    MeetingKind.ASSEMBLY: TransitionTable(
        CONGRESS,
        [
            _step(
                MeetingStatus.SEATS_ALLOCATED,
                gettext_lazy("Finish the preparations"),
                gettext_lazy(
                    "Finish the preparations? An all-student assembly allocates no "
                    "seats: every student of the department may attend."
                ),
                services.freeze_seats,
            ),
            _REOPEN_PREPARATIONS,
            *_AFTER_PREPARATIONS,
        ],
    ),
    MeetingKind.STANDING_CONFERENCE: TransitionTable(
        CONGRESS,
        [
            _step(
                MeetingStatus.SEATS_ALLOCATED,
                gettext_lazy("Finish the preparations"),
                gettext_lazy(
                    "Finish the preparations? A standing-conference meeting allocates "
                    "no seats: its members are the standing delegates."
                ),
                services.freeze_seats,
            ),
            _REOPEN_PREPARATIONS,
            *_AFTER_PREPARATIONS,
        ],
    ),
}


def _detail_context(
    request: HttpRequest, meeting: Meeting, *, opened: str = ""
) -> dict[str, Any]:
    org = meeting.organisation
    table = selectors.allocation_table(meeting)
    can_manage = _can(request, org)
    live = (
        selectors.representation(meeting)
        if meeting.kind == MeetingKind.CONGRESS
        else None
    )
    return {
        "org": org,
        "meeting": meeting,
        "table": table,
        "grades": selectors.grade_table(table),
        "method_label": dict(METHOD_CHOICES).get(table.allocation.method, "")
        if table is not None
        else "",
        "can_manage": can_manage,
        "buttons": STEPS[meeting.kind].buttons(
            meeting,
            {Perm.MANAGE} if can_manage else set(),
            url=lambda step: reverse(
                "congresses:transition", args=[org.code, meeting.code, step.action]
            ),
            opened=opened,
        ),
        "live": live,
        "delegate_count": live.count.delegates if live is not None else 0,
        "freeze_form": FreezeDelegatesForm(),
        "states": MeetingStatus.choices,
    }


@require_http_methods(["GET"])
def detail(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """A congress: its status, the next steps, its seats and its delegates."""
    meeting = _meeting_or_404(code, meeting_code)
    return render(request, "congresses/detail.html", _detail_context(request, meeting))


@require_http_methods(["POST"])
def transition(
    request: HttpRequest, code: str, meeting_code: str, target: str
) -> HttpResponse:
    """Move a congress one step in its lifecycle (one service per transition)."""
    meeting = _meeting_or_404(code, meeting_code)
    if not _can(request, meeting.organisation):
        raise PermissionDenied
    step = STEPS[meeting.kind].step(target)
    if step is None or step.service is None:
        raise Http404(target)
    kwargs: dict[str, Any] = {}
    form = FreezeDelegatesForm(request.POST)
    if target == MeetingStatus.DELEGATES_ELECTED and form.is_valid():
        kwargs = {
            "reason": form.cleaned_data["reason"],
            "approved_by": form.cleaned_data["approved_by"],
            "approved_on": form.cleaned_data["approved_on"],
        }
    try:
        step.service(actor=request.user, meeting=meeting, **kwargs)
    except Refusal as refusal:
        context = _detail_context(request, meeting, opened=target)
        error = FreezeDelegatesForm(request.POST)
        error.is_valid()
        add_refusal(error, refusal)
        context["step_error"] = error
        if target == MeetingStatus.DELEGATES_ELECTED:
            context["freeze_form"] = error
        return render(request, "congresses/detail.html", context, status=400)
    return redirect("congresses:detail", code=code, meeting_code=meeting.code)


@require_http_methods(["GET", "POST"])
def seats_by_grade(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Allocate seats by department and grade (biproportional) and main clubs (CON-4)."""
    meeting = _meeting_or_404(code, meeting_code)
    org = meeting.organisation
    if not _can(request, org):
        raise PermissionDenied
    clubs = [(c.code, c.name) for c in services.main_clubs(org)]
    status = 200
    if request.method == "POST":
        form = GradeAllocationForm(request.POST, request.FILES, clubs=clubs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.allocate_seats_by_grade(
                    actor=request.user,
                    meeting=meeting,
                    seats=data["seats"],
                    method=data["method"],
                    min_seats=data["min_seats"],
                    matrix=data["parsed_matrix"],
                    clubs=data["clubs"],
                    tie=data["tie"],
                    seed=data["seed"] if data["tie"] == "lot" else None,
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                return redirect(
                    "congresses:seats", code=org.code, meeting_code=meeting.code
                )
        status = 400
    else:
        form = GradeAllocationForm(clubs=clubs)
    return render(
        request,
        "congresses/seats_by_grade.html",
        {"org": org, "meeting": meeting, "form": form},
        status=status,
    )
