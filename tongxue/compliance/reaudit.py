"""Re-audit what a recorded change can affect (#15, docs/audit.md "Re-audit after
writes, nightly pass, history").

Every change a person makes is recorded in the audit log with the organisation it was
made at (``tongxue.core.auditlog``), and the log tells the hook
:data:`~tongxue.core.auditlog.RECORDED`, which calls :func:`on_recorded` here, in the
change's transaction. A change at an organisation W can change the findings

* of W and everything below it (the governing profile is inherited, and rules read
  the context above an organisation), and of the whole school W is in (a rule at a
  school union reads the department unions beside it, TRN-3; a person's record
  changes the findings of every post they hold, usually in their school);
* of every organisation above (a federation's rules read its subtree: delegates,
  apportionment, its members' unions).

So the **scope** of W is the subtree of the school W is in (W's own subtree when it is
in no school) and the ancestors of that. :func:`on_recorded` inserts a
:class:`~tongxue.compliance.models.DirtyOrganisation` row for W in the same
transaction and makes sure a re-audit job (:data:`KIND`, :func:`reaudit_job`) is
queued — one at most: a change that finds one queued leaves it to that one. The job
reads the rows, works out their scopes (:func:`affected`), stores the audit of each
(``store_audit``, one pass per top-level organisation: a federation's findings need its
whole subtree loaded) and deletes the rows it read; rows a change added meanwhile stay
for the next job.

**Synchronously, for a school.** When W is in a school of at most
:data:`SYNC_LIMIT` organisations, the school's audit is also stored right after the
change commits (``transaction.on_commit``, before the response is sent), so the
union's own page shows its findings at once. When nothing is above the school, that is
the whole scope: no job is queued, and the synchronous re-audit deletes the change's
rows itself. When a federation is above it, the job still stores the federation's
findings (and the school again, in the same pass). The synchronous re-audit never
waits for another store: when one is running (a job, the nightly pass, an import) it
leaves the rows to a job. The actions of :data:`DEFERRED` (raising a concern, #17) are
left to the job alone: :func:`defer`.

**After a store in the change's transaction.** An import stores the audit of its
subtree in its own transaction, after its change was marked: :func:`stored_subtree`
then replaces the marks that store covered by marks of the organisations above the
subtree alone (``DirtyOrganisation.alone``), so the job does not store the subtree a
second time.

A store of the audit records nothing in the audit log, so the re-audit never marks
anything itself. The changes that cannot change a finding — account roles,
invitations, notification settings, job starts (:data:`UNAUDITED`) — mark nothing.
Before the first store (``AuditRun`` empty) nothing is marked: there is nothing to
keep up to date, the pages compute the audit.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from tongxue.compliance.models import AuditRun, DirtyOrganisation
from tongxue.compliance.store import LOCK_KEY, store_audit
from tongxue.jobs.models import Job, JobStatus
from tongxue.jobs.services import start_job
from tongxue.organisations.models import Organisation, OrgKind

logger = logging.getLogger(__name__)

#: The kind of the re-audit job, and its function.
KIND = "compliance.reaudit"
FUNC = "tongxue.compliance.reaudit.reaudit_job"

#: A school of at most this many organisations is re-audited synchronously after a
#: change in it (measured: docs/audit.md; the demo's largest school has 41).
SYNC_LIMIT = 400

#: Actions that change nothing the audit reads (exact, or a prefix ending in ".").
UNAUDITED = (
    "job.",
    "role.",
    "invitation.",
    "notifications.",
    "person.user_linked",
    "demo.user_created",
    "demo.role_granted",
    # advocacy (RGT-3): sign-ups and planned meetings; the audit counts held meetings
    "advocacy.meeting.sign_up",
    "advocacy.meeting.withdraw_signup",
    "advocacy.meeting.schedule",
    "advocacy.meeting.change",
    "advocacy.meeting.cancel",
    "advocacy.meeting.point",
    "advocacy.request.answer",
    # surveys (TRN-2): the audit reads when an evaluation opened, closed and was
    # published; a draft and a reminder change none of them (an answer writes no audit
    # event at all: docs/audit.md)
    "survey.create",
    "survey.remind",
)

#: Actions re-audited by the job only, never at commit (#17): a new concern changes at
#: most its union's RGT-1 counts (its channel, its open concerns by deadline), and at
#: hundreds a second the school's synchronous re-audit (≈ 60 ms each) would be most of
#: every raise's time. The union's page shows the new count once the job ran (seconds).
DEFERRED = (
    "voice.concern.raise",
    "voice.concern.record_offline",
)

#: Codes per ``IN (…)`` list and prefixes per OR (SQLite's limit on parameters).
CHUNK = 400


def _chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def unaudited(action: str) -> bool:
    """Whether ``action`` changes nothing the audit reads."""
    return any(
        action.startswith(a) if a.endswith(".") else action == a for a in UNAUDITED
    )


# -- marking, in the change's transaction ---------------------------------------------


@dataclass
class _Batch:
    """The changes of one transaction: what to re-audit once it commits."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: school code → whether it is the top of its tree (then its store is the scope).
    schools: dict[str, bool] = field(default_factory=dict)
    #: school code → its size (counted once per transaction).
    sizes: dict[str, int] = field(default_factory=dict)
    ran: bool = False

    def run(self) -> None:
        self.ran = True
        run_sync(self)


