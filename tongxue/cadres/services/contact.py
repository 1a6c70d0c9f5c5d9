"""Contact with cadres (CAD-2 · GS-12, CQ-7): the relay and the official contact.

Signed-in students write to a cadre without the cadre publishing a private contact;
the sender is shown to the cadre only. A main cadre's post publishes an official
contact address, never a phone number.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    RelayMessage,
)
from tongxue.cadres.services.shared import (
    RELAY_MAX_TEXT,
    check_manage,
    clean_text,
    looks_like_phone,
    now,
    phone_refusal,
    position_active,
    today_or,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import (
    Position,
)


def relay_limit() -> int:
    return int(getattr(settings, "TONGXUE_RELAY_PER_HOUR", 5))


@transaction.atomic
def send_relay(
    *, actor: Actor, position: Position, text: str, today: date | None = None
) -> RelayMessage:
    """Send a message to a serving cadre through the roster (signed in, throttled)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to write to a cadre."))
    if not position_active(position, today_or(today)):
        raise refuse(
            "not-serving",
            gettext_noop("{name} does not hold this post now."),
            name=position.person.name,
        )
    text = clean_text("text", text, limit=RELAY_MAX_TEXT)
    limit = relay_limit()
    since = now() - timedelta(hours=1)
    if RelayMessage.objects.filter(sender=actor, sent_at__gte=since).count() >= limit:
        raise refuse(
            "throttled",
            gettext_noop("You can send {limit} messages an hour; try again later."),
            limit=limit,
        )
    message = RelayMessage.objects.create(position=position, sender=actor, text=text)
    # The sender is shown to the cadre only (docs/cadres.md): the log records that a
    # message was sent to the post, not who sent it nor which message it was.
    auditlog.record(
        actor=actor,
        action="cadres.relay.send",
        organisation=position.organisation.code,
        target=position.person.ident,
        role="student",
        data={"position": position.pk},
        withhold_actor=True,
    )
    return message


@transaction.atomic
def mark_read(*, actor: Actor, message: RelayMessage) -> RelayMessage:
    user_id = message.position.person.user_id
    if actor is None or user_id is None or user_id != getattr(actor, "pk", None):
        raise refuse(
            "forbidden", gettext_noop("Only the cadre can mark this message read.")
        )
    if message.read_at is None:
        message.read_at = now()
        message.save(update_fields=["read_at"])
        auditlog.record(
            actor=actor,
            action="cadres.relay.read",
            organisation=message.position.organisation.code,
            target=message.position.person.ident,
            role="cadre",
            data={"message": message.pk},
        )
    return message


@transaction.atomic
def choose_public_contact(
    *, actor: Actor, position: Position, contact: str
) -> Position:
    """Set the official address published on the roster (CAD-2 · GS-12, CQ-7).

    The cadre themselves or a manager of the union; empty means the relay form. A
    phone number is refused: the roster never publishes a private number.
    """
    is_self = (
        actor is not None
        and position.person.user_id is not None
        and position.person.user_id == getattr(actor, "pk", None)
    )
    acting = "cadre" if is_self else check_manage(actor, position.organisation)
    contact = (contact or "").strip()
    if len(contact) > 200:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field="contact",
            limit=200,
        )
    if looks_like_phone(contact):
        raise phone_refusal(field="contact")
    old = position.public_contact
    # The registry has no service for this one field; write it here, audited.
    Position.objects.filter(pk=position.pk).update(public_contact=contact)
    position.public_contact = contact
    auditlog.record(
        actor=actor,
        action="cadres.contact.choose",
        organisation=position.organisation.code,
        target=position.person.ident,
        role=acting,
        data={"position": position.pk, "before": old, "after": contact},
    )
    return position
