"""Snapshots: a whole organisation tree as plain tables, parsed into the domain (ORG-1).

A snapshot is a mapping of table name to rows (JSON objects, or spreadsheet rows under a
header). :func:`parse_tables` checks every cell — types, allowed values, required
fields, duplicate keys, references, cycles in the parent chain, negative numbers,
dates — and reports *every* problem at once as a :class:`SnapshotError` naming the
table, the row and the field. :func:`registry_to_tables` is its inverse, used by export.

The format is documented in ``docs/snapshot.md`` and described by
``tongxue/snapshots/schema.json``. References (``parent``, ``department``, ``class``,
``organisation``, ``person``, ``meeting`` …) may point to rows of the snapshot or, on
import, to rows already stored (``known_orgs`` / ``known_people`` / ``known_meetings``).
"""

from __future__ import annotations

import enum
import json
import math
import re
import reprlib
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tongxue.domain import business as dm_business
from tongxue.domain import model as dm
from tongxue.domain.delegates import ElectingFault, electing_fault
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.justifications import rule_problem
from tongxue.domain.justifications import valid_until as justification_valid_until

FORMAT = "tongxue-snapshot"
VERSION = 1
#: Keys of a snapshot document that are not tables.
HEADER_KEYS = ("format", "version", "default_profile", "root")
#: A row may carry its own number under this key (the spreadsheet reader sets it).
ROW_KEY = "__row__"
#: Table of errors about the document as a whole (format, version, unknown tables).
DOCUMENT = "snapshot"


@dataclass(frozen=True, slots=True)
class SnapshotError:
    """One problem in a snapshot: where it is and what is wrong (row 0 = the table)."""

    table: str
    row: int
    field: str | None
    message: Message


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    # "str" | "int" | "bool" | "date" | "enum" (values from ``choices``) | "ids" (a list
    # of references or, with ``choices``, of allowed values: a JSON list, or a text of
    # codes separated by commas or spaces) | "object" (a JSON object of plain values, or
    # a text holding one)
    kind: str
    required: bool = False
    max_length: int | None = None
    choices: type[enum.StrEnum] | None = None
    ref: str | None = None  # "organisation" | "person" | "meeting"


def _c(name: str, type_: str = "str", **kw: Any) -> Column:
    return Column(name, type_, **kw)


#: The longest opinions or assessment text of a review (TRN-3), in characters.
REVIEW_TEXT_MAX = 10000


class EvaluationDimension(enum.StrEnum):
    """The dimensions of CAD-3 a snapshot may name (``evaluation.DIMENSIONS``)."""

    POLITICAL = "political"  # 政治素质
    MORAL = "moral"  # 道德品质
    LEARNING = "learning"  # 知识学习
    DUTIES = "duties"  # 履职能力
    DISCIPLINE = "discipline"  # 纪律作风


