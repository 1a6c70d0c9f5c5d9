"""The congress lifecycle: freezing seats and delegates, convening, closing (CON-4, CON-5).

Each service checks the actor, then moves the meeting with
:func:`tongxue.core.lifecycle.transition` (row lock, the move checked against
:data:`tongxue.domain.lifecycle.CONGRESS`, save, audit event ``congress.<state>``).
The service's own conditions (an allocation, no delegate entered, the delegate
list's CON-5 share) are its ``check``, which ``transition`` runs under its lock: the
meeting row is locked once, and what the check reads cannot change before the move.
A check that finds the audit record's data puts it in the ``data`` mapping given to
``transition``, which writes the record after the check. The page's buttons and the
service of each target state are the transition table of
:mod:`tongxue.congresses.views` (``STEPS``).
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
from tongxue.congresses.services.shared import require_manage
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
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


@transaction.atomic
def freeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """planned → seats_allocated: freeze the allocation (CON-4 · GS-8, CQ-3)."""
    role = require_manage(actor, meeting.organisation)
    data: dict[str, Any] = {}  # the audit data, found under the lock
    frozen: list[SeatAllocation] = []

    def allocated(meeting: Meeting) -> Refusal | None:
        allocation = SeatAllocation.objects.filter(meeting=meeting).first()
        # An all-student assembly has no seats (every student sits), nor does a
        # standing-conference meeting (its standing delegates come from the congress).
        if allocation is None and meeting.kind == MeetingKind.CONGRESS:
            return refuse(
                "CON-4.not-allocated",
                gettext_noop("Allocate the seats of {meeting} before freezing them."),
                meeting=meeting.code,
            )
        if allocation is not None:
            frozen.append(allocation)
            data.update(allocation=allocation.pk, seats=allocation.seats)
        return None

    transition(
        meeting,
        CONGRESS,
        MeetingStatus.SEATS_ALLOCATED,
        actor=actor,
        action="congress.seats_allocated",
        organisation=meeting.organisation.code,
        role=role,
        subject=meeting.code,
        check=allocated,
        data=data,
    )
    for allocation in frozen:
        allocation.frozen_at = timezone.now()
        allocation.save(update_fields=["frozen_at"])
    return meeting


@transaction.atomic
def unfreeze_seats(*, actor: Actor, meeting: Meeting) -> Meeting:
    """seats_allocated → planned: unfreeze, only before any delegate is entered."""
    role = require_manage(actor, meeting.organisation)

    def no_delegates(meeting: Meeting) -> Refusal | None:
        entered = Delegate.objects.filter(meeting=meeting).count()
        if entered:
            return refuse(
                "has-delegates",
                gettext_noop(
                    "{delegates} delegates are entered: the seats cannot be unfrozen."
                ),
                delegates=entered,
            )
        return None

    transition(
        meeting,
        CONGRESS,
        MeetingStatus.PLANNED,
        actor=actor,
        action="congress.planned",
        organisation=meeting.organisation.code,
        role=role,
        subject=meeting.code,
        check=no_delegates,
    )
    SeatAllocation.objects.filter(meeting=meeting).update(frozen_at=None)
    return meeting


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
    data: dict[str, Any] = {}  # the audit data, found under the lock

    def delegates_checked(meeting: Meeting) -> Refusal | None:
        # An assembly or a standing-conference meeting has no elected delegates to
        # check.
        if meeting.kind != MeetingKind.CONGRESS:
            return None
        live = representation(meeting)
        if live.count.delegates == 0:
            return refuse(
                "CON-6.no-delegates",
                gettext_noop("No delegates are entered: there is no list to freeze."),
            )
        # CON-5 applies at school level only ("校级层面"): a department congress is
        # not judged. The justification given is recorded here, under the lock, or
        # the refusal raised.
        justified = ""
        if not live.meets and union.kind in QUOTA_KINDS:
            justified = _justify_non_core(
                actor, meeting, live, reason, approved_by, approved_on
            )
        data.update(
            delegates=live.count.delegates,
            non_core=live.count.non_core,
            min_share=live.min_share,
            justified=justified,
        )
        return None

    return transition(
        meeting,
        CONGRESS,
        MeetingStatus.DELEGATES_ELECTED,
        actor=actor,
        action="congress.delegates_elected",
        organisation=union.code,
        role=role,
        subject=meeting.code,
        data=data,
        changes={"delegates_frozen_at": timezone.now()},
        check=delegates_checked,
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
    return transition(
        meeting,
        CONGRESS,
        MeetingStatus.CONVENED,
        actor=actor,
        action="congress.convened",
        organisation=meeting.organisation.code,
        role=role,
        subject=meeting.code,
    )


@transaction.atomic
def close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """convened → closed."""
    role = require_manage(actor, meeting.organisation)
    return transition(
        meeting,
        CONGRESS,
        MeetingStatus.CLOSED,
        actor=actor,
        action="congress.closed",
        organisation=meeting.organisation.code,
        role=role,
        subject=meeting.code,
    )
