"""What the audit reads of business: a meeting's business, reports, guidance, adoptions.

The congresses' part of the registry annotates its one meetings query with these
subqueries (:data:`MEETING_BUSINESS`, registered on
:data:`tongxue.congresses.mappers.MEETING_COLUMNS`), so recording a meeting's business
adds no query to the audit (CON-7 · GS-8, CQ-3). :func:`registry_part` adds the work
reports filed in writing, the records of guidance and the standing conferences adopted
(three queries), registered on :data:`tongxue.organisations.mappers.REGISTRY_PARTS`;
both by ``BusinessConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    Guidance,
    StandingDelegate,
    StudentOpinion,
    WrittenReport,
)
from tongxue.congresses.mappers import MeetingColumns
from tongxue.domain import model as dm
from tongxue.domain.business import AgendaKind
from tongxue.organisations.mappers import Part, Scope
from tongxue.organisations.models import Organisation

#: One boolean annotation per agenda kind (``agenda_<kind>``), then the charter's.
AGENDA_FIELDS = tuple(f"agenda_{k.value}" for k in AgendaKind)
BUSINESS_FIELDS = (*AGENDA_FIELDS, "charter_in_force")
#: The agenda kinds' values, in the order of :data:`AGENDA_FIELDS`.
_AGENDA_VALUES = tuple(k.value for k in AgendaKind)
_GUIDANCE_KINDS = {k.value: k for k in dm.GuidanceKind}


def annotate_business(meetings: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate each meeting with its agenda kinds and whether a charter was in force.

    Students' opinions submitted for a meeting count as an opinions item (CON-7). A
    charter is in force when a version of the union's charter was adopted on or before
    the day the meeting opened, or by a motion of this meeting.
    """
    agenda = {
        f"agenda_{kind.value}": Exists(
            AgendaItem.objects.filter(meeting=OuterRef("pk"), kind=kind.value)
        )
        for kind in AgendaKind
    }
    agenda[f"agenda_{AgendaKind.OPINIONS.value}"] = Exists(
        AgendaItem.objects.filter(meeting=OuterRef("pk"), kind=AgendaKind.OPINIONS)
    ) | Exists(StudentOpinion.objects.filter(meeting=OuterRef("pk")))
    charter = Exists(
        CharterVersion.objects.filter(union=OuterRef("organisation")).filter(
            Q(adopted_on__lte=OuterRef("opened")) | Q(motion__meeting=OuterRef("pk"))
        )
    )
    return meetings.annotate(**agenda, charter_in_force=charter)


def business_kwargs(values: list[Any]) -> dict[str, Any]:
    """Return the domain meeting's business fields from the annotated values (in the
    order of :data:`BUSINESS_FIELDS`: one flag per agenda kind, then the charter's)."""
    *agenda, charter = values
    return {
        "agenda": tuple(
            k for k, flag in zip(_AGENDA_VALUES, agenda, strict=True) if flag
        ),
        "charter_in_force": bool(charter),
    }


#: The business columns of the registry's meetings (CON-7).
MEETING_BUSINESS = MeetingColumns(annotate_business, BUSINESS_FIELDS, business_kwargs)


def registry_part(scope: Scope) -> Part:
    """The business part of the registry (three queries): CON-13, GOV-1, GOV-2, CON-8."""
    return Part(
        fields={
            "written_reports": written_reports(scope),
            "guidance": guidance(scope),
            "standing_conferences": standing_conferences(scope),
        }
    )


def standing_conferences(scope: Scope) -> tuple[dm.StandingConference, ...]:
    """When each organisation loaded for ``scope`` adopted its standing conference (one query).

    CON-8 … CON-10: a union adopts it with its first standing delegate (the day
    recommended), or on the day a snapshot recorded: the earlier of the two.
    """
    return tuple(
        dm.StandingConference(code, min(d for d in (first, recorded) if d is not None))
        for code, first, recorded in scope.rows(_standing_rows)
    )


def _standing_rows(scope: Scope) -> QuerySet[Any]:
    first_standing = Subquery(
        StandingDelegate.objects.filter(union=OuterRef("pk"))
        .order_by("recommended_on")
        .values("recommended_on")[:1]
    )
    return (
        Organisation.objects.filter(scope.organisations)
        .annotate(standing_adopted=first_standing)
        .filter(
            Q(standing_adopted__isnull=False) | Q(standing_conference__isnull=False)
        )
        .values_list("code", "standing_adopted", "standing_conference__adopted_on")
        .order_by("path")
    )


def written_reports(scope: Scope) -> tuple[dm.WrittenReport, ...]:
    """The work reports filed in writing by the unions of ``scope`` (CON-13)."""
    return tuple(
        dm.WrittenReport(union, filed, code or str(pk))
        for pk, union, filed, code in scope.rows(
            lambda s: (
                WrittenReport.objects.filter(s.under("union__"))
                .values_list("pk", "union__code", "filed_on", "code")
                .order_by("union__code", "filed_on", "pk")
            )
        )
    )


def guidance(scope: Scope) -> tuple[dm.Guidance, ...]:
    """The records of guidance of the unions of ``scope`` (GOV-1, GOV-2; one query)."""
    return tuple(
        dm.Guidance(union, _GUIDANCE_KINDS[kind], held, by, summary, public)
        for union, kind, held, by, summary, public in scope.rows(
            lambda s: (
                Guidance.objects.filter(s.under("union__"))
                .values_list("union__code", "kind", "held", "by", "summary", "public")
                .order_by("union__code", "held", "kind", "pk")
            )
        )
    )
