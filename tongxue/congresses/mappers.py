"""The congresses' part of the registry (#13): meetings, seat plans, delegates.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``CongressesConfig.ready()``.
Five queries whatever the number of meetings: the delegates with the election that
elected each (CON-6), three for the seat plans Tongxue allocated (CON-4), and the
meetings themselves, which also bring the seat plan a snapshot recorded and whatever
columns the apps above congresses add (:data:`MEETING_COLUMNS`: business adds its
agenda and charter, CON-7).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tongxue.congresses.models import (
    AllocatedCell,
    AllocatedSeats,
    Delegate,
    Meeting,
    SeatAllocation,
)
from tongxue.core.hooks import Hook
from tongxue.domain import model as dm
from tongxue.organisations.mappers import Part, Scope


@dataclass(frozen=True)
class MeetingColumns:
    """Columns an app above congresses adds to the registry's one meetings query.

    ``annotate`` adds them to the meetings queryset, ``fields`` names them (read in
    this order) and ``kwargs`` turns their values into keyword arguments of
    :class:`~tongxue.domain.model.Meeting`.
    """

    annotate: Callable[[QuerySet[Any]], QuerySet[Any]]
    fields: tuple[str, ...]
    kwargs: Callable[[list[Any]], dict[str, Any]]


#: What apps above congresses add to each meeting of the registry (business: CON-7).
MEETING_COLUMNS: Hook[MeetingColumns] = Hook("congresses.meeting_columns")

_KINDS = {k.value: k for k in dm.MeetingKind}
_STATUSES = {s.value: s for s in dm.MeetingStatus}
_MEETING_FIELDS = (
    "pk",
    "code",
    "organisation__code",
    "kind",
    "opened",
    "session",
    "work_report",
    "status",
    "recorded_seats",
)


def registry_part(scope: Scope) -> Part:
    """The meetings of the subtree, with their delegates and seat plans (5 queries)."""
    delegates = _delegates(scope)
    # The delegates and the election that elected each (CON-6), in one query; the
    # rows come meeting by meeting, so each meeting's lists are found once.
    seats: dict[int, list[str]] = {}
    elected: dict[int, list[dm.DelegateProvenance]] = {}
    provenance = dm.DelegateProvenance
    current: int | None = None
    idents: list[str] = []
    elections: list[dm.DelegateProvenance] = []
    # The people's keys, for a small subtree read by keys (``Scope.ids``).
    person_ids: set[int] | None = set() if scope.ids is not None else None
    for (
        meeting_id,
        person_id,
        ident,
        unit,
        held,
        electorate,
        cast,
        votes,
    ) in scope.rows(_delegate_rows):
        if meeting_id != current:
            current = meeting_id
            idents = seats[meeting_id] = []
            elections = elected[meeting_id] = []
        idents.append(ident)
        if person_ids is not None:
            person_ids.add(person_id)
        if unit is not None:
            elections.append(provenance(ident, unit, held, electorate, cast, votes))
    allocated = _allocated_seat_plans(scope)
    columns = list(MEETING_COLUMNS)
    meetings = []
    for (
        pk,
        code,
        org,
        kind,
        opened,
        session,
        report,
        status,
        recorded,
        *values,
    ) in scope.rows(_meeting_rows):
        plan = allocated[pk] if pk in allocated else _recorded_seat_plan(recorded)
        meetings.append(
            dm.Meeting(
                code,
                org,
                _KINDS[kind],
                opened,
                session,
                report,
                tuple(seats.get(pk, ())),
                **_extra_kwargs(columns, values),
                status=_STATUSES[status],
                seats=plan,
                provenance=tuple(elected.get(pk, ())),
            )
        )
    return Part(
        fields={"meetings": tuple(meetings)},
        people=delegates.values("person_id"),
        person_ids=person_ids,
    )


# The part's queries, kept for a small subtree (``Scope.rows``).


def _delegates(scope: Scope) -> QuerySet[Any]:
    return Delegate.objects.filter(scope.under("meeting__organisation__"))


def _delegate_rows(scope: Scope) -> QuerySet[Any]:
    return (
        _delegates(scope)
        .values_list(
            "meeting_id",
            "person_id",
            "person__ident",
            "election__unit__code",
            "election__held",
            "election__electorate",
            "election__votes_cast",
            "votes",
        )
        .order_by("meeting_id", "person__ident")
    )


def _meeting_rows(scope: Scope) -> QuerySet[Any]:
    meetings = Meeting.objects.filter(scope.under("organisation__"))
    for extra in MEETING_COLUMNS:
        meetings = extra.annotate(meetings)
    return meetings.values_list(
        *_MEETING_FIELDS, *(f for extra in MEETING_COLUMNS for f in extra.fields)
    ).order_by("-opened", "pk")


def _modes(scope: Scope) -> QuerySet[Any]:
    return SeatAllocation.objects.filter(
        scope.under("meeting__organisation__")
    ).values_list("meeting_id", "mode")


def _allocated_units(scope: Scope) -> QuerySet[Any]:
    return (
        AllocatedSeats.objects.filter(
            scope.under("allocation__meeting__organisation__"), seats__gt=0
        )
        .values_list("allocation__meeting_id", "kind", "unit__code")
        .order_by("allocation__meeting_id", "position")
    )


def _allocated_grades(scope: Scope) -> QuerySet[Any]:
    return AllocatedCell.objects.filter(
        scope.under("allocation__meeting__organisation__"), seats__gt=0
    ).values_list("allocation__meeting_id", "grade")


def _extra_kwargs(
    columns: Sequence[MeetingColumns], values: list[Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    start = 0
    for extra in columns:
        end = start + len(extra.fields)
        out |= extra.kwargs(values[start:end])
        start = end
    return out


def _recorded_seat_plan(plan: Any) -> dm.SeatPlan | None:
    """The seat plan a snapshot recorded for a congress Tongxue did not allocate (CON-4)."""
    if not isinstance(plan, dict):
        return None
    return dm.SeatPlan(
        by_grade=bool(plan.get("by_grade")),
        departments=tuple(plan.get("departments") or ()),
        grades=tuple(int(g) for g in plan.get("grades") or ()),
        clubs=tuple(plan.get("clubs") or ()),
    )


def _allocated_seat_plans(scope: Scope) -> dict[int, dm.SeatPlan]:
    """The seat plan of each congress Tongxue allocated (CON-4), in three queries (one
    when the subtree has none, as most schools)."""
    modes = scope.rows(_modes)
    if not modes:
        return {}
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for meeting_id, kind, code in scope.rows(_allocated_units):
        units[meeting_id][kind].append(code)
    grades: dict[int, set[int]] = defaultdict(set)
    for meeting_id, grade in scope.rows(_allocated_grades):
        grades[meeting_id].add(grade)
    return {
        meeting_id: dm.SeatPlan(
            by_grade=mode == "grades",
            departments=tuple(units[meeting_id]["department"]),
            grades=tuple(sorted(grades[meeting_id])),
            clubs=tuple(units[meeting_id]["club"]),
        )
        for meeting_id, mode in modes
    }
