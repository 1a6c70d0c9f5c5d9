"""Forms of the cadre pages: they parse input; :mod:`tongxue.cadres.services` decides.

The field names are the pages' own (the templates and the end-to-end tests post them).
A form that only parses a POST for a service (the selection's actions, the exit case's
texts, the record's contact) leaves every rule, a text's length included, to the
service, which checks the actor's permission first and names the field it refuses.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from tongxue.cadres.models import (
    Application,
    Criterion,
    ExitGround,
    Measure,
    Selection,
    Verdict,
)
from tongxue.organisations.models import Role

_DATE = {"type": "date"}


class AdvertiseForm(forms.Form):
    """Advertise a post for open selection (CAD-1, ELE-3)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.CharField(label=pgettext_lazy("post", "Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    closes = forms.DateField(
        label=_("Applications close"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )
    term_start = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    term_end = forms.DateField(
        label=_("Term ends"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        required=False,
    )
    public_contact = forms.CharField(
        label=_("Official contact of the post"),
        max_length=200,
        required=False,
        help_text=_(
            "An official e-mail address or office published on the roster; required "
            "for main cadres (CAD-2). Never a private phone number."
        ),
    )
    required_course = forms.TypedChoiceField(
        label=_("Required training course"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_("Completed training then becomes a criterion (CAD-6)."),
    )

    def __init__(self, *args, courses=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["required_course"].choices = [
            ("", "—"),
            *[(c.pk, c.title) for c in courses],
        ]


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label=_("Why you apply and what you would do"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class AssessForm(forms.Form):
    criterion = forms.ChoiceField(label=_("Criterion"), choices=Criterion.choices)
    verdict = forms.ChoiceField(label=_("Assessment"), choices=Verdict.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_(
            "Grades, discipline record, training completed, evaluation results, "
            "interviews."
        ),
    )

    def __init__(self, *args, criteria=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        labels = dict(Criterion.choices)
        self.fields["criterion"].choices = [(c, labels.get(c, c)) for c in criteria]


class ShortlistForm(forms.Form):
    """The applications put on a selection's shortlist (CAD-1, ELE-4)."""

    applications = forms.ModelMultipleChoiceField(
        label=_("On the shortlist"),
        queryset=Application.objects.none(),
        required=False,
    )

    def __init__(self, *args, selection: Selection, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        field.queryset = Application.objects.filter(selection=selection)


#: The refusal of a decision without a shortlisted application (the service's words).
CHOOSE_APPLICATION = gettext_noop("Choose an application from the shortlist.")


class DecideForm(forms.Form):
    """The application chosen for the post (CAD-1, ELE-4)."""

    application = forms.ModelChoiceField(
        label=_("Choose for the post"), queryset=Application.objects.none()
    )

    def __init__(self, *args, selection: Selection, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        field.queryset = Application.objects.filter(selection=selection)


class TextForm(forms.Form):
    """The text of an exit case's step: the notice to the cadre, their statement, an
    appeal, the outcome (CAD-5). Whether it may be empty is the step's service's rule."""

    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReadForm(forms.Form):
    """A relayed message the cadre marks as read (CAD-2)."""

    read = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ContactForm(forms.Form):
    """The official contact a cadre publishes for a post (CAD-2); its length and the
    refusal of a phone number are the service's rules."""

    position = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    contact = forms.CharField(
        label=_("Official contact"),
        required=False,
        help_text=_(
            "An official e-mail address or office, shown on the public roster. Leave "
            "it empty to receive messages through the relay form."
        ),
    )


class CourseForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("course", "Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    sessions_required = forms.IntegerField(
        label=_("Sessions required to complete"), min_value=1, initial=1
    )


class SessionForm(forms.Form):
    held = forms.DateField(
        label=_("Held"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d")
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, choices=[])
    ident = forms.CharField(
        label=_("Identifier of the person"),
        max_length=64,
        help_text=_("The identifier in the registry."),
    )

    def __init__(self, *args, sessions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [
            (s.pk, f"{s.held:%Y-%m-%d} {s.topic}") for s in sessions
        ]


class ExitTargetForm(forms.Form):
    """The position an exit case is opened for (``?position=<id>`` or the form's
    hidden field)."""

    position = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class OpenExitForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=ExitGround.choices)
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ExitDecisionForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    body = forms.CharField(
        label=_("Competent body"),
        max_length=200,
        help_text=_(
            "For a recall, the body that elected the cadre (the congress or its "
            "standing conference)."
        ),
    )
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_no = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(
        label=_("Abstentions"), min_value=0, required=False
    )
    members = forms.IntegerField(
        label=_("Members of the electing body"), min_value=1, required=False
    )
