"""Voting (ELE-5): the bulletin board as JSON (public after the close) and the turnout.

Casting stays on the page endpoint ``POST /vote/<code>/cast/`` (see
:func:`tongxue.voting.views.cast`, which also answers JSON).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema

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


@router.get("/{code}/board", response=BoardOut)
def board(request: HttpRequest, code: str, page: int = 1, tracker: str = "") -> Any:
    """Return one page (50) of the bulletin board, after the close, in tracker order."""
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
