"""The snapshot format: its tables, columns and keys; the parsed :class:`Snapshot`.

The format is documented in ``docs/snapshot.md`` and described by
``tongxue/snapshots/schema.json``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tongxue.domain import business as dm_business
from tongxue.domain import model as dm
from tongxue.domain.findings import Message

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

#: The rows of a table that parsed: (row number, values by column name).
Rows = list[tuple[int, dict[str, Any]]]


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
