"""What an import stores beyond the registry's own tables (issue #12).

:mod:`tongxue.snapshots.services` calls these inside its transaction, after the
organisations, people, positions and meetings are written, so that the audit of the
database sees what ``tongxue audit FILE`` sees:

* the election that elected each delegate (CON-6): a
  :class:`~tongxue.congresses.models.DelegateElection` per (meeting, unit, day), linked
  from the delegate rows (:func:`store_delegates`; checked by
  :func:`electing_unit_errors` first);
* semesters (CAD-4) as evaluation periods, each listed person's 述职 report filed
  (:func:`store_semesters`);
* written work reports (CON-13) keyed by union and code, and the day a union adopted
  its standing conference (CON-8 … CON-10) (:func:`store_written_reports`,
  :func:`store_standing_conferences`);
* a meeting's business (CON-7): the kinds of item on its agenda as agenda items
  without texts, and a charter in force as a version whose text is not on record
  (:func:`store_business`).

Lookups are chunked like the services' own (:mod:`tongxue.snapshots.bulk`: one query per
table and chunk of keys); nothing is ever deleted: a file adds to, or corrects, what is
stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext

from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    StandingConference,
    WrittenReport,
)
from tongxue.congresses.models import Delegate, DelegateElection, Meeting
from tongxue.domain import model as dm
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot import Snapshot, SnapshotError, electing_error
from tongxue.evaluations.models import EvaluationPeriod, Kind, PeriodStatus, Subject
from tongxue.organisations.models import Organisation, Position
from tongxue.snapshots.bulk import MEETING_COLS, ORG_COLS, Upsert, chunks, lookup

MSG_REPORT_NO_POST = gettext_noop(
    "{id} holds no post at {organisation} during the semester {semester}: a work "
    "report (述职) is filed by a holder of a post there."
)
MSG_PERIOD_OPEN = gettext_noop(
    "The semester {semester} of {organisation} is open for ratings in Tongxue: close "
    "it there (its results are computed when it closes); a file cannot close it."
)
#: The note of a charter version recorded from a snapshot's ``charter_in_force``.
CHARTER_NOTE = gettext_noop(
    "Recorded by a snapshot import: a charter was in force; its text is not on record."
)


def _lookup(*args: Any) -> list[tuple[Any, ...]]:
    return lookup(*args)


def _row(snap: Snapshot, table: str, key: tuple[Any, ...]) -> int:
    return snap.rows.get(table, {}).get(key, 0)


# --------------------------------------------------------------------------- CON-6


def electing_unit_errors(
    snap: Snapshot,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    meetings: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
) -> list[SnapshotError]:
    """Check every delegate row's electing unit against its meeting's union (CON-6).

    The parser checked the rows whose unit, meeting and their ancestors are all in the
    file; this checks every row with what will be stored: the file's organisations, the
    stored ones on the paths of the units and unions (after the import), and the
    stored department unions of those unions (a union without any takes its school's,
    :func:`tongxue.domain.delegates.electing_fault`).
    """
    if not snap.elected_by:
        return []
    at_org, at_kind = MEETING_COLS.index("organisation_id"), ORG_COLS.index("kind")
    in_file = {m.code: m.organisation for m in snap.meetings}
    stored_union = {
        pk: (code, path)
        for pk, code, path in _lookup(
            Organisation,
            "pk",
            {
                meetings[code][1][at_org]
                for code, _p in snap.elected_by
                if code not in in_file and code in meetings
            },
            "code",
            "path",
        )
    }
    union_of: dict[str, str] = {}
    path_of = dict(paths)
    for code, _person in snap.elected_by:
        if code in in_file:
            union_of[code] = in_file[code]
        elif code in meetings:
            union, path = stored_union[meetings[code][1][at_org]]
            union_of[code] = union
            path_of.setdefault(union, path)
    unions = set(union_of.values())
    units = {e.electing_unit for e in snap.elected_by.values()}
    # Every organisation on those paths, and the unions' department unions.
    kinds: dict[str, str] = {o.code: o.kind.value for o in snap.organisations}
    kinds.update(
        {code: stored[1][at_kind] for code, stored in orgs.items() if code not in kinds}
    )
    wanted = {
        segment
        for code in unions | units
        for segment in path_of.get(code, "").split("/")
        if segment and segment not in kinds
    }
    for code, kind, path in _lookup(Organisation, "code", wanted, "kind", "path"):
        kinds[code] = kind
        path_of.setdefault(code, path)
    for code, kind, path in Organisation.objects.filter(
        parent__code__in=sorted(unions), kind=dm.OrgKind.DEPARTMENT_UNION
    ).values_list("code", "kind", "path"):
        kinds.setdefault(code, kind)
        path_of.setdefault(code, path)
    parent: dict[str, str | None] = {}
    for code in kinds:
        segments = [s for s in path_of.get(code, "").split("/") if s]
        parent[code] = segments[-2] if len(segments) > 1 else None
    for org in snap.organisations:
        parent[org.code] = org.parent
    registry = dm.Registry(
        organisations=tuple(
            dm.Organisation(code, code, dm.OrgKind(kind), parent.get(code))
            for code, kind in kinds.items()
        )
    )
    errors = []
    for (code, person), provenance in snap.elected_by.items():
        if code not in union_of:
            continue  # an unknown meeting: reported by the parser
        error = electing_error(
            registry,
            union_of[code],
            provenance,
            _row(snap, "delegates", (code, person)),
        )
        if error is not None:
            errors.append(error)
    return errors


def store_delegates(
    snap: Snapshot,
    *,
    meeting_pk: Mapping[str, Any],
    person_pk: Mapping[str, Any],
    pk_of: Mapping[str, Any],
    seats: Mapping[tuple[Any, Any], tuple[Any, tuple[Any, ...]]],
    counts: Any,
) -> None:
    """Upsert the delegate rows and the elections that elected them (CON-6).

    An election is keyed by (meeting, unit, day); the file's electorate and ballots cast
    win. A delegate row without an election keeps the one stored (a file from before
    the columns does not erase it), as does a blank ``votes``.
    """
    wanted: dict[tuple[Any, Any, date], tuple[int, int]] = {}
    for (code, _person), e in snap.elected_by.items():
        key = (meeting_pk[code], pk_of[e.electing_unit], e.held)
        wanted[key] = (e.electorate, e.votes_cast)
    stored: dict[tuple[Any, Any, date], tuple[Any, tuple[int, int]]] = {}
    if wanted:
        stored = {
            (m, unit, held): (pk, (electorate, cast))
            for m, unit, held, pk, electorate, cast in _lookup(
                DelegateElection,
                "meeting_id",
                {k[0] for k in wanted},
                "unit_id",
                "held",
                "pk",
                "electorate",
                "votes_cast",
            )
        }
    new = [
        DelegateElection(
            meeting_id=m, unit_id=unit, held=held, electorate=e, votes_cast=c
        )
        for (m, unit, held), (e, c) in wanted.items()
        if (m, unit, held) not in stored
    ]
    changed = [
        DelegateElection(pk=stored[key][0], electorate=e, votes_cast=c)
        for key, (e, c) in wanted.items()
        if key in stored and stored[key][1] != (e, c)
    ]
    DelegateElection.objects.bulk_create(new, batch_size=500)
    DelegateElection.objects.bulk_update(
        changed, ["electorate", "votes_cast"], batch_size=500
    )
    election_pk = {key: pk for key, (pk, _v) in stored.items()}
    if new:
        election_pk.update(
            ((m, unit, held), pk)
            for m, unit, held, pk in _lookup(
                DelegateElection,
                "meeting_id",
                {e.meeting_id for e in new},
                "unit_id",
                "held",
                "pk",
            )
        )

    upsert = Upsert(Delegate, ("election_id", "votes"), counts)
    for code, ident in snap.delegates:
        seat = (meeting_pk[code], person_pk[ident])
        stored_seat = seats.get(seat)
        before = stored_seat[1] if stored_seat is not None else (None, None)
        found = snap.elected_by.get((code, ident))
        if found is None:
            values = {"election_id": before[0], "votes": before[1]}
        else:
            election = (seat[0], pk_of[found.electing_unit], found.held)
            values = {
                "election_id": election_pk[election],
                "votes": found.votes if found.votes is not None else before[1],
            }
        upsert.add(stored_seat, {"meeting_id": seat[0], "person_id": seat[1]}, values)
    upsert.save()


# --------------------------------------------------------------------------- CAD-4


def store_semesters(
    snap: Snapshot,
    *,
    pk_of: Mapping[str, Any],
    person_pk: Mapping[str, Any],
    counts: Any,
) -> list[SnapshotError]:
    """Upsert the semesters as evaluation periods and file their 述职 reports (CAD-4).

    Keyed by (organisation, code). A new period is closed when the file says so, else
    planned; a file closes a planned period, never one open for ratings (refused: its
    results are computed when Tongxue closes it), and never reopens a closed one. Each
    listed person files the report of the post they held at the organisation during
    the semester (the one held on its last day, else the latest); a person without one
    is refused. A report already filed stays as it is; none is withdrawn. Return the
    errors (nothing is written when there are any).
    """
    if not snap.semesters:
        return []
    errors: list[SnapshotError] = []
    orgs = {pk_of[s.organisation] for s in snap.semesters}
    stored = {
        (org, code): (pk, (start, end, status))
        for org, code, pk, start, end, status in _lookup(
            EvaluationPeriod,
            "organisation_id",
            orgs,
            "code",
            "pk",
            "start",
            "end",
            "status",
        )
    }
    posts: dict[tuple[Any, Any], list[tuple[date, date | None, Any]]] = defaultdict(
        list
    )
    for org, person, pk, start, end in _lookup(
        Position, "organisation_id", orgs, "person_id", "pk", "start", "end"
    ):
        posts[(org, person)].append((start, end, pk))
    plans: list[tuple[tuple[Any, str], Any, tuple[Any, ...], list[Any]]] = []
    for s in snap.semesters:
        key = (pk_of[s.organisation], s.code)
        row = _row(snap, "semesters", (s.organisation, s.code))
        old = stored.get(key)
        status: str = PeriodStatus.CLOSED if s.closed else PeriodStatus.PLANNED
        if old is not None:
            was = old[1][2]
            if s.closed and was == PeriodStatus.OPEN:
                errors.append(
                    SnapshotError(
                        "semesters",
                        row,
                        "closed",
                        Message(
                            MSG_PERIOD_OPEN,
                            {"semester": s.code, "organisation": s.organisation},
                        ),
                    )
                )
                continue
            if not s.closed or was == PeriodStatus.CLOSED:
                status = was
        filed = []
        for ident in s.reports:
            held = [
                p
                for p in posts.get((key[0], person_pk[ident]), ())
                if p[0] <= s.end and (p[1] is None or p[1] >= s.start)
            ]
            if not held:
                errors.append(
                    SnapshotError(
                        "semesters",
                        row,
                        "reports",
                        Message(
                            MSG_REPORT_NO_POST,
                            {
                                "id": ident,
                                "organisation": s.organisation,
                                "semester": s.code,
                            },
                        ),
                    )
                )
                continue
            last_day = [p for p in held if p[1] is None or p[1] >= s.end]
            filed.append(max(last_day or held, key=lambda p: (p[0], p[2]))[2])
        plans.append((key, old, (s.start, s.end, status), list(dict.fromkeys(filed))))
    if errors:
        return errors

    subjects = {
        (period, position): (pk, filed_at)
        for period, kind, position, pk, filed_at in _lookup(
            Subject,
            "period_id",
            {old[0] for _k, old, _w, _f in plans if old is not None},
            "kind",
            "position_id",
            "pk",
            "filed_at",
        )
        if kind == Kind.REPORT
    }
    now = timezone.now()
    new: list[EvaluationPeriod] = []
    to_create: list[tuple[tuple[Any, str], Any]] = []  # (period key, position)
    to_file: list[Subject] = []
    for key, old, state, positions in plans:
        start, end, status = state
        if old is None:
            new.append(
                EvaluationPeriod(
                    organisation_id=key[0],
                    code=key[1],
                    name=key[1],
                    start=start,
                    end=end,
                    status=status,
                    closed_at=now if status == PeriodStatus.CLOSED else None,
                )
            )
            to_create += [(key, position) for position in positions]
            counts.created += 1
            continue
        pending = False
        for position in positions:
            found = subjects.get((old[0], position))
            if found is None:
                to_create.append((key, position))
                pending = True
            elif found[1] is None:
                to_file.append(Subject(pk=found[0], filed_at=now))
                pending = True
        if old[1] != state:
            closing = status == PeriodStatus.CLOSED and old[1][2] != status
            EvaluationPeriod.objects.filter(pk=old[0]).update(
                start=start,
                end=end,
                status=status,
                **({"closed_at": now} if closing else {}),
            )
        if old[1] != state or pending:
            counts.updated += 1
        else:
            counts.unchanged += 1
    EvaluationPeriod.objects.bulk_create(new, batch_size=500)
    period_pk = {key: old[0] for key, old in stored.items()}
    if new:
        period_pk.update(
            ((org, code), pk)
            for org, code, pk in _lookup(
                EvaluationPeriod,
                "organisation_id",
                {p.organisation_id for p in new},
                "code",
                "pk",
            )
        )
    Subject.objects.bulk_create(
        [
            Subject(
                period_id=period_pk[key],
                kind=Kind.REPORT,
                position_id=position,
                filed_at=now,
            )
            for key, position in to_create
        ],
        batch_size=500,
    )
    Subject.objects.bulk_update(to_file, ["filed_at"], batch_size=500)
    return []


# --------------------------------------------------------------------------- CON-13, CON-8


def store_written_reports(
    snap: Snapshot, *, pk_of: Mapping[str, Any], counts: Any
) -> None:
    """Upsert the work reports filed in writing (CON-13), keyed by (union, code).

    A new one is titled with its code and has no text (the file carries neither).
    """
    if not snap.written_reports:
        return
    stored = {
        (union, code): (pk, filed)
        for union, code, pk, filed in _lookup(
            WrittenReport,
            "union_id",
            {pk_of[r.organisation] for r in snap.written_reports},
            "code",
            "pk",
            "filed_on",
        )
    }
    new, changed = [], []
    for r in snap.written_reports:
        key = (pk_of[r.organisation], r.code)
        old = stored.get(key)
        if old is None:
            new.append(
                WrittenReport(
                    union_id=key[0],
                    code=r.code,
                    title=r.code,
                    text="",
                    filed_on=r.filed,
                )
            )
            counts.created += 1
        elif old[1] != r.filed:
            changed.append(WrittenReport(pk=old[0], filed_on=r.filed))
            counts.updated += 1
        else:
            counts.unchanged += 1
    WrittenReport.objects.bulk_create(new, batch_size=500)
    WrittenReport.objects.bulk_update(changed, ["filed_on"], batch_size=500)


def store_standing_conferences(
    snap: Snapshot, *, pk_of: Mapping[str, Any], counts: Any
) -> None:
    """Upsert the day each union adopted its standing conference (CON-8 … CON-10)."""
    if not snap.standing_conferences:
        return
    stored = dict(
        (union, (pk, adopted))
        for union, pk, adopted in _lookup(
            StandingConference,
            "union_id",
            {pk_of[c.organisation] for c in snap.standing_conferences},
            "pk",
            "adopted_on",
        )
    )
    new, changed = [], []
    for c in snap.standing_conferences:
        union = pk_of[c.organisation]
        old = stored.get(union)
        if old is None:
            new.append(StandingConference(union_id=union, adopted_on=c.adopted))
            counts.created += 1
        elif old[1] != c.adopted:
            changed.append(StandingConference(pk=old[0], adopted_on=c.adopted))
            counts.updated += 1
        else:
            counts.unchanged += 1
    StandingConference.objects.bulk_create(new, batch_size=500)
    StandingConference.objects.bulk_update(changed, ["adopted_on"], batch_size=500)


# --------------------------------------------------------------------------- CON-7


def store_business(
    snap: Snapshot,
    *,
    meeting_pk: Mapping[str, Any],
    pk_of: Mapping[str, Any],
    counts: Any,
    written: Sequence[str],
) -> int:
    """Store a meeting's business (CON-7) as the audit of the database reads it.

    Each kind of item on a meeting's ``agenda`` that the database does not already
    show (an agenda item of that kind, or for opinions a submitted opinion) becomes an
    agenda item of that kind, untitled, after the meeting's items. A ``charter_in_force``
    the database does not show becomes version 1 of the union's charter, adopted the
    day the earliest such meeting opened, its text not on record (:data:`CHARTER_NOTE`)
    — but only for a union with no charter version at all: a file cannot slip a
    version under the ones Tongxue records. Return the number of meetings whose charter
    was therefore not stored. A meeting of the file whose business changed and whose
    row did not (``written``: the codes of the meeting rows created or changed) is
    counted as updated.
    """
    from tongxue.business.mappers import BUSINESS_FIELDS, annotate_business
    from tongxue.domain.business import AgendaKind

    wanted = [m for m in snap.meetings if m.agenda or m.charter_in_force]
    if not wanted:
        return 0
    shown: dict[Any, dict[str, bool]] = {}
    pks = sorted({meeting_pk[m.code] for m in wanted})
    for chunk in chunks(pks):
        for pk, *flags in annotate_business(
            Meeting.objects.filter(pk__in=chunk)
        ).values_list("pk", *BUSINESS_FIELDS):
            shown[pk] = dict(zip(BUSINESS_FIELDS, flags, strict=True))
    last = dict(
        AgendaItem.objects.filter(meeting_id__in=pks)
        .values("meeting_id")
        .annotate(m=Max("position"))
        .values_list("meeting_id", "m")
    )
    items: list[AgendaItem] = []
    changed: set[str] = set()
    charter: dict[Any, list[dm.Meeting]] = defaultdict(list)
    for m in wanted:
        pk = meeting_pk[m.code]
        flags = shown[pk]
        position = last.get(pk) or 0
        for kind in AgendaKind:
            if kind.value in m.agenda and not flags[f"agenda_{kind.value}"]:
                position += 1
                items.append(
                    AgendaItem(
                        meeting_id=pk, kind=kind.value, title="", position=position
                    )
                )
                changed.add(m.code)
        if m.charter_in_force and not flags["charter_in_force"]:
            charter[pk_of[m.organisation]].append(m)
    AgendaItem.objects.bulk_create(items, batch_size=500)
    not_stored = 0
    if charter:
        versioned = set(
            CharterVersion.objects.filter(union_id__in=list(charter))
            .values_list("union_id", flat=True)
            .distinct()
        )
        with translation.override(settings.LANGUAGE_CODE):
            note = gettext(CHARTER_NOTE)[:200]
        versions = []
        for union, meetings in charter.items():
            if union in versioned:
                not_stored += len(meetings)
                continue
            versions.append(
                CharterVersion(
                    union_id=union,
                    number=1,
                    text="",
                    adopted_on=min(m.opened for m in meetings),
                    note=note,
                )
            )
            changed.update(m.code for m in meetings)
        CharterVersion.objects.bulk_create(versions, batch_size=500)
    moved = len(changed - set(written))
    counts.unchanged -= moved
    counts.updated += moved
    return not_stored
