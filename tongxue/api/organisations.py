"""Organisations and their audits (ORG-1), and justifications of deviations (D rules)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext_noop, override
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongxue.compliance import selectors as compliance
from tongxue.compliance import services
from tongxue.compliance.report import report_to_dict
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, has_perm
from tongxue.domain.profiles import ProfileError
from tongxue.organisations.models import Organisation
from tongxue.organisations.models import OrgKind as OrgKindChoice

router = Router(tags=["organisations"])


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


@router.get("/{code}/audit", response={200: dict[str, Any], 400: ErrorOut})
def audit(
    request: HttpRequest,
    code: str,
    profile: str | None = None,
    as_of: date | None = None,
    language: str | None = None,
) -> Any:
    """Audit the organisation and everything below it (the report of ``tongxue audit``).

    Without ``profile`` and ``as_of`` the stored audit is returned when the whole
    subtree is stored (``stored_at``: when it was computed, the oldest result);
    otherwise, or with either, the audit is computed now (``stored_at``: null).
    """
    org = get_object_or_404(Organisation.objects.only("code", "path"), code=code)
    language = language or get_language() or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise refuse(
            "invalid", gettext_noop("Unknown language {language}."), language=language
        )
    stored = None
    if profile is None and as_of is None:
        stored = compliance.stored_audit_report(code)
    try:
        report = stored or compliance.audit_organisation(
            code=code, as_of=as_of, profile=profile
        )
    except ProfileError as exc:
        raise refuse(
            "unknown_profile",
            gettext_noop("The profile cannot be loaded: {error}"),
            error=str(exc),
        ) from None
    with override(language):
        # Evidence naming people only for those who may see private data.
        private = has_perm(request.user, Perm.VIEW_PRIVATE, org.path)
        data = report_to_dict(report, language, private=private)
    data["stored_at"] = stored.stored_at.isoformat() if stored is not None else None
    return data


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