#: The tables of a snapshot, in dependency order, with their columns.
TABLES: dict[str, tuple[Column, ...]] = {
    "organisations": (
        _c("code", required=True, max_length=64),
        _c("name", required=True, max_length=200),
        _c("name_en", max_length=200),
        _c("kind", "enum", required=True, choices=dm.OrgKind),
        _c("parent", max_length=64, ref="organisation"),
        _c("students_served", "int"),
        _c("school_type", "enum", choices=dm.SchoolType),
        _c("county", max_length=100),
        _c("branch_campuses", "int"),
        _c("function", "enum", choices=dm.DepartmentFunction),
        _c("profile", max_length=64),
    ),
    "people": (
        _c("id", required=True, max_length=64),
        _c("name", required=True, max_length=100),
        _c("kind", "enum", choices=dm.PersonKind),
        _c("student_number", max_length=64),
        _c("gender", "enum", choices=dm.Gender),
        _c("ethnicity", max_length=32),
        _c("department", max_length=64, ref="organisation"),
        _c("grade", "int"),
        _c("class", max_length=64, ref="organisation"),
        _c("enrolment", "enum", choices=dm.Enrolment),
    ),
    "positions": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("person", required=True, max_length=64, ref="person"),
        _c("role", "enum", required=True, choices=dm.Role),
        _c("title", required=True, max_length=100),
        _c("start", "date", required=True),
        _c("end", "date"),
        _c("branch_campus", "bool"),
        _c("responsible_for_clubs", "bool"),
        _c("public_contact", max_length=200),
        # The code of the election whose certified result filled the post (ELE-1,
        # ELE-3). Optional: a file without it still reads, and the audit reports its
        # presidium holders. Not a checked reference: an election that neither the
        # file nor the database holds is reported by the audit as incomplete data.
        _c("election", max_length=64),
    ),
    "meetings": (
        _c("code", required=True, max_length=64),
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("kind", "enum", required=True, choices=dm.MeetingKind),
        _c("session", "int"),
        _c("opened", "date", required=True),
        _c("work_report", "bool"),
        # Where the meeting is in its lifecycle: only a meeting that convened
        # (convened, closed) counts for the audit. Blank (a file written before the
        # column existed): a record of a meeting held, counted once its day has come.
        _c("status", "enum", choices=dm.MeetingStatus),
        # The meeting's business (CON-7): the kinds of item on its agenda (stored as
        # agenda items) and whether a charter was in force (see docs/snapshot.md).
        _c("agenda", "ids", choices=dm_business.AgendaKind),
        _c("charter_in_force", "bool"),
        # Who got seats (CON-4, a congress's seat plan): by department × grade (yes)
        # or by department only (no); the departments, grades and clubs with at least
        # one seat. Blank: no seat plan recorded (the audit reads the delegates).
        _c("seats_by_grade", "bool"),
        _c("seat_departments", "ids", max_length=64, ref="organisation"),
        _c("seat_grades", "ids", max_length=8),
        _c("seat_clubs", "ids", max_length=64, ref="organisation"),
    ),
    "delegates": (
        _c("meeting", required=True, max_length=64, ref="meeting"),
        _c("person", required=True, max_length=64, ref="person"),
        # The election that elected the delegate (CON-6): the class, department union
        # (or, for its seat, club) that held it, its day, electorate and ballots cast
        # (the first four together), and the votes for the delegate. Optional: a file
        # without them still reads; the audit reports the congress as incomplete.
        _c("electing_unit", max_length=64, ref="organisation"),
        _c("election_date", "date"),
        _c("electorate", "int"),
        _c("votes_cast", "int"),
        _c("votes", "int"),
    ),
    "reviews": (
        _c("reviewer", required=True, max_length=64, ref="organisation"),
        _c("reviewed", required=True, max_length=64, ref="organisation"),
        _c("held", "date", required=True),
        _c("assessment_published", "bool"),
        # TRN-3 · GS-7, CQ-2 (听取工作报告及意见建议, 考核结果公开). Optional: a file
        # without them still reads — a review row is the record of a hearing of the
        # work report (``report_heard`` blank: yes), and ``opinions_heard`` blank with
        # no ``opinions`` is "not recorded" (the audit reports incomplete data).
        _c("report_heard", "bool"),
        _c("opinions_heard", "bool"),
        _c("opinions", max_length=REVIEW_TEXT_MAX),
        _c("assessment", max_length=REVIEW_TEXT_MAX),
        _c("rating", "enum", choices=dm.ReviewRating),
        _c("published_on", "date"),
    ),
    "justifications": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("rule", required=True, max_length=64),
        _c("reason", required=True),
        _c("approved_by", required=True, max_length=150),
        _c("approved_on", "date", required=True),
        # The last day it applies (blank: a year after approval) and the evidence of
        # the occurrence it covers (blank: any occurrence; see docs/snapshot.md).
        _c("valid_until", "date"),
        _c("evidence", "object"),
    ),
    # Optional (ELE-1, ELE-3): stored on import as recorded elections, exported with
    # the elections run in Tongxue (see docs/snapshot.md).
    "elections": (
        _c("code", required=True, max_length=64),
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("meeting", max_length=64, ref="meeting"),
        _c("post", "enum", required=True, choices=dm.Role),
        _c("status", "enum", choices=dm.ElectionStatus),
    ),
    # Optional (CAD-4): stored on import as evaluation periods, each listed person's
    # 述职 report as filed (see docs/snapshot.md).
    "semesters": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("code", required=True, max_length=64),
        _c("start", "date", required=True),
        _c("end", "date", required=True),
        _c("closed", "bool"),
        _c("reports", "ids", max_length=64, ref="person"),
    ),
    # Optional (CAD-3): evaluations of a union's cadres by students, in counts — never
    # a rating (ratings are secret). Stored on import as recorded evaluations.
    "evaluations": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("code", required=True, max_length=64),
        _c("start", "date", required=True),
        _c("end", "date", required=True),
        _c("dimensions", "ids", choices=EvaluationDimension),
        _c("cadres", "int"),
        _c("participants", "int"),
        _c("eligible", "int"),
        _c("published", "bool"),
    ),
    # Optional, stored on import (CON-13, CON-8 … CON-10): work reports filed in
    # writing, and when a union adopted its standing conference.
    "written_reports": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("code", required=True, max_length=64),
        _c("filed", "date", required=True),
    ),
    "standing_conferences": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("adopted", "date", required=True),
    ),
    # Optional, stored on import (GOV-1, GOV-2): a school-level union's report heard
    # by the school's Party committee, or the League committee's guidance.
    "guidance": (
        _c("organisation", required=True, max_length=64, ref="organisation"),
        _c("kind", "enum", required=True, choices=dm.GuidanceKind),
        _c("held", "date", required=True),
        _c("by", required=True, max_length=200),
        _c("summary", required=True),
        _c("public", "bool"),
    ),
}
#: Tables read into the audit of a file but not stored by an import: none (semesters,
#: written reports and standing conferences are stored since issue #12).
AUDIT_ONLY: tuple[str, ...] = ()
#: Columns of stored tables read into the audit of a file but not stored by an import:
#: none (a meeting's agenda is stored as agenda items, a charter in force as a version
#: without its text; see ``tongxue.snapshots.services``).
AUDIT_ONLY_COLUMNS: dict[str, tuple[str, ...]] = {}

#: The columns that identify a row: re-importing a row with the same key updates it.
KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("code",),
    "people": ("id",),
    "positions": ("organisation", "person", "role", "start"),
    "meetings": ("code",),
    "delegates": ("meeting", "person"),
    "reviews": ("reviewer", "reviewed", "held"),
    "justifications": ("organisation", "rule"),
    "elections": ("code",),
    "semesters": ("organisation", "code"),
    "evaluations": ("organisation", "code"),
    "written_reports": ("organisation", "code"),
    "standing_conferences": ("organisation",),
    "guidance": ("organisation", "kind", "held"),
}

#: Small-integer columns and their upper bound (the database's PositiveSmallIntegerField).
_SMALL_INTS = {"branch_campuses", "grade", "session"}
_SMALL_MAX = 32767
_INT_MAX = 2147483647

