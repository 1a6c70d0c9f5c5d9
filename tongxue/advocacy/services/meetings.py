"""Face-to-face meetings (RGT-3 · GS-10, CQ-5; GS-4).

A school-level union holds (or gets the school to hold) 校领导接待日 and 职能部门交流会; a
federation meets people's congress deputies, CPPCC members and government departments.
Its administrators and rights officers schedule a meeting (when, where, who attends,
how many places for students); signed-in students of the organisation sign up with the
topic they want to raise, up to the places offered (the meeting's row is locked while a
place is taken: two students never get the last one); the minutes are recorded
afterwards, and each point raised becomes a concern of the union (the channel: a
face-to-face meeting) or joins an existing one — at a federation's meeting a point is
noted in the minutes, joins a concern the federation handles or becomes a concern of
the raising student's school union handed up to the federation. The union's written
requests to the school to hold such meetings are
:mod:`tongxue.advocacy.services.participation`'s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.advocacy.models import (
    Dialogue,
    DialogueKind,
    DialogueStatus,
    Point,
    PointOutcome,
    SignUp,
)
from tongxue.advocacy.selectors import may_sign_up, open_for_signup
from tongxue.advocacy.services.shared import (
    FEDERATIONS,
    ORGANISERS,
    SCHOOL_LEVEL,
    clean,
    moment,
    record,
    require_kind,
    require_role,
)
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.lifecycle import transition
from tongxue.domain.lifecycle import FACE_MEETING
from tongxue.organisations.models import Organisation
from tongxue.voice import access
from tongxue.voice import selectors as voice_selectors
from tongxue.voice import services as voice
from tongxue.voice.models import Category, Channel, Concern, ConcernStatus, Visibility
from tongxue.voice.services import Raised
from tongxue.voice.services.consultations import idea_category

MAX_PLACES = 500
#: A concern a point may join: one still followed up.
JOINABLE = (
    ConcernStatus.RECEIVED,
    ConcernStatus.IN_HAND,
    ConcernStatus.ANSWERED,
    ConcernStatus.REOPENED,
)


def _check_when(starts: dt.datetime | None, signup_closes: dt.datetime | None) -> None:
    if starts is None:
        raise refuse(
            "required", gettext_noop("This field is required."), field="starts"
        )
    if signup_closes is not None and signup_closes > starts:
        raise refuse(
            "invalid",
            gettext_noop("Sign-up closes at the start of the meeting at the latest."),
            field="signup_closes",
        )


def _check_places(places: int | None) -> int:
    if places is None or not 1 <= places <= MAX_PLACES:
        raise refuse(
            "invalid",
            gettext_noop("Offer between 1 and {limit} places."),
            field="places",
            limit=MAX_PLACES,
        )
    return places


@transaction.atomic
def schedule(
    *,
    actor: Actor,
    organiser: Organisation,
    kind: str,
    title: str,
    starts: dt.datetime,
    place: str,
    attendees: str,
    places: int,
    signup_closes: dt.datetime | None = None,
    dialogue: Dialogue | None = None,
) -> Dialogue:
    """Schedule a face-to-face meeting (or change ``dialogue`` while it is planned).

    Refused: not an administrator or rights officer of the organiser; an organiser
    that is neither a school-level union nor a federation; an unknown kind; a missing
    title, place or "who attends"; places outside 1 … 500, or fewer than the students
    signed up already; sign-up closing after the start; a meeting held or cancelled.
    """
    role = require_role(actor, organiser, ORGANISERS)
    require_kind(organiser, (*SCHOOL_LEVEL, *FEDERATIONS))
    if kind not in DialogueKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    title = clean("title", title, limit=120)
    place = clean("place", place, limit=120)
    attendees = clean("attendees", attendees, limit=1000)
    _check_when(starts, signup_closes)
    places = _check_places(places)
    values = {
        "kind": kind,
        "title": title,
        "starts": starts,
        "place": place,
        "attendees": attendees,
        "places": places,
        "signup_closes": signup_closes,
    }
    if dialogue is None:
        dialogue = Dialogue.objects.create(organiser=organiser, **values)
        action = "meeting.schedule"
    else:
        if dialogue.organiser_id != organiser.pk:
            raise refuse(
                "invalid", gettext_noop("This meeting is another organisation's.")
            )
        dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
        if dialogue.status != DialogueStatus.PLANNED:
            raise refuse(
                "not-planned",
                gettext_noop("Only a planned meeting can be changed."),
            )
        taken = SignUp.objects.filter(dialogue=dialogue).count()
        if places < taken:
            raise refuse(
                "invalid",
                gettext_noop(
                    "{count} students have signed up already: offer at least as many places."
                ),
                field="places",
                count=taken,
            )
        for field, value in values.items():
            setattr(dialogue, field, value)
        dialogue.save()
        action = "meeting.change"
    record(
        actor,
        action,
        organiser,
        role,
        target=f"{organiser.code} {dialogue.pk}",
        meeting=dialogue.pk,
        kind=kind,
        starts=starts.isoformat(),
        places=places,
    )
    return dialogue


@transaction.atomic
def cancel(*, actor: Actor, dialogue: Dialogue) -> None:
    """Cancel a planned meeting (its sign-ups are kept, the page says it is cancelled).

    Along :data:`~tongxue.domain.lifecycle.FACE_MEETING`: a held or cancelled meeting
    is refused, naming both states."""
    organiser = dialogue.organiser
    role = require_role(actor, organiser, ORGANISERS)
    transition(
        dialogue,
        FACE_MEETING,
        DialogueStatus.CANCELLED,
        actor=actor,
        action="advocacy.meeting.cancel",
        organisation=organiser.code,
        role=role,
        subject=f"{organiser.code} {dialogue.pk}",
        data={"meeting": dialogue.pk},
    )


@transaction.atomic
def sign_up(
    *, actor: Actor, dialogue: Dialogue, topic: str, today: dt.date | None = None
) -> SignUp:
    """Take a place at a meeting with the topic one wants to raise; signed up already,
    the topic is changed. ``today``: the day one signs up (noon; now when omitted).

    Refused: signed out; not a student the organiser serves; a meeting not planned or
    whose sign-up closed; no topic or a topic over 300 characters; every place taken.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to sign up."))
    topic = clean("topic", topic, limit=300)
    if not may_sign_up(actor, dialogue.organiser):
        raise refuse(
            "forbidden",
            gettext_noop("This meeting is for the students {target} serves."),
            target=dialogue.organiser.name,
        )
    # The meeting's row is locked while the places are counted: the last place goes
    # to one student only, however many ask at once.
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    now = moment(today)
    if not open_for_signup(locked, now):
        raise refuse("closed", gettext_noop("Sign-up for this meeting is closed."))
    mine = SignUp.objects.filter(dialogue=locked, user_id=actor.pk).first()
    if mine is not None:
        mine.topic = topic
        mine.save(update_fields=["topic"])
        return mine
    taken = SignUp.objects.filter(dialogue=locked).count()
    if taken >= locked.places:
        raise refuse(
            "full",
            gettext_noop("All {places} places are taken."),
            places=locked.places,
        )
    signup = SignUp.objects.create(dialogue=locked, user_id=actor.pk, topic=topic)
    if today is not None:
        signup.at = now  # ``at`` is set on creation: the given day's time replaces it
        signup.save(update_fields=["at"])
    record(
        actor,
        "meeting.sign_up",
        dialogue.organiser,
        "student",
        target=f"{dialogue.organiser.code} {dialogue.pk}",
        meeting=dialogue.pk,
    )
    return signup


