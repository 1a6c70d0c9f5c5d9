"""The public pages of a union's concerns: the list and the figures (RGT-1 · GS-10, CQ-5).

Both are open to everyone, signed in or not, and show **no identity ever**: the list
reads the public concerns only (public, not sensitive, not about a cadre:
:func:`tongxue.voice.selectors.public_concerns`) and their masked text; the figures are
counts and rates per school office and for the union
(:func:`tongxue.voice.selectors.figures_overview`, one query; the definitions
are :mod:`tongxue.domain.rights.figures`'). Each page has its CSV and Excel file at the
same address with ``?format=csv`` or ``?format=xlsx`` (the list's file keeps its
filters). The charts are drawn by ``core/charts.js`` from the JSON the page renders
with ``json_script`` (data, not a script: the CSP allows no inline script), each
followed by the table of its figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django import forms
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tongxue.core.spreadsheets import safe_row, xlsx_row
from tongxue.core.view_helpers import page_url, paginate
from tongxue.domain.rights import Figures
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation
from tongxue.voice import selectors
from tongxue.voice.models import Category, Concern, ConcernStatus

#: The kinds of organisation that take concerns (school and graduate unions): only
#: they have a public list and figures.
UNION_KINDS = selectors.SCHOOL_LEVEL
#: The figures cover the concerns raised in this many months, this one included.
MONTHS = 6
#: At most this many concerns in a file of the public list (the newest; narrow the
#: filters for older ones).
EXPORT_MAX = 10_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _union_or_404(code: str) -> Organisation:
    union = get_or_404(code)
    if union.kind not in UNION_KINDS:
        raise Http404(code)
    return union


# --------------------------------------------------------------------------- the list


class PublicFilterForm(forms.Form):
    """The public list's filters (GET): status, category (its code), words."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    q = forms.CharField(label=_("Words"), max_length=100, required=False)

    def __init__(self, *args: Any, categories: Sequence[Category] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        everything = [("", gettext("All"))]
        self.fields["status"].choices = everything + list(ConcernStatus.choices)
        self.fields["category"].choices = everything + [
            (c.code, c.name) for c in categories
        ]


def public_categories(union: Organisation) -> list[Category]:
    """The categories a public concern can have: neither sensitive nor about a cadre,
    those no longer offered included (their concerns stay listed; one query)."""
    return [
        c
        for c in selectors.categories(union, active_only=False)
        if not c.sensitive and not c.about_cadre
    ]


def filtered_concerns(
    union: Organisation, data: Any
) -> tuple[PublicFilterForm, Any, bool]:
    """The filter form on ``data`` (a QueryDict) and the union's public concerns it
    selects, with whether a filter is set (two queries when evaluated: categories,
    then the list). A wrong value is ignored, as if not given."""
    cats = public_categories(union)
    form = PublicFilterForm(data, categories=cats)
    status = category = q = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        code = form.cleaned_data["category"]
        category = next((c for c in cats if c.code == code), None) if code else None
        q = form.cleaned_data["q"].strip() or None
    concerns = selectors.public_concerns(union, status=status, category=category, q=q)
    return form, concerns, bool(status or category or q)


def _date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def list_columns() -> list[str]:
    return [
        gettext("Reference"),
        pgettext("concern", "Title"),
        gettext("Category"),
        gettext("Place"),
        gettext("Status"),
        gettext("Handled by"),
        gettext("Also affected"),
        gettext("Raised on"),
        gettext("Answer by"),
        gettext("Acknowledged on"),
        gettext("Answered on"),
        gettext("Closed on"),
        gettext("Address"),
    ]


def list_line(c: Concern, base: str) -> list[Any]:
    return [
        c.reference,
        c.public_title,
        c.category.name,
        c.place,
        c.get_status_display(),
        c.handler.name,
        c.supporters,
        _date(c.raised_at),
        c.answer_due,
        _date(c.acknowledged_at),
        _date(c.answered_at),
        _date(c.closed_at),
        base + reverse("voice:detail", args=[c.union.code, c.number]),
    ]


@require_GET
def public_list(request: HttpRequest, union_code: str) -> HttpResponse:
    """The union's public concerns, newest first, with filters, pages and files."""
    union = _union_or_404(union_code)
    form, concerns, filtered = filtered_concerns(union, request.GET)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        base = request.build_absolute_uri("/").rstrip("/")
        lines = (list_line(c, base) for c in concerns[:EXPORT_MAX])
        name = f"{union.code}-concerns"
        title = gettext("Public concerns of %(union)s") % {"union": union.name}
        return _file(fmt, name, [(title, list_columns(), lines)])
    if fmt:
        raise Http404(fmt)
    page = paginate(request, concerns)
    kept = {k: request.GET.get(k, "") for k in ("status", "category", "q")}
    return render(
        request,
        "voice/public_list.html",
        {
            "union": union,
            "form": form,
            "filtered": filtered,
            "page": page,
            "page_url": page_url(**kept),
        },
    )


# --------------------------------------------------------------------------- figures


def percent(rate: Fraction | None) -> float | None:
    """A rate as a percentage with one decimal (None: nothing to judge yet)."""
    return None if rate is None else round(float(rate) * 100, 1)


def rate_label(rate: Fraction | None) -> str:
    value = percent(rate)
    return "—" if value is None else f"{value:g}%"


#: The four rates: their name, the Figures property, the part and the base counts.
RATES = (
    ("response_rate", "responded_in_time", "response_base"),
    ("on_time_rate", "answered_in_time", "answer_base"),
    ("solved_rate", "solved", "closed"),
    ("satisfaction_rate", "satisfied", "rated"),
)


def rate_names() -> dict[str, str]:
    return {
        "response_rate": gettext("Response rate"),
        "on_time_rate": gettext("On-time rate"),
        "solved_rate": gettext("Solved rate"),
        "satisfaction_rate": gettext("Satisfaction rate"),
    }


@dataclass(frozen=True)
class RateCell:
    name: str
    label: str  # "87.5%" or "—"
    part: int
    base: int
    value: float | None


@dataclass(frozen=True)
class FiguresRow:
    """A unit (an office, the union) or a month with its four rates."""

    label: str
    code: str
    kind: str
    figures: Figures
    cells: list[RateCell]


def figures_row(label: str, code: str, kind: str, f: Figures) -> FiguresRow:
    names = rate_names()
    return FiguresRow(
        label=label,
        code=code,
        kind=kind,
        figures=f,
        cells=[
            RateCell(
                name=names[rate],
                label=rate_label(getattr(f, rate)),
                part=getattr(f, part),
                base=getattr(f, base),
                value=percent(getattr(f, rate)),
            )
            for rate, part, base in RATES
        ],
    )


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def figures_data(union: Organisation, today: dt.date) -> dict[str, Any]:
    """The figures of the union and its school's offices, and the union's by month
    (three queries: the concerns grouped by handler and month, the school, its
    offices)."""
    overview = selectors.figures_overview(union, today=today, months=MONTHS)
    units = [
        figures_row(org.name, org.code, org.get_kind_display(), f)
        for org, f in overview.units
    ]
    by_month = overview.months
    months = [
        figures_row(month_label(month), month_label(month), "", f)
        for month, f in by_month
    ]
    return {
        "units": units,
        "months": months,
        "since": by_month[0][0] if by_month else today.replace(day=1),
        "today": today,
    }


def _chart(
    kind: str, rows: Sequence[FiguresRow], *, horizontal: bool = False
) -> dict[str, Any]:
    names = rate_names()
    return {
        "type": kind,
        "horizontal": horizontal,
        "categories": [r.label for r in rows],
        "series": [
            {"name": names[rate], "data": [r.cells[i].value for r in rows]}
            for i, (rate, _part, _base) in enumerate(RATES)
        ],
        "unit": "%",
        "max": 100,
        "empty": gettext("No concern to judge yet."),
    }


def figures_columns(first: str) -> list[str]:
    names = rate_names()
    out = [first, pgettext("figures", "Received")]
    for rate, _part, _base in RATES:
        out += [
            names[rate],
            gettext("%(rate)s: counted") % {"rate": names[rate]},
            gettext("%(rate)s: of") % {"rate": names[rate]},
        ]
    return out


def figures_line(row: FiguresRow) -> list[Any]:
    out: list[Any] = [row.label, row.figures.received]
    for cell in row.cells:
        out += [cell.value if cell.value is not None else "", cell.part, cell.base]
    return out


@require_GET
def figures(request: HttpRequest, union_code: str) -> HttpResponse:
    """响应率, 按时办结率, 解决率, 满意率 per school office and for the union, and by
    month: charts, tables and files (at most 15 queries, however many concerns)."""
    union = _union_or_404(union_code)
    today = timezone.localdate()
    data = figures_data(union, today)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"{union.code}-figures-{today:%Y%m%d}"
        tables = [
            (
                gettext("By office and unit"),
                figures_columns(gettext("Office or unit")),
                [figures_line(r) for r in data["units"]],
            ),
            (
                gettext("By month raised"),
                figures_columns(gettext("Month")),
                [figures_line(r) for r in data["months"]],
            ),
        ]
        return _file(fmt, name, tables)
    if fmt:
        raise Http404(fmt)
    return render(
        request,
        "voice/figures.html",
        {
            "union": union,
            "months_count": MONTHS,
            "rate_names": list(rate_names().values()),
            "unit_chart": _chart("bar", data["units"], horizontal=True),
            "month_chart": _chart("line", data["months"]),
            **data,
        },
    )


# --------------------------------------------------------------------------- files


Sheet = tuple[str, list[str], Iterable[Sequence[Any]]]


def _file(fmt: str, name: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """CSV (one table after another, a blank line between) or Excel (a sheet each);
    every text cell escaped (``core.spreadsheets``: never a formula)."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_lines(sheets, translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"{name}.csv"
        )
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, columns, lines in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append(xlsx_row(sheet, columns))
        for line in lines:
            sheet.append(xlsx_row(sheet, line))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response


def _sheet_title(title: str) -> str:
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else value


def _csv_lines(sheets: Sequence[Sheet], language: str | None) -> Iterator[str]:
    """The rows of the CSV file, made while the response streams: in the language of
    the request (labels such as a status are translated as each row is written)."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff"  # Excel reads UTF-8 with its mark
        for index, (title, columns, lines) in enumerate(sheets):
            if len(sheets) > 1:
                if index:
                    yield writer.writerow([])
                yield writer.writerow(safe_row([title]))
            yield writer.writerow(safe_row(columns))
            for line in lines:
                yield writer.writerow(safe_row(_csv_cell(v) for v in line))
