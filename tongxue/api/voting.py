"""Voting (ELE-5): the bulletin board as JSON (public after the close) and the turnout.

The board is read by GET, page by page; one tracker is looked up by POST
(``/board/search``) so that it never appears in a URL (docs/voting.md, access logs).

Casting stays on the page endpoint ``POST /vote/<code>/cast/`` (see
:func:`tongxue.voting.views.cast`, which also answers JSON).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema

from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, has_perm
from tongxue.elections.models import Election
from tongxue.voting import selectors
from tongxue.voting.models import BallotDefinition

router = Router(tags=["voting"])


class BallotOut(Schema):
    tracker: str
    short_code: str
    cells: list[str]
    void_reason: str
    digest: str


class BoardOut(Schema):
    election: str
    candidates: list[str]
    form: str
    count: int
    page: int
    pages: int
    ballots: list[BallotOut]


class TurnoutOut(Schema):
    election: str
    status: str
    entitled: int
    present: int
    voted: int


def _election(code: str) -> Election:
    try:
        return Election.objects.select_related("organisation").get(code=code)
    except Election.DoesNotExist:
        raise Http404(code) from None


class BoardSearchIn(Schema):
    tracker: str = Field(..., min_length=1, max_length=64)
    page: int = 1


@router.get("/{code}/board", response=BoardOut)
def board(request: HttpRequest, code: str, page: int = 1) -> Any:
    """Return one page (50) of the bulletin board, after the close, in tracker order.

    To find one ballot, POST its tracker to ``/board/search``: a tracker in the address
    would be written to access logs and browser history, beside the voter's address.
    ``?tracker=`` is refused (400 ``tracker-in-url``) rather than silently ignored.
    """
    if "tracker" in request.GET:
        raise refuse(
            "tracker-in-url",
            gettext_noop(
                "Search the board for a tracker with a POST to …/board/search: a "
                "tracker in an address is written to access logs."
            ),
        )
    return _board(code, page=page, tracker="")


@router.post("/{code}/board/search", response=BoardOut)
def board_search(request: HttpRequest, code: str, payload: BoardSearchIn) -> Any:
    """Return the board's ballots whose tracker begins with ``tracker`` (a full tracker
    or a short code), after the close. Public, like the board; a POST so the tracker
    stays out of access logs (docs/voting.md)."""
    return _board(code, page=payload.page, tracker=payload.tracker)


def _board(code: str, *, page: int, tracker: str) -> dict[str, Any]:
    election = _election(code)
    if election.status not in selectors.AFTER_CLOSE:
        raise refuse(
            "not-closed",
            gettext_noop("The bulletin board is published when the vote is closed."),
        )
    definition = BallotDefinition.objects.filter(election=election).first()
    if definition is None:
        raise Http404(code)
    page_obj, rows = selectors.board_page(
        election, definition, page=page, tracker=tracker
    )
    return {
        "election": election.code,
        "candidates": [c["name"] for c in definition.candidates],
        "form": definition.form,
        "count": page_obj.paginator.count,
        "page": page_obj.number,
        "pages": page_obj.paginator.num_pages,
        "ballots": [
            {
                "tracker": r.tracker,
                "short_code": r.short_code,
                "cells": r.cells,
                "void_reason": r.void_reason,
                "digest": r.digest,
            }
            for r in rows
        ],
    }


@router.get("/{code}/turnout", response=TurnoutOut)
def turnout(request: HttpRequest, code: str) -> Any:
    """Return the turnout (counts only, never results); for the presidium."""
    election = _election(code)
    if not has_perm(request.user, Perm.RUN_ELECTION, election.organisation.path):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to change {target}."),
            target=election.title,
        )
    t = selectors.turnout(election)
    return {
        "election": election.code,
        "status": election.status,
        "entitled": t.entitled,
        "present": t.present,
        "voted": t.voted,
    }
