"""Organisations and their audits (ORG-1), and justifications of deviations (D rules)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext_noop, override
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongxue.compliance import selectors as compliance
from tongxue.compliance import services
from tongxue.compliance.report import (
    coverage_to_dict,
    finding_to_dict,
    verdict_of,
)
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, has_perm
from tongxue.domain.audit import AuditReport, Coverage
from tongxue.domain.findings import SEVERITY_ORDER, Finding
from tongxue.domain.profiles import ProfileError
from tongxue.domain.requirements import REQUIREMENTS
from tongxue.organisations.models import Organisation
from tongxue.organisations.models import OrgKind as OrgKindChoice

router = Router(tags=["organisations"])

#: Findings on one page of ``GET …/audit`` by default, and at most (``page_size``).
AUDIT_PAGE_SIZE = 50
AUDIT_MAX_PAGE_SIZE = 500


class OrganisationOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None = Field(None, alias="parent.code")
    students_served: int | None
    school_type: str
    profile: str


class ErrorOut(Schema):
    code: str
    message: str
    params: dict[str, Any]


class JustificationIn(Schema):
    rule: str
    reason: str
    approved_by: str
    approved_on: date
    #: The last day it applies (default: a year after approval).
    valid_until: date | None = None


class JustificationOut(Schema):
    organisation: str = Field(..., alias="organisation.code")
    rule: str
    reason: str
    approved_by: str
    approved_on: date
    valid_until: date
    #: The evidence of the finding it covers (the occurrence it was written for).
    evidence: dict[str, Any] | None


class AuditCoverageOut(Schema):
    """What the audit could check: requirement ids, their counts and the statement."""

    checked: list[str]
    incomplete: list[str]
    no_rule: list[str]
    counts: dict[str, int]
    statement: str


class AuditFindingOut(Schema):
    """One finding, its message in the language asked and in every language."""

    rule: str
    requirement: str
    clauses: list[str]
    severity: str
    organisation: str
    message: str
    messages: dict[str, str]
    #: Without the permission to see private data, what names a person is left out.
    evidence: dict[str, Any]
    evidence_display: list[dict[str, Any]]
    justified: bool
    justification: str | None
    justification_valid_until: str | None
    justification_lapsed: str | None
    severity_label: str
    requirement_summary: str
    quotes: dict[str, str]
    remedy: str
    remedies: dict[str, str]


class AuditFiltersOut(Schema):
    """The filters applied to ``findings`` ("" when not)."""

    severity: str
    requirement: str
    organisation: str
    city: str


class AuditReportOut(Schema):
    """The audit of a subtree: its counts, and one page of its findings (#15).

    ``summary``, ``failing``, ``coverage`` and ``verdict`` are those of the whole
    subtree whatever the filters; ``count`` is the number of findings matching the
    filters, of which ``findings`` is page ``page`` of ``pages`` (``page_size`` each,
    in the audit's order: severity, organisation, rule).
    """

    profile: str
    as_of: str
    organisations_audited: int
    summary: dict[str, int]
    failing: int
    coverage: AuditCoverageOut
    verdict: str
    #: When the stored results were computed (the oldest); null: computed now.
    stored_at: str | None
    filters: AuditFiltersOut
    count: int
    page: int
    pages: int
    page_size: int
    findings: list[AuditFindingOut]


@router.get("", response=list[OrganisationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organisations(
    request: HttpRequest,
    parent: str | None = None,
    kind: str | None = None,
    root: bool = False,
) -> Any:
    """List organisations: children of ``parent`` (a code), of a ``kind``, or the roots."""
    orgs = Organisation.objects.select_related("parent")
    if kind:
        if kind not in OrgKindChoice.values:
            raise refuse(
                "invalid", gettext_noop("Unknown organisation kind."), field="kind"
            )
        orgs = orgs.filter(kind=kind)
    if parent:
        orgs = orgs.filter(parent__code=parent)
    if root:
        orgs = orgs.filter(parent__isnull=True)
    return orgs


@router.get("/{code}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, code: str) -> Any:
    """Return one organisation."""
    return get_object_or_404(Organisation.objects.select_related("parent"), code=code)


@router.get("/{code}/audit", response={200: AuditReportOut, 400: ErrorOut})
def audit(
    request: HttpRequest,
    code: str,
    profile: str | None = None,
    as_of: date | None = None,
    language: str | None = None,
    severity: str = "",
    requirement: str = "",
    organisation: str = "",
    city: str = "",
    page: int = 1,
    page_size: int = AUDIT_PAGE_SIZE,
) -> Any:
    """Audit the organisation and everything below it: counts, and a page of findings.

    Without ``profile`` and ``as_of`` the stored audit is read when the whole subtree
    is stored (``stored_at``: when it was computed, the oldest result; a bounded
    number of queries at any size); otherwise, or with either, the audit is computed
    now (``stored_at``: null). The findings are filtered by ``severity``,
    ``requirement``, ``organisation`` (the code a finding is at) and ``city`` (the code
    of the city federation it is in), as on the compliance page, and paginated:
    ``page`` (from 1; past the last, the last) of ``page_size`` (1 to 500, default
    50). Every finding: ``tongxue audit CODE --stored --format json``, or every page.
    """
    org = get_object_or_404(Organisation.objects.only("code", "path"), code=code)
    language = language or get_language() or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise refuse(
            "invalid", gettext_noop("Unknown language {language}."), language=language
        )
    filters = _audit_filters(severity, requirement, organisation, city)
    if page < 1:
        raise refuse(
            "invalid", gettext_noop("A page is numbered from 1."), field="page"
        )
    if not 1 <= page_size <= AUDIT_MAX_PAGE_SIZE:
        raise refuse(
            "invalid",
            gettext_noop("A page holds 1 to {limit} findings."),
            field="page_size",
            limit=AUDIT_MAX_PAGE_SIZE,
        )
    # Evidence naming people only for those who may see private data.
    private = has_perm(request.user, Perm.VIEW_PRIVATE, org.path)
    if profile is None and as_of is None:
        stored = compliance.stored_report(
            code,
            path=org.path,
            page=page,
            per_page=page_size,
            **asdict(filters),
        )
        if stored.complete and stored.page is not None:
            return _audit_out(
                language,
                private,
                filters,
                shown=stored.page,
                profile=stored.profile,
                as_of=stored.audited_on,
                organisations=stored.organisations,
                summary=stored.counts,
                failing=stored.failing,
                coverage=stored.coverage,
                count=stored.matching,
                stored_at=stored.as_of,
            )
    try:
        report = compliance.audit_organisation(code=code, as_of=as_of, profile=profile)
    except ProfileError as exc:
        raise refuse(
            "unknown_profile",
            gettext_noop("The profile cannot be loaded: {error}"),
            error=str(exc),
        ) from None
    return _fresh_out(report, code, language, private, filters, page, page_size)


def _audit_filters(
    severity: str, requirement: str, organisation: str, city: str
) -> compliance.FindingFilters:
    """The findings' filters, or a refusal naming the one that is not valid."""
    if severity and severity not in {s.value for s in SEVERITY_ORDER}:
        raise refuse("invalid", gettext_noop("Unknown severity."), field="severity")
    if requirement and requirement not in REQUIREMENTS:
        raise refuse(
            "invalid", gettext_noop("Unknown requirement."), field="requirement"
        )
    return compliance.FindingFilters(
        severity, requirement, organisation[:64], city[:64]
    )


def _fresh_out(
    report: AuditReport,
    code: str,
    language: str,
    private: bool,
    filters: compliance.FindingFilters,
    page: int,
    page_size: int,
) -> dict[str, Any]:
    """The audit computed now, filtered and paginated as the stored one."""
    cities = compliance.cities_of(code) if filters.city else {}
    matching = [f for f in report.findings if filters.keep(f, cities)]
    return _audit_out(
        language,
        private,
        filters,
        shown=Paginator(matching, page_size).get_page(page),
        profile=report.profile,
        as_of=report.as_of,
        organisations=report.organisations_audited,
        summary=compliance.severity_counts(report),
        failing=len(compliance.failing(report.findings)),
        coverage=report.coverage,
        count=len(matching),
        stored_at=None,
    )


def _audit_out(
    language: str,
    private: bool,
    filters: compliance.FindingFilters,
    *,
    shown: Any,
    profile: str,
    as_of: date | None,
    organisations: int,
    summary: dict[str, int],
    failing: int,
    coverage: Coverage,
    count: int,
    stored_at: datetime | None,
) -> dict[str, Any]:
    """The shape of :class:`AuditReportOut` (docs/audit.md, "The API")."""
    findings: list[Finding] = list(shown.object_list)
    with override(language):
        verdict = str(verdict_of(failing, coverage))
        return {
            "profile": profile,
            "as_of": as_of.isoformat() if as_of is not None else "",
            "organisations_audited": organisations,
            "summary": summary,
            "failing": failing,
            "coverage": coverage_to_dict(coverage, language),
            "verdict": verdict,
            "stored_at": stored_at.isoformat() if stored_at is not None else None,
            "filters": asdict(filters),
            "count": count,
            "page": shown.number,
            "pages": shown.paginator.num_pages,
            "page_size": shown.paginator.per_page,
            "findings": [
                finding_to_dict(f, language=language, private=private) for f in findings
            ],
        }


@router.post(
    "/{code}/justifications",
    auth=django_auth,
    response={201: JustificationOut, 400: ErrorOut, 403: ErrorOut},
)
def record_justification(
    request: HttpRequest, code: str, payload: JustificationIn
) -> Any:
    """Record why the organisation departs from a default rule (session and CSRF)."""
    org = get_object_or_404(Organisation, code=code)
    justification = services.record_justification(
        actor=request.user,
        organisation=org,
        rule=payload.rule,
        reason=payload.reason,
        approved_by=payload.approved_by,
        approved_on=payload.approved_on,
        valid_until=payload.valid_until,
    )
    return Status(201, justification)
