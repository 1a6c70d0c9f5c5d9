"""Forms of the evaluation pages: they only parse input (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongxue.domain.evaluation import DIMENSION_LABELS


class PeriodForm(forms.Form):
    """Plan an evaluation period (a semester) of a union (CAD-3, CAD-4)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("A short identifier, for example 2026-autumn."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    start = forms.DateField(
        label=_("First day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OpenPeriodForm(forms.Form):
    """Open a period: draw the sample of students with a published seed."""

    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_(
            "Published with the results; anyone can repeat the draw with it. "
            "Leave empty for a random seed."
        ),
    )


#: The answer "不了解" (I don't know): a choice, counted as no rating (#16).
DONT_KNOW = "dk"


def _score(value: str) -> int | None:
    return None if value == DONT_KNOW else int(value)


class RatingForm(forms.Form):
    """Rate a cadre on the five dimensions, or a work report (CAD-3, CAD-4, CAD-7).

    Each dimension is a compact scale 1 … max plus "不了解" (#16); an answer is
    required, and "不了解" comes out as ``None`` (the service counts it as no rating).
    """

    def __init__(
        self, *args: Any, dimensions: tuple[str, ...], scale_max: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(k), str(k)) for k in range(1, scale_max + 1)]
        choices.append((DONT_KNOW, gettext("Don't know")))
        for dim in dimensions:
            self.fields[dim] = forms.TypedChoiceField(
                label=gettext(DIMENSION_LABELS[dim]),
                choices=choices,
                coerce=_score,
                empty_value="",
                widget=forms.RadioSelect(attrs={"class": "scale-input"}),
            )

    def scores(self) -> dict[str, int | None]:
        return {name: self.cleaned_data[name] for name in self.fields}


class ReportForm(forms.Form):
    """File a 述职 report (CAD-4)."""

    text = forms.CharField(
        label=_("Your work report"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What you did this semester, what you did not achieve and why. "
            "Delegates and sampled students rate it; it is published when the "
            "period closes."
        ),
    )
