"""Compliance pages: an organisation's audit, justifications and audit log.

The audit itself is public (TRN-1 · GS-11, CQ-6: work affairs are public); recording a
justification needs ``Perm.JUSTIFY`` and the audit log ``Perm.VIEW_PRIVATE`` at the
organisation or above (the page's export links are the snapshots app's,
:func:`tongxue.snapshots.views.export`). Views parse input, call the
selectors and services, and map a ``Refusal`` to a form error. The report reads the
stored audit (#15, ``selectors.stored_report``) and computes it only for a subtree not
completely stored yet, saying so (docs/audit.md, "Stored findings").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from tongxue.compliance import report as report_text
from tongxue.compliance import selectors, services
from tongxue.compliance.forms import (
    FindingFilterForm,
    JustificationForm,
    WithdrawForm,
)
from tongxue.compliance.models import Justification
from tongxue.core import auditlog
from tongxue.core.caching import anonymous, kept_for_anonymous
from tongxue.core.errors import Refusal, render_message
from tongxue.core.models import AuditEvent, RoleAssignment
from tongxue.core.permissions import GRANTS, Perm, has_perm
from tongxue.core.view_helpers import page_url, paginate
from tongxue.domain.evidence import SEVERITY_LABELS
from tongxue.domain.findings import SEVERITY_ORDER, Finding, Severity
from tongxue.domain.justifications import default_valid_until
from tongxue.organisations.http import get_or_404
from tongxue.organisations.mappers import subtree_filter
from tongxue.organisations.models import Organisation, OrgKind

#: The severities, most serious first.
SEVERITIES = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)


class Grants:
    """The user's roles, read once, to answer many permission questions on one page."""

    def __init__(self, user: Any) -> None:
        self.superuser = bool(getattr(user, "is_superuser", False))
        self.by_code: dict[str, set[Perm]] = {}
        if getattr(user, "is_authenticated", False) and not self.superuser:
            for code, role in RoleAssignment.objects.filter(user=user).values_list(
                "organisation__code", "role"
            ):
                self.by_code.setdefault(code, set()).update(GRANTS.get(role, ()))

    def allows(self, perm: Perm, path: str) -> bool:
        """Return whether a role at the organisation with ``path`` or above grants ``perm``."""
        if self.superuser:
            return True
        return any(perm in self.by_code.get(c, ()) for c in path.split("/") if c)


def _finding_context(
    finding: Finding,
    *,
    path: str,
    grants: Grants,
    form: JustificationForm | None = None,
) -> dict[str, Any]:
    can_justify = grants.allows(Perm.JUSTIFY, path)
    if form is None and can_justify and finding.severity == Severity.DEVIATION:
        # Built only where the card shows it (50 findings a page, mostly read).
        form = JustificationForm(
            initial={
                "rule": finding.rule,
                "valid_until": default_valid_until(timezone.localdate()),
            },
            auto_id=False,
        )
    return {
        "finding": finding,
        "evidence": finding.evidence_for(
            private=grants.allows(Perm.VIEW_PRIVATE, path)
        ),
        "can_justify": can_justify,
        "form": form,
    }


def _groups(
    findings: Iterable[Finding], orgs: dict[str, tuple[str, str]], grants: Grants
) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for f in findings:
        name, path = orgs.get(f.organisation, (f.organisation, ""))
        group = out.setdefault(
            f.organisation, {"code": f.organisation, "name": name, "items": []}
        )
        group["items"].append(_finding_context(f, path=path, grants=grants))
    return list(out.values())


def _filter_form(request: HttpRequest, org: Organisation) -> FindingFilterForm:
    """The page's filters: the severities, the requirements the audit checks, and the
    city federations when the page is a province's (one query, then only)."""
    cities = (
        selectors.city_choices(org.path)
        if org.kind == OrgKind.PROVINCIAL_FEDERATION
        else []
    )
    return FindingFilterForm(
        request.GET,
        severities=[(s.value, gettext(SEVERITY_LABELS[s])) for s in SEVERITIES],
        requirements=selectors.checked_requirements(),
        cities=cities,
    )


