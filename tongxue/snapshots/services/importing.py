"""Import a snapshot document: the steps of one import, in its transaction (ORG-1).

:func:`import_tables` runs :class:`_Import`: look up what the file names (in bulk),
parse and check it (:mod:`.checks`), read the stored rows the writes compare with,
check the scope of the actor, then write table by table (:mod:`.store`,
:mod:`tongxue.snapshots.records`) and record one audit event. Any problem raises
:class:`SnapshotInvalid` before anything is written. With ``progress`` (a background
job's ``job.progress``, #14) each step is reported: checking, each table, the audit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tongxue.compliance.services import store_audit
from tongxue.congresses import balance_store
from tongxue.congresses.models import Delegate, Meeting
from tongxue.core import auditlog
from tongxue.domain.snapshot import (
    AUDIT_ONLY,
    TABLES,
    Snapshot,
    SnapshotError,
    parse_tables,
)
from tongxue.elections.models import Election, RecordedElection
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.snapshots import labels, records
from tongxue.snapshots.bulk import (
    MEETING_COLS,
    ORG_COLS,
    PERSON_COLS,
    POSITION_COLS,
    RECORDED_ELECTION_COLS,
    TableCounts,
    lookup,
)
from tongxue.snapshots.errors import SnapshotInvalid
from tongxue.snapshots.scope import Scope, import_scope, scope_errors
from tongxue.snapshots.services import checks, store
from tongxue.snapshots.services.analyze import analyze_after_commit
from tongxue.snapshots.services.store import Stored, person_values


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


#: ``report(done, total, message)``: an import's progress (a job's ``job.progress``).
Report = Callable[[int, int, str], None]

#: The tables written, in order, each one step of the progress.
WRITTEN = (
    "organisations",
    "people",
    "positions",
    "meetings",
    "delegates",
    "reviews",
    "justifications",
    "elections",
    "guidance",
    "evaluations",
    "semesters",
    "written_reports",
    "standing_conferences",
)


class Steps:
    """The progress of one import, step by step: reading the file (with ``reading``),
    checking it, checking the scope, each table of :data:`WRITTEN`, the audit event.

    :meth:`step` reports the steps done so far and what starts now; :meth:`end` all
    of them. Without ``report`` it does nothing.
    """

    def __init__(self, report: Report | None, *, reading: bool = False) -> None:
        self.report = report
        self.total = len(WRITTEN) + 3 + (1 if reading else 0)
        self.done = 0

    def step(self, message: str) -> None:
        if self.report is not None:
            self.report(min(self.done, self.total), self.total, message)
        self.done += 1

    def end(self, message: str = "") -> None:
        if self.report is not None:
            self.report(self.total, self.total, message)


def import_tables(
    tables: Mapping[str, Any],
    *,
    actor: auditlog.Actor = None,
    within: str | None = None,
    dry_run: bool = False,
    workbook: bool = False,
    row_offset: int = 1,
    progress: Report | Steps | None = None,
    store_findings: bool = True,
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
    ``progress`` is told of each step (:class:`Steps`). The audit of the imported
    subtree is stored in the same transaction (#15, docs/audit.md "Stored findings")
    unless ``store_findings`` is false (the demo stores once, after its features).
    """
    result = ImportResult(dry_run=dry_run)
    steps = progress if isinstance(progress, Steps) else Steps(progress)
    with transaction.atomic():
        scope = import_scope(actor, within)
        _Import(
            tables,
            result,
            actor=actor,
            scope=scope,
            workbook=workbook,
            row_offset=row_offset,
            steps=steps,
        ).run()
        if dry_run:
            transaction.set_rollback(True)
        else:
            if store_findings:
                store_audit(root=_imported_root(tables, scope, within))
            # An import may change any organisation, person or post the stored balance
            # reports of federation congresses were computed from (CON-12, #15).
            balance_store.forget_all()
            # Fresh planner statistics once a large import commits (PostgreSQL, #15).
            analyze_after_commit(result.counts)
    return result


def _imported_root(
    tables: Mapping[str, Any], scope: Scope | None, within: str | None
) -> str | None:
    """The subtree whose audit an import stores: ``within``, else the file's root,
    else the one subtree the importer may change; everything otherwise."""
    root = within or tables.get("root")
    if not root and scope is not None and len(scope.codes) == 1:
        root = scope.codes[0]
    if root and Organisation.objects.filter(code=root).exists():
        return str(root)
    return None


#: The field of a people row that sets each stored column.
_PERSON_FIELD = {"department_id": "department", "class_unit_id": "class"}


class _Unknown(dict[str, Any]):
    """Primary keys of stored organisations; a new one has none (it differs)."""

    def __missing__(self, key: str) -> object:
        return object()


