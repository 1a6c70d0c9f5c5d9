"""The stored audit (#15): run the audit and keep its findings, per organisation.

:func:`store_audit` audits a subtree (or everything) and makes, in one transaction,
the stored findings (:class:`~tongxue.compliance.models.StoredFinding`) and coverage
(:class:`~tongxue.compliance.models.StoredCoverage`) of exactly the organisations in
its scope those it computed, recording an :class:`~tongxue.compliance.models.AuditRun`.
It writes the difference (:func:`_write`): an unchanged finding is left as it is, a
changed one updated, a new one inserted, one gone deleted; every organisation's
coverage gets the new ``computed_at``. The compliance
page, the API and ``tongxue audit --stored`` read them (``selectors.stored_report``)
instead of auditing per request. docs/audit.md, "Stored findings".

Who calls it: ``tongxue demo``/``tongxue up`` and the snapshot import after writing
(the imported subtree), a justification and its withdrawal (that organisation, at
once), ``tongxue manage store_findings`` (everything, or a subtree), and the re-audit
of what a write can affect.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from datetime import date
from importlib import metadata
from typing import Any, NamedTuple

from django.db import connection, transaction
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

    Makes the stored findings and coverage of exactly the organisations in ``scope``
    (default: the whole subtree; codes outside the subtree are ignored) those of the
    audit, writing only the difference, in one transaction, and returns the
    :class:`AuditRun` recorded (``run.changed``: the rows written). The audit is the
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
        under = _under(root) if scope is None else None
        rows, ids = _organisations(under, wanted)
        run = AuditRun.objects.create(
            kind=kind,
            root=root or "",
            as_of=as_of,
            rule_version=current_rule_version(),
            started_at=started,
        )
        now = timezone.now()
        by_org: dict[str, list[Finding]] = {code: [] for code in rows}
        for f in report.findings:
            if f.organisation in by_org:
                by_org[f.organisation].append(f)
        ruled = [s.requirement for s in all_rules()]
        findings = [
            _Finding(
                rows[f.organisation][0],
                rows[f.organisation][1],
                city_of(registry, f.organisation),
                f.rule,
                f.requirement,
                f.severity.value,
                f.justified,
                finding_to_data(f),
            )
            for f in report.findings
            if f.organisation in rows
        ]
        coverage = []
        for code, (pk, _path) in rows.items():
            profile = registry.profile_code(code)
            data = {
                "profile": profile,
                "as_of": as_of.isoformat(),
                "rule_version": run.rule_version,
                "coverage": coverage_to_data(coverage_of(ruled, by_org[code])),
            }
            coverage.append(_Coverage(pk, profile, run.rule_version, as_of, data))
        run.changed = _write(  # type: ignore[attr-defined]
            under, ids, findings, coverage, run=run, now=now
        )
        run.organisations = len(rows)
        run.findings = len(findings)
        run.finished_at = timezone.now()
        run.save(update_fields=["organisations", "findings", "finished_at"])
        if scope is None:
            from tongxue.compliance.reaudit import stored_subtree

            stored_subtree(root)
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
    under: str | None, wanted: set[str]
) -> tuple[dict[str, tuple[int, str]], list[int]]:
    """Return code → (primary key, path) of the organisations ``wanted`` whose rows to
    write, and the keys of every organisation whose stored rows the store replaces:
    those under the path ``under`` when the store is of a whole subtree, else those
    ``wanted``."""
    fields = ("code", "pk", "path")
    if under is not None:
        everything = list(
            Organisation.objects.filter(path__startswith=under).values_list(*fields)
        )
        rows = {code: (pk, path) for code, pk, path in everything if code in wanted}
        return rows, [pk for _code, pk, _path in everything]
    out: dict[str, tuple[int, str]] = {}
    for batch in _chunks(sorted(wanted)):
        for code, pk, path in Organisation.objects.filter(code__in=batch).values_list(
            *fields
        ):
            out[code] = (pk, path)
    return out, [pk for pk, _path in out.values()]


def _under(root: str | None) -> str:
    """The path prefix of the subtree of ``root`` ("/": everything), which an index
    serves."""
    if root is None:
        return "/"
    path = Organisation.objects.filter(code=root).values_list("path", flat=True)
    return path.first() or f"/{root}/"


# -- writing the difference -------------------------------------------------------------


class _Finding(NamedTuple):
    """A finding's row as computed: the columns of ``StoredFinding`` compared, in the
    order of :data:`_FINDING_COLUMNS`, then its data."""

    organisation_id: int
    org_path: str
    city: str
    rule: str
    requirement: str
    severity: str
    justified: bool
    data: Any


class _Coverage(NamedTuple):
    """An organisation's coverage row as computed (``StoredCoverage``'s columns)."""

    organisation_id: int
    profile: str
    rule_version: str
    as_of: date
    data: Any


#: The columns of a stored finding compared with the one computed (with its data).
_FINDING_COLUMNS = _Finding._fields[:-1]

#: The columns of stored coverage compared with the one computed (with its data).
_COVERAGE_COLUMNS = _Coverage._fields[:-1]


def _canonical(data: Any) -> str:
    """The data of a stored row as one comparable text (``jsonb`` sorts the keys)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """What must be equal for a stored row to be kept: the columns and the data."""
    return (*row[:-1], _canonical(row[-1]))


