"""A report to the school in the reader's language: the page's sections, the PDF and
the Excel file (RGT-1 · GS-10, CQ-5).

One rendering of the stored content (:func:`tongxue.voice.reports.build`) into
:class:`tongxue.core.exports.Table` s, so that the page, the PDF (WeasyPrint, a CJK
font first, ``exports/print.html``) and the workbook (openpyxl, a sheet per table)
say the same thing; the names of offices and categories in English when the reader
reads English and the union gave one. Nothing here queries the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext

from tongxue.core.exports import Export, Table, pdf_html
from tongxue.voice.models import (
    ConcernStatus,
    Rating,
    ReportKind,
    ReportStatus,
    SchoolReport,
)
from tongxue.voice.report_services import report_title
from tongxue.voice.reports import figures_of

__all__ = [
    "PRINTED",
    "RATE_NAMES",
    "PdfUnavailable",
    "ReportDocument",
    "document",
    "export",
    "filename",
    "pdf_bytes",
    "period_text",
    "rate_names",
]


def _english() -> bool:
    return (get_language() or "").lower().startswith("en")


def _name(entry: Mapping[str, Any] | None, fallback: str) -> str:
    if not entry:
        return fallback
    if _english() and entry.get("name_en"):
        return str(entry["name_en"])
    return str(entry.get("name") or fallback)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _rate(part: int, base: int) -> str:
    if not base:
        return "—"
    value = round(float(Fraction(part, base)) * 100, 1)
    return f"{value:g}% ({part}/{base})"


def _status(value: str) -> str:
    return str(ConcernStatus(value).label) if value in ConcernStatus.values else value


def _rating(value: str) -> str:
    return str(Rating(value).label) if value in Rating.values else ""


def _deadline(value: str) -> str:
    if value == "acknowledge":
        return gettext("Acknowledgement")
    return pgettext("deadline", "Answer")


def _reason(value: str) -> str:
    if value == "overdue":
        return gettext("Overdue")
    return gettext("Shared by many students")


RATE_NAMES = (
    ("response_rate", "responded_in_time", "response_base"),
    ("on_time_rate", "answered_in_time", "answer_base"),
    ("solved_rate", "solved", "closed"),
    ("satisfaction_rate", "satisfied", "rated"),
)


def rate_names() -> list[str]:
    return [
        gettext("Response rate"),
        gettext("On-time rate"),
        gettext("Solved rate"),
        gettext("Satisfaction rate"),
    ]


@dataclass(frozen=True)
class ReportDocument:
    """A report as read: its title, the lines under it, the summary, the tables."""

    title: str
    lines: list[str]
    notes: list[str]
    tables: list[Table]
    #: Ids of the tables, in order (the page's anchors and the tests').
    ids: list[str]


def period_text(content: Mapping[str, Any]) -> str:
    p = content.get("period", {})
    return gettext("%(start)s to %(end)s") % {
        "start": p.get("start"),
        "end": p.get("end"),
    }


#: The longest list the page and the PDF print (the most overdue, the previous
#: report's items still open first); the Excel file has every row.
PRINTED = 100


def _printed(rows: list[list[Any]], full: bool, notes: list[str]) -> list[list[Any]]:
    """``rows``, or their first :data:`PRINTED` with a note saying where the rest is."""
    if full or len(rows) <= PRINTED:
        return rows
    notes.append(
        gettext(
            "The first %(shown)d of %(n)d are listed here; the Excel file lists them all."
        )
        % {"shown": PRINTED, "n": len(rows)}
    )
    return rows[:PRINTED]


def document(report: SchoolReport, *, full: bool = False) -> ReportDocument:
    """The report's content in the active language; ``full``: every row of the long
    lists (the Excel file), else the first :data:`PRINTED` (the page, the PDF)."""
    c = report.content or {}
    units = c.get("units", {})
    kinds = c.get("categories", {})
    union_name = _name(units.get(report.union.code), report.union.name)
    totals = c.get("totals", {})
    fig = figures_of(c.get("figures", {}))

    def unit(code: str) -> str:
        return _name(units.get(code), code)

    def kind(code: str) -> str:
        return _name(kinds.get(code), code)

    kind_label = str(ReportKind(report.kind).label)
    lines = [
        union_name,
        f"{kind_label} · {period_text(c)}",
        gettext("Figures as of %(day)s; generated on %(at)s.")
        % {
            "day": c.get("as_of", ""),
            "at": timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"),
        },
    ]
    if report.status == ReportStatus.SUBMITTED and report.submitted_at:
        lines.append(
            gettext("Submitted to %(to)s on %(day)s.")
            % {
                "to": report.submitted_to,
                "day": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d"),
            }
        )
    else:
        lines.append(str(ReportStatus(report.status).label))

    notes = [
        gettext(
            "%(raised)d concerns were raised in the period; %(open)d wait for their "
            "handler, %(answered)d were answered and wait for the student's rating, "
            "%(closed)d are concluded. %(overdue)d concerns are past a deadline "
            "(%(outside)d of them raised outside the period)."
        )
        % {
            "raised": totals.get("raised", 0),
            "open": totals.get("open", 0),
            "answered": totals.get("answered", 0),
            "closed": totals.get("closed", 0),
            "overdue": totals.get("overdue", 0),
            "outside": totals.get("overdue_outside", 0),
        },
        gettext(
            "Sensitive concerns and concerns about a cadre are counted and never "
            "listed (%(n)d in the period); no list names who raised a concern, and "
            "titles are shown with phone, ID and student numbers masked."
        )
        % {"n": totals.get("restricted", 0)},
    ]

    summary_rows: list[list[Any]] = [
        [gettext("Concerns raised in the period"), totals.get("raised", 0)],
        [gettext("Waiting for their handler"), totals.get("open", 0)],
        [
            gettext("Answered, waiting for the student's rating"),
            totals.get("answered", 0),
        ],
        [pgettext("report", "Concluded"), totals.get("closed", 0)],
        [
            gettext("Merged or withdrawn (not counted in the rates)"),
            totals.get("raised", 0) - totals.get("counted", 0),
        ],
        [gettext("Past a deadline now (whenever raised)"), totals.get("overdue", 0)],
        [
            gettext("Sensitive or about a cadre (counted only)"),
            totals.get("restricted", 0),
        ],
        [gettext("Students who added “me too”"), totals.get("supporters", 0)],
    ]
    for name, (_rate_name, part, base) in zip(rate_names(), RATE_NAMES, strict=True):
        summary_rows.append([name, _rate(getattr(fig, part), getattr(fig, base))])

    tables = [
        Table(
            title=gettext("Summary"),
            columns=[pgettext("report", "Item"), pgettext("report", "Number")],
            rows=summary_rows,
        ),
        Table(
            title=gettext("By category"),
            columns=[
                gettext("Category"),
                pgettext("report", "Raised"),
                gettext("Waiting"),
                pgettext("report", "Concluded"),
                gettext("Solved"),
                gettext("Overdue"),
            ],
            rows=[
                [
                    kind(r["category"]),
                    r["raised"],
                    r["open"],
                    r["closed"],
                    r["solved"],
                    r["overdue"],
                ]
                for r in c.get("by_category", ())
            ],
            empty=gettext("No concern was raised in the period."),
        ),
        Table(
            title=gettext("By office or unit handling them"),
            columns=[
                gettext("Office or unit"),
                pgettext("report", "Raised"),
                gettext("Waiting"),
                gettext("Overdue"),
                *rate_names(),
            ],
            rows=[
                [
                    unit(r["unit"]),
                    r["raised"],
                    r["open"],
                    r["overdue"],
                    *(
                        _rate(r["figures"].get(part, 0), r["figures"].get(base, 0))
                        for _n, part, base in RATE_NAMES
                    ),
                ]
                for r in c.get("by_office", ())
            ],
            notes=[
                gettext(
                    "A concern counts for the office or unit handling it now; the "
                    "rates are over the concerns raised in the period, a rate with "
                    "nothing to judge yet shows “—”."
                )
            ],
            empty=gettext("No concern was raised in the period."),
        ),
        Table(
            title=gettext("Top topics"),
            columns=[
                gettext("Topic"),
                gettext("Keywords"),
                gettext("Concerns"),
                gettext("“Me too”"),
                gettext("Still open"),
                gettext("Categories"),
                gettext("For example"),
            ],
            rows=[
                [
                    t["words"][0],
                    "、".join(t["words"]),
                    t["concerns"],
                    t["supporters"],
                    t["open"],
                    "、".join(f"{kind(code)} {n}" for code, n in t["categories"]),
                    "、".join(t["examples"]),
                ]
                for t in c.get("topics", ())
            ],
            notes=[
                gettext(
                    "Keywords of the concerns' masked text (jieba), weighted by how "
                    "rare they are in Chinese at large, grouped when one contains the "
                    "other or they occur in the same concerns; a keyword of a single "
                    "concern is no topic. Sensitive concerns and those about a cadre "
                    "are left out."
                )
            ],
            empty=gettext("Too few concerns for topics."),
        ),
    ]

    overdue = c.get("overdue", {})
    overdue_notes = []
    if overdue.get("restricted"):
        overdue_notes.append(
            gettext("%(n)d more are sensitive or about a cadre: counted, not listed.")
            % {"n": overdue["restricted"]}
        )
    if overdue.get("not_listed"):
        overdue_notes.append(
            gettext("%(n)d more are not listed here (the least overdue).")
            % {"n": overdue["not_listed"]}
        )
    tables.append(
        Table(
            title=gettext("Overdue"),
            columns=[
                gettext("Reference"),
                pgettext("concern", "Title"),
                gettext("Category"),
                gettext("Handled by"),
                gettext("Deadline passed"),
                gettext("Due"),
                gettext("Working days late"),
                pgettext("report", "Raised on"),
            ],
            rows=_printed(
                [
                    [
                        i["reference"],
                        i["title"],
                        kind(i["category"]),
                        unit(i["handler"]),
                        _deadline(i["deadline"]),
                        _day(i["due"]),
                        i["late"],
                        _day(i["raised_on"]),
                    ]
                    for i in overdue.get("items", ())
                ],
                full,
                overdue_notes,
            ),
            notes=overdue_notes,
            empty=gettext("No concern is past its deadline."),
        )
    )
    supported = c.get("supported", {})
    tables.append(
        Table(
            title=gettext("Shared by many students"),
            columns=[
                gettext("Reference"),
                pgettext("concern", "Title"),
                gettext("Category"),
                gettext("Handled by"),
                gettext("Status"),
                gettext("“Me too”"),
                pgettext("report", "Raised on"),
            ],
            rows=[
                [
                    i["reference"],
                    i["title"],
                    kind(i["category"]),
                    unit(i["handler"]),
                    _status(i["status"]),
                    i["supporters"],
                    _day(i["raised_on"]),
                ]
                for i in supported.get("items", ())
            ],
            notes=[
                gettext(
                    "Concerns at least %(n)d other students added “me too” to, raised "
                    "in the period or still open."
                )
                % {"n": supported.get("min", 0)}
            ],
            empty=gettext("No concern is shared by that many students."),
        )
    )
    previous = c.get("previous")
    if previous:
        prev_notes = [
            gettext(
                "The report on %(start)s to %(end)s, submitted to %(to)s on %(day)s, "
                "listed %(n)d concerns: %(done)d are concluded, %(open)d are not yet."
            )
            % {
                "start": previous["start"],
                "end": previous["end"],
                "to": previous["submitted_to"],
                "day": previous["submitted_on"],
                "n": len(previous["items"]),
                "done": previous["concluded"],
                "open": previous["open"],
            }
        ]
        prev_rows = [
            [
                i["reference"],
                i["title"],
                _reason(i["reason"]),
                unit(i["handler"]),
                _status(i["status"]),
                _rating(i["rating"]),
                _day(i["closed_on"]),
            ]
            for i in previous["items"]
        ]
    else:
        prev_notes, prev_rows = [], []
    tables.append(
        Table(
            title=gettext("The previous report's items"),
            columns=[
                gettext("Reference"),
                pgettext("concern", "Title"),
                gettext("Why listed"),
                gettext("Handled by"),
                gettext("Status now"),
                gettext("Rating"),
                gettext("Concluded on"),
            ],
            rows=_printed(prev_rows, full, prev_notes),
            notes=prev_notes,
            empty=gettext("No report was submitted to the school before this one.")
            if not previous
            else gettext("The previous report listed no concern."),
        )
    )
    return ReportDocument(
        title=report_title(union_name, report.kind, report.period_start),
        lines=lines,
        notes=notes,
        tables=tables,
        ids=[
            "summary",
            "by-category",
            "by-office",
            "topics",
            "overdue",
            "supported",
            "previous",
        ],
    )


def filename(report: SchoolReport) -> str:
    """The files' name without its extension (ASCII: codes)."""
    return f"{report.union.code}-{report.kind}-{report.period_start:%Y-%m}"


def export(report: SchoolReport, url: str, *, full: bool = True) -> Export:
    """The report as a file (:func:`tongxue.core.exports.response`): every row for the
    Excel file, the first :data:`PRINTED` of the long lists for the PDF."""
    doc = document(report, full=full)
    return Export(
        title=doc.title,
        lines=doc.lines,
        url=url,
        tables=doc.tables,
        filename=filename(report),
        notes=doc.notes,
        landscape=True,
        # the PDF is stored and served again (report_services.report_pdf)
        made_line=gettext("PDF made on %(at)s."),
    )


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries are missing on this server."""


def pdf_bytes(report: SchoolReport, url: str) -> bytes:
    """The report's PDF in the active language (WeasyPrint: seconds for a long
    report, which is why :func:`tongxue.voice.report_services.report_pdf` stores it);
    :class:`PdfUnavailable` when WeasyPrint cannot run here."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(str(exc)) from exc
    pdf = HTML(string=pdf_html(export(report, url, full=False))).write_pdf()
    return bytes(pdf)
