"""Reports to the school (形成报告提交学校党政部门, RGT-1 · GS-10, CQ-5): generate, submit,
follow up.

* :func:`start_generation` starts a background job (``voice.report``,
  :func:`generate_job`) that reads the union's concerns of a month or a term and
  stores the report's content (:func:`tongxue.voice.reports.build`) on a draft
  :class:`~tongxue.voice.models.SchoolReport`; generating a draft again replaces its
  content; a submitted report is never generated again.
* :func:`submit` records that the union submitted a draft to the school's departments
  (to whom, when, by whom; the ``SCHOOL_REPORT`` lifecycle, audit-logged) and starts
  following each concern it lists (:class:`~tongxue.voice.models.ReportItem`).
* :func:`track_items` (daily) marks the items whose concern was concluded, merged or
  withdrawn; :func:`monthly_drafts` (daily) starts the previous month's draft for
  every union that had concerns in it and has no report on it yet.

Who may: the union's administrators and rights officers (``Perm.HANDLE`` or
``Perm.MANAGE`` at the union, so also a federation's administrators above it and the
operator); :func:`may_report` answers for the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import ExtractYear, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.core.permissions import Perm, acting_role, has_perm
from tongxue.domain.lifecycle import SCHOOL_REPORT
from tongxue.domain.rights import OPEN_STATUSES
from tongxue.jobs import JobFailed
from tongxue.jobs.models import Job
from tongxue.jobs.services import start_job
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.voice import reports
from tongxue.voice.models import (
    Category,
    Concern,
    ConcernStatus,
    ReportItem,
    ReportKind,
    ReportStatus,
    SchoolReport,
)
from tongxue.voice.selectors import overdue_q
from tongxue.voice.services.shared import calendar

__all__ = [
    "FINAL_STATUSES",
    "GENERATE",
    "MONTHLY",
    "TRACK",
    "generate",
    "generate_job",
    "may_report",
    "monthly_drafts",
    "monthly_job",
    "report_title",
    "start_generation",
    "submit",
    "track_items",
    "track_job",
]

#: The job that generates a report, and the periodic work.
GENERATE = "voice.report"
MONTHLY = "voice.monthly-reports"
TRACK = "voice.report-items"
#: States a concern does not leave: an item in one of them is no longer followed.
FINAL_STATUSES = (ConcernStatus.CLOSED, ConcernStatus.MERGED, ConcernStatus.WITHDRAWN)
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
MAX_SUBMITTED_TO = 200
#: Rows read per round trip (and a progress step).
CHUNK = 2000
#: The stages of :func:`tongxue.voice.reports.build` (a progress step each).
STAGES = ("count", "topics", "lists", "previous")


# --------------------------------------------------------------------------- who may


def may_report(user: Any, union: Organisation) -> bool:
    """Whether ``user`` may see, generate and submit the union's reports."""
    return has_perm(user, Perm.HANDLE, union.path) or has_perm(
        user, Perm.MANAGE, union.path
    )


def _require(actor: Actor, union: Organisation) -> str:
    """The role under which ``actor`` reports for the union (a refusal when none)."""
    if actor is None:
        return "system"
    if not may_report(actor, union):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to report on {target}'s concerns."),
            target=union.name,
        )
    return acting_role(actor, Perm.HANDLE, union.path) or acting_role(
        actor, Perm.MANAGE, union.path
    )


def _school_level(union: Organisation) -> None:
    if union.kind not in SCHOOL_LEVEL:
        raise refuse(
            "not-a-union",
            gettext_noop("{target} does not collect students' concerns."),
            target=union.name,
        )


def report_title(union_name: str, kind: str, start: dt.date) -> str:
    """A report's title in the active language ("…学生会学生诉求月度报告（2026年11月）")."""
    if kind == ReportKind.MONTHLY:
        return gettext("%(union)s: students' concerns, monthly report (%(month)s)") % {
            "union": union_name,
            "month": f"{start:%Y-%m}",
        }
    end = reports.term_period(start).end
    return gettext(
        "%(union)s: students' concerns, term report (%(start)s to %(end)s)"
    ) % {
        "union": union_name,
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
    }


def _subject(report: SchoolReport) -> str:
    """The audit record's target: the union, the kind and the period's start."""
    return f"{report.union.code} {report.kind} {report.period_start:%Y-%m-%d}"


# --------------------------------------------------------------------------- generate


