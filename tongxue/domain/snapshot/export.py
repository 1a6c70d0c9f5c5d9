"""Write a registry as a snapshot document: the inverse of :func:`.parse.parse_tables`.

Used by the export; every table in a stable order, the optional ones only when there
is something to write (so that a registry without them exports the same document as
before they existed).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from tongxue.domain import model as dm
from tongxue.domain.justifications import valid_until as justification_valid_until
from tongxue.domain.snapshot.tables import FORMAT, VERSION


def registry_to_tables(
    registry: dm.Registry, *, root: str | None = None
) -> dict[str, Any]:
    """Return the snapshot document of a registry, in a stable order (inverse of parse).

    With ``root``, only that organisation and its subtree are written (the root keeps its
    parent's code); positions, meetings, reviews and justifications follow their
    organisations, and people their positions and seats unless other people are given.
    """
    orgs = _tree_order(registry, root)
    codes = {o.code for o in orgs}
    positions = sorted(
        (p for p in registry.positions if p.organisation in codes),
        key=lambda p: (p.organisation, p.role.value, p.start, p.person),
    )
    meetings = sorted(
        (m for m in registry.meetings if m.organisation in codes), key=lambda m: m.code
    )
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "default_profile": registry.default_profile,
    }
    if root is not None:
        doc["root"] = root
    doc["organisations"] = [_organisation_row(o) for o in orgs]
    doc["people"] = [
        _person_row(p) for p in sorted(registry.people, key=lambda p: p.id)
    ]
    doc["positions"] = [_position_row(p) for p in positions]
    doc["meetings"] = [_meeting_row(m) for m in meetings]
    # The election of each delegate (CON-6) only where one is recorded, so that a
    # registry without them exports the same document as before.
    doc["delegates"] = [row for m in meetings for row in _delegate_rows(m)]
    doc["reviews"] = [
        _review_row(r)
        for r in sorted(
            registry.reviews, key=lambda r: (r.reviewer, r.reviewed, r.held)
        )
        if r.reviewer in codes
    ]
    doc["justifications"] = [
        {
            "organisation": j.organisation,
            "rule": j.rule,
            "reason": j.reason,
            "approved_by": j.approved_by,
            "approved_on": j.approved_on.isoformat(),
            "valid_until": justification_valid_until(j).isoformat(),
            "evidence": dict(j.evidence) if j.evidence is not None else None,
        }
        for j in sorted(registry.justifications, key=lambda j: (j.organisation, j.rule))
        if j.organisation in codes
    ]
    doc.update(_optional_tables(registry, codes))
    return doc


def _organisation_row(o: dm.Organisation) -> dict[str, Any]:
    return {
        "code": o.code,
        "name": o.name,
        "name_en": o.name_en,
        "kind": o.kind.value,
        "parent": o.parent,
        "students_served": o.students_served,
        "school_type": o.school_type.value if o.school_type else None,
        "county": o.county,
        "branch_campuses": o.branch_campuses,
        "function": o.function.value if o.function else None,
        "profile": o.profile,
    }


def _person_row(p: dm.Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind.value,
        "student_number": p.student_number,
        "gender": p.gender.value if p.gender else None,
        "ethnicity": p.ethnicity,
        "department": p.department,
        "grade": p.grade,
        "class": p.class_code,
        "enrolment": p.enrolment.value,
    }


def _position_row(p: dm.Position) -> dict[str, Any]:
    return {
        "organisation": p.organisation,
        "person": p.person,
        "role": p.role.value,
        "title": p.title,
        "start": p.start.isoformat(),
        "end": _iso(p.end),
        "branch_campus": p.branch_campus,
        "responsible_for_clubs": p.responsible_for_clubs,
        "public_contact": p.public_contact,
        # only where one is on record, so that a registry without elections
        # exports the same document as before
        **({"election": p.election} if p.election else {}),
    }


def _meeting_row(m: dm.Meeting) -> dict[str, Any]:
    return {
        "code": m.code,
        "organisation": m.organisation,
        "kind": m.kind.value,
        "session": m.session,
        "opened": m.opened.isoformat(),
        "work_report": m.work_report,
        **({"status": m.status.value} if m.status is not None else {}),
        # the business the audit reads (CON-7); only where it is recorded, so a
        # registry without it exports the same document as before
        **(
            {"agenda": list(m.agenda), "charter_in_force": m.charter_in_force}
            if m.agenda
            else {}
        ),
        # the seat plan (CON-4), only where one is recorded
        **(
            {
                "seats_by_grade": m.seats.by_grade,
                "seat_departments": list(m.seats.departments),
                "seat_grades": [str(g) for g in m.seats.grades],
                "seat_clubs": list(m.seats.clubs),
            }
            if m.seats is not None
            else {}
        ),
    }


def _review_row(r: dm.Review) -> dict[str, Any]:
    return {
        "reviewer": r.reviewer,
        "reviewed": r.reviewed,
        "held": r.held.isoformat(),
        "assessment_published": r.assessment_published,
        "report_heard": r.report_heard,
        "opinions_heard": r.opinions_heard,
        "opinions": r.opinions,
        "assessment": r.assessment,
        "rating": r.rating.value if r.rating is not None else None,
        "published_on": _iso(r.published_on),
    }


def _optional_tables(
    registry: dm.Registry, codes: Collection[str]
) -> dict[str, list[dict[str, Any]]]:
    """The optional tables of the organisations ``codes``, those with rows only.

    Written only when there is something to write, so that a registry without
    elections or semesters exports the same document as before.
    """
    tables: dict[str, list[dict[str, Any]]] = {
        "elections": [
            {
                "code": e.code,
                "organisation": e.organisation,
                "meeting": e.meeting,
                "post": e.post,
                "status": e.status,
            }
            for e in sorted(registry.elections, key=lambda e: (e.organisation, e.code))
            if e.organisation in codes
        ],
        "semesters": [
            {
                "organisation": s.organisation,
                "code": s.code,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "closed": s.closed,
                "reports": sorted(s.reports),
            }
            for s in sorted(
                registry.semesters, key=lambda s: (s.organisation, s.start, s.code)
            )
            if s.organisation in codes
        ],
        "evaluations": [
            _evaluation_row(e)
            for e in sorted(
                registry.evaluations, key=lambda e: (e.organisation, e.start, e.code)
            )
            if e.organisation in codes
        ],
        "written_reports": [
            {
                "organisation": r.organisation,
                "code": r.code,
                "filed": r.filed.isoformat(),
            }
            for r in sorted(
                registry.written_reports,
                key=lambda r: (r.organisation, r.filed, r.code),
            )
            if r.organisation in codes
        ],
        "standing_conferences": [
            {"organisation": c.organisation, "adopted": c.adopted.isoformat()}
            for c in sorted(registry.standing_conferences, key=lambda c: c.organisation)
            if c.organisation in codes
        ],
        "guidance": [
            _guidance_row(g)
            for g in sorted(
                registry.guidance, key=lambda g: (g.organisation, g.held, g.kind.value)
            )
            if g.organisation in codes
        ],
    }
    return {name: rows for name, rows in tables.items() if rows}


def _evaluation_row(e: dm.EvaluationPeriod) -> dict[str, Any]:
    """An evaluation (CAD-3): counts only, never a rating."""
    return {
        "organisation": e.organisation,
        "code": e.code,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "dimensions": list(e.dimensions),
        "cadres": e.cadres,
        "participants": e.participants,
        "eligible": e.eligible,
        "published": e.published,
    }


def _guidance_row(g: dm.Guidance) -> dict[str, Any]:
    return {
        "organisation": g.organisation,
        "kind": g.kind.value,
        "held": g.held.isoformat(),
        "by": g.by,
        "summary": g.summary,
        "public": g.public,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _tree_order(registry: dm.Registry, root: str | None) -> list[dm.Organisation]:
    """Organisations depth first, parents before children, siblings by code."""
    if root is not None:
        tops = [registry.org[root]] if root in registry.org else []
    else:
        tops = sorted(
            (
                o
                for o in registry.organisations
                if o.parent is None or o.parent not in registry.org
            ),
            key=lambda o: o.code,
        )
    out: list[dm.Organisation] = []
    stack = list(reversed(tops))
    seen: set[str] = set()
    while stack:
        org = stack.pop()
        if org.code in seen:
            continue
        seen.add(org.code)
        out.append(org)
        stack.extend(
            sorted(registry.kids(org.code), key=lambda o: o.code, reverse=True)
        )
    return out


def _delegate_rows(meeting: dm.Meeting) -> list[dict[str, Any]]:
    """The delegate rows of a meeting, each with its election where one is recorded."""
    elected = {e.person: e for e in meeting.provenance}
    rows: list[dict[str, Any]] = []
    for person in sorted(meeting.delegates):
        row: dict[str, Any] = {"meeting": meeting.code, "person": person}
        found = elected.get(person)
        if found is not None:
            row |= {
                "electing_unit": found.electing_unit,
                "election_date": found.held.isoformat(),
                "electorate": found.electorate,
                "votes_cast": found.votes_cast,
                "votes": found.votes,
            }
        rows.append(row)
    return rows
