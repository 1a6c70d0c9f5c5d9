"""A union's register of clubs and their activities as JSON (ORG-14 · GS-6, GS-14,
CQ-1, CQ-9): what the pages show, and their writes through the same services.

Reads are as public as the pages: the register of active clubs (with the same club in
the registry of organisations, when linked), a club (its responsible student by name
only), the approved activities to come and the held ones, an approved or held activity.
A draft, a submitted, returned, rejected or cancelled activity and every review's
reasons are read only by the union's administrators and cadres, the League advisors
and the club's responsible student; anyone else gets 404, as on the page. No student
number is ever in an answer.

Writes (signed in, CSRF token in ``X-CSRFToken``) call :mod:`tongxue.clubs.services`
with its checks and refusals: register and change a club, register an activity (a
draft), submit it, record it held (the union's administrators); decide on it (the
League advisor of the union or its school). Photos are the pages'.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status
from ninja.security import django_auth

from tongxue.api.projects import RefusalOut
from tongxue.clubs import selectors, services
from tongxue.clubs.models import Activity, ActivityStatus, Club
from tongxue.core.errors import refuse
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation

router = Router(tags=["clubs"])

PAGE_SIZE = 20
REGISTER_PAGE_SIZE = 40


class ClubRegistryOut(Schema):
    code: str
    name: str
    url: str


class ClubOut(Schema):
    id: int
    name: str
    category: str
    category_label: str
    description: str
    guiding_unit: str
    advisor: str
    #: The responsible student's name (never their number).
    responsible: str | None
    status: str
    registered_on: date
    #: The same club in the registry of organisations, when linked.
    registry: ClubRegistryOut | None
    url: str


class RegisterOut(Schema):
    union: str
    page: int
    pages: int
    count: int
    clubs: list[ClubOut]


class ClubRefOut(Schema):
    id: int
    name: str


class ActivityRowOut(Schema):
    id: int
    title: str
    club: ClubRefOut
    starts_at: datetime
    ends_at: datetime | None
    place: str
    status: str
    expected_participants: int
    participants: int | None
    url: str


class ActivitiesOut(Schema):
    union: str
    club: int | None
    #: Approved activities still to start, the soonest first (at most 30).
    upcoming: list[ActivityRowOut]
    page: int
    pages: int
    count: int
    #: Held activities, the latest first, 20 a page.
    held: list[ActivityRowOut]


class ReviewOut(Schema):
    decision: str
    decided_at: datetime
    by: str
    reasons: str


class ActivityOut(Schema):
    id: int
    title: str
    club: ClubRefOut
    status: str
    status_label: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    organiser: str
    expected_participants: int
    content: str
    speakers: str
    sponsors: str
    approved_at: datetime | None
    participants: int | None
    record: str
    photo: str | None
    #: Only for those who read the activity before it is public.
    cancel_reason: str | None = None
    reviews: list[ReviewOut] | None = None
    url: str


class ClubIn(Schema):
    name: str
    category: str
    guiding_unit: str
    advisor: str
    description: str = ""
    #: The responsible student's student number.
    responsible: str = ""
    #: The code of the same club in the registry (a club under the union, or in the
    #: club federation of its school), when it is there.
    organisation: str = ""


class ClubUpdateIn(ClubIn):
    status: str


class ActivityIn(Schema):
    club: int
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    place: str
    organiser: str
    expected_participants: int
    content: str
    speakers: str = ""
    sponsors: str = ""


class DecisionIn(Schema):
    #: approved, returned or rejected
    decision: str
    reasons: str = ""


class HeldIn(Schema):
    participants: int
    record: str


ERRORS = {400: RefusalOut, 403: RefusalOut}


# ----------------------------------------------------------------------------- helpers


def _union(code: str) -> Organisation:
    union = get_or_404(code)
    if union.kind not in services.UNION_KINDS:
        raise Http404(code)
    return union


def _reader(request: HttpRequest, union: Organisation) -> bool:
    """Reads every activity and the reviews (administrators, cadres, advisors)."""
    return bool(services.role_of(request.user, union, services.READERS))


def _responsible_for(request: HttpRequest, club: Club) -> bool:
    person = club.responsible
    return (
        person is not None
        and person.user_id is not None
        and person.user_id == getattr(request.user, "pk", None)
    )


def _club_out(union: Organisation, c: Club) -> ClubOut:
    org = c.organisation
    return ClubOut(
        id=c.pk,
        name=c.name,
        category=c.category,
        category_label=str(c.get_category_display()),  # type: ignore[attr-defined]
        description=c.description,
        guiding_unit=c.guiding_unit,
        advisor=c.advisor,
        responsible=c.responsible.name if c.responsible else None,
        status=c.status,
        registered_on=c.registered_on,
        registry=ClubRegistryOut(
            code=org.code,
            name=org.name,
            url=reverse("organisations:detail", args=[org.code]),
        )
        if org is not None
        else None,
        url=reverse("clubs:club", args=[union.code, c.pk]),
    )


def _row(union: Organisation, a: Activity) -> ActivityRowOut:
    return ActivityRowOut(
        id=a.pk,
        title=a.title,
        club=ClubRefOut(id=a.club.pk, name=a.club.name),
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        place=a.place,
        status=a.status,
        expected_participants=a.expected_participants,
        participants=a.participants,
        url=reverse("clubs:activity", args=[union.code, a.pk]),
    )


def _activity_or_404(union: Organisation, pk: int) -> Activity:
    item = selectors.activity_of(union, pk)
    if item is None:
        raise Http404("activity")
    return item


def _activity_out(
    request: HttpRequest, union: Organisation, a: Activity
) -> ActivityOut:
    private = _reader(request, union) or _responsible_for(request, a.club)
    held = a.status == ActivityStatus.HELD
    photo = None
    if held and selectors.has_photo(a):
        photo = reverse("clubs:photo", args=[union.code, a.pk])
    reviews = None
    if private:
        reviews = [
            ReviewOut(
                decision=r.decision,
                decided_at=r.decided_at,
                by=_name(r.decided_by),
                reasons=r.reasons,
            )
            for r in selectors.reviews_of(a)
        ]
    return ActivityOut(
        id=a.pk,
        title=a.title,
        club=ClubRefOut(id=a.club.pk, name=a.club.name),
        status=a.status,
        status_label=str(ActivityStatus(a.status).label),
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        place=a.place,
        organiser=a.organiser,
        expected_participants=a.expected_participants,
        content=a.content,
        speakers=a.speakers,
        sponsors=a.sponsors,
        approved_at=a.approved_at,
        participants=a.participants if held else None,
        record=a.record if held else "",
        photo=photo,
        cancel_reason=a.cancel_reason if private else None,
        reviews=reviews,
        url=reverse("clubs:activity", args=[union.code, a.pk]),
    )


def _name(user: Any) -> str:
    person = getattr(user, "person", None) if user is not None else None
    if person is not None:
        return str(person.name)
    return str(user.get_username()) if user is not None else ""


def _aware(value: datetime | None) -> datetime | None:
    """A time without an offset is the site's local time (as the pages read it)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ----------------------------------------------------------------------------- reads


