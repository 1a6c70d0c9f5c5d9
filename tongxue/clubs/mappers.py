"""What the audit reads of the unions' clubs (ORG-14): references, states and dates.

Two queries whatever the size of the subtree: the clubs on the registers; the
activities that count (approved or held). Never a student's name or number, an
activity's content or a decision's reasons.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``ClubsConfig.ready()``.
"""

from __future__ import annotations

from django.utils import timezone

from tongxue.clubs.models import Activity, Club
from tongxue.domain.clubs import COUNTED, ActivityStatus
from tongxue.domain.model.clubs import ClubActivity, Clubs, RegisteredClub
from tongxue.organisations.mappers import Part, Scope

#: The activities the rule reads: approved (counted) or held.
_COUNTED = sorted({*COUNTED, ActivityStatus.HELD})


def registry_part(scope: Scope) -> Part:
    """The club records of the subtree (two queries)."""
    return Part(fields={"clubs": clubs(scope)})


def clubs(scope: Scope) -> Clubs:
    registered = tuple(
        RegisteredClub(code, f"C{pk}", name, day, status)
        for pk, code, name, day, status in scope.rows(
            lambda s: (
                Club.objects.filter(s.under("union__"))
                .order_by("union__code", "pk")
                .values_list("pk", "union__code", "name", "registered_on", "status")
            )
        )
    )
    activities = tuple(
        ClubActivity(
            code,
            f"C{club}",
            f"A{pk}",
            timezone.localtime(starts),
            status,
            timezone.localtime(approved) if approved is not None else None,
        )
        for pk, code, club, starts, status, approved in scope.rows(
            lambda s: (
                Activity.objects.filter(s.under("union__"), status__in=_COUNTED)
                .order_by("union__code", "starts_at", "pk")
                .values_list(
                    "pk", "union__code", "club_id", "starts_at", "status", "approved_at"
                )
            )
        )
    )
    return Clubs(clubs=registered, activities=activities)
