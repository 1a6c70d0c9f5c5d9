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
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext

from tongxue.core.spreadsheets import safe_cell, unescape_cell, xlsx_row
from tongxue.core.words import join_names
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
from tongxue.snapshots import limits, workbook_zh
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.names import SheetNames, chinese, column_name, sheet_name

#: A workbook that cannot be read is the uploader's to fix (the refusal says so); the
#: log keeps why, with the library's traceback, for a workbook refused in error.
logger = logging.getLogger(__name__)

ABOUT = "about"
#: The "about" sheet of the template, which also explains how to fill it in.
ABOUT_ZH = "说明"
#: Rows of the "about" sheet read (it has two to four).
_ABOUT_ROWS = 100
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


def _refuse(text: str, **params: Any) -> SnapshotInvalid:
    return SnapshotInvalid([_error(DOCUMENT, 0, None, text, **params)], workbook=True)


def _not_a_workbook() -> SnapshotInvalid:
    return _refuse(gettext_noop("The file is not an Excel workbook (.xlsx)."))


def _too_large(size: int, limit: int) -> SnapshotInvalid:
    return _refuse(
        gettext_noop(
            "The workbook unpacks to more than {size} MB; a snapshot workbook may "
            "unpack to at most {limit} MB."
        ),
        size=limits.megabytes(size),
        limit=limits.megabytes(limit),
    )


#: A document type declaration, which can define entities that expand without bound
#: (a spreadsheet never needs one), in the encodings an XML part may use.
_DTD = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_XML_PARTS = (".xml", ".rels", ".vml")


def declared_size(data: bytes) -> int | None:
    """What a workbook's parts unpack to, as its archive's directory declares (nothing
    unpacked, nothing checked); None when it is no archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return None


def check_workbook(data: bytes) -> int:
    """Check a workbook's archive without reading its rows (before a background import
    is queued, #14); return how many bytes its parts unpack to.

    Refuses (:class:`SnapshotInvalid`) what :func:`read_xlsx` refuses before it reads a
    row: not a workbook, over a size, ratio or sheet limit, a document type declaration.
    """
    return _check_archive(data)


def _check_archive(data: bytes) -> int:
    """Refuse a workbook whose archive would unpack to too much, before parsing it.

    Checks the parts' declared sizes and compression ratios, then reads every part
    (stopping as soon as the bytes read exceed the limit, whatever was declared),
    refuses a document type declaration in an XML part, and counts the sheets the
    workbook declares. Returns the bytes read (the parts unpacked).
    """
    size_limit = limits.max_uncompressed_bytes()
    if len(data) > size_limit:
        raise _too_large(len(data), size_limit)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, a damaged directory, …
        logger.warning("not a workbook: the archive cannot be opened", exc_info=True)
        raise _not_a_workbook() from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.MAX_PARTS:
            raise _refuse(
                gettext_noop(
                    "The workbook has {count} parts; a snapshot workbook has at most "
                    "{limit}."
                ),
                count=len(infos),
                limit=limits.MAX_PARTS,
            )
        declared = sum(info.file_size for info in infos)
        if declared > size_limit:
            raise _too_large(declared, size_limit)
        ratio = limits.max_compression_ratio()
        for info in infos:
            if info.file_size > limits.RATIO_FLOOR and info.file_size > ratio * max(
                info.compress_size, 1
            ):
                raise _refuse(
                    gettext_noop(
                        "The part {part} of the workbook is compressed {ratio} times; "
                        "at most {limit} times is accepted."
                    ),
                    part=_show_name(info.filename),
                    ratio=info.file_size // max(info.compress_size, 1),
                    limit=ratio,
                )
        total = 0
        try:
            for info in infos:
                xml = info.filename.lower().endswith(_XML_PARTS)
                tail = b""
                with archive.open(info) as part:
                    while chunk := part.read(1 << 16):
                        total += len(chunk)
                        if total > size_limit:
                            raise _too_large(total, size_limit)
                        if xml and any(d in tail + chunk for d in _DTD):
                            raise _refuse(
                                gettext_noop(
                                    "The part {part} of the workbook declares a "
                                    "document type (<!DOCTYPE>), which a spreadsheet "
                                    "does not need."
                                ),
                                part=_show_name(info.filename),
                            )
                        tail = chunk[-20:]
            sheets = _count_sheets(archive)
        except SnapshotInvalid:
            raise
        except Exception:  # bad CRC, a damaged stream, an encrypted part, bad XML …
            logger.warning("not a workbook: a part cannot be read", exc_info=True)
            raise _not_a_workbook() from None
    if sheets > limits.max_sheets():
        raise _refuse(
            gettext_noop(
                "The workbook has {count} sheets; a snapshot workbook has at most "
                "{limit}."
            ),
            count=sheets,
            limit=limits.max_sheets(),
        )
    return total


def _show_name(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "…"


def _count_sheets(archive: zipfile.ZipFile) -> int:
    """Return how many sheets the workbook part declares (stopping past the limit)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.functions import fromstring

    manifest = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
    part = _find_workbook_part(manifest).PartName.lstrip("/")
    count = 0
    with archive.open(part) as source:
        for _event, element in iterparse(source):
            if element.tag.rsplit("}", 1)[-1] == "sheet":
                count += 1
                if count > limits.max_sheets():
                    break
            element.clear()
    return count