@transaction.atomic
def withdraw_signup(
    *, actor: Actor, dialogue: Dialogue, today: dt.date | None = None
) -> None:
    """Give one's place back, while sign-up is open (nothing when there was none)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to sign up."))
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    if not open_for_signup(locked, moment(today)):
        raise refuse("closed", gettext_noop("Sign-up for this meeting is closed."))
    deleted, _ = SignUp.objects.filter(dialogue=locked, user_id=actor.pk).delete()
    if deleted:
        record(
            actor,
            "meeting.withdraw_signup",
            dialogue.organiser,
            "student",
            target=f"{dialogue.organiser.code} {dialogue.pk}",
            meeting=dialogue.pk,
        )


@transaction.atomic
def record_minutes(
    *,
    actor: Actor,
    dialogue: Dialogue,
    minutes: str,
    public: bool = False,
    today: dt.date | None = None,
) -> None:
    """Record the minutes of a meeting that has started: it is then held (planned →
    held along :data:`~tongxue.domain.lifecycle.FACE_MEETING`); a held meeting's
    minutes are corrected.

    Refused: not an administrator or rights officer of the organiser; a cancelled
    meeting; one still to come (at noon of ``today`` when given, else now); no
    minutes.
    """
    organiser = dialogue.organiser
    role = require_role(actor, organiser, ORGANISERS)
    minutes = clean("minutes", minutes, limit=20000)
    now = moment(today)
    changes = {"minutes": minutes, "minutes_public": bool(public), "minutes_at": now}
    locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    if locked.status == DialogueStatus.HELD:
        for field, value in changes.items():
            setattr(dialogue, field, value)
        dialogue.status = locked.status
        dialogue.save(update_fields=list(changes))
        record(
            actor,
            "meeting.minutes_change",
            organiser,
            role,
            target=f"{organiser.code} {dialogue.pk}",
            meeting=dialogue.pk,
            public=bool(public),
        )
        return

    def started(d: Dialogue) -> Refusal | None:
        if d.starts > now:
            return refuse(
                "too-early",
                gettext_noop("The minutes are recorded once the meeting has started."),
            )
        return None

    transition(
        dialogue,
        FACE_MEETING,
        DialogueStatus.HELD,
        actor=actor,
        action="advocacy.meeting.minutes",
        organisation=organiser.code,
        role=role,
        subject=f"{organiser.code} {dialogue.pk}",
        data={"meeting": dialogue.pk, "public": bool(public)},
        changes=changes,
        check=started,
    )


@dataclass(frozen=True)
class PointAdded:
    point: Point
    #: The follow-up code of the new concern, shown once (a concern entered from a
    #: meeting has no author: the student follows it with the code).
    tracking_code: str | None = None


def _join(
    *,
    actor: Actor,
    dialogue: Dialogue,
    join: Concern,
    title: str,
    signup: SignUp | None,
    today: dt.date | None,
) -> None:
    """A point joins ``join``: an internal note naming the meeting and, when the point
    came from a signed-up student and the concern is public, their 我也遇到."""
    organiser = dialogue.organiser
    if organiser.kind in SCHOOL_LEVEL:
        in_scope = join.union_id == organiser.pk
    else:  # a federation: a concern of a school union in its area (one it handles)
        in_scope = join.union.path.startswith(organiser.path)
    if not in_scope or not access.can_handle(actor, join):
        raise refuse(
            "invalid",
            gettext_noop("Choose a concern of {target} that you handle."),
            field="join",
            target=organiser.name,
        )
    if join.status not in JOINABLE:
        raise refuse(
            "invalid",
            gettext_noop("Concern {target} is closed."),
            field="join",
            target=join.reference,
        )
    voice.add_note(
        actor=actor,
        concern=join,
        text=f"{dialogue.title} · {timezone.localdate(dialogue.starts):%Y-%m-%d}: {title}",
        today=today,
    )
    if signup is not None and access.is_public(join):
        # their own concern, or closed meanwhile: the note is enough
        with contextlib.suppress(Refusal):
            voice.support(actor=signup.user, concern=join)


def _federation_concern(
    *,
    actor: Actor,
    dialogue: Dialogue,
    title: str,
    body: str,
    signup: SignUp | None,
    visibility: str,
    today: dt.date | None,
) -> Raised:
    """A point of a federation's meeting becomes a concern: of the school union of
    the signed-up student who raised it (a concern is always a school union's: its
    number, its categories, its deadlines), in the category an idea takes there
    (其他), entered as from a meeting and handed up to the federation (RGT-5: a
    matter above the school, which it took up with the deputies)."""
    organiser = dialogue.organiser
    if signup is None:
        raise refuse(
            "required",
            gettext_noop(
                "Choose the student who raised it: the concern is their school union's."
            ),
            field="signup",
        )
    union = voice_selectors.school_union_of(signup.user)
    if union is None or not union.path.startswith(organiser.path):
        raise refuse(
            "invalid",
            gettext_noop("The student is not at a school of {target}."),
            field="signup",
            target=organiser.name,
        )
    category = idea_category(union)
    if category is None:
        raise refuse(
            "no-category",
            gettext_noop("{target} does not collect students' concerns."),
            field="signup",
            target=union.name,
        )
    raised = voice.record_offline(
        actor=actor,
        union=union,
        category=category,
        title=title,
        body=body or title,
        channel=Channel.MEETING,
        place=dialogue.place[:120],
        visibility=visibility,
        today=today,
    )
    voice.forward(
        actor=actor,
        concern=raised.concern,
        to=organiser,
        note=f"{dialogue.title} · {timezone.localdate(dialogue.starts):%Y-%m-%d}",
        today=today,
    )
    return raised


@transaction.atomic
def add_point(
    *,
    actor: Actor,
    dialogue: Dialogue,
    title: str,
    body: str = "",
    category: Category | None = None,
    join: Concern | None = None,
    signup: SignUp | None = None,
    reply: str = "",
    visibility: str = Visibility.PRIVATE,
    new_concern: bool = False,
    today: dt.date | None = None,
) -> PointAdded:
    """A point raised at a held meeting.

    At a school-level union's meeting it becomes a concern of the union
    (:func:`tongxue.voice.services.record_offline`, channel "meeting"; ``category``
    needed) or joins ``join``, an open concern of the union the actor handles: the
    concern gets an internal note naming the meeting and, when the point came from a
    signed-up student and the concern is public, the student's 我也遇到
    (:func:`tongxue.voice.services.support`).

    At a federation's meeting (deputies, CPPCC members, GS-4) it joins ``join``, an
    open concern of a school union in the federation's area the actor handles (those
    handed up to the federation, RGT-5), the same way; or with ``new_concern`` it
    becomes a concern of the signed-up student's school union handed to the
    federation (:func:`_federation_concern`); else it is noted in the minutes.
    ``today``: the day it is recorded (the concern's too).
    """
    organiser = dialogue.organiser
    role = require_role(actor, organiser, ORGANISERS)
    if dialogue.status != DialogueStatus.HELD:
        raise refuse(
            "not-held",
            gettext_noop(
                "Record the minutes first: points are added to a held meeting."
            ),
        )
    title = clean("title", title, limit=120)
    body = clean("body", body, required=False)
    reply = clean("reply", reply, required=False)
    if signup is not None and signup.dialogue_id != dialogue.pk:
        raise refuse(
            "invalid",
            gettext_noop("Choose a student signed up for this meeting."),
            field="signup",
        )
    code: str | None = None
    concern: Concern | None = None
    if join is not None:
        outcome = PointOutcome.JOINED
        concern = join
        _join(
            actor=actor,
            dialogue=dialogue,
            join=join,
            title=title,
            signup=signup,
            today=today,
        )
    elif organiser.kind not in SCHOOL_LEVEL:
        if new_concern:
            outcome = PointOutcome.NEW
            raised = _federation_concern(
                actor=actor,
                dialogue=dialogue,
                title=title,
                body=body,
                signup=signup,
                visibility=visibility,
                today=today,
            )
            concern, code = raised.concern, raised.tracking_code
        else:
            outcome = PointOutcome.NOTED
    else:
        outcome = PointOutcome.NEW
        if category is None:
            raise refuse(
                "required",
                gettext_noop("Choose the category of the new concern."),
                field="category",
            )
        raised = voice.record_offline(
            actor=actor,
            union=organiser,
            category=category,
            title=title,
            body=body or title,
            channel=Channel.MEETING,
            place=dialogue.place[:120],
            visibility=visibility,
            today=today,
        )
        concern, code = raised.concern, raised.tracking_code
    point = Point.objects.create(
        dialogue=dialogue,
        title=title,
        signup=signup,
        concern=concern,
        outcome=outcome,
        reply=reply,
        recorded_at=moment(today),
    )
    record(
        actor,
        "meeting.point",
        organiser,
        role,
        target=f"{organiser.code} {dialogue.pk}",
        meeting=dialogue.pk,
        outcome=outcome,
        concern=concern.pk if concern is not None else None,
    )
    return PointAdded(point, code)
