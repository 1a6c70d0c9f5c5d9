"""Forms of the election pages: they only parse input (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.congresses.models import Meeting
from tongxue.domain.counting import Denominator, TiePolicy
from tongxue.elections.models import EvidenceKind, NominatedBy, VotingMode
from tongxue.organisations.models import Role

POST_CHOICES = [
    (Role.PRESIDENT.value, Role.PRESIDENT.label),
    (Role.VICE_PRESIDENT.value, Role.VICE_PRESIDENT.label),
    (Role.CORE_MEMBER.value, Role.CORE_MEMBER.label),
    (Role.MEMBER.value, Role.MEMBER.label),
]
FORM_CHOICES = [
    ("marks", _("Mark up to the number of seats")),
    ("yes-no-abstain", _("Yes, no or abstain for each candidate")),
]
DENOMINATOR_CHOICES = [
    (Denominator.PRESENT.value, _("Voters present")),
    (Denominator.ENTITLED.value, _("Voters entitled")),
    (Denominator.VALID.value, _("Valid ballots")),
]
TIE_CHOICES = [
    (TiePolicy.REVOTE.value, _("Revote among the tied candidates")),
    (TiePolicy.EMPTY.value, _("Leave the seat empty")),
]
FRACTION = r"^\d+(/\d+)?$"


class ElectionForm(forms.Form):
    """Set up an election and its election method (ELE-1; election-rules.md)."""

    meeting = forms.ModelChoiceField(
        label=_("Electing body"), queryset=Meeting.objects.none()
    )
    post = forms.ChoiceField(label=_("Post"), choices=POST_CHOICES)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=99)
    title = forms.CharField(
        label=pgettext_lazy("election", "Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to name it after the union and the post."),
    )
    mode = forms.ChoiceField(
        label=_("Voting mode"), choices=VotingMode.choices, initial="electronic"
    )
    form = forms.ChoiceField(label=_("Ballot form"), choices=FORM_CHOICES)
    quorum = forms.RegexField(
        label=_("Quorum (share of voters entitled present)"),
        regex=FRACTION,
        initial="2/3",
    )
    threshold = forms.RegexField(
        label=_("Threshold to be elected"), regex=FRACTION, initial="1/2"
    )
    denominator = forms.ChoiceField(
        label=_("Threshold counted on"), choices=DENOMINATOR_CHOICES
    )
    tie = forms.ChoiceField(label=_("Tie at the last seat"), choices=TIE_CHOICES)
    margin = forms.RegexField(
        label=_("Contested margin (差额)"),
        regex=FRACTION,
        initial="1/5",
        help_text=_("Candidates exceed seats by at least this share, rounded up."),
    )
    uncontested_allowed = forms.BooleanField(
        label=_("Uncontested election allowed (等额)"), required=False
    )
    joint_nominators = forms.IntegerField(
        label=_("Joint nomination: nominating students needed"),
        min_value=1,
        max_value=99,
        initial=2,
        required=False,
        help_text=_("Besides the candidate; empty keeps the default of 2."),
    )

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation is not None:
            field = self.fields["meeting"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Meeting.objects.filter(organisation=organisation)

    def method(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "form": d["form"],
            "quorum": d["quorum"],
            "threshold": d["threshold"],
            "denominator": d["denominator"],
            "tie": d["tie"],
            "margin": d["margin"],
            "uncontested_allowed": bool(d.get("uncontested_allowed")),
            **(
                {"joint_nominators": d["joint_nominators"]}
                if d.get("joint_nominators") is not None
                else {}
            ),
        }


class ConditionsForm(forms.Form):
    """The Youth League committee's condition for each criterion (ELE-2, CAD-1)."""

    comment = forms.CharField(
        label=_("Guidance and comments"), widget=forms.Textarea, required=False
    )

    def __init__(
        self,
        *args: Any,
        criteria: list[tuple[str, str]] = (),
        **kwargs: Any,  # type: ignore[assignment]
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for criterion, label in criteria:
            fields[f"c_{criterion}"] = forms.CharField(
                label=_(label), widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields = {**fields, **self.fields}

    def conditions(self) -> dict[str, str]:
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("c_")}


class NominateForm(forms.Form):
    """Nominate a candidate (the presidium records every kind of nomination)."""

    person = forms.CharField(
        label=_("Student (identifier or student number)"), max_length=64
    )
    nominated_by = forms.ChoiceField(
        label=_("Nominated by"), choices=NominatedBy.choices, initial="presidium"
    )
    nominators = forms.CharField(
        label=_("Nominating students (one name a line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea, required=False, max_length=5000
    )

    def nominator_names(self) -> list[str]:
        return [
            n.strip()
            for n in self.cleaned_data.get("nominators", "").splitlines()
            if n.strip()
        ]


class SelfNominationForm(forms.Form):
    statement = forms.CharField(
        label=_("Your statement"), widget=forms.Textarea, max_length=5000
    )


class AssessForm(forms.Form):
    """Assess a candidate against one criterion, with evidence (CAD-1)."""

    criterion = forms.CharField(widget=forms.HiddenInput)
    met = forms.TypedChoiceField(
        label=_("Assessment"),
        choices=[("1", _("Meets the condition")), ("0", _("Does not meet it"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    evidence_kind = forms.ChoiceField(label=_("Evidence"), choices=EvidenceKind.choices)
    evidence = forms.CharField(
        label=_("Evidence details"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    public_contact = forms.CharField(
        label=_("Public contact of the elected (CAD-2)"),
        max_length=200,
        required=False,
        help_text=_("For example the union office's e-mail or telephone."),
    )
