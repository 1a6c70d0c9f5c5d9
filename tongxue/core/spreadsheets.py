"""Cells of the CSV and Excel files Tongxue writes: shown as text, never evaluated.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (and a leading tab or carriage return can hide one), so a name such as
``=HYPERLINK("http://…","点此")`` or ``@SUM(A1)`` typed into Tongxue would run in the
spreadsheet of whoever opens an export (CSV or formula injection, OWASP). Every export
passes its cells through this module:

- :func:`safe_cell` prefixes such a text with one apostrophe ``'``, the neutralisation
  OWASP recommends; numbers, dates, booleans and empty cells are left as they are (a
  negative *number* is not a formula). A text that already starts with an apostrophe
  gets one more, so that :func:`unescape_cell` gives back exactly the original text.
- :func:`xlsx_row` does the same for an openpyxl row and stores every text as a string
  cell (``data_type`` ``"s"``): openpyxl would otherwise write a text starting with
  ``=`` as a live formula.
- :func:`unescape_cell` is the inverse, for the readers of Tongxue's own files (the
  recount of ``board.csv`` by ``tongxue count``, the snapshot workbook, the delegate
  CSV): it removes one leading apostrophe when the next character is one that
  :func:`safe_cell` escapes.

Pure Python; openpyxl is imported only by :func:`xlsx_row`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The apostrophe that marks a cell as text.
QUOTE = "'"

#: First characters that make a spreadsheet evaluate a cell (OWASP: = + - @ tab CR),
#: with their full-width forms, which Chinese spreadsheet programs may convert.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")

#: First characters that :func:`safe_cell` prefixes (the above, and the apostrophe itself
#: so that the escape can be undone without ambiguity).
ESCAPED_STARTS = FORMULA_STARTS | {QUOTE}


def safe_cell(value: Any) -> Any:
    """Return ``value`` as a spreadsheet shows it as text: ``'`` before a risky text.

    Only a ``str`` is changed; any other value (a number, a date, ``None``) is returned
    unchanged.
    """
    if isinstance(value, str) and value[:1] in ESCAPED_STARTS:
        return QUOTE + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Return the cells of a CSV row, each through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]


def unescape_cell(value: Any) -> Any:
    """Return the text :func:`safe_cell` was given (the inverse for any ``str``).

    Removes exactly one leading ``'`` when the next character is one that
    :func:`safe_cell` escapes; anything else is returned unchanged.
    """
    if isinstance(value, str) and value[:1] == QUOTE and value[1:2] in ESCAPED_STARTS:
        return value[1:]
    return value


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return a row for ``sheet.append``: texts escaped and stored as string cells.

    Works for write-only and ordinary worksheets. Non-text values pass unchanged, so
    numbers stay numbers and dates keep their cell type.
    """
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.data_type = "s"  # never "f": a text is not a formula
            row.append(cell)
        else:
            row.append(value)
    return row
