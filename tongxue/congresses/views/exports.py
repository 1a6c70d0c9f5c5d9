"""The delegate list and the seat table as Excel and PDF, from their pages (#16).

Both pages are public, and so are their files: the same rows in the user's language,
without a student number or any identifier (the managers' re-importable CSV and Excel
with student numbers are :func:`tongxue.congresses.views.delegates.export_delegates`).
Each file is read in a fixed number of queries whatever the size of the list, like the
page. Nothing is written: a download of a public page is not audit-logged (nor is the
managers' export).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext, pgettext
from django.views.decorators.http import require_http_methods

from tongxue.congresses import selectors
from tongxue.congresses.forms import METHOD_CHOICES
from tongxue.congresses.models import Meeting
from tongxue.congresses.views.shared import _meeting_or_404
from tongxue.core import exports
from tongxue.core.words import label_colon


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404(fmt)


def meeting_lines(meeting: Meeting) -> list[str]:
    """The organisation, then the meeting: its kind, session and opening day."""
    parts = [str(meeting.get_kind_display())]
    if meeting.session:
        parts.append(gettext("session %(session)s") % {"session": meeting.session})
    parts.append(meeting.opened.isoformat())
    return [meeting.organisation.name, " · ".join(parts)]


@require_http_methods(["GET"])
def delegates_file(
    request: HttpRequest, code: str, meeting_code: str, fmt: str
) -> HttpResponse:
    """The public delegate list, every delegate, as Excel or PDF (3 queries)."""
    _check_format(fmt)
    meeting = _meeting_or_404(code, meeting_code)
    rows = selectors.delegate_rows(selectors.delegates(meeting))
    page = reverse("congresses:delegates", args=[code, meeting.code])
    table = (_printed_delegates if fmt == exports.PDF else _delegate_sheet)(rows)
    export = exports.Export(
        title=gettext("Delegate list"),
        lines=meeting_lines(meeting),
        url=exports.page_address(request, page),
        tables=[table],
        notes=[
            ngettext("%(n)s delegate.", "%(n)s delegates.", len(rows))
            % {"n": len(rows)}
        ],
        filename=f"{meeting.code}-delegate-list",
        landscape=True,
    )
    return exports.response(export, fmt)


def _delegate_sheet(rows: list[selectors.DelegateRow]) -> exports.Table:
    """The sheet: every figure in a column of its own (numbers, a date cell)."""
    return exports.Table(
        title=gettext("Delegate list"),
        columns=[
            pgettext("person", "Name"),
            gettext("Department"),
            gettext("Grade"),
            gettext("Seat"),
            gettext("Grade of the seat"),
            gettext("Elected by"),
            gettext("Date"),
            gettext("Votes"),
            gettext("Votes cast"),
            gettext("Electorate"),
        ],
        rows=[
            [
                r.name,
                r.department,
                r.grade,
                r.seat,
                r.seat_grade,
                r.electing_unit,
                r.held,
                r.votes,
                r.votes_cast,
                r.electorate,
            ]
            for r in rows
        ],
        empty=gettext("No delegate is entered yet."),
    )


def _printed_delegates(rows: list[selectors.DelegateRow]) -> exports.Table:
    """The printed list: the page's seven columns (the seat with its grade, the votes
    with the votes cast and the electorate), fewer cells to lay out."""
    return exports.Table(
        title=gettext("Delegate list"),
        columns=[
            pgettext("person", "Name"),
            gettext("Department"),
            gettext("Grade"),
            gettext("Seat"),
            gettext("Elected by"),
            gettext("Date"),
            gettext("Votes"),
        ],
        rows=[
            [
                r.name,
                r.department,
                r.grade,
                f"{r.seat} · {r.seat_grade}" if r.seat_grade else r.seat,
                r.electing_unit,
                r.held,
                _votes(r),
            ]
            for r in rows
        ],
        empty=gettext("No delegate is entered yet."),
    )


def _votes(r: selectors.DelegateRow) -> str:
    if r.votes is None:
        return ""
    electorate = gettext("electorate %(n)s") % {"n": r.electorate}
    return f"{r.votes} / {r.votes_cast} ({electorate})"


@require_http_methods(["GET"])
def seats_file(
    request: HttpRequest, code: str, meeting_code: str, fmt: str
) -> HttpResponse:
    """The seat table (by department; by department and grade when so allocated) as
    Excel or PDF; 404 before the seats are allocated, when the page has no table."""
    _check_format(fmt)
    meeting = _meeting_or_404(code, meeting_code)
    table = selectors.allocation_table(meeting)
    if table is None:
        raise Http404(meeting_code)
    grades = selectors.grade_table(table)
    a = table.allocation
    summary = gettext("%(seats)s seats (minimum %(minimum)s), method: %(method)s.") % {
        "seats": a.seats,
        "minimum": a.quota_minimum,
        "method": dict(METHOD_CHOICES).get(a.method, a.method),
    }
    if a.seed is not None:
        summary += " " + gettext("Ties broken by lot with seed %(seed)s.") % {
            "seed": a.seed
        }
    tables = [
        exports.Table(
            title=gettext("Seats by department"),
            columns=[
                gettext("Department"),
                gettext("Code"),
                gettext("Students"),
                gettext("Quota"),
                gettext("Quota as a fraction"),
                gettext("Seats"),
                gettext("Why"),
            ],
            rows=[
                [
                    r.unit_name,
                    r.unit_code,
                    r.students,
                    r.quota_decimal,
                    r.quota,
                    r.seats,
                    r.why,
                ]
                for r in table.rows
            ],
            notes=[
                gettext("Seats in all: %(seats)s; students: %(students)s.")
                % {
                    "seats": sum(r.seats for r in table.rows),
                    "students": table.total_students,
                }
            ],
        )
    ]
    if grades is not None:
        tables += _grade_tables(grades)
    page = reverse("congresses:seats", args=[code, meeting.code])
    export = exports.Export(
        title=gettext("Seat allocation"),
        lines=meeting_lines(meeting),
        url=exports.page_address(request, page),
        tables=tables,
        notes=[summary],
        filename=f"{meeting.code}-seats",
        landscape=True,
    )
    return exports.response(export, fmt)


def _grade_tables(grades: selectors.GradeTable) -> list[exports.Table]:
    """The departments × grades matrix: seats (with the divisors), then students."""
    labels = [gettext("Grade %(g)s") % {"g": g["grade"]} for g in grades.grades]
    seats_rows: list[list[Any]] = [
        [r["name"], *(c[1] for c in r["cells"]), r["seats"], r["divisor"]]
        for r in grades.rows
    ]
    seats_rows.append(
        [gettext("Seats"), *(g.get("seats") for g in grades.grades), None, None]
    )
    divisors = [g.get("divisor_decimal") for g in grades.grades]
    seats_rows.append([gettext("Divisor"), *divisors, None, None])
    notes = [
        gettext(
            "Biproportional apportionment (Sainte-Laguë rounding): seats in a cell = "
            "students ÷ (department divisor × grade divisor), rounded; every "
            "department and every grade keeps its total."
        )
    ]
    steps = {
        "departments": gettext("Departments' seats"),
        "grades": gettext("Grades' seats"),
    }
    colon = label_colon()
    for lot in grades.lots:
        text = gettext(
            "%(units)s were tied; a lot with seed %(seed)s gave %(seats)s seat(s) to "
            "%(winners)s."
        ) % {
            "units": lot["units_text"],
            "seed": lot["seed"],
            "seats": lot["seats"],
            "winners": lot["winners_text"],
        }
        notes.append(steps.get(lot["step"], gettext("Cells")) + colon + text)
    return [
        exports.Table(
            title=gettext("Seats by department and grade"),
            columns=[
                gettext("Department"),
                *labels,
                gettext("Seats"),
                gettext("Divisor"),
            ],
            rows=seats_rows,
            notes=notes,
        ),
        exports.Table(
            title=gettext("Students by department and grade"),
            columns=[gettext("Department"), *labels, gettext("Students")],
            rows=[
                [r["name"], *(c[0] for c in r["cells"]), r["students"]]
                for r in grades.rows
            ],
        ),
    ]
