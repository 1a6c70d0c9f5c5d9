"""Import a snapshot: all or nothing, idempotent, in bulk (ORG-1).

:func:`import_tables` parses a snapshot document with
:func:`tongxue.domain.snapshot.parse_tables`, then upserts every table inside one
transaction, keyed by the stable identifiers of ``docs/snapshot.md``: organisation
code, person id, position (organisation, person, role, start), meeting code, delegate
(meeting, person), review (reviewer, reviewed, held) and justification (organisation,
rule) and election (code). A row whose values equal the stored ones is left alone, so
importing the same file twice changes nothing. The ``elections`` table is stored as
recorded elections (:class:`tongxue.elections.models.RecordedElection`: the facts the
file carries, no ballots); a row naming an election run in Tongxue at the same
organisation is that election and is left alone. The ``guidance`` table (GOV-1, GOV-2:
a school-level union's report heard by the Party committee, the League committee's
guidance) is stored as records of guidance, keyed by (organisation, kind, held). The
``evaluations`` table (CAD-3) is stored as recorded evaluations
(:class:`tongxue.evaluations.models.RecordedEvaluation`: counts, never a rating), keyed
by (organisation, code). The
election of each delegate (CON-6), semesters with their 述职 reports (CAD-4), written
work reports (CON-13), standing conferences (CON-8 … CON-10) and a meeting's agenda and
charter in force (CON-7) are stored by :mod:`tongxue.snapshots.records`, so that the
audit of the database finds what ``tongxue audit FILE`` finds; only a charter in force
that would slip under the versions Tongxue records is checked and not stored
(``ImportResult.not_stored``). Any problem — in any row — raises
:class:`SnapshotInvalid` with every problem found, and nothing is written.

Lookups are done in bulk (one query per table and per chunk of keys), writes with
``bulk_create`` / ``bulk_update``: the number of queries does not grow with the rows
until a chunk fills up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
from django.utils import timezone

from tongxue.business.models import Guidance
from tongxue.compliance.models import Justification
from tongxue.congresses.models import Delegate, Meeting
from tongxue.core import auditlog
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.justifications import rule_problem, valid_until
from tongxue.domain.model import (
    SCHOOL_LEVEL_UNIONS,
    UNION_KINDS,
    MeetingStatus,
    OrgKind,
)
from tongxue.domain.model import Review as DomainReview
from tongxue.domain.snapshot import (
    AUDIT_ONLY,
    DOCUMENT,
    MSG_EVALUATION_UNION,
    MSG_GUIDANCE_UNION,
    TABLES,
    Snapshot,
    SnapshotError,
    parse_tables,
    split_ids,
    storable,
)
from tongxue.elections.models import Election, RecordedElection
from tongxue.evaluations.models import RecordedEvaluation
from tongxue.organisations.models import Organisation, Person, Position, Review
from tongxue.organisations.paths import path_for
from tongxue.snapshots import limits, records
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.jsonio import read_json
from tongxue.snapshots.scope import Scope, import_scope, scope_errors
from tongxue.snapshots.xlsxio import read_xlsx

__all__ = [
    "ImportResult",
    "SnapshotInvalid",
    "TableCounts",
    "import_file",
    "import_tables",
]

#: Keys per ``IN (…)`` lookup: below SQLite's historical limit of 999 parameters.
CHUNK = 900
#: Rows per INSERT / UPDATE statement.
BATCH = 500
#: Rows per ``executemany`` call when inserting.
INSERT_BATCH = 5000
_PATH_MAX = Organisation._meta.get_field("path").max_length or 1000


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would have done), per table."""

    counts: dict[str, TableCounts] = field(
        default_factory=lambda: {
            name: TableCounts() for name in TABLES if name not in AUDIT_ONLY
        }
    )
    dry_run: bool = False
    moved: int = 0  # stored organisations below a moved one whose path changed
    #: Rows checked but not stored (read by the audit of a file only): the meetings
    #: whose charter in force would come before the versions Tongxue records.
    not_stored: dict[str, int] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: c.as_dict() for name, c in self.counts.items()}


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _error(
    table: str, row: int, fld: str | None, text: str, **params: Any
) -> SnapshotError:
    return SnapshotError(table, row, fld, Message(text, params))


def _strings(rows: Any, *names: str) -> set[str]:
    """Return the text values of columns ``names`` in raw rows (before parsing).

    A text the database cannot hold (a NUL, a lone surrogate) is left out of the
    look-ups; the parser reports it.
    """
    out: set[str] = set()
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        return out
    for row in rows:
        if isinstance(row, Mapping):
            for name in names:
                value = row.get(name)
                if isinstance(value, str) and value.strip() and storable(value):
                    out.add(value.strip())
    return out


