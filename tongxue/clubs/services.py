"""Writes to a union's register of clubs and their activities (ORG-14 · GS-6, GS-14,
CQ-1, CQ-9): each checks permission and scope itself, runs in one transaction and
writes the audit log.

Who does what (``tongxue.core.permissions``, roles cover their organisation's subtree):

* register and change a club, create, edit, submit, record held and cancel an
  activity: the union's administrators (``manage``) — the union keeps the register with
  the League (配合团组织) and registers the clubs' activities;
* decide on a submitted activity (approve, return with reasons, reject with reasons):
  the League advisor of the union or of its school (``guide``). Tongxue's reading of
  "under the League's guidance" (协助团组织……把好政治关): the union's submission is its
  check and recommendation, the advisor's decision is the review. Who decided, when,
  under which role and why is kept (:class:`~tongxue.clubs.models.Review`).

Guards: a suspended or dissolved club registers no activity; an activity is submitted
and approved before it begins (a review after the start is refused, the audit's
``ORG-14.unreviewed-activity`` finds what came around it); only an approved activity is
recorded as held, and only once it has begun. The audit data never carries a student
number, an activity's content or reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.clubs import notifying
from tongxue.clubs.models import (
    Activity,
    ActivityStatus,
    Club,
    ClubCategory,
    ClubStatus,
    Photo,
    Review,
)
from tongxue.clubs.selectors import registry_clubs
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.core.uploads import clean_image, read_upload, upload_name
from tongxue.domain import clubs as dc
from tongxue.organisations.models import Organisation, OrgKind, Person

#: The organisations that keep a register of clubs.
UNION_KINDS = (
    OrgKind.SCHOOL_UNION,
    OrgKind.GRADUATE_UNION,
    OrgKind.DEPARTMENT_UNION,
)
MANAGERS = (Perm.MANAGE,)
DECIDERS = (Perm.GUIDE,)
#: Who reads the register's drafts, submissions and reasons.
READERS = (Perm.MANAGE, Perm.GUIDE, Perm.VIEW_PRIVATE)
MAX_TEXT = 2000
PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_SIDE = 1600


# ----------------------------------------------------------------------------- helpers


def role_of(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
    """The role under which ``actor`` holds one of ``perms`` at ``org`` ("" if none)."""
    if actor is None:
        return "system"
    if not getattr(actor, "is_authenticated", False):
        return ""
    if getattr(actor, "is_superuser", False):
        return "operator"
    wanted = set(perms)
    for r in roles_at(actor, org.path):
        if GRANTS.get(r, frozenset()) & wanted:
            return r
    return ""


def _require(actor: Actor, org: Organisation, perms: tuple[Perm, ...]) -> str:
    role = role_of(actor, org, perms)
    if not role:
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=org.name,
        )
    return role


def _require_union(org: Organisation) -> None:
    if org.kind not in UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop("{target} does not keep a register of clubs."),
            target=org.name,
        )


def _clean(field: str, value: Any, *, limit: int, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > limit:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field=field,
            limit=limit,
        )
    return value


def _record(
    actor: Actor, action: str, union: Organisation, role: str, target: str, **data: Any
) -> None:
    auditlog.record(
        actor=actor,
        action=f"clubs.{action}",
        organisation=union.code,
        target=target,
        role=role,
        data=data,
    )


def _responsible(number: str) -> Person | None:
    """The student with this student number (or registry identifier); None if blank."""
    number = (number or "").strip()
    if not number:
        return None
    person = (
        Person.objects.filter(student_number=number).order_by("pk").first()
        or Person.objects.filter(ident=number).first()
    )
    if person is None:
        raise refuse(
            "unknown",
            gettext_noop("No student has the number {number}."),
            field="responsible",
            number=number,
        )
    return person


def _registry_club(
    union: Organisation, code: str, exclude: int | None = None
) -> Organisation | None:
    """The registry's club of this code that the union's register may link to (None
    if blank): a club under the union (or its school's club federation), not linked
    to another club on a register."""
    code = (code or "").strip()
    if not code:
        return None
    org = registry_clubs(union).filter(code=code).first()
    if org is None:
        raise refuse(
            "invalid",
            gettext_noop("Choose a club of the registry under {union}."),
            field="organisation",
            union=union.name,
        )
    taken = Club.objects.filter(organisation=org)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    other = taken.first()
    if other is not None:
        raise refuse(
            "duplicate",
            gettext_noop("{target} of the registry is linked to {club} already."),
            field="organisation",
            target=org.name,
            club=other.name,
        )
    return org


# ----------------------------------------------------------------------------- clubs


def _club_fields(
    *,
    name: str,
    category: str,
    guiding_unit: str,
    advisor: str,
    description: str = "",
) -> dict[str, Any]:
    if category not in ClubCategory.values:
        raise refuse("required", gettext_noop("Choose the category."), field="category")
    return {
        "name": _clean("name", name, limit=100),
        "category": category,
        "guiding_unit": _clean("guiding_unit", guiding_unit, limit=120),
        "advisor": _clean("advisor", advisor, limit=60),
        "description": _clean("description", description, limit=300, required=False),
    }


def _unique_name(union: Organisation, name: str, exclude: int | None = None) -> None:
    clash = Club.objects.filter(union=union, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise refuse(
            "duplicate",
            gettext_noop("A club of this name is on the register already."),
            field="name",
        )


@transaction.atomic
def register_club(
    *,
    actor: Actor,
    union: Organisation,
    name: str,
    category: str,
    guiding_unit: str,
    advisor: str,
    responsible: str = "",
    description: str = "",
    registered_on: dt.date | None = None,
    organisation: str = "",
) -> Club:
    """Put a club on the union's register (active). ``responsible``: the responsible
    student's student number; ``organisation``: the code of the same club in the
    registry, when it is there. Refused: not an administrator of the union; not a
    union; a missing field; a name on the register already; an unknown student number;
    a registry organisation that is not a club under the union (or its school's club
    federation), or is linked to another club already."""
    role = _require(actor, union, MANAGERS)
    _require_union(union)
    fields = _club_fields(
        name=name,
        category=category,
        guiding_unit=guiding_unit,
        advisor=advisor,
        description=description,
    )
    _unique_name(union, fields["name"])
    club = Club.objects.create(
        union=union,
        organisation=_registry_club(union, organisation),
        responsible=_responsible(responsible),
        registered_on=registered_on or timezone.localdate(),
        **fields,
    )
    _record(
        actor,
        "club_register",
        union,
        role,
        f"{union.code} {club.reference}",
        club=club.pk,
        category=club.category,
        organisation=club.organisation.code if club.organisation else None,
    )
    return club


@transaction.atomic
def update_club(
    *,
    actor: Actor,
    club: Club,
    name: str,
    category: str,
    guiding_unit: str,
    advisor: str,
    status: str,
    responsible: str = "",
    description: str = "",
    organisation: str = "",
) -> Club:
    """Change a club's entry on the register, its status and its registry club
    included (active, suspended, dissolved; a blank ``organisation`` unlinks it).
    Refused as :func:`register_club`, and an unknown status."""
    union = club.union
    role = _require(actor, union, MANAGERS)
    fields = _club_fields(
        name=name,
        category=category,
        guiding_unit=guiding_unit,
        advisor=advisor,
        description=description,
    )
    if status not in ClubStatus.values:
        raise refuse("required", gettext_noop("Choose the status."), field="status")
    _unique_name(union, fields["name"], exclude=club.pk)
    linked = _registry_club(union, organisation, exclude=club.pk)
    locked = Club.objects.select_for_update().get(pk=club.pk)
    before = locked.status
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.status = status
    locked.organisation = linked
    locked.responsible = _responsible(responsible)
    locked.save()
    _record(
        actor,
        "club_update",
        union,
        role,
        f"{union.code} {locked.reference}",
        club=locked.pk,
        status_before=before,
        status=status,
        organisation=linked.code if linked else None,
    )
    return locked


# ----------------------------------------------------------------------------- activities


def _activity_fields(
    *,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    organiser: str,
    expected_participants: Any,
    content: str,
    speakers: str = "",
    sponsors: str = "",
) -> dict[str, Any]:
    if starts_at is None:
        raise refuse(
            "required", gettext_noop("This field is required."), field="starts_at"
        )
    if ends_at is not None and ends_at < starts_at:
        raise refuse(
            "invalid",
            gettext_noop("The activity ends before it starts."),
            field="ends_at",
        )
    try:
        expected = int(expected_participants)
    except (TypeError, ValueError):
        expected = -1
    if expected < 1 or expected > 100_000:
        raise refuse(
            "invalid",
            gettext_noop("Give the number of participants expected."),
            field="expected_participants",
        )
    return {
        "title": _clean("title", title, limit=120),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": _clean("place", place, limit=120),
        "organiser": _clean("organiser", organiser, limit=80),
        "expected_participants": expected,
        "content": _clean("content", content, limit=MAX_TEXT),
        "speakers": _clean("speakers", speakers, limit=MAX_TEXT, required=False),
        "sponsors": _clean("sponsors", sponsors, limit=MAX_TEXT, required=False),
    }


def _require_active(club: Club) -> None:
    if not dc.may_submit(club.status):
        raise refuse(
            "club-inactive",
            gettext_noop(
                "{target} is suspended or dissolved: it registers no activity."
            ),
            target=club.name,
        )


@transaction.atomic
def create_activity(*, actor: Actor, club: Club, **fields: Any) -> Activity:
    """A draft of the club's activity (title, start and end, place, organiser, expected
    participants, content, outside speakers and sponsors). Refused: not an
    administrator of the club's union; the club is not active; a missing field."""
    union = club.union
    role = _require(actor, union, MANAGERS)
    _require_active(club)
    activity = Activity.objects.create(
        club=club,
        union=union,
        created_by=actor,
        **_activity_fields(**fields),
    )
    _record(
        actor,
        "activity_create",
        union,
        role,
        f"{union.code} {activity.reference}",
        activity=activity.pk,
        club=club.pk,
    )
    return activity