def _current() -> _Batch | None:
    """The current transaction's batch, if it marked something."""
    batch: _Batch | None = getattr(connection, "_tongxue_reaudit", None)
    pending = (
        batch is not None
        and not batch.ran
        # not discarded with a rolled-back savepoint
        and any(entry[1] == batch.run for entry in connection.run_on_commit)
    )
    return batch if pending else None


def _batch() -> _Batch:
    """The current transaction's batch, its on-commit call registered once."""
    batch = _current()
    if batch is None:
        batch = _Batch()
        connection._tongxue_reaudit = batch  # type: ignore[attr-defined]
        transaction.on_commit(batch.run, robust=True)
    return batch


def on_recorded(organisation: str, action: str) -> None:
    """The hook of the audit log (``RECORDED``): mark ``organisation`` for re-audit."""
    if unaudited(action) or not AuditRun.objects.exists():
        return
    if action in DEFERRED:
        defer([organisation])
        return
    mark([organisation])


def defer(codes: Iterable[str]) -> None:
    """Mark ``codes`` for the re-audit job only (:data:`DEFERRED`): the rows and the
    job, in the current transaction, and no re-audit at commit (two statements)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return
    batch = _current()  # the transaction's token when it marked something else too
    now, token = timezone.now(), batch.token if batch else uuid.uuid4().hex
    DirtyOrganisation.objects.bulk_create(
        [DirtyOrganisation(code=c, mark=token, marked_at=now) for c in codes]
    )
    ensure_queued()


def mark(codes: Iterable[str]) -> None:
    """Mark ``codes`` for re-audit in the current transaction (see the module)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return
    batch = _batch()
    now = timezone.now()
    DirtyOrganisation.objects.bulk_create(
        [DirtyOrganisation(code=c, mark=batch.token, marked_at=now) for c in codes]
    )
    needs_job = False
    for code in codes:
        school, top = _school_of(code, batch)
        if school is None:
            needs_job = True
            continue
        batch.schools[school] = top
        needs_job = needs_job or not top
    if needs_job:
        ensure_queued()


def _school_of(code: str, batch: _Batch) -> tuple[str | None, bool]:
    """The school ``code`` is in, if it is small enough to re-audit synchronously, and
    whether nothing is above that school. Two or three small queries."""
    path = Organisation.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return None, False  # created later in the transaction, or unknown: the job
    codes = _codes(path)
    schools = set(
        Organisation.objects.filter(code__in=codes, kind=OrgKind.SCHOOL).values_list(
            "code", flat=True
        )
    )
    school = next((c for c in reversed(codes) if c in schools), None)
    if school is None:
        return None, False
    if school not in batch.sizes:
        prefix = "/" + "/".join(codes[: codes.index(school) + 1]) + "/"
        batch.sizes[school] = Organisation.objects.filter(
            path__startswith=prefix
        ).count()
    if batch.sizes[school] > SYNC_LIMIT:
        return None, False
    return school, codes[0] == school


