"""A meeting's business, a union's charter and its standing delegates (CON-7 … CON-13).

Public reads, like the pages; no personal identifiers (names and departments only).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongxue.business import selectors
from tongxue.congresses.models import Meeting
from tongxue.organisations.models import Organisation

router = Router(tags=["business"])


class CharterVersionOut(Schema):
    number: int
    adopted_on: date
    text: str
    motion: str | None


class StandingDelegateOut(Schema):
    name: str
    department: str
    congress: str
    recommended_on: date


class VoteOut(Schema):
    yes: int | None
    no: int | None
    abstain: int | None
    method: str
    base: int | None
    passed: bool | None


class MotionOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    base_version: int | None
    added: int
    removed: int
    vote: VoteOut


class BusinessOut(Schema):
    meeting: str
    kind: str
    opened: date
    agenda: list[dict[str, str]]
    work_report: dict[str, object] | None
    motions: list[MotionOut]
    opinions: int


def _vote(obj: object) -> VoteOut:
    return VoteOut(
        yes=obj.yes,  # type: ignore[attr-defined]
        no=obj.no,  # type: ignore[attr-defined]
        abstain=obj.abstain,  # type: ignore[attr-defined]
        method=obj.method,  # type: ignore[attr-defined]
        base=obj.base,  # type: ignore[attr-defined]
        passed=obj.passed,  # type: ignore[attr-defined]
    )


@router.get("/{code}/charter", response=list[CharterVersionOut])
def charter(request: HttpRequest, code: str) -> list[CharterVersionOut]:
    """The union's charter versions, the one in force first."""
    union = get_object_or_404(Organisation, code=code)
    return [
        CharterVersionOut(
            number=v.number,
            adopted_on=v.adopted_on,
            text=v.text,
            motion=v.motion.title if v.motion else None,
        )
        for v in selectors.charter_history(union)
    ]


@router.get("/{code}/standing-delegates", response=list[StandingDelegateOut])
def standing_delegates(request: HttpRequest, code: str) -> list[StandingDelegateOut]:
    """The union's current standing delegates (CON-8), by department."""
    union = get_object_or_404(Organisation, code=code)
    return [
        StandingDelegateOut(
            name=r.name,
            department=r.department,
            congress=r.congress,
            recommended_on=r.recommended_on,
        )
        for r in selectors.standing_delegates(union)
    ]


@router.get("/{code}/meetings/{meeting_code}", response=BusinessOut)
def meeting_business(request: HttpRequest, code: str, meeting_code: str) -> BusinessOut:
    """A meeting's agenda, work report and its review, charter motions with results."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("organisation"),
        code=meeting_code,
        organisation__code=code,
    )
    b = selectors.meeting_business(meeting)
    report = None
    if b.report is not None:
        report = {
            "title": b.report.title,
            "text": b.report.text,
            "reviewed": b.report.voted,
            "vote": _vote(b.report).dict(),
        }
    return BusinessOut(
        meeting=meeting.code,
        kind=meeting.kind,
        opened=meeting.opened,
        agenda=[{"kind": i.kind, "title": i.title} for i in b.agenda],
        work_report=report,
        motions=[
            MotionOut(
                id=v.motion.pk,
                kind=v.motion.kind,
                title=v.motion.title,
                status=v.motion.status,
                base_version=v.base_number,
                added=v.added,
                removed=v.removed,
                vote=_vote(v.motion),
            )
            for v in b.motions
        ],
        opinions=b.opinion_count,
    )