@transaction.atomic
def update_activity(*, actor: Actor, activity: Activity, **fields: Any) -> Activity:
    """Change a draft or a returned activity (before it is resubmitted)."""
    union = activity.union
    role = _require(actor, union, MANAGERS)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in dc.EDITABLE:
        raise refuse(
            "immutable",
            gettext_noop(
                "Only a draft or a returned activity is changed; cancel it and register a new one."
            ),
        )
    for key, value in _activity_fields(**fields).items():
        setattr(locked, key, value)
    locked.save()
    _record(
        actor,
        "activity_update",
        union,
        role,
        f"{union.code} {locked.reference}",
        activity=locked.pk,
    )
    return locked


def _not_begun(activity: Activity, code: str, text: str) -> None:
    if activity.starts_at <= timezone.now():
        raise refuse(code, text)


@transaction.atomic
def submit(*, actor: Actor, activity: Activity) -> Activity:
    """Submit a draft, or resubmit a returned activity, for the League advisor's review.
    Refused: not an administrator of the union; the club is not active; the activity
    has begun (it is reviewed before it is held)."""
    union = activity.union
    role = _require(actor, union, MANAGERS)
    _require_active(Club.objects.get(pk=activity.club_id))
    _not_begun(
        activity,
        "too-late",
        gettext_noop(
            "The activity has begun: it is submitted for review before it starts."
        ),
    )
    resubmitted = activity.status == ActivityStatus.RETURNED
    moved = transition(
        activity,
        dc.ACTIVITY,
        ActivityStatus.SUBMITTED,
        actor=actor,
        action="clubs.activity_submit",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {activity.reference}",
        changes={"submitted_at": timezone.now()},
        data={"activity": activity.pk, "resubmitted": resubmitted},
    )
    notifying.submitted(moved)
    return moved


