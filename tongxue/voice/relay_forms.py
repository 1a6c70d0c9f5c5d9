"""The relay's one form (RGT-6): a message to a delegate or cadre, or a reply."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxue.voice.relay_services import MAX_TEXT


class RelayMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
