"""The checks of a snapshot import before anything is written (ORG-1).

What the file refers to (:func:`references`, read before parsing so that the stored
rows it names are looked up in bulk), the new path of every organisation
(:func:`new_paths`, refusing a parent chain that loops), and the checks the parser
cannot make because they need what is stored: profiles, and the kinds of stored
organisations named by justifications, guidance and evaluations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.justifications import rule_problem
from tongxue.domain.model import SCHOOL_LEVEL_UNIONS, UNION_KINDS, OrgKind
from tongxue.domain.profiles import ProfileError, get_profile
from tongxue.domain.snapshot import (
    MSG_EVALUATION_UNION,
    MSG_GUIDANCE_UNION,
    Snapshot,
    SnapshotError,
    split_ids,
    storable,
)
from tongxue.organisations.models import Organisation
from tongxue.organisations.paths import path_for
from tongxue.snapshots.bulk import ORG_COLS

_PATH_MAX = Organisation._meta.get_field("path").max_length or 1000


MSG_ELECTION_RUN_ELSEWHERE = gettext_noop(
    "The election {code} is run in Tongxue by {organisation}: a file cannot record it "
    "for another organisation."
)


def snapshot_error(
    table: str, row: int, fld: str | None, text: str, **params: Any
) -> SnapshotError:
    return SnapshotError(table, row, fld, Message(text, params))


def texts(rows: Any, *names: str) -> set[str]:
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


def listed_ids(rows: Any, name: str) -> set[str]:
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


def references(tables: Mapping[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """The organisation codes, person ids and meeting codes the raw tables name (before
    parsing): the stored rows to look up."""
    org_refs = (
        texts(tables.get("organisations"), "code", "parent")
        | texts(tables.get("people"), "department", "class")
        | texts(tables.get("positions"), "organisation")
        | texts(tables.get("meetings"), "organisation")
        | texts(tables.get("reviews"), "reviewer", "reviewed")
        | texts(tables.get("justifications"), "organisation")
        | texts(tables.get("elections"), "organisation")
        | texts(tables.get("semesters"), "organisation")
        | texts(tables.get("written_reports"), "organisation")
        | texts(tables.get("standing_conferences"), "organisation")
        | texts(tables.get("delegates"), "electing_unit")
        | texts(tables.get("evaluations"), "organisation")
        | texts(tables.get("guidance"), "organisation")
        | listed_ids(tables.get("meetings"), "seat_departments")
        | listed_ids(tables.get("meetings"), "seat_clubs")
    )
    person_refs = (
        texts(tables.get("people"), "id")
        | texts(tables.get("positions"), "person")
        | texts(tables.get("delegates"), "person")
        | listed_ids(tables.get("semesters"), "reports")
    )
    meeting_refs = (
        texts(tables.get("meetings"), "code")
        | texts(tables.get("delegates"), "meeting")
        | texts(tables.get("elections"), "meeting")
    )
    return org_refs, person_refs, meeting_refs


def new_paths(
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
                    snapshot_error(
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
                snapshot_error(
                    "organisations",
                    row_of.get((code,), 0),
                    "parent",
                    gettext_noop("The organisation is nested too deeply."),
                )
            )
    return memo


def check_justified_kinds(
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


def check_guidance_kinds(
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
                snapshot_error(
                    "guidance",
                    rows.get((g.organisation, g.kind, g.held), 0),
                    "organisation",
                    MSG_GUIDANCE_UNION,
                    value=g.organisation,
                )
            )


def check_evaluation_kinds(
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
                snapshot_error(
                    "evaluations",
                    rows.get((e.organisation, e.code), 0),
                    "organisation",
                    MSG_EVALUATION_UNION,
                    value=e.organisation,
                )
            )


def check_profiles(snap: Snapshot, errors: list[SnapshotError]) -> None:
    """Refuse an organisation whose profile cannot be loaded: an unknown code, or a
    file that is missing, unreadable or malformed (only those errors are caught)."""
    rows = snap.rows.get("organisations", {})
    checked: dict[str, bool] = {}
    for org in snap.organisations:
        if not org.profile:
            continue
        if org.profile not in checked:
            try:
                get_profile(org.profile)
                checked[org.profile] = True
            except (ProfileError, OSError):
                checked[org.profile] = False
        if not checked[org.profile]:
            errors.append(
                snapshot_error(
                    "organisations",
                    rows.get((org.code,), 0),
                    "profile",
                    gettext_noop("Unknown profile “{value}”."),
                    value=org.profile,
                )
            )
