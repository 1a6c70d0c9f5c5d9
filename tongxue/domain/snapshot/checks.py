"""The checks of a snapshot's rows beyond their cells: across rows and tables.

Cycles in the parent chain, dates in order, reviews, justifications (rules that can be
justified there), guidance and evaluations at the right kind of union, seat plans
(CON-4), and the election recorded with each delegate row (CON-6).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tongxue.domain import model as dm
from tongxue.domain.delegates import ElectingFault, electing_fault
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.justifications import rule_problem
from tongxue.domain.snapshot.cells import Parser
from tongxue.domain.snapshot.tables import Rows, SnapshotError

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
#: A ``*_column`` parameter names a column of the row's table, a ``*_columns`` one a
#: list of them: shown as the user's file names them (人员 · 姓名 in a Chinese
#: workbook, ``snapshots.errors.message_text``), else by the format's names.
MSG_ELECTION_PART = gettext_noop(
    "Give the election that elected the delegate in full: {election_columns}."
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
    "Opinions are written down, so they were heard: {heard_column} cannot be no."
)
_MSG_PUBLISHED_ON_UNPUBLISHED = gettext_noop(
    "A publication day is given but {published_column} is not yes."
)
_MSG_PUBLISHED_BEFORE_HELD = gettext_noop(
    "The assessment cannot be published on {published}, before the review on {held}."
)
_MSG_UNTIL_BEFORE = gettext_noop(
    "The last day {until} is before the approval on {approved}."
)
MSG_GUIDANCE_UNION = gettext_noop(
    "Guidance is recorded for a school-level union (a school or graduate union), "
    "not for “{value}”."
)
_MSG_SEATS_WITHOUT_PLAN = gettext_noop(
    "Seats are listed but {plan_column} is blank: say yes (by department and grade) "
    "or no (by department only)."
)
_MSG_SEAT_GRADE = gettext_noop("“{value}” is not a grade (a year of enrolment).")
_MSG_SEAT_GRADES_NOT_BY_GRADE = gettext_noop(
    "Grades with seats are listed but {plan_column} is no (by department only)."
)


def check_rows(
    p: Parser, raw: Mapping[str, Rows], checked: dict[str, Rows]
) -> tuple[dict[str, dm.SeatPlan], dict[tuple[str, str], dm.DelegateProvenance]]:
    """Check the rows against each other; return the seat plans and the elections.

    ``raw`` holds the rows whose cells parsed, ``checked`` those whose references
    resolve too; the justification, guidance and delegate rows that fail a check are
    taken out of ``checked``. Returns the seat plan of each meeting that records one
    (CON-4) and the election of each delegate row that gives one (CON-6), keyed by
    (meeting, person).
    """
    _cycles(p, raw["organisations"])
    seat_plans = {
        v["code"]: plan
        for number, v in checked["meetings"]
        if (plan := _seat_plan(p, number, v)) is not None
    }
    for number, v in checked["positions"]:
        _check_dates(p, "positions", number, v)
    for number, v in checked["reviews"]:
        _check_review(p, number, v)
    org_kinds = {v["code"]: v["kind"] for _, v in raw["organisations"]}
    checked["justifications"] = _justifications(p, checked["justifications"], org_kinds)
    if checked["guidance"]:
        checked["guidance"] = [
            (number, v)
            for number, v in checked["guidance"]
            if _guidance_union(p, number, v, org_kinds)
        ]
    for number, v in checked["semesters"]:
        _check_dates(p, "semesters", number, v)
    for number, v in checked["evaluations"]:
        _check_evaluation(p, number, v, org_kinds)
    checked["delegates"], elected_by = _delegate_elections(
        p,
        checked["delegates"],
        raw["organisations"],
        {v["code"]: v["organisation"] for _, v in checked["meetings"]},
    )
    return seat_plans, elected_by


def _check_dates(p: Parser, table: str, number: int, v: Mapping[str, Any]) -> None:
    """Report a row whose ``end`` (if any) comes before its ``start``."""
    if v["end"] is not None and v["end"] < v["start"]:
        p.error(
            table,
            number,
            "end",
            _MSG_END_BEFORE_START,
            end=v["end"].isoformat(),
            start=v["start"].isoformat(),
        )


def _check_review(p: Parser, number: int, v: Mapping[str, Any]) -> None:
    """A review (TRN-3): of another organisation; opinions and publication coherent."""
    if v["reviewer"] == v["reviewed"]:
        p.error("reviews", number, "reviewed", _MSG_SAME_ORG)
    if v["opinions_heard"] is False and v["opinions"]:
        p.error(
            "reviews",
            number,
            "opinions_heard",
            _MSG_OPINIONS_WRITTEN,
            heard_column="opinions_heard",
        )
    published_on = v["published_on"]
    if published_on is not None and not v["assessment_published"]:
        p.error(
            "reviews",
            number,
            "published_on",
            _MSG_PUBLISHED_ON_UNPUBLISHED,
            published_column="assessment_published",
        )
    elif published_on is not None and published_on < v["held"]:
        p.error(
            "reviews",
            number,
            "published_on",
            _MSG_PUBLISHED_BEFORE_HELD,
            published=published_on.isoformat(),
            held=v["held"].isoformat(),
        )


def _check_evaluation(
    p: Parser, number: int, v: Mapping[str, Any], kinds: Mapping[str, dm.OrgKind]
) -> None:
    """An evaluation (CAD-3): of a union's cadres, dates in order, raters ≤ listed."""
    kind = kinds.get(v["organisation"])
    if kind is not None and kind not in dm.UNION_KINDS:
        p.error(
            "evaluations",
            number,
            "organisation",
            MSG_EVALUATION_UNION,
            value=v["organisation"],
        )
    _check_dates(p, "evaluations", number, v)
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


