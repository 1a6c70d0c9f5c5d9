"""Forms of the consultation pages (网上学联, RGT-5): they parse input;
:mod:`tongxue.voice.services.consultations` decides (dates, permission, state)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.voice.forms import MAX_TEXT, MultipleFileField
from tongxue.voice.models import Visibility
from tongxue.voice.services.consultations import MAX_QUESTION, MAX_RESPONSE

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationForm(forms.Form):
    """Open or change a consultation: the question and the days it is open."""

    title = forms.CharField(
        label=pgettext_lazy("consultation", "Title"),
        max_length=120,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. 你希望省学联今年为同学们做哪些事？")}
        ),
    )
    question = forms.CharField(
        label=_("The question to students"),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What the federation wants to know, and what it will do with the ideas."
        ),
    )
    opens = forms.DateField(label=_("Opens on"), widget=_DATE)
    closes = forms.DateField(
        label=_("Closes on"),
        widget=_DATE,
        help_text=_(
            "Students may send ideas until the end of this day. The public response is "
            "due a set number of working days after it."
        ),
    )


class IdeaForm(forms.Form):
    """A student's idea: one sentence, the idea, who may see it."""

    title = forms.CharField(
        label=pgettext_lazy("idea", "Your idea in one sentence"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    body = forms.CharField(
        label=_("Tell more"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you need, what you propose, and why."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    photos = MultipleFileField(label=_("Photos (up to 3)"), required=False)


#: What each visibility means for an idea (the private one is also seen by the
#: handlers of the student's own union: access.py's rule for any concern).
IDEA_VISIBILITY_HELP = {
    Visibility.PUBLIC: _(
        "Listed on the consultation's page without your name (phone, ID and student "
        "numbers masked); other students may agree with it."
    ),
    Visibility.PRIVATE: _(
        "Only the federation and those who handle concerns at your school's union "
        "see it, with your name. It is not listed."
    ),
    Visibility.ANONYMOUS: _(
        "Nobody sees who you are. You get a follow-up code once: keep it to read the "
        "answer and rate it."
    ),
}


class ResponseForm(forms.Form):
    """The federation's public response to the consultation."""

    text = forms.CharField(
        label=_("The federation's public response"),
        max_length=MAX_RESPONSE,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What students asked for, what the federation will do, and what it will "
            "not do and why. It is published with its date and answers every idea "
            "not yet answered on its own."
        ),
    )


class AgreeForm(forms.Form):
    """同意: the idea a student agrees with (or takes back)."""

    idea = forms.IntegerField(min_value=1)
    withdraw = forms.BooleanField(required=False)
