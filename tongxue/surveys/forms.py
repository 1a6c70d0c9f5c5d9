"""Forms of the survey pages: they only parse input (the services decide, TRN-2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongxue.domain import surveys as ds
from tongxue.surveys.models import EligibilityKind


class SurveyForm(forms.Form):
    """Create a union's evaluation by students from the standard template."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("A short identifier, for example 2026-autumn."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Shown to the students; the union's name and the code if empty."),
    )
    closes_on = forms.DateField(
        label=_("Last day for answers"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OpenSurveyForm(forms.Form):
    """Open a survey: who may answer (everyone, or a sample with a published seed)."""

    eligibility = forms.ChoiceField(
        label=_("Who may answer"),
        choices=EligibilityKind.choices,
        initial=EligibilityKind.ALL,
        widget=forms.RadioSelect,
    )
    sample_size = forms.IntegerField(
        label=_("Sample size"), min_value=1, required=False
    )
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_(
            "For a sample: published with the survey, anyone can repeat the draw with "
            "it. Leave empty for a random seed."
        ),
    )


class CloseSurveyForm(forms.Form):
    """Close a survey; publish its results now (the default) or later."""

    publish = forms.BooleanField(
        label=_("Publish the results to all students now"),
        required=False,
        initial=True,
    )
    confirm = forms.BooleanField(
        label=_("I understand that closing ends the answers and cannot be undone."),
        required=True,
    )


class AnswerForm(forms.Form):
    """A student's answers: one field per question of the survey."""

    def __init__(
        self, *args: Any, questions: Sequence[ds.Question], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            label = gettext(q.text)
            if q.kind == ds.QuestionKind.SCALE:
                self.fields[q.key] = forms.ChoiceField(
                    label=label,
                    choices=[(str(p), str(p)) for p in range(1, ds.SCALE_POINTS + 1)],
                    required=q.required,
                    widget=forms.RadioSelect(attrs={"class": "scale-input"}),
                )
                # the scale's ends, shown under it ("not at all" … "very well")
                self.fields[q.key].ends = (  # type: ignore[attr-defined]
                    gettext(q.low) if q.low else "",
                    gettext(q.high) if q.high else "",
                )
            elif q.kind == ds.QuestionKind.SINGLE:
                self.fields[q.key] = forms.ChoiceField(
                    label=label,
                    choices=[(o.key, gettext(o.label)) for o in q.options],
                    required=q.required,
                    widget=forms.RadioSelect,
                )
            elif q.kind == ds.QuestionKind.MULTIPLE:
                self.fields[q.key] = forms.MultipleChoiceField(
                    label=label,
                    choices=[(o.key, gettext(o.label)) for o in q.options],
                    required=q.required,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                self.fields[q.key] = forms.CharField(
                    label=label,
                    required=q.required,
                    max_length=ds.TEXT_MAX_CHARS,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def answers(self) -> dict[str, Any]:
        """The answers as the service takes them (empty ones left out)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [])}

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields grouped by dimension, in the plan's order, others last."""
        out: list[tuple[str, list[forms.BoundField]]] = []
        for dim in (*ds.DIMENSIONS, None):
            fields = [self[q.key] for q in self.questions if q.dimension == dim]
            if fields:
                label = gettext(ds.DIMENSION_LABELS[dim]) if dim else gettext("Other")
                out.append((label, fields))
        return out
