"""The nightly pass (#15): audit everything afresh, report drift, keep the term's counts.

A daily periodic job (``compliance.nightly``, registered in ``ComplianceConfig.ready``;
00:00 UTC = 08:00 in China) runs :func:`nightly_pass`:

1. **Drift.** With the stores' lock held (no other store runs meanwhile), the registry
   is loaded and every stored organisation's findings are compared with a fresh audit
   *of the day they were stored for* (their ``as_of``): stored and fresh must be equal,
   since every change re-audits what it can affect (:mod:`tongxue.compliance.reaudit`).
   An organisation whose re-audit is still pending (a marked change) is left out, as is
   one stored by other rules than the running ones (an upgrade: not drift). Each
   difference — an organisation with findings stored and no longer found, or found and
   not stored, or not stored at all — is an entry of ``AuditRun.drift``; any drift is
   logged at ERROR level (``tongxue.compliance.nightly``) and notified to the
   superusers (``compliance.drift``). There should be none.
2. **Fresh.** Everything is stored again, as of today (``store_audit(root=None,
   kind="nightly")``): findings that change because a day passed — a term of office
   ending, an interval between congresses running out, a justification expiring — are
   caught here, by this pass, not by any write. The marks the pass covered are deleted.
3. **History.** At the first nightly pass of a term (:mod:`tongxue.domain.terms`: 1
   March, 1 September), the counts of the findings needing attention (not justified)
   by organisation, requirement and severity are copied to ``FindingHistory`` with the
   term's code.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.compliance.models import (
    AuditRun,
    FindingHistory,
    StoredCoverage,
    StoredFinding,
)
from tongxue.compliance.reaudit import affected_by, forget, pending
from tongxue.compliance.store import LOCK_KEY, current_rule_version, store_audit
from tongxue.domain.audit import audit
from tongxue.domain.findings import Finding
from tongxue.domain.model import Registry
from tongxue.domain.stored import finding_from_data
from tongxue.domain.terms import term_of
from tongxue.organisations.mappers import load_registry

logger = logging.getLogger(__name__)

#: The periodic task's name and function.
NAME = "compliance.nightly"
FUNC = "tongxue.compliance.nightly.nightly_job"

#: The notification kind of an alert.
ALERT = "compliance.drift"

#: At most this many organisations are listed in ``AuditRun.drift`` (all are counted).
MAX_DRIFT = 500


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _stored() -> tuple[dict[str, list[Finding]], dict[str, tuple[date | None, str]]]:
    """The stored findings by organisation code, and each stored organisation's
    (as_of, rule version). Two queries."""
    findings: dict[str, list[Finding]] = defaultdict(list)
    for code, data in StoredFinding.objects.values_list(
        "organisation__code", "data"
    ).iterator(chunk_size=2000):
        findings[code].append(finding_from_data(data))
    stored = {
        code: (as_of, version)
        for code, as_of, version in StoredCoverage.objects.values_list(
            "organisation__code", "as_of", "rule_version"
        )
    }
    return findings, stored


def _unmatched(left: list[Finding], right: list[Finding]) -> list[Finding]:
    """The findings of ``left`` not in ``right`` (as multisets; few per organisation)."""
    rest = list(right)
    out = []
    for f in left:
        for i, g in enumerate(rest):
            if f == g:
                del rest[i]
                break
        else:
            out.append(f)
    return out


def drift(
    registry: Registry,
    stored_findings: dict[str, list[Finding]],
    stored: dict[str, tuple[date | None, str]],
    *,
    today: date,
    skip: frozenset[str] | set[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Compare the stored findings with a fresh audit of ``registry``; return the
    differences, one entry per organisation (sorted by code).

    Each stored organisation is audited on its own ``as_of``; one not stored at all is
    compared with today's audit (``not_stored``). Organisations in ``skip`` (a re-audit
    pending) and those stored by other rules are left out.
    """
    version = current_rule_version()
    by_day: dict[date, set[str]] = defaultdict(set)
    for org in registry.organisations:
        if org.code in skip:
            continue
        as_of, rules = stored.get(org.code, (None, version))
        if rules != version:
            continue
        by_day[as_of or today].add(org.code)
    fresh: dict[str, list[Finding]] = defaultdict(list)
    for day, codes in by_day.items():
        for f in audit(registry, as_of=day, scope=codes).findings:
            fresh[f.organisation].append(f)
    out = []
    for code in sorted(set().union(*by_day.values()) if by_day else ()):
        mine, theirs = stored_findings.get(code, []), fresh.get(code, [])
        missing, stale = _unmatched(theirs, mine), _unmatched(mine, theirs)
        not_stored = code not in stored
        if missing or stale or not_stored:
            out.append(
                {
                    "organisation": code,
                    "not_stored": not_stored,
                    "missing": sorted(f.rule for f in missing),
                    "stale": sorted(f.rule for f in stale),
                }
            )
    return out


