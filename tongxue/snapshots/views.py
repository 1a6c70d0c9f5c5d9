"""Web import of a snapshot at an organisation (ORG-1), for users with ``Perm.IMPORT``.

Two steps: the uploaded ``.json`` or ``.xlsx`` file is first imported as a dry run,
which shows what would be created, updated and left unchanged — or every problem, by
table or sheet, row and field. The user then submits the same file again with "I have
reviewed the dry run" ticked; the file's SHA-256 digest, kept in the session, must be
that of the dry run. Nothing is stored between the two steps but that digest.

Every organisation the file touches must lie within the organisation's subtree: the
scope check below refuses a file that would create, change or move an organisation
outside it, or attach rows to one. The snapshot package itself knows nothing of scopes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxue.core.errors import render_message
from tongxue.core.permissions import Perm, has_perm
from tongxue.domain.findings import Message
from tongxue.domain.snapshot import DOCUMENT, ROW_KEY, SnapshotError
from tongxue.organisations.models import Organisation
from tongxue.organisations.views import get_or_404
from tongxue.snapshots import selectors
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.jsonio import read_json
from tongxue.snapshots.services import ImportResult, import_file
from tongxue.snapshots.xlsxio import read_xlsx

#: The largest file accepted, in bytes.
MAX_UPLOAD = 20 * 1024 * 1024
SUFFIXES = (".json", ".xlsx")
_SESSION_KEY = "tongxue.import.reviewed"
#: Columns that name an organisation, per table.
_ORG_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("parent",),
    "people": ("department", "class"),
    "positions": ("organisation",),
    "meetings": ("organisation",),
    "reviews": ("reviewer", "reviewed"),
    "justifications": ("organisation",),
}
_CHUNK = 900


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Snapshot file (.json or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.xlsx"}),
    )
    reviewed = forms.BooleanField(
        label=_("I have reviewed the dry run of this file: import it for real"),
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Choose a .json or .xlsx file."), code="invalid"
            )
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)d MB.")
                % {"size": MAX_UPLOAD // (1024 * 1024)},
                code="invalid",
            )
        return upload


# -- scope ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _rows(doc: Mapping[str, Any], table: str) -> list[tuple[int, Mapping[str, Any]]]:
    rows = doc.get(table)
    if not isinstance(rows, list):
        return []
    return [
        (row.get(ROW_KEY, index + 1), row)
        for index, row in enumerate(rows)
        if isinstance(row, Mapping)
    ]


def _stored(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Return ``code -> (path, parent code)`` of the stored organisations among ``codes``."""
    wanted = sorted({c for c in codes if c})
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        for code, path, parent in Organisation.objects.filter(
            code__in=wanted[start : start + _CHUNK]
        ).values_list("code", "path", "parent__code"):
            out[code] = (path, parent or "")
    return out


def scope_errors(doc: Mapping[str, Any], scope: Organisation) -> list[SnapshotError]:
    """Return an error for every row that reaches outside ``scope``'s subtree.

    An organisation row is in scope when it is ``scope`` itself under its present
    parent, or when its parent chain — through the file, then the database — reaches
    ``scope``, and it is not a stored organisation outside the subtree (the import
    would move it). A row of any table naming a stored organisation outside the subtree
    is out of scope too. References to unknown codes and cycles are left to the import,
    which reports them.
    """
    orgs = _rows(doc, "organisations")
    parent_in_file = {_text(r.get("code")): _text(r.get("parent")) for _, r in orgs}
    referenced = set(parent_in_file) | set(parent_in_file.values())
    for table, columns in _ORG_COLUMNS.items():
        for _n, row in _rows(doc, table):
            referenced.update(_text(row.get(c)) for c in columns)
    stored = _stored(referenced)
    scope_parent = stored.get(scope.code, (scope.path, ""))[1]
    memo: dict[str, bool] = {}

    def stored_inside(code: str) -> bool:
        return code not in stored or stored[code][0].startswith(scope.path)

    def inside(code: str, seen: frozenset[str] = frozenset()) -> bool:
        """Return whether ``code`` is (or will be) within the subtree of ``scope``."""
        if code == scope.code:
            return True
        if code in memo:
            return memo[code]
        if code in seen:
            return True  # a cycle: the import reports it
        if code in parent_in_file:
            parent = parent_in_file[code]
            ok = stored_inside(code) and bool(parent) and inside(parent, seen | {code})
        else:
            ok = stored_inside(code)
        memo[code] = ok
        return ok

    errors: list[SnapshotError] = []

    def error(table: str, row: int, field: str, code: str) -> None:
        errors.append(
            SnapshotError(
                table,
                row,
                field,
                Message(
                    gettext_noop(
                        "The organisation {code} is not within {scope}: you may only "
                        "import organisations within it."
                    ),
                    {"code": code, "scope": scope.code},
                ),
            )
        )

    for number, row in orgs:
        code, parent = _text(row.get("code")), _text(row.get("parent"))
        if code == scope.code:
            if parent != scope_parent:
                errors.append(
                    SnapshotError(
                        "organisations",
                        number,
                        "parent",
                        Message(
                            gettext_noop(
                                "{code} cannot be moved from here: its parent must "
                                "stay “{parent}”."
                            ),
                            {"code": code, "parent": scope_parent},
                        ),
                    )
                )
        elif code and not inside(code):
            error("organisations", number, "code", code)
    for table, columns in _ORG_COLUMNS.items():
        if table == "organisations":
            continue
        for number, row in _rows(doc, table):
            for column in columns:
                code = _text(row.get(column))
                if code and not inside(code):
                    error(table, number, column, code)
    return errors


