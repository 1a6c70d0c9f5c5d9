"""Read and write snapshots as Excel workbooks: one sheet per table, plus "about".

Each table is a sheet of the same name whose first row holds the column names of
``docs/snapshot.md``; each further row is one record. The "about" sheet holds the
format and version as key/value rows. Cells are converted to the snapshot's types by
column: dates from date cells, serial numbers or ``YYYY-MM-DD``; yes/no from
TRUE/FALSE, 是/否 or 1/0; numbers typed into text columns become text; a list of
identifiers (``semesters.reports``) is one cell of identifiers separated by commas.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import IO, Any

from tongxue.core.spreadsheets import safe_cell, unescape_cell, xlsx_row
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot import (
    DOCUMENT,
    FORMAT,
    ROW_KEY,
    TABLES,
    VERSION,
    SnapshotError,
    to_bool,
)
from tongxue.snapshots.errors import SnapshotInvalid

ABOUT = "about"
_TYPES = {name: {c.name: c.kind for c in cols} for name, cols in TABLES.items()}


def _error(
    table: str, row: int, field: str | None, text: str, **params: Any
) -> SnapshotError:
    return SnapshotError(table, row, field, Message(text, params))


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _convert(kind: str, value: Any) -> Any:
    """Turn an Excel cell into the value the snapshot parser expects for ``kind``."""
    if isinstance(value, str):
        value = unescape_cell(value).strip()
        if not value:
            return None
    if value is None:
        return None
    if kind in ("str", "enum", "ids"):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return _number_text(value)
        if isinstance(value, datetime):
            return value.date().isoformat()
        return value
    if kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value
    if kind == "bool":
        truth = to_bool(value)
        return value if truth is None else truth
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            from openpyxl.utils.datetime import from_excel

            try:
                day = from_excel(value)
            except (ValueError, OverflowError, TypeError):
                return value
            return day.date() if isinstance(day, datetime) else value
        return value
    return value


def read_xlsx(source: IO[bytes] | bytes) -> tuple[dict[str, Any], list[SnapshotError]]:
    """Return the snapshot document of a workbook and the problems of its layout.

    Raises SnapshotInvalid when the file is not an Excel workbook at all.
    """
    from openpyxl import load_workbook

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (
        Exception
    ):  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise SnapshotInvalid(
            [
                _error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop("The file is not an Excel workbook (.xlsx)."),
                )
            ],
            workbook=True,
        ) from None
    errors: list[SnapshotError] = []
    doc: dict[str, Any] = {}
    try:
        for sheet in book.worksheets:
            title = sheet.title.strip()
            if title == ABOUT:
                for row in sheet.iter_rows(values_only=True):
                    if (
                        row
                        and isinstance(row[0], str)
                        and row[0].strip()
                        in ("format", "version", "default_profile", "root")
                    ):
                        value = unescape_cell(row[1]) if len(row) > 1 else None
                        if isinstance(value, float) and value.is_integer():
                            value = int(value)
                        if isinstance(value, str) and value.strip().isdigit():
                            value = (
                                int(value.strip())
                                if row[0].strip() == "version"
                                else value
                            )
                        if value is not None and value != "":
                            doc[row[0].strip()] = value
                continue
            if title not in TABLES:
                errors.append(
                    _error(
                        DOCUMENT,
                        0,
                        None,
                        gettext_noop("Unknown sheet “{value}”."),
                        value=title,
                    )
                )
                continue
            doc[title] = _read_sheet(title, sheet, errors)
    except SnapshotInvalid:
        raise
    except Exception:  # a damaged sheet part
        raise SnapshotInvalid(
            [
                _error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop("The file is not an Excel workbook (.xlsx)."),
                )
            ],
            workbook=True,
        ) from None
    finally:
        book.close()
    if not doc.get("organisations"):
        errors.append(
            _error(
                "organisations",
                0,
                None,
                gettext_noop("The workbook has no organisations."),
            )
        )
    return doc, errors


def _read_sheet(
    title: str, sheet: Any, errors: list[SnapshotError]
) -> list[dict[str, Any]]:
    types = _TYPES[title]
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        return []
    header: list[str | None] = []
    for index, cell in enumerate(header_row, start=1):
        name = str(cell).strip() if cell is not None else ""
        if not name:
            header.append(None)
            continue
        if name not in types:
            errors.append(
                _error(
                    title,
                    1,
                    name,
                    gettext_noop("Unknown column “{value}”."),
                    value=name,
                )
            )
            header.append(None)
            continue
        if name in header:
            errors.append(
                _error(
                    title,
                    1,
                    name,
                    gettext_noop("Column “{value}” appears twice (column {index})."),
                    value=name,
                    index=index,
                )
            )
            header.append(None)
            continue
        header.append(name)
    out: list[dict[str, Any]] = []
    for number, values in enumerate(rows, start=2):
        record: dict[str, Any] = {}
        for name, cell in zip(header, values, strict=False):
            if name is None:
                continue
            value = _convert(types[name], cell)
            if value is not None:
                record[name] = value
        if record:  # empty rows (trailing or between records) are skipped
            record[ROW_KEY] = number
            out.append(record)
    return out


def _cell(value: Any) -> Any:
    if (
        isinstance(value, str)
        and len(value) == 10
        and value[4] == "-"
        and value[7] == "-"
    ):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_xlsx(doc: dict[str, Any]) -> bytes:
    """Return a workbook of the snapshot document (an empty template when it has no rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for table, columns in TABLES.items():
        sheet = book.create_sheet(table)
        names = [c.name for c in columns]
        dates = {c.name for c in columns if c.kind == "date"}
        header = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        sheet.freeze_panes = "A2"
        for row in doc.get(table) or ():
            out = []
            for name in names:
                value = row.get(name)
                if isinstance(value, (list, tuple)):
                    out.append(", ".join(str(v) for v in value))
                elif name in dates and value is not None:
                    cell = WriteOnlyCell(sheet, value=safe_cell(_cell(value)))
                    cell.number_format = "yyyy-mm-dd"
                    out.append(cell)
                else:
                    out.append(value)
            # Texts escaped and stored as text, never as formulas (docs/snapshot.md).
            sheet.append(xlsx_row(sheet, out))
    about = book.create_sheet(ABOUT)
    about.append(["format", doc.get("format", FORMAT)])
    about.append(["version", doc.get("version", VERSION)])
    for key in ("default_profile", "root"):
        if doc.get(key):
            about.append(xlsx_row(about, [key, doc[key]]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """Return the empty workbook users fill in: every sheet with its header row."""
    return write_xlsx({"format": FORMAT, "version": VERSION})