class _Rows:
    """The rows left to read in the workbook (``SNAPSHOT_MAX_ROWS``, all sheets)."""

    def __init__(self) -> None:
        self.limit = limits.max_rows()
        self.read = 0

    def refuse(self, title: str) -> SnapshotInvalid:
        return SnapshotInvalid(
            [
                _error(
                    title,
                    0,
                    None,
                    gettext_noop(
                        "The workbook has more than {limit} rows (empty rows "
                        "between and after the records count too)."
                    ),
                    limit=self.limit,
                )
            ],
            workbook=True,
        )

    def take(self, title: str) -> None:
        self.read += 1
        if self.read > self.limit:
            raise self.refuse(title)


def _declared(sheet: Any) -> int:
    """Return the rows (after the header) the sheet's dimension declares."""
    return max((sheet.max_row or 1) - 1, 0)


def read_xlsx(source: IO[bytes] | bytes) -> tuple[dict[str, Any], list[SnapshotError]]:
    """Return the snapshot document of a workbook and the problems of its layout.

    Raises SnapshotInvalid when the file is not an Excel workbook at all, or when it is
    over a limit of :mod:`tongxue.snapshots.limits` (its size, unpacked or declared, a
    part's compression ratio, its sheets, or its rows, declared or read).
    """
    doc, errors, _names = read_workbook(source)
    return doc, errors


def read_workbook(
    source: IO[bytes] | bytes,
) -> tuple[dict[str, Any], list[SnapshotError], SheetNames]:
    """:func:`read_xlsx`, with the names the workbook gives its sheets and columns
    (problems name them so: 人员 and 姓名 in a Chinese template, #16)."""
    from openpyxl import load_workbook

    data = source if isinstance(source, bytes) else source.read()
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        Exception
    ):  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise _not_a_workbook() from None
    errors: list[SnapshotError] = []
    doc: dict[str, Any] = {}
    names = SheetNames()
    budget = _Rows()
    try:
        sheets = [
            (sheet.title.strip(), sheet, _declared(sheet)) for sheet in book.worksheets
        ]
        # The declared dimensions, before any row is read.
        declared = sum(rows for title, _s, rows in sheets if title in TABLES)
        if declared > budget.limit:
            raise budget.refuse(DOCUMENT)
        for _title, sheet, _dimension in sheets:
            # From here on the rows actually there count, whatever was declared: no
            # padding up to the dimension, and no record past it dropped.
            sheet.reset_dimensions()
        for title, sheet, _dimension in sheets:
            if title in (ABOUT, ABOUT_ZH):
                doc.update(_read_about(sheet))
                continue
            # A sheet named in the format or in Chinese (人员 for people).
            table = workbook_zh.TABLE_OF_SHEET.get(title)
            if table is None:
                errors.append(
                    _error(
                        DOCUMENT,
                        0,
                        None,
                        gettext_noop("Unknown sheet “{value}”."),
                        value=_show_name(title),
                    )
                )
                continue
            names.read_sheet(table, title)
            doc.setdefault(table, []).extend(
                _read_sheet(table, sheet, errors, budget, names)
            )
    except SnapshotInvalid as exc:
        exc.names = exc.names or names
        raise
    except Exception:  # a damaged sheet part
        logger.warning("not a workbook: a sheet cannot be read", exc_info=True)
        raise _not_a_workbook() from None
    finally:
        book.close()
    # A workbook of people alone (or positions …) adds to organisations already
    # stored, named by code; one without any record is refused.
    if not any(doc.get(table) for table in TABLES):
        errors.append(
            _error(
                DOCUMENT,
                0,
                None,
                gettext_noop(
                    "The workbook holds no records: fill in at least one sheet below "
                    "its header row (an example row, starting with 示例 or Example, "
                    "is skipped)."
                ),
            )
        )
    return doc, errors, names


