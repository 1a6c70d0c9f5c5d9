"""What the audit reads of students' concerns: each school-level union's channel and its
open concerns by deadline (RGT-1 · GS-10, GS-4, CQ-5; CAD-8 · GS-13, CQ-8).

Counts, never a concern's text, author or the cadre it is about. Two queries whatever
the number of concerns, each served by an index: the school-level unions of the subtree
with their active categories, whether any concern was ever raised in them (an
``EXISTS`` probe, not a count of every concern), the day of their first concern and of
their last report submitted to the school (RGT-1), and the open concerns (received, in
hand, reopened) grouped by union, state, whether acknowledged, the deadlines stored on
them and whether they are about a cadre. What is overdue is judged by the rules on the
audit day (``tongxue.domain.rules.rights``), not here: the registry holds the due
dates, so an audit of any day (the nightly pass re-audits the day a store was made for)
reads the same rows. Ideas sent to a federation's consultation (网上学联) wait for the
federation: they are not the union's open concerns; the federations' consultations are
read apart (dates only, one query, RGT-5).

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``VoiceConfig.ready()``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tongxue.domain import model as dm
from tongxue.domain.rights import OPEN_STATUSES
from tongxue.organisations.mappers import Part, Scope
from tongxue.organisations.models import Organisation
from tongxue.voice.models import (
    Category,
    Concern,
    Consultation,
    ReportStatus,
    SchoolReport,
)
from tongxue.voice.relay_mappers import reachable, role_holders

#: The kinds of union a concern is raised in (a school-level union).
_UNION_KINDS = sorted(k.value for k in dm.SCHOOL_LEVEL_UNIONS)
#: A concern about a cadre (CAD-8): naming the cadre, or in a category about cadres.
_ABOUT_CADRE = Q(about_person__isnull=False) | Q(category__about_cadre=True)
_OPEN_STATUSES = sorted(OPEN_STATUSES)


def registry_part(scope: Scope) -> Part:
    """The concern channels and open concerns of the subtree (two queries), the
    federations' consultations of students (one, RGT-5), the delegates and post
    holders the relay reaches and the unions run on Tongxue (one each, RGT-6)."""
    return Part(
        fields={
            "concern_channels": concern_channels(scope),
            "open_concerns": open_concerns(scope),
            "consultations": consultations(scope),
            # RGT-6: who among the delegates and cadres the relay reaches (one query)
            "reachable": reachable(scope),
            "role_holders": role_holders(scope),
        }
    )


def concern_channels(scope: Scope) -> tuple[dm.ConcernChannel, ...]:
    """The channel of each school-level union of ``scope`` that has one (one query).

    A union with neither an active category
    nor a concern ever raised has no row (the rules read it as no channel).
    """
    return tuple(
        dm.ConcernChannel(
            code,
            n,
            bool(raised),
            first_raised=_local_day(first_at),
            last_report=_local_day(report_at),
        )
        for code, n, raised, first_at, report_at in scope.rows(_channel_rows)
    )


def _channel_rows(scope: Scope) -> QuerySet[Any]:
    active = (
        Category.objects.filter(union=OuterRef("pk"), active=True)
        .order_by()
        .values("union")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # the first concern is the one numbered lowest (the union's numbers, by an index);
    # the last report submitted to the school (RGT-1's report, by an index)
    first = (
        Concern.objects.filter(union=OuterRef("pk"))
        .order_by("number")
        .values("raised_at")[:1]
    )
    reported = (
        SchoolReport.objects.filter(union=OuterRef("pk"), status=ReportStatus.SUBMITTED)
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    return (
        Organisation.objects.filter(scope.under(), kind__in=_UNION_KINDS)
        .annotate(
            n_categories=Coalesce(Subquery(active, output_field=IntegerField()), 0),
            raised=Exists(Concern.objects.filter(union=OuterRef("pk"))),
            first_raised=Subquery(first),
            last_report=Subquery(reported),
        )
        .filter(Q(n_categories__gt=0) | Q(raised=True))
        .values_list("code", "n_categories", "raised", "first_raised", "last_report")
        .order_by("code")
    )


def _local_day(value: datetime | str | None) -> date | None:
    """The local day of a time read back by a subquery (a string on SQLite)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
    return timezone.localdate(value)


def open_concerns(scope: Scope) -> tuple[dm.OpenConcerns, ...]:
    """The open concerns of the unions of ``scope``, grouped (one query)."""
    rows = scope.rows(
        lambda s: (
            # an idea sent to a federation's consultation waits for the federation, not
            # the union (RGT-5 judges the federation's response)
            Concern.objects.filter(
                s.under("union__"),
                status__in=_OPEN_STATUSES,
                consultation__isnull=True,
            )
            .order_by()
            .annotate(
                acknowledged=Case(
                    When(acknowledged_at__isnull=False, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                cadre=Case(
                    When(_ABOUT_CADRE, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .values(
                "union__code",
                "status",
                "acknowledged",
                "acknowledge_due",
                "answer_due",
                "cadre",
            )
            .annotate(n=Count("pk"))
            .values_list(
                "union__code",
                "status",
                "acknowledged",
                "acknowledge_due",
                "answer_due",
                "cadre",
                "n",
            )
        )
    )
    groups = [
        dm.OpenConcerns(
            union=union,
            status=status,
            acknowledged=bool(acknowledged),
            acknowledge_due=_day(ack_due),
            answer_due=_day(answer_due),
            count=n,
            about_cadre=bool(cadre),
        )
        for union, status, acknowledged, ack_due, answer_due, cadre, n in rows
    ]
    groups.sort(
        key=lambda g: (
            g.union,
            g.status,
            g.acknowledged,
            g.acknowledge_due,
            g.answer_due,
            g.about_cadre,
        )
    )
    return tuple(groups)


def _day(value: object) -> date:
    """A due date read back from the grouped query (a date; a string on SQLite)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def consultations(scope: Scope) -> tuple[dm.Consultation, ...]:
    """The consultations of students of the federations of ``scope`` (RGT-5, one
    query): dates only."""
    rows = scope.rows(
        lambda s: (
            Consultation.objects.filter(s.under("federation__"))
            .order_by("federation__code", "number")
            .values_list(
                "federation__code",
                "number",
                "opens",
                "closes",
                "answer_due",
                "responded_at",
            )
        )
    )
    return tuple(
        dm.Consultation(
            federation=code,
            number=number,
            opens=opens,
            closes=closes,
            answer_due=due,
            responded_on=timezone.localdate(at) if at is not None else None,
        )
        for code, number, opens, closes, due, at in rows
    )
