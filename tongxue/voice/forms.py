"""Forms of the concern pages: they parse input; :mod:`tongxue.voice.services` decides.

Every POST of the pages goes through one of these. A form checks what it can read
from the input alone (a field is required, a text is not too long, at most three
photos, a reason with 不满意, a reference looks like one); the services check the rest
(permission, scope, state, deadlines, a photo's size and type) and name the field they
refuse, which the views put on it (``core.view_helpers.add_refusal``).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.voice.models import (
    Category,
    Channel,
    ConcernStatus,
    Rating,
    Visibility,
)
from tongxue.voice.services.photos import MAX_PHOTOS

#: The longest text a student may write (the body of a concern, an answer, a note).
MAX_TEXT = 5000

#: What each visibility means, in plain words, under its choice on the raise form.
VISIBILITY_HELP = {
    Visibility.PUBLIC: _(
        "Everyone sees what you wrote (phone, ID and student numbers masked) and "
        "other students may say “me too”; your name is shown to nobody."
    ),
    Visibility.PRIVATE: _(
        "Only the people who handle it see it, with your name, so they can ask you "
        "more. Nothing is published."
    ),
    Visibility.ANONYMOUS: _(
        "Nobody sees who you are, not even the handlers, so nobody can contact you. "
        "You get a follow-up code once: keep it, it is the only way to follow the "
        "concern and rate the answer."
    ),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (the camera's and the album's inputs alike)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class RaiseForm(forms.Form):
    """Raise a concern (RGT-1): the category as chips, what happened, who may see it."""

    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what it is about.")},
    )
    title = forms.CharField(
        label=pgettext_lazy("concern", "In one sentence"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    body = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When, what, and what you would like to change."),
    )
    place = forms.CharField(
        label=_("Where (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 二食堂, 7号楼 302")}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    about_person = forms.TypedChoiceField(
        label=_("Which cadre is it about?"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_(
            "Only for a concern about a student cadre: the cadre never sees it; the "
            "people the union names for it and the League advisor handle it."
        ),
    )
    photos = MultipleFileField(label=_("Photos (up to 3)"), required=False)

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[Category] | None = None,
        cadres: list[tuple[int, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            categories if categories is not None else Category.objects.none()
        )
        cadre_field = self.fields["about_person"]
        assert isinstance(cadre_field, forms.ChoiceField)
        cadre_field.choices = [("", _("Choose…")), *cadres]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category is not None and not category.about_cadre:
            data["about_person"] = None
        elif category is not None and data.get("about_person") is None:
            self.add_error("about_person", _("Choose the cadre the concern is about."))
        return data

    def clean_photos(self) -> list[UploadedFile]:
        photos: list[UploadedFile] = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)d photos."), params={"n": MAX_PHOTOS}, code="too_many"
            )
        return photos


class SimilarForm(forms.Form):
    """The text typed so far (htmx GET): ``text``, or the raise form's title and body."""

    union = forms.CharField(max_length=40)
    text = forms.CharField(max_length=MAX_TEXT, required=False)
    title = forms.CharField(max_length=MAX_TEXT, required=False)
    body = forms.CharField(max_length=MAX_TEXT, required=False)

    def typed(self) -> str:
        data = self.cleaned_data
        return data["text"] or f"{data['title']} {data['body']}".strip()


