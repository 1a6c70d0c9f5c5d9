"""Register people and change their records (ORG-1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, acting_role, has_perm
from tongxue.organisations.models import (
    Enrolment,
    Gender,
    Organisation,
    Person,
    PersonKind,
)
from tongxue.organisations.services.common import (
    _check_choice,
    _check_text,
    _json,
    _require,
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


_PERSON_CHOICES: dict[str, Any] = {
    "kind": PersonKind,
    "gender": Gender,
    "enrolment": Enrolment,
}


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
