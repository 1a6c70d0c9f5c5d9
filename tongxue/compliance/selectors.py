"""Audit organisations stored in the database and summarise the findings for pages.

:func:`audit_organisation` loads a subtree with a fixed number of queries
(``tongxue.organisations.mappers.load_registry``) and runs every registered rule of
``tongxue.domain.audit`` over it, so that rules are picked up as they are added.

The stored audit (#15, ``tongxue.compliance.store``) is read by :func:`stored_report`
(a page of findings, filtered, with the counts of one aggregate query),
:func:`stored_audit_report` (all of it, as an ``AuditReport``) and
:func:`stored_finding`; :func:`stored_status` says whether a subtree is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    IntegerField,
    Min,
    Q,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from tongxue.compliance.models import StoredCoverage, StoredFinding
from tongxue.domain.audit import AuditReport, Coverage, all_rules, audit
from tongxue.domain.findings import SEVERITY_ORDER, Finding, Severity
from tongxue.domain.profiles import Profile, load_profile, register_profile
from tongxue.domain.requirements import REQUIREMENTS
from tongxue.domain.stored import coverage_from_data, finding_from_data, merge_coverage
from tongxue.organisations.mappers import load_registry, subtree_codes
from tongxue.organisations.models import Organisation

#: Severities whose unjustified findings make an audit fail (and `tongxue audit` exit 1).
FAILING = frozenset({Severity.VIOLATION, Severity.DEVIATION})


def resolve_profile(source: str | None) -> Profile | None:
    """Return the profile named by a built-in code or a path to a TOML file (None: per org).

    Raises ``tongxue.domain.profiles.ProfileError`` when it cannot be loaded.
    """
    if not source:
        return None
    dirs = tuple(Path(d) for d in getattr(settings, "TONGXUE_PROFILE_DIRS", ()) or ())
    profile = load_profile(source, search=dirs)
    register_profile(profile)
    return profile


def audit_organisation(
    *, code: str, as_of: date | None = None, profile: str | None = None
) -> AuditReport:
    """Audit the organisation ``code`` and everything below it on ``as_of`` (today).

    ``profile`` (a built-in code or a TOML path) overrides each organisation's own
    profile. Only findings about the subtree are kept: the ancestors are loaded for
    context (inherited profile, the school of a union) but not audited. Raises
    ``Organisation.DoesNotExist`` for an unknown code.
    """
    registry = load_registry(code)
    if code not in registry.org:
        raise Organisation.DoesNotExist(code)
    return audit(
        registry,
        as_of=as_of or timezone.localdate(),
        profile=resolve_profile(profile),
        scope=subtree_codes(registry, code),
    )


def failing(findings: Iterable[Finding]) -> list[Finding]:
    """Return the findings that still need action: unjustified violations and deviations."""
    return [f for f in findings if not f.justified and f.severity in FAILING]


def severity_counts(report: AuditReport) -> dict[str, int]:
    """Return the number of findings of each severity, most serious first (zeros kept)."""
    counts = {
        s.value: 0 for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    }
    for f in report.findings:
        counts[f.severity.value] += 1
    return counts


def findings_by_organisation(report: AuditReport) -> dict[str, list[Finding]]:
    """Return the findings grouped by organisation code, keeping the report's order."""
    out: dict[str, list[Finding]] = {}
    for f in report.findings:
        out.setdefault(f.organisation, []).append(f)
    return out


def misnamed_justifications(code: str) -> list[dict[str, object]]:
    """Return the stored justifications of the subtree that can answer no finding.

    Their rule id is unknown, of a binding requirement, or not reported at their
    organisation's kind (recorded before ids were checked, e.g. the documentation's old
    example ``ORG-6.core-members-share``): each with the organisation and the reason
    (``tongxue.domain.justifications.rule_problem``) so that the page shows them and
    they can be withdrawn rather than silently answering nothing. One query.
    """
    from tongxue.compliance.models import Justification
    from tongxue.domain.justifications import rule_problem
    from tongxue.domain.model import OrgKind
    from tongxue.organisations.mappers import subtree_filter

    out: list[dict[str, object]] = []
    for org_code, name, kind, rule in (
        Justification.objects.filter(subtree_filter(code, "organisation__"))
        .values_list(
            "organisation__code", "organisation__name", "organisation__kind", "rule"
        )
        .order_by("organisation__code", "rule")
    ):
        problem = rule_problem(rule, OrgKind(kind))
        if problem is not None:
            out.append(
                {"code": org_code, "name": name, "rule": rule, "problem": problem}
            )
    return out


