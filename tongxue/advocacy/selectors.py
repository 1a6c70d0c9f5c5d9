"""Read the union's advocacy records in a bounded number of queries (RGT-2, RGT-3, RGT-4).

What is public: the active entries of a legal-aid directory (never their internal
note), the meetings scheduled and held with their places left, the minutes and points
of a meeting whose minutes are published, the committees and the meetings attended
marked public. What is not: sign-ups (a student sees their own; the organisers every
one), referrals (to the handlers of each concern, :mod:`tongxue.voice.access`),
written requests, internal notes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from tongxue.advocacy.models import (
    Committee,
    Dialogue,
    DialogueStatus,
    LegalAidContact,
    Participation,
    Point,
    Referral,
    SignUp,
    WrittenRequest,
)
from tongxue.cadres.selectors import served_path
from tongxue.organisations.models import Organisation, OrgKind, Person
from tongxue.voice import access
from tongxue.voice.models import Concern, ConcernStatus

SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
FEDERATIONS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)


# -- legal aid ---------------------------------------------------------------------------


def directory(
    union: Organisation, *, everything: bool = False
) -> QuerySet[LegalAidContact]:
    """The union's legal-aid directory: its active entries (``everything``: retired
    ones too, for its editors), one query."""
    qs = LegalAidContact.objects.filter(union=union)
    if not everything:
        qs = qs.filter(active=True)
    return qs.order_by("-active", "kind", "name")


def referrals_seen_by(user: Any, union: Organisation) -> QuerySet[Referral]:
    """The union's referrals of the concerns ``user`` sees as a handler, newest first
    (one query: a sensitive concern's referral only for its named handlers)."""
    return (
        Referral.objects.filter(union=union)
        .filter(concern__in=_handled(user))
        .select_related("concern", "contact", "referred_by")
        .order_by("-referred_at", "-pk")
    )


def _handled(user: Any) -> QuerySet[Concern]:
    return Concern.objects.filter(access.visible_to_handler_q(user)).values("pk")


# -- face-to-face meetings -----------------------------------------------------------------


def closes_at(dialogue: Dialogue) -> dt.datetime:
    """When sign-up closes: the time set, else the meeting's start."""
    return dialogue.signup_closes or dialogue.starts


def open_for_signup(dialogue: Dialogue, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return dialogue.status == DialogueStatus.PLANNED and now < closes_at(dialogue)


def students_path(organiser: Organisation) -> str:
    """The path prefix of the students a meeting is for: a school-level union's whole
    school, a federation's area."""
    if organiser.kind in SCHOOL_LEVEL:
        return served_path(organiser)
    return organiser.path


def may_sign_up(user: Any, organiser: Organisation) -> bool:
    """Whether the signed-in user is a student the organisation serves (two queries)."""
    if not getattr(user, "is_authenticated", False):
        return False
    row = (
        Person.objects.filter(user_id=user.pk)
        .values_list("class_unit__path", "department__path")
        .first()
    )
    if row is None:
        return False
    path = row[0] or row[1]
    return bool(path) and path.startswith(students_path(organiser))


def dialogues(organiser: Organisation, *, upcoming: bool) -> QuerySet[Dialogue]:
    """The organisation's meetings still to come (soonest first) or past (newest
    first), each with the number of students signed up (one query)."""
    now = timezone.now()
    qs = Dialogue.objects.filter(organiser=organiser).annotate(taken=Count("signups"))
    if upcoming:
        return qs.filter(starts__gte=now, status=DialogueStatus.PLANNED).order_by(
            "starts", "pk"
        )
    return qs.exclude(starts__gte=now, status=DialogueStatus.PLANNED).order_by(
        "-starts", "-pk"
    )


def dialogue_or_none(organiser: Organisation, pk: int) -> Dialogue | None:
    return (
        Dialogue.objects.filter(organiser=organiser, pk=pk)
        .select_related("organiser")
        .annotate(taken=Count("signups"))
        .first()
    )


def dialogue_page(
    dialogue: Dialogue, user: Any, *, organiser_view: bool
) -> dict[str, Any]:
    """What a meeting's page shows ``user`` (at most three queries): the user's own
    sign-up; for the organisers every sign-up and every point; for everyone the points
    once the minutes are published."""
    mine = None
    if getattr(user, "is_authenticated", False):
        mine = SignUp.objects.filter(dialogue=dialogue, user_id=user.pk).first()
    signups: list[SignUp] = []
    if organiser_view:
        signups = list(
            SignUp.objects.filter(dialogue=dialogue)
            .select_related("user__person")
            .order_by("at", "pk")
        )
    points: list[Point] = []
    if organiser_view or dialogue.minutes_public:
        points = list(
            Point.objects.filter(dialogue=dialogue)
            .select_related("concern__union")
            .order_by("recorded_at", "pk")
        )
    taken = getattr(dialogue, "taken", None)
    if taken is None:
        taken = SignUp.objects.filter(dialogue=dialogue).count()
    return {
        "mine": mine,
        "signups": signups,
        "points": points,
        "taken": taken,
        "left": max(dialogue.places - taken, 0),
        "open": open_for_signup(dialogue),
        "closes": closes_at(dialogue),
        "show_minutes": organiser_view or dialogue.minutes_public,
    }


#: The concerns a federation's point may join, at most (the newest first).
FEDERATION_CONCERNS_MAX = 200


def federation_concerns(federation: Organisation) -> list[Concern]:
    """The open concerns a federation handles now (handed up to it, RGT-5; not the
    ideas of its consultations, answered by their response), newest first, the
    :data:`FEDERATION_CONCERNS_MAX` first (one query): what a point of its meetings
    with deputies may join."""
    return list(
        Concern.objects.filter(
            handler=federation,
            consultation__isnull=True,
            status__in=(
                ConcernStatus.RECEIVED,
                ConcernStatus.IN_HAND,
                ConcernStatus.ANSWERED,
                ConcernStatus.REOPENED,
            ),
        )
        .select_related("union")
        .only("pk", "number", "raised_at", "public_title", "union__name")
        .order_by("-raised_at", "-pk")[:FEDERATION_CONCERNS_MAX]
    )


# -- participation and requests --------------------------------------------------------


def committees(union: Organisation) -> list[Committee]:
    """The union's committees, current first (no end, then the latest end), each with
    its meetings attended counted and its last one (one query)."""
    return list(
        Committee.objects.filter(union=union)
        .annotate(attended=Count("participations"), last=Max("participations__held"))
        .order_by(F("until").desc(nulls_first=True), "kind", "name")
    )


def participations(union: Organisation, *, everything: bool) -> QuerySet[Participation]:
    """The meetings of the union's committees it attended, newest first (one query;
    ``everything``: those not public too)."""
    qs = Participation.objects.filter(committee__union=union).select_related(
        "committee"
    )
    if not everything:
        qs = qs.filter(public=True)
    return qs.order_by("-held", "-pk")


def written_requests(union: Organisation) -> QuerySet[WrittenRequest]:
    return WrittenRequest.objects.filter(union=union).order_by("-sent_on", "-pk")