def _parse(data: bytes, suffix: str) -> dict[str, Any] | None:
    """Return the document in the file, or None when it does not parse (the import says why)."""
    try:
        if suffix == ".json":
            return read_json(data)
        doc, _errors = read_xlsx(data)
    except SnapshotInvalid:
        return None
    return doc


# -- views ---------------------------------------------------------------------------


def _require_import(request: HttpRequest, code: str) -> Organisation:
    org = get_or_404(code)
    if not has_perm(request.user, Perm.IMPORT, org.path):
        raise PermissionDenied
    return org


def _error_rows(errors: list[SnapshotError], workbook: bool) -> list[dict[str, Any]]:
    where = gettext("sheet") if workbook else gettext("table")
    return [
        {
            "table": "" if e.table == DOCUMENT else e.table,
            "row": e.row or "",
            "field": e.field or "",
            "message": render_message(e.message),
            "where": where,
        }
        for e in errors
    ]


def _counts(result: ImportResult) -> list[dict[str, Any]]:
    return [
        {"table": name, **c.as_dict()}
        for name, c in result.counts.items()
        if c.created or c.updated or c.unchanged
    ]


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a snapshot: a dry run first, then the real import of the same file."""
    org = _require_import(request, code)
    context: dict[str, Any] = {"org": org, "max_mb": MAX_UPLOAD // (1024 * 1024)}
    if request.method == "GET":
        context["form"] = ImportForm()
        return render(request, "snapshots/import.html", context)
    form = ImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "snapshots/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    suffix = Path(upload.name).suffix.lower()
    digest = hashlib.sha256(data).hexdigest()
    reviewed = request.session.get(_SESSION_KEY, {})
    real = form.cleaned_data["reviewed"]
    if real and reviewed.get(org.code) != digest:
        form.add_error(
            "file",
            _(
                "This is not the file of your last dry run here: run the dry run on it "
                "first (untick the box)."
            ),
        )
        return render(request, "snapshots/import.html", context, status=400)
    workbook = suffix == ".xlsx"
    doc = _parse(data, suffix)
    errors = scope_errors(doc, org) if doc is not None else []
    result: ImportResult | None = None
    if not errors:
        try:
            result = import_file(
                data, filename=upload.name, actor=request.user, dry_run=not real
            )
        except SnapshotInvalid as exc:
            errors = exc.errors
            workbook = exc.workbook or workbook
    context |= {"filename": upload.name, "dry_run": not real}
    if errors:
        reviewed.pop(org.code, None)
        request.session[_SESSION_KEY] = reviewed
        context |= {"errors": _error_rows(errors, workbook), "workbook": workbook}
        context["form"] = ImportForm()
        return render(request, "snapshots/import.html", context, status=400)
    assert result is not None
    if real:
        reviewed.pop(org.code, None)
    else:
        reviewed[org.code] = digest
    request.session[_SESSION_KEY] = reviewed
    context |= {
        "result": result,
        "counts": _counts(result),
        "form": ImportForm(initial={"reviewed": not real}),
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
