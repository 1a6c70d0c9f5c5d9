"""Forms of the compliance pages: they parse input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class JustificationForm(forms.Form):
    """Record why an organisation departs from a default rule (a D requirement)."""

    rule = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    approved_by = forms.CharField(label=_("Approved by"), max_length=150)
    approved_on = forms.DateField(
        label=_("Approved on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_(
            "The last day it applies. It covers this finding as it is now: a "
            "changed finding needs a new justification."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class WithdrawForm(forms.Form):
    rule = forms.CharField(max_length=64)


class FindingFilterForm(forms.Form):
    """Narrow the compliance page's findings (GET): severity, requirement,
    organisation, city. Unknown values are dropped, never an error."""

    severity = forms.ChoiceField(label=_("Severity"), required=False)
    requirement = forms.ChoiceField(label=_("Requirement"), required=False)
    organisation = forms.CharField(
        label=_("Organisation code"), required=False, max_length=64
    )
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        severities: list[tuple[str, str]],
        requirements: list[str],
        cities: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        everything = ("", _("All"))
        self.fields["severity"].choices = [everything, *severities]
        self.fields["requirement"].choices = [
            everything,
            *((r, r) for r in requirements),
        ]
        self.fields["city"].choices = [
            everything,
            *((code, f"{name} ({code})") for code, name in cities),
        ]
        if not cities:
            self.fields["city"].widget = forms.HiddenInput()

    def values(self) -> dict[str, str]:
        """The valid filters (empty strings for the rest)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: str(cleaned.get(name) or "").strip()
            if name not in self.errors
            else ""
            for name in self.fields
        }