def _id_lists(rows: Any, name: str) -> set[str]:
    """Return the identifiers listed in column ``name`` (a list, or a text of them)."""
    out: set[str] = set()
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        return out
    for row in rows:
        value = row.get(name) if isinstance(row, Mapping) else None
        items = split_ids(value) if isinstance(value, str) else value
        if isinstance(items, (list, tuple)):
            out.update(
                i.strip()
                for i in items
                if isinstance(i, str) and i.strip() and storable(i)
            )
    return out


def _lookup(
    model: type[models.Model], key: str, keys: Iterable[Any], *fields: str
) -> list[tuple[Any, ...]]:
    """Return ``values_list(key, *fields)`` of the rows whose ``key`` is in ``keys``."""
    out: list[tuple[Any, ...]] = []
    for chunk in _chunks(sorted(set(keys))):
        out.extend(
            model._default_manager.filter(**{f"{key}__in": chunk}).values_list(
                key, *fields
            )
        )
    return out


# Stored columns compared on re-import, per model, in the order of the tuples below.
ORG_COLS = (
    "name",
    "name_en",
    "kind",
    "parent_id",
    "path",
    "students_served",
    "school_type",
    "county",
    "branch_campuses",
    "function",
    "profile",
)
PERSON_COLS = (
    "name",
    "kind",
    "student_number",
    "gender",
    "ethnicity",
    "department_id",
    "grade",
    "class_unit_id",
    "enrolment",
)
POSITION_COLS = (
    "title",
    "end",
    "branch_campus",
    "responsible_for_clubs",
    "public_contact",
    "election",
)
MEETING_COLS = (
    "organisation_id",
    "kind",
    "session",
    "opened",
    "work_report",
    "status",
    "recorded_seats",
)
REVIEW_COLS = (
    "assessment_published",
    "report_heard",
    "opinions_heard",
    "opinions",
    "assessment",
    "rating",
    "published_on",
)
JUSTIFICATION_COLS = ("reason", "approved_by", "approved_on", "valid_until", "evidence")
RECORDED_ELECTION_COLS = ("organisation_id", "meeting", "post", "status")
RECORDED_EVALUATION_COLS = (
    "start",
    "end",
    "dimensions",
    "cadres",
    "participants",
    "eligible",
    "published",
)
GUIDANCE_COLS = ("by", "summary", "public")

MSG_ELECTION_RUN_ELSEWHERE = gettext_noop(
    "The election {code} is run in Tongxue by {organisation}: a file cannot record it "
    "for another organisation."
)


def _insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (attname → value) with ``executemany``: far cheaper than building
    model instances for a province, and the same statement on SQLite and PostgreSQL."""
    if not rows:
        return
    meta = model._meta
    names = list(rows[0])
    fields = [meta.get_field(name) for name in names]
    ops = connection.ops
    adapt: list[Any] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            adapt.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapt.append(ops.adapt_datefield_value)
        elif isinstance(f, models.JSONField):  # a justification's evidence
            adapt.append(lambda value, f=f: f.get_db_prep_save(value, connection))
        else:
            adapt.append(None)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        tuple(
            row[n] if a is None or row[n] is None else a(row[n])
            for n, a in zip(names, adapt, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), INSERT_BATCH):
            cursor.executemany(sql, params[start : start + INSERT_BATCH])


class _Upsert:
    """Compare wanted rows with stored ones; create the new, update the changed."""

    def __init__(
        self,
        model: type[models.Model],
        cols: Sequence[str],
        counts: TableCounts,
        *,
        stamps: Sequence[str] = (),
        created_stamps: Sequence[str] = (),
    ) -> None:
        self.model, self.cols, self.counts = model, tuple(cols), counts
        self.stamps, self.created_stamps = tuple(stamps), tuple(created_stamps)
        self.create: list[dict[str, Any]] = []
        self.update: list[models.Model] = []

    def add(
        self,
        stored: tuple[Any, tuple[Any, ...]] | None,
        ident: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> None:
        if stored is None:
            self.create.append({**ident, **values})
            self.counts.created += 1
        elif stored[1] == tuple(values[c] for c in self.cols):
            self.counts.unchanged += 1
        else:
            self.update.append(self.model(pk=stored[0], **values))
            self.counts.updated += 1

    def save(self) -> None:
        now = timezone.now()
        if self.create:
            for row in self.create:
                for stamp in (*self.stamps, *self.created_stamps):
                    row[stamp] = now
            _insert(self.model, self.create)
        if self.update:
            for obj in self.update:
                for stamp in self.stamps:
                    setattr(obj, stamp, now)
            self.model._default_manager.bulk_update(
                self.update, [*self.cols, *self.stamps], batch_size=BATCH
            )


_ORG_STAMPS: dict[str, Any] = {
    "stamps": ("updated_at",),
    "created_stamps": ("created_at",),
}


def _blank(value: Any) -> Any:
    return "" if value is None else str(value)


def _review_values(review: DomainReview, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored columns of a review (TRN-3) from a file's row.

    A blank cell of the columns added in v2 (whether opinions were heard, the
    opinions, the assessment, its rating and publication day) keeps what is stored:
    re-importing a file from before them does not erase what was recorded on the
    review pages. An assessment the file marks unpublished has no publication day.
    """
    published_on = review.published_on or stored.get("published_on")
    return {
        "assessment_published": review.assessment_published,
        "report_heard": review.report_heard,
        "opinions_heard": review.opinions_heard
        if review.opinions_heard is not None
        else stored.get("opinions_heard"),
        "opinions": review.opinions or stored.get("opinions", ""),
        "assessment": review.assessment or stored.get("assessment", ""),
        "rating": review.rating.value if review.rating else stored.get("rating", ""),
        "published_on": published_on if review.assessment_published else None,
    }


