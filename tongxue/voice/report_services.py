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
* :func:`report_pdf` gives a report's PDF: made once by the generating job (or the
  submission's, :data:`PDF`) and stored (:class:`~tongxue.voice.models.ReportPdf`, per
  language), made again only when the report changed (:func:`pdf_key`); a report
  generated before PDFs were stored gets its PDF made on the first download.
* :func:`track_items` (daily) marks the items whose concern was concluded, merged or
  withdrawn; :func:`monthly_drafts` (daily) starts the previous month's draft for
  every union that had concerns in it and has no report on it yet.

Who may: the union's administrators and rights officers (``Perm.HANDLE`` or
``Perm.MANAGE`` at the union, so also a federation's administrators above it and the
operator); :func:`may_report` answers for the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import ExtractYear, TruncDate
from django.urls import reverse
from django.utils import timezone, translation
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
    ReportPdf,
    ReportStatus,
    SchoolReport,
)
from tongxue.voice.selectors import overdue_q
from tongxue.voice.services.shared import calendar

__all__ = [
    "FINAL_STATUSES",
    "GENERATE",
    "MONTHLY",
    "PDF",
    "TRACK",
    "generate",
    "generate_job",
    "may_report",
    "monthly_drafts",
    "monthly_job",
    "pdf_job",
    "pdf_key",
    "report_pdf",
    "report_title",
    "start_generation",
    "store_pdf",
    "submit",
    "track_items",
    "track_job",
]

#: The job that generates a report, and the periodic work.
GENERATE = "voice.report"
MONTHLY = "voice.monthly-reports"
TRACK = "voice.report-items"
#: The job that makes a report's PDF again once it was submitted.
PDF = "voice.report-pdf"
#: Changes whenever what the PDF prints for the same report changes (the template,
#: report_files): the stored PDFs are then made again.
PDF_VERSION = "1"
#: States a concern does not leave: an item in one of them is no longer followed.
FINAL_STATUSES = (ConcernStatus.CLOSED, ConcernStatus.MERGED, ConcernStatus.WITHDRAWN)
SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
MAX_SUBMITTED_TO = 200
#: Rows read per round trip (and a progress step).
CHUNK = 2000
#: The stages of :func:`tongxue.voice.reports.build` (a progress step each).
STAGES = ("count", "topics", "lists", "previous")

logger = logging.getLogger(__name__)


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
    site: str = "",
) -> Job:
    """Start the job that generates the union's report of ``kind`` (monthly or term)
    on the period ``day`` falls in; return the job (its page shows the progress).
    ``site``: the site's address the PDF prints with the report's (the request's,
    when ``TONGXUE_SITE_URL`` is not configured).

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
                "site": site,
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
    job: Job,
    *,
    union: str,
    kind: str,
    start: str,
    today: str | None = None,
    site: str = "",
) -> None:
    """The job: generate the report, queue the job that makes its PDF, and point the
    job's page at the report."""
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
    # The PDF (≈ 12 s for a school of 20,000 students, docs/performance.md) in a job of
    # its own, so that the report stands as soon as it is generated; a download before
    # that job is done makes the PDF then (report_pdf).
    start_job(
        kind=PDF,
        actor=None,  # queued by the job: in its language (the starter's)
        title=report_title(org.name, report.kind, report.period_start),
        func="tongxue.voice.report_services.pdf_job",
        kwargs={"report": report.pk, "site": site},
        organisation=org.code,
    )
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


def submit(
    *, actor: Actor, report: SchoolReport, submitted_to: str, site: str = ""
) -> SchoolReport:
    """Record that the union submitted the draft ``report`` to ``submitted_to`` (学校
    党委, 校长办公室 …): when and by whom, audit-logged; its listed concerns become
    items followed until each is concluded; its PDF is made again by a job
    (``site``: as for :func:`start_generation`)."""
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
        # its PDF says it was submitted now: made again in the background
        start_job(
            kind=PDF,
            actor=None,
            title=report_title(union.name, report.kind, report.period_start),
            func="tongxue.voice.report_services.pdf_job",
            kwargs={"report": report.pk, "site": site},
            organisation=union.code,
        )
    return report


# --------------------------------------------------------------------------- the PDF


def pdf_key(report: SchoolReport) -> str:
    """What the stored PDF must have been made from: the content generated (its time
    stands for it), the status and the submission."""
    submitted = report.submitted_at.isoformat() if report.submitted_at else ""
    text = "|".join(
        (
            PDF_VERSION,
            report.generated_at.isoformat(),
            report.status,
            submitted,
            report.submitted_to,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def report_url(report: SchoolReport, site: str = "") -> str:
    """The report's page as the PDF prints it: on ``site``, else on
    ``TONGXUE_SITE_URL``, else its path alone."""
    base = (site or getattr(settings, "TONGXUE_SITE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('voice:report', args=[report.union.code, report.pk])}"


def _language(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def report_pdf(report: SchoolReport, *, url: str, language: str | None = None) -> bytes:
    """The report's PDF in ``language`` (the active one): the stored one while it
    matches the report (one query, no WeasyPrint), else made now and stored (a report
    generated before PDFs were stored, one changed since, another language).
    :class:`tongxue.voice.report_files.PdfUnavailable` when it cannot be made here.
    For the pages: the caller checked :func:`may_report`."""
    lang = _language(language)
    stored = (
        ReportPdf.objects.filter(report=report, language=lang, key=pdf_key(report))
        .values_list("data", flat=True)
        .first()
    )
    if stored is not None:
        return bytes(stored)
    return store_pdf(report, url=url, language=lang)


def store_pdf(report: SchoolReport, *, url: str, language: str | None = None) -> bytes:
    """Make the report's PDF in ``language`` and store it (replacing the one stored
    in that language); return it. Not audited: a copy of what the report says."""
    from tongxue.voice import report_files

    lang = _language(language)
    key = pdf_key(report)  # of the report as read: a change meanwhile makes it again
    with translation.override(lang):
        data = report_files.pdf_bytes(report, url)
    ReportPdf.objects.bulk_create(
        [
            ReportPdf(
                report=report,
                language=lang,
                key=key,
                data=data,
                made_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["report", "language"],
        update_fields=["key", "data", "made_at"],
    )
    return data


def _make_pdf(report: SchoolReport, site: str) -> None:
    """In a job: make and store the PDF; the report stands without it (the download
    makes it when this could not)."""
    from tongxue.voice.report_files import PdfUnavailable

    try:
        with transaction.atomic():
            store_pdf(report, url=report_url(report, site))
    except PdfUnavailable:
        logger.info("Report %s: no PDF made, WeasyPrint is unavailable", report.pk)
    except Exception:
        logger.exception("Report %s: its PDF could not be made", report.pk)


def pdf_job(job: Job, *, report: int, site: str = "") -> None:
    """The job: make a report's PDF (after it was generated, or submitted)."""
    found = SchoolReport.objects.select_related("union").filter(pk=report).first()
    if found is None:
        raise JobFailed(gettext("The report no longer exists."))
    _make_pdf(found, site)
    job.result_url = reverse("voice:report", args=[found.union.code, found.pk])
    job.message = gettext("The PDF is ready.")


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
