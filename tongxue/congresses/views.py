"""Congress pages: the seat table of a congress and its allocation (CON-3, CON-4).

The seat table and its explanation are public (they are published with the delegate
list). Allocating needs ``Perm.MANAGE`` at the congress's union. Views only parse input,
call :mod:`tongxue.congresses.services` and map a ``Refusal`` to a form error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from tongxue.congresses import selectors, services
from tongxue.congresses.forms import (
    METHOD_CHOICES,
    DelegateForm,
    DelegateUploadForm,
    FreezeDelegatesForm,
    GradeAllocationForm,
    PlanCongressForm,
    SeatAllocationForm,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.spreadsheets import safe_row, xlsx_row
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation


def _meeting_or_404(code: str, meeting_code: str) -> Meeting:
    org = get_or_404(code)
    try:
        meeting = Meeting.objects.get(code=meeting_code, organisation=org)
    except Meeting.DoesNotExist:
        raise Http404(meeting_code) from None
    meeting.organisation = org
    return meeting


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


# --------------------------------------------------------------------------- lifecycle


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


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
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
        "steps": selectors.next_steps(meeting) if can_manage else [],
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
    service = services.TRANSITIONS.get(target)  # type: ignore[call-overload]
    if service is None:
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
        service(actor=request.user, meeting=meeting, **kwargs)
    except Refusal as refusal:
        context = _detail_context(request, meeting)
        error = FreezeDelegatesForm(request.POST)
        error.is_valid()
        add_refusal(error, refusal)
        context["step_error"] = error
        context["step_target"] = target
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


# --------------------------------------------------------------------------- delegates


def _entry_context(
    request: HttpRequest,
    meeting: Meeting,
    form: DelegateForm | None = None,
    upload: DelegateUploadForm | None = None,
    row_errors: list[services.RowError] | None = None,
    entered: int | None = None,
) -> dict[str, Any]:
    live = selectors.representation(meeting)
    page = paginate(request, selectors.delegates(meeting))
    return {
        "org": meeting.organisation,
        "meeting": meeting,
        "live": live,
        "form": form or DelegateForm(),
        "upload": upload or DelegateUploadForm(),
        "row_errors": row_errors or [],
        "entered": entered,
        "page": page,
        "page_url": page_url(),
        "rows": selectors.delegate_rows(page, live.count.core_ids),
        "open": meeting.status == MeetingStatus.SEATS_ALLOCATED,
        "can_export": _can(request, meeting.organisation, Perm.EXPORT),
    }


@require_http_methods(["GET", "POST"])
def enter_delegates(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """Enter delegates one by one; the CON-5 share updates live (htmx)."""
    meeting = _meeting_or_404(code, meeting_code)
    if not _can(request, meeting.organisation):
        raise PermissionDenied
    form: DelegateForm | None = None
    status = 200
    if request.method == "POST":
        form = DelegateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.enter_delegate(
                    actor=request.user,
                    meeting=meeting,
                    ident=d["ident"],
                    seat=d["seat"],
                    grade=d["grade"],
                    election=services.ElectionInput(
                        d["electing_unit"], d["held"], d["electorate"], d["votes_cast"]
                    ),
                    votes=d["votes"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                form = None
                if not request.htmx:
                    return redirect(
                        "congresses:enter-delegates",
                        code=code,
                        meeting_code=meeting.code,
                    )
        if form is not None and not request.htmx:
            status = 400
    context = _entry_context(request, meeting, form=form)
    template = (
        "congresses/partials/_entry.html"
        if request.htmx
        else "congresses/enter_delegates.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["POST"])
def upload_delegates(
    request: HttpRequest, code: str, meeting_code: str
) -> HttpResponse:
    """Enter delegates from a CSV file, all or nothing; errors name row and field."""
    meeting = _meeting_or_404(code, meeting_code)
    if not _can(request, meeting.organisation):
        raise PermissionDenied
    upload = DelegateUploadForm(request.POST, request.FILES)
    row_errors: list[services.RowError] = []
    entered = None
    status = 400
    if upload.is_valid():
        try:
            text = upload.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            upload.add_error("file", gettext("The file is not UTF-8 text."))
        else:
            try:
                entered, row_errors = services.import_delegates(
                    actor=request.user, meeting=meeting, text=text
                )
            except Refusal as refusal:
                add_refusal(upload, refusal)
            else:
                status = 400 if row_errors else 200
    context = _entry_context(
        request, meeting, upload=upload, row_errors=row_errors, entered=entered
    )
    return render(request, "congresses/enter_delegates.html", context, status=status)


@require_http_methods(["POST"])
def remove_delegate(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    meeting = _meeting_or_404(code, meeting_code)
    if not _can(request, meeting.organisation):
        raise PermissionDenied
    delegate = get_object_or_404(
        Delegate.objects.select_related("person"), pk=pk, meeting=meeting
    )
    delegate.meeting = meeting
    try:
        services.remove_delegate(actor=request.user, delegate=delegate)
    except Refusal:
        return HttpResponse(status=400)
    return redirect("congresses:enter-delegates", code=code, meeting_code=meeting.code)


@require_http_methods(["GET"])
def share(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """The live CON-5 share of non-core delegates (an htmx partial)."""
    meeting = _meeting_or_404(code, meeting_code)
    return render(
        request,
        "congresses/partials/_share.html",
        {
            "org": meeting.organisation,
            "meeting": meeting,
            "live": selectors.representation(meeting),
        },
    )


@require_http_methods(["GET"])
def public_delegates(
    request: HttpRequest, code: str, meeting_code: str
) -> HttpResponse:
    """The public delegate list with provenance and the allocation (no identifiers)."""
    meeting = _meeting_or_404(code, meeting_code)
    page = paginate(request, selectors.delegates(meeting))
    table = selectors.allocation_table(meeting)
    return render(
        request,
        "congresses/delegates.html",
        {
            "org": meeting.organisation,
            "meeting": meeting,
            "page": page,
            "page_url": page_url(),
            "rows": selectors.delegate_rows(page),
            "table": table,
            "grades": selectors.grade_table(table),
            "method_label": dict(METHOD_CHOICES).get(table.allocation.method, "")
            if table is not None
            else "",
            "can_export": _can(request, meeting.organisation, Perm.EXPORT),
        },
    )


@require_http_methods(["GET"])
def provenance(
    request: HttpRequest, code: str, meeting_code: str, pk: int
) -> HttpResponse:
    """One delegate's provenance: the election that elected them (CON-6), public."""
    meeting = _meeting_or_404(code, meeting_code)
    delegate = get_object_or_404(selectors.delegates(meeting), pk=pk)
    row = selectors.delegate_rows([delegate])[0]
    return render(
        request,
        "congresses/provenance.html",
        {"org": meeting.organisation, "meeting": meeting, "row": row},
    )


