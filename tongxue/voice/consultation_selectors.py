"""Read a federation's consultations of students (网上学联, RGT-5 · GS-5), in a bounded
number of queries.

The public pages read the public ideas only (public, not sensitive, not about a
cadre: :func:`tongxue.voice.selectors.public_q`) and their masked text; who raised an
idea is never read. The federation's handlers may list every idea (their titles as
written, still without any identity): they handle them
(:func:`tongxue.voice.access.visible_to_handler_q` agrees).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tongxue.domain.rights.consultations import Phase, days_late, phase
from tongxue.organisations.models import Organisation
from tongxue.voice import access
from tongxue.voice.models import Concern, ConcernStatus, Consultation, Support
from tongxue.voice.selectors import public_q

__all__ = [
    "LISTED_OUT",
    "Timeliness",
    "consultation_by_number",
    "consultations_of",
    "handles_at",
    "idea_counts",
    "ideas",
    "my_ideas",
    "open_for_path",
    "supported_ids",
    "timeliness",
]

#: Ideas never listed: taken back by their student, or merged into another idea.
LISTED_OUT = (ConcernStatus.WITHDRAWN, ConcernStatus.MERGED)


def _public_ideas() -> Q:
    return Q(
        ideas__visibility="public",
        ideas__sensitive=False,
        ideas__about_person__isnull=True,
    ) & ~Q(ideas__status__in=LISTED_OUT)


def consultations_of(federation: Organisation) -> QuerySet[Consultation]:
    """The federation's consultations, the newest first, each with how many ideas it
    drew and how many are public (one query)."""
    return (
        Consultation.objects.filter(federation=federation)
        .select_related("federation")
        .annotate(
            n_ideas=Count("ideas", filter=~Q(ideas__status__in=LISTED_OUT)),
            n_public=Count("ideas", filter=_public_ideas()),
        )
        .order_by("-opens", "-number")
    )


def consultation_by_number(
    federation: Organisation, number: int
) -> Consultation | None:
    return (
        Consultation.objects.filter(federation=federation, number=number)
        .select_related("federation")
        .first()
    )


def ideas(consultation: Consultation, *, handler: Any = None) -> QuerySet[Concern]:
    """The consultation's public ideas, or with ``handler`` every idea that user sees
    as a handler (:func:`tongxue.voice.access.visible_to_handler_q`: not one marked
    sensitive unless named for it), the most agreed first, then the newest (one
    query). The author's key is read to tell a student their own idea, never shown."""
    qs = (
        Concern.objects.filter(consultation=consultation)
        .exclude(status__in=LISTED_OUT)
        .select_related("union")
        .defer("body", "tokens")
        .order_by("-supporters", "-raised_at", "-pk")
    )
    if handler is not None:
        return qs.filter(access.visible_to_handler_q(handler))
    qs = qs.filter(public_q()).defer("title")
    return qs


def idea_counts(consultation: Consultation) -> dict[str, int]:
    """How many ideas it drew, how many public, how many answered (one query)."""
    listed = Concern.objects.filter(consultation=consultation).exclude(
        status__in=LISTED_OUT
    )
    out = listed.aggregate(
        total=Count("pk"),
        public=Count("pk", filter=public_q()),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    return {k: v or 0 for k, v in out.items()}


def my_ideas(user: Any, consultation: Consultation) -> list[Concern]:
    """The ideas the user sent under their name (not the anonymous ones: they have no
    author), newest first (one query; none when signed out)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Concern.objects.filter(consultation=consultation, author_id=user.pk)
        .select_related("union")
        .order_by("-raised_at", "-pk")
    )


def supported_ids(user: Any, concerns: list[Concern]) -> set[int]:
    """Those of ``concerns`` the user agreed with (同意, one query)."""
    if not concerns or user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Support.objects.filter(
            user_id=user.pk, concern_id__in=[c.pk for c in concerns]
        ).values_list("concern_id", flat=True)
    )


def handles_at(user: Any, org: Organisation) -> bool:
    """Whether the user handles concerns at ``org`` (HANDLE there or above: the
    federation's handlers see every idea; three queries, none signed out)."""
    v = access.viewer(user)
    return v.superuser or any(org.path.startswith(p) for p in v.handle_paths)


@dataclass(frozen=True)
class Timeliness:
    """Where the consultation stands and whether its response came (comes) in time."""

    phase: Phase
    #: Working days late: of the published response, or of the missing one so far.
    late: int
    #: The response is published and came by its due date.
    in_time: bool


def timeliness(
    consultation: Consultation,
    *,
    today: dt.date,
    holidays: Any = (),
    extra_working_days: Any = (),
) -> Timeliness:
    """The consultation's phase on ``today`` and its response's timeliness (no query)."""
    responded_on = (
        timezone.localdate(consultation.responded_at)
        if consultation.responded_at is not None
        else None
    )
    p = phase(
        opens=consultation.opens,
        closes=consultation.closes,
        responded_on=responded_on,
        today=today,
    )
    late = (
        days_late(
            consultation.answer_due,
            responded_on,
            today,
            holidays=holidays,
            extra_working_days=extra_working_days,
        )
        if p in (Phase.CLOSED, Phase.RESPONDED)
        else 0
    )
    return Timeliness(
        phase=p,
        late=late,
        in_time=responded_on is not None and responded_on <= consultation.answer_due,
    )


def open_for_path(path: str, today: dt.date, *, limit: int = 3) -> list[Consultation]:
    """The consultations open on ``today`` of the federations above ``path`` (a
    student's class or department), those closing first first (one query)."""
    codes = [c for c in path.split("/") if c]
    if not codes:
        return []
    return list(
        Consultation.objects.filter(
            federation__code__in=codes, opens__lte=today, closes__gte=today
        )
        .select_related("federation")
        .order_by("closes", "pk")[:limit]
    )