def _page_number(request: HttpRequest) -> str:
    return str(request.GET.get("page", "1"))[:8]


def _stored_context(
    org: Organisation, stored: selectors.StoredReport
) -> dict[str, Any]:
    """What the page shows of the stored audit: counts, verdict, coverage, as of."""
    return {
        "counts": stored.counts,
        "failing": stored.failing,
        "verdict": report_text.verdict_of(stored.failing, stored.coverage),
        "coverage_summary": report_text.coverage_summary(stored.coverage),
        "coverage": report_text.coverage_lists(stored.coverage),
        "audited_on": stored.audited_on,
        "profile": stored.profile,
        "organisations": stored.organisations,
        "stored_at": stored.as_of,
        "rule_versions": ", ".join(stored.rule_versions),
        "outdated": stored.outdated,
        "page": stored.page,
        "orgs": stored.orgs,
    }


def _fresh_context(
    request: HttpRequest, org: Organisation, filters: selectors.FindingFilters
) -> dict[str, Any]:
    """The audit computed now (the subtree is not completely stored yet)."""
    audit = selectors.audit_organisation(code=org.code)
    cities = selectors.cities_of(org.code) if filters.city else {}
    findings = [f for f in audit.findings if filters.keep(f, cities)]
    page = Paginator(findings, selectors.STORED_PAGE_SIZE).get_page(
        _page_number(request)
    )
    codes = {f.organisation for f in page.object_list}
    orgs = {
        c: (name, path)
        for c, name, path in Organisation.objects.filter(code__in=codes).values_list(
            "code", "name", "path"
        )
    }
    return {
        "report": audit,
        "counts": selectors.severity_counts(audit),
        "failing": len(selectors.failing(audit.findings)),
        "verdict": report_text.verdict(audit),
        "coverage_summary": report_text.coverage_summary(audit.coverage),
        "coverage": report_text.coverage_lists(audit.coverage),
        "audited_on": audit.as_of,
        "profile": audit.profile,
        "organisations": audit.organisations_audited,
        "stored_at": None,
        "rule_versions": "",
        "outdated": False,
        "page": page,
        "orgs": orgs,
    }


#: The query parameters the compliance page reads (its filters and page number): an
#: anonymous reader's kept page is found by these alone (``core.caching.page_key``).
REPORT_PARAMS = ("severity", "requirement", "organisation", "city", "page")


@require_GET
def report(request: HttpRequest, code: str) -> HttpResponse:
    """Show the audit of an organisation's subtree: counts, then findings by organisation.

    Read from the stored audit (50 findings a page, filtered by severity, requirement,
    organisation and city; "as of" when it was computed); a subtree not completely
    stored yet is audited now, and the page says so (docs/audit.md, "Stored
    findings").

    An anonymous reader's page is rendered once and kept in the cache
    (``core.caching.kept_for_anonymous``) under the newest stored run of the subtree
    (``selectors.stored_version``), its filters and page number (:data:`REPORT_PARAMS`;
    other parameters do not make another copy) and the language: a new
    store makes a new key. A signed-in reader's page (justification forms, private
    evidence) is never kept nor served from it; a page audited now is not kept.
    """
    version = selectors.stored_version(code) if anonymous(request) else None
    return kept_for_anonymous(
        request,
        version,
        lambda extra: _report(request, get_or_404(code), extra),
        params=REPORT_PARAMS,
    )


