"""Forms of the compliance pages: they parse input; services decide."""

from __future__ import annotations

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
