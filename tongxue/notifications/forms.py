"""Forms of the inbox pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxue.notifications import channels


class PageForm(forms.Form):
    """A button on the inbox: which page of the inbox to come back to."""

    page = forms.IntegerField(min_value=1, required=False)


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("E-mail me each notification"),
        required=False,
        help_text=_("Sent to the e-mail address of your account, as it arrives."),
    )
    daily_digest = forms.BooleanField(
        label=_("E-mail me a daily digest"),
        required=False,
        help_text=_(
            "Once a day, one e-mail listing the notifications of the last day you "
            "have not read yet; nothing when there are none."
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("Other channels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = channels.choosable()
        if choices:
            self.fields["channels"].choices = choices
        else:
            del self.fields["channels"]
