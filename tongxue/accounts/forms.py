"""Forms of the account pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
)
from django.utils.translation import gettext_lazy as _

from tongxue.core.models import RoleKind

ROLE_LABELS = dict(RoleKind.choices)


class GrantForm(forms.Form):
    """Grant a role here to an existing user (by user name) or to a person (by id)."""

    role = forms.ChoiceField(label=_("Access role"))
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        help_text=_("An existing account."),
    )
    person = forms.CharField(
        label=_("Person identifier"),
        max_length=64,
        required=False,
        help_text=_(
            "Or a person of the registry; an account is created for them if needed."
        ),
    )

    def __init__(self, *args: Any, roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, ROLE_LABELS[r]) for r in roles]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("username")) == bool(data.get("person")):
            raise forms.ValidationError(
                _("Give either a user name or a person identifier.")
            )
        return data


class InviteForm(forms.Form):
    person = forms.CharField(
        label=_("Person identifier"),
        max_length=64,
        help_text=_("The person receives a one-time link to create their account."),
    )


class RevokeForm(forms.Form):
    """Nothing to enter: the confirmation page posts it."""


class RedeemForm(forms.Form):
    username = forms.CharField(
        label=_("Choose a user name"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean_password2(self) -> str:
        p1 = self.cleaned_data.get("password1")
        p2 = self.cleaned_data.get("password2", "")
        if p1 and p1 != p2:
            raise forms.ValidationError(_("The two passwords differ."))
        return p2


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's password change form, the old password checked as a sign-in is.

    The old password goes through ``authenticate()``, so django-axes counts a wrong
    one as a failed sign-in of the account from this address, and refuses (the
    lockout page) once sign-in is locked: a stolen session cannot be used to guess
    the password.
    """

    def __init__(self, user: Any, *args: Any, request: Any = None, **kwargs: Any):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old
        )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old
