"""The congress lifecycle: freezing seats and delegates, convening, closing (CON-4, CON-5).

Each transition locks the meeting's row, checks the move against
:data:`tongxue.domain.lifecycle.CONGRESS`, saves and records the audit event
(:func:`_move`); :data:`TRANSITIONS` gives the service of each target state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import (
    Delegate,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SeatAllocation,
)
from tongxue.congresses.services.seats import QUOTA_KINDS
from tongxue.congresses.services.shared import locked_meeting, require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.lifecycle import CONGRESS

#: The audit rule whose justification lets a delegate list below the share be frozen.
NON_CORE_RULE = "CON-5.non-core-share"


def _covers(justification: Any, evidence: dict[str, Any]) -> bool:
    """Whether a stored CON-5 justification covers this delegate list today.

    It must be written for this occurrence (this congress, these counts) and not
    have expired (``tongxue.domain.justifications``).
    """
    from tongxue.domain import justifications, model
    from tongxue.domain.findings import Finding, Severity

    code = (
        "-"  # the organisation is the same on both sides; only the rule's data counts
    )
    finding = Finding(
        NON_CORE_RULE, "CON-5", (), Severity.DEVIATION, code, Message(""), evidence
    )
    stored = model.Justification(
        code,
        justification.rule,
        justification.reason,
        justification.approved_by,
        justification.approved_on,
        justification.valid_until,
        justification.evidence,
    )
    return justifications.covers(stored, finding, timezone.localdate())


def _move(
    *,
    actor: Actor,
    meeting: Meeting,
    target: str,
    role: str,
    data: dict[str, Any] | None = None,
) -> Meeting:
    refusal = CONGRESS.refusal(meeting.status, target)
    if refusal is not None:
        raise refusal
    before = meeting.status
    meeting.status = target
    meeting.save(update_fields=["status", "delegates_frozen_at"])
    auditlog.record(
        actor=actor,
        action=f"congress.{target}",
        organisation=meeting.organisation.code,
        target=meeting.code,
        role=role,
        data={"from": before, "to": target, **(data or {})},
    )
    return meeting


@transaction.atomic
def freeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """planned → seats_allocated: freeze the allocation (CON-4 · GS-8, CQ-3)."""
    role = require_manage(actor, meeting.organisation)
    meeting = locked_meeting(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.SEATS_ALLOCATED)
    if refusal is not None:
        raise refusal
    allocation = SeatAllocation.objects.filter(meeting=meeting).first()
    if allocation is None and meeting.kind == MeetingKind.CONGRESS:
        raise refuse(
            "CON-4.not-allocated",
            gettext_noop("Allocate the seats of {meeting} before freezing them."),
            meeting=meeting.code,
        )
    # An all-student assembly has no seats (every student sits), nor does a
    # standing-conference meeting (its standing delegates come from the congress).
    data: dict[str, Any] = {}
    if allocation is not None:
        allocation.frozen_at = timezone.now()
        allocation.save(update_fields=["frozen_at"])
        data = {"allocation": allocation.pk, "seats": allocation.seats}
    return _move(
        actor=actor,
        meeting=meeting,
        target=MeetingStatus.SEATS_ALLOCATED,
        role=role,
        data=data,
    )


@transaction.atomic
def unfreeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """seats_allocated → planned: unfreeze, only before any delegate is entered."""
    role = require_manage(actor, meeting.organisation)
    meeting = locked_meeting(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.PLANNED)
    if refusal is not None:
        raise refusal
    entered = Delegate.objects.filter(meeting=meeting).count()
    if entered:
        raise refuse(
            "has-delegates",
            gettext_noop(
                "{delegates} delegates are entered: the seats cannot be unfrozen."
            ),
            delegates=entered,
        )
    SeatAllocation.objects.filter(meeting=meeting).update(frozen_at=None)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.PLANNED, role=role)


@transaction.atomic
def freeze_delegates(
    *,
    actor: Actor,
    meeting: Meeting,
    reason: str = "",
    approved_by: str = "",
    approved_on: date | None = None,
) -> Meeting:
    """seats_allocated → delegates_elected: freeze the delegate list (CON-5 · GS-8, CQ-3).

    Below the profile's ``non_core_delegates_min_share`` of non-core delegates the
    list is frozen only with a justification of the deviation (``CON-5.non-core-share``,
    a D rule): one already recorded for the union, or the one given here (recorded by
    :func:`tongxue.compliance.services.record_justification`, which needs
    ``Perm.JUSTIFY``).
    """
    from tongxue.congresses.selectors import representation

    union = meeting.organisation
    role = require_manage(actor, union)
    meeting = locked_meeting(meeting)
    refusal = CONGRESS.refusal(meeting.status, MeetingStatus.DELEGATES_ELECTED)
    if refusal is not None:
        raise refusal
    if meeting.kind != MeetingKind.CONGRESS:
        # No elected delegates to check: an assembly or a standing-conference meeting.
        meeting.delegates_frozen_at = timezone.now()
        return _move(
            actor=actor,
            meeting=meeting,
            target=MeetingStatus.DELEGATES_ELECTED,
            role=role,
        )
    live = representation(meeting)
    if live.count.delegates == 0:
        raise refuse(
            "CON-6.no-delegates",
            gettext_noop("No delegates are entered: there is no list to freeze."),
        )
    # CON-5 applies at school level only ("校级层面"): a department congress is not judged.
    justified = ""
    if not live.meets and union.kind in QUOTA_KINDS:
        justified = _justify_non_core(
            actor, meeting, live, reason, approved_by, approved_on
        )
    meeting.delegates_frozen_at = timezone.now()
    return _move(
        actor=actor,
        meeting=meeting,
        target=MeetingStatus.DELEGATES_ELECTED,
        role=role,
        data={
            "delegates": live.count.delegates,
            "non_core": live.count.non_core,
            "min_share": live.min_share,
            "justified": justified,
        },
    )


def _justify_non_core(
    actor: Actor,
    meeting: Meeting,
    live: Any,
    reason: str,
    approved_by: str,
    approved_on: date | None,
) -> str:
    """CON-5 · GS-8, CQ-3: a delegate list below the share of non-core delegates is
    frozen only with a justification of this occurrence: the one given here
    (``"recorded"``) or one already recorded that covers it (``"existing"``); refused
    otherwise. ``live`` is the list's representation
    (:func:`tongxue.congresses.selectors.representation`)."""
    from tongxue.compliance.models import Justification
    from tongxue.compliance.services import record_justification

    union = meeting.organisation
    # The occurrence the justification covers: this congress, these counts (the
    # evidence keys of the audit's CON-5.non-core-share finding).
    evidence = {
        "congress": meeting.code,
        "delegates": live.count.delegates,
        "core_delegates": live.count.core,
    }
    existing = Justification.objects.filter(
        organisation=union, rule=NON_CORE_RULE
    ).first()
    if reason.strip():
        record_justification(
            actor=actor,
            organisation=union,
            rule=NON_CORE_RULE,
            reason=reason,
            approved_by=approved_by,
            approved_on=approved_on or timezone.localdate(),
            evidence=evidence,
        )
        return "recorded"
    if existing is not None and _covers(existing, evidence):
        return "existing"
    raise Refusal(
        "CON-5.non-core-share",
        Message(
            gettext_noop(
                "{non_core} of {delegates} delegates are not union core members "
                "({percent}), fewer than {min_percent}: at least {required} are "
                "needed, or record the justification of the deviation."
            ),
            {
                "non_core": live.count.non_core,
                "delegates": live.count.delegates,
                "percent": live.percent,
                "min_percent": live.min_percent,
                "required": live.required,
            },
        ),
        requirement="CON-5",
        clauses=live.clauses,
        field="reason",
    )


@transaction.atomic
def convene(*, actor: Actor, meeting: Meeting) -> Meeting:
    """delegates_elected → convened: the congress opens."""
    role = require_manage(actor, meeting.organisation)
    meeting = locked_meeting(meeting)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.CONVENED, role=role)


@transaction.atomic
def close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """convened → closed."""
    role = require_manage(actor, meeting.organisation)
    meeting = locked_meeting(meeting)
    return _move(actor=actor, meeting=meeting, target=MeetingStatus.CLOSED, role=role)


#: The service of each transition, by target state.
TRANSITIONS = {
    MeetingStatus.SEATS_ALLOCATED: freeze_seats,
    MeetingStatus.PLANNED: unfreeze_seats,
    MeetingStatus.DELEGATES_ELECTED: freeze_delegates,
    MeetingStatus.CONVENED: convene,
    MeetingStatus.CLOSED: close,
}