def stored_subtree(root: str | None) -> None:
    """The audit of the whole subtree of ``root`` (everything when None) was just stored
    in the current transaction (``store.store_audit``, e.g. by an import after its
    writes): forget this transaction's marks it covered.

    A mark at W inside the subtree stands for W's school (or W's subtree) and
    everything above it; the store covered the part inside the subtree, so the mark is
    replaced by marks of the organisations above ``root`` alone (none when ``root`` is
    a top-level organisation or None), and the synchronous re-audit of schools inside
    the subtree is dropped. Without this an import's subtree was stored twice: in its
    transaction, then again by the re-audit job. When ``root`` is inside a school a
    change there reaches the school's other organisations: the marks are kept. Marks
    added later in the transaction are kept too. A few queries, only when this
    transaction marked something.
    """
    batch = _current()
    if batch is None:
        return
    marks = list(
        DirtyOrganisation.objects.filter(mark=batch.token, alone=False).values_list(
            "pk", "code"
        )
    )
    if not marks:
        return
    prefix, above = "/", []
    if root is not None:
        path = (
            Organisation.objects.filter(code=root)
            .values_list("path", flat=True)
            .first()
        )
        if path is None:
            return
        codes = _codes(path)
        if Organisation.objects.filter(
            code__in=codes[:-1], kind=OrgKind.SCHOOL
        ).exists():
            return
        prefix, above = path, codes[:-1]
    paths: dict[str, str] = {}
    for chunk in _chunks(sorted({code for _pk, code in marks})):
        paths.update(
            Organisation.objects.filter(code__in=chunk).values_list("code", "path")
        )
    covered = [pk for pk, code in marks if paths.get(code, "").startswith(prefix)]
    if not covered:
        return
    forget(covered)
    now = timezone.now()
    DirtyOrganisation.objects.bulk_create(
        [
            DirtyOrganisation(code=c, mark=batch.token, marked_at=now, alone=True)
            for c in above
        ]
    )
    if batch.schools:
        inside = set(
            Organisation.objects.filter(
                code__in=list(batch.schools), path__startswith=prefix
            ).values_list("code", flat=True)
        )
        for school in inside:
            del batch.schools[school]


def ensure_queued() -> None:
    """Queue a re-audit job unless one is queued already.

    The queued job's row is read ``FOR SHARE`` on PostgreSQL: a worker starting it
    (``SELECT … FOR UPDATE``) waits until this transaction commits, so the job reads
    the rows this transaction marked.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Job._meta.db_table} WHERE kind = %s AND status = %s"
                " LIMIT 1 FOR SHARE",
                [KIND, JobStatus.QUEUED.value],
            )
            if cursor.fetchone() is not None:
                return
    elif Job.objects.filter(kind=KIND, status=JobStatus.QUEUED).exists():
        return
    start_job(
        kind=KIND,
        actor=None,
        title=gettext("Re-audit of the organisations changed"),
        func=FUNC,
        kwargs={},
    )


# -- the synchronous re-audit, once the change committed ---------------------------------


def _try_lock() -> bool:
    """Take the stores' lock (``store.LOCK_KEY``) if nobody holds it (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        return bool(cursor.fetchone()[0])


def run_sync(batch: _Batch) -> None:
    """Store the audit of the schools ``batch`` changed (after its commit)."""
    for school, top in batch.schools.items():
        try:
            with transaction.atomic():
                if not _try_lock():
                    if top:
                        ensure_queued()
                    continue
                store_audit(root=school, kind=AuditRun.Kind.INCREMENTAL)
                if top:
                    _forget_own(batch.token, school)
        except Exception:
            logger.exception("Re-audit of school %s after a change failed", school)
            if top:
                with transaction.atomic():
                    ensure_queued()


def _forget_own(token: str, school: str) -> None:
    """Delete the rows of ``token`` whose organisations are in ``school``."""
    path = Organisation.objects.filter(code=school).values_list("path", flat=True)
    inside = Organisation.objects.filter(path__startswith=path.first() or "-")
    DirtyOrganisation.objects.filter(
        mark=token, code__in=inside.values("code")
    ).delete()


