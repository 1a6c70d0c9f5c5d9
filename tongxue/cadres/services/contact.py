"""Contact with cadres (CAD-2 · GS-12, CQ-7): the official contact, and the messages
of the roster's old relay.

Students write to a cadre through the concerns app's relay (RGT-6,
``tongxue.voice.relay_services``), which replaced the roster's own relay form: the old
address ``/cadres/relay/<post>/`` redirects there. The messages sent through the old
form before (``RelayMessage``) stay readable on the cadre's record page, where the cadre
marks them read. A main cadre's post publishes an official contact address, never a
phone number.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.cadres.models import (
    RelayMessage,
)
from tongxue.cadres.services.shared import (
    check_manage,
    looks_like_phone,
    now,
    phone_refusal,
)
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import (
    Position,
)


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