@transaction.atomic
def decide(
    *, actor: Actor, activity: Activity, decision: str, reasons: str = ""
) -> Review:
    """The League advisor's decision on a submitted activity: ``approved``,
    ``returned`` (with reasons: the union corrects and resubmits) or ``rejected`` (with
    reasons, final). Refused: not a League advisor of the union or its school; no
    reasons for a return or a rejection; approving an activity that has begun."""
    union = activity.union
    role = _require(actor, union, DECIDERS)
    refusal = dc.decision_refusal(decision, reasons or "")
    if refusal is not None:
        raise refusal
    if decision == ActivityStatus.APPROVED:
        _not_begun(
            activity,
            "too-late",
            gettext_noop(
                "The activity has begun: it can no longer be approved, only returned or rejected."
            ),
        )
    now = timezone.now()
    text = (reasons or "").strip()
    changes: dict[str, Any] = {"decided_by": actor, "decided_at": now}
    if decision == ActivityStatus.APPROVED:
        changes["approved_at"] = now
    moved = transition(
        activity,
        dc.ACTIVITY,
        decision,
        actor=actor,
        action=f"clubs.activity_{decision}",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {activity.reference}",
        changes=changes,
        data={"activity": activity.pk, "reasons_given": bool(text)},
    )
    review = Review.objects.create(
        activity=moved,
        decision=decision,
        reasons=text,
        decided_by=actor,
        decided_as=role,
        decided_at=now,
    )
    notifying.decided(moved, review)
    return review


