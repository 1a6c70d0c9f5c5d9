"""What the registry's services share: permission, checks of fields, guards' scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import Organisation, OrgKind, Person

_UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION)


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