def start_generation(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    day: dt.date,
    today: dt.date | None = None,
) -> Job:
    """Start the job that generates the union's report of ``kind`` (monthly or term)
    on the period ``day`` falls in; return the job (its page shows the progress).

    Refused: someone who may not report, a period that has not begun, a period whose
    report was already submitted.
    """
    today = today or timezone.localdate()
    role = _require(actor, union)
    _school_level(union)
    if kind not in ReportKind.values:
        raise refuse(
            "invalid", gettext_noop("Choose a kind of report."), field="period"
        )
    period = reports.period_of(kind, day)
    if period.start > today:
        raise refuse(
            "future",
            gettext_noop("The period has not begun yet."),
            field="period",
        )
    _not_submitted(union, period)
    with transaction.atomic():
        job = start_job(
            kind=GENERATE,
            actor=actor,
            title=report_title(union.name, kind, period.start),
            func="tongxue.voice.report_services.generate_job",
            kwargs={
                "union": union.code,
                "kind": kind,
                "start": period.start.isoformat(),
                "today": today.isoformat(),
            },
            organisation=union.code,
        )
        auditlog.record(
            actor=actor,
            action="voice.report.start",
            organisation=union.code,
            target=f"{union.code} {kind} {period.start:%Y-%m-%d}",
            role=role,
            data={"job": str(job.pk)},
        )
    return job


def _not_submitted(union: Organisation, period: reports.Period) -> None:
    if SchoolReport.objects.filter(
        union=union,
        kind=period.kind,
        period_start=period.start,
        status=ReportStatus.SUBMITTED,
    ).exists():
        raise refuse(
            "submitted",
            gettext_noop(
                "The report on this period was submitted to the school: it is not generated again."
            ),
            field="period",
        )


def generate_job(
    job: Job, *, union: str, kind: str, start: str, today: str | None = None
) -> None:
    """The job: generate the report and point the job's page at it."""
    from tongxue.core.errors import Refusal, render_message

    org = Organisation.objects.filter(code=union).first()
    if org is None:
        raise JobFailed(gettext("The union no longer exists."))
    day = dt.date.fromisoformat(start)
    try:
        report = generate(
            actor=job.started_by,
            union=org,
            period=reports.period_of(kind, day),
            today=dt.date.fromisoformat(today) if today else None,
            progress=job.progress,
        )
    except Refusal as refusal:
        raise JobFailed(render_message(refusal.message)) from refusal
    job.result_url = reverse("voice:report", args=[org.code, report.pk])
    job.message = gettext("The report is ready.")


def generate(
    *,
    actor: Actor,
    union: Organisation,
    period: reports.Period,
    today: dt.date | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
) -> SchoolReport:
    """Generate the union's report on ``period`` judged on ``today`` (a draft, new or
    generated again) in one transaction, and audit it. ``progress(done, total,
    message)`` follows the work (a job's)."""
    as_of = today or timezone.localdate()
    role = _require(actor, union)
    _school_level(union)
    tell = progress or (lambda _d, _t, _m: None)
    with transaction.atomic():
        existing = (
            SchoolReport.objects.select_for_update()
            .filter(union=union, kind=period.kind, period_start=period.start)
            .first()
        )
        if existing is not None and existing.status != ReportStatus.DRAFT:
            _not_submitted(union, period)
        rows = _rows(union, period, as_of, tell)
        kinds = [
            reports.Kind(c.pk, c.code, c.name, c.name_en, c.sensitive, c.about_cadre)
            for c in Category.objects.filter(union=union).order_by("order", "code")
        ]
        cadre_kinds = {k.id for k in kinds if k.about_cadre}
        rows = [
            r if not (r.category in cadre_kinds and not r.restricted) else _restrict(r)
            for r in rows
        ]
        previous = _previous(union, period, as_of)
        handler_ids = {r.handler for r in rows} | {union.pk}
        if previous is not None:
            handler_ids |= {i.handler for i in previous.items}
        units = {
            o.pk: reports.Unit(o.pk, o.code, o.name, o.name_en, o.kind)
            for o in Organisation.objects.filter(pk__in=handler_ids)
        }
        hol, extra = calendar()
        stages = {
            "count": gettext("Counting"),
            "topics": gettext("Finding the topics"),
            "lists": gettext("Listing overdue and shared concerns"),
            "previous": gettext("Following up the previous report"),
        }
        n = len(rows)
        steps = iter(range(n + 1, n + len(STAGES) + 1))
        content = reports.build(
            union=units[union.pk],
            period=period,
            as_of=as_of,
            rows=rows,
            units=units,
            categories=kinds,
            previous=previous,
            holidays=hol,
            extra_working_days=extra,
            progress=lambda stage: tell(
                next(steps, n + len(STAGES)), n + len(STAGES), stages.get(stage, "")
            ),
        )
        tell(n + len(STAGES), n + len(STAGES), gettext("Saving"))
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        if existing is None:
            report = SchoolReport.objects.create(
                union=union,
                kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                as_of=as_of,
                generated_at=now,
                generated_by=user,
                content=content,
            )
        else:
            report = existing
            report.period_end = period.end
            report.as_of = as_of
            report.generated_at = now
            report.generated_by = user
            report.content = content
            report.save(
                update_fields=[
                    "period_end",
                    "as_of",
                    "generated_at",
                    "generated_by",
                    "content",
                ]
            )
        auditlog.record(
            actor=actor,
            action="voice.report.generate",
            organisation=union.code,
            target=_subject(report),
            role=role,
            data={
                "report": report.pk,
                "as_of": as_of.isoformat(),
                "raised": content["totals"]["raised"],
                "again": existing is not None,
            },
        )
    return report


