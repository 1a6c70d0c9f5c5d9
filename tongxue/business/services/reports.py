"""The union's work report: at a meeting, reviewed by its vote, or filed in writing.

CON-13 · GS-11, CQ-6 (and CON-7 for the vote on it).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.business.models import WorkReport, WrittenReport
from tongxue.business.services.common import (
    _ensure_item,
    _manage,
    _record,
    _store_vote,
    _today,
    _vote_data,
    entitled_voters,
)
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain import business as db
from tongxue.organisations.models import Organisation, OrgKind

#: Largest attachment kept with a work report.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def _check_attachment(name: str, content: bytes | None) -> None:
    if content is not None and len(content) > MAX_ATTACHMENT_BYTES:
        raise refuse(
            "too-large",
            gettext_noop("The attachment is larger than {limit} MB."),
            field="attachment",
            limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
        )


@transaction.atomic
def submit_work_report(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    text: str,
    attachment: bytes | None = None,
    attachment_name: str = "",
    attachment_type: str = "",
) -> WorkReport:
    """Submit the union's work report to a congress or standing conference (CON-13).

    One report per meeting; it is put on the agenda when it is not there yet.
    """
    role = _manage(actor, meeting.organisation)
    if meeting.kind not in (
        MeetingKind.CONGRESS,
        MeetingKind.STANDING_CONFERENCE,
        MeetingKind.ASSEMBLY,
    ):
        raise refuse("invalid", gettext_noop("This meeting hears no work report."))
    if WorkReport.objects.filter(meeting=meeting).exists():
        raise refuse(
            "exists",
            gettext_noop("A work report has already been submitted to {meeting}."),
            meeting=meeting.code,
        )
    if not title.strip():
        raise refuse("required", gettext_noop("This field is required."), field="title")
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    _check_attachment(attachment_name, attachment)
    report = WorkReport.objects.create(
        meeting=meeting,
        title=title.strip(),
        text=text.strip(),
        attachment=attachment or None,
        attachment_name=attachment_name[:200] if attachment else "",
        attachment_type=attachment_type[:100] if attachment else "",
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _ensure_item(meeting, db.AgendaKind.WORK_REPORT, title.strip())
    _record(actor, "submit_work_report", meeting, role, title=report.title)
    return report


@transaction.atomic
def file_written_report(
    *,
    actor: Actor,
    union: Organisation,
    title: str,
    text: str,
    filed_on: date | None = None,
) -> WrittenReport:
    """File the union's work report in writing to its congress or standing body.

    CON-13 · GS-11, CQ-6: a school-level union reports its work at least once a year
    "通过集中会议或书面形式" — at a meeting (:func:`submit_work_report`) or in writing,
    recorded here. ``filed_on`` (default today) may not lie in the future.
    """
    role = _manage(actor, union)
    if union.kind not in (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION):
        raise refuse(
            "invalid",
            gettext_noop(
                "Only a school-level union reports its work to a congress in writing."
            ),
        )
    if not title.strip():
        raise refuse("required", gettext_noop("This field is required."), field="title")
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    day = filed_on or _today()
    if day > _today():
        raise refuse(
            "invalid",
            gettext_noop("A report cannot be filed on a day still to come."),
            field="filed_on",
        )
    report = WrittenReport.objects.create(
        union=union,
        title=title.strip()[:200],
        text=text.strip(),
        filed_on=day,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Its code in a snapshot: its id, unless a file already gave that code to
    # another report of the union.
    code = str(report.pk)
    if WrittenReport.objects.filter(union=union, code=code).exists():
        code = f"{code}-{day:%Y%m%d}"
    report.code = code
    report.save(update_fields=["code"])
    _record(
        actor,
        "file_written_report",
        union,
        role,
        title=report.title,
        filed_on=day.isoformat(),
    )
    return report


@transaction.atomic
def withdraw_work_report(*, actor: Actor, report: WorkReport) -> None:
    """Withdraw a work report that has not been reviewed yet."""
    meeting = report.meeting
    role = _manage(actor, meeting.organisation)
    if report.voted:
        raise refuse(
            "reviewed",
            gettext_noop("The work report has been reviewed and is kept on record."),
        )
    _record(actor, "withdraw_work_report", meeting, role, title=report.title)
    report.delete()


@transaction.atomic
def review_work_report(
    *,
    actor: Actor,
    report: WorkReport,
    yes: int,
    no: int,
    abstain: int,
    method: str,
    voted_on: date | None = None,
) -> WorkReport:
    """Record the meeting's vote on the work report (CON-7, CON-13 · GS-8, GS-11).

    The meeting has then heard and reviewed the report, whether or not it passed:
    ``Meeting.work_report`` (what the CON-13 audit reads) is set.
    """
    meeting = report.meeting
    role = _manage(actor, meeting.organisation)
    if report.voted:
        raise refuse(
            "reviewed",
            gettext_noop("The work report has been reviewed and is kept on record."),
        )
    result = db.vote_result(
        yes=yes,
        no=no,
        abstain=abstain,
        method=method,
        delegates=entitled_voters(meeting),
    )
    _store_vote(report, result, voted_on or _today())
    report.save()
    Meeting.objects.filter(pk=meeting.pk).update(work_report=True)
    meeting.work_report = True
    _record(actor, "review_work_report", meeting, role, **_vote_data(result))
    return report
