"""A page's tables as a file to download: Excel (openpyxl) and PDF (WeasyPrint), #16.

A view builds an :class:`Export` from the rows its page shows (in the user's language,
under the page's own permission) and returns :func:`response` for the format asked. Both
files carry a title block: the title, the lines naming the organisation, the meeting or
election and its date, and the page's address as text, so that a printed or forwarded
copy says where it came from; the PDF adds the address as a QR code (segno), the way
the printed 公示 notice does (``elections/notice_print.html``).

- Excel: one sheet per table: the title block, a blank row, the bold header row (frozen),
  the rows, then the table's notes. Texts go through :func:`tongxue.core.spreadsheets.
  xlsx_row` (never a formula); numbers stay numbers, dates are date cells.
- PDF: ``exports/print.html``, A4 (landscape for wide tables), a CJK font first in the
  font list (``tongxue manage check`` warns when none is installed), the table header
  repeated on each page, page numbers at the foot.

Nothing here queries the database: the rows are given.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext

from tongxue.core.caching import code_version
from tongxue.core.spreadsheets import safe_cell, xlsx_row

XLSX = "xlsx"
PDF = "pdf"
FORMATS = (XLSX, PDF)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Characters Excel does not allow in a sheet's name, and its longest name.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
#: Widest column, in characters (a long explanation wraps in the cell).
_WIDTH_MAX = 60


@dataclass(frozen=True)
class Table:
    """One table of the page: a sheet of the workbook, a section of the PDF."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    #: Lines printed under the table (its totals in words, how a tie was broken …).
    notes: Sequence[str] = ()
    #: Shown instead of the table when it has no row.
    empty: str = ""


@dataclass(frozen=True)
class Export:
    """What a page's file holds: its title block, its tables, the page's address."""

    title: str
    #: The organisation, the meeting or election, its date: one line each.
    lines: Sequence[str]
    #: The page the file comes from, as a full address.
    url: str
    tables: Sequence[Table]
    #: The file's name without its extension (ASCII: codes).
    filename: str
    #: Paragraphs between the title block and the first table (a summary).
    notes: Sequence[str] = ()
    #: A4 landscape for wide tables.
    landscape: bool = False
    made: datetime = field(default_factory=timezone.now)
    #: The PDF's line saying when it was made, with ``%(at)s`` for the time; empty:
    #: "Made on …" (:func:`kept_pdf`). A stored file says when it was made.
    made_line: str = ""


