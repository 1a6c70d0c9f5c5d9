"""The balance page of a federation congress (CON-12 · GS-4): public, no personal data.

Delegates against the student population by city, county, school type, ethnic group and
gender, with the Sainte-Laguë seats (``tongxue.domain.balance``), and the CON-12
findings on this congress. ``?format=csv`` exports the table.
"""

from __future__ import annotations

import csv
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from tongxue.congresses.models import Meeting
from tongxue.domain.audit import AuditContext
from tongxue.domain.balance import BalanceReport, balance_report
from tongxue.domain.findings import Finding
from tongxue.domain.rules.federation import FEDERATION_KINDS, congress_findings
from tongxue.organisations.mappers import load_registry
from tongxue.organisations.models import Person
from tongxue.organisations.views import get_or_404

#: Dimensions whose group labels are message ids (the others are names).
TRANSLATED = frozenset({"school_type", "gender"})


def _population(code: str) -> dict[str, dict[str, int]]:
    """Enrolled students registered in the federation's area (through their department
    or class), by gender and by ethnic group: two aggregate queries."""
    below = f"/{code}/"
    students = Person.objects.filter(kind="student", enrolment="enrolled").filter(
        Q(department__path__contains=below)
        | Q(department__isnull=True, class_unit__path__contains=below)
    )
    out: dict[str, dict[str, int]] = {}
    for field, name in (("gender", "gender"), ("ethnicity", "ethnicity")):
        out[name] = {
            value: n
            for value, n in students.exclude(**{field: ""})
            .values_list(field)
            .annotate(n=Count("pk"))
            .order_by()
            if value
        }
    return out


def _decimal(share: Fraction | None) -> str:
    return "" if share is None else f"{float(share) * 100:.1f}%"


def _rows(report: BalanceReport) -> list[dict[str, Any]]:
    out = []
    for dim in report.dimensions:
        table = []
        for r in dim.rows:
            label = gettext(r.label) if dim.name in TRANSLATED else r.label
            table.append(
                {
                    "group": r.group,
                    "label": label,
                    "students": r.students,
                    "student_share": _decimal(r.student_share),
                    "delegates": r.delegates,
                    "delegate_share": _decimal(r.delegate_share),
                    "proportional": r.proportional,
                    "difference": r.difference,
                }
            )
        out.append(
            {
                "name": dim.name,
                "label": gettext(dim.label),
                "rows": table,
                "students": dim.students,
                "delegates": dim.delegates,
                "unknown": dim.unknown_delegates,
                "tie": dim.tie,
            }
        )
    return out


def _finding_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "rule": f.rule,
            "severity": f.severity.value,
            "clauses": ", ".join(f.clauses),
            "message": f.message.render(gettext),
        }
        for f in findings
    ]


def _csv(meeting: Meeting, dims: list[dict[str, Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{meeting.code}-balance.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "dimension",
            "group",
            "label",
            "students",
            "student_share",
            "delegates",
            "delegate_share",
            "proportional_seats",
            "difference",
        ]
    )
    for dim in dims:
        for r in dim["rows"]:
            writer.writerow(
                [
                    dim["name"],
                    r["group"],
                    r["label"],
                    r["students"],
                    r["student_share"],
                    r["delegates"],
                    r["delegate_share"],
                    "" if r["proportional"] is None else r["proportional"],
                    "" if r["difference"] is None else r["difference"],
                ]
            )
    return response


@require_http_methods(["GET"])
def balance(request: HttpRequest, code: str, meeting_code: str) -> HttpResponse:
    """CON-12 · GS-4: the balance report and findings of a federation's congress."""
    org = get_or_404(code)
    if org.kind not in FEDERATION_KINDS:
        raise Http404(code)
    try:
        meeting = Meeting.objects.get(code=meeting_code, organisation=org)
    except Meeting.DoesNotExist:
        raise Http404(meeting_code) from None
    registry = load_registry(code)
    dm_meeting = next(
        m
        for m in registry.meetings
        if m.code == meeting.code and m.organisation == code
    )
    report = balance_report(registry, code, dm_meeting, population=_population(code))
    ctx = AuditContext(registry, timezone.localdate())
    findings = list(congress_findings(ctx, registry.org[code], dm_meeting))
    dims = _rows(report)
    if request.GET.get("format") == "csv":
        return _csv(meeting, dims)
    return render(
        request,
        "congresses/balance.html",
        {
            "org": org,
            "meeting": meeting,
            "report": report,
            "dimensions": dims,
            "findings": _finding_rows(findings),
        },
    )
