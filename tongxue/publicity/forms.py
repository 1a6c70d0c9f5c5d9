from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxue.publicity.services import MAX_TEXT


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your objection"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The text and its answer are public; your name is seen only by those who "
            "answer it."
        ),
    )


class AnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Answer"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("0", _("Not upheld: the subject may take effect")),
            ("1", _("Upheld: the subject does not take effect")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class WithdrawForm(forms.Form):
    """The confirmation that a notice published in error is withdrawn (ELE-4)."""

    withdraw = forms.ChoiceField(choices=[("yes", _("Yes, withdraw the notice"))])