def _paths(
    snap: Snapshot, stored_path: Mapping[str, str], errors: list[SnapshotError]
) -> dict[str, str]:
    """Return the new path of every organisation in the file and of stored parents.

    A stored organisation keeps its parent, so its new path is the new path of its
    nearest ancestor in the file followed by the rest of its old path. A parent chain
    that runs through stored rows back into the file is a cycle and reported.
    """
    parent = {o.code: o.parent for o in snap.organisations}
    row_of = snap.rows.get("organisations", {})
    memo: dict[str, str] = {}

    def step(code: str) -> tuple[str | None, list[str]]:
        """Return (the code whose path this one extends, the segments appended)."""
        if code in parent:
            return parent[code], [code]
        segments = [c for c in stored_path.get(code, f"/{code}/").split("/") if c]
        for index in range(len(segments) - 2, -1, -1):
            if segments[index] in parent:
                return segments[index], segments[index + 1 :]
        return None, segments

    for start in [*parent, *stored_path]:
        chain: list[tuple[str, list[str]]] = []
        seen: set[str] = set()
        code: str | None = start
        base = "/"
        while code is not None and code not in memo:
            if code in seen:
                culprit = next((c for c in seen if c in parent), start)
                errors.append(
                    _error(
                        "organisations",
                        row_of.get((culprit,), 0),
                        "parent",
                        gettext_noop(
                            "The parent chain of “{value}” loops back on itself "
                            "through stored organisations."
                        ),
                        value=culprit,
                    )
                )
                return memo
            seen.add(code)
            above, segments = step(code)
            chain.append((code, segments))
            code = above
        if code is not None:
            base = memo[code]
        for item, segments in reversed(chain):
            for segment in segments:
                base = path_for(base, segment)
            memo[item] = base
    for code in parent:
        if len(memo.get(code, "")) > _PATH_MAX:
            errors.append(
                _error(
                    "organisations",
                    row_of.get((code,), 0),
                    "parent",
                    gettext_noop("The organisation is nested too deeply."),
                )
            )
    return memo


def _check_justified_kinds(
    snap: Snapshot,
    orgs: Mapping[str, tuple[int, tuple[Any, ...]]],
    errors: list[SnapshotError],
) -> None:
    """Refuse a justification of a stored organisation (not in the file) that names a
    rule not reported at its kind, naming the ids that are valid there.

    The parser checked the rule ids of the organisations in the file; it does not know
    the kind of one that is only stored.
    """
    in_file = {o.code for o in snap.organisations}
    rows = snap.rows.get("justifications", {})
    for just in snap.justifications:
        if just.organisation in in_file or just.organisation not in orgs:
            continue
        kind = OrgKind(orgs[just.organisation][1][ORG_COLS.index("kind")])
        problem = rule_problem(just.rule, kind)
        if problem is not None:
            errors.append(
                SnapshotError(
                    "justifications",
                    rows.get((just.organisation, just.rule), 0),
                    "rule",
                    problem,
                )
            )


def _check_guidance_kinds(
    snap: Snapshot,
    orgs: Mapping[str, tuple[int, tuple[Any, ...]]],
    errors: list[SnapshotError],
) -> None:
    """Refuse guidance of a stored organisation (not in the file) that is not a
    school-level union (GOV-1, GOV-2); the parser checked those in the file."""
    in_file = {o.code for o in snap.organisations}
    rows = snap.rows.get("guidance", {})
    at = ORG_COLS.index("kind")
    for g in snap.guidance:
        if g.organisation in in_file or g.organisation not in orgs:
            continue
        if OrgKind(orgs[g.organisation][1][at]) not in SCHOOL_LEVEL_UNIONS:
            errors.append(
                _error(
                    "guidance",
                    rows.get((g.organisation, g.kind, g.held), 0),
                    "organisation",
                    MSG_GUIDANCE_UNION,
                    value=g.organisation,
                )
            )


def _check_evaluation_kinds(
    snap: Snapshot,
    orgs: Mapping[str, tuple[int, tuple[Any, ...]]],
    errors: list[SnapshotError],
) -> None:
    """Refuse an evaluation (CAD-3) of a stored organisation (not in the file) that is
    not a student union; the parser checked those in the file."""
    in_file = {o.code for o in snap.organisations}
    rows = snap.rows.get("evaluations", {})
    at = ORG_COLS.index("kind")
    for e in snap.evaluations:
        if e.organisation in in_file or e.organisation not in orgs:
            continue
        if OrgKind(orgs[e.organisation][1][at]) not in UNION_KINDS:
            errors.append(
                _error(
                    "evaluations",
                    rows.get((e.organisation, e.code), 0),
                    "organisation",
                    MSG_EVALUATION_UNION,
                    value=e.organisation,
                )
            )


