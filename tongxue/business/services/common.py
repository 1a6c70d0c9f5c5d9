"""What the business services share: permission, audit record, today, votes.

The helpers of :mod:`tongxue.business.services`; :func:`entitled_voters` is public
(the pages show it).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max
from django.utils import timezone

from tongxue.business.models import (
    AgendaItem,
    CharterMotion,
    StandingDelegate,
    WorkReport,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, require
from tongxue.domain import business as db
from tongxue.organisations.models import Organisation


def _manage(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def _today() -> date:
    return timezone.localdate()


def _record(
    actor: Actor,
    action: str,
    meeting_or_org: Meeting | Organisation,
    role: str,
    **data: object,
) -> None:
    if isinstance(meeting_or_org, Meeting):
        org, target = meeting_or_org.organisation.code, meeting_or_org.code
    else:
        org, target = meeting_or_org.code, meeting_or_org.code
    auditlog.record(
        actor=actor,
        action=f"business.{action}",
        organisation=org,
        target=target,
        role=role,
        data=data,
    )


def entitled_voters(meeting: Meeting) -> int:
    """Return the delegates entitled to vote at ``meeting`` (standing delegates at a
    standing-conference meeting, else the meeting's delegates)."""
    if meeting.kind == MeetingKind.STANDING_CONFERENCE:
        return StandingDelegate.objects.filter(
            union_id=meeting.organisation_id, ended_on__isnull=True
        ).count()
    return Delegate.objects.filter(meeting=meeting).count()


def _cited(refusal: Refusal, organisation: Organisation) -> Refusal:
    """Return ``refusal`` citing only the clauses of the plan governing
    ``organisation`` (the domain's business refusals name both plans' clauses)."""
    from tongxue.organisations.profiles import governing_profile

    refusal.clauses = governing_profile(organisation).own_clauses(refusal.clauses)
    return refusal


def _agenda_guard(meeting: Meeting, kind: str) -> None:
    refusal = db.agenda_refusal(meeting.kind, kind)
    if refusal is not None:
        raise _cited(refusal, meeting.organisation)


def _ensure_item(meeting: Meeting, kind: str, title: str) -> None:
    if not AgendaItem.objects.filter(meeting=meeting, kind=kind).exists():
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))
        AgendaItem.objects.create(
            meeting=meeting, kind=kind, title=title, position=(last["m"] or 0) + 1
        )


def _store_vote(
    obj: WorkReport | CharterMotion, result: db.VoteResult, on: date
) -> None:
    obj.yes, obj.no, obj.abstain = result.yes, result.no, result.abstain
    obj.method, obj.base, obj.passed = result.method.value, result.base, result.passed
    obj.voted_on = on


def _vote_data(result: db.VoteResult) -> dict[str, object]:
    return {
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "method": result.method.value,
        "base": result.base,
        "passed": result.passed,
    }