_MSG_REQUIRED = gettext_noop("This field is required.")
_MSG_TEXT = gettext_noop("Expected text, got “{value}”.")
_MSG_TOO_LONG = gettext_noop("Text longer than {limit} characters.")
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
_MSG_UNKNOWN_TABLE = gettext_noop("Unknown table “{value}”.")
_MSG_FORMAT = gettext_noop("This is not a Tongxue snapshot: format is “{value}”.")
_MSG_VERSION = gettext_noop(
    "Unsupported snapshot version “{value}”; this version reads {supported}."
)
_MSG_DUPLICATE = gettext_noop("Duplicate row: the same {key} as row {other}.")
_MSG_UNKNOWN_ORG = gettext_noop("Unknown organisation code “{value}”.")
_MSG_UNKNOWN_PERSON = gettext_noop("Unknown person id “{value}”.")
_MSG_UNKNOWN_MEETING = gettext_noop("Unknown meeting code “{value}”.")
_MSG_CYCLE = gettext_noop(
    "The parent chain of “{value}” loops back on itself: {chain}."
)
_MSG_OWN_PARENT = gettext_noop("An organisation cannot be its own parent.")
_MSG_END_BEFORE_START = gettext_noop(
    "The end date {end} is before the start date {start}."
)
_MSG_SAME_ORG = gettext_noop("An organisation cannot review itself.")
MSG_EVALUATION_UNION = gettext_noop(
    "Evaluations of cadres are recorded for a student union (a school, graduate or "
    "department union), not for “{value}”."
)
_MSG_PARTICIPANTS_OVER = gettext_noop(
    "{participants} raters took part, more than the {eligible} on the list."
)
MSG_ELECTION_PART = gettext_noop(
    "Give the election that elected the delegate in full: electing_unit, "
    "election_date, electorate and votes_cast."
)
MSG_ELECTORATE_MIN = gettext_noop("The electorate must be at least one.")
MSG_CAST_OVER_ELECTORATE = gettext_noop(
    "{votes_cast} votes cast exceed the electorate of {electorate}."
)
MSG_VOTES_OVER_CAST = gettext_noop("{votes} votes exceed the {votes_cast} votes cast.")
MSG_ELECTION_FIGURES = gettext_noop(
    "The election of {unit} on {held} has an electorate of {electorate} and "
    "{votes_cast} votes cast in row {other}: one election has one set of figures."
)
MSG_ELECTING_KIND = gettext_noop(
    "{unit} is not a class, a department union or a club: delegates are elected by "
    "classes or department unions (a main club for its own seat)."
)
MSG_ELECTING_OUTSIDE = gettext_noop(
    "{unit} is not a class or department union of {union}, whose congress the "
    "delegate attends."
)
_MSG_OPINIONS_WRITTEN = gettext_noop(
    "Opinions are written down, so they were heard: opinions_heard cannot be no."
)
_MSG_PUBLISHED_ON_UNPUBLISHED = gettext_noop(
    "A publication day is given but assessment_published is not yes."
)
_MSG_PUBLISHED_BEFORE_HELD = gettext_noop(
    "The assessment cannot be published on {published}, before the review on {held}."
)
_MSG_IDS = gettext_noop(
    "Expected a list of identifiers (in a cell: separated by commas), got “{value}”."
)
_MSG_OBJECT = gettext_noop(
    "Expected an object of names and plain values (in a cell: JSON text such as "
    '{{"deputies": 3}}), got “{value}”.'
)
_MSG_UNTIL_BEFORE = gettext_noop(
    "The last day {until} is before the approval on {approved}."
)
MSG_GUIDANCE_UNION = gettext_noop(
    "Guidance is recorded for a school-level union (a school or graduate union), "
    "not for “{value}”."
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


def _show(value: Any) -> str:
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


class _Parser:
    def __init__(self, row_offset: int) -> None:
        self.errors: list[SnapshotError] = []
        self.row_offset = row_offset

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
                self.error(table, row, col.name, _MSG_TEXT, value=_show(raw))
                return False, None
            text = raw.strip()
            if self.bad_text(table, row, col.name, text):
                return False, None
            if col.choices is not None:
                allowed = [c.value for c in col.choices]
                if text not in allowed:
                    self.error(
                        table,
                        row,
                        col.name,
                        _MSG_CHOICE,
                        value=_show(text),
                        allowed=", ".join(allowed),
                    )
                    return False, None
                return True, col.choices(text)
            if col.max_length is not None and len(text) > col.max_length:
                self.error(table, row, col.name, _MSG_TOO_LONG, limit=col.max_length)
                return False, None
            return True, text
        if col.kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.error(table, row, col.name, _MSG_INT, value=_show(raw))
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
                self.error(table, row, col.name, _MSG_BOOL, value=_show(raw))
                return False, None
            return True, raw
        # date
        day = to_date(raw) if not isinstance(raw, (int, float)) else None
        if day is None:
            self.error(table, row, col.name, _MSG_DATE, value=_show(raw))
            return False, None
        return True, day

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
            self.error(table, row, col.name, _MSG_IDS, value=_show(raw))
            return False, None
        out = tuple(dict.fromkeys(i for i in items if i))
        if any(self.bad_text(table, row, col.name, item) for item in out):
            return False, None
        if col.choices is not None:
            allowed = [c.value for c in col.choices]
            wrong = [i for i in out if i not in allowed]
            if wrong:
                self.error(
                    table,
                    row,
                    col.name,
                    _MSG_CHOICE,
                    value=_show(wrong[0]),
                    allowed=", ".join(allowed),
                )
                return False, None
        if col.max_length is not None and any(len(i) > col.max_length for i in out):
            self.error(table, row, col.name, _MSG_TOO_LONG, limit=col.max_length)
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
                self.error(table, row, col.name, _MSG_TOO_LONG, limit=_OBJECT_TEXT_MAX)
                return False, None
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                value = None
        if not isinstance(value, Mapping) or not _plain_object(value):
            self.error(table, row, col.name, _MSG_OBJECT, value=_show(raw))
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
                self.error(table, number, None, _MSG_UNKNOWN_FIELD, value=_show(key))
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
                self.error(table, number, slash, _MSG_SLASH, value=_show(values[slash]))
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
                    key=" + ".join(key_cols),
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


@dataclass(frozen=True)
class Snapshot(dm.Registry):
    """A parsed snapshot: a registry plus every delegate row and the exported root.

    ``delegates`` holds (meeting code, person id) for all delegate rows, including those of
    meetings that are already stored and not in the file; ``meetings[].delegates`` holds
    the seats of the meetings in the file. ``elected_by`` holds the recorded election of
    every delegate row that gives one (CON-6), keyed like ``delegates``.
    """

    delegates: tuple[tuple[str, str], ...] = ()
    elected_by: Mapping[tuple[str, str], dm.DelegateProvenance] = field(
        default_factory=dict
    )
    root: str | None = None
    rows: Mapping[str, Mapping[tuple[Any, ...], int]] = field(default_factory=dict)


def _header_text(p: _Parser, tables: Mapping[str, Any], key: str) -> str | None:
    """Return a text of the header (a code of at most 64 characters), or report it."""
    value = tables.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        p.error(DOCUMENT, 0, key, _MSG_TEXT, value=_show(value))
        return None
    if p.bad_text(DOCUMENT, 0, key, value):
        return None
    if len(value.strip()) > 64:
        p.error(DOCUMENT, 0, key, _MSG_TOO_LONG, limit=64)
        return None
    return value.strip() or None


def _header(p: _Parser, tables: Mapping[str, Any]) -> tuple[str | None, str | None]:
    fmt = tables.get("format")
    if fmt is not None and fmt != FORMAT:
        p.error(DOCUMENT, 0, "format", _MSG_FORMAT, value=_show(fmt))
    version = tables.get("version")
    if version is not None and (isinstance(version, bool) or version != VERSION):
        p.error(
            DOCUMENT,
            0,
            "version",
            _MSG_VERSION,
            value=_show(version),
            supported=VERSION,
        )
    profile = _header_text(p, tables, "default_profile")
    root = _header_text(p, tables, "root")
    for key in tables:
        if key not in HEADER_KEYS and key not in TABLES:
            p.error(DOCUMENT, 0, None, _MSG_UNKNOWN_TABLE, value=_show(key))
    return (profile or None), (root or None)


def _cycles(p: _Parser, orgs: list[tuple[int, dict[str, Any]]]) -> set[str]:
    """Report each cycle in the parent chain once; return the codes on a cycle."""
    parent = {v["code"]: v["parent"] for _, v in orgs}
    row_of = {v["code"]: n for n, v in orgs}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    bad: set[str] = set()
    for start in parent:
        walk: list[str] = []
        code: str | None = start
        while code is not None and code in parent and state.get(code) is None:
            state[code] = 1
            walk.append(code)
            code = parent[code]
        if code is not None and state.get(code) == 1:
            loop = walk[walk.index(code) :]
            if len(loop) == 1:
                p.error("organisations", row_of[code], "parent", _MSG_OWN_PARENT)
            else:
                first = min(loop, key=lambda c: row_of[c])
                chain = " → ".join([*loop, code])
                p.error(
                    "organisations",
                    row_of[first],
                    "parent",
                    _MSG_CYCLE,
                    value=first,
                    chain=chain,
                )
            bad.update(loop)
        for c in walk:
            state[c] = 2
    return bad


def _guidance_union(
    p: _Parser,
    number: int,
    v: Mapping[str, Any],
    kinds: Mapping[str, dm.OrgKind],
) -> bool:
    """Return whether a guidance row names a school-level union (GOV-1, GOV-2), or
    report it. The kind of an organisation stored and not in the file is checked on
    import (``tongxue.snapshots.services``)."""
    kind = kinds.get(v["organisation"])
    if kind is None or kind in dm.SCHOOL_LEVEL_UNIONS:
        return True
    p.error(
        "guidance", number, "organisation", MSG_GUIDANCE_UNION, value=v["organisation"]
    )
    return False


#: The columns of a delegate row that record its election (CON-6), given together.
ELECTION_COLUMNS = ("electing_unit", "election_date", "electorate", "votes_cast")


def electing_error(
    registry: dm.Registry,
    union: str,
    provenance: dm.DelegateProvenance,
    row: int,
) -> SnapshotError | None:
    """Return the error of a delegate row whose electing unit may not have elected a
    delegate of ``union``'s congress (CON-6), or None (see
    :func:`tongxue.domain.delegates.electing_fault`)."""
    unit = provenance.electing_unit
    fault = electing_fault(registry, union, unit)
    if fault is None:
        return None
    text = MSG_ELECTING_KIND if fault == ElectingFault.KIND else MSG_ELECTING_OUTSIDE
    return SnapshotError(
        "delegates", row, "electing_unit", Message(text, {"unit": unit, "union": union})
    )


def _delegate_elections(
    p: _Parser,
    rows: list[tuple[int, dict[str, Any]]],
    org_rows: list[tuple[int, dict[str, Any]]],
    meeting_org: Mapping[str, str],
) -> tuple[
    list[tuple[int, dict[str, Any]]], dict[tuple[str, str], dm.DelegateProvenance]
]:
    """Check the election recorded with each delegate row (CON-6); return the rows that
    pass and the elections they record, keyed by (meeting, person).

    The four columns of :data:`ELECTION_COLUMNS` go together (``votes`` needs them);
    votes ≤ votes cast ≤ electorate, and the electorate is at least one; one election
    (meeting, unit, day) has one electorate and one count of ballots cast. The electing
    unit is checked against the meeting's union when the file holds both and their
    ancestors; otherwise the import checks it with what is stored.
    """
    tree = dm.Registry(
        organisations=tuple(
            dm.Organisation(v["code"], v["name"], v["kind"], v["parent"])
            for _, v in org_rows
        )
    )

    def rooted(code: str) -> bool:
        """Whether the file holds ``code`` and every organisation above it."""
        org, seen = tree.org.get(code), set()
        while org is not None and org.code not in seen:
            if org.parent is None:
                return True
            seen.add(org.code)
            org = tree.org.get(org.parent)
        return False

    out: list[tuple[int, dict[str, Any]]] = []
    elected: dict[tuple[str, str], dm.DelegateProvenance] = {}
    figures: dict[tuple[str, str, date], tuple[int, int, int]] = {}
    for number, v in rows:
        if all(v[c] is None for c in (*ELECTION_COLUMNS, "votes")):
            out.append((number, v))
            continue
        missing = [c for c in ELECTION_COLUMNS if v[c] is None]
        for column in missing:
            p.error("delegates", number, column, MSG_ELECTION_PART)
        if missing:
            continue
        unit, held = v["electing_unit"], v["election_date"]
        electorate, cast, votes = v["electorate"], v["votes_cast"], v["votes"]
        errors = len(p.errors)
        if electorate < 1:
            p.error("delegates", number, "electorate", MSG_ELECTORATE_MIN)
        elif cast > electorate:
            p.error(
                "delegates",
                number,
                "votes_cast",
                MSG_CAST_OVER_ELECTORATE,
                votes_cast=cast,
                electorate=electorate,
            )
        if votes is not None and votes > cast:
            p.error(
                "delegates",
                number,
                "votes",
                MSG_VOTES_OVER_CAST,
                votes=votes,
                votes_cast=cast,
            )
        key = (v["meeting"], unit, held)
        first = figures.setdefault(key, (number, electorate, cast))
        if first[1:] != (electorate, cast):
            p.error(
                "delegates",
                number,
                "electorate",
                MSG_ELECTION_FIGURES,
                unit=unit,
                held=held.isoformat(),
                electorate=first[1],
                votes_cast=first[2],
                other=first[0],
            )
        provenance = dm.DelegateProvenance(
            v["person"], unit, held, electorate, cast, votes
        )
        union = meeting_org.get(v["meeting"])
        if union is not None and rooted(union) and rooted(unit):
            problem = electing_error(tree, union, provenance, number)
            if problem is not None:
                p.errors.append(problem)
        if len(p.errors) == errors:
            out.append((number, v))
            elected[(v["meeting"], v["person"])] = provenance
    return out, elected


def _justifications(
    p: _Parser,
    rows: list[tuple[int, dict[str, Any]]],
    kinds: Mapping[str, dm.OrgKind],
) -> list[tuple[int, dict[str, Any]]]:
    """Keep the justification rows that name a rule that can be justified there.

    An unknown or binding rule id, or one not reported at the organisation's kind, is
    reported with the ids that are valid (the kind of an organisation already stored
    and not in the file is checked on import, by ``tongxue.snapshots.services``).
    """
    out = []
    for number, v in rows:
        problem = rule_problem(v["rule"], kinds.get(v["organisation"]))
        if problem is not None:
            p.errors.append(SnapshotError("justifications", number, "rule", problem))
            continue
        until = v["valid_until"]
        if until is not None and until < v["approved_on"]:
            p.error(
                "justifications",
                number,
                "valid_until",
                _MSG_UNTIL_BEFORE,
                until=until.isoformat(),
                approved=v["approved_on"].isoformat(),
            )
            continue
        out.append((number, v))
    return out


def parse_tables(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    known_orgs: Collection[str] = (),
    known_people: Collection[str] = (),
    known_meetings: Collection[str] = (),
    row_offset: int = 1,
) -> tuple[Snapshot, list[SnapshotError]]:
    """Parse a snapshot's tables into a registry and report every problem (ORG-1).

    ``tables`` maps table names to lists of rows; it may also hold the header keys
    (``format``, ``version``, ``default_profile``, ``root``). Row numbers in errors are
    ``index + row_offset`` unless a row carries its own under :data:`ROW_KEY`. The
    registry holds the rows that parsed; it is only meaningful when there are no errors.
    """
    p = _Parser(row_offset)
    default_profile, root = _header(p, tables)
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {
        name: p.unique(name, p.rows(name, tables.get(name))) for name in TABLES
    }
    org_codes = {v["code"] for _, v in raw["organisations"]}
    person_ids = {v["id"] for _, v in raw["people"]}
    meeting_codes = {v["code"] for _, v in raw["meetings"]}
    # A row that failed to parse still defines its key, so that its references do not
    # add a second, misleading error: collect the keys of every row given.
    for name, bucket in (
        ("organisations", org_codes),
        ("people", person_ids),
        ("meetings", meeting_codes),
    ):
        key = KEYS[name][0]
        rows = tables.get(name)
        if isinstance(rows, Sequence) and not isinstance(rows, (str, bytes)):
            for row in rows:
                if isinstance(row, Mapping) and isinstance(row.get(key), str):
                    bucket.add(row[key].strip())
    known: dict[str, Callable[[str], bool]] = {
        "organisation": lambda c: c in org_codes or c in known_orgs,
        "person": lambda c: c in person_ids or c in known_people,
        "meeting": lambda c: c in meeting_codes or c in known_meetings,
    }
    checked = {name: p.refs(name, rows, known) for name, rows in raw.items()}
    _cycles(p, raw["organisations"])
    seat_plans = {
        v["code"]: plan
        for number, v in checked["meetings"]
        if (plan := _seat_plan(p, number, v)) is not None
    }
    for number, v in checked["positions"]:
        if v["end"] is not None and v["end"] < v["start"]:
            p.error(
                "positions",
                number,
                "end",
                _MSG_END_BEFORE_START,
                end=v["end"].isoformat(),
                start=v["start"].isoformat(),
            )
    for number, v in checked["reviews"]:
        if v["reviewer"] == v["reviewed"]:
            p.error("reviews", number, "reviewed", _MSG_SAME_ORG)
        if v["opinions_heard"] is False and v["opinions"]:
            p.error("reviews", number, "opinions_heard", _MSG_OPINIONS_WRITTEN)
        published_on = v["published_on"]
        if published_on is not None and not v["assessment_published"]:
            p.error("reviews", number, "published_on", _MSG_PUBLISHED_ON_UNPUBLISHED)
        elif published_on is not None and published_on < v["held"]:
            p.error(
                "reviews",
                number,
                "published_on",
                _MSG_PUBLISHED_BEFORE_HELD,
                published=published_on.isoformat(),
                held=v["held"].isoformat(),
            )
    checked["justifications"] = _justifications(
        p,
        checked["justifications"],
        {v["code"]: v["kind"] for _, v in raw["organisations"]},
    )
    if checked["guidance"]:
        org_kinds = {v["code"]: v["kind"] for _, v in raw["organisations"]}
        checked["guidance"] = [
            (number, v)
            for number, v in checked["guidance"]
            if _guidance_union(p, number, v, org_kinds)
        ]
    for number, v in checked["semesters"]:
        if v["end"] < v["start"]:
            p.error(
                "semesters",
                number,
                "end",
                _MSG_END_BEFORE_START,
                end=v["end"].isoformat(),
                start=v["start"].isoformat(),
            )
    union_kinds = {v["code"]: v["kind"] for _, v in raw["organisations"]}
    for number, v in checked["evaluations"]:
        kind = union_kinds.get(v["organisation"])
        if kind is not None and kind not in dm.UNION_KINDS:
            p.error(
                "evaluations",
                number,
                "organisation",
                MSG_EVALUATION_UNION,
                value=v["organisation"],
            )
        if v["end"] < v["start"]:
            p.error(
                "evaluations",
                number,
                "end",
                _MSG_END_BEFORE_START,
                end=v["end"].isoformat(),
                start=v["start"].isoformat(),
            )
        took, listed = v["participants"], v["eligible"]
        if took is not None and listed is not None and took > listed:
            p.error(
                "evaluations",
                number,
                "participants",
                _MSG_PARTICIPANTS_OVER,
                participants=took,
                eligible=listed,
            )

    checked["delegates"], elected_by = _delegate_elections(
        p,
        checked["delegates"],
        raw["organisations"],
        {v["code"]: v["organisation"] for _, v in checked["meetings"]},
    )
    seats: dict[str, list[str]] = defaultdict(list)
    for _, v in checked["delegates"]:
        seats[v["meeting"]].append(v["person"])
    rows_index = {
        name: {tuple(v[k] for k in KEYS[name]): n for n, v in rows}
        for name, rows in raw.items()
    }
    snapshot = Snapshot(
        organisations=tuple(
            dm.Organisation(
                code=v["code"],
                name=v["name"],
                name_en=v["name_en"] or "",
                kind=v["kind"],
                parent=v["parent"],
                students_served=v["students_served"],
                school_type=v["school_type"],
                county=v["county"],
                branch_campuses=v["branch_campuses"] or 0,
                function=v["function"],
                profile=v["profile"],
            )
            for _, v in checked["organisations"]
        ),
        people=tuple(
            dm.Person(
                id=v["id"],
                name=v["name"],
                kind=v["kind"] or dm.PersonKind.STUDENT,
                student_number=v["student_number"] or "",
                gender=v["gender"],
                ethnicity=v["ethnicity"] or "",
                department=v["department"],
                grade=v["grade"],
                class_code=v["class"],
                enrolment=v["enrolment"] or dm.Enrolment.ENROLLED,
            )
            for _, v in checked["people"]
        ),
        positions=tuple(
            dm.Position(
                organisation=v["organisation"],
                person=v["person"],
                role=v["role"],
                title=v["title"],
                start=v["start"],
                end=v["end"],
                branch_campus=bool(v["branch_campus"]),
                responsible_for_clubs=bool(v["responsible_for_clubs"]),
                public_contact=v["public_contact"] or "",
                election=v["election"],
            )
            for _, v in checked["positions"]
        ),
        meetings=tuple(
            dm.Meeting(
                code=v["code"],
                organisation=v["organisation"],
                kind=v["kind"],
                opened=v["opened"],
                session=v["session"],
                work_report=bool(v["work_report"]),
                delegates=tuple(sorted(seats.get(v["code"], ()))),
                provenance=tuple(
                    elected_by[(v["code"], person)]
                    for person in sorted(seats.get(v["code"], ()))
                    if (v["code"], person) in elected_by
                ),
                agenda=v["agenda"] or (),
                charter_in_force=bool(v["charter_in_force"]),
                status=v["status"],
                seats=seat_plans.get(v["code"]),
            )
            for _, v in checked["meetings"]
        ),
        reviews=tuple(
            dm.Review(
                v["reviewer"],
                v["reviewed"],
                v["held"],
                bool(v["assessment_published"]),
                report_heard=v["report_heard"] is not False,
                opinions_heard=v["opinions_heard"],
                opinions=v["opinions"] or "",
                assessment=v["assessment"] or "",
                rating=v["rating"],
                published_on=v["published_on"],
            )
            for _, v in checked["reviews"]
        ),
        justifications=tuple(
            dm.Justification(
                v["organisation"],
                v["rule"],
                v["reason"],
                v["approved_by"],
                v["approved_on"],
                valid_until=v["valid_until"],
                evidence=v["evidence"],
            )
            for _, v in checked["justifications"]
        ),
        semesters=tuple(
            dm.Semester(
                organisation=v["organisation"],
                code=v["code"],
                start=v["start"],
                end=v["end"],
                closed=bool(v["closed"]),
                reports=v["reports"] or (),
            )
            for _, v in checked["semesters"]
        ),
        evaluations=tuple(
            dm.EvaluationPeriod(
                organisation=v["organisation"],
                code=v["code"],
                start=v["start"],
                end=v["end"],
                dimensions=tuple(str(d) for d in v["dimensions"] or ()),
                cadres=v["cadres"],
                participants=v["participants"],
                eligible=v["eligible"],
                published=bool(v["published"]),
            )
            for _, v in checked["evaluations"]
        ),
        elections=tuple(
            dm.Election(
                organisation=v["organisation"],
                code=v["code"],
                meeting=v["meeting"],
                post=v["post"].value,
                status=(v["status"] or dm.ElectionStatus.DRAFT).value,
            )
            for _, v in checked["elections"]
        ),
        written_reports=tuple(
            dm.WrittenReport(v["organisation"], v["filed"], v["code"])
            for _, v in checked["written_reports"]
        ),
        standing_conferences=tuple(
            dm.StandingConference(v["organisation"], v["adopted"])
            for _, v in checked["standing_conferences"]
        ),
        guidance=tuple(
            dm.Guidance(
                organisation=v["organisation"],
                kind=v["kind"],
                held=v["held"],
                by=v["by"],
                summary=v["summary"],
                public=bool(v["public"]),
            )
            for _, v in checked["guidance"]
        ),
        default_profile=default_profile or dm.Registry.default_profile,
        delegates=tuple((v["meeting"], v["person"]) for _, v in checked["delegates"]),
        elected_by=elected_by,
        root=root,
        rows=rows_index,
    )
    return snapshot, p.errors


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _tree_order(registry: dm.Registry, root: str | None) -> list[dm.Organisation]:
    """Organisations depth first, parents before children, siblings by code."""
    if root is not None:
        tops = [registry.org[root]] if root in registry.org else []
    else:
        tops = sorted(
            (
                o
                for o in registry.organisations
                if o.parent is None or o.parent not in registry.org
            ),
            key=lambda o: o.code,
        )
    out: list[dm.Organisation] = []
    stack = list(reversed(tops))
    seen: set[str] = set()
    while stack:
        org = stack.pop()
        if org.code in seen:
            continue
        seen.add(org.code)
        out.append(org)
        stack.extend(
            sorted(registry.kids(org.code), key=lambda o: o.code, reverse=True)
        )
    return out


_MSG_SEATS_WITHOUT_PLAN = gettext_noop(
    "Seats are listed but seats_by_grade is blank: say yes (by department and grade) "
    "or no (by department only)."
)
_MSG_SEAT_GRADE = gettext_noop("“{value}” is not a grade (a year of enrolment).")
_MSG_SEAT_GRADES_NOT_BY_GRADE = gettext_noop(
    "Grades with seats are listed but seats_by_grade is no (by department only)."
)


def _seat_plan(p: _Parser, number: int, v: Mapping[str, Any]) -> dm.SeatPlan | None:
    """The seat plan of a meetings row (CON-4), or None; problems reported to ``p``."""
    listed = [c for c in ("seat_departments", "seat_grades", "seat_clubs") if v[c]]
    if v["seats_by_grade"] is None:
        if listed:
            p.error("meetings", number, "seats_by_grade", _MSG_SEATS_WITHOUT_PLAN)
        return None
    grades: list[int] = []
    for item in v["seat_grades"] or ():
        if not item.isdigit() or not 1 <= int(item) <= 9999:
            p.error("meetings", number, "seat_grades", _MSG_SEAT_GRADE, value=item)
            return None
        grades.append(int(item))
    if grades and not v["seats_by_grade"]:
        p.error("meetings", number, "seat_grades", _MSG_SEAT_GRADES_NOT_BY_GRADE)
        return None
    return dm.SeatPlan(
        by_grade=bool(v["seats_by_grade"]),
        departments=tuple(v["seat_departments"] or ()),
        grades=tuple(sorted(set(grades))),
        clubs=tuple(v["seat_clubs"] or ()),
    )


def _delegate_rows(meeting: dm.Meeting) -> list[dict[str, Any]]:
    """The delegate rows of a meeting, each with its election where one is recorded."""
    elected = {e.person: e for e in meeting.provenance}
    rows: list[dict[str, Any]] = []
    for person in sorted(meeting.delegates):
        row: dict[str, Any] = {"meeting": meeting.code, "person": person}
        found = elected.get(person)
        if found is not None:
            row |= {
                "electing_unit": found.electing_unit,
                "election_date": found.held.isoformat(),
                "electorate": found.electorate,
                "votes_cast": found.votes_cast,
                "votes": found.votes,
            }
        rows.append(row)
    return rows


def registry_to_tables(
    registry: dm.Registry, *, root: str | None = None
) -> dict[str, Any]:
    """Return the snapshot document of a registry, in a stable order (inverse of parse).

    With ``root``, only that organisation and its subtree are written (the root keeps its
    parent's code); positions, meetings, reviews and justifications follow their
    organisations, and people their positions and seats unless other people are given.
    """
    orgs = _tree_order(registry, root)
    codes = {o.code for o in orgs}
    positions = sorted(
        (p for p in registry.positions if p.organisation in codes),
        key=lambda p: (p.organisation, p.role.value, p.start, p.person),
    )
    meetings = sorted(
        (m for m in registry.meetings if m.organisation in codes), key=lambda m: m.code
    )
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "default_profile": registry.default_profile,
    }
    if root is not None:
        doc["root"] = root
    doc["organisations"] = [
        {
            "code": o.code,
            "name": o.name,
            "name_en": o.name_en,
            "kind": o.kind.value,
            "parent": o.parent,
            "students_served": o.students_served,
            "school_type": o.school_type.value if o.school_type else None,
            "county": o.county,
            "branch_campuses": o.branch_campuses,
            "function": o.function.value if o.function else None,
            "profile": o.profile,
        }
        for o in orgs
    ]
    doc["people"] = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind.value,
            "student_number": p.student_number,
            "gender": p.gender.value if p.gender else None,
            "ethnicity": p.ethnicity,
            "department": p.department,
            "grade": p.grade,
            "class": p.class_code,
            "enrolment": p.enrolment.value,
        }
        for p in sorted(registry.people, key=lambda p: p.id)
    ]
    doc["positions"] = [
        {
            "organisation": p.organisation,
            "person": p.person,
            "role": p.role.value,
            "title": p.title,
            "start": p.start.isoformat(),
            "end": _iso(p.end),
            "branch_campus": p.branch_campus,
            "responsible_for_clubs": p.responsible_for_clubs,
            "public_contact": p.public_contact,
            # only where one is on record, so that a registry without elections
            # exports the same document as before
            **({"election": p.election} if p.election else {}),
        }
        for p in positions
    ]
    doc["meetings"] = [
        {
            "code": m.code,
            "organisation": m.organisation,
            "kind": m.kind.value,
            "session": m.session,
            "opened": m.opened.isoformat(),
            "work_report": m.work_report,
            **({"status": m.status.value} if m.status is not None else {}),
            # the business the audit reads (CON-7); only where it is recorded, so a
            # registry without it exports the same document as before
            **(
                {"agenda": list(m.agenda), "charter_in_force": m.charter_in_force}
                if m.agenda
                else {}
            ),
            # the seat plan (CON-4), only where one is recorded
            **(
                {
                    "seats_by_grade": m.seats.by_grade,
                    "seat_departments": list(m.seats.departments),
                    "seat_grades": [str(g) for g in m.seats.grades],
                    "seat_clubs": list(m.seats.clubs),
                }
                if m.seats is not None
                else {}
            ),
        }
        for m in meetings
    ]
    # The election of each delegate (CON-6) only where one is recorded, so that a
    # registry without them exports the same document as before.
    doc["delegates"] = [row for m in meetings for row in _delegate_rows(m)]
    doc["reviews"] = [
        {
            "reviewer": r.reviewer,
            "reviewed": r.reviewed,
            "held": r.held.isoformat(),
            "assessment_published": r.assessment_published,
            "report_heard": r.report_heard,
            "opinions_heard": r.opinions_heard,
            "opinions": r.opinions,
            "assessment": r.assessment,
            "rating": r.rating.value if r.rating is not None else None,
            "published_on": _iso(r.published_on),
        }
        for r in sorted(
            registry.reviews, key=lambda r: (r.reviewer, r.reviewed, r.held)
        )
        if r.reviewer in codes
    ]
    doc["justifications"] = [
        {
            "organisation": j.organisation,
            "rule": j.rule,
            "reason": j.reason,
            "approved_by": j.approved_by,
            "approved_on": j.approved_on.isoformat(),
            "valid_until": justification_valid_until(j).isoformat(),
            "evidence": dict(j.evidence) if j.evidence is not None else None,
        }
        for j in sorted(registry.justifications, key=lambda j: (j.organisation, j.rule))
        if j.organisation in codes
    ]
    # The optional tables are written only when there is something to write, so that a
    # registry without elections or semesters exports the same document as before.
    elections = [
        {
            "code": e.code,
            "organisation": e.organisation,
            "meeting": e.meeting,
            "post": e.post,
            "status": e.status,
        }
        for e in sorted(registry.elections, key=lambda e: (e.organisation, e.code))
        if e.organisation in codes
    ]
    if elections:
        doc["elections"] = elections
    semesters = [
        {
            "organisation": s.organisation,
            "code": s.code,
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "closed": s.closed,
            "reports": sorted(s.reports),
        }
        for s in sorted(
            registry.semesters, key=lambda s: (s.organisation, s.start, s.code)
        )
        if s.organisation in codes
    ]
    if semesters:
        doc["semesters"] = semesters
    # CAD-3: counts only, never a rating.
    evaluations = [
        {
            "organisation": e.organisation,
            "code": e.code,
            "start": e.start.isoformat(),
            "end": e.end.isoformat(),
            "dimensions": list(e.dimensions),
            "cadres": e.cadres,
            "participants": e.participants,
            "eligible": e.eligible,
            "published": e.published,
        }
        for e in sorted(
            registry.evaluations, key=lambda e: (e.organisation, e.start, e.code)
        )
        if e.organisation in codes
    ]
    if evaluations:
        doc["evaluations"] = evaluations
    written = [
        {"organisation": r.organisation, "code": r.code, "filed": r.filed.isoformat()}
        for r in sorted(
            registry.written_reports, key=lambda r: (r.organisation, r.filed, r.code)
        )
        if r.organisation in codes
    ]
    if written:
        doc["written_reports"] = written
    standing = [
        {"organisation": c.organisation, "adopted": c.adopted.isoformat()}
        for c in sorted(registry.standing_conferences, key=lambda c: c.organisation)
        if c.organisation in codes
    ]
    if standing:
        doc["standing_conferences"] = standing
    guidance = [
        {
            "organisation": g.organisation,
            "kind": g.kind.value,
            "held": g.held.isoformat(),
            "by": g.by,
            "summary": g.summary,
            "public": g.public,
        }
        for g in sorted(
            registry.guidance, key=lambda g: (g.organisation, g.held, g.kind.value)
        )
        if g.organisation in codes
    ]
    if guidance:
        doc["guidance"] = guidance
    return doc
