"""Forms of the registry pages (ORG-1): they parse input; the services decide.

A service's :class:`~tongxue.core.errors.Refusal` — a duplicate code, a guard citing
ORG-2 / ORG-5 · GS-9, CQ-4 — is added to the form by :func:`add_refusal`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tongxue.core.errors import Refusal, render_message
from tongxue.organisations.models import (
    DepartmentFunction,
    OrgKind,
    PersonKind,
    ReviewRating,
    Role,
    SchoolType,
)

_DATE = {"type": "date"}


def _blank_choice(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices.choices]


def add_refusal(form: forms.Form, refusal: Refusal) -> None:
    """Show a service refusal on its field, else above the form, with its clauses."""
    visible = {n for n, f in form.fields.items() if not f.widget.is_hidden}
    field = refusal.field if refusal.field in visible else None
    text = render_message(refusal.message)
    if refusal.requirement:
        text = gettext("%(message)s (%(requirement)s · %(clauses)s)") % {
            "message": text,
            "requirement": refusal.requirement,
            "clauses": ", ".join(refusal.clauses),
        }
    form.add_error(field, text)


class ChildOrganisationForm(forms.Form):
    """Add an organisation below this one (ORG-1 · GS-1, GS-7, CQ-2)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("A short unique identifier, for example SU-LAW."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    students_served = forms.IntegerField(
        label=_("Students served"), min_value=0, required=False
    )
    school_type = forms.ChoiceField(
        label=_("School type"), choices=_blank_choice(SchoolType), required=False
    )
    county = forms.CharField(label=_("County"), max_length=100, required=False)
    branch_campuses = forms.IntegerField(
        label=_("Branch campuses"), min_value=0, max_value=1000, required=False
    )
    function = forms.ChoiceField(
        label=_("Function"), choices=_blank_choice(DepartmentFunction), required=False
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if "/" in code:
            raise forms.ValidationError(
                _("An organisation code cannot contain “/”."), code="invalid"
            )
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != OrgKind.SCHOOL:
            for name in ("school_type", "county", "branch_campuses"):
                if data.get(name):
                    self.add_error(name, _("Only a school has this attribute."))
        if kind and kind != OrgKind.FUNCTIONAL_DEPARTMENT and data.get("function"):
            self.add_error(
                "function", _("Only a functional department has a function.")
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        """Return the keyword arguments of ``create_organisation`` (without ``parent``)."""
        d = self.cleaned_data
        fields: dict[str, Any] = {
            "code": d["code"],
            "name": d["name"],
            "kind": d["kind"],
            "students_served": d["students_served"],
        }
        if d["kind"] == OrgKind.SCHOOL:
            fields["school_type"] = d["school_type"]
            fields["county"] = d["county"]
            fields["branch_campuses"] = d["branch_campuses"] or 0
        if d["kind"] == OrgKind.FUNCTIONAL_DEPARTMENT:
            fields["function"] = d["function"]
        return fields


class OrganisationForm(forms.Form):
    """Change an organisation's name and attributes (not its code, kind or parent)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    students_served = forms.IntegerField(
        label=_("Students served"), min_value=0, required=False
    )
    branch_campuses = forms.IntegerField(
        label=_("Branch campuses"), min_value=0, max_value=1000, required=False
    )
    profile = forms.CharField(
        label=_("Profile"),
        max_length=64,
        required=False,
        help_text=_(
            "The reform plan this organisation is audited against, for example "
            "gansu-2017 or cqtgu-2017; leave empty to inherit it."
        ),
    )

    def __init__(self, *args: Any, is_school: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_school = is_school
        if not is_school:
            del self.fields["branch_campuses"]

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields = {
            "name": d["name"],
            "students_served": d["students_served"],
            "profile": d["profile"].strip(),
        }
        if self.is_school:
            fields["branch_campuses"] = d["branch_campuses"] or 0
        return fields


class AppointForm(forms.Form):
    """Appoint an existing person, or register a new one, to a position (ORG-2 … ORG-8)."""

    EXISTING = "existing"
    NEW = "new"

    person_mode = forms.ChoiceField(
        label=_("Person"),
        choices=[(EXISTING, _("An existing person")), (NEW, _("A new person"))],
        initial=EXISTING,
        widget=forms.RadioSelect,
    )
    ident = forms.CharField(
        label=_("Identifier"),
        max_length=64,
        help_text=_(
            "The person's identifier in the registry; for a new person, choose one."
        ),
    )
    name = forms.CharField(label=_("Name (new person)"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Kind (new person)"),
        choices=PersonKind.choices,
        initial=PersonKind.STUDENT,
        required=False,
    )
    student_number = forms.CharField(
        label=_("Student number (new person)"), max_length=64, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=_blank_choice(Role))
    title = forms.CharField(
        label=pgettext_lazy("post", "Title"),
        max_length=100,
        help_text=_("As it is written, for example 主席 or 副主席."),
    )
    start = forms.DateField(
        label=_("Start"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    end = forms.DateField(
        label=_("End"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        required=False,
    )
    branch_campus = forms.BooleanField(
        label=_("Vice-president for a branch campus"), required=False
    )
    responsible_for_clubs = forms.BooleanField(
        label=_("Responsible for student clubs"), required=False
    )
    public_contact = forms.CharField(
        label=_("Public contact"),
        max_length=200,
        required=False,
        help_text=_("Published for the main cadres: an office e-mail or telephone."),
    )

    def clean_ident(self) -> str:
        return self.cleaned_data["ident"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("person_mode") == self.NEW:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("Give the new person's name."))
            if not data.get("kind"):
                data["kind"] = PersonKind.STUDENT
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data

    def position_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "role": d["role"],
            "title": d["title"].strip(),
            "start": d["start"],
            "end": d["end"],
            "branch_campus": d["branch_campus"],
            "responsible_for_clubs": d["responsible_for_clubs"],
            "public_contact": d["public_contact"].strip(),
        }


class EndPositionForm(forms.Form):
    """End a term of office on a given day (the audit reports any vacancy)."""

    end = forms.DateField(
        label=_("Last day in office"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


class ReviewForm(forms.Form):
    """The school union's review of a department union (TRN-3 · GS-7, CQ-2).

    ``departments``: the department unions the union reviews (the choices); None
    when editing a review, whose department is fixed.
    """

    reviewed = forms.ChoiceField(
        label=_("Department union"),
        choices=(),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not one of this union's department unions: choose one "
                "from the list."
            )
        },
    )
    held = forms.DateField(
        label=_("Heard on"),
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
        help_text=_(
            "The day of the meeting, or the day the written reports were heard."
        ),
    )
    report_heard = forms.BooleanField(
        label=_("Its work report was heard"), required=False, initial=True
    )
    opinions_heard = forms.BooleanField(
        label=_("Its opinions and suggestions were heard"),
        required=False,
        help_text=_(
            "Tick it also when the department union was asked and raised none."
        ),
    )
    opinions = forms.CharField(
        label=_("Opinions and suggestions raised"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    assessment = forms.CharField(
        label=_("The school union's assessment"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published to everyone once you publish it."),
    )
    rating = forms.ChoiceField(
        label=_("Rating"), required=False, choices=_blank_choice(ReviewRating)
    )
    publish = forms.BooleanField(
        label=_("Publish the assessment now"),
        required=False,
        help_text=_("A published assessment is public and can no longer be changed."),
    )

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["reviewed"]
        else:
            self.fields["reviewed"].choices = [("", "—")] + [
                (d.code, d.name) for d in departments
            ]

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "held": d["held"],
            "report_heard": d["report_heard"],
            "opinions_heard": d["opinions_heard"],
            "opinions": d["opinions"],
            "assessment": d["assessment"],
            "rating": d["rating"],
            "publish": d["publish"],
        }


class PublishReviewForm(forms.Form):
    """Confirm publishing an assessment (it is public and kept on record)."""

    confirm = forms.BooleanField(
        label=_("Yes, publish it: it cannot be changed afterwards"), required=True
    )