def _restrict(row: reports.Row) -> reports.Row:
    from dataclasses import replace

    return replace(row, restricted=True)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


_COLUMNS = (
    "pk",
    "number",
    "raised_year",
    "raised_on",
    "public_title",
    "category_id",
    "handler_id",
    "status",
    "acknowledge_due",
    "answer_due",
    "acknowledged_on",
    "answered_on",
    "closed_on",
    "rating",
    "verified",
    "supporters",
    "sensitive",
    "about_person_id",
    "tokens",
)


def _rows(
    union: Organisation,
    period: reports.Period,
    as_of: dt.date,
    tell: Callable[[int, int | None, str], None],
) -> list[reports.Row]:
    """The union's concerns a report reads (two queries: a count, then the rows in
    chunks): raised in the period, or whenever raised and overdue on ``as_of`` or
    still open with many supporters. The database turns times into local days (and
    the year of a concern's reference, as :attr:`Concern.reference` shows it)."""
    start, end = _aware(period.start), _aware(period.end + dt.timedelta(days=1))
    still_open = sorted({*OPEN_STATUSES, ConcernStatus.ANSWERED})
    outside = overdue_q(as_of) | Q(
        status__in=still_open, supporters__gte=reports.MANY_SUPPORTERS
    )
    tz = timezone.get_current_timezone()
    qs = (
        Concern.objects.filter(union=union)
        .filter(Q(raised_at__gte=start, raised_at__lt=end) | outside)
        .order_by()
    )
    total = qs.count()
    steps = total + len(STAGES)
    reading = gettext("Reading the concerns")
    tell(0, steps, reading)
    rows = qs.annotate(
        raised_year=ExtractYear("raised_at", tzinfo=dt.UTC),
        raised_on=TruncDate("raised_at", tzinfo=tz),
        acknowledged_on=TruncDate("acknowledged_at", tzinfo=tz),
        answered_on=TruncDate("answered_at", tzinfo=tz),
        closed_on=TruncDate("closed_at", tzinfo=tz),
    ).values_list(*_COLUMNS)
    out: list[reports.Row] = []
    row = reports.Row
    for (
        pk,
        number,
        year,
        raised,
        title,
        category,
        handler,
        status,
        ack_due,
        answer_due,
        acked,
        answered,
        closed,
        rating,
        verified,
        supporters,
        sensitive,
        about,
        words,
    ) in rows.iterator(chunk_size=CHUNK):
        out.append(
            row(
                pk,
                f"{year}-{number:04d}",
                title,
                category,
                handler,
                status,
                _as_date(raised),
                _as_date(ack_due),
                _as_date(answer_due),
                _as_date(acked),
                _as_date(answered),
                _as_date(closed),
                rating,
                verified,
                supporters,
                bool(sensitive or about),
                words.split(),
            )
        )
        if len(out) % CHUNK == 0:
            tell(len(out), steps, reading)
    tell(len(out), steps, reading)
    return out