def _cycles(p: Parser, orgs: list[tuple[int, dict[str, Any]]]) -> set[str]:
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
    p: Parser,
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
    p: Parser,
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
    out: list[tuple[int, dict[str, Any]]] = []
    elected: dict[tuple[str, str], dm.DelegateProvenance] = {}
    figures: dict[tuple[str, str, date], tuple[int, int, int]] = {}
    for number, v in rows:
        if all(v[c] is None for c in (*ELECTION_COLUMNS, "votes")):
            out.append((number, v))
            continue
        missing = [c for c in ELECTION_COLUMNS if v[c] is None]
        for column in missing:
            p.error(
                "delegates",
                number,
                column,
                MSG_ELECTION_PART,
                election_columns=list(ELECTION_COLUMNS),
            )
        if missing:
            continue
        unit, held = v["electing_unit"], v["election_date"]
        errors = len(p.errors)
        _check_election_figures(p, number, v, figures)
        provenance = dm.DelegateProvenance(
            v["person"], unit, held, v["electorate"], v["votes_cast"], v["votes"]
        )
        union = meeting_org.get(v["meeting"])
        if union is not None and _rooted(tree, union) and _rooted(tree, unit):
            problem = electing_error(tree, union, provenance, number)
            if problem is not None:
                p.errors.append(problem)
        if len(p.errors) == errors:
            out.append((number, v))
            elected[(v["meeting"], v["person"])] = provenance
    return out, elected


def _rooted(tree: dm.Registry, code: str) -> bool:
    """Whether the file (``tree``) holds ``code`` and every organisation above it."""
    org, seen = tree.org.get(code), set()
    while org is not None and org.code not in seen:
        if org.parent is None:
            return True
        seen.add(org.code)
        org = tree.org.get(org.parent)
    return False


def _check_election_figures(
    p: Parser,
    number: int,
    v: Mapping[str, Any],
    figures: dict[tuple[str, str, date], tuple[int, int, int]],
) -> None:
    """Report figures of a delegate's election that cannot be (CON-6).

    votes ≤ votes cast ≤ electorate ≥ 1; and the figures of the election (meeting,
    unit, day) first given in ``figures`` (which gains this row's when it is the
    first) are the only ones.
    """
    unit, held = v["electing_unit"], v["election_date"]
    electorate, cast, votes = v["electorate"], v["votes_cast"], v["votes"]
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
    first = figures.setdefault((v["meeting"], unit, held), (number, electorate, cast))
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


def _justifications(
    p: Parser,
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


def _seat_plan(p: Parser, number: int, v: Mapping[str, Any]) -> dm.SeatPlan | None:
    """The seat plan of a meetings row (CON-4), or None; problems reported to ``p``."""
    listed = [c for c in ("seat_departments", "seat_grades", "seat_clubs") if v[c]]
    if v["seats_by_grade"] is None:
        if listed:
            p.error(
                "meetings",
                number,
                "seats_by_grade",
                _MSG_SEATS_WITHOUT_PLAN,
                plan_column="seats_by_grade",
            )
        return None
    grades: list[int] = []
    for item in v["seat_grades"] or ():
        if not item.isdigit() or not 1 <= int(item) <= 9999:
            p.error("meetings", number, "seat_grades", _MSG_SEAT_GRADE, value=item)
            return None
        grades.append(int(item))
    if grades and not v["seats_by_grade"]:
        p.error(
            "meetings",
            number,
            "seat_grades",
            _MSG_SEAT_GRADES_NOT_BY_GRADE,
            plan_column="seats_by_grade",
        )
        return None
    return dm.SeatPlan(
        by_grade=bool(v["seats_by_grade"]),
        departments=tuple(v["seat_departments"] or ()),
        grades=tuple(sorted(set(grades))),
        clubs=tuple(v["seat_clubs"] or ()),
    )