@require_http_methods(["GET"])
def export_delegates(
    request: HttpRequest, code: str, meeting_code: str, fmt: str
) -> HttpResponse:
    """The delegate list for managers, as CSV (re-importable) or Excel."""
    meeting = _meeting_or_404(code, meeting_code)
    if not _can(request, meeting.organisation, Perm.EXPORT):
        raise PermissionDenied
    header = ["name", *services.CSV_COLUMNS]
    lines = [
        [
            d.person.name,
            d.person.ident,
            d.seat_unit.code if d.seat_unit else "",
            d.seat_grade if d.seat_grade is not None else "",
            d.election.unit.code if d.election else "",
            d.election.held.isoformat() if d.election else "",
            d.election.electorate if d.election else "",
            d.election.votes_cast if d.election else "",
            d.votes if d.votes is not None else "",
        ]
        for d in selectors.delegates(meeting)
    ]
    name = f"{meeting.code}-delegates"
    if fmt == "csv":
        import csv

        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(safe_row(line) for line in lines)
        return response
    if fmt == "xlsx":
        import io

        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "delegates"
        sheet.append(header)
        for line in lines:
            sheet.append(xlsx_row(sheet, line))
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404(fmt)


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The organisation page's newest meetings (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT` by ``CongressesConfig.ready()``)."""
    return {"meetings": selectors.recent_meetings(organisation=org)}
