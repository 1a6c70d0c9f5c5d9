"""The elections that elected the delegates (CON-6): checked, then stored.

A :class:`~tongxue.congresses.models.DelegateElection` per (meeting, unit, day), linked
from the delegate rows (:func:`store_delegates`; checked by
:func:`electing_unit_errors` first).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tongxue.congresses.models import Delegate, DelegateElection
from tongxue.domain import model as dm
from tongxue.domain.snapshot import Snapshot, SnapshotError, electing_error
from tongxue.organisations.models import Organisation
from tongxue.snapshots.bulk import MEETING_COLS, ORG_COLS, Upsert, lookup
from tongxue.snapshots.records.common import row_number


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
    union_of, path_of = _unions_of_meetings(snap, meetings, paths)
    registry = _electing_registry(snap, orgs, union_of, path_of)
    errors = []
    for (code, person), provenance in snap.elected_by.items():
        if code not in union_of:
            continue  # an unknown meeting: reported by the parser
        error = electing_error(
            registry,
            union_of[code],
            provenance,
            row_number(snap, "delegates", (code, person)),
        )
        if error is not None:
            errors.append(error)
    return errors


def _unions_of_meetings(
    snap: Snapshot,
    meetings: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Return the union of every meeting the delegate rows name, and the known paths.

    A meeting of the file is its union's; a stored one is looked up. The paths are
    ``paths`` (the file's organisations after the import) and the stored unions'.
    """
    at_org = MEETING_COLS.index("organisation_id")
    in_file = {m.code: m.organisation for m in snap.meetings}
    stored_union = {
        pk: (code, path)
        for pk, code, path in lookup(
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
    return union_of, path_of


def _electing_registry(
    snap: Snapshot,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    union_of: Mapping[str, str],
    path_of: dict[str, str],
) -> dm.Registry:
    """The organisations an electing unit is checked against, as after the import.

    Every organisation on the paths of the unions and the units, and the unions'
    department unions: the file's, else the stored ones (``path_of`` gains theirs).
    """
    at_kind = ORG_COLS.index("kind")
    unions = set(union_of.values())
    units = {e.electing_unit for e in snap.elected_by.values()}
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
    for code, kind, path in lookup(Organisation, "code", wanted, "kind", "path"):
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
    return dm.Registry(
        organisations=tuple(
            dm.Organisation(code, code, dm.OrgKind(kind), parent.get(code))
            for code, kind in kinds.items()
        )
    )


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
            for m, unit, held, pk, electorate, cast in lookup(
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
            for m, unit, held, pk in lookup(
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
