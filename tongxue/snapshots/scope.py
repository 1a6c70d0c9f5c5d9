"""Who may import what: the scope of an import (ORG-1, docs/snapshot.md "Scope").

An importer holds ``Perm.IMPORT`` through roles at some organisations; each role covers
its organisation's subtree, and those subtrees are the importer's scope (the web page
of an organisation narrows it to that organisation's subtree; a command run by the
operator has no limit). Every row an import creates, changes or moves, and every row
it points to, must lie in the scope, before and after the change:

- an organisation lies in the scope when its path starts with one of the scope's
  paths; a stored one must lie in it now and after the import, and its parent may
  change only if both the old and the new parent lie in it (the scope's root stays
  where it is);
- a meeting lies where its organisation does, a delegate seat where its meeting does
  (the unit that elected the delegate, CON-6, must lie in the scope too); a position,
  a justification, a review, a record of guidance, a recorded evaluation, an election
  (recorded or run in Tongxue, by code), a semester, a written report and a standing
  conference where their organisations do;
- a stored person is *visible* when one of their positions, delegate seats,
  department or class lies in the scope, and *within* it when all of them do (a new
  person is within it). A person row needs a visible person, and a within one if it
  changes anything; a new position or a new delegate seat needs a person within the
  scope; the person's new department and class must lie in it.

A row of a stored organisation, meeting or person outside the scope is refused even
when it would change nothing, so that a file cannot be used to learn what is stored
outside it. Rows that change nothing about people visible in the scope (as in the
importer's own export) pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from tongxue.congresses.models import Delegate
from tongxue.core import auditlog
from tongxue.core.errors import refuse
from tongxue.core.models import RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, require
from tongxue.domain.findings import Message
from tongxue.domain.snapshot import Snapshot, SnapshotError
from tongxue.organisations.models import Organisation, Position
from tongxue.snapshots.bulk import MEETING_COLS, ORG_COLS, PERSON_COLS

_FORBIDDEN = gettext_noop("You are not allowed to import snapshots into {target}.")
MSG_ORG = gettext_noop(
    "The organisation {code} is not within {scope}: you may only import organisations "
    "within it."
)
MSG_ROOT_MOVE = gettext_noop(
    "{code} cannot be moved from here: its parent must stay “{parent}”."
)
MSG_MEETING = gettext_noop(
    "The meeting {code} is not within {scope}: you may only import meetings of "
    "organisations within it."
)
MSG_ELECTION = gettext_noop(
    "The election {code} is not within {scope}: you may only import elections of "
    "organisations within it."
)
MSG_PERSON = gettext_noop(
    "The person {id} is not within {scope}: you may only import people whose "
    "positions, delegate seats, department and class lie within it."
)
MSG_PERSON_ELSEWHERE = gettext_noop(
    "The person {id} also has a position, a delegate seat, a department or a class "
    "outside {scope}: only an importer covering all of them may change this person."
)


@dataclass(frozen=True)
class Scope:
    """The subtrees an import may touch: the organisations below ``paths``."""

    paths: tuple[str, ...]
    codes: tuple[str, ...]  # the subtrees' roots, named in the messages
    role: str  # the role under which the import is made, for the audit log

    def covers(self, path: str | None) -> bool:
        return path is not None and path.startswith(self.paths)

    @property
    def label(self) -> str:
        return ", ".join(self.codes)


def import_scope(actor: auditlog.Actor, within: str | None) -> Scope | None:
    """Return the actor's scope for an import (None: no limit); refuse if there is none.

    ``within`` (an organisation code) narrows the scope to that organisation's subtree,
    where the actor must hold ``Perm.IMPORT``. Without it, a command (``actor=None``)
    and a superuser have no limit, and a user imports within the subtrees of their
    roles that grant ``Perm.IMPORT``.
    """
    if within is not None:
        path = Organisation.objects.filter(code=within).values_list("path", flat=True)
        found = path.first()
        if found is None:
            raise refuse("not-found", _FORBIDDEN, target=within)
        role = require(actor, Perm.IMPORT, found, target=within, message=_FORBIDDEN)
        return Scope((found,), (within,), role)
    if actor is None:
        return None
    if not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", _FORBIDDEN, target="—")
    if getattr(actor, "is_superuser", False):
        return None
    roles = [r for r, perms in GRANTS.items() if Perm.IMPORT in perms]
    held = sorted(
        RoleAssignment.objects.filter(user=actor, role__in=roles).values_list(
            "organisation__path", "organisation__code", "role"
        )
    )
    roots: list[tuple[str, str, str]] = []
    for path, code, role in held:  # sorted: an ancestor comes before its subtree
        if not any(path.startswith(p) for p, _c, _r in roots):
            roots.append((path, code, role))
    if not roots:
        raise refuse("forbidden", _FORBIDDEN, target="—")
    return Scope(
        tuple(p for p, _c, _r in roots),
        tuple(c for _p, c, _r in roots),
        roots[0][2],
    )


def _parent_code(path: str) -> str:
    segments = [s for s in path.split("/") if s]
    return segments[-2] if len(segments) > 1 else ""


def scope_errors(
    snap: Snapshot,
    scope: Scope,
    *,
    orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
    people: Mapping[str, tuple[Any, tuple[Any, ...]]],
    meetings: Mapping[str, tuple[Any, tuple[Any, ...]]],
    paths: Mapping[str, str],
    person_changed: Callable[[Any], str | None],
    position_exists: Callable[[Any], bool],
    seat_exists: Callable[[str, str], bool],
    lookup: Callable[..., list[tuple[Any, ...]]],
    election_paths: Mapping[str, str] | None = None,
) -> list[SnapshotError]:
    """Return an error for every row of ``snap`` that reaches outside ``scope``.

    ``orgs``, ``people`` and ``meetings`` are the stored rows the file names
    (``key -> (pk, columns)`` in the services' column order); ``paths`` the path of
    every organisation named after the import. ``person_changed`` returns the first
    field a people row changes (None: unchanged), ``position_exists`` and
    ``seat_exists`` whether a position or delegate row is already stored, ``lookup``
    is the services' chunked ``values_list`` look-up. ``election_paths`` gives the
    path of the organisation of every stored election (recorded or run in Tongxue)
    the file names by code.
    """
    at_path = ORG_COLS.index("path")
    at_dept = PERSON_COLS.index("department_id")
    at_class = PERSON_COLS.index("class_unit_id")
    at_org = MEETING_COLS.index("organisation_id")
    errors: list[SnapshotError] = []
    rows = snap.rows

    def error(
        table: str, key: tuple[Any, ...], field: str, text: str, **kw: Any
    ) -> None:
        params = {"scope": scope.label, **kw}
        number = rows.get(table, {}).get(key, 0)
        errors.append(SnapshotError(table, number, field, Message(text, params)))

    def org_in(code: str | None) -> bool:
        return code is None or scope.covers(paths.get(code))

    # Where stored rows lie now: organisations by primary key.
    path_of_pk = {pk: cols[at_path] for pk, cols in orgs.values()}
    wanted = {
        pk
        for pk in [
            *(cols[i] for _pk, cols in people.values() for i in (at_dept, at_class)),
            *(cols[at_org] for _pk, cols in meetings.values()),
        ]
        if pk is not None and pk not in path_of_pk
    }
    path_of_pk.update(lookup(Organisation, "pk", wanted, "path"))

    # Where stored people are anchored: positions, seats, department, class.
    anchors: dict[Any, set[str]] = defaultdict(set)
    person_pks = {pk for pk, _cols in people.values()}
    for pk, path in lookup(Position, "person_id", person_pks, "organisation__path"):
        anchors[pk].add(path)
    for pk, path in lookup(
        Delegate, "person_id", person_pks, "meeting__organisation__path"
    ):
        anchors[pk].add(path)
    for pk, cols in people.values():
        for i in (at_dept, at_class):
            if cols[i] is not None:
                anchors[pk].add(path_of_pk[cols[i]])

    def visible(ident: str) -> bool:
        stored = people.get(ident)
        return stored is None or any(scope.covers(p) for p in anchors[stored[0]])

    def within(ident: str) -> bool:
        stored = people.get(ident)
        if stored is None:
            return True
        places = anchors[stored[0]]
        return bool(places) and all(scope.covers(p) for p in places)

    # Organisations: where they are, where they go, and their parent.
    for org in snap.organisations:
        key = (org.code,)
        stored = orgs.get(org.code)
        if stored is None:
            if not org_in(org.code):
                error("organisations", key, "code", MSG_ORG, code=org.code)
            continue
        old = stored[1][at_path]
        if not scope.covers(old):
            error("organisations", key, "code", MSG_ORG, code=org.code)
            continue
        old_parent = _parent_code(old)
        if (org.parent or "") != old_parent:
            if old in scope.paths:  # the root of the scope keeps its parent
                error(
                    "organisations",
                    key,
                    "parent",
                    MSG_ROOT_MOVE,
                    code=org.code,
                    parent=old_parent,
                )
            elif not org_in(org.code):
                error("organisations", key, "parent", MSG_ORG, code=org.parent or "—")

    # People: visible to read, within the scope to change; their new places in it.
    for person in snap.people:
        key = (person.id,)
        if person.id in people:
            if not visible(person.id):
                error("people", key, "id", MSG_PERSON, id=person.id)
                continue
            changed = person_changed(person)
            if changed is None:
                continue
            if not within(person.id):
                error("people", key, changed, MSG_PERSON_ELSEWHERE, id=person.id)
                continue
        for field, code in (
            ("department", person.department),
            ("class", person.class_code),
        ):
            if not org_in(code):
                error("people", key, field, MSG_ORG, code=code)

    for pos in snap.positions:
        key = (pos.organisation, pos.person, pos.role, pos.start)
        if not org_in(pos.organisation):
            error("positions", key, "organisation", MSG_ORG, code=pos.organisation)
        elif not position_exists(pos) and not within(pos.person):
            error("positions", key, "person", MSG_PERSON, id=pos.person)

    meeting_org: dict[str, str | None] = {}
    for meeting in snap.meetings:
        key = (meeting.code,)
        stored = meetings.get(meeting.code)
        old = path_of_pk[stored[1][at_org]] if stored is not None else None
        meeting_org[meeting.code] = paths.get(meeting.organisation)
        if stored is not None and not scope.covers(old):
            moved = old != paths.get(meeting.organisation)
            field = "organisation" if moved else "code"
            error("meetings", key, field, MSG_MEETING, code=meeting.code)
        elif not org_in(meeting.organisation):
            error("meetings", key, "organisation", MSG_ORG, code=meeting.organisation)

    def meeting_path(code: str) -> str | None:
        """Return the path of the meeting's organisation after the import."""
        if code in meeting_org:
            return meeting_org[code]
        stored = meetings.get(code)
        return path_of_pk.get(stored[1][at_org]) if stored is not None else None

    for code, ident in snap.delegates:
        key = (code, ident)
        if not scope.covers(meeting_path(code)):
            error("delegates", key, "meeting", MSG_MEETING, code=code)
        elif not seat_exists(code, ident) and not within(ident):
            error("delegates", key, "person", MSG_PERSON, id=ident)
        elif key in snap.elected_by and not org_in(snap.elected_by[key].electing_unit):
            unit = snap.elected_by[key].electing_unit
            error("delegates", key, "electing_unit", MSG_ORG, code=unit)

    for review in snap.reviews:
        key = (review.reviewer, review.reviewed, review.held)
        for field, code in (
            ("reviewer", review.reviewer),
            ("reviewed", review.reviewed),
        ):
            if not org_in(code):
                error("reviews", key, field, MSG_ORG, code=code)
    for just in snap.justifications:
        if not org_in(just.organisation):
            key = (just.organisation, just.rule)
            error(
                "justifications", key, "organisation", MSG_ORG, code=just.organisation
            )

    # Elections are stored as recorded elections: a stored one (recorded or run in
    # Tongxue) must lie in the scope now, and its organisation after the import.
    stored_election = election_paths or {}
    for election in snap.elections:
        key = (election.code,)
        if election.code in stored_election and not scope.covers(
            stored_election[election.code]
        ):
            error("elections", key, "code", MSG_ELECTION, code=election.code)
        elif not org_in(election.organisation):
            error("elections", key, "organisation", MSG_ORG, code=election.organisation)
        elif election.meeting and not scope.covers(meeting_path(election.meeting)):
            error("elections", key, "meeting", MSG_MEETING, code=election.meeting)
    # Guidance (GOV-1, GOV-2) is stored where its union is.
    for g in snap.guidance:
        if not org_in(g.organisation):
            key = (g.organisation, g.kind, g.held)
            error("guidance", key, "organisation", MSG_ORG, code=g.organisation)
    # Evaluations (CAD-3) are recorded where their union is, keyed by its code.
    for e in snap.evaluations:
        if not org_in(e.organisation):
            key = (e.organisation, e.code)
            error("evaluations", key, "organisation", MSG_ORG, code=e.organisation)
    # Semesters (CAD-4, with the reports of the people listed), written reports
    # (CON-13) and standing conferences (CON-8) are stored where their union is.
    for semester in snap.semesters:
        key = (semester.organisation, semester.code)
        if not org_in(semester.organisation):
            error("semesters", key, "organisation", MSG_ORG, code=semester.organisation)
        for ident in semester.reports:
            if not visible(ident):
                error("semesters", key, "reports", MSG_PERSON, id=ident)
                break
    for report in snap.written_reports:
        if not org_in(report.organisation):
            key = (report.organisation, report.code)
            error("written_reports", key, "organisation", MSG_ORG, code=key[0])
    for conference in snap.standing_conferences:
        if not org_in(conference.organisation):
            key = (conference.organisation,)
            error("standing_conferences", key, "organisation", MSG_ORG, code=key[0])
    return errors
