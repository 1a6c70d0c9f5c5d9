"""Handle a concern: acknowledge (受理), forward (派), answer (办), merge, note, verify.

Every act is by one of the concern's handlers (:func:`tongxue.voice.access.can_handle`),
in one transaction, with a timeline event (who and when), an audit record (never the
text) and the notifications of :mod:`tongxue.voice.notifying`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, has_perm
from tongxue.domain.rights import OPEN_STATUSES, rating_due
from tongxue.organisations.models import Organisation
from tongxue.voice import access, notifying
from tongxue.voice.models import (
    Concern,
    ConcernStatus,
    EventKind,
    Support,
)
from tongxue.voice.selectors import forward_target_q
from tongxue.voice.services.shared import (
    audit,
    clean_text,
    event,
    handling_role,
    lock,
    moment,
    move,
    parameter,
    require_open,
)
from tongxue.voice.text import public_text


def _restricted(concern: Concern) -> bool:
    return concern.sensitive or concern.about_person_id is not None


@transaction.atomic
def acknowledge(
    *, actor: Actor, concern: Concern, today: dt.date | None = None
) -> None:
    """受理: the handler has taken the concern in hand (received → in hand)."""
    role = handling_role(actor, concern)
    now = moment(today)
    move(
        concern,
        ConcernStatus.IN_HAND,
        actor=actor,
        action="voice.concern.acknowledge",
        role=role,
        changes={"acknowledged_at": now},
    )
    event(concern, EventKind.ACKNOWLEDGED, at=now, actor=actor, to_org=concern.handler)


@transaction.atomic
def forward(
    *,
    actor: Actor,
    concern: Concern,
    to: Organisation,
    note: str = "",
    today: dt.date | None = None,
    suggested: Organisation | None = None,
    suggestion_used: bool = False,
) -> None:
    """Hand the concern to another organisation (RGT-1, RGT-5): a unit of the union's
    tree, an office of the same school, or the federation above the school.

    A concern not yet acknowledged is acknowledged by being forwarded. Refused: not
    a handler; a concern no longer waiting; a sensitive one or one about a cadre (it
    stays with the union's named handlers); a target outside those; the current
    handler.

    ``suggested``: where the page suggested it go (:mod:`tongxue.voice.routing`), if
    it did; ``suggestion_used``: the handler pressed "use the suggestion" (counted as
    used only when ``to`` is still the suggested one). Both are recorded on the
    hand-over for the suggestion's accuracy; nothing is forwarded without this call."""
    role = handling_role(actor, concern)
    lock(concern)
    require_open(concern)
    if _restricted(concern):
        raise refuse(
            "restricted",
            gettext_noop(
                "A sensitive concern or one about a cadre stays with the union's "
                "named handlers."
            ),
        )
    note = clean_text("note", note, required=False)
    if to is None or to.pk == concern.handler_id:
        raise refuse(
            "invalid",
            gettext_noop("Choose another organisation to pass the concern to."),
            field="to",
        )
    if not Organisation.objects.filter(
        forward_target_q(concern.union), pk=to.pk
    ).exists():
        raise refuse(
            "invalid",
            gettext_noop("Concern {target} cannot be passed to {name}."),
            field="to",
            target=concern.reference,
            name=to.name,
        )
    now = moment(today)
    old = concern.handler
    used = bool(suggestion_used and suggested is not None and suggested.pk == to.pk)
    if concern.status == ConcernStatus.RECEIVED:
        move(
            concern,
            ConcernStatus.IN_HAND,
            actor=actor,
            action="voice.concern.acknowledge",
            role=role,
            changes={"acknowledged_at": now},
            data={"by": "forward"},
        )
    concern.handler = to
    concern.save(update_fields=["handler"])
    access.forget_handed(concern)
    event(
        concern,
        EventKind.FORWARDED,
        at=now,
        actor=actor,
        from_org=old,
        to_org=to,
        text=note,
        suggested_to=suggested,
        suggestion_used=used,
    )
    data: dict[str, object] = {"from": old.code, "to": to.code}
    if suggested is not None:
        data |= {"suggested": suggested.code, "suggestion_used": used}
    audit(concern, "voice.concern.forward", actor=actor, role=role, data=data)
    notifying.received(concern, to)


@transaction.atomic
def answer(
    *, actor: Actor, concern: Concern, text: str, today: dt.date | None = None
) -> None:
    """答复: the answer is shown to the student (and, masked, on a public concern's
    timeline); the student may rate it for the profile's ``concern_rating_days``."""
    role = handling_role(actor, concern)
    text = clean_text("text", text)
    now = moment(today)
    due = rating_due(
        timezone.localdate(now), parameter(concern.union, "concern_rating_days")
    )
    move(
        concern,
        ConcernStatus.ANSWERED,
        actor=actor,
        action="voice.concern.answer",
        role=role,
        changes={"answered_at": now, "rating_due": due},
    )
    event(
        concern,
        EventKind.ANSWERED,
        at=now,
        actor=actor,
        from_org=concern.handler,
        text=text,
        public_text=public_text(text),
    )
    notifying.answered(concern)


_MERGEABLE_INTO = (*sorted(OPEN_STATUSES), ConcernStatus.ANSWERED)


@transaction.atomic
def merge(
    *,
    actor: Actor,
    concern: Concern,
    into: Concern,
    today: dt.date | None = None,
) -> None:
    """Merge a duplicate into another concern of the same union: the supporters of
    both count once on ``into`` and the duplicate's author becomes one of them (an
    anonymous author cannot: there is no one to link)."""
    role = handling_role(actor, concern)
    handling_role(actor, into)
    if into.pk == concern.pk or into.union_id != concern.union_id:
        raise refuse(
            "invalid",
            gettext_noop("Choose another concern of the same union to merge into."),
            field="into",
        )
    if _restricted(concern) != _restricted(into) or (
        concern.about_person_id != into.about_person_id
    ):
        raise refuse(
            "invalid",
            gettext_noop(
                "A sensitive concern or one about a cadre merges only with one of "
                "the same kind."
            ),
            field="into",
        )
    lock(into)
    if into.status not in _MERGEABLE_INTO:
        raise refuse(
            "not-open",
            gettext_noop("Concern {target} is no longer waiting for its handler."),
            target=into.reference,
        )
    move(
        concern,
        ConcernStatus.MERGED,
        actor=actor,
        action="voice.concern.merge",
        role=role,
        changes={"merged_into": into},
        data={"into": into.pk},
    )
    have = set(Support.objects.filter(concern=into).values_list("user_id", flat=True))
    incoming = set(
        Support.objects.filter(concern=concern).values_list("user_id", flat=True)
    )
    if concern.author_id is not None:
        incoming.add(concern.author_id)
    incoming -= have
    incoming.discard(into.author_id)  # type: ignore[arg-type]
    Support.objects.bulk_create(
        [Support(concern=into, user_id=u) for u in sorted(incoming)]
    )
    Support.objects.filter(concern=concern).delete()
    counts = dict(
        Support.objects.filter(concern_id__in=(concern.pk, into.pk))
        .values_list("concern_id")
        .annotate(n=Count("pk"))
    )
    Concern.objects.filter(pk=into.pk).update(supporters=counts.get(into.pk, 0))
    Concern.objects.filter(pk=concern.pk).update(supporters=0)
    into.supporters = counts.get(into.pk, 0)
    concern.supporters = 0
    now = moment(today)
    event(
        concern,
        EventKind.MERGED,
        at=now,
        actor=actor,
        text=into.reference,
        public_text=into.reference,
    )
    event(
        into,
        EventKind.MERGED,
        at=now,
        actor=actor,
        text=concern.reference,
        public_text=concern.reference,
    )
    audit(
        into,
        "voice.concern.merge_in",
        actor=actor,
        role=role,
        data={"from": concern.pk, "supporters": into.supporters},
    )


@transaction.atomic
def add_note(
    *, actor: Actor, concern: Concern, text: str, today: dt.date | None = None
) -> None:
    """An internal note: seen by the handlers only, never public."""
    role = handling_role(actor, concern)
    text = clean_text("text", text)
    event(
        concern,
        EventKind.NOTE,
        at=moment(today),
        actor=actor,
        text=text,
        public=False,
    )
    audit(concern, "voice.concern.note", actor=actor, role=role)


@transaction.atomic
def verify(*, actor: Actor, concern: Concern, today: dt.date | None = None) -> None:
    """The union records that it checked the result itself: the concern counts as
    solved without the student's rating (RGT-1). By a handler at the union (or, for
    a sensitive concern or one about a cadre, its named handler); an answered or
    closed concern, once."""
    role = handling_role(actor, concern)
    if not _restricted(concern) and not has_perm(
        actor, Perm.HANDLE, concern.union.path
    ):
        raise refuse(
            "forbidden",
            gettext_noop("Only the union can verify the result of concern {target}."),
            target=concern.reference,
        )
    lock(concern)
    if concern.status not in (ConcernStatus.ANSWERED, ConcernStatus.CLOSED):
        raise refuse(
            "not-answered",
            gettext_noop("Concern {target} has not been answered yet."),
            target=concern.reference,
        )
    if concern.verified:
        raise refuse(
            "already",
            gettext_noop("Concern {target} is already verified."),
            target=concern.reference,
        )
    concern.verified = True
    concern.save(update_fields=["verified"])
    event(
        concern,
        EventKind.VERIFIED,
        at=moment(today),
        actor=actor,
        to_org=concern.union,
    )
    audit(concern, "voice.concern.verify", actor=actor, role=role)