def _check_profiles(snap: Snapshot, errors: list[SnapshotError]) -> None:
    from tongxue.domain.profiles import get_profile

    rows = snap.rows.get("organisations", {})
    checked: dict[str, bool] = {}
    for org in snap.organisations:
        if not org.profile:
            continue
        if org.profile not in checked:
            try:
                get_profile(org.profile)
                checked[org.profile] = True
            except Exception:
                checked[org.profile] = False
        if not checked[org.profile]:
            errors.append(
                _error(
                    "organisations",
                    rows.get((org.code,), 0),
                    "profile",
                    gettext_noop("Unknown profile “{value}”."),
                    value=org.profile,
                )
            )


def import_tables(
    tables: Mapping[str, Any],
    *,
    actor: auditlog.Actor = None,
    within: str | None = None,
    dry_run: bool = False,
    workbook: bool = False,
    row_offset: int = 1,
) -> ImportResult:
    """Import a snapshot document in one transaction; raise SnapshotInvalid on any error.

    ORG-1: organisations keep their materialised path (a moved organisation moves its
    stored descendants too). With ``dry_run`` everything is checked and counted, then
    rolled back. One audit event ``snapshot.import`` records the counts.

    ``actor`` needs ``Perm.IMPORT`` (a ``Refusal`` otherwise), and every row must lie
    within the subtrees where it holds it, narrowed to the subtree of ``within`` (an
    organisation code) when given; a row outside is a :class:`SnapshotInvalid` error
    naming its table, row and field (:mod:`tongxue.snapshots.scope`).
    ``actor=None`` is a command of the operator: no limit unless ``within`` is given.
    """
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        scope = import_scope(actor, within)
        _import(
            tables,
            result,
            actor=actor,
            scope=scope,
            workbook=workbook,
            row_offset=row_offset,
        )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _person_values(person: Any, pk_of: Mapping[str, Any]) -> dict[str, Any]:
    """Return the stored columns of a people row (``PERSON_COLS``)."""
    return {
        "name": person.name,
        "kind": person.kind.value,
        "student_number": person.student_number,
        "gender": _blank(person.gender),
        "ethnicity": person.ethnicity,
        "department_id": pk_of[person.department] if person.department else None,
        "grade": person.grade,
        "class_unit_id": pk_of[person.class_code] if person.class_code else None,
        "enrolment": person.enrolment.value,
    }


#: The field of a people row that sets each stored column.
_PERSON_FIELD = {"department_id": "department", "class_unit_id": "class"}


class _Unknown(dict[str, Any]):
    """Primary keys of stored organisations; a new one has none (it differs)."""

    def __missing__(self, key: str) -> object:
        return object()