@dataclass
class _StoredRows:
    """What is stored of the rows the file names beyond the registry's keys (read after
    the file is parsed): positions, delegate seats, and elections, both those recorded
    under the file's codes and those run in Tongxue (the same code is that election),
    with the path of each one's organisation."""

    positions: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]]
    seats: dict[tuple[Any, Any], tuple[Any, tuple[Any, ...]]]
    elections: dict[str, tuple[Any, Any, tuple[Any, ...]]]
    run_elections: dict[str, tuple[Any, Any]]
    election_paths: dict[str, str]


class _Import:
    """One import inside :func:`import_tables`'s transaction, step by step."""

    def __init__(
        self,
        tables: Mapping[str, Any],
        result: ImportResult,
        *,
        actor: auditlog.Actor,
        scope: Scope | None,
        workbook: bool,
        row_offset: int,
        steps: Steps,
    ) -> None:
        self.tables = tables
        self.result = result
        self.actor = actor
        self.scope = scope
        self.workbook = workbook
        self.row_offset = row_offset
        self.steps = steps

    def run(self) -> None:
        """Look up, parse and check, then write and record (nothing is written
        before every check has passed)."""
        self.steps.step(gettext("Checking the file"))
        orgs, people, meetings = self.stored_registry()
        snap, paths = self.parsed(orgs, people, meetings)
        self.steps.step(gettext("Checking what you may change"))
        stored = self.stored_rows(snap, orgs, meetings)
        self.check_scope(snap, orgs, people, meetings, paths, stored)
        self.check_elections(snap, stored)
        self.write(snap, orgs, people, meetings, paths, stored)
        self.steps.step(gettext("Recording the import in the audit log"))
        self.record(snap)
        self.steps.end()

    def table(self, name: str) -> None:
        """Report that the table ``name`` is written now."""
        text = (
            gettext("Checking the table %(table)s")
            if self.result.dry_run
            else gettext("Importing the table %(table)s")
        )
        self.steps.step(text % {"table": name})

    def refuse(self, errors: list[SnapshotError]) -> None:
        """Raise :class:`SnapshotInvalid` with ``errors``, if there are any."""
        if errors:
            raise SnapshotInvalid(errors, workbook=self.workbook)

    def stored_registry(self) -> tuple[Stored, Stored, Stored]:
        """The stored organisations, people and meetings the file names (key → (pk,
        stored columns)), looked up in bulk before parsing."""
        org_refs, person_refs, meeting_refs = checks.references(self.tables)
        orgs = {
            row[0]: (row[1], row[2:])
            for row in lookup(Organisation, "code", org_refs, "pk", *ORG_COLS)
        }
        people = {
            row[0]: (row[1], row[2:])
            for row in lookup(Person, "ident", person_refs, "pk", *PERSON_COLS)
        }
        meetings = {
            row[0]: (row[1], row[2:])
            for row in lookup(Meeting, "code", meeting_refs, "pk", *MEETING_COLS)
        }
        return orgs, people, meetings

    def parsed(
        self, orgs: Stored, people: Stored, meetings: Stored
    ) -> tuple[Snapshot, dict[str, str]]:
        """The parsed snapshot and the new path of every organisation, refused with
        every problem found (the parser's, and those that need the stored rows)."""
        snap, errors = parse_tables(
            self.tables,
            known_orgs=orgs.keys(),
            known_people=people.keys(),
            known_meetings=meetings.keys(),
            row_offset=self.row_offset,
            labels=labels.accepted(),
        )
        checks.check_profiles(snap, errors)
        checks.check_justified_kinds(snap, orgs, errors)
        checks.check_guidance_kinds(snap, orgs, errors)
        checks.check_evaluation_kinds(snap, orgs, errors)
        stored_path = {
            code: stored[1][ORG_COLS.index("path")] for code, stored in orgs.items()
        }
        paths = checks.new_paths(snap, stored_path, errors) if not errors else {}
        if not errors:
            # CON-6: every delegate's electing unit, with what is stored.
            errors = records.electing_unit_errors(snap, orgs, meetings, paths)
        self.refuse(errors)
        return snap, paths

    def stored_rows(
        self, snap: Snapshot, orgs: Stored, meetings: Stored
    ) -> _StoredRows:
        """What is stored of the positions, seats and elections in the file (the
        organisations and meetings created here have none yet)."""
        positions = {
            (row[0], row[2], row[3], row[4]): (row[1], row[5:])
            for row in lookup(
                Position,
                "organisation_id",
                {
                    orgs[p.organisation][0]
                    for p in snap.positions
                    if p.organisation in orgs
                },
                "pk",
                "person_id",
                "role",
                "start",
                *POSITION_COLS,
            )
        }
        seats = {
            (row[0], row[1]): (row[2], row[3:])
            for row in lookup(
                Delegate,
                "meeting_id",
                {meetings[m][0] for m, _ in snap.delegates if m in meetings},
                "person_id",
                "pk",
                "election_id",
                "votes",
            )
        }
        codes = {e.code for e in snap.elections}
        elections = {
            row[0]: (row[1], row[2], row[3:])
            for row in lookup(
                RecordedElection,
                "code",
                codes,
                "pk",
                "organisation__path",
                *RECORDED_ELECTION_COLS,
            )
        }
        run_elections = {
            code: (org, path)
            for code, org, path in lookup(
                Election, "code", codes, "organisation__code", "organisation__path"
            )
        }
        election_paths = {
            **{code: row[1] for code, row in elections.items()},
            **{code: path for code, (_org, path) in run_elections.items()},
        }
        return _StoredRows(positions, seats, elections, run_elections, election_paths)

    def check_scope(
        self,
        snap: Snapshot,
        orgs: Stored,
        people: Stored,
        meetings: Stored,
        paths: Mapping[str, str],
        stored: _StoredRows,
    ) -> None:
        """Refuse every row outside the actor's scope (:mod:`tongxue.snapshots.scope`)."""
        if self.scope is not None:
            self.refuse(
                _scope_errors(
                    snap,
                    self.scope,
                    orgs,
                    people,
                    meetings,
                    paths,
                    stored.positions,
                    stored.seats,
                    stored.election_paths,
                )
            )

    def check_elections(self, snap: Snapshot, stored: _StoredRows) -> None:
        """Refuse an election whose code is run in Tongxue by another organisation."""
        run = stored.run_elections
        self.refuse(
            [
                checks.snapshot_error(
                    "elections",
                    snap.rows.get("elections", {}).get((e.code,), 0),
                    "organisation",
                    checks.MSG_ELECTION_RUN_ELSEWHERE,
                    code=e.code,
                    organisation=run[e.code][0],
                )
                for e in snap.elections
                if e.code in run and run[e.code][0] != e.organisation
            ]
        )

    def write(
        self,
        snap: Snapshot,
        orgs: Stored,
        people: Stored,
        meetings: Stored,
        paths: Mapping[str, str],
        stored: _StoredRows,
    ) -> None:
        """Write every table, in an order that knows each primary key before a row
        refers to it."""
        counts = self.result.counts
        self.table("organisations")
        pk_of = store.store_organisations(snap, orgs, paths, counts["organisations"])
        self.result.moved = store.move_descendants(snap, orgs, paths)
        self.table("people")
        person_pk = store.store_people(snap, people, pk_of, counts["people"])
        self.table("positions")
        store.store_positions(
            snap, stored.positions, pk_of, person_pk, counts["positions"]
        )
        self.table("meetings")
        meeting_pk, written = store.store_meetings(
            snap, meetings, pk_of, counts["meetings"]
        )
        self.table("delegates")
        # Delegates, each with the election that elected them (CON-6).
        records.store_delegates(
            snap,
            meeting_pk=meeting_pk,
            person_pk=person_pk,
            pk_of=pk_of,
            seats=stored.seats,
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
            self.result.not_stored["meetings (charter_in_force)"] = charters
        actor = self.actor
        recorder = (
            actor
            if actor is not None and getattr(actor, "is_authenticated", False)
            else None
        )
        self.table("reviews")
        store.store_reviews(snap, pk_of, counts["reviews"])
        self.table("justifications")
        store.store_justifications(snap, pk_of, recorder, counts["justifications"])
        self.table("elections")
        store.store_elections(
            snap, stored.elections, stored.run_elections, pk_of, counts["elections"]
        )
        self.table("guidance")
        store.store_guidance(snap, pk_of, recorder, counts["guidance"])
        self.table("evaluations")
        store.store_evaluations(snap, pk_of, counts["evaluations"])
        self.table("semesters")
        # Semesters with their 述职 reports (CAD-4), written reports (CON-13) and
        # standing conferences (CON-8 … CON-10).
        self.refuse(
            records.store_semesters(
                snap, pk_of=pk_of, person_pk=person_pk, counts=counts["semesters"]
            )
        )
        self.table("written_reports")
        records.store_written_reports(
            snap, pk_of=pk_of, counts=counts["written_reports"]
        )
        self.table("standing_conferences")
        records.store_standing_conferences(
            snap, pk_of=pk_of, counts=counts["standing_conferences"]
        )

    def record(self, snap: Snapshot) -> None:
        """One audit event ``snapshot.import``, recorded where the import was made
        (the file's root is only what it says)."""
        scope, result = self.scope, self.result
        where = scope.codes[0] if scope is not None and len(scope.codes) == 1 else ""
        auditlog.record(
            actor=self.actor,
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
        values = person_values(person, pk_of)
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
        lookup=lookup,
        election_paths=election_paths,
    )