@router.get("/{code}/register", response=RegisterOut)
def register(request: HttpRequest, code: str, page: int = 1) -> RegisterOut:
    """The register of the union's active clubs, by name, 40 a page (public)."""
    union = _union(code)
    paginator = Paginator(selectors.clubs_of(union), REGISTER_PAGE_SIZE)
    current = paginator.get_page(page)
    return RegisterOut(
        union=union.code,
        page=current.number,
        pages=paginator.num_pages,
        count=paginator.count,
        clubs=[_club_out(union, c) for c in current.object_list],
    )


@router.get("/{code}/clubs/{int:pk}", response=ClubOut)
def club(request: HttpRequest, code: str, pk: int) -> ClubOut:
    """A club of the register (public, as its page)."""
    union = _union(code)
    item = selectors.club_of(union, pk)
    if item is None:
        raise Http404("club")
    return _club_out(union, item)


@router.get("/{code}/activities", response=ActivitiesOut)
def activities(
    request: HttpRequest, code: str, page: int = 1, club: int | None = None
) -> ActivitiesOut:
    """The approved activities to come (the 30 soonest) and the held ones (20 a page),
    of the union or of one of its clubs (public)."""
    union = _union(code)
    item = None
    if club is not None:
        item = selectors.club_of(union, club)
        if item is None:
            raise Http404("club")
    paginator = Paginator(selectors.held(union, item), PAGE_SIZE)
    current = paginator.get_page(page)
    return ActivitiesOut(
        union=union.code,
        club=item.pk if item else None,
        upcoming=[
            _row(union, a) for a in selectors.upcoming(union, timezone.now(), item)
        ],
        page=current.number,
        pages=paginator.num_pages,
        count=paginator.count,
        held=[_row(union, a) for a in current.object_list],
    )