def _read_about(sheet: Any) -> dict[str, Any]:
    """Return the header keys of the ABOUT sheet: key/value rows; a few are enough,
    whatever the sheet holds."""
    doc: dict[str, Any] = {}
    for row in sheet.iter_rows(max_row=_ABOUT_ROWS, max_col=2, values_only=True):
        if (
            row
            and isinstance(row[0], str)
            and row[0].strip() in ("format", "version", "default_profile", "root")
        ):
            value = unescape_cell(row[1]) if len(row) > 1 else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip()) if row[0].strip() == "version" else value
            if value is not None and value != "":
                doc[row[0].strip()] = value
    return doc


def _read_sheet(
    title: str,
    sheet: Any,
    errors: list[SnapshotError],
    budget: _Rows,
    names: SheetNames,
) -> list[dict[str, Any]]:
    types = _TYPES[title]
    # The header row at its own width (one row, however wide); the records at the
    # header's width, never each padded to the widest cell of the sheet.
    header_row = next(sheet.iter_rows(max_row=1, values_only=True), None)
    if header_row is None:
        return []
    header: list[str | None] = []
    for index, cell in enumerate(header_row, start=1):
        written = workbook_zh.header_text(cell)
        # By its name in the format or in Chinese, a required mark stripped.
        name = workbook_zh.column_of(title, written) if written else ""
        if not name:
            header.append(None)
            continue
        if name not in types:
            errors.append(
                _error(
                    title,
                    1,
                    _show_name(name),
                    gettext_noop("Unknown column “{value}”."),
                    value=_show_name(name),
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
                    value=_show_name(written),
                    index=index,
                )
            )
            header.append(None)
            continue
        header.append(name)
        names.read_column(title, name, written)
    while header and header[-1] is None:
        header.pop()
    out: list[dict[str, Any]] = []
    if not header:  # nothing known to read (unknown columns are reported above)
        return out
    rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    for number, values in enumerate(rows, start=2):
        budget.take(title)
        if values and workbook_zh.is_example(values[0]):
            continue  # the template's example row (示例 …)
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
                elif isinstance(value, dict):  # an "object" column: JSON text
                    out.append(json.dumps(value, ensure_ascii=False, sort_keys=True))
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


#: Rows of the template whose cells offer drop-down lists (the example's included).
TEMPLATE_ROWS = 5000
#: The template's instructions, after the key/value rows of its "about" sheet
#: (docs/snapshot.md), in the language it is made in. ``{example}``: the example
#: row's mark; ``{yes}``/``{no}``: a yes/no cell's words; ``{people}``: the people
#: sheet's name.
_TEMPLATE_NOTES = (
    gettext_noop("How to fill in this workbook"),
    gettext_noop(
        "Each sheet holds one kind of record; row 1 holds the column names (a column "
        "marked * is required), row 2 an example (its first cell starts with "
        "“{example}”: the import skips it, keep it or delete it)."
    ),
    gettext_noop(
        "Sheets and columns may be named as in this template, in Chinese, or by the "
        "English field names of the format (docs/snapshot.md)."
    ),
    gettext_noop(
        "A column with a drop-down list: choose from the list (the codes, such as "
        "student, male, enrolled, and the Chinese labels are accepted too). A yes/no "
        "column takes “{yes}” or “{no}”."
    ),
    gettext_noop("Dates as YYYY-MM-DD (such as 2025-09-01) or as Excel dates."),
    gettext_noop(
        "Leave the sheets you do not need empty. The sheet “{people}” alone is "
        "enough too: its department and class codes must name organisations already "
        "in Tongxue."
    ),
    gettext_noop(
        "The import first checks the file (a dry run) and writes only once you "
        "confirm; if any row is wrong, nothing is written and every problem is listed."
    ),
)
_CHOOSE = gettext_noop("Choose from the list (or type the code).")
_SEVERAL = gettext_noop("Several values, separated by commas: {values}")
#: When the values do not fit in a prompt (Excel keeps 255 characters).
_SEVERAL_SEE = gettext_noop(
    "Several values, separated by commas: the values are listed on the sheet “{sheet}”."
)
#: A line of the "about" sheet listing a multi-value column's values.
_VALUES_OF = gettext_noop("Values of {sheet} · {column}: {values}")