# -- the stored audit (#15, docs/audit.md "Stored findings") ---------------------------

#: Findings on one page of the compliance report.
STORED_PAGE_SIZE = 50


def _severity_rank() -> Case:
    """The domain's order of severities (most serious first), for ORDER BY."""
    return Case(
        *(When(severity=s.value, then=Value(n)) for s, n in SEVERITY_ORDER.items()),
        default=Value(len(SEVERITY_ORDER)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class FindingFilters:
    """What the compliance page and the API narrow the findings to (all optional)."""

    severity: str = ""
    requirement: str = ""
    organisation: str = ""  # the code of the organisation the finding is at
    city: str = ""  # the code of the city federation the organisation is in

    def q(self) -> Q:
        q = Q()
        for name in ("severity", "requirement", "city"):
            if getattr(self, name):
                q &= Q(**{name: getattr(self, name)})
        if self.organisation:
            q &= Q(organisation__code=self.organisation)
        return q

    def keep(self, finding: Finding, cities: dict[str, str]) -> bool:
        """Whether a fresh finding passes (``cities``: organisation → its city)."""
        return (
            (not self.severity or finding.severity == self.severity)
            and (not self.requirement or finding.requirement == self.requirement)
            and (not self.organisation or finding.organisation == self.organisation)
            and (not self.city or cities.get(finding.organisation) == self.city)
        )

    @property
    def active(self) -> bool:
        return any((self.severity, self.requirement, self.organisation, self.city))


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count (from the page's one aggregate query)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


@dataclass(frozen=True)
class StoredReport:
    """The stored audit of a subtree, as a page shows it.

    ``complete`` is whether every organisation of the subtree has stored results; when
    it is not, nothing else is read (the caller audits afresh and says so).
    """

    code: str
    organisations: int
    stored: int
    as_of: datetime | None = None  # the oldest computation in the subtree
    audited_on: date | None = None  # the audit day of that computation
    counts: dict[str, int] = field(default_factory=dict)
    failing: int = 0
    matching: int = 0
    coverage: Coverage = field(default_factory=Coverage)
    profile: str = ""
    rule_versions: tuple[str, ...] = ()
    page: Page | None = None  # type: ignore[type-arg]
    #: Organisation code → (name, path) of the findings on the page.
    orgs: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.organisations > 0 and self.stored == self.organisations

    @property
    def outdated(self) -> bool:
        """Whether some results were computed by other rules than the running ones."""
        from tongxue.compliance.store import current_rule_version

        return any(v != current_rule_version() for v in self.rule_versions)


def subtree_path(code: str) -> str:
    """Return the path of organisation ``code``; ``Organisation.DoesNotExist`` if none."""
    path = Organisation.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise Organisation.DoesNotExist(code)
    return str(path)


class DistinctTexts(Aggregate):
    """The distinct values of a text column, joined by commas (``STRING_AGG`` on
    PostgreSQL, ``GROUP_CONCAT`` on SQLite); None when there are none."""

    function = "STRING_AGG"
    template = "%(function)s(DISTINCT %(expressions)s, ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        clone = self.copy()
        clone.function = "GROUP_CONCAT"
        clone.template = "%(function)s(DISTINCT %(expressions)s)"
        return clone.as_sql(compiler, connection, **extra)


def _texts(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v for v in (value or "").split(",") if v}))


class StoredStatus(NamedTuple):
    """How much of a subtree is stored, and by what."""

    organisations: int  # in the subtree
    stored: int  # of them with stored results
    oldest: datetime | None  # the oldest computation
    as_of: date | None  # the earliest audit day
    profiles: tuple[str, ...]  # the governing profiles' codes
    rule_versions: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.organisations > 0 and self.stored == self.organisations


def stored_status(path: str) -> StoredStatus:
    """Return how much of the subtree at ``path`` is stored (one aggregate query)."""
    row = Organisation.objects.filter(path__startswith=path).aggregate(
        n=Count("pk"),
        stored=Count("stored_coverage"),
        oldest=Min("stored_coverage__computed_at"),
        as_of=Min("stored_coverage__as_of"),
        profiles=DistinctTexts("stored_coverage__profile"),
        versions=DistinctTexts("stored_coverage__rule_version"),
    )
    return StoredStatus(
        int(row["n"] or 0),
        int(row["stored"] or 0),
        row["oldest"],
        row["as_of"],
        _texts(row["profiles"]),
        _texts(row["versions"]),
    )


def stored_report(
    code: str,
    *,
    severity: str | None = None,
    requirement: str | None = None,
    organisation: str | None = None,
    city: str | None = None,
    page: int | str | None = 1,
    path: str | None = None,
    per_page: int = STORED_PAGE_SIZE,
) -> StoredReport:
    """Read the stored audit of the subtree of ``code``: one page of its findings.

    The findings matching the filters, in the audit's order (severity, organisation,
    rule), ``per_page`` to a page (the last page when ``page`` is too high); the counts
    by severity and the failing ones of the whole subtree, the number matching and
    the requirements the data could not answer, from one aggregate query; the
    profiles, rule versions and ``as_of`` (the oldest computation in the subtree) with
    the status. Three queries (the status, the counts, the page; one more without
    ``path``), whatever the size of the subtree; only the status when the subtree is
    not completely stored.
    """
    path = path or subtree_path(code)
    status = stored_status(path)
    if not status.complete:
        return StoredReport(code, status.organisations, status.stored, status.oldest)
    filters = FindingFilters(
        severity or "", requirement or "", organisation or "", city or ""
    )
    rows = StoredFinding.objects.filter(org_path__startswith=path)
    by_severity = {
        s.value: Count("pk", filter=Q(severity=s.value))
        for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__)
    }
    numbers = rows.aggregate(
        **by_severity,
        failing=Count(
            "pk",
            filter=Q(severity__in=[s.value for s in FAILING], justified=False),
        ),
        matching=Count("pk", filter=filters.q()),
        unanswered=DistinctTexts(
            "requirement", filter=Q(severity=Severity.INCOMPLETE.value)
        ),
    )
    incomplete = set(_texts(numbers.pop("unanswered")))
    matching = int(numbers.pop("matching") or 0)
    paginator = _CountedPaginator(
        rows.filter(filters.q())
        .select_related("organisation")
        .only("data", "organisation__code", "organisation__name", "organisation__path")
        .order_by(_severity_rank(), "organisation__code", "rule", "pk"),
        per_page,
        matching,
    )
    shown = paginator.get_page(page)
    orgs: dict[str, tuple[str, str]] = {}
    findings = []
    for row in shown.object_list:
        findings.append(finding_from_data(row.data))
        orgs[row.organisation.code] = (row.organisation.name, row.organisation.path)
    shown.object_list = findings
    return StoredReport(
        code=code,
        organisations=status.organisations,
        stored=status.stored,
        as_of=status.oldest,
        audited_on=status.as_of,
        counts={k: int(v or 0) for k, v in numbers.items() if k != "failing"},
        failing=int(numbers["failing"] or 0),
        matching=matching,
        coverage=_coverage(incomplete),
        profile=",".join(status.profiles),
        rule_versions=status.rule_versions,
        page=shown,
        orgs=orgs,
    )


