"""Write the organisation registry (ORG-1): organisations, people and positions.

Every service is keyword-only and atomic, checks the actor's permission at the
organisation (``actor=None`` is a system command and is allowed), and writes an audit
record in the same transaction. Appointments and changes to a school's branch campuses
run the audit rules as guards (``tongxue.domain.guards``): a change that would introduce
a new violation — a 主席助理 title (ORG-5 · GS-9, CQ-4), a 7th vice-president without a
branch campus (ORG-2 · GS-9, CQ-4), a student as secretary-general (ORG-3 · GS-9, CQ-4) —
is refused with the requirement and clauses it would break. A presidium post (president,
vice-president of a union) is filled only through a certified election of it (ELE-1,
ELE-3 · GS-8, CQ-3): :func:`appoint` refuses it without one, and the elections service
passes the election when its result takes effect.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, acting_role, has_perm, require
from tongxue.domain import model as dm
from tongxue.domain.audit import AuditContext
from tongxue.domain.guards import refuse_new_violations
from tongxue.domain.profiles import ProfileError, load_profile
from tongxue.domain.rules.elections import appointment_refusal
from tongxue.organisations.mappers import PERSON_FIELDS, load_registry, person_from_row
from tongxue.organisations.models import (
    DepartmentFunction,
    Enrolment,
    Gender,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
    Role,
    SchoolType,
)
from tongxue.organisations.paths import path_for

#: Organisation fields a service may set besides code, name, kind and parent.
ORGANISATION_FIELDS = frozenset(
    {
        "name_en",
        "students_served",
        "school_type",
        "county",
        "branch_campuses",
        "function",
        "profile",
    }
)
#: Person fields a service may set besides ident and name.
PERSON_FIELDS_WRITABLE = frozenset(
    {
        "kind",
        "student_number",
        "gender",
        "ethnicity",
        "department",
        "grade",
        "class_unit",
        "enrolment",
        "user",
    }
)
_CHOICES: dict[str, Any] = {
    "kind": OrgKind,
    "school_type": SchoolType,
    "function": DepartmentFunction,
}
_PERSON_CHOICES: dict[str, Any] = {
    "kind": PersonKind,
    "gender": Gender,
    "enrolment": Enrolment,
}
_UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)


# -- helpers -------------------------------------------------------------------------


def _require(actor: Actor, perm: Perm, path: str, what: str) -> str:
    return require(actor, perm, path, target=what)


def _today() -> date:
    return timezone.localdate()


def _check_choice(field: str, value: Any, choices: Any) -> None:
    if value not in choices.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field=field,
            value=value,
        )


def _check_org_fields(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - ORGANISATION_FIELDS)
    if unknown:
        raise refuse(
            "invalid",
            gettext_noop("Unknown organisation field: {name}."),
            field=unknown[0],
            name=unknown[0],
        )
    for name in ("school_type", "function"):
        if fields.get(name):
            _check_choice(name, fields[name], _CHOICES[name])
    if fields.get("branch_campuses") is not None and int(fields["branch_campuses"]) < 0:
        raise refuse(
            "invalid",
            gettext_noop("The number of branch campuses cannot be negative."),
            field="branch_campuses",
        )
    if fields.get("students_served") is not None and int(fields["students_served"]) < 0:
        raise refuse(
            "invalid",
            gettext_noop("The number of students served cannot be negative."),
            field="students_served",
        )
    if fields.get("profile"):
        try:
            load_profile(fields["profile"], search=_profile_dirs())
        except ProfileError:
            raise refuse(
                "invalid",
                gettext_noop("Unknown profile “{value}”."),
                field="profile",
                value=fields["profile"],
            ) from None


def _profile_dirs() -> tuple[Any, ...]:
    from pathlib import Path

    return tuple(Path(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())


def _check_text(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    return value


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Organisation):
        return value.code
    if isinstance(value, Person):
        return value.ident
    if hasattr(value, "pk"):
        return value.pk
    return value


def _guard_root(org: Organisation) -> str:
    """Return the code whose subtree a guard must load for a change at ``org``.

    The nearest school (its unions, presidia and branch campuses are what the rules of
    ORG-2 … ORG-8 compare), else the nearest union, else the organisation itself.
    """
    codes = [c for c in org.path.split("/") if c]
    kinds = dict(
        Organisation.objects.filter(code__in=codes).values_list("code", "kind")
    )
    for wanted in ((OrgKind.SCHOOL,), _UNION_KINDS):
        for code in reversed(codes):
            if kinds.get(code) in wanted:
                return code
    return org.code


# -- organisations -------------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    **fields: Any,
) -> Organisation:
    """Create an organisation under ``parent`` (a root when None) — ORG-1 · GS-1, GS-7, CQ-2.

    Needs ``Perm.MANAGE`` at the parent (a root only by a system command or an operator).
    """
    role = _require(
        actor,
        Perm.MANAGE,
        parent.path if parent else "/",
        parent.name if parent else code,
    )
    code = (code or "").strip()
    if not code:
        raise refuse("required", gettext_noop("This field is required."), field="code")
    if "/" in code:
        raise refuse(
            "invalid",
            gettext_noop("An organisation code cannot contain “/”."),
            field="code",
        )
    name = _check_text("name", name)
    _check_choice("kind", kind, OrgKind)
    _check_org_fields(fields)
    if Organisation.objects.filter(code=code).exists():
        raise refuse(
            "duplicate",
            gettext_noop("The code {value} is already used by another organisation."),
            field="code",
            value=code,
        )
    text_fields = {"name_en", "school_type", "county", "function", "profile"}
    values = {k: (v or "" if k in text_fields else v) for k, v in fields.items()}
    org = Organisation.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=path_for(parent.path if parent else None, code),
        **values,
    )
    auditlog.record(
        actor=actor,
        action="organisation.create",
        organisation=org.code,
        target=org.code,
        role=role,
        data={
            "name": name,
            "kind": kind,
            "parent": parent.code if parent else None,
            **{k: _json(v) for k, v in values.items()},
        },
    )
    return org


@transaction.atomic
def update_organisation(
    *, actor: Actor, organisation: Organisation, **fields: Any
) -> Organisation:
    """Change an organisation's name or attributes (not its code, kind or parent).

    Lowering a school's ``branch_campuses`` is guarded by ORG-2 · GS-9, CQ-4: it is
    refused while a branch-campus vice-president depends on it.
    """
    org = organisation
    role = _require(actor, Perm.MANAGE, org.path, org.name)
    for frozen in ("code", "kind", "parent", "path"):
        if frozen in fields:
            raise refuse(
                "invalid",
                gettext_noop("This field cannot be changed."),
                field=frozen,
            )
    name = fields.pop("name", None)
    _check_org_fields(fields)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _check_text("name", name)
    text_fields = {"name_en", "school_type", "county", "function", "profile"}
    for k, v in fields.items():
        changes[k] = v or "" if k in text_fields else v
    changes = {k: v for k, v in changes.items() if getattr(org, k) != v}
    if not changes:
        return org
    if "branch_campuses" in changes:
        root = _guard_root(org)
        before = load_registry(root)
        after_orgs = tuple(
            dataclasses.replace(o, branch_campuses=changes["branch_campuses"])
            if o.code == org.code
            else o
            for o in before.organisations
        )
        after = dataclasses.replace(before, organisations=after_orgs)
        refuse_new_violations(before, after, as_of=_today())
    old = {k: _json(getattr(org, k)) for k in changes}
    for k, v in changes.items():
        setattr(org, k, v)
    org.save(update_fields=[*changes, "updated_at"])
    auditlog.record(
        actor=actor,
        action="organisation.update",
        organisation=org.code,
        target=org.code,
        role=role,
        data={"before": old, "after": {k: _json(v) for k, v in changes.items()}},
    )
    return org


# -- people ----------------------------------------------------------------------------


def _check_person_fields(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - PERSON_FIELDS_WRITABLE)
    if unknown:
        raise refuse(
            "invalid",
            gettext_noop("Unknown person field: {name}."),
            field=unknown[0],
            name=unknown[0],
        )
    for name, choices in _PERSON_CHOICES.items():
        if fields.get(name):
            _check_choice(name, fields[name], choices)
    for name in ("department", "class_unit"):
        value = fields.get(name)
        if value is not None and not isinstance(value, Organisation):
            raise refuse("invalid", gettext_noop("Choose an organisation."), field=name)


def _person_scope(
    organisation: Organisation | None, fields: dict[str, Any]
) -> Organisation | None:
    return organisation or fields.get("department") or fields.get("class_unit")


@transaction.atomic
def create_person(
    *,
    actor: Actor,
    ident: str,
    name: str,
    organisation: Organisation | None = None,
    **fields: Any,
) -> Person:
    """Register a person; ``organisation`` (else their department or class) scopes the permission."""
    scope = _person_scope(organisation, fields)
    role = _require(
        actor, Perm.MANAGE, scope.path if scope else "/", scope.name if scope else name
    )
    ident = _check_text("ident", ident)
    name = _check_text("name", name)
    _check_person_fields(fields)
    if Person.objects.filter(ident=ident).exists():
        raise refuse(
            "duplicate",
            gettext_noop("The identifier {ident} is already used by another person."),
            field="ident",
            ident=ident,
        )
    text_fields = {"student_number", "gender", "ethnicity", "kind", "enrolment"}
    values = {k: v for k, v in fields.items() if not (k in text_fields and v is None)}
    person = Person.objects.create(ident=ident, name=name, **values)
    auditlog.record(
        actor=actor,
        action="person.create",
        organisation=scope.code if scope else "",
        target=ident,
        role=role,
        data={"name": name, **{k: _json(v) for k, v in values.items()}},
    )
    return person


@transaction.atomic
def update_person(*, actor: Actor, person: Person, **fields: Any) -> Person:
    """Change a person's record; allowed to managers of their department, class or posts."""
    paths = [
        p
        for p in (
            person.department.path if person.department_id else None,
            person.class_unit.path if person.class_unit_id else None,
        )
        if p
    ]
    paths += list(
        person.positions.values_list("organisation__path", flat=True).distinct()
    )
    role = "system"
    if actor is not None:
        granted = next((p for p in paths if has_perm(actor, Perm.MANAGE, p)), None)
        if granted is None and not getattr(actor, "is_superuser", False):
            raise refuse(
                "forbidden",
                gettext_noop("You are not allowed to change {target}."),
                target=person.name,
            )
        role = acting_role(actor, Perm.MANAGE, granted or "/")
    if "ident" in fields:
        raise refuse(
            "invalid", gettext_noop("This field cannot be changed."), field="ident"
        )
    name = fields.pop("name", None)
    _check_person_fields(fields)
    changes: dict[str, Any] = dict(fields)
    if name is not None:
        changes["name"] = _check_text("name", name)
    changes = {k: v for k, v in changes.items() if getattr(person, k) != v}
    if not changes:
        return person
    for moved in ("department", "class_unit"):
        target = changes.get(moved)
        if actor is not None and target is not None:
            _require(actor, Perm.MANAGE, target.path, target.name)
    old = {k: _json(getattr(person, k)) for k in changes}
    for k, v in changes.items():
        setattr(person, k, v)
    person.save()
    auditlog.record(
        actor=actor,
        action="person.update",
        organisation=person.department.code if person.department_id else "",
        target=person.ident,
        role=role,
        data={"before": old, "after": {k: _json(v) for k, v in changes.items()}},
    )
    return person


# -- positions -------------------------------------------------------------------------


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
    as_of = today if start <= today and (end is None or end >= today) else start
    guarded = before
    if election is not None and election.code not in {e.code for e in before.elections}:
        # An election of an organisation outside the subtree loaded: judged all the same.
        guarded = dataclasses.replace(before, elections=(*before.elections, election))
    refusal = appointment_refusal(AuditContext(guarded, as_of), new)
    if refusal is not None:
        raise refusal
    refuse_new_violations(before, after, as_of=as_of)
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


__all__ = [
    "Refusal",
    "appoint",
    "create_organisation",
    "create_person",
    "end_position",
    "update_organisation",
    "update_person",
]


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


__all__ += ["appoint_new_person"]
