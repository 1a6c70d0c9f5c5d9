"""Parse a snapshot's tables into the domain and report every problem (ORG-1).

:func:`parse_tables` checks the header, every cell (:mod:`.cells`), every row against
the others (:mod:`.checks`), and builds a :class:`~.tables.Snapshot` of the rows that
parsed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from tongxue.domain import model as dm
from tongxue.domain.findings import gettext_noop
from tongxue.domain.snapshot.cells import MSG_TEXT, MSG_TOO_LONG, Labels, Parser, show
from tongxue.domain.snapshot.checks import check_rows
from tongxue.domain.snapshot.tables import (
    DOCUMENT,
    FORMAT,
    HEADER_KEYS,
    KEYS,
    TABLES,
    VERSION,
    Rows,
    Snapshot,
    SnapshotError,
)

_MSG_UNKNOWN_TABLE = gettext_noop("Unknown table “{value}”.")
_MSG_FORMAT = gettext_noop("This is not a Tongxue snapshot: format is “{value}”.")
_MSG_VERSION = gettext_noop(
    "Unsupported snapshot version “{value}”; this version reads {supported}."
)


def parse_tables(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    known_orgs: Collection[str] = (),
    known_people: Collection[str] = (),
    known_meetings: Collection[str] = (),
    row_offset: int = 1,
    labels: Labels | None = None,
) -> tuple[Snapshot, list[SnapshotError]]:
    """Parse a snapshot's tables into a registry and report every problem (ORG-1).

    ``tables`` maps table names to lists of rows; it may also hold the header keys
    (``format``, ``version``, ``default_profile``, ``root``). Row numbers in errors are
    ``index + row_offset`` unless a row carries its own under :data:`ROW_KEY`. The
    registry holds the rows that parsed; it is only meaningful when there are no errors.
    References (``parent``, ``department``, ``class``, ``organisation``, ``person``,
    ``meeting`` …) may point to rows of the snapshot or, on import, to rows already
    stored (``known_orgs`` / ``known_people`` / ``known_meetings``). An enum's cell
    may give its value or one of its ``labels`` (学生 for ``student``: the labels the
    application shows, in Chinese and English; see :data:`.cells.Labels`).
    """
    p = Parser(row_offset, labels)
    default_profile, root = _header(p, tables)
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {
        name: p.unique(name, p.rows(name, tables.get(name))) for name in TABLES
    }
    known = _references(tables, raw, known_orgs, known_people, known_meetings)
    checked = {name: p.refs(name, rows, known) for name, rows in raw.items()}
    seat_plans, elected_by = check_rows(p, raw, checked)
    rows_index = {
        name: {tuple(v[k] for k in KEYS[name]): n for n, v in rows}
        for name, rows in raw.items()
    }
    snapshot = _snapshot(
        checked,
        seat_plans,
        elected_by,
        default_profile=default_profile,
        root=root,
        rows=rows_index,
    )
    return snapshot, p.errors


def _references(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    raw: Mapping[str, Rows],
    known_orgs: Collection[str],
    known_people: Collection[str],
    known_meetings: Collection[str],
) -> dict[str, Callable[[str], bool]]:
    """Return, for each kind of reference, whether a code names a row.

    A row of the file, or one already stored. A row that failed to parse still
    defines its key, so that its references do not add a second, misleading error:
    the keys of every row given count.
    """
    org_codes = {v["code"] for _, v in raw["organisations"]}
    person_ids = {v["id"] for _, v in raw["people"]}
    meeting_codes = {v["code"] for _, v in raw["meetings"]}
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
    return {
        "organisation": lambda c: c in org_codes or c in known_orgs,
        "person": lambda c: c in person_ids or c in known_people,
        "meeting": lambda c: c in meeting_codes or c in known_meetings,
    }


def _header_text(p: Parser, tables: Mapping[str, Any], key: str) -> str | None:
    """Return a text of the header (a code of at most 64 characters), or report it."""
    value = tables.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        p.error(DOCUMENT, 0, key, MSG_TEXT, value=show(value))
        return None
    if p.bad_text(DOCUMENT, 0, key, value):
        return None
    if len(value.strip()) > 64:
        p.error(DOCUMENT, 0, key, MSG_TOO_LONG, limit=64)
        return None
    return value.strip() or None


def _header(p: Parser, tables: Mapping[str, Any]) -> tuple[str | None, str | None]:
    fmt = tables.get("format")
    if fmt is not None and fmt != FORMAT:
        p.error(DOCUMENT, 0, "format", _MSG_FORMAT, value=show(fmt))
    version = tables.get("version")
    if version is not None and (isinstance(version, bool) or version != VERSION):
        p.error(
            DOCUMENT,
            0,
            "version",
            _MSG_VERSION,
            value=show(version),
            supported=VERSION,
        )
    profile = _header_text(p, tables, "default_profile")
    root = _header_text(p, tables, "root")
    for key in tables:
        if key not in HEADER_KEYS and key not in TABLES:
            p.error(DOCUMENT, 0, None, _MSG_UNKNOWN_TABLE, value=show(key))
    return (profile or None), (root or None)


# ----------------------------------------------------------------- the Snapshot


def _snapshot(
    checked: Mapping[str, Rows],
    seat_plans: Mapping[str, dm.SeatPlan],
    elected_by: dict[tuple[str, str], dm.DelegateProvenance],
    *,
    default_profile: str | None,
    root: str | None,
    rows: Mapping[str, Mapping[tuple[Any, ...], int]],
) -> Snapshot:
    """Build the :class:`Snapshot` of the rows that passed every check."""
    return Snapshot(
        organisations=tuple(_organisation(v) for _, v in checked["organisations"]),
        people=tuple(_person(v) for _, v in checked["people"]),
        positions=tuple(_position(v) for _, v in checked["positions"]),
        meetings=_meetings(checked, seat_plans, elected_by),
        reviews=tuple(_review(v) for _, v in checked["reviews"]),
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
        evaluations=tuple(_evaluation(v) for _, v in checked["evaluations"]),
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
        guidance=tuple(_guidance(v) for _, v in checked["guidance"]),
        default_profile=default_profile or dm.Registry.default_profile,
        delegates=tuple((v["meeting"], v["person"]) for _, v in checked["delegates"]),
        elected_by=elected_by,
        root=root,
        rows=rows,
    )


def _organisation(v: Mapping[str, Any]) -> dm.Organisation:
    return dm.Organisation(
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


def _person(v: Mapping[str, Any]) -> dm.Person:
    return dm.Person(
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


def _position(v: Mapping[str, Any]) -> dm.Position:
    return dm.Position(
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


def _meetings(
    checked: Mapping[str, Rows],
    seat_plans: Mapping[str, dm.SeatPlan],
    elected_by: Mapping[tuple[str, str], dm.DelegateProvenance],
) -> tuple[dm.Meeting, ...]:
    """The meetings, each with its delegates' seats and elections and its seat plan."""
    seats: dict[str, list[str]] = defaultdict(list)
    for _, v in checked["delegates"]:
        seats[v["meeting"]].append(v["person"])
    return tuple(
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
    )


def _review(v: Mapping[str, Any]) -> dm.Review:
    return dm.Review(
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


def _evaluation(v: Mapping[str, Any]) -> dm.EvaluationPeriod:
    return dm.EvaluationPeriod(
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


def _guidance(v: Mapping[str, Any]) -> dm.Guidance:
    return dm.Guidance(
        organisation=v["organisation"],
        kind=v["kind"],
        held=v["held"],
        by=v["by"],
        summary=v["summary"],
        public=bool(v["public"]),
    )
