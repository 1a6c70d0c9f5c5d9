"""The one exception of snapshot import: every problem found, nothing written."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext, pgettext

from tongxue.core.errors import render_message
from tongxue.core.words import label_colon
from tongxue.domain.findings import Message
from tongxue.domain.snapshot import DOCUMENT, SnapshotError
from tongxue.snapshots.limits import SHOWN_ERRORS
from tongxue.snapshots.names import FORMAT, SheetNames

__all__ = [
    "SheetNames",
    "SnapshotError",
    "SnapshotInvalid",
    "describe",
    "listed",
    "message_text",
    "more_text",
    "names_of",
    "place_of",
]


class SnapshotInvalid(Exception):
    """A snapshot that cannot be imported; ``errors`` lists every problem (ORG-1).

    ``names``: how the file names its sheets and columns, when it is a workbook that
    was read (the problems name them so, :mod:`tongxue.snapshots.names`).
    """

    def __init__(
        self,
        errors: list[SnapshotError],
        *,
        workbook: bool = False,
        names: SheetNames | None = None,
    ) -> None:
        self.errors = list(errors)
        self.workbook = workbook
        self.names = names
        super().__init__(f"{len(self.errors)} problem(s) in the snapshot")


def names_of(workbook: bool, names: SheetNames | None = None) -> SheetNames:
    """The names problems use: the file's, else a workbook's in the reader's language
    (人员, 姓名 in Chinese), a JSON file's keys."""
    if names is not None:
        return names
    return SheetNames() if workbook else FORMAT


def message_text(error: SnapshotError, names: SheetNames = FORMAT) -> str:
    """The problem in the active language; a ``*_column`` parameter (a ``*_columns``
    list) names a column of the error's table, shown as ``names`` names it."""
    params = dict(error.message.params)
    for key, value in params.items():
        if key.endswith("_column") and isinstance(value, str):
            params[key] = names.column(error.table, value)
        elif key.endswith("_columns") and isinstance(value, list | tuple):
            params[key] = [names.column(error.table, str(v)) for v in value]
    return render_message(Message(error.message.text, params))


def place_of(error: SnapshotError, names: SheetNames = FORMAT) -> tuple[str, str]:
    """The sheet (table) and the column (field) of a problem as ``names`` names them;
    "" where it has none."""
    if not error.table or error.table == DOCUMENT:
        return "", error.field or ""
    column = names.column(error.table, error.field) if error.field else ""
    return names.sheet(error.table), column


def describe(
    error: SnapshotError, *, workbook: bool = False, names: SheetNames | None = None
) -> str:
    """Render an error as "sheet S, row N, column C: message" in the active language,
    the sheet and column named as the file names them (``names``; else a workbook's in
    the reader's language, a JSON file's keys: "table T, row N, field F")."""
    shown = names_of(workbook, names)
    sheet, column = place_of(error, shown)
    parts: list[str] = []
    if sheet:
        label = gettext("sheet") if workbook else gettext("table")
        parts.append(f"{label} {sheet}")
    if error.row:
        parts.append(gettext("row {number}").format(number=error.row))
    if column:
        # A column of a sheet; a key of the document ("format" of the about sheet)
        # or of a JSON row is a field.
        column_of_sheet = workbook and bool(sheet)
        where = gettext("column {name}") if column_of_sheet else gettext("field {name}")
        parts.append(where.format(name=column))
    place = pgettext("place separator", ", ").join(parts)
    text = message_text(error, shown)
    return f"{place}{label_colon()}{text}" if place else text


def listed(errors: list[SnapshotError]) -> tuple[list[SnapshotError], int]:
    """Return the errors to list in full (the first 200) and how many more there are.

    A file of a hundred thousand bad rows would otherwise make a report of as many
    lines (a 120 MB page); the total is always given.
    """
    return errors[:SHOWN_ERRORS], max(len(errors) - SHOWN_ERRORS, 0)


def more_text(more: int) -> str:
    """Return "… and N more problems" in the active language."""
    return ngettext(
        "… and {count} more problem (only the first {shown} are listed).",
        "… and {count} more problems (only the first {shown} are listed).",
        more,
    ).format(count=more, shown=SHOWN_ERRORS)