# -- the job ----------------------------------------------------------------------------


def affected(codes: Iterable[str], alone: Iterable[str] = ()) -> dict[str, set[str]]:
    """Return, by top-level organisation, the codes whose findings a change at one
    of ``codes`` can change (see the module), and the codes ``alone`` themselves
    (marks of :func:`stored_subtree`). Unknown codes are left out. A few queries,
    whatever the number of codes (in chunks of :data:`CHUNK`)."""
    out: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(set(alone))):
        for code, path in Organisation.objects.filter(code__in=chunk).values_list(
            "code", "path"
        ):
            out.setdefault(_codes(path)[0], set()).add(code)
    paths: dict[str, str] = {}
    for chunk in _chunks(sorted(set(codes))):
        paths.update(
            Organisation.objects.filter(code__in=chunk).values_list("code", "path")
        )
    if not paths:
        return out
    above = sorted({c for p in paths.values() for c in _codes(p)})
    schools: set[str] = set()
    for chunk in _chunks(above):
        schools.update(
            Organisation.objects.filter(
                code__in=chunk, kind=OrgKind.SCHOOL
            ).values_list("code", flat=True)
        )
    # The base of each change: the school it is in, else itself, as a path prefix.
    bases: set[str] = set()
    for path in paths.values():
        codes_ = _codes(path)
        school = next((c for c in reversed(codes_) if c in schools), None)
        upto = codes_.index(school) + 1 if school is not None else len(codes_)
        bases.add("/" + "/".join(codes_[:upto]) + "/")
    kept: list[str] = []
    for base in sorted(bases, key=len):
        if not any(base.startswith(k) for k in kept):
            kept.append(base)
    for chunk in _chunks(kept):
        for code, path in Organisation.objects.filter(
            reduce(or_, (Q(path__startswith=b) for b in chunk))
        ).values_list("code", "path"):
            out.setdefault(_codes(path)[0], set()).add(code)
    for base in kept:
        above_base = _codes(base)
        out.setdefault(above_base[0], set()).update(above_base)
    return out


class Mark(NamedTuple):
    """A marked row: its id, the organisation, whether to re-audit it alone."""

    pk: int
    code: str
    alone: bool


def pending() -> list[Mark]:
    """The marked rows, oldest first."""
    return [
        Mark(*row)
        for row in DirtyOrganisation.objects.order_by("pk").values_list(
            "pk", "code", "alone"
        )
    ]


def affected_by(marks: Iterable[Mark]) -> dict[str, set[str]]:
    """:func:`affected` of marked rows."""
    marks = list(marks)
    return affected(
        (m.code for m in marks if not m.alone), (m.code for m in marks if m.alone)
    )


def forget(ids: Iterable[int]) -> None:
    """Delete the marked rows ``ids`` (their organisations were stored since)."""
    for chunk in _chunks(ids):
        DirtyOrganisation.objects.filter(pk__in=chunk).delete()


def reaudit(kind: str = AuditRun.Kind.INCREMENTAL) -> tuple[int, list[AuditRun]]:
    """Store the audit of everything the marked changes can affect, then forget the
    rows read; return how many rows and the runs stored."""
    rows = pending()
    runs = [
        store_audit(root=root, scope=scope, kind=kind)
        for root, scope in sorted(affected_by(rows).items())
    ]
    forget(m.pk for m in rows)
    return len(rows), runs


def reaudit_job(job: Any) -> None:
    """The re-audit job (:data:`KIND`): :func:`reaudit`, with its progress."""
    job.progress(0, None, gettext("Re-auditing the organisations changed"))
    marked, runs = reaudit()
    organisations = sum(r.organisations for r in runs)
    job.message = ngettext(
        "%(n)d organisation re-audited",
        "%(n)d organisations re-audited",
        organisations,
    ) % {"n": organisations}
    logger.info(
        "Re-audit: %d marks, %d organisations, %d passes",
        marked,
        organisations,
        len(runs),
    )
