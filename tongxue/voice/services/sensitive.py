"""Mark a concern sensitive (RGT-7), and only a named handler takes it back.

A concern raised in an ordinary category may turn out sensitive (a student's health,
their family's money, harassment …). One of its handlers marks it: from then on it is
private (an anonymous one stays anonymous), leaves the public list and the similar
concerns' suggestions, goes to the union and is seen only by the union's named
handlers for sensitive concerns (:mod:`tongxue.voice.access`) — not by the handler who
marked it, unless named. Its deadlines stay as they were. Only a named handler may
take the mark back (the concern then stays private); a concern of a sensitive
category stays sensitive.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import Organisation
from tongxue.voice import access, notifying
from tongxue.voice.models import Concern, EventKind, Visibility
from tongxue.voice.services.shared import (
    MAX_REASON,
    audit,
    clean_text,
    event,
    handling_role,
    moment,
)


def _lock(concern: Concern) -> None:
    fresh = (
        Concern.objects.select_for_update()
        .values("sensitive", "visibility", "handler_id")
        .get(pk=concern.pk)
    )
    concern.sensitive = fresh["sensitive"]
    concern.visibility = fresh["visibility"]
    if fresh["handler_id"] != concern.handler_id:
        concern.handler = Organisation.objects.get(pk=fresh["handler_id"])


@transaction.atomic
def mark_sensitive(
    *, actor: Actor, concern: Concern, reason: str, today: dt.date | None = None
) -> None:
    """A handler marks the concern sensitive (RGT-7; see the module).

    Refused: not one of its handlers; a concern already sensitive or about a cadre
    (already seen only by named handlers); no reason. The reason is on the internal
    timeline, never in the audit log nor public."""
    if concern.about_person_id is not None or concern.sensitive:
        raise refuse(
            "already",
            gettext_noop("Concern {target} is already seen only by named handlers."),
            target=concern.reference,
        )
    role = handling_role(actor, concern)
    reason = clean_text("reason", reason, limit=MAX_REASON)
    _lock(concern)
    if concern.sensitive:
        raise refuse(
            "already",
            gettext_noop("Concern {target} is already seen only by named handlers."),
            target=concern.reference,
        )
    before = concern.visibility
    old = concern.handler
    concern.sensitive = True
    if concern.visibility == Visibility.PUBLIC:
        concern.visibility = Visibility.PRIVATE
    concern.handler = concern.union
    concern.save(update_fields=["sensitive", "visibility", "handler"])
    access.forget_handed(concern)
    event(
        concern,
        EventKind.SENSITIVE,
        at=moment(today),
        actor=actor,
        from_org=old,
        to_org=concern.union,
        text=reason,
        public=False,
    )
    audit(
        concern,
        "voice.concern.mark_sensitive",
        actor=actor,
        role=role,
        data={
            "visibility": [before, concern.visibility],
            "handler": [old.code, concern.union.code],
        },
    )
    notifying.received(concern)


@transaction.atomic
def unmark_sensitive(
    *, actor: Actor, concern: Concern, reason: str, today: dt.date | None = None
) -> None:
    """A named handler for sensitive concerns takes the mark back: the concern is
    seen by its ordinary handlers again and stays private (RGT-7).

    Refused: anyone but the union's named handlers for sensitive concerns (the handler
    who marked it included); a concern not sensitive, or of a sensitive category; no
    reason."""
    if not concern.sensitive:
        raise refuse(
            "invalid",
            gettext_noop("Concern {target} is not marked sensitive."),
            target=concern.reference,
        )
    if concern.union_id not in access.viewer(actor).named_sensitive:
        raise refuse(
            "forbidden",
            gettext_noop(
                "Only a handler the union named for sensitive concerns can take "
                "back the mark of concern {target}."
            ),
            target=concern.reference,
        )
    role = handling_role(actor, concern)
    if concern.category.sensitive:
        raise refuse(
            "invalid",
            gettext_noop(
                "Concern {target} is of a sensitive category: it stays sensitive."
            ),
            target=concern.reference,
        )
    reason = clean_text("reason", reason, limit=MAX_REASON)
    _lock(concern)
    if not concern.sensitive:
        raise refuse(
            "invalid",
            gettext_noop("Concern {target} is not marked sensitive."),
            target=concern.reference,
        )
    concern.sensitive = False
    concern.save(update_fields=["sensitive"])
    event(
        concern,
        EventKind.NOT_SENSITIVE,
        at=moment(today),
        actor=actor,
        text=reason,
        public=False,
    )
    audit(concern, "voice.concern.unmark_sensitive", actor=actor, role=role)