def _report(
    request: HttpRequest, org: Organisation, extra: dict[str, Any]
) -> HttpResponse:
    """Render the compliance page of ``org`` (``extra``: more template context)."""
    form = _filter_form(request, org)
    values = form.values()
    filters = selectors.FindingFilters(**values)
    stored = selectors.stored_report(
        org.code, path=org.path, page=_page_number(request), **values
    )
    if stored.complete:
        shown = _stored_context(org, stored)
    else:
        shown = _fresh_context(request, org, filters)
    grants = Grants(request.user)
    context = {
        **shown,
        "org": org,
        "form": form,
        "filtered": filters.active,
        "severity": filters.severity,
        "severity_links": _severity_links(values),
        "page_url": page_url(**values),
        "groups": _groups(shown["page"].object_list, shown["orgs"], grants),
        "misnamed": selectors.misnamed_justifications(org.code),
        "can_justify": grants.allows(Perm.JUSTIFY, org.path),
        "can_export": grants.allows(Perm.EXPORT, org.path),
        "can_view_log": grants.allows(Perm.VIEW_PRIVATE, org.path),
        **extra,
    }
    if request.htmx and request.htmx.target == "findings":
        response = render(request, "compliance/partials/_findings.html", context)
    else:
        response = render(request, "compliance/report.html", context)
    response.keep = stored.complete  # type: ignore[attr-defined]
    return response


def _severity_links(values: dict[str, str]) -> list[dict[str, Any]]:
    """The severity shortcuts: each keeps the other filters and starts at page 1."""
    others = {k: v for k, v in values.items() if k != "severity" and v}
    links = [{"value": "", "label": gettext("All"), "query": "?" + urlencode(others)}]
    for s in SEVERITIES:
        query = urlencode({**others, "severity": s.value})
        links.append(
            {
                "value": s.value,
                "label": gettext(SEVERITY_LABELS[s]),
                "query": "?" + query,
            }
        )
    return links


def _require(request: HttpRequest, perm: Perm, org: Organisation) -> None:
    if not has_perm(request.user, perm, org.path):
        raise PermissionDenied


def _current_finding(org: Organisation, rule: str) -> Finding | None:
    """Return the finding of ``rule`` at ``org``: the stored one when the organisation
    has stored results (a justification recorded or withdrawn stored them at once),
    else as the audit now reports it."""
    if selectors.has_stored(org.code):
        return selectors.stored_finding(org.code, rule)
    audit = selectors.audit_organisation(code=org.code)
    return next(
        (f for f in audit.findings if f.organisation == org.code and f.rule == rule),
        None,
    )


def _within(request: HttpRequest, org: Organisation) -> Organisation | None:
    """The organisation whose compliance page sent the form (``within``), when it is
    ``org`` or above it."""
    code = str(request.POST.get("within", ""))[:64]
    if not code or f"/{code}/" not in org.path:
        return None
    if code == org.code:
        return org
    return Organisation.objects.filter(code=code).only("code", "path").first()


def _summary_update(request: HttpRequest, org: Organisation) -> dict[str, Any]:
    """The page's counts and verdict after a justification, swapped in by htmx beside
    the finding (out of band): from the stored audit of the page's subtree, or, before
    it is stored, from the audit computed now as the page itself does."""
    within = _within(request, org)
    if within is None:
        return {}
    stored = selectors.stored_report(within.code, path=within.path, per_page=1)
    if not stored.complete:
        audit = selectors.audit_organisation(code=within.code)
        return {
            "summary_oob": True,
            "counts": selectors.severity_counts(audit),
            "failing": len(selectors.failing(audit.findings)),
            "verdict": report_text.verdict(audit),
        }
    return {
        "summary_oob": True,
        "counts": stored.counts,
        "failing": stored.failing,
        "verdict": report_text.verdict_of(stored.failing, stored.coverage),
    }


