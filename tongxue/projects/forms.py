"""The forms of the project pages: every POST goes through one (errors name the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.finances.models import Category

_DATE = {"type": "date"}


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("project", "Title"), max_length=200)
    summary = forms.CharField(
        label=_("Aims"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the project is for; shown on the public list."),
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        help_text=_("A cadre of the union who answers for the project."),
    )
    departments = forms.TypedMultipleChoiceField(
        label=_("Departments involved"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.CharField(
        label=_("Members"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_(
            "Cadres and students of the school: one student number or identifier a "
            "line."
        ),
    )
    start = _date(pgettext_lazy("project", "Start"))
    end = _date(pgettext_lazy("project", "End"), required=False)
    budget_year = forms.IntegerField(
        label=_("Budget line: school year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("The school year starting in September of this year."),
    )
    budget_category = forms.ChoiceField(
        label=_("Budget line: category"),
        required=False,
        choices=[("", "—"), *Category.choices],
    )
    budget_amount = forms.CharField(
        label=_("Amount planned (元)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]
        self.fields["departments"].choices = departments  # type: ignore[attr-defined]
        if not departments:
            del self.fields["departments"]

    def member_lines(self) -> list[str]:
        raw = self.cleaned_data.get("members") or ""
        return [
            line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()
        ]


class EventForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("event", "Title"), max_length=200)
    day = _date(_("Date"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class ConcludeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome report"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the project achieved, for whom, with what: published on the union's "
            "public page."
        ),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
