"""Semesters (CAD-4) as evaluation periods, each listed person's 述职 report filed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from django.utils import timezone

from tongxue.domain import model as dm
from tongxue.domain.findings import Message, gettext_noop
from tongxue.domain.snapshot import Snapshot, SnapshotError
from tongxue.evaluations.models import EvaluationPeriod, Kind, PeriodStatus, Subject
from tongxue.organisations.models import Position
from tongxue.snapshots.bulk import lookup
from tongxue.snapshots.records.common import row_number

MSG_REPORT_NO_POST = gettext_noop(
    "{id} holds no post at {organisation} during the semester {semester}: a work "
    "report (述职) is filed by a holder of a post there."
)
MSG_PERIOD_OPEN = gettext_noop(
    "The semester {semester} of {organisation} is open for ratings in Tongxue: close "
    "it there (its results are computed when it closes); a file cannot close it."
)


class _SemesterPlan(NamedTuple):
    """What an import does with one semester, once every row of the file passed."""

    key: tuple[Any, str]  # (organisation pk, code)
    old: Any  # (pk, (start, end, status)) of the stored period, None if new
    state: tuple[date, date, str]  # (start, end, status) after the import
    positions: list[Any]  # the posts whose reports are filed, in the file's order


def store_semesters(
    snap: Snapshot,
    *,
    pk_of: Mapping[str, Any],
    person_pk: Mapping[str, Any],
    counts: Any,
) -> list[SnapshotError]:
    """Upsert the semesters as evaluation periods and file their 述职 reports (CAD-4).

    Keyed by (organisation, code). A new period is closed when the file says so, else
    planned; a file closes a planned period, never one open for ratings (refused: its
    results are computed when Tongxue closes it), and never reopens a closed one. Each
    listed person files the report of the post they held at the organisation during
    the semester (the one held on its last day, else the latest); a person without one
    is refused. A report already filed stays as it is; none is withdrawn. Return the
    errors (nothing is written when there are any).
    """
    if not snap.semesters:
        return []
    orgs = {pk_of[s.organisation] for s in snap.semesters}
    stored = {
        (org, code): (pk, (start, end, status))
        for org, code, pk, start, end, status in lookup(
            EvaluationPeriod,
            "organisation_id",
            orgs,
            "code",
            "pk",
            "start",
            "end",
            "status",
        )
    }
    posts: dict[tuple[Any, Any], list[tuple[date, date | None, Any]]] = defaultdict(
        list
    )
    for org, person, pk, start, end in lookup(
        Position, "organisation_id", orgs, "person_id", "pk", "start", "end"
    ):
        posts[(org, person)].append((start, end, pk))
    errors: list[SnapshotError] = []
    plans: list[_SemesterPlan] = []
    for s in snap.semesters:
        key = (pk_of[s.organisation], s.code)
        row = row_number(snap, "semesters", (s.organisation, s.code))
        old = stored.get(key)
        status = _semester_status(s, old, row, errors)
        if status is None:
            continue
        filed = _reported_posts(s, row, posts, key[0], person_pk, errors)
        plans.append(_SemesterPlan(key, old, (s.start, s.end, status), filed))
    if errors:
        return errors
    _write_semesters(plans, stored, counts)
    return []


def _semester_status(
    s: dm.Semester, old: Any, row: int, errors: list[SnapshotError]
) -> str | None:
    """Return the period's status after the import; None (and an error) if refused.

    A file closes a planned period, never one open for ratings, and never reopens a
    closed one.
    """
    status: str = PeriodStatus.CLOSED if s.closed else PeriodStatus.PLANNED
    if old is None:
        return status
    was = old[1][2]
    if s.closed and was == PeriodStatus.OPEN:
        params = {"semester": s.code, "organisation": s.organisation}
        errors.append(
            SnapshotError("semesters", row, "closed", Message(MSG_PERIOD_OPEN, params))
        )
        return None
    if not s.closed or was == PeriodStatus.CLOSED:
        return was
    return status


def _reported_posts(
    s: dm.Semester,
    row: int,
    posts: Mapping[tuple[Any, Any], list[tuple[date, date | None, Any]]],
    org: Any,
    person_pk: Mapping[str, Any],
    errors: list[SnapshotError],
) -> list[Any]:
    """Return the post whose report each listed person files, once each, in order.

    The post held at ``org`` during the semester: the one held on its last day, else
    the latest. A person without one gets an error.
    """
    filed = []
    for ident in s.reports:
        held = [
            p
            for p in posts.get((org, person_pk[ident]), ())
            if p[0] <= s.end and (p[1] is None or p[1] >= s.start)
        ]
        if not held:
            params = {"id": ident, "organisation": s.organisation, "semester": s.code}
            errors.append(
                SnapshotError(
                    "semesters", row, "reports", Message(MSG_REPORT_NO_POST, params)
                )
            )
            continue
        last_day = [p for p in held if p[1] is None or p[1] >= s.end]
        filed.append(max(last_day or held, key=lambda p: (p[0], p[2]))[2])
    return list(dict.fromkeys(filed))


def _write_semesters(
    plans: Sequence[_SemesterPlan],
    stored: Mapping[tuple[Any, str], tuple[Any, tuple[Any, ...]]],
    counts: Any,
) -> None:
    """Create the new periods, update the stored ones and file the reports."""
    subjects = {
        (period, position): (pk, filed_at)
        for period, kind, position, pk, filed_at in lookup(
            Subject,
            "period_id",
            {p.old[0] for p in plans if p.old is not None},
            "kind",
            "position_id",
            "pk",
            "filed_at",
        )
        if kind == Kind.REPORT
    }
    now = timezone.now()
    new: list[EvaluationPeriod] = []
    to_create: list[tuple[tuple[Any, str], Any]] = []  # (period key, position)
    to_file: list[Subject] = []
    for key, old, state, positions in plans:
        start, end, status = state
        if old is None:
            new.append(
                EvaluationPeriod(
                    organisation_id=key[0],
                    code=key[1],
                    name=key[1],
                    start=start,
                    end=end,
                    status=status,
                    closed_at=now if status == PeriodStatus.CLOSED else None,
                )
            )
            to_create += [(key, position) for position in positions]
            counts.created += 1
            continue
        pending = False
        for position in positions:
            found = subjects.get((old[0], position))
            if found is None:
                to_create.append((key, position))
                pending = True
            elif found[1] is None:
                to_file.append(Subject(pk=found[0], filed_at=now))
                pending = True
        if old[1] != state:
            closing = status == PeriodStatus.CLOSED and old[1][2] != status
            EvaluationPeriod.objects.filter(pk=old[0]).update(
                start=start,
                end=end,
                status=status,
                **({"closed_at": now} if closing else {}),
            )
        if old[1] != state or pending:
            counts.updated += 1
        else:
            counts.unchanged += 1
    _create_periods_and_reports(new, stored, to_create, to_file, now)


def _create_periods_and_reports(
    new: list[EvaluationPeriod],
    stored: Mapping[tuple[Any, str], tuple[Any, tuple[Any, ...]]],
    to_create: Sequence[tuple[tuple[Any, str], Any]],
    to_file: list[Subject],
    now: Any,
) -> None:
    """Create the new periods, then the reports (filed ``now``) they and others need."""
    EvaluationPeriod.objects.bulk_create(new, batch_size=500)
    period_pk = {key: old[0] for key, old in stored.items()}
    if new:
        period_pk.update(
            ((org, code), pk)
            for org, code, pk in lookup(
                EvaluationPeriod,
                "organisation_id",
                {p.organisation_id for p in new},
                "code",
                "pk",
            )
        )
    Subject.objects.bulk_create(
        [
            Subject(
                period_id=period_pk[key],
                kind=Kind.REPORT,
                position_id=position,
                filed_at=now,
            )
            for key, position in to_create
        ],
        batch_size=500,
    )
    Subject.objects.bulk_update(to_file, ["filed_at"], batch_size=500)
