"""The stored audit (#15): run the audit and keep its findings, per organisation.

:func:`store_audit` audits a subtree (or everything) and replaces, in one transaction,
the stored findings (:class:`~tongxue.compliance.models.StoredFinding`) and coverage
(:class:`~tongxue.compliance.models.StoredCoverage`) of exactly the organisations in
its scope, recording an :class:`~tongxue.compliance.models.AuditRun`. The compliance
page, the API and ``tongxue audit --stored`` read them (``selectors.stored_report``)
instead of auditing per request. docs/audit.md, "Stored findings".

Who calls it: ``tongxue demo``/``tongxue up`` and the snapshot import after writing
(the imported subtree), a justification and its withdrawal (that organisation, at
once), ``tongxue manage store_findings`` (everything, or a subtree), and the re-audit
of what a write can affect.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from datetime import date
from importlib import metadata
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tongxue.compliance.models import AuditRun, StoredCoverage, StoredFinding
from tongxue.domain import model as dm
from tongxue.domain.audit import all_rules, audit, coverage_of
from tongxue.domain.findings import Finding
from tongxue.domain.stored import coverage_to_data, finding_to_data, rule_version
from tongxue.organisations.mappers import load_registry, subtree_codes
from tongxue.organisations.models import Organisation, OrgKind

#: Rows per INSERT, and ids per ``IN (…)`` list (SQLite's limit on parameters).
BATCH = 500

#: The key of the PostgreSQL advisory lock that runs one store at a time.
LOCK_KEY = 0x7458_1500

#: Organisations stored from which the stored tables are analysed after the commit.
ANALYZE_AT = 500


@functools.cache
def current_rule_version() -> str:
    """The rule version of the running code (``tongxue.domain.stored.rule_version``)."""
    try:
        version = metadata.version("tongxue")
    except metadata.PackageNotFoundError:
        version = ""
    return rule_version(version)


def _lock() -> None:
    """Run one store at a time (PostgreSQL; SQLite has one writer anyway).

    Taken before the registry is read and held to the end of the transaction, so that
    of two stores of the same organisation the later one reads what the earlier one
    committed, and their rows never mix.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def city_of(registry: dm.Registry, code: str) -> str:
    """Return the code of the city federation ``code`` is in (itself if one), or ""."""
    org = registry.org.get(code)
    if org is not None and org.kind == dm.OrgKind.CITY_FEDERATION:
        return code
    return next(
        (
            a.code
            for a in registry.ancestors(code)
            if a.kind == dm.OrgKind.CITY_FEDERATION
        ),
        "",
    )


def audit_root_of(code: str) -> str:
    """Return the organisation whose subtree to load to re-audit ``code`` alone.

    The school it belongs to (a rule at a school union reads the department unions
    directly under the school too, TRN-3), else the organisation itself (a federation
    reads its own subtree). Its findings there are those of a pass over everything
    (tested in tests/integration/test_stored_findings.py). One query.
    """
    path = Organisation.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise Organisation.DoesNotExist(code)
    ancestors = [c for c in path.split("/") if c]
    schools = set(
        Organisation.objects.filter(
            code__in=ancestors, kind=OrgKind.SCHOOL
        ).values_list("code", flat=True)
    )
    return next((c for c in reversed(ancestors) if c in schools), code)


