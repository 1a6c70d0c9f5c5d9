"""Congresses: the list of an organisation's congresses, one congress with its seat
allocation and explanation (CON-3, CON-4), and its public delegates with provenance
(CON-6). Reads are public, like the pages; no personal identifier is returned.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tongxue.congresses import selectors
from tongxue.congresses.models import Meeting
from tongxue.domain.lifecycle import CONGRESS
from tongxue.organisations.models import Organisation

router = Router(tags=["congresses"])


class CongressOut(Schema):
    code: str
    organisation: str
    kind: str
    session: int | None
    opened: date
    closes: date | None
    status: str
    delegates: int


class SeatOut(Schema):
    unit: str
    name: str
    kind: str
    students: int
    quota: str
    seats: int
    why: str


class GradeOut(Schema):
    grade: int
    students: int
    seats: int
    divisor: str


class CellOut(Schema):
    unit: str
    grade: int
    students: int
    seats: int


class AllocationOut(Schema):
    mode: str
    method: str
    seats: int
    minimum: int
    min_seats_per_unit: int
    tie: str
    seed: int | None
    frozen: bool
    rows: list[SeatOut]
    grades: list[GradeOut]
    row_divisors: dict[str, str]
    cells: list[CellOut]


class CongressDetailOut(CongressOut):
    next_steps: list[str]
    allocation: AllocationOut | None


class DelegateOut(Schema):
    name: str
    department: str
    grade: int | None
    seat: str
    seat_grade: int | None
    electing_unit: str
    election_date: date | None
    electorate: int | None
    votes_cast: int | None
    votes: int | None


def _congress(m: Meeting, delegates: int) -> dict[str, Any]:
    return {
        "code": m.code,
        "organisation": m.organisation.code,
        "kind": m.kind,
        "session": m.session,
        "opened": m.opened,
        "closes": m.closes,
        "status": m.status,
        "delegates": delegates,
    }


def _meeting(code: str) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("organisation"), code=code)


@router.get("", response=list[CongressOut])
@paginate(PageNumberPagination, page_size=50)
def list_congresses(request: HttpRequest, organisation: str) -> Any:
    """The congresses, assemblies and standing meetings of one organisation (a code)."""
    org = get_object_or_404(Organisation, code=organisation)
    return [
        _congress(m, m.delegate_count)  # type: ignore[attr-defined]
        for m in selectors.congresses(organisation=org).select_related("organisation")
    ]


@router.get("/{code}", response=CongressDetailOut)
def get_congress(request: HttpRequest, code: str) -> Any:
    """One congress with its seat allocation and the explanation of every seat."""
    m = _meeting(code)
    table = selectors.allocation_table(m)
    allocation = None
    if table is not None:
        a = table.allocation
        explanation = a.explanation or {}
        kinds = dict(a.rows.values_list("unit__code", "kind"))
        allocation = {
            "mode": a.mode,
            "method": a.method,
            "seats": a.seats,
            "minimum": a.quota_minimum,
            "min_seats_per_unit": a.min_seats_per_unit,
            "tie": a.tie,
            "seed": a.seed,
            "frozen": a.frozen_at is not None,
            "rows": [
                {
                    "unit": r.unit_code,
                    "name": r.unit_name,
                    "kind": kinds.get(r.unit_code, "department"),
                    "students": r.students,
                    "quota": r.quota,
                    "seats": r.seats,
                    "why": r.why,
                }
                for r in table.rows
            ],
            "grades": [
                {
                    "grade": g["grade"],
                    "students": g["students"],
                    "seats": g["seats"],
                    "divisor": g["divisor"],
                }
                for g in explanation.get("grades", [])
            ],
            "row_divisors": {
                k: v["divisor"] for k, v in explanation.get("row_divisors", {}).items()
            },
            "cells": [
                {"unit": u, "grade": g, "students": s, "seats": n}
                for u, g, s, n in a.cells.values_list(
                    "unit__code", "grade", "students", "seats"
                ).order_by("unit__code", "grade")
            ],
        }
    return {
        **_congress(m, m.delegates.count()),
        "next_steps": list(CONGRESS.allowed(m.status)),
        "allocation": allocation,
    }


@router.get("/{code}/delegates", response=list[DelegateOut])
@paginate(PageNumberPagination, page_size=100)
def list_delegates(request: HttpRequest, code: str) -> Any:
    """The public delegate list: seat and provenance, no identifiers (CON-6)."""
    m = _meeting(code)
    return [
        {
            "name": r.name,
            "department": r.department,
            "grade": r.grade,
            "seat": r.seat,
            "seat_grade": r.seat_grade,
            "electing_unit": r.electing_unit,
            "election_date": r.held,
            "electorate": r.electorate,
            "votes_cast": r.votes_cast,
            "votes": r.votes,
        }
        for r in selectors.delegate_rows(selectors.delegates(m))
    ]
