"""The names a problem of an import gives a sheet, table or column: the user's own (#16).

A problem is found on a table and a column of the format (``people``, ``name``); the
person who filled in a workbook knows them by the names their workbook gives them:
人员 and 姓名 in the Chinese template, ``people`` and ``name`` in the English one or an
export. :class:`SheetNames` keeps the names a workbook was read with, and names a
table or column it did not hold (a required column left out) the way the rest of that
sheet does, or else in the reader's language (:func:`sheet_name`,
:func:`column_name`). A JSON file names them by the format's keys (:data:`FORMAT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from tongxue.snapshots import workbook_zh


def chinese() -> bool:
    """Whether the active language is Chinese (its workbook names are Chinese)."""
    return (get_language() or "").lower().startswith("zh")


def sheet_name(table: str, zh: bool | None = None) -> str:
    """The sheet of ``table`` in the template of a language: 人员 or ``people``."""
    if zh if zh is not None else chinese():
        return workbook_zh.SHEETS.get(table, table)
    return table


def column_name(table: str, column: str, zh: bool | None = None) -> str:
    """The header of a column in the template of a language: 姓名 or ``name``."""
    if zh if zh is not None else chinese():
        return workbook_zh.COLUMNS.get(table, {}).get(column, column)
    return column


@dataclass
class SheetNames:
    """How one file names its sheets and columns; by default, the reader's language's."""

    #: table → the sheet's title, as the workbook has it.
    sheets: dict[str, str] = field(default_factory=dict)
    #: (table, column) → the header cell, as the workbook has it (a ``*`` stripped).
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    #: Tables whose sheet is named in Chinese or has a Chinese header.
    zh_tables: set[str] = field(default_factory=set)
    #: The format's own names whatever the language (a JSON file's keys).
    keys: bool = False

    def read_sheet(self, table: str, title: str) -> None:
        """Note the title of the sheet read as ``table``."""
        self.sheets.setdefault(table, title)
        if title != table:
            self.zh_tables.add(table)

    def read_column(self, table: str, column: str, header: str) -> None:
        """Note the header cell read as ``column`` of ``table``."""
        self.columns.setdefault((table, column), header)
        if header != column:
            self.zh_tables.add(table)

    def _zh(self, table: str) -> bool | None:
        if table in self.sheets:
            return table in self.zh_tables
        return None  # not in the file: the reader's language

    def sheet(self, table: str) -> str:
        """The sheet (or table) ``table`` as this file names it."""
        if self.keys:
            return table
        return self.sheets.get(table) or sheet_name(table, self._zh(table))

    def column(self, table: str, column: str) -> str:
        """The column ``column`` of ``table`` as this file names it."""
        if self.keys:
            return column
        written = self.columns.get((table, column))
        return written or column_name(table, column, self._zh(table))


#: The names of a JSON file: the format's keys.
FORMAT = SheetNames(keys=True)