@dataclass(frozen=True)
class _Words:
    """What the template says in the language it is made in."""

    zh: bool
    yes: str
    no: str
    example: str

    @classmethod
    def active(cls) -> _Words:
        from django.utils.translation import pgettext

        zh = chinese()
        return cls(
            zh=zh,
            yes=pgettext("boolean setting", "Yes"),
            no=pgettext("boolean setting", "No"),
            example=workbook_zh.EXAMPLE if zh else workbook_zh.EXAMPLE_EN,
        )


def _template_value(
    column: Any, value: Any, labels: dict[str, str], words: _Words
) -> Any:
    """An example cell as a person would type it: labels, yes/no words, dates."""
    if value is None:
        return None
    if column.kind == "bool":
        return words.yes if value else words.no
    if column.kind == "date":
        return date.fromisoformat(value)
    if column.choices is not None and column.kind == "enum":
        return labels.get(value, value)
    if column.choices is not None and column.kind == "ids":
        return join_names(labels.get(v.strip(), v.strip()) for v in value.split(","))
    return value


def template_xlsx(language: str | None = None) -> bytes:
    """Return the workbook users fill in (docs/snapshot.md, "Excel workbook"), in
    ``language`` (default: the active one; the request's, or the operator's for
    ``tongxue export --template``).

    In Chinese every sheet and column is named in Chinese, in English by the format's
    names (``people``, ``name``); a required column is marked ``*``. A drop-down list
    of the language's labels for every enum column and of its yes/no words for every
    yes/no column (codes are accepted too: a warning, not a refusal), one example row
    per sheet whose first cell starts with 示例 (Example; the import skips it), and the
    instructions in the same language.
    """
    if language is not None:
        with translation.override(language):
            return template_xlsx()
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from tongxue.snapshots.labels import labels_of

    words = _Words.active()
    about_title = ABOUT_ZH if words.zh else ABOUT
    value_lines: list[str] = []
    book = Workbook()
    book.remove(book.active)
    bold, example_font = Font(bold=True), Font(italic=True, color="808080")
    for table, columns in TABLES.items():
        sheet = book.create_sheet(sheet_name(table, words.zh))
        example = workbook_zh.examples(words.zh).get(table, {})
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            name = column_name(table, column.name, words.zh)
            header = name + ("*" if column.required else "")
            cell = sheet.cell(row=1, column=index, value=header)
            cell.font = bold
            width = 2 * len(header) + 2 if words.zh else len(header) + 4
            sheet.column_dimensions[letter].width = max(12, width)
            labels = labels_of(column.choices) if column.choices is not None else {}
            value = _template_value(column, example.get(column.name), labels, words)
            cell = sheet.cell(row=2, column=index, value=safe_cell(value))
            cell.font = example_font
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            options: list[str] = []
            if column.kind == "bool":
                options = [words.yes, words.no]
            elif column.kind == "enum" and column.choices is not None:
                options = list(labels.values())
            if options:
                listed = ",".join(options)
                validation = DataValidation(
                    type="list",
                    formula1=f'"{listed}"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning",
                    error=gettext(_CHOOSE),
                    errorTitle=name[:32],
                )
                assert len(validation.formula1 or "") <= 255, (table, column.name)
            elif column.kind == "ids" and labels:
                values = join_names(labels.values())
                value_lines.append(
                    gettext(_VALUES_OF).format(
                        sheet=sheet.title, column=name, values=values
                    )
                )
                prompt = gettext(_SEVERAL).format(values=values)
                if len(prompt) > 255:
                    prompt = gettext(_SEVERAL_SEE).format(sheet=about_title)
                validation = DataValidation(allow_blank=True)
                validation.prompt = prompt
                validation.promptTitle = name[:32]
                validation.showInputMessage = True
            else:
                continue
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    about = book.create_sheet(about_title)
    about.append(["format", FORMAT])
    about.append(["version", VERSION])
    about.append([])
    people = sheet_name("people", words.zh)
    for line in _TEMPLATE_NOTES:
        text = gettext(line).format(
            example=words.example, yes=words.yes, no=words.no, people=people
        )
        about.append([safe_cell(text)])
    for line in value_lines:
        about.append([safe_cell(line)])
    about["A4"].font = bold
    about.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
