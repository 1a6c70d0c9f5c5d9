"""Forms of the activation pages: they parse input; :mod:`.activation` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from tongxue.organisations.models import Organisation, OrgKind


class IssueForm(forms.Form):
    """Choose a class or department within the organisation, and the sheet's format."""

    unit = forms.ChoiceField(label=_("Class or department"))
    format = forms.ChoiceField(
        choices=[("html", "html"), ("csv", "csv")],
        initial="html",
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, units: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (
                u.code,
                f"— {u.name}" if u.kind == OrgKind.CLASS_COMMITTEE else u.name,
            )
            for u in units
        ]


def _number_field() -> forms.CharField:
    return forms.CharField(
        label=_("Student number"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class ActivateForm(forms.Form):
    """The student number and code from the slip, and a password twice."""

    student_number = _number_field()
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("8 letters and digits from your slip, with or without the dash."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "ABCD-EFGH",
            }
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


class MailLinkForm(forms.Form):
    """The student number whose school mailbox gets a sign-in link."""

    student_number = _number_field()


class MailSignInForm(forms.Form):
    """The link's token, posted from the confirmation page (a mail scanner only GETs)."""

    sesame = forms.CharField(max_length=200, widget=forms.HiddenInput)
