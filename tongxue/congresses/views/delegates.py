"""Delegate entry, upload, removal, sharing, the public list and its export."""

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
)
from tongxue.congresses.models import Delegate, Meeting, MeetingStatus
from tongxue.congresses.views.lifecycle import (
    _can,
)
from tongxue.congresses.views.shared import (
    _meeting_or_404,
)
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.spreadsheets import safe_row, xlsx_row
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.organisations.models import Organisation


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
    items = list(page)
    # RGT-6: the contacts each received through the relay (counts only, one query)
    rows, counted = selectors.with_contacts(
        meeting.organisation, items, selectors.delegate_rows(items)
    )
    return render(
        request,
        "congresses/delegates.html",
        {
            "org": meeting.organisation,
            "meeting": meeting,
            "page": page,
            "page_url": page_url(),
            "rows": rows,
            "contacts_counted": counted,
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