class TrackForm(forms.Form):
    """The follow-up code of an anonymous concern."""

    code = forms.CharField(
        label=_("Follow-up code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )


class RateForm(forms.Form):
    """回访: the student rates the answer; 不满意 needs a reason (it reopens once)."""

    rating = forms.ChoiceField(
        label=_("How was the answer?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating.")},
    )
    reason = forms.CharField(
        label=_("Why (required if unsatisfied)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    #: The follow-up code, for an anonymous concern (the track page posts it).
    code = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating") == Rating.UNSATISFIED and not data.get("reason", ""):
            self.add_error("reason", _("Say why you are unsatisfied."))
        return data


class CodeForm(forms.Form):
    """An action of the code holder or the author that needs no other input (withdraw)."""

    code = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)


class TextForm(forms.Form):
    """An answer or an internal note."""

    text = forms.CharField(
        label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class ForwardForm(forms.Form):
    """Hand the concern over (转办) to a school office or another union."""

    to = forms.ModelChoiceField(
        label=_("Forward to"),
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        to_field_name="code",
        empty_label=_("Choose…"),
    )
    note = forms.CharField(
        label=_("Note to them (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    #: The code of the target the page suggested (voice.routing), if it did, and
    #: whether the handler pressed "use the suggestion": recorded with the hand-over.
    suggested = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    suggestion_used = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        targets: QuerySet[Any],
        listed: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets
        if listed is not None:
            # Shown from organisations already read (the page's), not queried again.
            field.choices = [("", field.empty_label)] + [
                (o.code, o.name) for o in listed
            ]


#: A concern's reference: year raised and number ("2026-0042"), or the number alone.
REFERENCE = re.compile(r"^\s*(?:(?P<year>\d{4})\s*[-－—]\s*)?(?P<number>\d{1,9})\s*$")


class MergeForm(forms.Form):
    """Merge a duplicate into another concern of the same union, named by reference."""

    into = forms.CharField(
        label=_("Merge into (reference, e.g. 2026-0042)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Yes: this concern is closed as a duplicate, its supporters carry over."
        ),
        error_messages={"required": _("Confirm the merge.")},
    )

    def clean_into(self) -> tuple[int | None, int]:
        match = REFERENCE.match(self.cleaned_data["into"])
        if match is None:
            raise forms.ValidationError(
                _("Write a reference like 2026-0042."), code="invalid"
            )
        year = match.group("year")
        return (int(year) if year else None, int(match.group("number")))


class QueueFilterForm(forms.Form):
    """The handler queue's filters (GET)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", pgettext_lazy("concerns", "Waiting")),
            *ConcernStatus.choices,
            ("all", pgettext_lazy("concerns", "All")),
        ],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    category = forms.IntegerField(label=_("Category"), min_value=1, required=False)


class CategoryForm(forms.Form):
    """A category of the union's taxonomy: who takes it first, its deadlines."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short, in Latin letters (food, dorm …); it cannot change later."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=60, required=False)
    default_handler = forms.ModelChoiceField(
        label=_("Taken first by"),
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        to_field_name="code",
        required=False,
        empty_label=_("The union itself"),
    )
    acknowledge_days = forms.IntegerField(
        label=_("Acknowledge within (working days)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty: the profile's number."),
    )
    answer_days = forms.IntegerField(
        label=_("Answer within (working days)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Empty: the profile's number."),
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive: never public, only named handlers, shorter deadlines"),
        required=False,
    )
    about_cadre = forms.BooleanField(
        label=_("About a cadre: the presidium and the League advisor, never the cadre"),
        required=False,
    )
    active = forms.BooleanField(label=_("Offered to students"), required=False)

    def __init__(self, *args: Any, handlers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_handler"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = handlers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ack, answer = data.get("acknowledge_days"), data.get("answer_days")
        if ack and answer and ack > answer:
            self.add_error(
                "answer_days",
                _("The answer cannot be due before the acknowledgement."),
            )
        return data


class NamedHandlerForm(forms.Form):
    """Name a person who handles sensitive concerns or those about cadres."""

    user = forms.CharField(label=_("Account (user name)"), max_length=150)
    sensitive = forms.BooleanField(
        label=_("Sensitive concerns"), required=False, initial=True
    )
    about_cadres = forms.BooleanField(label=_("Concerns about cadres"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("sensitive") or data.get("about_cadres")):
            self.add_error(
                "sensitive", _("Choose at least one kind of concern to handle.")
            )
        return data


class RemoveHandlerForm(forms.Form):
    user = forms.CharField(max_length=150, widget=forms.HiddenInput)


# -- offline concerns, sensitive marking, exit cases (RGT-1, RGT-7, CAD-8) -------------

#: The channels a concern comes through besides the site (a mailbox, a reception day …).
OFFLINE_CHANNELS = [(v, label) for v, label in Channel.choices if v != Channel.ONLINE]


class OfflineForm(forms.Form):
    """A concern received by mailbox, reception day, phone call or meeting, entered by
    a rights officer (RGT-1): the channel, the category, what the student said."""

    channel = forms.ChoiceField(
        label=_("How did it come in?"),
        choices=OFFLINE_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the channel the concern came through.")},
    )
    category = forms.ModelChoiceField(
        label=_("What is it about?"),
        queryset=Category.objects.none(),
        to_field_name="code",
        empty_label=_("Choose…"),
        error_messages={"required": _("Choose what it is about.")},
    )
    about_person = forms.TypedChoiceField(
        label=_("Which cadre is it about?"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_(
            "Only for a concern about a student cadre: the cadre never sees it."
        ),
    )
    title = forms.CharField(
        label=pgettext_lazy("concern", "In one sentence"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("What the student said"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Write what happened and what the student asks for. Leave out the "
            "student's name unless they want the handlers to know it."
        ),
    )
    place = forms.CharField(label=_("Where (optional)"), max_length=120, required=False)
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=_("As the student chose. Sensitive ones are never public."),
    )

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[Category] | None = None,
        cadres: list[tuple[int, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            categories if categories is not None else Category.objects.none()
        )
        cadre_field = self.fields["about_person"]
        assert isinstance(cadre_field, forms.ChoiceField)
        cadre_field.choices = [("", _("Choose…")), *cadres]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = data.get("category")
        if category is not None and not category.about_cadre:
            data["about_person"] = None
        elif category is not None and data.get("about_person") is None:
            self.add_error("about_person", _("Choose the cadre the concern is about."))
        return data


class ReasonForm(forms.Form):
    """Why a concern is marked sensitive, or no longer (RGT-7): handlers only."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExitCaseForm(forms.Form):
    """Open an exit case on the cadre a founded concern is about (CAD-8, CAD-5)."""

    position = forms.TypedChoiceField(
        label=_("The post"), coerce=int, choices=[], empty_value=None
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=[])
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The cadre reads it when notified: state the facts found, never who "
            "raised the concern."
        ),
    )
    founded = forms.BooleanField(
        label=_("The concern was looked into and is founded."),
        error_messages={"required": _("Confirm that the concern is founded.")},
    )

    def __init__(
        self,
        *args: Any,
        positions: list[tuple[int, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from tongxue.cadres.models import ExitGround

        position = self.fields["position"]
        assert isinstance(position, forms.ChoiceField)
        position.choices = list(positions)
        ground = self.fields["ground"]
        assert isinstance(ground, forms.ChoiceField)
        ground.choices = ExitGround.choices


# -- reports to the school (RGT-1 · GS-10, CQ-5) ----------------------------------------


class ReportGenerateForm(forms.Form):
    """Generate the report on a month or a term (one of the recent periods)."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args: Any, periods: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tongxue.voice.models import ReportKind

        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                f"{p.kind}:{p.start.isoformat()}",
                f"{ReportKind(p.kind).label} · "
                + (
                    f"{p.start:%Y-%m}"
                    if p.kind == ReportKind.MONTHLY
                    else f"{p.start:%Y-%m} – {p.end:%Y-%m}"
                ),
            )
            for p in periods
        ]

    def clean_period(self) -> tuple[str, Any]:
        import datetime as dt

        kind, _sep, start = self.cleaned_data["period"].partition(":")
        return kind, dt.date.fromisoformat(start)


#: Where a report usually goes (suggestions; the union writes what it did).
REPORT_RECIPIENTS = (
    _("School Party committee"),
    _("President's office"),
    _("Student affairs department"),
)


class ReportSubmitForm(forms.Form):
    """Record that the report was submitted to the school's departments."""

    submitted_to = forms.CharField(
        label=_("Submitted to"),
        max_length=200,
        help_text=_(
            "The school's Party and administrative departments the report went to, "
            "e.g. the School Party committee and the President's office."
        ),
        widget=forms.TextInput(attrs={"list": "report-recipients"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "The report was (or is being) delivered to them; from now on it is fixed "
            "and its concerns are followed until each is concluded."
        ),
        required=True,
    )
