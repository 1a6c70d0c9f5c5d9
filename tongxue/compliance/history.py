"""Compliance over time (#15): the findings counted at the start of each term.

The nightly pass copies the counts of the stored findings needing attention (not
justified) to ``FindingHistory`` at the first pass of each term
(:func:`tongxue.compliance.nightly.record_history`); :func:`finding_history` sums them
over a subtree — a union, a city, the province — term by term, and the page
``/org/CODE/compliance/history/`` (``compliance:history``) shows them. Public, as the
audit is (TRN-1 · GS-11, CQ-6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongxue.compliance.models import FindingHistory
from tongxue.core.terms import term_label
from tongxue.domain.findings import SEVERITY_ORDER
from tongxue.organisations.http import get_or_404

#: The severities, most serious first (the table's columns).
SEVERITIES = [s.value for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)]


@dataclass(frozen=True)
class TermCounts:
    term: str  # its code, e.g. "2026-autumn"
    start: date
    #: severity → findings in the subtree at the start of the term (every severity).
    counts: dict[str, int] = field(default_factory=dict)
    #: requirement → findings (the requirements with any).
    requirements: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def label(self) -> str:
        """The term's name in the active language (:func:`tongxue.core.terms.term_label`)."""
        return term_label(self.term)


def finding_history(path: str) -> list[TermCounts]:
    """The counts of the subtree at ``path`` (an ``Organisation.path``), term by
    term, oldest first; every term recorded anywhere is listed (a term without a
    finding here counts 0). Two queries."""
    terms = dict(
        FindingHistory.objects.values_list("term", "term_start")
        .distinct()
        .order_by("term_start")
    )
    by_severity: dict[str, dict[str, int]] = {t: {} for t in terms}
    by_requirement: dict[str, dict[str, int]] = {t: {} for t in terms}
    rows = (
        FindingHistory.objects.filter(organisation__path__startswith=path)
        .values("term", "requirement", "severity")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for r in rows:
        sev = by_severity.setdefault(r["term"], {})
        sev[r["severity"]] = sev.get(r["severity"], 0) + r["n"]
        req = by_requirement.setdefault(r["term"], {})
        req[r["requirement"]] = req.get(r["requirement"], 0) + r["n"]
    return [
        TermCounts(
            term,
            start,
            {s: by_severity[term].get(s, 0) for s in SEVERITIES},
            dict(sorted(by_requirement[term].items())),
        )
        for term, start in sorted(terms.items(), key=lambda t: t[1])
    ]


@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    """The page: the subtree's findings at the start of each term."""
    org = get_or_404(code)
    return render(
        request,
        "compliance/history.html",
        {"org": org, "terms": finding_history(org.path), "severities": SEVERITIES},
    )