def _clean_photo(upload: Any) -> Any:
    name = upload_name(upload, "photo")
    data = read_upload(
        upload,
        PHOTO_BYTES,
        lambda: refuse(
            "photo-too-large",
            gettext_noop("The photo “{name}” is larger than {limit} MB."),
            field="photo",
            name=name,
            limit=PHOTO_BYTES // (1024 * 1024),
        ),
    )
    image = clean_image(data, max_side=PHOTO_SIDE, quality=80)
    if image is None:
        raise refuse(
            "photo-type",
            gettext_noop("“{name}” is not a JPEG, PNG or WebP picture."),
            field="photo",
            name=name,
        )
    return image


@transaction.atomic
def record_held(
    *,
    actor: Actor,
    activity: Activity,
    participants: Any,
    record: str,
    photo: Any = None,
) -> Activity:
    """Record that an approved activity was held: how many took part, a short record of
    what happened, a photo (optional). Refused: not an administrator of the union; not
    approved; not begun yet; no number of participants or no record."""
    union = activity.union
    role = _require(actor, union, MANAGERS)
    image = _clean_photo(photo) if photo is not None else None
    if activity.starts_at > timezone.now():
        raise refuse(
            "too-early",
            gettext_noop("The activity has not begun yet."),
        )
    try:
        count = int(participants)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or count > 100_000:
        raise refuse(
            "invalid",
            gettext_noop("Give the number of participants."),
            field="participants",
        )
    text = _clean("record", record, limit=MAX_TEXT)
    moved = transition(
        activity,
        dc.ACTIVITY,
        ActivityStatus.HELD,
        actor=actor,
        action="clubs.activity_held",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {activity.reference}",
        changes={"participants": count, "record": text, "closed_at": timezone.now()},
        data={"activity": activity.pk, "participants": count, "photo": bool(image)},
    )
    if image is not None:
        Photo.objects.create(
            activity=moved, image=image.data, content_type=image.content_type
        )
    return moved


@transaction.atomic
def cancel(*, actor: Actor, activity: Activity, reason: str) -> Activity:
    """Cancel a draft, a returned or an approved activity, with a short reason."""
    union = activity.union
    role = _require(actor, union, MANAGERS)
    text = _clean("reason", reason, limit=300)
    return transition(
        activity,
        dc.ACTIVITY,
        ActivityStatus.CANCELLED,
        actor=actor,
        action="clubs.activity_cancel",
        organisation=union.code,
        role=role,
        subject=f"{union.code} {activity.reference}",
        changes={"cancel_reason": text, "closed_at": timezone.now()},
        data={"activity": activity.pk},
    )
