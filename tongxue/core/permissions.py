"""Who may do what, where: roles are scoped to an organisation and its subtree."""

from __future__ import annotations

import enum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_noop

from tongxue.core.models import RoleAssignment, RoleKind


class Perm(enum.StrEnum):
    VIEW_PRIVATE = "view_private"  # rosters with private data, audit log
    MANAGE = "manage"  # organisations, people, positions, meetings
    JUSTIFY = "justify"  # record a justification for a deviation
    IMPORT = "import"
    EXPORT = "export"
    GUIDE = (
        "guide"  # Youth League committee: set eligibility conditions, comment (ELE-2)
    )
    APPROVE = "approve"  # Party committee: approve candidate lists (ELE-2)
    RUN_ELECTION = "run_election"  # presidium/admin: open, close, count, certify
    ANSWER = "answer"  # answer objections to public notices (ELE-4)
    HANDLE = "handle"  # handle students' concerns routed here or below (RGT-1)
    KEEP_BOOKS = "keep_books"  # enter and submit ledger entries, disclose (TRN-4)
    APPROVE_SPENDING = "approve_spending"  # approve entries up to the threshold (TRN-4)


GRANTS: dict[str, frozenset[Perm]] = {
    RoleKind.STUDENT: frozenset(),
    RoleKind.DELEGATE: frozenset(),
    RoleKind.UNION_CADRE: frozenset({Perm.VIEW_PRIVATE}),
    RoleKind.UNION_ADMIN: frozenset(
        {
            Perm.VIEW_PRIVATE,
            Perm.MANAGE,
            Perm.JUSTIFY,
            Perm.IMPORT,
            Perm.EXPORT,
            Perm.RUN_ELECTION,
            Perm.ANSWER,
            Perm.HANDLE,
            Perm.KEEP_BOOKS,
        }
    ),
    RoleKind.LEAGUE_ADVISOR: frozenset(
        {Perm.VIEW_PRIVATE, Perm.JUSTIFY, Perm.EXPORT, Perm.GUIDE, Perm.ANSWER}
    ),
    RoleKind.RIGHTS_OFFICER: frozenset({Perm.HANDLE}),
    RoleKind.OFFICE_HANDLER: frozenset({Perm.HANDLE}),
    RoleKind.TREASURER: frozenset({Perm.KEEP_BOOKS}),
    RoleKind.FINANCE_APPROVER: frozenset({Perm.APPROVE_SPENDING}),
    RoleKind.PARTY_APPROVER: frozenset({Perm.VIEW_PRIVATE, Perm.APPROVE}),
    RoleKind.FEDERATION_ADMIN: frozenset(
        {
            Perm.VIEW_PRIVATE,
            Perm.MANAGE,
            Perm.JUSTIFY,
            Perm.IMPORT,
            Perm.EXPORT,
            Perm.RUN_ELECTION,
            Perm.ANSWER,
            Perm.HANDLE,
        }
    ),
}


def roles_at(user: AbstractBaseUser | AnonymousUser, org_path: str) -> list[str]:
    """Return the user's roles that cover the organisation with path ``org_path``."""
    if not getattr(user, "is_authenticated", False):
        return []
    codes = [c for c in org_path.split("/") if c]
    return list(
        RoleAssignment.objects.filter(
            user=user, organisation__code__in=codes
        ).values_list("role", flat=True)
    )


def has_perm(user: AbstractBaseUser | AnonymousUser, perm: Perm, org_path: str) -> bool:
    """Return whether a role of the user at the organisation or above grants ``perm``."""
    if getattr(user, "is_superuser", False):
        return True
    return any(perm in GRANTS.get(r, frozenset()) for r in roles_at(user, org_path))


def acting_role(
    user: AbstractBaseUser | AnonymousUser, perm: Perm, org_path: str
) -> str:
    """Return the role under which the user exercises ``perm`` here (for the audit log)."""
    if getattr(user, "is_superuser", False):
        return "operator"
    for r in roles_at(user, org_path):
        if perm in GRANTS.get(r, frozenset()):
            return r
    return ""


def require(
    actor: AbstractBaseUser | AnonymousUser | None,
    perm: Perm,
    org_path: str,
    *,
    target: str,
    message: str = gettext_noop("You are not allowed to change {target}."),
) -> str:
    """Refuse unless the actor holds ``perm`` at ``org_path``; return the acting role.

    ``actor=None`` is a system command (demo, import from the command line). ``message``
    is a message id with a ``{target}`` placeholder (mark it with gettext_noop).
    """
    from tongxue.core.errors import refuse

    if actor is None:
        return "system"
    if not has_perm(actor, perm, org_path):
        raise refuse("forbidden", message, target=target)
    return acting_role(actor, perm, org_path)
