"""The forms of the club pages: every POST goes through one (errors name the field);
the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.clubs.models import ClubCategory, ClubStatus

_DT = {"type": "datetime-local"}
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _text(
    label: Any, *, rows: int = 3, required: bool = True, help_text: Any = ""
) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ClubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=ClubCategory.choices)
    description = forms.CharField(
        label=_("What the club does"), max_length=300, required=False
    )
    guiding_unit = forms.CharField(
        label=_("Guiding unit"),
        max_length=120,
        help_text=_("The League committee or the department that guides the club."),
    )
    advisor = forms.CharField(label=_("Advisor (teacher)"), max_length=60)
    responsible = forms.CharField(
        label=_("Responsible student (student number)"),
        max_length=64,
        required=False,
        help_text=_(
            "They are told of the decisions on the club's activities; "
            "only their name is public."
        ),
    )
    organisation = forms.ChoiceField(
        label=_("The club in the registry"),
        required=False,
        choices=(),
        help_text=_(
            "When the club is an organisation of the registry (under the union or "
            "its school's club federation), link it: the register shows the link."
        ),
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", _("not in the registry")),
            *((o.code, o.name) for o in organisations),
        ]


class ClubEditForm(ClubForm):
    status = forms.ChoiceField(label=_("Status"), choices=ClubStatus.choices)


class ActivityForm(forms.Form):
    club = forms.TypedChoiceField(label=_("Club"), coerce=int, choices=())
    title = forms.CharField(
        label=pgettext_lazy("club activity", "Title"), max_length=120
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        required=False,
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    organiser = forms.CharField(
        label=_("Organiser"),
        max_length=80,
        help_text=_("The student or the club's office in charge."),
    )
    expected_participants = forms.IntegerField(
        label=_("Expected participants"), min_value=1, max_value=100_000
    )
    content = _text(_("Content"), rows=4)
    speakers = _text(
        _("Outside speakers"),
        required=False,
        help_text=_("Name and affiliation of every speaker from outside the school."),
    )
    sponsors = _text(
        _("Sponsors"),
        required=False,
        help_text=_("Every sponsor from outside the school and what it gives."),
    )

    def __init__(self, *args: Any, clubs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["club"].choices = [(c.pk, c.name) for c in clubs]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("approved", _("Approve")),
            ("returned", _("Return for changes")),
            ("rejected", _("Reject")),
        ],
    )
    reasons = _text(
        _("Reasons"),
        required=False,
        help_text=_("Required to return or reject: the club reads them."),
    )


class HeldForm(forms.Form):
    participants = forms.IntegerField(
        label=_("Participants"), min_value=0, max_value=100_000
    )
    record = _text(_("What happened"), rows=4)
    photo = forms.FileField(label=_("A photo (optional)"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