def page_address(request: HttpRequest, path: str) -> str:
    """The page ``path`` as a full address: the site's (``TONGXUE_SITE_URL``) when it
    is configured, else the one the request came to."""
    base = getattr(settings, "TONGXUE_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def response(export: Export, fmt: str) -> HttpResponse:
    """The file of ``export`` as ``fmt`` (``xlsx`` or ``pdf``); Http404 for another."""
    if fmt == XLSX:
        return xlsx_response(export)
    if fmt == PDF:
        return pdf_response(export)
    raise Http404(fmt)


def _made_line(export: Export) -> str:
    made = timezone.localtime(export.made).strftime("%Y-%m-%d %H:%M")
    if export.made_line:
        return export.made_line % {"at": made}
    return gettext("Made on %(at)s.") % {"at": made}


# --------------------------------------------------------------------------- Excel


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:_SHEET_MAX] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: _SHEET_MAX - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _width(value: Any) -> int:
    """A cell's width in characters, a Chinese character counting two."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, date) else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def xlsx_bytes(export: Export) -> bytes:
    """The workbook of ``export``: a sheet per table (one sheet when it has none)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=True)
    book.properties.title = export.title
    bold, big = Font(bold=True), Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    taken: set[str] = set()
    tables = list(export.tables) or [Table(title=export.title, columns=(), rows=())]
    for index, table in enumerate(tables):
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        widths = [_width(c) for c in table.columns]
        for row in table.rows:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], _width(value))
        for i, w in enumerate(widths):
            letter = _column_letter(i)
            sheet.column_dimensions[letter].width = min(max(w + 2, 8), _WIDTH_MAX)
        sheet.append([_text_cell(sheet, export.title, font=big)])
        for line in export.lines:
            sheet.append(xlsx_row(sheet, [line]))
        sheet.append(xlsx_row(sheet, [export.url]))
        if index == 0:
            for note in export.notes:
                sheet.append(xlsx_row(sheet, [note]))
        sheet.append([])
        if table.title != export.title:
            sheet.append([_text_cell(sheet, table.title, font=bold)])
        if table.columns:
            sheet.append([_text_cell(sheet, c, font=bold) for c in table.columns])
        for row in table.rows:
            out: list[Any] = []
            for value in row:
                if isinstance(value, datetime):
                    value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                elif isinstance(value, str) and len(value) > _WIDTH_MAX:
                    out.append(_text_cell(sheet, value, alignment=wrap))
                else:
                    out.append(value)
            sheet.append(xlsx_row(sheet, out))
        if not table.rows and table.empty:
            sheet.append(xlsx_row(sheet, [table.empty]))
        if table.notes:
            sheet.append([])
            for note in table.notes:
                sheet.append(xlsx_row(sheet, [note]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(
    sheet: Any, text: str, *, font: Any = None, alignment: Any = None
) -> Any:
    """A styled text cell, escaped like :func:`xlsx_row`'s: text, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=safe_cell(str(text)))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_response(export: Export) -> HttpResponse:
    out = HttpResponse(xlsx_bytes(export), content_type=XLSX_TYPE)
    out["Content-Disposition"] = content_disposition_header(
        True, f"{export.filename}.{XLSX}"
    )
    return out


# --------------------------------------------------------------------------- PDF


def pdf_html(export: Export) -> str:
    """The HTML WeasyPrint prints: the title block, the tables, the address and its QR."""
    import segno

    return render_to_string(
        "exports/print.html",
        {
            "export": export,
            "tables": [
                {
                    "title": t.title,
                    "columns": t.columns,
                    "rows": t.rows,
                    "cells": [[_cell(v) for v in row] for row in t.rows],
                    "widths": _percentages(t),
                    "notes": t.notes,
                    "empty": t.empty,
                }
                for t in export.tables
            ],
            "language": get_language() or settings.LANGUAGE_CODE,
            "qr": segno.make(export.url, error="m").svg_data_uri(
                scale=4, border=0, dark="#000"
            ),
            "made": _made_line(export),
        },
    )


def _percentages(table: Table) -> list[str]:
    """Each column's share of the page's width, from its widest text (capped), so
    that WeasyPrint lays the table out at a fixed width: measuring every cell of a
    long table for an automatic layout, again on each page, is what makes it slow."""
    widths = [max(_width(c), 4) for c in table.columns]
    for row in table.rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], min(_width(_cell(value)[0]), _WIDTH_MAX))
    total = sum(widths) or 1
    return [f"{100 * w / total:.2f}%" for w in widths]


def _cell(value: Any) -> tuple[str, bool]:
    """A cell of the PDF: its text, and whether it is a number (set right)."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, (int, float)):
        return str(value), True
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M"), False
    if isinstance(value, date):
        return value.isoformat(), False
    return str(value), False


#: How long a PDF made from the same content is kept (:func:`kept_pdf`).
PDF_SECONDS = 24 * 3600
#: Stands for the line saying when the file was made while its content is keyed.
_MADE_MARK = "TONGXUE-MADE-LINE-7f3a"


def kept_pdf(export: Export, write: Any) -> bytes:
    """The PDF of ``export``, made by ``write(html)`` once for the same content.

    WeasyPrint takes about 1.3 s of CPU per 100 table rows, and most of these files
    are public (a delegate list, a seat table, a result): every download made the file
    again, a cost anyone could ask for again and again. The file is now kept in the
    cache under a digest of the HTML it is made from (every row, title, address and
    the language) and of the code's version, without the time it was made: the same
    content is made once a day at most, and a change of any row is another file.
    A kept file says when it was made ("Made on …"), not when it was downloaded.
    """
    html = pdf_html(replace(export, made_line=_MADE_MARK))
    digest = hashlib.sha256(f"{code_version()}\0{html}".encode()).hexdigest()
    key = f"tongxue:pdf:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        made = _made_line(
            replace(export, made_line=export.made_line or gettext("Made on %(at)s."))
        )
        pdf = write(html.replace(_MADE_MARK, str(escape(made))))
        cache.set(key, pdf, PDF_SECONDS)
    return bytes(pdf)


def pdf_response(export: Export) -> HttpResponse:
    """The PDF of ``export``; 503 in words when WeasyPrint cannot run on this server."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError):
        return HttpResponse(
            gettext(
                "The PDF cannot be made on this server: WeasyPrint or its system "
                "libraries are missing. The same table is on the page and in the "
                "Excel file."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    pdf = kept_pdf(export, lambda html: HTML(string=html).write_pdf())
    out = HttpResponse(pdf, content_type="application/pdf")
    out["Content-Disposition"] = content_disposition_header(
        False, f"{export.filename}.{PDF}"
    )
    return out