def _import(
    tables: Mapping[str, Any],
    result: ImportResult,
    *,
    actor: auditlog.Actor,
    scope: Scope | None,
    workbook: bool,
    row_offset: int,
) -> None:
    org_refs = (
        _strings(tables.get("organisations"), "code", "parent")
        | _strings(tables.get("people"), "department", "class")
        | _strings(tables.get("positions"), "organisation")
        | _strings(tables.get("meetings"), "organisation")
        | _strings(tables.get("reviews"), "reviewer", "reviewed")
        | _strings(tables.get("justifications"), "organisation")
        | _strings(tables.get("elections"), "organisation")
        | _strings(tables.get("semesters"), "organisation")
        | _strings(tables.get("written_reports"), "organisation")
        | _strings(tables.get("standing_conferences"), "organisation")
        | _strings(tables.get("delegates"), "electing_unit")
        | _strings(tables.get("evaluations"), "organisation")
        | _strings(tables.get("guidance"), "organisation")
        | _id_lists(tables.get("meetings"), "seat_departments")
        | _id_lists(tables.get("meetings"), "seat_clubs")
    )
    person_refs = (
        _strings(tables.get("people"), "id")
        | _strings(tables.get("positions"), "person")
        | _strings(tables.get("delegates"), "person")
        | _id_lists(tables.get("semesters"), "reports")
    )
    meeting_refs = (
        _strings(tables.get("meetings"), "code")
        | _strings(tables.get("delegates"), "meeting")
        | _strings(tables.get("elections"), "meeting")
    )

    orgs = {
        row[0]: (row[1], row[2:])
        for row in _lookup(Organisation, "code", org_refs, "pk", *ORG_COLS)
    }
    people = {
        row[0]: (row[1], row[2:])
        for row in _lookup(Person, "ident", person_refs, "pk", *PERSON_COLS)
    }
    meetings = {
        row[0]: (row[1], row[2:])
        for row in _lookup(Meeting, "code", meeting_refs, "pk", *MEETING_COLS)
    }

    snap, errors = parse_tables(
        tables,
        known_orgs=orgs.keys(),
        known_people=people.keys(),
        known_meetings=meetings.keys(),
        row_offset=row_offset,
    )
    _check_profiles(snap, errors)
    _check_justified_kinds(snap, orgs, errors)
    _check_guidance_kinds(snap, orgs, errors)
    _check_evaluation_kinds(snap, orgs, errors)
    stored_path = {
        code: stored[1][ORG_COLS.index("path")] for code, stored in orgs.items()
    }
    paths = _paths(snap, stored_path, errors) if not errors else {}
    if not errors:
        # CON-6: every delegate's electing unit, with what is stored.
        errors = records.electing_unit_errors(snap, orgs, meetings, paths)
    if errors:
        raise SnapshotInvalid(errors, workbook=workbook)

    # What is stored of the positions and seats in the file (the organisations and
    # meetings created here have none yet).
    stored_positions = {
        (row[0], row[2], row[3], row[4]): (row[1], row[5:])
        for row in _lookup(
            Position,
            "organisation_id",
            {orgs[p.organisation][0] for p in snap.positions if p.organisation in orgs},
            "pk",
            "person_id",
            "role",
            "start",
            *POSITION_COLS,
        )
    }
    seats = {
        (row[0], row[1]): (row[2], row[3:])
        for row in _lookup(
            Delegate,
            "meeting_id",
            {meetings[m][0] for m, _ in snap.delegates if m in meetings},
            "person_id",
            "pk",
            "election_id",
            "votes",
        )
    }
    # Elections: the recorded ones stored under the file's codes, and those run in
    # Tongxue (the same code is that election: left alone, at its organisation only).
    election_codes = {e.code for e in snap.elections}
    stored_elections = {
        row[0]: (row[1], row[2], row[3:])
        for row in _lookup(
            RecordedElection,
            "code",
            election_codes,
            "pk",
            "organisation__path",
            *RECORDED_ELECTION_COLS,
        )
    }
    run_elections = {
        code: (org, path)
        for code, org, path in _lookup(
            Election,
            "code",
            election_codes,
            "organisation__code",
            "organisation__path",
        )
    }
    election_paths = {
        **{code: row[1] for code, row in stored_elections.items()},
        **{code: path for code, (_org, path) in run_elections.items()},
    }
    if scope is not None:
        errors = _scope_errors(
            snap,
            scope,
            orgs,
            people,
            meetings,
            paths,
            stored_positions,
            seats,
            election_paths,
        )
        if errors:
            raise SnapshotInvalid(errors, workbook=workbook)
    errors = [
        _error(
            "elections",
            snap.rows.get("elections", {}).get((e.code,), 0),
            "organisation",
            MSG_ELECTION_RUN_ELSEWHERE,
            code=e.code,
            organisation=run_elections[e.code][0],
        )
        for e in snap.elections
        if e.code in run_elections and run_elections[e.code][0] != e.organisation
    ]
    if errors:
        raise SnapshotInvalid(errors, workbook=workbook)

    counts = result.counts
    # Organisations: new ones level by level (a parent's id is known before its
    # children are inserted), then the changed stored ones in bulk.
    pk_of = {code: stored[0] for code, stored in orgs.items()}

    def org_values(org: Any) -> dict[str, Any]:
        return {
            "name": org.name,
            "name_en": org.name_en,
            "kind": org.kind.value,
            "parent_id": pk_of[org.parent] if org.parent else None,
            "path": paths[org.code],
            "students_served": org.students_served,
            "school_type": _blank(org.school_type),
            "county": _blank(org.county),
            "branch_campuses": org.branch_campuses,
            "function": _blank(org.function),
            "profile": _blank(org.profile),
        }

    levels: dict[int, list[Any]] = {}
    for org in snap.organisations:
        if org.code not in orgs:
            levels.setdefault(paths[org.code].count("/"), []).append(org)
    for depth in sorted(levels):
        upsert = _Upsert(Organisation, ORG_COLS, counts["organisations"], **_ORG_STAMPS)
        for org in levels[depth]:
            upsert.add(None, {"code": org.code}, org_values(org))
        upsert.save()
        pk_of.update(
            _lookup(Organisation, "code", [o.code for o in levels[depth]], "pk")
        )
    upsert = _Upsert(Organisation, ORG_COLS, counts["organisations"], **_ORG_STAMPS)
    for org in snap.organisations:
        if org.code in orgs:
            upsert.add(orgs[org.code], {"code": org.code}, org_values(org))
    upsert.save()
    result.moved = _move_descendants(snap, orgs, paths)

    # People.
    upsert = _Upsert(Person, PERSON_COLS, counts["people"])
    for person in snap.people:
        upsert.add(
            people.get(person.id), {"ident": person.id}, _person_values(person, pk_of)
        )
    person_pk = {ident: stored[0] for ident, stored in people.items()}
    upsert.save()
    person_pk.update(
        _lookup(Person, "ident", [r["ident"] for r in upsert.create], "pk")
    )

    # Positions, keyed by (organisation, person, role, start). A blank election keeps
    # the one stored (a file from before the column does not erase the record).
    upsert = _Upsert(Position, POSITION_COLS, counts["positions"])
    election_col = POSITION_COLS.index("election")
    for pos in snap.positions:
        key = (
            pk_of[pos.organisation],
            person_pk[pos.person],
            pos.role.value,
            pos.start,
        )
        stored_position = stored_positions.get(key)
        election = pos.election or (
            stored_position[1][election_col] if stored_position else ""
        )
        upsert.add(
            stored_position,
            {
                "organisation_id": key[0],
                "person_id": key[1],
                "role": key[2],
                "start": key[3],
            },
            {
                "title": pos.title,
                "end": pos.end,
                "branch_campus": pos.branch_campus,
                "responsible_for_clubs": pos.responsible_for_clubs,
                "public_contact": pos.public_contact,
                "election": election,
            },
        )
    upsert.save()

    # Meetings, then delegates. A blank status keeps the one stored (a file from
    # before the column does not close a planned congress); a new meeting without
    # one is a record of a meeting held: closed.
    upsert = _Upsert(Meeting, MEETING_COLS, counts["meetings"])
    status_col = MEETING_COLS.index("status")
    seats_col = MEETING_COLS.index("recorded_seats")
    for meeting in snap.meetings:
        stored_meeting = meetings.get(meeting.code)
        if meeting.status is not None:
            status = meeting.status.value
        elif stored_meeting is not None:
            status = stored_meeting[1][status_col]
        else:
            status = MeetingStatus.CLOSED.value
        # the seat plan (CON-4): a blank keeps the one stored
        if meeting.seats is not None:
            recorded_seats: Any = {
                "by_grade": meeting.seats.by_grade,
                "departments": list(meeting.seats.departments),
                "grades": list(meeting.seats.grades),
                "clubs": list(meeting.seats.clubs),
            }
        elif stored_meeting is not None:
            recorded_seats = stored_meeting[1][seats_col]
        else:
            recorded_seats = None
        upsert.add(
            stored_meeting,
            {"code": meeting.code},
            {
                "organisation_id": pk_of[meeting.organisation],
                "kind": meeting.kind.value,
                "session": meeting.session,
                "opened": meeting.opened,
                "work_report": meeting.work_report,
                "status": status,
                "recorded_seats": recorded_seats,
            },
        )
    meeting_pk = {code: stored[0] for code, stored in meetings.items()}
    upsert.save()
    # The meeting rows created or changed (a meeting whose business alone changes is
    # counted as updated too, by ``records.store_business``).
    written = [r["code"] for r in upsert.create]
    meeting_pk.update(_lookup(Meeting, "code", written, "pk"))
    changed_pks = {obj.pk for obj in upsert.update}
    written += [code for code, pk in meeting_pk.items() if pk in changed_pks]
    # Delegates, each with the election that elected them (CON-6).
    records.store_delegates(
        snap,
        meeting_pk=meeting_pk,
        person_pk=person_pk,
        pk_of=pk_of,
        seats=seats,
        counts=counts["delegates"],
    )
    # A meeting's business (CON-7): agenda items, a charter in force.
    charters = records.store_business(
        snap,
        meeting_pk=meeting_pk,
        pk_of=pk_of,
        counts=counts["meetings"],
        written=written,
    )
    if charters:
        result.not_stored["meetings (charter_in_force)"] = charters

    # Reviews and justifications.
    stored_reviews = {
        (row[0], row[2], row[3]): (row[1], row[4:])
        for row in _lookup(
            Review,
            "reviewer_id",
            {pk_of[r.reviewer] for r in snap.reviews},
            "pk",
            "reviewed_id",
            "held",
            *REVIEW_COLS,
        )
    }
    upsert = _Upsert(Review, REVIEW_COLS, counts["reviews"])
    for review in snap.reviews:
        key = (pk_of[review.reviewer], pk_of[review.reviewed], review.held)
        stored_review = stored_reviews.get(key)
        upsert.add(
            stored_review,
            {"reviewer_id": key[0], "reviewed_id": key[1], "held": key[2]},
            _review_values(
                review,
                dict(zip(REVIEW_COLS, stored_review[1], strict=True))
                if stored_review
                else {},
            ),
        )
    upsert.save()
    stored_justifications = {
        (row[0], row[2]): (row[1], row[3:])
        for row in _lookup(
            Justification,
            "organisation_id",
            {pk_of[j.organisation] for j in snap.justifications},
            "pk",
            "rule",
            *JUSTIFICATION_COLS,
        )
    }
    recorder = (
        actor
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    upsert = _Upsert(
        Justification,
        JUSTIFICATION_COLS,
        counts["justifications"],
        created_stamps=("recorded_at",),
    )
    for just in snap.justifications:
        key = (pk_of[just.organisation], just.rule)
        upsert.add(
            stored_justifications.get(key),
            {
                "organisation_id": key[0],
                "rule": key[1],
                "recorded_by_id": recorder.pk if recorder else None,
            },
            {
                "reason": just.reason,
                "approved_by": just.approved_by,
                "approved_on": just.approved_on,
                # Blank in the file (an old snapshot): a year after approval, and any
                # occurrence (docs/snapshot.md).
                "valid_until": valid_until(just),
                "evidence": dict(just.evidence) if just.evidence is not None else None,
            },
        )
    upsert.save()

    # Elections: recorded as the file gives them, keyed by code; one run in Tongxue
    # (checked above to be of the same organisation) is left as it is.
    upsert = _Upsert(RecordedElection, RECORDED_ELECTION_COLS, counts["elections"])
    for election in snap.elections:
        if election.code in run_elections:
            counts["elections"].unchanged += 1
            continue
        stored_election = stored_elections.get(election.code)
        upsert.add(
            (stored_election[0], stored_election[2]) if stored_election else None,
            {"code": election.code},
            {
                "organisation_id": pk_of[election.organisation],
                "meeting": election.meeting or "",
                "post": election.post,
                "status": election.status,
            },
        )
    upsert.save()

    # Guidance (GOV-1, GOV-2), keyed by (organisation, kind, held).
    if snap.guidance:
        stored_guidance = {
            (row[0], row[2], row[3]): (row[1], row[4:])
            for row in _lookup(
                Guidance,
                "union_id",
                {pk_of[g.organisation] for g in snap.guidance},
                "pk",
                "kind",
                "held",
                *GUIDANCE_COLS,
            )
        }
        upsert = _Upsert(
            Guidance,
            GUIDANCE_COLS,
            counts["guidance"],
            created_stamps=("recorded_at",),
        )
        for g in snap.guidance:
            key = (pk_of[g.organisation], g.kind.value, g.held)
            upsert.add(
                stored_guidance.get(key),
                {
                    "union_id": key[0],
                    "kind": key[1],
                    "held": key[2],
                    "recorded_by_id": recorder.pk if recorder else None,
                },
                {"by": g.by, "summary": g.summary, "public": g.public},
            )
        upsert.save()

    # Evaluations (CAD-3): recorded as the file gives them, keyed by (organisation,
    # code); counts only, a snapshot never carries a rating.
    if snap.evaluations:
        stored_evaluations = {
            (row[0], row[2]): (row[1], row[3:])
            for row in _lookup(
                RecordedEvaluation,
                "organisation_id",
                {pk_of[e.organisation] for e in snap.evaluations},
                "pk",
                "code",
                *RECORDED_EVALUATION_COLS,
            )
        }
        upsert = _Upsert(
            RecordedEvaluation, RECORDED_EVALUATION_COLS, counts["evaluations"]
        )
        for e in snap.evaluations:
            key = (pk_of[e.organisation], e.code)
            upsert.add(
                stored_evaluations.get(key),
                {"organisation_id": key[0], "code": key[1]},
                {
                    "start": e.start,
                    "end": e.end,
                    "dimensions": list(e.dimensions),
                    "cadres": e.cadres,
                    "participants": e.participants,
                    "eligible": e.eligible,
                    "published": e.published,
                },
            )
        upsert.save()

    # Semesters with their 述职 reports (CAD-4), written reports (CON-13) and
    # standing conferences (CON-8 … CON-10).
    errors = records.store_semesters(
        snap, pk_of=pk_of, person_pk=person_pk, counts=counts["semesters"]
    )
    if errors:
        raise SnapshotInvalid(errors, workbook=workbook)
    records.store_written_reports(snap, pk_of=pk_of, counts=counts["written_reports"])
    records.store_standing_conferences(
        snap, pk_of=pk_of, counts=counts["standing_conferences"]
    )

    # Recorded where the import was made (the file's root is only what it says).
    where = scope.codes[0] if scope is not None and len(scope.codes) == 1 else ""
    auditlog.record(
        actor=actor,
        action="snapshot.import",
        organisation=where or snap.root or "",
        target=snap.root or "",
        role=scope.role if scope is not None else "",
        data={
            "counts": result.as_dict(),
            "not_stored": result.not_stored,
            "moved": result.moved,
            "dry_run": result.dry_run,
        },
    )


def _scope_errors(
    snap: Snapshot,
    scope: Scope,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    people: Mapping[str, tuple[Any, tuple[Any, ...]]],
    meetings: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
    stored_positions: Mapping[tuple[Any, ...], Any],
    seats: Mapping[tuple[Any, Any], Any],
    election_paths: Mapping[str, str],
) -> list[SnapshotError]:
    """Return the rows of ``snap`` outside ``scope`` (see :mod:`.scope`)."""
    pk_of = _Unknown({code: stored[0] for code, stored in orgs.items()})

    def person_changed(person: Any) -> str | None:
        stored = people[person.id][1]
        values = _person_values(person, pk_of)
        for column, old in zip(PERSON_COLS, stored, strict=True):
            if values[column] != old:
                return _PERSON_FIELD.get(column, column)
        return None

    def position_exists(pos: Any) -> bool:
        if pos.organisation not in orgs or pos.person not in people:
            return False
        key = (orgs[pos.organisation][0], people[pos.person][0], pos.role.value)
        return (*key, pos.start) in stored_positions

    def seat_exists(code: str, ident: str) -> bool:
        if code not in meetings or ident not in people:
            return False
        return (meetings[code][0], people[ident][0]) in seats

    return scope_errors(
        snap,
        scope,
        orgs=orgs,
        people=people,
        meetings=meetings,
        paths=paths,
        person_changed=person_changed,
        position_exists=position_exists,
        seat_exists=seat_exists,
        lookup=_lookup,
        election_paths=election_paths,
    )


def _move_descendants(
    snap: Snapshot,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
) -> int:
    """Rewrite the paths of stored organisations below a file organisation that moved."""
    in_file = {o.code for o in snap.organisations}
    at = ORG_COLS.index("path")
    moved = {
        code: stored[1][at]
        for code, stored in orgs.items()
        if code in in_file and stored[1][at] != paths[code]
    }
    if not moved:
        return 0
    below: dict[int, tuple[str, str]] = {}
    prefixes = sorted(moved.values())
    for start in range(0, len(prefixes), 100):
        query = models.Q()
        for prefix in prefixes[start : start + 100]:
            query |= models.Q(path__startswith=prefix)
        for pk, code, path in Organisation.objects.filter(query).values_list(
            "pk", "code", "path"
        ):
            if code not in in_file:
                below[pk] = (code, path)
    changed = []
    for pk, (_code, old) in below.items():
        segments = [c for c in old.split("/") if c]
        for index in range(len(segments) - 2, -1, -1):
            if segments[index] in in_file:
                new = paths[segments[index]] + "".join(
                    f"{s}/" for s in segments[index + 1 :]
                )
                break
        else:  # pragma: no cover - a row below a moved one has it in its path
            continue
        if new != old:
            changed.append(Organisation(pk=pk, path=new, updated_at=timezone.now()))
    Organisation.objects.bulk_update(changed, ["path", "updated_at"], batch_size=BATCH)
    return len(changed)


def read_bytes(source: str | Path | IO[bytes] | bytes, suffix: str) -> bytes:
    """Return the bytes of a snapshot file, refusing one over its size limit unread.

    The limit is ``SNAPSHOT_MAX_JSON_BYTES`` for JSON and
    ``SNAPSHOT_MAX_UNCOMPRESSED_BYTES`` for a workbook (which cannot be larger than
    its contents unpacked).
    """
    is_json = suffix == ".json"
    limit = limits.max_json_bytes() if is_json else limits.max_uncompressed_bytes()
    if isinstance(source, (str, Path)):
        size = Path(source).stat().st_size
        data = b"" if size > limit else Path(source).read_bytes()
    elif isinstance(source, bytes):
        size, data = len(source), source
    else:
        data = source.read(limit + 1)
        size = len(data)
    if size > limit:
        raise SnapshotInvalid(
            [
                _error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop(
                        "The file is too large: {size} MB; a snapshot file may have "
                        "at most {limit} MB."
                    ),
                    size=limits.megabytes(size),
                    limit=limits.megabytes(limit),
                )
            ],
            workbook=not is_json,
        )
    return data


