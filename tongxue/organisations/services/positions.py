"""Appoint people to positions and end their terms, the audit's rules as guards.

A presidium post is filled only through a certified election of it (ELE-1, ELE-3 ·
GS-8, CQ-3); every appointment is refused if it would introduce a new violation of the
plan (ORG-2, ORG-3, ORG-5 … · GS-9, CQ-4).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm
from tongxue.domain import model as dm
from tongxue.domain.audit import AuditContext
from tongxue.domain.guards import refuse_new_violations
from tongxue.domain.rules.elections import appointment_refusal
from tongxue.organisations.mappers import PERSON_FIELDS, load_registry, person_from_row
from tongxue.organisations.models import (
    Organisation,
    Person,
    PersonKind,
    Position,
    Role,
)
from tongxue.organisations.services.common import (
    _check_choice,
    _check_text,
    _guard_root,
    _require,
    _today,
)
from tongxue.organisations.services.people import create_person


@transaction.atomic
def appoint(
    *,
    actor: Actor,
    organisation: Organisation,
    person: Person,
    role: str,
    title: str,
    start: date,
    end: date | None = None,
    branch_campus: bool = False,
    responsible_for_clubs: bool = False,
    public_contact: str = "",
    election: dm.Election | None = None,
) -> Position:
    """Appoint a person to a position, refusing any new violation of the plan.

    A presidium post (president, vice-president of a school-level or department union)
    is filled only by ``election``, a certified election of that post at that union
    (ELE-1, ELE-3 · GS-8, CQ-3): without one the appointment is refused with a message
    saying to run an election. Only the elections service passes ``election`` (when a
    certified result takes effect, for the candidates it elects; as the registry holds
    it, so that organisations imports no app above it); no page or API does. The
    position records the election's code.

    Guards every rule of the audit over the school (or union) before and after the
    appointment: e.g. ORG-2 (a 7th vice-president needs a branch campus and
    ``branch_campus=True``), ORG-3 (the secretary-general is a League cadre), ORG-5 (no
    assistant titles) — each GS-9, CQ-4. The refusal carries the requirement and clauses.
    """
    org = organisation
    acting = _require(actor, Perm.MANAGE, org.path, org.name)
    title = _check_appointment(org, person, role, title, start, end)
    new = dm.Position(
        organisation=org.code,
        person=person.ident,
        role=dm.Role(role),
        title=title,
        start=start,
        end=end,
        branch_campus=branch_campus,
        responsible_for_clubs=responsible_for_clubs,
        public_contact=public_contact,
        election=election.code if election is not None else None,
    )
    _guard_appointment(org, person, new, election)
    position = Position.objects.create(
        organisation=org,
        person=person,
        role=role,
        title=title,
        start=start,
        end=end,
        branch_campus=branch_campus,
        responsible_for_clubs=responsible_for_clubs,
        public_contact=public_contact,
        election=new.election or "",
    )
    auditlog.record(
        actor=actor,
        action="position.appoint",
        organisation=org.code,
        target=person.ident,
        role=acting,
        data={
            "person": person.ident,
            "role": role,
            "title": title,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "branch_campus": branch_campus,
            "responsible_for_clubs": responsible_for_clubs,
            "election": new.election,
        },
    )
    return position


def _check_appointment(
    org: Organisation,
    person: Person,
    role: str,
    title: str,
    start: date,
    end: date | None,
) -> str:
    """Check the fields of an appointment; return its title, stripped."""
    _check_choice("role", role, Role)
    title = _check_text("title", title)
    if end is not None and end < start:
        raise refuse(
            "invalid",
            gettext_noop("The end date cannot be before the start date."),
            field="end",
        )
    if Position.objects.filter(
        organisation=org, person=person, role=role, start=start
    ).exists():
        raise refuse(
            "duplicate",
            gettext_noop("{person} already holds this position from {start}."),
            field="start",
            person=person.name,
            start=start.isoformat(),
        )
    return title


def _guard_appointment(
    org: Organisation,
    person: Person,
    new: dm.Position,
    election: dm.Election | None,
) -> None:
    """Refuse the appointment ``new`` if the plan forbids it.

    A presidium post without its certified election (ELE-1, ELE-3), or any new
    violation of the audit's rules over the school (or union) it changes.
    """
    before = load_registry(_guard_root(org))
    people = before.people
    if person.ident not in before.person:
        row = Person.objects.filter(pk=person.pk).values_list(*PERSON_FIELDS).get()
        people = (*people, person_from_row(row))
    after = dataclasses.replace(
        before, people=people, positions=(*before.positions, new)
    )
    # Check the day the appointment takes effect, or today for a term already running.
    today = _today()
    start, end = new.start, new.end
    as_of = today if start <= today and (end is None or end >= today) else start
    guarded = before
    if election is not None and election.code not in {e.code for e in before.elections}:
        # An election of an organisation outside the subtree loaded: judged all the same.
        guarded = dataclasses.replace(before, elections=(*before.elections, election))
    refusal = appointment_refusal(AuditContext(guarded, as_of), new)
    if refusal is not None:
        raise refusal
    refuse_new_violations(before, after, as_of=as_of)


@transaction.atomic
def end_position(*, actor: Actor, position: Position, end: date) -> Position:
    """End a term of office on ``end`` (a vacancy is reported by the audit, not refused)."""
    org = position.organisation
    acting = _require(actor, Perm.MANAGE, org.path, org.name)
    if end < position.start:
        raise refuse(
            "invalid",
            gettext_noop("The end date cannot be before the start date."),
            field="end",
        )
    old = position.end
    position.end = end
    position.save(update_fields=["end"])
    auditlog.record(
        actor=actor,
        action="position.end",
        organisation=org.code,
        target=position.person.ident,
        role=acting,
        data={
            "position": position.pk,
            "role": position.role,
            "title": position.title,
            "before": old.isoformat() if old else None,
            "end": end.isoformat(),
        },
    )
    return position


@transaction.atomic
def appoint_new_person(
    *,
    actor: Actor,
    organisation: Organisation,
    ident: str,
    name: str,
    role: str,
    title: str,
    start: date,
    kind: str = PersonKind.STUDENT,
    student_number: str = "",
    end: date | None = None,
    branch_campus: bool = False,
    responsible_for_clubs: bool = False,
    public_contact: str = "",
) -> Position:
    """Register a person and appoint them at ``organisation`` in one step (ORG-1).

    All or nothing: when the appointment is refused by a guard (e.g. ORG-5 · GS-9,
    CQ-4 for an assistant title), the person is not registered either. Both steps
    write their audit records (``person.create``, ``position.appoint``).
    """
    person = create_person(
        actor=actor,
        ident=ident,
        name=name,
        organisation=organisation,
        kind=kind or PersonKind.STUDENT,
        student_number=student_number or "",
    )
    return appoint(
        actor=actor,
        organisation=organisation,
        person=person,
        role=role,
        title=title,
        start=start,
        end=end,
        branch_campus=branch_campus,
        responsible_for_clubs=responsible_for_clubs,
        public_contact=public_contact,
    )
