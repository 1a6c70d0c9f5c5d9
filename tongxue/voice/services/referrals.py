"""A concern referred to legal aid (RGT-2 · GS-10, CQ-5): the step on its timeline.

The referral itself (the directory's entry, the student's consent) is the advocacy
app's record (:func:`tongxue.advocacy.services.refer`); this service writes what the
concern shows of it, under the concern's own rules: one of its handlers only (a
sensitive one: its named handler, :mod:`tongxue.voice.access`), not a merged or
withdrawn concern, audit-logged without any text.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.voice.models import Concern, ConcernEvent, ConcernStatus, EventKind
from tongxue.voice.services.shared import (
    audit,
    clean_text,
    event,
    handling_role,
    moment,
)

#: A concern merged into another or withdrawn by its student is not referred.
NOT_REFERRED = (ConcernStatus.MERGED, ConcernStatus.WITHDRAWN)
MAX_NAME = 120


@transaction.atomic
def note_referral(
    *,
    actor: Actor,
    concern: Concern,
    name: str,
    at: dt.datetime | None = None,
    today: dt.date | None = None,
) -> ConcernEvent:
    """Add "Referred to legal aid: ``name``" to the concern's timeline (public, as the
    directory is; it never names the student) and audit it
    (``voice.concern.referred``).

    Refused: signed out or not one of the concern's handlers; a concern merged or
    withdrawn; no name. ``at``: the time of the referral (default: now, or noon of
    ``today``).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to refer a concern."))
    role = handling_role(actor, concern)
    if concern.status in NOT_REFERRED:
        raise refuse(
            "not-open",
            gettext_noop("Concern {target} is no longer waiting for its handler."),
            target=concern.reference,
        )
    name = clean_text("contact", name, limit=MAX_NAME)
    step = event(
        concern,
        EventKind.REFERRED,
        at=at or moment(today),
        actor=actor,
        text=name,
        public_text=name,
    )
    audit(concern, "voice.concern.referred", actor=actor, role=role)
    return step


__all__ = ["NOT_REFERRED", "note_referral"]
