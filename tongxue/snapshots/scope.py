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
    check = _ScopeCheck(
        snap, scope, orgs=orgs, people=people, meetings=meetings, paths=paths
    )
    check.locate_stored_rows(lookup)
    check.organisations()
    check.people(person_changed)
    check.positions(position_exists)
    check.meetings()
    check.delegates(seat_exists)
    check.reviews_and_justifications()
    check.elections(election_paths or {})
    check.union_records()
    return check.errors


_AT_PATH = ORG_COLS.index("path")
_AT_DEPT = PERSON_COLS.index("department_id")
_AT_CLASS = PERSON_COLS.index("class_unit_id")
_AT_ORG = MEETING_COLS.index("organisation_id")


class _ScopeCheck:
    """The steps of :func:`scope_errors`, one per kind of row, in the file's order.

    They share where the stored rows lie (:meth:`locate_stored_rows`) and, from
    :meth:`meetings` on, where each meeting of the file lies after the import.
    """

    def __init__(
        self,
        snap: Snapshot,
        scope: Scope,
        *,
        orgs: Mapping[str, tuple[Any, tuple[Any, ...]]],
        people: Mapping[str, tuple[Any, tuple[Any, ...]]],
        meetings: Mapping[str, tuple[Any, tuple[Any, ...]]],
        paths: Mapping[str, str],
    ) -> None:
        self.snap = snap
        self.scope = scope
        self.stored_orgs = orgs
        self.stored_people = people
        self.stored_meetings = meetings
        self.paths = paths
        self.errors: list[SnapshotError] = []
        self.path_of_pk: dict[Any, str] = {}
        self.anchors: dict[Any, set[str]] = defaultdict(set)
        self.meeting_org: dict[str, str | None] = {}

    # ------------------------------------------------------------------ helpers

    def error(
        self, table: str, key: tuple[Any, ...], field: str, text: str, **kw: Any
    ) -> None:
        params = {"scope": self.scope.label, **kw}
        number = self.snap.rows.get(table, {}).get(key, 0)
        self.errors.append(SnapshotError(table, number, field, Message(text, params)))

    def org_in(self, code: str | None) -> bool:
        return code is None or self.scope.covers(self.paths.get(code))

    def visible(self, ident: str) -> bool:
        stored = self.stored_people.get(ident)
        if stored is None:
            return True
        return any(self.scope.covers(p) for p in self.anchors[stored[0]])

    def within(self, ident: str) -> bool:
        stored = self.stored_people.get(ident)
        if stored is None:
            return True
        places = self.anchors[stored[0]]
        return bool(places) and all(self.scope.covers(p) for p in places)

    def meeting_path(self, code: str) -> str | None:
        """Return the path of the meeting's organisation after the import."""
        if code in self.meeting_org:
            return self.meeting_org[code]
        stored = self.stored_meetings.get(code)
        if stored is None:
            return None
        return self.path_of_pk.get(stored[1][_AT_ORG])

    # ------------------------------------------------------------------ steps

    def locate_stored_rows(self, lookup: Callable[..., list[tuple[Any, ...]]]) -> None:
        """Find where stored rows lie now, and where stored people are anchored."""
        people, meetings = self.stored_people, self.stored_meetings
        # Organisations by primary key.
        path_of_pk = {pk: cols[_AT_PATH] for pk, cols in self.stored_orgs.values()}
        wanted = {
            pk
            for pk in [
                *(
                    cols[i]
                    for _pk, cols in people.values()
                    for i in (_AT_DEPT, _AT_CLASS)
                ),
                *(cols[_AT_ORG] for _pk, cols in meetings.values()),
            ]
            if pk is not None and pk not in path_of_pk
        }
        path_of_pk.update(lookup(Organisation, "pk", wanted, "path"))
        self.path_of_pk = path_of_pk

        # People: positions, seats, department, class.
        anchors = self.anchors
        person_pks = {pk for pk, _cols in people.values()}
        for pk, path in lookup(Position, "person_id", person_pks, "organisation__path"):
            anchors[pk].add(path)
        for pk, path in lookup(
            Delegate, "person_id", person_pks, "meeting__organisation__path"
        ):
            anchors[pk].add(path)
        for pk, cols in people.values():
            for i in (_AT_DEPT, _AT_CLASS):
                if cols[i] is not None:
                    anchors[pk].add(path_of_pk[cols[i]])

    def organisations(self) -> None:
        """Where organisations are, where they go, and their parent."""
        scope = self.scope
        for org in self.snap.organisations:
            key = (org.code,)
            stored = self.stored_orgs.get(org.code)
            if stored is None:
                if not self.org_in(org.code):
                    self.error("organisations", key, "code", MSG_ORG, code=org.code)
                continue
            old = stored[1][_AT_PATH]
            if not scope.covers(old):
                self.error("organisations", key, "code", MSG_ORG, code=org.code)
                continue
            old_parent = _parent_code(old)
            if (org.parent or "") == old_parent:
                continue
            if old in scope.paths:  # the root of the scope keeps its parent
                self.error(
                    "organisations",
                    key,
                    "parent",
                    MSG_ROOT_MOVE,
                    code=org.code,
                    parent=old_parent,
                )
            elif not self.org_in(org.code):
                code = org.parent or "—"
                self.error("organisations", key, "parent", MSG_ORG, code=code)

    def people(self, person_changed: Callable[[Any], str | None]) -> None:
        """People: visible to read, within the scope to change; their new places in it."""
        for person in self.snap.people:
            key = (person.id,)
            if person.id in self.stored_people:
                if not self.visible(person.id):
                    self.error("people", key, "id", MSG_PERSON, id=person.id)
                    continue
                changed = person_changed(person)
                if changed is None:
                    continue
                if not self.within(person.id):
                    self.error(
                        "people", key, changed, MSG_PERSON_ELSEWHERE, id=person.id
                    )
                    continue
            for field, code in (
                ("department", person.department),
                ("class", person.class_code),
            ):
                if not self.org_in(code):
                    self.error("people", key, field, MSG_ORG, code=code)

    def positions(self, position_exists: Callable[[Any], bool]) -> None:
        for pos in self.snap.positions:
            key = (pos.organisation, pos.person, pos.role, pos.start)
            if not self.org_in(pos.organisation):
                code = pos.organisation
                self.error("positions", key, "organisation", MSG_ORG, code=code)
            elif not position_exists(pos) and not self.within(pos.person):
                self.error("positions", key, "person", MSG_PERSON, id=pos.person)

    def meetings(self) -> None:
        """Meetings lie where their organisations do, before and after the import."""
        for meeting in self.snap.meetings:
            key = (meeting.code,)
            stored = self.stored_meetings.get(meeting.code)
            old = self.path_of_pk[stored[1][_AT_ORG]] if stored is not None else None
            self.meeting_org[meeting.code] = self.paths.get(meeting.organisation)
            if stored is not None and not self.scope.covers(old):
                moved = old != self.paths.get(meeting.organisation)
                field = "organisation" if moved else "code"
                self.error("meetings", key, field, MSG_MEETING, code=meeting.code)
            elif not self.org_in(meeting.organisation):
                code = meeting.organisation
                self.error("meetings", key, "organisation", MSG_ORG, code=code)

    def delegates(self, seat_exists: Callable[[str, str], bool]) -> None:
        """A seat lies where its meeting does; its electing unit (CON-6) too."""
        elected_by = self.snap.elected_by
        for code, ident in self.snap.delegates:
            key = (code, ident)
            if not self.scope.covers(self.meeting_path(code)):
                self.error("delegates", key, "meeting", MSG_MEETING, code=code)
            elif not seat_exists(code, ident) and not self.within(ident):
                self.error("delegates", key, "person", MSG_PERSON, id=ident)
            elif key in elected_by and not self.org_in(elected_by[key].electing_unit):
                unit = elected_by[key].electing_unit
                self.error("delegates", key, "electing_unit", MSG_ORG, code=unit)

    def reviews_and_justifications(self) -> None:
        key: tuple[Any, ...]
        for review in self.snap.reviews:
            key = (review.reviewer, review.reviewed, review.held)
            for field, code in (
                ("reviewer", review.reviewer),
                ("reviewed", review.reviewed),
            ):
                if not self.org_in(code):
                    self.error("reviews", key, field, MSG_ORG, code=code)
        for just in self.snap.justifications:
            if not self.org_in(just.organisation):
                key = (just.organisation, just.rule)
                code = just.organisation
                self.error("justifications", key, "organisation", MSG_ORG, code=code)

    def elections(self, stored_election: Mapping[str, str]) -> None:
        """Elections are stored as recorded elections.

        A stored one (recorded or run in Tongxue) must lie in the scope now, and its
        organisation after the import.
        """
        scope = self.scope
        for election in self.snap.elections:
            key = (election.code,)
            code = election.code
            if code in stored_election and not scope.covers(stored_election[code]):
                self.error("elections", key, "code", MSG_ELECTION, code=code)
            elif not self.org_in(election.organisation):
                code = election.organisation
                self.error("elections", key, "organisation", MSG_ORG, code=code)
            elif election.meeting and not scope.covers(
                self.meeting_path(election.meeting)
            ):
                code = election.meeting
                self.error("elections", key, "meeting", MSG_MEETING, code=code)

    def union_records(self) -> None:
        """The records stored where their union is.

        Guidance (GOV-1, GOV-2), evaluations (CAD-3, keyed by the union's code),
        semesters (CAD-4, with the reports of the people listed), written reports
        (CON-13) and standing conferences (CON-8).
        """
        snap = self.snap
        key: tuple[Any, ...]
        for g in snap.guidance:
            if not self.org_in(g.organisation):
                key = (g.organisation, g.kind, g.held)
                self.error("guidance", key, "organisation", MSG_ORG, code=key[0])
        for e in snap.evaluations:
            if not self.org_in(e.organisation):
                key = (e.organisation, e.code)
                self.error("evaluations", key, "organisation", MSG_ORG, code=key[0])
        for semester in snap.semesters:
            key = (semester.organisation, semester.code)
            if not self.org_in(semester.organisation):
                self.error("semesters", key, "organisation", MSG_ORG, code=key[0])
            for ident in semester.reports:
                if not self.visible(ident):
                    self.error("semesters", key, "reports", MSG_PERSON, id=ident)
                    break
        for report in snap.written_reports:
            if not self.org_in(report.organisation):
                key = (report.organisation, report.code)
                self.error("written_reports", key, "organisation", MSG_ORG, code=key[0])
        for conference in snap.standing_conferences:
            if not self.org_in(conference.organisation):
                key = (conference.organisation,)
                table = "standing_conferences"
                self.error(table, key, "organisation", MSG_ORG, code=key[0])
