"""The seat table of a congress meeting and its allocation (CON-3, CON-4)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tongxue.congresses import selectors, services
from tongxue.congresses.forms import (
    METHOD_CHOICES,
    SeatAllocationForm,
)
from tongxue.congresses.models import MeetingStatus
from tongxue.congresses.views.shared import (
    _meeting_or_404,
)
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal


@require_http_methods(["GET", "POST"])
def seats(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Show the seat table of a congress; managers allocate the seats (CON-3, CON-4)."""
    meeting = _meeting_or_404(code, meeting_code)
    org = meeting.organisation
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    form: SeatAllocationForm | None = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = SeatAllocationForm(request.POST, prefix="seats")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.allocate_seats(
                    actor=request.user,
                    meeting=meeting,
                    method=data["method"],
                    seats=data["seats"],
                    min_seats=data["min_seats"],
                    tie=data["tie"],
                    seed=data["seed"] if data["tie"] == "lot" else None,
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                if not request.htmx:
                    return redirect(
                        "congresses:seats", code=org.code, meeting_code=meeting.code
                    )
                form = None
        if form is not None:
            status = 400 if not request.htmx else 200
    table = selectors.allocation_table(meeting)
    if can_manage and form is None and meeting.status == MeetingStatus.PLANNED:
        form = SeatAllocationForm(initial=_initial_from(table), prefix="seats")
    context = {
        "org": org,
        "meeting": meeting,
        "table": table,
        "grades": selectors.grade_table(table),
        "method_label": dict(METHOD_CHOICES).get(table.allocation.method, "")
        if table is not None
        else "",
        "can_manage": can_manage,
        "form": form,
    }
    template = (
        "congresses/partials/_seats.html"
        if request.htmx and request.method == "POST"
        else "congresses/seats.html"
    )
    return render(request, template, context, status=status)


def _initial_from(table: selectors.SeatTable | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "method": "sainte-lague",
        "min_seats": 1,
        "tie": "refuse",
    }
    if table is not None:
        a = table.allocation
        initial |= {
            "method": a.method,
            "seats": a.seats,
            "min_seats": a.min_seats_per_unit,
            "tie": a.tie,
            "seed": a.seed,
        }
    return initial