@router.get("/{code}/activities/{int:pk}", response=ActivityOut)
def activity(request: HttpRequest, code: str, pk: int) -> ActivityOut:
    """An activity: public once approved; before, and its reviews, for the union's
    officers, the League advisors and the club's responsible student (404 else)."""
    union = _union(code)
    item = _activity_or_404(union, pk)
    if not (
        item.is_public
        or _reader(request, union)
        or _responsible_for(request, item.club)
    ):
        raise Http404("activity")
    return _activity_out(request, union, item)


# ----------------------------------------------------------------------------- writes


def _club_fields(payload: ClubIn) -> dict[str, Any]:
    return {
        "name": payload.name,
        "category": payload.category,
        "guiding_unit": payload.guiding_unit,
        "advisor": payload.advisor,
        "description": payload.description,
        "responsible": payload.responsible,
        "organisation": payload.organisation,
    }


@router.post("/{code}/clubs", auth=django_auth, response={201: ClubOut, **ERRORS})
def register_club(request: HttpRequest, code: str, payload: ClubIn) -> Any:
    """Put a club on the register (the union's administrators;
    ``services.register_club``)."""
    union = _union(code)
    made = services.register_club(
        actor=request.user, union=union, **_club_fields(payload)
    )
    item = selectors.club_of(union, made.pk)
    assert item is not None
    return Status(201, _club_out(union, item))


@router.put(
    "/{code}/clubs/{int:pk}", auth=django_auth, response={200: ClubOut, **ERRORS}
)
def update_club(request: HttpRequest, code: str, pk: int, payload: ClubUpdateIn) -> Any:
    """Change a club's entry, its status and its registry club included (the union's
    administrators; ``services.update_club``)."""
    union = _union(code)
    item = selectors.club_of(union, pk)
    if item is None:
        raise Http404("club")
    services.update_club(
        actor=request.user, club=item, status=payload.status, **_club_fields(payload)
    )
    fresh = selectors.club_of(union, pk)
    assert fresh is not None
    return _club_out(union, fresh)


@router.post(
    "/{code}/activities", auth=django_auth, response={201: ActivityOut, **ERRORS}
)
def create_activity(request: HttpRequest, code: str, payload: ActivityIn) -> Any:
    """Register a club's activity as a draft (the union's administrators;
    ``services.create_activity``)."""
    union = _union(code)
    item = selectors.club_of(union, payload.club)
    if item is None:
        raise refuse(
            "invalid",
            gettext_noop("Choose a club of the union's register."),
            field="club",
        )
    made = services.create_activity(
        actor=request.user,
        club=item,
        title=payload.title,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        place=payload.place,
        organiser=payload.organiser,
        expected_participants=payload.expected_participants,
        content=payload.content,
        speakers=payload.speakers,
        sponsors=payload.sponsors,
    )
    return Status(201, _activity_out(request, union, _activity_or_404(union, made.pk)))


@router.post(
    "/{code}/activities/{int:pk}/submit",
    auth=django_auth,
    response={200: ActivityOut, **ERRORS},
)
def submit(request: HttpRequest, code: str, pk: int) -> Any:
    """Submit a draft (or resubmit a returned activity) for the League advisor's
    review (the union's administrators; ``services.submit``)."""
    union = _union(code)
    services.submit(actor=request.user, activity=_activity_or_404(union, pk))
    return _activity_out(request, union, _activity_or_404(union, pk))


@router.post(
    "/{code}/activities/{int:pk}/decision",
    auth=django_auth,
    response={200: ActivityOut, **ERRORS},
)
def decide(request: HttpRequest, code: str, pk: int, payload: DecisionIn) -> Any:
    """Approve, return (with reasons) or reject (with reasons) a submitted activity
    (the League advisor of the union or its school; ``services.decide``)."""
    union = _union(code)
    services.decide(
        actor=request.user,
        activity=_activity_or_404(union, pk),
        decision=payload.decision,
        reasons=payload.reasons,
    )
    return _activity_out(request, union, _activity_or_404(union, pk))


@router.post(
    "/{code}/activities/{int:pk}/held",
    auth=django_auth,
    response={200: ActivityOut, **ERRORS},
)
def held(request: HttpRequest, code: str, pk: int, payload: HeldIn) -> Any:
    """Record that an approved activity that has begun was held: how many took part
    and what happened (the union's administrators; ``services.record_held``; the
    photo is the page's)."""
    union = _union(code)
    services.record_held(
        actor=request.user,
        activity=_activity_or_404(union, pk),
        participants=payload.participants,
        record=payload.record,
    )
    return _activity_out(request, union, _activity_or_404(union, pk))