def check_drift(today: date) -> list[dict[str, Any]]:
    """Load the registry and compare (call with the stores' lock held)."""
    registry = load_registry(None)
    stored_findings, stored = _stored()
    marked = pending()
    skip = set().union(*affected_by(marked).values()) if marked else set()
    return drift(registry, stored_findings, stored, today=today, skip=skip)


def record_history(today: date) -> int:
    """Copy the stored counts to ``FindingHistory`` for the term of ``today``, unless
    done already this term; return the rows written."""
    term = term_of(today)
    if FindingHistory.objects.filter(term=term.code).exists():
        return 0
    rows = (
        StoredFinding.objects.filter(justified=False)
        .values("organisation_id", "requirement", "severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    history = [
        FindingHistory(
            term=term.code,
            term_start=term.start,
            organisation_id=r["organisation_id"],
            requirement=r["requirement"],
            severity=r["severity"],
            count=r["n"],
        )
        for r in rows
    ]
    FindingHistory.objects.bulk_create(history, batch_size=500)
    return len(history)


def alert(run: AuditRun, differences: list[dict[str, Any]], total: int) -> None:
    """Tell the operators: an ERROR in the log, a notification to the superusers."""
    from tongxue.notifications.services import notify

    logger.error(
        "Nightly audit %s: the stored findings of %d organisations differed from a "
        "fresh audit (a change that was not re-audited); they are stored afresh. "
        "First: %s",
        run.pk,
        total,
        ", ".join(d["organisation"] for d in differences[:10]),
    )
    users = get_user_model().objects.filter(is_superuser=True, is_active=True)
    notify(
        ALERT,
        user_ids=list(users.values_list("pk", flat=True)),
        params={"count": total, "day": run.as_of.isoformat()},
        url=reverse("admin:compliance_auditrun_change", args=[run.pk]),
    )


def nightly_pass(*, today: date | None = None) -> AuditRun:
    """The whole nightly pass (see the module); return its run."""
    today = today or timezone.localdate()
    _lock()
    # Nothing stored yet (a new install): nothing to compare.
    differences = check_drift(today) if AuditRun.objects.exists() else []
    marked = [m.pk for m in pending()]
    run = store_audit(root=None, kind=AuditRun.Kind.NIGHTLY, as_of=today)
    forget(marked)
    run.drift = differences[:MAX_DRIFT]
    run.save(update_fields=["drift"])
    run.drifted = len(differences)  # type: ignore[attr-defined]
    written = record_history(today)
    if written:
        logger.info(
            "Nightly audit: %d history rows for %s", written, term_of(today).code
        )
    if differences:
        alert(run, differences, len(differences))
    return run


def nightly_job(job: Any) -> None:
    """The periodic job (:data:`NAME`)."""
    job.progress(0, None, gettext("Auditing every organisation"))
    run = nightly_pass()
    job.message = ngettext(
        "%(n)d organisation audited, %(drift)d differed from the stored findings",
        "%(n)d organisations audited, %(drift)d differed from the stored findings",
        run.organisations,
    ) % {"n": run.organisations, "drift": run.drifted}  # type: ignore[attr-defined]
