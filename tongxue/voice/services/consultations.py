"""网上学联 (RGT-5 · GS-5): a federation asks students for their needs and ideas and
answers publicly in time.

A provincial or city federation's managers (``Perm.MANAGE`` at the federation: its
administrators, a federation above, the operator) open a consultation
(:func:`save_consultation`): a question, an opening and a closing day; its public
response is due ``consultation_answer_working_days`` working days of the 公示
calendar after the closing day (profile; Tongxue's default: the plan says 及时 with no
number). While it is open, a signed-in student of any school under the federation
sends ideas (:func:`submit_idea`): each idea is a concern of the student's school
union, handled by the federation and linked to the consultation, so that it goes
through the same pipeline as any concern — visibility (public, private, anonymous),
masking, 我也遇到 (shown as 同意), the handler's answer, the student's rating, the
public timeline. Once it has closed, the federation publishes its dated public
response (:func:`respond`), which answers every idea still waiting (the student rates
it as any answer); it may answer ideas one by one before, on their own pages.

Students are not notified in bulk when a consultation opens: the home shows it to the
students of the federation's schools while it is open
(:mod:`tongxue.voice.consultation_home`). The federation's handlers are not notified of
each idea either (a consultation may draw thousands): the consultation's page lists
them. The authors of the ideas the response answers are notified, once per rating
deadline, with one notification each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain.lifecycle import CONCERN
from tongxue.domain.rights import rating_due
from tongxue.domain.rights.consultations import is_open, response_due
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.organisations.profiles import governing_profile
from tongxue.voice.models import (
    Category,
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    Consultation,
    EventKind,
    Visibility,
)
from tongxue.voice.selectors import school_union_of
from tongxue.voice.services.photos import clean_photos
from tongxue.voice.services.raising import Raised, _count_raise, _create
from tongxue.voice.services.shared import (
    MAX_PLACE,
    MAX_TITLE,
    audit,
    calendar,
    clean_text,
    moment,
    parameter,
    today_or,
)
from tongxue.voice.text import public_text

__all__ = [
    "FEDERATION_KINDS",
    "MAX_OPEN_DAYS",
    "RESPONDED",
    "answer_days",
    "idea_category",
    "may_submit",
    "respond",
    "save_consultation",
    "submit_idea",
]

#: The organisations that consult students (网上学联, GS-5).
FEDERATION_KINDS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)
#: The profile parameter (RGT-5; not in the plan) and Tongxue's value when the profile
#: governing the federation does not have it (cqtgu-2017: a university's plan).
ANSWER_PARAM = "consultation_answer_working_days"
DEFAULT_ANSWER_DAYS = 10
#: A consultation is open at most this many days.
MAX_OPEN_DAYS = 366
MAX_QUESTION = 5000
MAX_RESPONSE = 10000
#: The idea's category in the student's union: the first of these it has and offers.
IDEA_CATEGORIES = ("other",)
#: The ideas a response answers: those still waiting for a first answer.
WAITING = (ConcernStatus.RECEIVED, ConcernStatus.IN_HAND)

RESPONDED = register(
    "voice.consultation_responded",
    title=gettext_lazy("%(federation)s has answered the consultation “%(title)s”"),
    body=gettext_lazy(
        "Its public response answers your idea. Read it and rate the answer by "
        "%(rating_due)s."
    ),
)


def answer_days(federation: Organisation) -> int:
    """Working days after closing for the public response (the governing profile's)."""
    profile = governing_profile(federation)
    return (
        profile.int(ANSWER_PARAM) if profile.has(ANSWER_PARAM) else DEFAULT_ANSWER_DAYS
    )


def _due(federation: Organisation, closes: dt.date) -> dt.date:
    hol, extra = calendar()
    return response_due(
        closes, answer_days(federation), holidays=hol, extra_working_days=extra
    )


def _check_federation(federation: Organisation) -> None:
    if federation is None or federation.kind not in FEDERATION_KINDS:
        raise refuse(
            "not-a-federation",
            gettext_noop("Only a provincial or city federation consults students."),
        )


def _manage(actor: Actor, federation: Organisation) -> str:
    return require(
        actor,
        Perm.MANAGE,
        federation.path,
        target=federation.name,
        message=gettext_noop(
            "You are not allowed to manage the consultations of {target}."
        ),
    )


def _subject(consultation: Consultation) -> str:
    return f"{consultation.federation.code} {consultation.number}"


def _day(field: str, value: Any) -> dt.date:
    if not isinstance(value, dt.date):
        raise refuse("required", gettext_noop("This field is required."), field=field)
    return value


def consultation_url(consultation: Consultation) -> str:
    args = [consultation.federation.code, consultation.number]
    try:
        return reverse("voice:consultation", args=args)
    except NoReverseMatch:  # the pages are not installed (a command, a test)
        return f"/voice/federation/{args[0]}/consultations/{args[1]}/"


# -- the federation ----------------------------------------------------------------------


@transaction.atomic
def save_consultation(
    *,
    actor: Actor,
    federation: Organisation,
    title: str,
    question: str,
    opens: dt.date,
    closes: dt.date,
    consultation: Consultation | None = None,
    today: dt.date | None = None,
) -> Consultation:
    """Open (or change) a consultation of the federation's students.

    Refused: not a manager of the federation; not a federation; a missing or too long
    title or question; a closing day before the opening day, or more than
    :data:`MAX_OPEN_DAYS` after it; a new consultation opening in the past (a system
    command, ``actor=None``, may: the demo). A consultation that has opened keeps its
    title, question and opening day (students answered that question); only its
    closing day may move, not before today; one that has closed is not changed. The
    response's due date follows the closing day.
    """
    _check_federation(federation)
    role = _manage(actor, federation)
    day = today_or(today)
    title = clean_text("title", title, limit=MAX_TITLE)
    question = clean_text("question", question, limit=MAX_QUESTION)
    opens = _day("opens", opens)
    closes = _day("closes", closes)
    if closes < opens:
        raise refuse(
            "invalid",
            gettext_noop("The closing day cannot be before the opening day."),
            field="closes",
        )
    if (closes - opens).days >= MAX_OPEN_DAYS:
        raise refuse(
            "invalid",
            gettext_noop("A consultation is open at most {limit} days."),
            field="closes",
            limit=MAX_OPEN_DAYS,
        )
    if consultation is None:
        if opens < day and actor is not None:
            raise refuse(
                "invalid",
                gettext_noop("The opening day cannot be in the past."),
                field="opens",
            )
        # Numbers are per federation: lock its row while taking the next one.
        Organisation.objects.select_for_update(no_key=True).filter(
            pk=federation.pk
        ).exists()
        number = (
            Consultation.objects.filter(federation=federation).aggregate(
                n=Max("number")
            )["n"]
            or 0
        ) + 1
        consultation = Consultation.objects.create(
            federation=federation,
            number=number,
            title=title,
            question=question,
            opens=opens,
            closes=closes,
            answer_due=_due(federation, closes),
            created_at=moment(today),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        action, data = "voice.consultation.create", {}
    else:
        if consultation.federation_id != federation.pk:
            raise refuse(
                "invalid", gettext_noop("This consultation is not the federation's.")
            )
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if current.closes < day:
            raise refuse(
                "closed",
                gettext_noop("Consultation “{target}” has closed: it cannot change."),
                target=current.title,
            )
        if current.opens <= day:
            if (title, question, opens) != (
                current.title,
                current.question,
                current.opens,
            ):
                raise refuse(
                    "open",
                    gettext_noop(
                        "Consultation “{target}” is open: only its closing day may "
                        "change."
                    ),
                    target=current.title,
                )
            if closes < day:
                raise refuse(
                    "invalid",
                    gettext_noop("The closing day cannot be in the past."),
                    field="closes",
                )
        elif opens < day:
            raise refuse(
                "invalid",
                gettext_noop("The opening day cannot be in the past."),
                field="opens",
            )
        due = _due(federation, closes)
        data = {"closes": {"from": str(current.closes), "to": str(closes)}}
        consultation.title = title
        consultation.question = question
        consultation.opens = opens
        consultation.closes = closes
        consultation.answer_due = due
        consultation.save(
            update_fields=["title", "question", "opens", "closes", "answer_due"]
        )
        # the ideas still waiting are due with the response
        Concern.objects.filter(consultation=consultation, status__in=WAITING).update(
            acknowledge_due=due, answer_due=due
        )
        action = "voice.consultation.edit"
    auditlog.record(
        actor=actor,
        action=action,
        organisation=federation.code,
        target=_subject(consultation),
        role=role,
        data={
            "consultation": consultation.pk,
            "opens": str(opens),
            "closes": str(closes),
            "answer_due": str(consultation.answer_due),
            **data,
        },
    )
    return consultation


@transaction.atomic
def respond(
    *,
    actor: Actor,
    consultation: Consultation,
    text: str,
    today: dt.date | None = None,
) -> int:
    """Publish (or correct) the federation's public response; return how many ideas
    it answered.

    Refused: not a manager of the federation; before the consultation has closed (the
    day after its closing day); an empty or too long text. The first publication is
    dated (whether it came in time is judged on it, :func:`tongxue.domain.rights.
    consultations.days_late`) and answers every idea still waiting for a first answer
    (received or in hand): each is answered with the response's text, as by the
    concern's ``answer`` service — an answered step on its timeline (masked on a
    public one), its rating window of ``concern_rating_days`` — in bulk, and each
    author is notified. A correction changes the text and records when; the ideas
    keep the answer they had.
    """
    federation = consultation.federation
    role = _manage(actor, federation)
    text = clean_text("text", text, limit=MAX_RESPONSE)
    day = today_or(today)
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if day <= current.closes:
        raise refuse(
            "still-open",
            gettext_noop(
                "Consultation “{target}” closes on {closes}: respond once it has "
                "closed."
            ),
            target=current.title,
            closes=current.closes.isoformat(),
        )
    now = moment(today)
    first = current.responded_at is None
    consultation.response = text
    if first:
        consultation.responded_at = now
        consultation.save(update_fields=["response", "responded_at"])
        answered = _answer_waiting(consultation, text, actor=actor, now=now)
    else:
        consultation.response_edited_at = now
        consultation.save(update_fields=["response", "response_edited_at"])
        answered = 0
    auditlog.record(
        actor=actor,
        action="voice.consultation.respond"
        if first
        else "voice.consultation.respond_edit",
        organisation=federation.code,
        target=_subject(consultation),
        role=role,
        data={
            "consultation": consultation.pk,
            "answer_due": str(consultation.answer_due),
            "ideas_answered": answered,
        },
    )
    return answered


def _answer_waiting(
    consultation: Consultation, text: str, *, actor: Actor, now: dt.datetime
) -> int:
    """Answer the ideas still waiting with the response (in the caller's transaction):
    one update per union (its rating window), their events in one insert, a
    notification per author grouped by rating deadline."""
    for status in WAITING:
        CONCERN.require(status, ConcernStatus.ANSWERED)
    waiting = Concern.objects.filter(consultation=consultation, status__in=WAITING)
    rows = list(waiting.select_for_update().values_list("pk", "union_id", "author_id"))
    if not rows:
        return 0
    answered_on = timezone.localdate(now)
    unions = Organisation.objects.in_bulk({union_id for _pk, union_id, *_ in rows})
    window = {pk: parameter(u, "concern_rating_days") for pk, u in unions.items()}
    by_due: dict[dt.date, set[int]] = defaultdict(set)  # rating deadline -> unions
    authors: dict[dt.date, set[int]] = defaultdict(set)
    for _pk, union_id, author in rows:
        due = rating_due(answered_on, window[union_id])
        by_due[due].add(union_id)
        if author is not None:
            authors[due].add(author)
    for due, union_ids in by_due.items():
        waiting.filter(union_id__in=sorted(union_ids)).update(
            status=ConcernStatus.ANSWERED, answered_at=now, rating_due=due
        )
    masked = public_text(text)
    user = actor if getattr(actor, "is_authenticated", False) else None
    ConcernEvent.objects.bulk_create(
        [
            ConcernEvent(
                concern_id=pk,
                at=now,
                kind=EventKind.ANSWERED,
                from_org=consultation.federation,
                actor=user,
                text=text,
                public_text=masked,
                public=True,
            )
            for pk, *_ in rows
        ],
        batch_size=1000,
    )
    for due, ids in sorted(authors.items()):
        notify(
            RESPONDED.name,
            user_ids=sorted(ids),
            params={
                "federation": consultation.federation.name,
                "title": consultation.title,
                "rating_due": due.isoformat(),
            },
            url=consultation_url(consultation),
            organisation=consultation.federation.code,
        )
    return len(rows)


# -- the students --------------------------------------------------------------------------


def idea_category(union: Organisation) -> Category | None:
    """The category an idea takes in the student's union (其他: neither sensitive nor
    about a cadre), else the first such category it offers; None when it has none."""
    listed = list(
        Category.objects.filter(
            union=union, active=True, sensitive=False, about_cadre=False
        ).order_by("order", "code")
    )
    for code in IDEA_CATEGORIES:
        for c in listed:
            if c.code == code:
                return c
    return listed[0] if listed else None


def may_submit(
    user: Any, consultation: Consultation, *, today: dt.date | None = None
) -> Organisation | None:
    """The school union through which ``user`` may send an idea today, or None: a
    signed-in student of a school under the federation, while it is open."""
    day = today_or(today)
    if not is_open(opens=consultation.opens, closes=consultation.closes, today=day):
        return None
    union = school_union_of(user)
    if union is None or not union.path.startswith(consultation.federation.path):
        return None
    return union


def submit_idea(
    *,
    actor: Actor,
    consultation: Consultation,
    title: str,
    body: str,
    visibility: str = Visibility.PUBLIC,
    place: str = "",
    photos: Any = (),
    today: dt.date | None = None,
) -> Raised:
    """A signed-in student sends an idea to an open consultation (RGT-5).

    The idea is a concern of the student's school union (number, masking, tokens,
    photos, the day's limit ``concerns_per_day_max``, a follow-up code when
    anonymous, exactly as :func:`~tongxue.voice.services.raise_concern`), in the
    union's 其他 category, handled by the federation and due with the response.
    Refused: signed out; the consultation not open today (before its opening day or
    after its closing day); a student of no school under the federation; a union
    with no category an idea can take; a missing or too long text; a visibility not
    offered; a bad photo; more than the day's concerns.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to send an idea."))
    day = today_or(today)
    if not is_open(opens=consultation.opens, closes=consultation.closes, today=day):
        raise refuse(
            "not-open",
            gettext_noop(
                "Consultation “{target}” takes ideas from {opens} to {closes}."
            ),
            target=consultation.title,
            opens=consultation.opens.isoformat(),
            closes=consultation.closes.isoformat(),
        )
    federation = consultation.federation
    union = school_union_of(actor)
    if union is None or not union.path.startswith(federation.path):
        raise refuse(
            "forbidden",
            gettext_noop(
                "Only students of the schools of {target} can send ideas to it."
            ),
            target=federation.name,
        )
    category = idea_category(union)
    if category is None:
        raise refuse(
            "no-category",
            gettext_noop(
                "Your union has not set up its categories yet; ask it to, then send "
                "your idea."
            ),
        )
    title = clean_text("title", title, limit=MAX_TITLE)
    body = clean_text("body", body)
    place = clean_text("place", place, limit=MAX_PLACE, required=False)
    if visibility not in Visibility.values:
        raise refuse(
            "invalid",
            gettext_noop("Choose who may see the concern."),
            field="visibility",
        )
    cleaned = clean_photos(photos)
    anonymous = visibility == Visibility.ANONYMOUS
    with transaction.atomic():
        _count_raise(actor, union, day)
        concern, code = _create(
            union=union,
            category=category,
            title=title,
            body=body,
            place=place,
            visibility=visibility,
            channel=Channel.ONLINE,
            author=actor,
            about_person=None,
            handler=federation,
            today=day,
            photos=cleaned,
        )
        concern.consultation = consultation
        concern.acknowledge_due = concern.answer_due = consultation.answer_due
        concern.save(update_fields=["consultation", "acknowledge_due", "answer_due"])
        audit(
            concern,
            "voice.consultation.idea",
            actor=None if anonymous else actor,
            role="anonymous" if anonymous else "student",
            data={
                "consultation": consultation.pk,
                "federation": federation.code,
                "visibility": visibility,
                "photos": len(cleaned),
            },
            withhold=anonymous,
        )
    return Raised(concern, code)