def store_audit(
    *,
    root: str | None,
    scope: Iterable[str] | None = None,
    kind: str = AuditRun.Kind.FULL,
    as_of: date | None = None,
) -> AuditRun:
    """Audit the subtree of ``root`` (everything when None) and store its results.

    Replaces the stored findings and coverage of exactly the organisations in
    ``scope`` (default: the whole subtree; codes outside the subtree are ignored), in
    one transaction, and returns the :class:`AuditRun` recorded. The audit is the
    page's: each organisation against its own profile, on ``as_of`` (today), with the
    recorded justifications applied. Raises ``Organisation.DoesNotExist`` for an
    unknown ``root``.
    """
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        _lock()
        started = timezone.now()
        registry = load_registry(root)
        if root is not None and root not in registry.org:
            raise Organisation.DoesNotExist(root)
        subtree = (
            set(subtree_codes(registry, root))
            if root is not None
            else set(registry.org)
        )
        wanted = subtree if scope is None else subtree & set(scope)
        report = audit(registry, as_of=as_of, scope=wanted)
        rows = _organisations(root, wanted, whole=scope is None)
        run = AuditRun.objects.create(
            kind=kind,
            root=root or "",
            as_of=as_of,
            rule_version=current_rule_version(),
            started_at=started,
        )
        _delete(root, rows, whole=scope is None)
        now = timezone.now()
        by_org: dict[str, list[Finding]] = {code: [] for code in rows}
        for f in report.findings:
            if f.organisation in by_org:
                by_org[f.organisation].append(f)
        ruled = [s.requirement for s in all_rules()]
        findings = [
            StoredFinding(
                organisation_id=rows[f.organisation][0],
                org_path=rows[f.organisation][1],
                city=city_of(registry, f.organisation),
                rule=f.rule,
                requirement=f.requirement,
                severity=f.severity.value,
                justified=f.justified,
                data=finding_to_data(f),
                computed_at=now,
                run=run,
            )
            for f in report.findings
            if f.organisation in rows
        ]
        StoredFinding.objects.bulk_create(findings, batch_size=BATCH)
        StoredCoverage.objects.bulk_create(
            (
                StoredCoverage(
                    organisation_id=pk,
                    data={
                        "profile": registry.profile_code(code),
                        "as_of": as_of.isoformat(),
                        "rule_version": run.rule_version,
                        "coverage": coverage_to_data(coverage_of(ruled, by_org[code])),
                    },
                    computed_at=now,
                    profile=registry.profile_code(code),
                    rule_version=run.rule_version,
                    as_of=as_of,
                )
                for code, (pk, _path) in rows.items()
            ),
            batch_size=BATCH,
        )
        run.organisations = len(rows)
        run.findings = len(findings)
        run.finished_at = timezone.now()
        run.save(update_fields=["organisations", "findings", "finished_at"])
        if len(rows) >= ANALYZE_AT:
            _analyze_after_commit()
    return run


def _analyze_after_commit() -> None:
    """Fresh planner statistics for the stored tables once a large store commits
    (PostgreSQL): the page's subtree queries plan on them at once."""
    if connection.vendor != "postgresql":
        return

    def analyze() -> None:
        tables = (StoredFinding._meta.db_table, StoredCoverage._meta.db_table)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(quote(t) for t in tables))

    transaction.on_commit(analyze)


def store_organisation(code: str, *, kind: str = AuditRun.Kind.INCREMENTAL) -> AuditRun:
    """Re-audit the one organisation ``code`` and store its results (a justification
    recorded or withdrawn there changes nothing else)."""
    return store_audit(root=audit_root_of(code), scope={code}, kind=kind)


def _organisations(
    root: str | None, wanted: set[str], *, whole: bool
) -> dict[str, tuple[int, str]]:
    """Return code → (primary key, path) of the organisations whose rows to replace."""
    fields = ("code", "pk", "path")
    if whole:
        return {
            code: (pk, path)
            for code, pk, path in Organisation.objects.filter(_under(root)).values_list(
                *fields
            )
            if code in wanted
        }
    out: dict[str, tuple[int, str]] = {}
    for batch in _chunks(sorted(wanted)):
        for code, pk, path in Organisation.objects.filter(code__in=batch).values_list(
            *fields
        ):
            out[code] = (pk, path)
    return out


def _under(root: str | None, field: str = "") -> Q:
    """Rows whose organisation is in the subtree of ``root`` (everything when None):
    a prefix of the path, which an index serves."""
    if root is None:
        return Q()
    path = Organisation.objects.filter(code=root).values_list("path", flat=True)
    return Q(**{f"{field}path__startswith": path.first() or f"/{root}/"})


def _delete(root: str | None, rows: dict[str, tuple[int, str]], *, whole: bool) -> None:
    """Delete the stored rows of the organisations in ``rows`` (the whole subtree of
    ``root`` with ``whole``: one statement per table)."""
    if whole:
        under = _under(root, "organisation__")
        StoredFinding.objects.filter(under).delete()
        StoredCoverage.objects.filter(under).delete()
        return
    for batch in _chunks(pk for pk, _path in rows.values()):
        StoredFinding.objects.filter(organisation_id__in=batch).delete()
        StoredCoverage.objects.filter(organisation_id__in=batch).delete()