def _coverage(incomplete: set[str]) -> Coverage:
    """The coverage of stored findings: the running rules, less what they could not
    judge somewhere in the subtree (``coverage_of`` on the stored findings)."""
    ruled = {s.requirement for s in all_rules()}
    ids = list(REQUIREMENTS)
    return Coverage(
        checked=tuple(r for r in ids if r in ruled and r not in incomplete),
        incomplete=tuple(r for r in ids if r in ruled and r in incomplete),
        no_rule=tuple(r for r in ids if r not in ruled),
    )


@dataclass(frozen=True)
class StoredAudit(AuditReport):
    """An audit report read from the stored audit: when, and by which rules."""

    stored_at: datetime | None = None  # the oldest stored result of the subtree
    rule_versions: tuple[str, ...] = ()


def stored_audit_report(code: str) -> StoredAudit | None:
    """Return the stored audit of the subtree of ``code`` as an :class:`AuditReport`
    (every finding, in the audit's order), or None when it is not completely stored.

    What ``tongxue audit --stored`` prints and the API returns: the same shape as a
    fresh audit's. Its ``as_of`` is the audit day of the oldest stored result;
    ``profile`` the profiles governing the subtree. Four queries.
    """
    path = subtree_path(code)
    status = stored_status(path)
    if not status.complete:
        return None
    total, oldest = status.organisations, status.oldest
    coverages = StoredCoverage.objects.filter(
        organisation__path__startswith=path
    ).values_list("data", flat=True)
    profiles: set[str] = set()
    versions: set[str] = set()
    days: list[str] = []
    per_org = []
    for data in coverages:
        profiles.add(str(data.get("profile", "")))
        versions.add(str(data.get("rule_version", "")))
        days.append(str(data.get("as_of", "")))
        per_org.append(coverage_from_data(data.get("coverage", {})))
    findings = [
        finding_from_data(data)
        for data in StoredFinding.objects.filter(org_path__startswith=path)
        .order_by(_severity_rank(), "organisation__code", "rule", "pk")
        .values_list("data", flat=True)
    ]
    return StoredAudit(
        profile=",".join(sorted(p for p in profiles if p)),
        as_of=date.fromisoformat(min(d for d in days if d)),
        organisations_audited=total,
        findings=tuple(findings),
        coverage=merge_coverage(per_org),
        stored_at=oldest,
        rule_versions=tuple(sorted(v for v in versions if v)),
    )


