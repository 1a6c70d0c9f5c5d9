"""Cells and rows of a snapshot's tables: converted, checked, every problem reported.

:class:`Parser` collects the errors of a parse; :func:`to_bool`, :func:`to_date`,
:func:`split_ids` and :func:`storable` read single cells (the spreadsheet reader and
the import's checks use them too).
"""

from __future__ import annotations

import enum
import json
import math
import re
import reprlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot.tables import KEYS, ROW_KEY, TABLES, Column, SnapshotError

#: Small-integer columns and their upper bound (the database's PositiveSmallIntegerField).
_SMALL_INTS = {"branch_campuses", "grade", "session"}
_SMALL_MAX = 32767
_INT_MAX = 2147483647

_MSG_REQUIRED = gettext_noop("This field is required.")
MSG_TEXT = gettext_noop("Expected text, got “{value}”.")
MSG_TOO_LONG = gettext_noop("Text longer than {limit} characters.")
_MSG_INT = gettext_noop("Expected a whole number, got “{value}”.")
_MSG_NEGATIVE = gettext_noop("The number {value} must not be negative.")
_MSG_TOO_BIG = gettext_noop("The number {value} is larger than {limit}.")
_MSG_BOOL = gettext_noop("Expected yes or no (true/false, 是/否, 1/0), got “{value}”.")
_MSG_DATE = gettext_noop("Expected a date as YYYY-MM-DD, got “{value}”.")
_MSG_CHOICE = gettext_noop("“{value}” is not one of the allowed values: {allowed}.")
_MSG_SLASH = gettext_noop("A code cannot contain “/”: “{value}”.")
_MSG_BAD_CHAR = gettext_noop(
    "The text contains the character {char} (at position {position}), which cannot "
    "be stored: remove it."
)
_MSG_UNKNOWN_FIELD = gettext_noop("Unknown field “{value}”.")
_MSG_NOT_ROW = gettext_noop("A row must be an object of field names and values.")
_MSG_NOT_TABLE = gettext_noop("A table must be a list of rows.")
_MSG_DUPLICATE = gettext_noop("Duplicate row: the same {key_columns} as row {other}.")
_MSG_UNKNOWN_ORG = gettext_noop("Unknown organisation code “{value}”.")
_MSG_UNKNOWN_PERSON = gettext_noop("Unknown person id “{value}”.")
_MSG_UNKNOWN_MEETING = gettext_noop("Unknown meeting code “{value}”.")
_MSG_IDS = gettext_noop(
    "Expected a list of identifiers (in a cell: separated by commas), got “{value}”."
)
_MSG_OBJECT = gettext_noop(
    "Expected an object of names and plain values (in a cell: JSON text such as "
    '{{"deputies": 3}}), got “{value}”.'
)
#: Bounds of an "object" cell: its JSON text, its names, its lists.
_OBJECT_TEXT_MAX = 4000
_OBJECT_KEYS_MAX = 64
_IDS_SEPARATORS = re.compile(r"[,，;；、\s]+")

_UNKNOWN_REF = {
    "organisation": _MSG_UNKNOWN_ORG,
    "person": _MSG_UNKNOWN_PERSON,
    "meeting": _MSG_UNKNOWN_MEETING,
}

