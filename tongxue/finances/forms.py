"""The forms of the finance pages: every POST goes through one (errors name the field).

Amounts are text fields: the domain parses them exactly (``tongxue.domain.finance.
parse_amount``), never through a float.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.finances.models import Category, EntryKind, IncomeSource

_DATE = {"type": "date"}


def _text(
    label: Any, *, rows: int = 3, required: bool = True, max_length: int = 2000
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _amount(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    amount = _amount(_("Amount (元)"), _("To the 分, e.g. 125.50."))
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    summary = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("摘要: what the money is for or comes from."),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", "—"), *Category.choices],
        help_text=_("Of a budget line or an expenditure."),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", "—"), *IncomeSource.choices],
        help_text=_("Of an income."),
    )
    sponsor = forms.CharField(
        label=_("Sponsor"),
        required=False,
        max_length=120,
        help_text=_("Named for a sponsorship."),
    )
    project = forms.CharField(label=_("Project"), required=False, max_length=120)
    payee = forms.CharField(
        label=_("Payee"),
        required=False,
        max_length=120,
        help_text=_("Who is paid (an expenditure)."),
    )
    handled_by = forms.ModelChoiceField(
        label=_("Handled by (经办人)"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Myself"),
        help_text=_("Who pays or receives the money; they cannot approve the entry."),
    )
    payee_is_student = forms.BooleanField(
        label=_("The payee is a student (the name is masked on the public page)"),
        required=False,
    )
    receipt = forms.FileField(
        label=_("Receipt (a photo or scan)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "capture": "environment",
            }
        ),
    )

    def __init__(self, *args: Any, handlers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if handlers is not None:
            field = self.fields["handled_by"]
            field.queryset = handlers  # type: ignore[attr-defined]
            field.label_from_instance = _handler_label  # type: ignore[attr-defined]


def _handler_label(user: Any) -> str:
    try:
        return f"{user.person.name} ({user.get_username()})"
    except ObjectDoesNotExist:  # no person: the user name
        return str(user.get_username())


class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label=_("Receipt (a photo or scan)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "capture": "environment",
            }
        ),
    )


class RejectForm(forms.Form):
    reason = _text(_("Why it is rejected"))


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is corrected"),
        max_length=200,
        help_text=_("The reversing entry's purpose, e.g. 冲销：金额录入错误."),
    )


class ThresholdForm(forms.Form):
    advisor_threshold = _amount(
        _("The League advisor approves expenditures above (元)"),
    )


class DiscloseForm(forms.Form):
    term = forms.ChoiceField(label=pgettext_lazy("school term", "Term"))
    note = _text(_("Note to students"), required=False)

    def __init__(self, *args: Any, terms: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = terms


class QuestionForm(forms.Form):
    text = _text(_("Your question on this entry"))


class AnswerForm(forms.Form):
    text = _text(_("The union's public answer"))
