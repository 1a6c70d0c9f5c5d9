"""Create and change organisations (ORG-1; a school's branch campuses guarded, ORG-2)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm
from tongxue.domain.guards import refuse_new_violations
from tongxue.domain.profiles import ProfileError, load_profile
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import (
    DepartmentFunction,
    Organisation,
    OrgKind,
    SchoolType,
)
from tongxue.organisations.paths import path_for
from tongxue.organisations.services.common import (
    _check_choice,
    _check_text,
    _guard_root,
    _json,
    _require,
    _today,
)

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


_CHOICES: dict[str, Any] = {
    "kind": OrgKind,
    "school_type": SchoolType,
    "function": DepartmentFunction,
}


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