def _stored_rows(
    model: type[StoredFinding] | type[StoredCoverage],
    under: str | None,
    ids: list[int],
    fields: tuple[str, ...],
) -> list[tuple[Any, ...]]:
    """The stored rows of ``model`` of the organisations ``ids`` as tuples, its primary
    key then ``fields`` (one query: by their keys, or by the path prefix ``under`` of a
    whole subtree of more than :data:`BATCH`)."""
    columns = ("pk", *fields)
    if under is not None and len(ids) > BATCH:
        rows = model.objects.filter(organisation__path__startswith=under)
        return list(rows.values_list(*columns))
    out: list[tuple[Any, ...]] = []
    for batch in _chunks(ids):
        out += model.objects.filter(organisation_id__in=batch).values_list(*columns)
    return out


#: Up to this many rows are updated one statement each; more with ``bulk_update`` (one
#: statement a batch, but building it costs more than a few plain updates).
FEW = 10


def _update(model: Any, rows: list[Any], fields: list[str]) -> None:
    """Update ``fields`` of ``rows`` (instances with their primary keys)."""
    if len(rows) > FEW:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)
        return
    for row in rows:
        values = {f: getattr(row, f) for f in fields}
        model.objects.filter(pk=row.pk).update(**values)


def _write(
    under: str | None,
    ids: list[int],
    findings: list[_Finding],
    coverage: list[_Coverage],
    *,
    run: AuditRun,
    now: Any,
) -> int:
    """Make the stored rows of the organisations ``ids`` (those under the path
    ``under``, for a whole subtree) those computed.

    The difference only: a stored finding equal to one computed (every column and its
    data) is kept as it is, with its ``computed_at`` and ``run``; one computed at the
    same organisation under the same rule replaces a stored one that differs (an
    update); the rest is inserted, and what no longer exists deleted. Every
    organisation's coverage is kept up to date with ``computed_at`` set to ``now`` (the
    page's "as of"): one update for those unchanged. Returns how many rows were
    inserted, updated or deleted (unchanged coverage not counted). Few statements,
    whatever the numbers: read each table once, then at most one insert, one update
    (in batches) and one delete per table; model instances only for what is written.
    """
    # Findings: match equal rows (a multiset: a rule may report twice), then pair the
    # rest by organisation and rule.
    unmatched: dict[tuple[Any, ...], list[int]] = {}
    rules: dict[int, tuple[int, str]] = {}
    for pk, *row in _stored_rows(
        StoredFinding, under, ids, (*_FINDING_COLUMNS, "data")
    ):
        unmatched.setdefault(_key(tuple(row)), []).append(pk)
        rules[pk] = (row[0], row[3])
    left: list[_Finding] = []
    for new in findings:
        same = unmatched.get(_key(new))
        if same:
            same.pop()
        else:
            left.append(new)
    gone: dict[tuple[int, str], list[int]] = {}
    for pks in unmatched.values():
        for pk in pks:
            gone.setdefault(rules[pk], []).append(pk)
    updated: list[StoredFinding] = []
    inserted: list[StoredFinding] = []
    for new in left:
        row = StoredFinding(**new._asdict(), computed_at=now, run=run)
        old = gone.get((new.organisation_id, new.rule))
        if old:
            row.pk = old.pop()
            updated.append(row)
        else:
            inserted.append(row)
    deleted = [pk for pks in gone.values() for pk in pks]
    for batch in _chunks(deleted):
        StoredFinding.objects.filter(pk__in=batch).delete()
    _update(StoredFinding, updated, [*_FINDING_COLUMNS, "data", "computed_at", "run"])
    StoredFinding.objects.bulk_create(inserted, batch_size=BATCH)
    changed = len(deleted) + len(updated) + len(inserted)

    # Coverage: one row per organisation.
    old_coverage = {
        row[1]: (row[0], _key(row[1:]))
        for row in _stored_rows(
            StoredCoverage, under, ids, (*_COVERAGE_COLUMNS, "data")
        )
    }
    fresh: list[int] = []
    changed_coverage: list[StoredCoverage] = []
    added: list[StoredCoverage] = []
    for new in coverage:
        old_row = old_coverage.pop(new.organisation_id, None)
        if old_row is not None and old_row[1] == _key(new):
            fresh.append(new.organisation_id)
            continue
        row = StoredCoverage(**new._asdict(), computed_at=now)
        if old_row is None:
            added.append(row)
        else:
            row.pk = old_row[0]
            changed_coverage.append(row)
    # Organisations of the subtree that were stored and are not any more (none, when
    # the registry and the database agree).
    for batch in _chunks(pk for pk, _key_ in old_coverage.values()):
        StoredCoverage.objects.filter(pk__in=batch).delete()
    for batch in _chunks(fresh):
        StoredCoverage.objects.filter(organisation_id__in=batch).update(computed_at=now)
    _update(
        StoredCoverage, changed_coverage, ["data", "computed_at", *_COVERAGE_COLUMNS]
    )
    StoredCoverage.objects.bulk_create(added, batch_size=BATCH)
    changed += len(old_coverage) + len(changed_coverage) + len(added)
    return changed
