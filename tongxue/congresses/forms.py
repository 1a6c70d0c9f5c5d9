"""Forms of the congress pages: they only parse input (the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxue.congresses.models import MeetingKind
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


class PlanCongressForm(forms.Form):
    """Plan a congress, an all-student assembly (CON-2) or a standing meeting."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    session = forms.IntegerField(label=_("Session"), min_value=1, required=False)
    opened = forms.DateField(
        label=_("Opening date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closes = forms.DateField(
        label=_("Closing date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class GradeAllocationForm(forms.Form):
    """Seats by department and grade, biproportionally, and main clubs (CON-4)."""

    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=0,
        required=False,
        help_text=_("Leave empty for the minimum the profile requires."),
    )
    method = forms.ChoiceField(
        label=_("Method for the departments' seats"),
        choices=METHOD_CHOICES,
        initial=Method.SAINTE_LAGUE.value,
    )
    min_seats = forms.IntegerField(
        label=_("Minimum seats per department"), min_value=1, initial=1
    )
    source = forms.ChoiceField(
        label=_("Students per department and grade"),
        choices=[
            ("registry", _("Count the people in the registry")),
            ("entered", _("Enter them (CSV below)")),
        ],
        initial="registry",
        widget=forms.RadioSelect,
    )
    matrix = forms.CharField(
        label=_("Students matrix (CSV)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Header: department, then one column per grade; one line per department "
            "code, e.g. “department,1,2,3,4”."
        ),
    )
    matrix_file = forms.FileField(label=_("or upload the CSV"), required=False)
    clubs = forms.MultipleChoiceField(
        label=_("Main clubs (one seat each)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "CON-4: the seats cover the main clubs. All clubs of the union's club "
            "federation are ticked; untick those that are not main clubs."
        ),
    )
    tie = forms.ChoiceField(
        label=_("Tie-break"), choices=TIE_CHOICES, initial="refuse", required=False
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        help_text=_("Published before the lot is drawn."),
    )

    def __init__(self, *args: Any, clubs: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["clubs"].choices = list(clubs)
        self.fields["clubs"].initial = [code for code, _name in clubs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["tie"] = data.get("tie") or "refuse"
        if data.get("tie") == "lot" and data.get("seed") is None:
            self.add_error("seed", _("A lot needs a published integer seed."))
        if data.get("source") != "entered":
            data["parsed_matrix"] = None
            return data
        upload = data.get("matrix_file")
        text = data.get("matrix") or ""
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("matrix_file", _("The file is not UTF-8 text."))
                return data
        try:
            data["parsed_matrix"] = parse_matrix(text)
        except ValueError as exc:
            self.add_error("matrix", str(exc))
        return data


def parse_matrix(text: str) -> dict[str, dict[int, int]]:
    """Parse ``department,1,2,…`` CSV into code → grade → students; errors name the line."""
    import csv
    import io

    rows = [r for r in csv.reader(io.StringIO(text.strip().lstrip("\ufeff"))) if r]
    if len(rows) < 2:
        raise ValueError(_("Give a header line and at least one department."))
    grades: list[int] = []
    for cell in rows[0][1:]:
        try:
            grades.append(int(cell.strip()))
        except ValueError:
            raise ValueError(
                _("Line 1: “%(value)s” is not a grade number.") % {"value": cell}
            ) from None
    if not grades:
        raise ValueError(_("Line 1: no grade columns."))
    out: dict[str, dict[int, int]] = {}
    for n, row in enumerate(rows[1:], start=2):
        code = row[0].strip()
        if len(row) != len(grades) + 1:
            raise ValueError(
                _("Line %(line)d: %(found)d values, expected %(expected)d.")
                % {"line": n, "found": len(row) - 1, "expected": len(grades)}
            )
        if code in out:
            raise ValueError(
                _("Line %(line)d: %(code)s appears twice.") % {"line": n, "code": code}
            )
        counts: dict[int, int] = {}
        for g, cell in zip(grades, row[1:], strict=True):
            try:
                value = int(cell.strip() or 0)
            except ValueError:
                value = -1
            if value < 0:
                raise ValueError(
                    _(
                        "Line %(line)d, grade %(grade)d: “%(value)s” is not a number of students."
                    )
                    % {"line": n, "grade": g, "value": cell}
                )
            counts[g] = value
        out[code] = counts
    return out


class DelegateForm(forms.Form):
    """Enter one delegate with the election that elected them (CON-6)."""

    ident = forms.CharField(
        label=_("Person identifier"),
        max_length=64,
        help_text=_("The identifier in the registry (not shown publicly)."),
    )
    seat = forms.CharField(
        label=_("Seat (department or club code)"),
        max_length=64,
        required=False,
        help_text=_("Leave empty for the person's department."),
    )
    grade = forms.IntegerField(label=_("Grade"), min_value=1, required=False)
    electing_unit = forms.CharField(
        label=_("Electing class or department (code)"), max_length=64
    )
    held = forms.DateField(
        label=_("Election date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    electorate = forms.IntegerField(label=_("Electorate"), min_value=1)
    votes_cast = forms.IntegerField(label=_("Votes cast"), min_value=0)
    votes = forms.IntegerField(label=_("Votes for the delegate"), min_value=0)


class DelegateUploadForm(forms.Form):
    """Enter delegates from a CSV file, all or nothing (CON-4, CON-6)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns of the header line: ident, seat, grade, electing_unit, "
            "election_date, electorate, votes_cast, votes (seat and grade may be empty)."
        ),
    )


class FreezeDelegatesForm(forms.Form):
    """Freeze the delegate list; below the CON-5 share, justify the deviation."""

    reason = forms.CharField(
        label=_("Reason for the deviation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approved_by = forms.CharField(
        label=_("Approved by"), max_length=150, required=False
    )
    approved_on = forms.DateField(
        label=_("Approved on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DelegatesInviteForm(forms.Form):
    """Issue the invitations of a congress's delegates as a printable sheet or CSV."""

    format = forms.ChoiceField(
        choices=[("html", "HTML"), ("csv", "CSV")], widget=forms.HiddenInput
    )
