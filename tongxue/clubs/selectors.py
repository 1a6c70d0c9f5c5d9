"""Reads of the clubs and their activities (ORG-14): bounded queries for every page.

The public reads (:func:`upcoming`, :func:`held`, :func:`public_clubs`) hold only
approved and held activities and active clubs, and never load a responsible student's
number or a decision's reasons.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from tongxue.clubs.models import Activity, ActivityStatus, Club, ClubStatus, Review
from tongxue.organisations.models import Organisation, OrgKind

#: Public pages list at most this many upcoming activities (the soonest).
UPCOMING_LIMIT = 30
#: The fields a public listing reads of an activity (no record of the review).
PUBLIC_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "status",
    "expected_participants",
    "participants",
    "club__id",
    "club__name",
)


def clubs_of(union: Organisation, *, everyone: bool = False) -> QuerySet[Club]:
    """The union's clubs by name: the active ones, or all for its managers (with the
    responsible student and the registry's club: one query)."""
    rows = Club.objects.filter(union=union)
    if not everyone:
        rows = rows.filter(status=ClubStatus.ACTIVE)
    return rows.select_related("responsible", "organisation").order_by("name", "pk")


def club_of(union: Organisation, pk: int) -> Club | None:
    return (
        Club.objects.filter(union=union, pk=pk)
        .select_related("responsible", "organisation")
        .first()
    )


def registry_clubs(union: Organisation) -> QuerySet[Organisation]:
    """The clubs of the registry that the union's register may link to (one query):
    the clubs under the union, and for a school union those of the club federations
    directly under its school (where the registry places a school's 社团联合会, as
    the congress's main clubs read it)."""
    where = Q(kind=OrgKind.CLUB, path__startswith=union.path)
    if union.kind == OrgKind.SCHOOL_UNION and union.parent_id is not None:
        where |= Q(
            kind=OrgKind.CLUB,
            parent__kind=OrgKind.CLUB_FEDERATION,
            parent__parent_id=union.parent_id,
        )
    return Organisation.objects.filter(where).order_by("name", "code")


def upcoming(
    union: Organisation, now: datetime, club: Club | None = None
) -> list[Activity]:
    """Approved activities still to start, soonest first (public)."""
    rows = Activity.objects.filter(
        union=union, status=ActivityStatus.APPROVED, starts_at__gte=now
    )
    if club is not None:
        rows = rows.filter(club=club)
    return list(
        rows.select_related("club")
        .only(*PUBLIC_FIELDS)
        .order_by("starts_at", "pk")[:UPCOMING_LIMIT]
    )


def held(union: Organisation, club: Club | None = None) -> QuerySet[Activity]:
    """Held activities, the latest first (public; a page of them is read)."""
    rows = Activity.objects.filter(union=union, status=ActivityStatus.HELD)
    if club is not None:
        rows = rows.filter(club=club)
    return (
        rows.select_related("club").only(*PUBLIC_FIELDS).order_by("-starts_at", "-pk")
    )


def activities(union: Organisation, status: str = "") -> QuerySet[Activity]:
    """Every activity of the union (its managers and advisors), the latest first."""
    rows = Activity.objects.filter(union=union)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("club").order_by("-starts_at", "-pk")


def status_counts(union: Organisation) -> dict[str, int]:
    """How many activities are in each state (one query)."""
    counts = {
        r["status"]: r["n"]
        for r in Activity.objects.filter(union=union)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    }
    return {s: counts.get(s, 0) for s in ActivityStatus.values}


def activity_of(union: Organisation, pk: int) -> Activity | None:
    return (
        Activity.objects.filter(union=union, pk=pk)
        .select_related("club", "club__responsible", "created_by")
        .first()
    )


def reviews_of(activity: Activity) -> list[Review]:
    """The decisions on the activity, oldest first, with who took them."""
    return list(
        activity.reviews.select_related("decided_by", "decided_by__person").order_by(
            "decided_at", "pk"
        )
    )


def has_photo(activity: Activity) -> bool:
    from tongxue.clubs.models import Photo

    return Photo.objects.filter(activity=activity).exists()


def photo_of(activity: Activity) -> Any:
    from tongxue.clubs.models import Photo

    return Photo.objects.filter(activity=activity).first()
