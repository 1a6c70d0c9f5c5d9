"""Elections (ELE-1 … ELE-5): an organisation's elections, an election with its
approved candidates (public fields only), and its certified result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from tongxue.elections import selectors
from tongxue.elections.models import Election
from tongxue.organisations.models import Organisation

router = Router(tags=["elections"])


class ElectionOut(Schema):
    code: str
    organisation: str = Field(..., alias="organisation.code")
    title: str
    post: str
    seats: int
    status: str
    mode: str
    round: int
    previous_round: str | None
    meeting: str | None
    method: dict[str, Any]
    certified_at: datetime | None

    @staticmethod
    def resolve_previous_round(obj: Any) -> str | None:
        return obj.previous_round.code if obj.previous_round_id else None

    @staticmethod
    def resolve_meeting(obj: Any) -> str | None:
        return obj.meeting.code if obj.meeting_id else None


class CandidateOut(Schema):
    position: int
    name: str
    nominated_by: str
    statement: str


class ElectionDetailOut(ElectionOut):
    candidates: list[CandidateOut]

    @staticmethod
    def resolve_candidates(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "position": c.position,
                "name": c.person.name,
                "nominated_by": c.nominated_by,
                "statement": c.statement,
            }
            for c in selectors.public_candidates(obj)
        ]


@router.get("", response=list[ElectionOut])
@paginate(PageNumberPagination, page_size=50)
def list_elections(request: HttpRequest, organisation: str) -> Any:
    """List the elections of an organisation (by code), newest first."""
    org = get_object_or_404(Organisation, code=organisation)
    return selectors.elections_of(org).select_related("organisation", "previous_round")


@router.get("/{code}", response=ElectionDetailOut)
def get_election(request: HttpRequest, code: str) -> Any:
    """An election with its approved candidates (name, statement, nomination)."""
    try:
        election = selectors.get_election(code)
    except Election.DoesNotExist:
        raise HttpError(404, "Not Found") from None
    return election


@router.get("/{code}/result", response=dict[str, Any])
def get_result(request: HttpRequest, code: str) -> Any:
    """The certified result (the documented count JSON); 404 before certification."""
    try:
        election = selectors.get_election(code)
    except Election.DoesNotExist:
        raise HttpError(404, "Not Found") from None
    result = selectors.public_result(election)
    if result is None:
        raise HttpError(404, "The result is not certified yet.")
    result.pop("explanation_translated", None)  # the page's; the API keeps the JSON
    return {"election": election.code, "status": election.status, **result}