_TRUE = {"true", "yes", "y", "1", "是", "对", "√"}
_FALSE = {"false", "no", "n", "0", "否", "不", "×"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def split_ids(text: str) -> list[str]:
    """Return the identifiers in a cell's text, separated by commas, semicolons or spaces."""
    return [i for i in _IDS_SEPARATORS.split(text) if i]


#: Characters a text cell may not hold: C0 controls other than tab, line feed and
#: carriage return (a NUL cannot be stored in PostgreSQL, none can be written to an
#: Excel workbook) and lone surrogates (from a JSON escape such as ``\\ud800``; they
#: cannot be encoded, stored or shown).
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SHOW = reprlib.Repr()
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict, _SHOW.maxstring = 2, 4, 4, 60
_SHOW.maxother = 60


def storable(text: str) -> bool:
    """Return whether a text holds no character a text cell may not (:data:`_BAD_TEXT`)."""
    return _BAD_TEXT.search(text) is None


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def show(value: Any) -> str:
    """Return a short text of ``value`` for a message: bounded, printable, encodable."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (list, tuple, dict, set)):
        text = _SHOW.repr(value)  # bounded in depth and length
    else:
        try:
            text = str(value)
        except ValueError:  # an integer too long to convert
            text = "…"
    text = _BAD_TEXT.sub(_escape, text[:200])
    return text if len(text) <= 60 else text[:57] + "…"


def to_bool(value: Any) -> bool | None:
    """Return the truth value of a cell (bool, 1/0, true/false, 是/否), or None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def to_date(value: Any) -> date | None:
    """Return the date of a cell (a date or an ISO ``YYYY-MM-DD`` text), or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


_SCALARS = (str, int, float, bool, type(None))


def _plain_object(value: Mapping[Any, Any]) -> bool:
    """Return whether ``value`` maps at most 64 names to scalars or lists of scalars."""
    if len(value) > _OBJECT_KEYS_MAX:
        return False
    for key, item in value.items():
        if not isinstance(key, str):
            return False
        items = item if isinstance(item, list) else (item,)
        if len(items) > _OBJECT_KEYS_MAX or not all(
            isinstance(i, _SCALARS) and (not isinstance(i, float) or math.isfinite(i))
            for i in items
        ):
            return False
    return True


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: The labels an enum's values may also be given by (a label as shown to people, such
#: as 学生 or 男 for ``student`` or ``male``), per enum class: label → value. Labels are
#: matched without regard to case or surrounding spaces (:func:`label_key`).
Labels = Mapping[type[enum.StrEnum], Mapping[str, str]]


def label_key(text: str) -> str:
    """Return the form a label is matched in: without spaces around it, case folded."""
    return text.strip().casefold()


class Parser:
    """Converts and checks the rows of a snapshot's tables, collecting every error.

    ``labels``: the labels accepted for an enum's values besides the values themselves
    (the Chinese and English labels the application shows; :data:`Labels`).
    """

    def __init__(self, row_offset: int, labels: Labels | None = None) -> None:
        self.errors: list[SnapshotError] = []
        self.row_offset = row_offset
        self.labels: Labels = labels or {}

    def choice(self, choices: type[enum.StrEnum], text: str) -> enum.StrEnum | None:
        """Return the member ``text`` names: its value, or one of its labels."""
        try:
            return choices(text)
        except ValueError:
            pass
        value = self.labels.get(choices, {}).get(label_key(text))
        return None if value is None else choices(value)

    def error(
        self, table: str, row: int, fld: str | None, text: str, **params: Any
    ) -> None:
        self.errors.append(SnapshotError(table, row, fld, Message(text, params)))

    def bad_text(self, table: str, row: int, fld: str | None, text: str) -> bool:
        """Report a character a text may not hold (:data:`_BAD_TEXT`); return if any."""
        found = _BAD_TEXT.search(text)
        if found is None:
            return False
        self.error(
            table,
            row,
            fld,
            _MSG_BAD_CHAR,
            char=f"U+{ord(found.group()):04X}",
            position=found.start() + 1,
        )
        return True

    def cell(self, table: str, row: int, col: Column, raw: Any) -> tuple[bool, Any]:
        """Convert one cell; return (ok, value). Blank optional cells give (True, None)."""
        if col.kind == "ids":
            return self.ids(table, row, col, raw)
        if col.kind == "object":
            return self.object(table, row, col, raw)
        if _blank(raw):
            if col.required:
                self.error(table, row, col.name, _MSG_REQUIRED)
                return False, None
            return True, None
        if col.kind in ("str", "enum"):
            if not isinstance(raw, str):
                self.error(table, row, col.name, MSG_TEXT, value=show(raw))
                return False, None
            text = raw.strip()
            if self.bad_text(table, row, col.name, text):
                return False, None
            if col.choices is not None:
                member = self.choice(col.choices, text)
                if member is None:
                    self.error(
                        table,
                        row,
                        col.name,
                        _MSG_CHOICE,
                        value=show(text),
                        allowed=self.allowed(col.choices),
                    )
                    return False, None
                return True, member
            if col.max_length is not None and len(text) > col.max_length:
                self.error(table, row, col.name, MSG_TOO_LONG, limit=col.max_length)
                return False, None
            return True, text
        if col.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.error(table, row, col.name, _MSG_INT, value=show(raw))
                return False, None
            if raw < 0:
                self.error(table, row, col.name, _MSG_NEGATIVE, value=raw)
                return False, None
            limit = _SMALL_MAX if col.name in _SMALL_INTS else _INT_MAX
            if raw > limit:
                self.error(table, row, col.name, _MSG_TOO_BIG, value=raw, limit=limit)
                return False, None
            return True, raw
        if col.kind == "bool":
            if not isinstance(raw, bool):
                self.error(table, row, col.name, _MSG_BOOL, value=show(raw))
                return False, None
            return True, raw
        # date
        day = to_date(raw) if not isinstance(raw, (int, float)) else None
        if day is None:
            self.error(table, row, col.name, _MSG_DATE, value=show(raw))
            return False, None
        return True, day

    def allowed(self, choices: type[enum.StrEnum]) -> list[str]:
        """The allowed values of a message: each value, with its first label if any
        (a list: shown joined with the reader's list separator)."""
        first: dict[str, str] = {}
        for label, value in self.labels.get(choices, {}).items():
            first.setdefault(value, label)
        return [
            f"{c.value} ({first[c.value]})"
            if first.get(c.value, c.value) != c.value
            else c.value
            for c in choices
        ]

    def ids(
        self, table: str, row: int, col: Column, raw: Any
    ) -> tuple[bool, tuple[str, ...] | None]:
        """Convert a list of identifiers (a JSON list, or a text separated by commas)."""
        if raw is None:
            return True, None
        if isinstance(raw, str):
            items = split_ids(raw)
        elif isinstance(raw, (list, tuple)) and all(isinstance(i, str) for i in raw):
            items = [i.strip() for i in raw]
        else:
            self.error(table, row, col.name, _MSG_IDS, value=show(raw))
            return False, None
        out = tuple(dict.fromkeys(i for i in items if i))
        if any(self.bad_text(table, row, col.name, item) for item in out):
            return False, None
        if col.choices is not None:
            members = [self.choice(col.choices, i) for i in out]
            wrong = [i for i, m in zip(out, members, strict=True) if m is None]
            if wrong:
                self.error(
                    table,
                    row,
                    col.name,
                    _MSG_CHOICE,
                    value=show(wrong[0]),
                    allowed=self.allowed(col.choices),
                )
                return False, None
            out = tuple(dict.fromkeys(m.value for m in members if m is not None))
        if col.max_length is not None and any(len(i) > col.max_length for i in out):
            self.error(table, row, col.name, MSG_TOO_LONG, limit=col.max_length)
            return False, None
        return True, out

    def object(
        self, table: str, row: int, col: Column, raw: Any
    ) -> tuple[bool, dict[str, Any] | None]:
        """Convert a JSON object of plain values (or a text holding one); blank: None."""
        if _blank(raw):
            return True, None
        value = raw
        if isinstance(raw, str):
            if len(raw) > _OBJECT_TEXT_MAX:
                self.error(table, row, col.name, MSG_TOO_LONG, limit=_OBJECT_TEXT_MAX)
                return False, None
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                value = None
        if not isinstance(value, Mapping) or not _plain_object(value):
            self.error(table, row, col.name, _MSG_OBJECT, value=show(raw))
            return False, None
        texts = [
            t
            for k, v in value.items()
            for t in (k, *(v if isinstance(v, list) else (v,)))
            if isinstance(t, str)
        ]
        if any(self.bad_text(table, row, col.name, t) for t in texts):
            return False, None
        return True, dict(value)

    def rows(self, table: str, raw_rows: Any) -> list[tuple[int, dict[str, Any]]]:
        """Convert a table's rows; return (row number, values) of the rows that parse."""
        out: list[tuple[int, dict[str, Any]]] = []
        if raw_rows is None:
            return out
        if isinstance(raw_rows, (str, bytes, Mapping)) or not isinstance(
            raw_rows, Sequence
        ):
            self.error(table, 0, None, _MSG_NOT_TABLE)
            return out
        columns = TABLES[table]
        names = {c.name for c in columns}
        names.add(ROW_KEY)
        fast = [
            (
                c,
                {m.value: m for m in c.choices}
                if c.choices is not None and c.kind == "enum"
                else None,
            )
            for c in columns
        ]
        slash = KEYS[table][0] if table in ("organisations", "meetings") else None
        for index, raw in enumerate(raw_rows):
            if not isinstance(raw, Mapping):
                self.error(table, index + self.row_offset, None, _MSG_NOT_ROW)
                continue
            number = raw.get(ROW_KEY, index + self.row_offset)
            ok = True
            for key in raw.keys() - names:
                self.error(table, number, None, _MSG_UNKNOWN_FIELD, value=show(key))
                ok = False
            values: dict[str, Any] = {}
            for col, choices in fast:
                value = raw.get(col.name)
                # Fast paths for the common, valid cells; everything else is checked
                # (and reported) by ``cell``.
                if value is None and not col.required:
                    values[col.name] = None
                    continue
                if type(value) is str:
                    text = value.strip()
                    if text:
                        if choices is not None:
                            if text in choices:
                                values[col.name] = choices[text]
                                continue
                        elif (
                            col.kind == "str"
                            and len(text) <= (col.max_length or len(text))
                            and (text.isprintable() or _BAD_TEXT.search(text) is None)
                        ):
                            values[col.name] = text
                            continue
                elif type(value) is bool and col.kind == "bool":
                    values[col.name] = value
                    continue
                good, value = self.cell(table, number, col, value)
                ok = ok and good
                values[col.name] = value
            if (
                slash is not None
                and isinstance(values[slash], str)
                and "/" in values[slash]
            ):
                self.error(table, number, slash, _MSG_SLASH, value=show(values[slash]))
                ok = False
            if ok:
                out.append((number, values))
        return out

    def unique(
        self, table: str, rows: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, dict[str, Any]]]:
        key_cols = KEYS[table]
        seen: dict[tuple[Any, ...], int] = {}
        out = []
        for number, values in rows:
            key = tuple(values[k] for k in key_cols)
            if key in seen:
                self.error(
                    table,
                    number,
                    key_cols[0] if len(key_cols) == 1 else None,
                    _MSG_DUPLICATE,
                    key_columns=list(key_cols),
                    other=seen[key],
                )
                continue
            seen[key] = number
            out.append((number, values))
        return out

    def refs(
        self,
        table: str,
        rows: list[tuple[int, dict[str, Any]]],
        known: Mapping[str, Callable[[str], bool]],
    ) -> list[tuple[int, dict[str, Any]]]:
        out = []
        for number, values in rows:
            ok = True
            for col in TABLES[table]:
                value = values[col.name]
                if col.ref is None or value is None:
                    continue
                for item in value if col.kind == "ids" else (value,):
                    if not known[col.ref](item):
                        self.error(
                            table, number, col.name, _UNKNOWN_REF[col.ref], value=item
                        )
                        ok = False
            if ok:
                out.append((number, values))
        return out
