"""Forms of the business pages: they only parse input (the services decide)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxue.business.models import AgendaKind, GuidanceKind, MotionKind, VoteMethod


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WorkReportForm(forms.Form):
    title = forms.CharField(label=_("Title of the report"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Optional, at most 5 MB (PDF or Word)."),
    )


class VoteForm(forms.Form):
    """A recorded vote: the counts and how the threshold is measured."""

    method = forms.ChoiceField(
        label=_("Majority required"),
        choices=VoteMethod.choices,
        initial=VoteMethod.VOTES_CAST,
    )
    yes = forms.IntegerField(label=_("Yes votes"), min_value=0)
    no = forms.IntegerField(label=_("No votes"), min_value=0)
    abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)
    voted_on = forms.DateField(
        label=_("Voted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


class CharterMotionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MotionKind.choices)
    title = forms.CharField(label=_("Title of the motion"), max_length=200)
    text = forms.CharField(
        label=_("New text of the charter"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("The whole text as it would read after the motion passes."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordCharterForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the charter in force"),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    adopted_on = forms.DateField(
        label=_("Adopted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("For example: adopted by the 5th congress."),
    )


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Your opinion on the school"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown publicly without your name."),
    )


class OpinionGroupForm(forms.Form):
    title = forms.CharField(label=_("Group title"), max_length=200)


class GroupOpinionForm(forms.Form):
    group = forms.TypedChoiceField(
        label=_("Group"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, groups=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("No group"))] + [
            (g.pk, g.title) for g in groups
        ]


class CarryForm(forms.Form):
    proposal = forms.CharField(
        label=_("Proposal to the school"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StandingDelegateForm(forms.Form):
    department = forms.ChoiceField(label=_("Recommending department"), choices=())
    person = forms.ChoiceField(label=_("Congress delegate"), choices=())

    def __init__(self, *args, departments=(), people=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.code, d.name) for d in departments]
        self.fields["person"].choices = [(p.ident, p.label) for p in people]


class WrittenReportForm(forms.Form):
    """A work report filed in writing to the congress or its standing body (CON-13)."""

    title = forms.CharField(label=_("Title of the report"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    filed_on = forms.DateField(
        label=_("Filed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GuidanceForm(forms.Form):
    """A report heard by the Party committee, or the League's guidance (GOV-1, GOV-2)."""

    kind = forms.ChoiceField(label=_("What is recorded"), choices=())
    held = forms.DateField(
        label=_("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _(
                "Enter the day it was held as a date, YYYY-MM-DD (for example 2026-03-15)."
            ),
        },
    )
    by = forms.CharField(
        label=_("Given by"),
        max_length=200,
        help_text=_("The committee, and who took part, for example 校党委常委会."),
    )
    summary = forms.CharField(
        label=_("What was reported and the guidance given"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    public = forms.BooleanField(
        label=_("Show it on the union's public page"), required=False
    )

    def __init__(self, *args, kinds=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        labels = dict(GuidanceKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]


class HideOpinionForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=200)
    confirm = forms.BooleanField(label=_("Yes, I am sure"), required=True)


class ConfirmForm(forms.Form):
    """An explicit confirmation before a destructive action."""

    confirm = forms.BooleanField(label=_("Yes, I am sure"), required=True)
