"""Write to a delegate or a cadre through the relay (RGT-6 · GS-一(三), CQ-一(三)).

"建立学生代表、学生干部直接联系同学、听取意见的制度": a signed-in student writes to a
delegate of their union's current congress or a cadre of its roster who represents them
(:mod:`tongxue.voice.relay_selectors`); the recipient reads it in their Tongxue inbox
(a notification that names no sender: it may go out by e-mail) and on the relay page
with the sender's name, and replies there, once or more; the student may write again in
the same contact.

Who wrote what is told to the two parties only. The audit log records that a message
was relayed to the person (``voice.relay.send``: the union, the recipient, the
capacity), without its sender (``withhold_actor``) and without any key of the contact
or the message; the recipient's reply is their own act (``voice.relay.reply``, which
names the recipient only). A student sends at most ``relay_messages_per_day_max``
messages a day (the profile's, Tongxue's default 5), counted apart
(:class:`~tongxue.voice.models.RelayCount`, as concerns are); replies are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify
from tongxue.organisations.models import Organisation, Person
from tongxue.organisations.profiles import governing_profile
from tongxue.voice.models import RelayCount, RelayText, RelayThread
from tongxue.voice.relay_selectors import representatives, student_path

#: The profile parameter (not in the plans: a limit against flooding) and its default.
PER_DAY = "relay_messages_per_day_max"
PER_DAY_DEFAULT = 5
MAX_TEXT = 2000

RECEIVED = register(
    "voice.relay_received",
    title=_("A student of %(union)s wrote to you"),
    body=_("Read the message and reply on Tongxue's relay page."),
)
REPLIED = register(
    "voice.relay_replied",
    title=_("%(name)s replied to your message"),
    body=_("Read the reply on Tongxue's relay page."),
)

COUNT_SQL = (
    f"INSERT INTO {RelayCount._meta.db_table} (user_id, day, count) "
    "VALUES (%s, %s, 1) ON CONFLICT (user_id, day) DO UPDATE "
    f"SET count = {RelayCount._meta.db_table}.count + 1 "
    f"WHERE {RelayCount._meta.db_table}.count < %s RETURNING count"
)


@dataclass(frozen=True)
class Sent:
    thread: RelayThread
    text: RelayText


def daily_limit(union: Organisation) -> int:
    """The messages a student may send a day through the relay (the profile's)."""
    profile = governing_profile(union)
    return profile.int(PER_DAY) if profile.has(PER_DAY) else PER_DAY_DEFAULT


def _signed_in(actor: Actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to write through the relay."))


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise refuse("required", gettext_noop("This field is required."), field="text")
    if len(text) > MAX_TEXT:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field="text",
            limit=MAX_TEXT,
        )
    return text


def _count(actor: Actor, union: Organisation, day: dt.date) -> None:
    """Count one more message of the user today; refuse past the profile's limit."""
    limit = daily_limit(union)
    counted = None
    if limit > 0:
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, [actor.pk, day, limit])
            counted = cursor.fetchone()
    if counted is None:
        raise refuse(
            "throttled",
            gettext_noop(
                "You can send {limit} messages a day through the relay; try again tomorrow."
            ),
            limit=limit,
        )


def thread_url(thread: RelayThread) -> str:
    return reverse("voice:relay_thread", args=[thread.pk])