def _as_date(value: Any) -> dt.date | None:
    """A day read back from the database (a string on SQLite)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _previous(
    union: Organisation, period: reports.Period, as_of: dt.date
) -> reports.Previous | None:
    """The last report submitted to the school before this period's (two queries)."""
    prev = (
        SchoolReport.objects.filter(
            union=union, status=ReportStatus.SUBMITTED, period_start__lte=period.start
        )
        .exclude(kind=period.kind, period_start=period.start)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if prev is None or prev.submitted_at is None:
        return None
    items = []
    for (
        cid,
        reason,
        tracked_closed,
        number,
        raised,
        title,
        status,
        handler,
        rating,
        closed,
    ) in (
        ReportItem.objects.filter(report=prev)
        .order_by("pk")
        .values_list(
            "concern_id",
            "reason",
            "closed_at",
            "concern__number",
            "concern__raised_at",
            "concern__public_title",
            "concern__status",
            "concern__handler_id",
            "concern__rating",
            "concern__closed_at",
        )
    ):
        ended = tracked_closed or (closed if status in FINAL_STATUSES else None)
        closed_on = timezone.localdate(ended) if ended else None
        if closed_on is None and status in FINAL_STATUSES:
            closed_on = as_of
        items.append(
            reports.PreviousItem(
                id=cid,
                reference=f"{raised:%Y}-{number:04d}",
                title=title,
                reason=reason,
                status=status,
                handler=handler,
                rating=rating,
                closed_on=closed_on,
            )
        )
    return reports.Previous(
        id=prev.pk,
        kind=prev.kind,
        start=prev.period_start,
        end=prev.period_end,
        submitted_on=timezone.localdate(prev.submitted_at),
        submitted_to=prev.submitted_to,
        items=items,
    )


# --------------------------------------------------------------------------- submit


def submit(*, actor: Actor, report: SchoolReport, submitted_to: str) -> SchoolReport:
    """Record that the union submitted the draft ``report`` to ``submitted_to`` (学校
    党委, 校长办公室 …): when and by whom, audit-logged; its listed concerns become
    items followed until each is concluded."""
    union = report.union
    role = _require(actor, union)
    to = " ".join((submitted_to or "").split())
    if not to:
        raise refuse(
            "required", gettext_noop("This field is required."), field="submitted_to"
        )
    if len(to) > MAX_SUBMITTED_TO:
        raise refuse(
            "too-long",
            gettext_noop("This text is at most {limit} characters."),
            field="submitted_to",
            limit=MAX_SUBMITTED_TO,
        )
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        listed = {
            int(i["id"]): str(i["reason"]) for i in report.content.get("items", ())
        }
        found = dict(
            Concern.objects.filter(pk__in=listed, union=union).values_list(
                "pk", "status"
            )
        )
        transition(
            report,
            SCHOOL_REPORT,
            ReportStatus.SUBMITTED,
            actor=actor,
            action="voice.report.submit",
            organisation=union.code,
            role=role,
            subject=_subject(report),
            changes={"submitted_at": now, "submitted_to": to, "submitted_by": user},
            data={"report": report.pk, "submitted_to": to, "items": len(found)},
        )
        ReportItem.objects.bulk_create(
            [
                ReportItem(
                    report=report,
                    concern_id=cid,
                    reason=listed[cid],
                    closed_at=now if found[cid] in FINAL_STATUSES else None,
                )
                for cid in listed
                if cid in found
            ]
        )
    return report


# --------------------------------------------------------------------------- periodic


def track_items(*, now: dt.datetime | None = None) -> int:
    """Mark the followed items whose concern was concluded, merged or withdrawn (its
    conclusion's time, else now); return how many (two queries)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            ReportItem.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(closed_at__isnull=True, concern__status__in=FINAL_STATUSES)
            .values_list("pk", "concern__closed_at")
        )
        done = [ReportItem(pk=pk, closed_at=closed or now) for pk, closed in rows]
        ReportItem.objects.bulk_update(done, ["closed_at"], batch_size=500)
    return len(done)


def track_job(job: Job) -> None:
    n = track_items()
    job.message = gettext("%(n)d items of reports concluded.") % {"n": n}


def monthly_drafts(*, today: dt.date | None = None) -> int:
    """Start the job generating last month's draft for every school-level union that
    had a concern raised in it and has no report on it yet; return how many."""
    today = today or timezone.localdate()
    period = reports.month_period(today.replace(day=1) - dt.timedelta(days=1))
    start, end = _aware(period.start), _aware(period.end + dt.timedelta(days=1))
    done = set(
        SchoolReport.objects.filter(
            kind=ReportKind.MONTHLY, period_start=period.start
        ).values_list("union_id", flat=True)
    )
    busy = set(
        Job.objects.filter(
            kind=GENERATE,
            status__in=("queued", "running"),
            kwargs__kind=ReportKind.MONTHLY,
            kwargs__start=period.start.isoformat(),
        ).values_list("organisation", flat=True)
    )
    unions = (
        Organisation.objects.filter(
            kind__in=SCHOOL_LEVEL,
            pk__in=Concern.objects.filter(raised_at__gte=start, raised_at__lt=end)
            .order_by()
            .values("union_id"),
        )
        .exclude(pk__in=done)
        .exclude(code__in=busy)
        .order_by("code")
    )
    n = 0
    for union in unions:
        start_job(
            kind=GENERATE,
            actor=None,
            title=report_title(union.name, ReportKind.MONTHLY, period.start),
            func="tongxue.voice.report_services.generate_job",
            kwargs={
                "union": union.code,
                "kind": ReportKind.MONTHLY,
                "start": period.start.isoformat(),
                "today": today.isoformat(),
            },
            organisation=union.code,
        )
        n += 1
    return n


def monthly_job(job: Job) -> None:
    n = monthly_drafts()
    job.message = gettext("%(n)d monthly drafts started.") % {"n": n}
