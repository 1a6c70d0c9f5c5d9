"""Web import of a snapshot at an organisation (ORG-1), for users with ``Perm.IMPORT``.

Two steps: the uploaded ``.json`` or ``.xlsx`` file is first imported as a dry run,
which shows what would be created, updated and left unchanged — or every problem, by
table or sheet, row and field. A dry run that passes keeps the file (#16,
``background.keep_dry_run``): the user confirms it by its token with "I have reviewed
the dry run" ticked (the box comes unticked), without choosing the file again — the
token is theirs alone, at this organisation, for an hour, once. Choosing the same file
again still works: its SHA-256 digest, kept in the session, must be the dry run's.

The service checks the permission and the scope (``within`` the page's organisation:
every row the file creates, changes, moves or points to must lie in its subtree,
:mod:`tongxue.snapshots.scope`); this view only parses the form and shows the result.

Long work runs as a background job (#14, docs/snapshot.md "Large files"): a file over
``SNAPSHOT_IMPORT_JOB_BYTES`` is checked cheaply here, kept, and imported (or dry-run)
by a job; the request redirects to the job's page, whose result link is
:func:`import_result`, the same page as a small file's. An export of a subtree of more
than ``SNAPSHOT_EXPORT_JOB_ORGANISATIONS`` organisations is prepared by a job too, and
:func:`download` serves the file to the person who started it.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.domain.snapshot import SnapshotError
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation
from tongxue.snapshots import limits, selectors
from tongxue.snapshots.errors import (
    SheetNames,
    SnapshotInvalid,
    listed,
    message_text,
    more_text,
    names_of,
    place_of,
)
from tongxue.snapshots.names import sheet_name
from tongxue.snapshots.services import (
    ImportResult,
    TableCounts,
    background,
    content_size,
    import_file,
)

SUFFIXES = (".json", ".xlsx")
_SESSION_KEY = "tongxue.import.reviewed"


def _megabytes(size: int) -> int:
    return max(size // (1 << 20), 1)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Snapshot file (.json or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
        required=False,
    )
    #: The token of a dry run whose file is kept: confirm it without choosing it again.
    upload = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    reviewed = forms.BooleanField(
        label=_("I have reviewed the dry run of this file: import it for real"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("upload") and not self.errors:
            self.add_error("file", _("Choose a .json or .xlsx file."))
        elif data.get("upload") and not data.get("file") and not data["reviewed"]:
            self.add_error(
                "reviewed", _("Tick the box to confirm that you reviewed the dry run.")
            )
        return data

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Choose a .json or .xlsx file."), code="invalid"
            )
        if upload.size > limits.max_upload_bytes():
            raise forms.ValidationError(
                _("The file is too large: at most %(size)d MB.")
                % {"size": _megabytes(limits.max_upload_bytes())},
                code="invalid",
            )
        return upload


# -- views ---------------------------------------------------------------------------


def _require_import(request: HttpRequest, code: str) -> Organisation:
    org = get_or_404(code)
    if not has_perm(request.user, Perm.IMPORT, org.path):
        raise PermissionDenied
    return org


def _error_rows(
    errors: list[SnapshotError], workbook: bool, names: SheetNames | None = None
) -> list[dict[str, Any]]:
    """The problems for the page, each sheet and column named as the file names them
    (人员 · 姓名 in a Chinese workbook, #16)."""
    where = gettext("sheet") if workbook else gettext("table")
    shown = names_of(workbook, names)
    rows = []
    for e in errors:
        sheet, column = place_of(e, shown)
        rows.append(
            {
                "table": sheet,
                "row": e.row or "",
                "field": column,
                "message": message_text(e, shown),
                "where": where,
            }
        )
    return rows


def _counts(result: ImportResult) -> list[dict[str, Any]]:
    # Each table by its sheet's name in the reader's language (人员, people).
    return [
        {"table": sheet_name(name), **c.as_dict()}
        for name, c in result.counts.items()
        if c.created or c.updated or c.unchanged
    ]


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a snapshot: a dry run first, then the real import of the same file."""
    org = _require_import(request, code)
    context: dict[str, Any] = {
        "org": org,
        "max_mb": _megabytes(limits.max_upload_bytes()),
        "job_mb": _megabytes(limits.import_job_bytes()),
    }
    if request.method == "GET":
        context["form"] = ImportForm()
        return render(request, "snapshots/import.html", context)
    form = ImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        # A confirmation sent without its box ticked: ask again, file still kept.
        kept = background.kept_dry_run(
            request.user, org.code, request.POST.get("upload", "")
        )
        if kept is not None and not request.FILES:
            context |= {"token": str(kept.pk), "filename": kept.name}
        return render(request, "snapshots/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    reviewed = request.session.get(_SESSION_KEY, {})
    real = form.cleaned_data["reviewed"]
    kept = None
    if upload is None:
        # The confirmation of a dry run whose file is kept (#16): no file chosen again.
        kept = background.kept_dry_run(
            request.user, org.code, form.cleaned_data["upload"]
        )
        if kept is None:
            form.add_error(
                "file",
                _(
                    "The file of that dry run is no longer kept (it is kept for an "
                    "hour, for one import): choose it again and check it."
                ),
            )
            return render(request, "snapshots/import.html", context, status=400)
        data, filename = bytes(kept.data or b""), kept.name
    else:
        data, filename = upload.read(), upload.name
    suffix = Path(filename).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    if real and kept is None and reviewed.get(org.code) != digest:
        form.add_error(
            "file",
            _(
                "This is not the file of your last dry run here: run the dry run on it "
                "first (untick the box)."
            ),
        )
        return render(request, "snapshots/import.html", context, status=400)
    workbook = suffix == ".xlsx"
    errors: list[SnapshotError] = []
    names: SheetNames | None = None
    result: ImportResult | None = None
    try:
        if background.import_runs_as_job(content_size(data, filename)):
            job = background.start_import_job(
                actor=request.user,
                within=org.code,
                data=data,
                filename=filename,
                dry_run=not real,
            )
            # The review goes to this dry run once it is done (import_result);
            # a confirmation is spent.
            reviewed.pop(org.code, None)
            request.session[_SESSION_KEY] = reviewed
            if real:
                background.spend_dry_runs(request.user, org.code)
            return redirect("jobs:detail", job.pk)
        result = import_file(
            data,
            filename=filename,
            actor=request.user,
            within=org.code,
            dry_run=not real,
        )
    except SnapshotInvalid as exc:
        errors = exc.errors
        workbook = exc.workbook or workbook
        names = exc.names
    except Refusal:
        raise PermissionDenied from None
    context |= {"filename": filename, "dry_run": not real}
    if errors:
        reviewed.pop(org.code, None)
        request.session[_SESSION_KEY] = reviewed
        shown, more = listed(errors)
        context |= {
            "errors": _error_rows(shown, workbook, names),
            "error_total": len(errors),
            "errors_more": more_text(more) if more else "",
            "workbook": workbook,
        }
        context["form"] = ImportForm()
        return render(request, "snapshots/import.html", context, status=400)
    assert result is not None
    token = ""
    if real:
        reviewed.pop(org.code, None)
        background.spend_dry_runs(request.user, org.code)
    else:
        reviewed[org.code] = digest
        # Kept for its confirmation, without choosing the file again (#16).
        token = str(
            background.keep_dry_run(
                actor=request.user,
                within=org.code,
                data=data,
                filename=filename,
                result=_result_data(result),
            ).pk
        )
    request.session[_SESSION_KEY] = reviewed
    context |= {
        "result": result,
        "counts": _counts(result),
        # The box comes unticked: confirming is a choice.
        "form": ImportForm(initial={"upload": token}),
        "token": token,
    }
    return render(request, "snapshots/import.html", context)


def _result_data(result: ImportResult) -> dict[str, Any]:
    """What an import did, as a job stores it (:func:`_stored_result` reads it)."""
    return {
        "dry_run": result.dry_run,
        "counts": result.as_dict(),
        "moved": result.moved,
        "not_stored": result.not_stored,
    }


def _stored_result(data: dict[str, Any]) -> ImportResult:
    result = ImportResult(
        dry_run=bool(data.get("dry_run")),
        moved=int(data.get("moved", 0)),
        not_stored=dict(data.get("not_stored") or {}),
    )
    for name, counts in (data.get("counts") or {}).items():
        if name in result.counts:
            result.counts[name] = TableCounts(**counts)
    return result


@require_GET
def import_result(request: HttpRequest, code: str, job_id: uuid.UUID) -> HttpResponse:
    """What an import or dry run run as a job did: the same page as a small file's.

    Only the person who started it sees it (404 for anyone else), while they may still
    import here. After a dry run, the file is the one to confirm, as after a small one.
    """
    org = _require_import(request, code)
    stored = selectors.import_result(request.user, org.code, job_id)
    if stored is None:
        raise Http404
    result = _stored_result(stored.result or {})
    token = ""
    if result.dry_run:
        reviewed = request.session.get(_SESSION_KEY, {})
        reviewed[org.code] = stored.sha256
        request.session[_SESSION_KEY] = reviewed
        kept = background.kept_dry_run(request.user, org.code, str(stored.pk))
        token = str(kept.pk) if kept is not None else ""
    context: dict[str, Any] = {
        "org": org,
        "max_mb": _megabytes(limits.max_upload_bytes()),
        "job_mb": _megabytes(limits.import_job_bytes()),
        "filename": stored.name,
        "dry_run": result.dry_run,
        "result": result,
        "counts": _counts(result),
        "job_id": job_id,
        "form": ImportForm(initial={"upload": token}),
        "token": token,
    }
    return render(request, "snapshots/import.html", context)


@require_GET
def template(request: HttpRequest, code: str) -> HttpResponse:
    """Download the empty Excel workbook to fill in (every sheet with its header row)."""
    _require_import(request, code)
    response = HttpResponse(
        selectors.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tongxue-template.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Download the organisation's subtree as a snapshot (JSON) or a workbook (XLSX).

    Needs ``Perm.EXPORT`` at the organisation or above (ORG-1). Linked from the
    organisation's compliance page. A subtree of more than
    ``SNAPSHOT_EXPORT_JOB_ORGANISATIONS`` organisations is exported by a background
    job (#14): GET shows a page saying so, whose button (POST) starts the job and
    goes to its page.
    """
    org = get_or_404(code)
    if not has_perm(request.user, Perm.EXPORT, org.path):
        raise PermissionDenied
    count = background.subtree_organisations(org.path)
    if count > limits.export_job_organisations():
        if request.method == "POST":
            try:
                job = background.start_export_job(
                    actor=request.user, code=org.code, fmt=fmt
                )
            except Refusal:
                raise PermissionDenied from None
            return redirect("jobs:detail", job.pk)
        context = {"org": org, "fmt": fmt, "organisations": count}
        return render(request, "snapshots/export.html", context)
    if fmt == "json":
        response = HttpResponse(
            selectors.export_json(org.code),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            selectors.export_xlsx(org.code),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{org.code}.{fmt}"'
    return response


@login_required
@require_GET
def download(request: HttpRequest, code: str, file_id: uuid.UUID) -> HttpResponse:
    """An export prepared by a job, for the person who started it only (404 for anyone
    else, and once it has expired), while they may still export there; never cached."""
    stored = selectors.exported_file(request.user, code, file_id)
    if stored is None:
        raise Http404
    org = get_or_404(code)
    if not has_perm(request.user, Perm.EXPORT, org.path):
        raise Http404
    response = HttpResponse(bytes(stored.data or b""), content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["Cache-Control"] = "private, no-store"
    return response
