"""Cadres: the public roster (CAD-2), advertised posts (CAD-1) and applying to them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongxue.cadres import selectors, services
from tongxue.cadres.models import Selection
from tongxue.organisations.models import Organisation

router = Router(tags=["cadres"])


class ErrorOut(Schema):
    code: str
    message: str
    params: dict[str, Any]


class RosterRowOut(Schema):
    """A post of the roster as the page shows it (CAD-2), with the students' messages
    the holder received through the relay (RGT-6): counts only, never who or what."""

    organisation: str
    role: str
    title: str
    vacant: bool
    name: str | None
    start: date | None
    end: date | None
    contact: str | None = Field(
        description="The official address the cadre chose (Position.public_contact)."
    )
    relay: str | None = Field(
        description=(
            "Else where a student writes to the cadre through the relay "
            "(/cadres/relay/<post>/, leading to the union's relay); null when the "
            "post is vacant, has a contact, or no relay reaches the roster's cadres."
        )
    )
    messages_received: int | None = Field(
        description=(
            "Students' messages: the contacts students opened with the holder "
            "through the school-level union's relay in the capacity of a cadre "
            "(RGT-6), as the roster page shows them; null when the post is vacant "
            "or no relay reaches the roster's cadres (then the page shows none)."
        )
    )
    messages_answered: int | None = Field(
        description=(
            "Of messages_received, those the holder answered (replied to at least "
            "once); null as messages_received."
        )
    )


class SelectionOut(Schema):
    id: int
    organisation: str
    role: str
    title: str
    state: str
    closes: date
    term_start: date
    term_end: date | None
    criteria: list[str]


class ApplyIn(Schema):
    statement: str


class ApplicationOut(Schema):
    id: int
    selection: int


@router.get("/roster/{code}", response={200: list[RosterRowOut], 404: ErrorOut})
def roster(request: HttpRequest, code: str) -> Any:
    """The main cadres of a union and its departments, vacancies included (public),
    with the students' messages each holder received and answered through the relay
    (RGT-6), as the roster page: the same selectors, a bounded number of queries
    whatever the number of posts."""
    from django.urls import reverse

    org = get_object_or_404(Organisation, code=code)
    sections = selectors.roster(org)
    # RGT-6: the contacts each cadre received through the relay (counts only; one
    # aggregate query, two for a roster below the school-level union)
    counted = selectors.roster_contacts(org, sections)
    out = []
    for section in sections:
        for row in section.rows:
            p = row.position
            received, answered = (
                row.contacts if row.contacts is not None else (None, None)
            )
            out.append(
                {
                    "organisation": section.organisation.code,
                    "role": row.role,
                    "title": row.title,
                    "vacant": p is None,
                    "name": p.person.name if p else None,
                    "start": p.start if p else None,
                    "end": p.end if p else None,
                    "contact": (p.public_contact or None) if p else None,
                    "relay": reverse("cadres:relay", args=[p.pk])
                    if p and not p.public_contact and counted
                    else None,
                    "messages_received": received,
                    "messages_answered": answered,
                }
            )
    return out


def _selection_out(s: Selection) -> dict[str, Any]:
    return {
        "id": s.pk,
        "organisation": s.organisation.code,
        "role": s.role,
        "title": s.title,
        "state": s.state,
        "closes": s.closes,
        "term_start": s.term_start,
        "term_end": s.term_end,
        "criteria": list(s.criteria),
    }


@router.get("/selections", response=list[SelectionOut])
@paginate(PageNumberPagination, page_size=50)
def list_selections(request: HttpRequest, organisation: str | None = None) -> Any:
    """Posts advertised for open selection, newest first (public)."""
    org = get_object_or_404(Organisation, code=organisation) if organisation else None
    return [_selection_out(s) for s in selectors.selections(organisation=org)]


@router.post(
    "/selections/{pk}/applications",
    auth=django_auth,
    response={201: ApplicationOut, 400: ErrorOut, 403: ErrorOut},
)
def apply(request: HttpRequest, pk: int, payload: ApplyIn) -> Any:
    """Apply to an advertised post as the signed-in student (session and CSRF)."""
    selection = get_object_or_404(
        Selection.objects.select_related("organisation"), pk=pk
    )
    application = services.apply(
        actor=request.user, selection=selection, statement=payload.statement
    )
    return Status(201, {"id": application.pk, "selection": selection.pk})
