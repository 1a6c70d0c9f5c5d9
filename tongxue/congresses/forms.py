"""Forms of the congress pages: they only parse input (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxue.domain.apportionment import Method

METHOD_CHOICES = [
    (Method.HAMILTON.value, _("Hamilton (largest remainder)")),
    (Method.DHONDT.value, _("D'Hondt (Jefferson)")),
    (Method.SAINTE_LAGUE.value, _("Sainte-Laguë (Webster)")),
    (Method.HUNTINGTON_HILL.value, _("Huntington–Hill (equal proportions)")),
    (Method.ADAMS.value, _("Adams")),
]
TIE_CHOICES = [
    ("refuse", _("Refuse: report the tie")),
    ("lot", _("Lot with a published seed")),
]


class SeatAllocationForm(forms.Form):
    """Allocate a congress's seats (CON-3, CON-4 · GS-8, CQ-3)."""

    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES)
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=0,
        required=False,
        help_text=_("Leave empty for the minimum the profile requires."),
    )
    min_seats = forms.IntegerField(
        label=_("Minimum seats per department"), min_value=1, initial=1
    )
    tie = forms.ChoiceField(label=_("Tie-break"), choices=TIE_CHOICES, initial="refuse")
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Published before the lot is drawn."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tie") == "lot" and data.get("seed") is None:
            self.add_error("seed", _("A lot needs a published integer seed."))
        return data