def stored_version(code: str) -> str | None:
    """Return the newest stored audit run that can have changed what the subtree of
    ``code`` shows, as a text for a cache key (with the running rules' version); None
    when none was stored or there is no such organisation.

    A run stored organisations of the subtree of its root: it matters to the subtree of
    ``code`` when its root is everything (""), above or at ``code``, or inside the
    subtree. Every store is a run (a re-audit after a write, a justification, an
    import, the nightly pass), so a new one here means the stored findings, coverage
    or "as of" the page shows may have changed.

    Two small statements written out (the page kept for anonymous readers costs them
    and the cache's read, nothing else): the organisation's path, then the runs newest
    first until the first that matters (usually the first).
    """
    from tongxue.compliance.models import AuditRun
    from tongxue.compliance.store import current_rule_version

    orgs = connection.ops.quote_name(Organisation._meta.db_table)
    runs = connection.ops.quote_name(AuditRun._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT path FROM {orgs} WHERE code = %s", [code])
        row = cursor.fetchone()
        if row is None:
            return None
        path = str(row[0])
        above = [c for c in path.split("/") if c][:-1] or [""]
        like = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cursor.execute(
            f"SELECT r.id FROM {runs} r WHERE r.root = '' "
            f"OR r.root IN ({', '.join(['%s'] * len(above))}) "
            f"OR EXISTS (SELECT 1 FROM {orgs} o WHERE o.code = r.root "
            "AND o.path LIKE %s ESCAPE '\\') "
            "ORDER BY r.id DESC LIMIT 1",
            [*above, like + "%"],
        )
        newest = cursor.fetchone()
    return None if newest is None else f"{newest[0]}:{current_rule_version()}"


def stored_finding(org_code: str, rule: str) -> Finding | None:
    """Return the stored finding of ``rule`` at ``org_code`` (the first, in the audit's
    order, when it is reported more than once), or None. One query."""
    data = (
        StoredFinding.objects.filter(organisation__code=org_code, rule=rule)
        .order_by("pk")
        .values_list("data", flat=True)
        .first()
    )
    return None if data is None else finding_from_data(data)


def has_stored(org_code: str) -> bool:
    """Whether the organisation has stored results (one query)."""
    return StoredCoverage.objects.filter(organisation__code=org_code).exists()


def city_choices(path: str) -> list[tuple[str, str]]:
    """The city federations in the subtree at ``path`` (code, name), for a filter."""
    return list(
        Organisation.objects.filter(
            path__startswith=path, kind="city_federation"
        ).values_list("code", "name")
    )


def checked_requirements() -> list[str]:
    """The requirement ids some rule of the audit checks, in the catalogue's order."""
    ruled = {s.requirement for s in all_rules()}
    return [r for r in REQUIREMENTS if r in ruled]


def cities_of(code: str) -> dict[str, str]:
    """Organisation code → the city federation it is in ("" when none), for the
    subtree of ``code`` (two queries; the page's fallback when nothing is stored)."""
    path = subtree_path(code)
    rows = list(
        Organisation.objects.filter(path__startswith=path).values_list(
            "code", "path", "kind"
        )
    )
    above = [c for c in path.split("/") if c]
    cities = {c for c, _p, kind in rows if kind == "city_federation"} | set(
        Organisation.objects.filter(code__in=above, kind="city_federation").values_list(
            "code", flat=True
        )
    )
    out = {}
    for org_code, org_path, _kind in rows:
        found = [c for c in org_path.split("/") if c in cities]
        out[org_code] = found[-1] if found else ""
    return out
