"""A user changes their own password."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from tongxue.core import auditlog


@transaction.atomic
def change_password(*, user: AbstractBaseUser, password: str) -> None:
    """Set the user's own new password (already validated by the form) and audit it.

    A new password hash ends every other session of the account (Django checks a hash
    of the password in each session) and every ballot token issued before
    (:mod:`tongxue.voting.tokens`); the view keeps the current session.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    auditlog.record(
        actor=user,
        action="account.password_change",
        target=user.get_username(),
        role="self",
        data={"user": user.pk},
    )