@transaction.atomic
def send(
    *,
    actor: Actor,
    union: Organisation,
    person: Person,
    text: str,
    today: dt.date | None = None,
) -> Sent:
    """A signed-in student writes to a delegate or cadre of ``union`` who represents
    them (RGT-6).

    Refused: signed out; not one of the union's current delegates and cadres; a
    student outside the students they represent (or no student at all); oneself; a
    person the relay cannot reach (no active account); an empty or too long text;
    more than the profile's messages a day.
    """
    _signed_in(actor)
    text = _clean(text)
    day = today or timezone.localdate()
    roll = representatives(union, today=day)
    rep = roll.person(person.pk)
    if rep is None:
        raise refuse(
            "not-representative",
            gettext_noop(
                "{name} is not a delegate or cadre of {union} now.",
            ),
            name=person.name,
            union=union.name,
        )
    path = student_path(actor)
    capacity = rep.capacity_for(path) if path else None
    if capacity is None:
        raise refuse(
            "forbidden",
            gettext_noop(
                "Only the students {name} represents can write to them through the relay."
            ),
            name=person.name,
        )
    if rep.user_id is not None and rep.user_id == actor.pk:
        raise refuse("forbidden", gettext_noop("You cannot write to yourself."))
    if not rep.reachable:
        raise refuse(
            "unreachable",
            gettext_noop(
                "{name} has no active account yet: the relay cannot reach them."
            ),
            name=person.name,
        )
    _count(actor, union, day)
    now = timezone.now()
    thread = RelayThread.objects.create(
        union=union,
        recipient=person,
        capacity=capacity,
        sender=actor,
        opened_at=now,
        last_at=now,
    )
    message = RelayText.objects.create(thread=thread, text=text, sent_at=now)
    # The act, never its sender nor which contact (docs/voice.md, RGT-6).
    auditlog.record(
        actor=actor,
        action="voice.relay.send",
        organisation=union.code,
        target=person.ident,
        role="student",
        data={"capacity": capacity},
        withhold_actor=True,
    )
    if rep.user_id is not None:
        notify(
            RECEIVED.name,
            user_ids=[rep.user_id],
            params={"union": union.name},
            url=thread_url(thread),
            organisation=union.code,
        )
    return Sent(thread, message)


@transaction.atomic
def reply(
    *,
    actor: Actor,
    thread: RelayThread,
    text: str,
    today: dt.date | None = None,
) -> RelayText:
    """One of the contact's two parties writes in it: the recipient replies (not
    counted), the student writes again (counted in the day's limit). Anyone else is
    refused as if the contact did not exist."""
    _signed_in(actor)
    thread = (
        RelayThread.objects.select_for_update()
        .select_related("union", "recipient")
        .get(pk=thread.pk)
    )
    is_recipient = (
        thread.recipient.user_id is not None and thread.recipient.user_id == actor.pk
    )
    is_sender = thread.sender_id is not None and thread.sender_id == actor.pk
    if not (is_recipient or is_sender):
        raise refuse("not-found", gettext_noop("There is no such message."))
    text = _clean(text)
    day = today or timezone.localdate()
    if is_sender:
        _count(actor, thread.union, day)
    now = timezone.now()
    message = RelayText.objects.create(
        thread=thread, from_recipient=is_recipient, text=text, sent_at=now
    )
    RelayThread.objects.filter(pk=thread.pk).update(last_at=now)
    if is_recipient:
        auditlog.record(
            actor=actor,
            action="voice.relay.reply",
            organisation=thread.union.code,
            target=thread.recipient.ident,
            role=thread.capacity,
        )
        if thread.sender_id is not None:
            notify(
                REPLIED.name,
                user_ids=[thread.sender_id],
                params={"name": thread.recipient.name},
                url=thread_url(thread),
                organisation=thread.union.code,
            )
    else:
        auditlog.record(
            actor=actor,
            action="voice.relay.send",
            organisation=thread.union.code,
            target=thread.recipient.ident,
            role="student",
            data={"capacity": thread.capacity},
            withhold_actor=True,
        )
        if thread.recipient.user_id is not None:
            notify(
                RECEIVED.name,
                user_ids=[thread.recipient.user_id],
                params={"union": thread.union.name},
                url=thread_url(thread),
                organisation=thread.union.code,
            )
    return message


def mark_read(*, thread: RelayThread, side: str) -> int:
    """The other party's messages in the contact are read now (by ``side``)."""
    return RelayText.objects.filter(
        thread=thread,
        from_recipient=(side == "sender"),
        read_at__isnull=True,
    ).update(read_at=timezone.now())
