"""Write accounts: grant and revoke roles, issue and redeem invitations.

Every service is keyword-only and atomic, checks the actor's permission, and writes an
audit record in the same transaction.

The grant policy lives in :func:`grantable_roles` and nowhere else (its rules are listed
in :mod:`.roles`); invitations in :mod:`.invitations`, a user's own password in
:mod:`.passwords`. Everything is re-exported here.
"""

from tongxue.accounts.services.invitations import (
    INVITATION_DAYS,
    Issued,
    create_invitation,
    hash_token,
    invitation_for,
    invite_persons,
    new_token,
    redeem_invitation,
)
from tongxue.accounts.services.passwords import change_password
from tongxue.accounts.services.roles import (
    ALL_ROLES,
    ROLE_MSGIDS,
    SELF_APPOINTING,
    UNION_GRANTABLE,
    User,
    account_for,
    grant_role,
    grantable_roles,
    person_in_scope,
    revoke_role,
    roles_beyond,
)

__all__ = [
    "ALL_ROLES",
    "INVITATION_DAYS",
    "ROLE_MSGIDS",
    "SELF_APPOINTING",
    "UNION_GRANTABLE",
    "Issued",
    "User",
    "account_for",
    "change_password",
    "create_invitation",
    "grant_role",
    "grantable_roles",
    "hash_token",
    "invitation_for",
    "invite_persons",
    "new_token",
    "person_in_scope",
    "redeem_invitation",
    "revoke_role",
    "roles_beyond",
]
