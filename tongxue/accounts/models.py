"""Accounts and roles: invitations that let a person create their own sign-in account.

An invitation is a one-time, expiring code handed to a person on paper (many campuses
have no e-mail for students). Only the SHA-256 hash of its token is stored: the token
itself is shown once, on the page or sheet that issued it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationState(models.TextChoices):
    OPEN = "open", _("Open")
    REDEEMED = "redeemed", _("Used")
    REVOKED = "revoked", _("Replaced")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """A one-time code that links a new sign-in account to a person."""

    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="invitations"
    )
    # The organisation whose manager issued it: scopes who may see and re-issue it.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "redeemed_at", "revoked_at"])]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation {self.pk} · {self.person_id}"

    def state(self, now) -> str:  # type: ignore[no-untyped-def]
        """Return the invitation's state at ``now``."""
        if self.redeemed_at is not None:
            return InvitationState.REDEEMED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.OPEN


class ActivationCode(models.Model):
    """A short code on a class sheet with which an enrolled student activates an account.

    Only a keyed hash of the student number and the code is stored
    (:func:`tongxue.accounts.activation.code_hash`): the code has about 40 bits, which a
    plain hash would not protect if the database leaked; the key comes from
    ``SECRET_KEY``, which is not in the database. docs/accounts.md, "Activating the
    roster (students)".
    """

    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="activation_codes",
    )
    # The class or department it was issued for: scopes who may see and re-issue it.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "used_at", "revoked_at"])]
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")

    def __str__(self) -> str:
        return f"activation code {self.pk} · {self.person_id}"

    def state(self, now) -> str:  # type: ignore[no-untyped-def]
        """Return the code's state at ``now`` (the states of an invitation)."""
        if self.used_at is not None:
            return InvitationState.REDEEMED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.OPEN
