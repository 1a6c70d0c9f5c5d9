"""The forms of the advocacy pages: every POST goes through one (errors name the field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.advocacy.models import (
    Committee,
    CommitteeKind,
    ConsentHow,
    ContactKind,
    DialogueKind,
    LegalAidContact,
    Outcome,
    RequestKind,
    RequestOutcome,
    SignUp,
)
from tongxue.voice.models import Category, Concern, Visibility

_DATE = {"type": "date"}
_DATETIME = {"type": "datetime-local"}


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )


def _datetime(
    label: Any, *, required: bool = True, help_text: Any = ""
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs=_DATETIME, format="%Y-%m-%dT%H:%M"),
    )


def _text(
    label: Any,
    *,
    rows: int = 3,
    required: bool = True,
    max_length: int = 5000,
    help_text: Any = "",
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# -- legal aid ---------------------------------------------------------------------------


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    body = forms.CharField(
        label=_("Firm or body"),
        max_length=120,
        required=False,
        help_text=_("For a lawyer: the firm or body they work at."),
    )
    areas = forms.CharField(
        label=_("What they help with"),
        max_length=200,
        required=False,
        help_text=_("For example: labour disputes, tenancy, consumer rights."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=pgettext_lazy("postal", "Address"), max_length=200, required=False
    )
    hours = forms.CharField(label=_("Opening hours"), max_length=120, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    linked_since = _date(_("In touch since"))
    last_contact = _date(_("Last contact"), required=False)
    note = _text(
        _("Internal note"),
        rows=2,
        required=False,
        help_text=_("Seen by the union only, never on the public page."),
    )
    active = forms.BooleanField(
        label=_("Active: shown in the directory"), required=False, initial=True
    )


class ReferForm(forms.Form):
    number = forms.IntegerField(
        label=_("Concern number"),
        min_value=1,
        help_text=_("The number after the year, e.g. 42 for 2026-0042."),
    )
    contact = forms.ModelChoiceField(
        label=_("Refer to"), queryset=LegalAidContact.objects.none()
    )
    consent = forms.BooleanField(
        label=_("The student agreed to be referred to legal aid."),
        required=True,
    )
    consent_how = forms.ChoiceField(
        label=_("How the student agreed"),
        choices=ConsentHow.choices,
        widget=forms.RadioSelect,
    )
    consent_on = _date(_("Agreed on"))
    note = _text(_("Internal note"), rows=2, required=False)

    def __init__(self, *args: Any, contacts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


# -- face-to-face meetings -----------------------------------------------------------------


class DialogueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DialogueKind.choices)
    title = forms.CharField(label=pgettext_lazy("meeting", "Title"), max_length=120)
    starts = _datetime(_("Starts"))
    place = forms.CharField(label=_("Place"), max_length=120)
    attendees = _text(
        _("Who attends"),
        rows=2,
        max_length=1000,
        help_text=_("The school leaders, offices, deputies or departments who attend."),
    )
    places = forms.IntegerField(
        label=_("Places for students"), min_value=1, max_value=500
    )
    signup_closes = _datetime(
        _("Sign-up closes"),
        required=False,
        help_text=_("Empty: when the meeting starts."),
    )


class SignUpForm(forms.Form):
    topic = _text(
        _("What you want to raise"),
        rows=3,
        max_length=300,
        help_text=_("At most 300 characters. The organisers see your name and topic."),
    )


class MinutesForm(forms.Form):
    minutes = _text(_("Minutes"), rows=8, max_length=20000)
    public = forms.BooleanField(
        label=_("Publish the minutes and the points raised"), required=False
    )


class PointForm(forms.Form):
    """A point raised at a meeting: a new concern, or one joining an existing concern;
    at a federation's meeting also only noted, the concern it joins chosen from those
    the federation handles (``federation_concerns``)."""

    NEW, JOIN, NOTED = "new", "join", "noted"

    title = forms.CharField(label=_("Point raised"), max_length=120)
    body = _text(_("Details"), rows=3, required=False)
    signup = forms.TypedChoiceField(
        label=_("Raised by"), required=False, coerce=int, empty_value=None
    )
    how = forms.ChoiceField(
        label=_("Follow-up"),
        choices=[(NEW, _("A new concern")), (JOIN, _("Joins an existing concern"))],
        initial=NEW,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category of the new concern"),
        queryset=Category.objects.none(),
        required=False,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see the new concern"),
        choices=[
            (Visibility.PRIVATE, Visibility.PRIVATE.label),
            (Visibility.PUBLIC, Visibility.PUBLIC.label),
        ],
        initial=Visibility.PRIVATE,
    )
    join = forms.IntegerField(
        label=_("Number of the existing concern"), min_value=1, required=False
    )
    reply = _text(_("Answer given at the meeting"), rows=2, required=False)

    def __init__(
        self,
        *args: Any,
        signups: Sequence[SignUp] = (),
        categories: Any = None,
        concerns: bool = True,
        federation_concerns: Sequence[Concern] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signup"].choices = [("", _("Not a signed-up student"))] + [  # type: ignore[attr-defined]
            (s.pk, _signup_label(s)) for s in signups
        ]
        self.federation = not concerns
        if self.federation:
            # a federation's meeting (GS-4): noted, a new concern of the student's
            # school union handed up to the federation, or joins one it handles
            del self.fields["category"]
            how = self.fields["how"]
            how.choices = [  # type: ignore[attr-defined]
                (self.NOTED, _("Noted in the minutes")),
                (
                    self.NEW,
                    _(
                        "A new concern of the student's school union, handled by "
                        "the federation"
                    ),
                ),
                (self.JOIN, _("Joins a concern the federation handles")),
            ]
            how.initial = self.NOTED
            # only a new concern has one (private unless said)
            self.fields["visibility"].required = False
            self.fields["join"] = forms.TypedChoiceField(
                label=_("Concern it joins"),
                choices=[("", "—")]
                + [(c.pk, _concern_label(c)) for c in federation_concerns or ()],
                coerce=int,
                empty_value=None,
                required=False,
            )
        elif categories is not None:
            self.fields["category"].queryset = categories  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == self.JOIN and not data.get("join"):
            self.add_error(
                "join",
                _("Choose the concern it joins.")
                if self.federation
                else _("Give the number of the concern it joins."),
            )
        if self.federation:
            if data.get("how") == self.NEW and not data.get("signup"):
                self.add_error(
                    "signup",
                    _(
                        "Choose the student who raised it: the concern is their "
                        "school union's."
                    ),
                )
        elif data.get("how") == self.NEW and not data.get("category"):
            self.add_error("category", _("Choose the category of the new concern."))
        return data


def _concern_label(c: Concern) -> str:
    return f"{c.union.name} {c.reference} · {c.public_title[:40]}"


def _signup_label(s: SignUp) -> str:
    person = getattr(s.user, "person", None)
    name = person.name if person is not None else s.user.get_username()
    return f"{name} · {s.topic[:40]}"


# -- participation and requests --------------------------------------------------------


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeKind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For example: 校务委员会, 膳食委员会, 国家奖学金评审委员会."),
    )
    seat = forms.CharField(
        label=_("The union's seat"),
        max_length=120,
        help_text=_("Who sits on it for the union, e.g. the president."),
    )
    since = _date(_("Since"))
    until = _date(_("Until"), required=False)


class ParticipationForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none()
    )
    held = _date(_("Held on"))
    matter = forms.CharField(label=_("Matter decided"), max_length=200)
    attended_by = forms.CharField(label=_("Attended for the union by"), max_length=120)
    position = _text(_("The students' position"), rows=3)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_text = _text(_("What was decided"), rows=2, required=False)
    public = forms.BooleanField(
        label=_("Show on the public page"), required=False, initial=True
    )

    def __init__(self, *args: Any, committees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees is not None:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("The union asks"), choices=RequestKind.choices)
    addressed_to = forms.CharField(
        label=_("Addressed to"),
        max_length=120,
        help_text=_("For example: the school's Party committee office."),
    )
    sent_on = _date(_("Sent on"))
    summary = _text(_("What it asks"), rows=4)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in RequestOutcome.choices if c[0] != RequestOutcome.PENDING],
    )
    answered_on = _date(_("Answered on"))
    answer = _text(_("The school's answer"), rows=3, required=False)