def _finding_response(
    request: HttpRequest,
    org: Organisation,
    rule: str,
    *,
    form: JustificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    finding = _current_finding(org, rule)
    if not request.htmx:
        if form is not None and form.errors:
            context = {"org": org, "rule": rule, "form": form, "finding": finding}
            return render(request, "compliance/justify.html", context, status=400)
        return redirect("compliance:report", code=org.code)
    if finding is None:
        # A refusal about a rule the audit does not report here (an unknown id) is
        # shown, not swallowed: the card says why, with the ids that are valid.
        errors = form.non_field_errors() if form is not None else []
        return render(
            request,
            "compliance/partials/_gone.html",
            {"org": org, "rule": rule, "errors": errors},
        )
    context = _finding_context(
        finding, path=org.path, grants=Grants(request.user), form=form
    )
    context["org_code"] = org.code
    context["within"] = str(request.POST.get("within", ""))[:64]
    context.update(_summary_update(request, org))
    return render(request, "compliance/partials/_finding.html", context, status=status)


@require_POST
def justify(request: HttpRequest, code: str) -> HttpResponse:
    """Record a justification for a deviation at ``code`` (ORG-4, ORG-6 … · D rules)."""
    org = get_or_404(code)
    _require(request, Perm.JUSTIFY, org)
    form = JustificationForm(request.POST, auto_id=False)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_justification(
                actor=request.user,
                organisation=org,
                rule=data["rule"],
                reason=data["reason"],
                approved_by=data["approved_by"],
                approved_on=data["approved_on"],
                valid_until=data["valid_until"],
            )
        except Refusal as refusal:
            # The rule is a hidden field: its errors show above the form.
            visible = {n for n, f in form.fields.items() if not f.widget.is_hidden}
            field = refusal.field if refusal.field in visible else None
            form.add_error(field, render_message(refusal.message))
        else:
            return _finding_response(request, org, data["rule"])
    rule = str(form.data.get("rule", ""))[:64]
    return _finding_response(request, org, rule, form=form)


@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw a justification: the deviation needs action again."""
    org = get_or_404(code)
    _require(request, Perm.JUSTIFY, org)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        raise Http404
    rule = form.cleaned_data["rule"]
    justification = (
        Justification.objects.select_related("organisation")
        .filter(organisation=org, rule=rule)
        .first()
    )
    if justification is None:
        raise Http404(rule)
    try:
        services.withdraw_justification(actor=request.user, justification=justification)
    except Refusal as refusal:
        raise PermissionDenied(render_message(refusal.message)) from None
    return _finding_response(request, org, rule)


@require_GET
def audit_log(request: HttpRequest, code: str) -> HttpResponse:
    """List the changes recorded for the organisation and everything below it."""
    org = get_or_404(code)
    _require(request, Perm.VIEW_PRIVATE, org)
    codes = Organisation.objects.filter(subtree_filter(org.code)).values("code")
    events = AuditEvent.objects.filter(organisation__in=codes).only(
        "at",
        "actor_id",
        "actor_label",
        "role",
        "action",
        "organisation",
        "target",
        "actor_perm",
    )
    page = paginate(request, events, 50)
    _hide_actors(request, page.object_list)
    context = {
        "org": org,
        "page": page,
        "page_url": page_url(),
        "language": get_language(),
    }
    return render(request, "compliance/log.html", context)


def _hide_actors(request: HttpRequest, events: Iterable[AuditEvent]) -> None:
    """Show each event's actor only to a reader allowed to see it.

    An event recorded without its actor (``auditlog.WITHHELD``: a relay message, an
    opinion) says so; one whose actor needs a permission (``actor_perm``: who objected
    to a notice needs ``Perm.ANSWER``) shows the actor only to readers holding it at
    the event's organisation. One query for the organisations, and only when needed.
    """
    events = list(events)
    restricted = [e for e in events if e.actor_perm]
    paths: dict[str, str] = {}
    grants = Grants(request.user) if restricted else None
    if restricted:
        paths = dict(
            Organisation.objects.filter(
                code__in={e.organisation for e in restricted}
            ).values_list("code", "path")
        )
    for event in events:
        event.actor_shown = event.actor_label
        if event.actor_id is None and event.actor_label == auditlog.WITHHELD:
            event.actor_shown = ""
            event.actor_note = "withheld"
        elif event.actor_perm and not (
            grants is not None
            and event.organisation in paths
            and grants.allows(Perm(event.actor_perm), paths[event.organisation])
        ):
            event.actor_shown = ""
            event.actor_note = "hidden"
