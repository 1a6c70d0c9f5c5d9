"""The union's charter: the version on record, motions to adopt or amend it (CON-7)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.business.models import (
    CharterMotion,
    CharterVersion,
    MotionKind,
    MotionStatus,
)
from tongxue.business.services.common import (
    _agenda_guard,
    _ensure_item,
    _manage,
    _record,
    _store_vote,
    _today,
    _vote_data,
    entitled_voters,
)
from tongxue.congresses.models import Meeting
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain import business as db
from tongxue.organisations.models import Organisation


def current_charter(union: Organisation) -> CharterVersion | None:
    return CharterVersion.objects.filter(union=union).order_by("-number").first()


@transaction.atomic
def record_charter(
    *, actor: Actor, union: Organisation, text: str, adopted_on: date, note: str = ""
) -> CharterVersion:
    """Record the charter in force before its union used Tongxue (only the first)."""
    role = _manage(actor, union)
    if CharterVersion.objects.filter(union=union).exists():
        raise refuse(
            "exists",
            gettext_noop(
                "{union} already has a charter on record: change it by a motion at a "
                "congress."
            ),
            union=union.name,
        )
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    version = CharterVersion.objects.create(
        union=union, number=1, text=text.strip(), adopted_on=adopted_on, note=note
    )
    _record(actor, "record_charter", union, role, adopted_on=adopted_on.isoformat())
    return version


@transaction.atomic
def propose_charter_motion(
    *,
    actor: Actor,
    meeting: Meeting,
    kind: str,
    title: str,
    text: str,
    explanation: str = "",
) -> CharterMotion:
    """Put a motion to adopt or amend the charter before a congress (CON-7).

    An amendment needs a charter on record and is measured against the version in
    force; a standing conference refuses both (CON-10).
    """
    union = meeting.organisation
    role = _manage(actor, union)
    agenda_kind = {
        MotionKind.ADOPTION: db.AgendaKind.CHARTER_ADOPTION,
        MotionKind.AMENDMENT: db.AgendaKind.CHARTER_AMENDMENT,
    }.get(kind)  # type: ignore[call-overload]
    if agenda_kind is None:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="kind",
            value=kind,
        )
    _agenda_guard(meeting, agenda_kind)
    if not title.strip():
        raise refuse("required", gettext_noop("This field is required."), field="title")
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    base = current_charter(union)
    if kind == MotionKind.AMENDMENT and base is None:
        raise refuse(
            "no-charter",
            gettext_noop(
                "{union} has no charter on record to amend: propose its adoption."
            ),
            field="kind",
            union=union.name,
        )
    if base is not None and base.text == text.strip():
        raise refuse(
            "unchanged",
            gettext_noop("The text is the same as the charter in force."),
            field="text",
        )
    motion = CharterMotion.objects.create(
        meeting=meeting,
        union=union,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        explanation=explanation.strip(),
        base_version=base,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _ensure_item(meeting, agenda_kind, title.strip())
    _record(
        actor,
        "propose_charter_motion",
        meeting,
        role,
        motion=motion.pk,
        kind=kind,
        base_version=base.number if base else None,
    )
    return motion


@transaction.atomic
def record_motion_vote(
    *,
    actor: Actor,
    motion: CharterMotion,
    yes: int,
    no: int,
    abstain: int,
    method: str,
    voted_on: date | None = None,
) -> CharterMotion:
    """Record the vote on a charter motion; an adopted motion becomes the charter in
    force as its next version, the earlier ones kept (CON-7 · GS-8, CQ-3)."""
    meeting = motion.meeting
    union = motion.union
    role = _manage(actor, union)
    if motion.status != MotionStatus.PROPOSED:
        raise refuse(
            "decided", gettext_noop("The vote on this motion is already recorded.")
        )
    current = (
        CharterVersion.objects.select_for_update()
        .filter(union=union)
        .order_by("-number")
        .first()
    )
    if (current.pk if current else None) != motion.base_version_id:
        raise refuse(
            "stale",
            gettext_noop(
                "The charter has changed since this motion was proposed: propose it "
                "again against the text in force."
            ),
        )
    result = db.vote_result(
        yes=yes,
        no=no,
        abstain=abstain,
        method=method,
        delegates=entitled_voters(meeting),
    )
    on = voted_on or _today()
    _store_vote(motion, result, on)
    motion.status = MotionStatus.PASSED if result.passed else MotionStatus.REJECTED
    motion.save()
    version = None
    if result.passed:
        version = CharterVersion.objects.create(
            union=union,
            number=(current.number if current else 0) + 1,
            text=motion.text,
            adopted_on=on,
            motion=motion,
        )
    _record(
        actor,
        "record_motion_vote",
        meeting,
        role,
        motion=motion.pk,
        version=version.number if version else None,
        **_vote_data(result),
    )
    return motion