def import_file(
    source: str | Path | IO[bytes] | bytes,
    *,
    filename: str | None = None,
    actor: auditlog.Actor = None,
    within: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a ``.json`` or ``.xlsx`` snapshot from a path or an open binary file.

    ``actor`` and ``within`` as for :func:`import_tables`; the file is refused unread
    when it is over a size limit and unparsed when its layout is over another
    (:mod:`tongxue.snapshots.limits`).
    """
    name = filename or (str(source) if isinstance(source, (str, Path)) else "")
    suffix = Path(name).suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise SnapshotInvalid(
            [
                _error(
                    DOCUMENT,
                    0,
                    None,
                    gettext_noop(
                        "Unsupported file type “{value}”: use .json or .xlsx."
                    ),
                    value=suffix or name,
                )
            ]
        )
    data = read_bytes(source, suffix)
    if suffix == ".json":
        return import_tables(
            read_json(data), actor=actor, within=within, dry_run=dry_run
        )
    doc, errors = read_xlsx(data)
    if errors:
        # Report the layout problems together with those of the cells.
        try:
            import_tables(doc, actor=actor, within=within, dry_run=True, workbook=True)
        except SnapshotInvalid as exc:
            errors = errors + exc.errors
        raise SnapshotInvalid(errors, workbook=True)
    return import_tables(
        doc, actor=actor, within=within, dry_run=dry_run, workbook=True
    )
