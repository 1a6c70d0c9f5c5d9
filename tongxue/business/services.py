"""Write a meeting's business: agenda, work report, charter motions, opinions, standing
delegates (CON-7, CON-8, CON-10, CON-13 · GS-8, GS-11, CQ-3, CQ-6).

Every service is keyword-only and atomic, checks the actor's permission
(``Perm.MANAGE`` at the meeting's union, at the department for a standing delegate;
any signed-in user for a student's opinion; ``actor=None`` is a system command) and
writes an audit record in the same transaction. The rules themselves live once in
:mod:`tongxue.domain.business`; the services call them as guards.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.business.models import (
    AgendaItem,
    CharterMotion,
    CharterVersion,
    Guidance,
    GuidanceKind,
    MotionKind,
    MotionStatus,
    OpinionGroup,
    StandingDelegate,
    StudentOpinion,
    WorkReport,
    WrittenReport,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
from tongxue.congresses.services import departments
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import GRANTS, Perm, require, roles_at
from tongxue.domain import business as db
from tongxue.organisations.models import Organisation, OrgKind, Person

#: Largest attachment kept with a work report.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def _manage(actor: Actor, org: Organisation) -> str:
    return require(actor, Perm.MANAGE, org.path, target=org.name)


def _today() -> date:
    return timezone.localdate()


def _record(
    actor: Actor,
    action: str,
    meeting_or_org: Meeting | Organisation,
    role: str,
    **data: object,
) -> None:
    if isinstance(meeting_or_org, Meeting):
        org, target = meeting_or_org.organisation.code, meeting_or_org.code
    else:
        org, target = meeting_or_org.code, meeting_or_org.code
    auditlog.record(
        actor=actor,
        action=f"business.{action}",
        organisation=org,
        target=target,
        role=role,
        data=data,
    )


def entitled_voters(meeting: Meeting) -> int:
    """Return the delegates entitled to vote at ``meeting`` (standing delegates at a
    standing-conference meeting, else the meeting's delegates)."""
    if meeting.kind == MeetingKind.STANDING_CONFERENCE:
        return StandingDelegate.objects.filter(
            union_id=meeting.organisation_id, ended_on__isnull=True
        ).count()
    return Delegate.objects.filter(meeting=meeting).count()


def _cited(refusal: Refusal, organisation: Organisation) -> Refusal:
    """Return ``refusal`` citing only the clauses of the plan governing
    ``organisation`` (the domain's business refusals name both plans' clauses)."""
    from tongxue.organisations.profiles import governing_profile

    refusal.clauses = governing_profile(organisation).own_clauses(refusal.clauses)
    return refusal


# --------------------------------------------------------------------------- agenda


def _agenda_guard(meeting: Meeting, kind: str) -> None:
    refusal = db.agenda_refusal(meeting.kind, kind)
    if refusal is not None:
        raise _cited(refusal, meeting.organisation)


@transaction.atomic
def add_agenda_item(
    *, actor: Actor, meeting: Meeting, kind: str, title: str, notes: str = ""
) -> AgendaItem:
    """Add an item to the meeting's agenda (CON-7); a standing conference refuses
    executive and congress-only items (CON-10 · GS-8, CQ-3)."""
    role = _manage(actor, meeting.organisation)
    _agenda_guard(meeting, kind)
    title = title.strip()
    if not title:
        raise refuse("required", gettext_noop("This field is required."), field="title")
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        title=title,
        notes=notes.strip(),
        position=(last or 0) + 1,
    )
    _record(actor, "add_agenda_item", meeting, role, kind=kind, title=title)
    return item


def _ensure_item(meeting: Meeting, kind: str, title: str) -> None:
    if not AgendaItem.objects.filter(meeting=meeting, kind=kind).exists():
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))
        AgendaItem.objects.create(
            meeting=meeting, kind=kind, title=title, position=(last["m"] or 0) + 1
        )


@transaction.atomic
def remove_agenda_item(*, actor: Actor, item: AgendaItem) -> None:
    """Remove an item from the agenda (the pages ask to confirm first)."""
    meeting = item.meeting
    role = _manage(actor, meeting.organisation)
    _record(
        actor, "remove_agenda_item", meeting, role, kind=item.kind, title=item.title
    )
    item.delete()


# --------------------------------------------------------------------------- work report


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


#: Who records guidance of each kind (GOV-1, GOV-2 · GS-14, CQ-9): the union's
#: administrators either kind; the Party committee's approvers the reports it heard,
#: the League's advisors its guidance.
GUIDANCE_RECORDERS: dict[str, tuple[Perm, ...]] = {
    GuidanceKind.PARTY_HEARING: (Perm.MANAGE, Perm.APPROVE),
    GuidanceKind.LEAGUE_GUIDANCE: (Perm.MANAGE, Perm.GUIDE),
}
#: Who sees every record of guidance of a union (the public ones are public).
GUIDANCE_READERS = (Perm.MANAGE, Perm.APPROVE, Perm.GUIDE, Perm.VIEW_PRIVATE)
SCHOOL_LEVEL_UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
MSG_GUIDANCE_FORBIDDEN = gettext_noop(
    "You are not allowed to record this kind of guidance for {target}."
)


def _guidance_role(actor: Actor, union: Organisation, kind: str) -> str:
    """Return the role under which ``actor`` records ``kind`` at ``union`` ("": none)."""
    if actor is None:
        return "system"
    if getattr(actor, "is_superuser", False):
        return "operator"
    wanted = set(GUIDANCE_RECORDERS[kind])
    for r in roles_at(actor, union.path):
        if GRANTS.get(r, frozenset()) & wanted:
            return r
    return ""


def guidance_kinds_for(perms: set[Perm]) -> list[str]:
    """Return the kinds of guidance the holder of ``perms`` may record (choice order)."""
    return [k for k in GuidanceKind.values if perms & set(GUIDANCE_RECORDERS[k])]


@transaction.atomic
def record_guidance(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    held: date,
    by: str,
    summary: str,
    public: bool = False,
) -> Guidance:
    """Record that the school's Party committee heard the union's report, or the League
    committee's guidance, on ``held`` (GOV-1, GOV-2 · GS-14, CQ-9: "定期听取相关汇报，
    提出指导要求"; "从政治方向、组织机制、骨干培养等方面给予指导和监督").

    Refused unless the actor may record that kind at the union
    (:data:`GUIDANCE_RECORDERS`), the union is a school-level union, the day is not
    still to come and no record of the kind is on that day already.
    """
    if kind not in GUIDANCE_RECORDERS:
        raise refuse("invalid", gettext_noop("Choose what is recorded."), field="kind")
    role = _guidance_role(actor, union, kind)
    if not role:
        raise refuse("forbidden", MSG_GUIDANCE_FORBIDDEN, target=union.name)
    if union.kind not in SCHOOL_LEVEL_UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop(
                "Guidance is recorded for a school-level union (a school or graduate union)."
            ),
        )
    by, summary = by.strip(), summary.strip()
    if not by:
        raise refuse("required", gettext_noop("This field is required."), field="by")
    if not summary:
        raise refuse(
            "required", gettext_noop("This field is required."), field="summary"
        )
    if held > _today():
        raise refuse(
            "invalid",
            gettext_noop("Guidance cannot be recorded for a day still to come."),
            field="held",
        )
    if Guidance.objects.filter(union=union, kind=kind, held=held).exists():
        raise refuse(
            "duplicate",
            gettext_noop("A record of this kind on this day exists already."),
            field="held",
        )
    record = Guidance.objects.create(
        union=union,
        kind=kind,
        held=held,
        by=by[:200],
        summary=summary,
        public=public,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _record(
        actor,
        "record_guidance",
        union,
        role,
        kind=kind,
        held=held.isoformat(),
        by=record.by,
        public=public,
    )
    return record


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


def _store_vote(
    obj: WorkReport | CharterMotion, result: db.VoteResult, on: date
) -> None:
    obj.yes, obj.no, obj.abstain = result.yes, result.no, result.abstain
    obj.method, obj.base, obj.passed = result.method.value, result.base, result.passed
    obj.voted_on = on


def _vote_data(result: db.VoteResult) -> dict[str, object]:
    return {
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "method": result.method.value,
        "base": result.base,
        "passed": result.passed,
    }


# --------------------------------------------------------------------------- charter


def current_charter(union: Organisation) -> CharterVersion | None:
    return CharterVersion.objects.filter(union=union).order_by("-number").first()


@transaction.atomic
def record_charter(
    *, actor: Actor, union: Organisation, text: str, adopted_on: date, note: str = ""
) -> CharterVersion:
    """Record the charter in force before its union used Tongxue (only the first)."""
    role = _manage(actor, union)
    if CharterVersion.objects.filter(union=union).exists():
        raise refuse(
            "exists",
            gettext_noop(
                "{union} already has a charter on record: change it by a motion at a "
                "congress."
            ),
            union=union.name,
        )
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    version = CharterVersion.objects.create(
        union=union, number=1, text=text.strip(), adopted_on=adopted_on, note=note
    )
    _record(actor, "record_charter", union, role, adopted_on=adopted_on.isoformat())
    return version


@transaction.atomic
def propose_charter_motion(
    *,
    actor: Actor,
    meeting: Meeting,
    kind: str,
    title: str,
    text: str,
    explanation: str = "",
) -> CharterMotion:
    """Put a motion to adopt or amend the charter before a congress (CON-7).

    An amendment needs a charter on record and is measured against the version in
    force; a standing conference refuses both (CON-10).
    """
    union = meeting.organisation
    role = _manage(actor, union)
    agenda_kind = {
        MotionKind.ADOPTION: db.AgendaKind.CHARTER_ADOPTION,
        MotionKind.AMENDMENT: db.AgendaKind.CHARTER_AMENDMENT,
    }.get(kind)  # type: ignore[call-overload]
    if agenda_kind is None:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="kind",
            value=kind,
        )
    _agenda_guard(meeting, agenda_kind)
    if not title.strip():
        raise refuse("required", gettext_noop("This field is required."), field="title")
    if not text.strip():
        raise refuse("required", gettext_noop("This field is required."), field="text")
    base = current_charter(union)
    if kind == MotionKind.AMENDMENT and base is None:
        raise refuse(
            "no-charter",
            gettext_noop(
                "{union} has no charter on record to amend: propose its adoption."
            ),
            field="kind",
            union=union.name,
        )
    if base is not None and base.text == text.strip():
        raise refuse(
            "unchanged",
            gettext_noop("The text is the same as the charter in force."),
            field="text",
        )
    motion = CharterMotion.objects.create(
        meeting=meeting,
        union=union,
        kind=kind,
        title=title.strip(),
        text=text.strip(),
        explanation=explanation.strip(),
        base_version=base,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _ensure_item(meeting, agenda_kind, title.strip())
    _record(
        actor,
        "propose_charter_motion",
        meeting,
        role,
        motion=motion.pk,
        kind=kind,
        base_version=base.number if base else None,
    )
    return motion


@transaction.atomic
def record_motion_vote(
    *,
    actor: Actor,
    motion: CharterMotion,
    yes: int,
    no: int,
    abstain: int,
    method: str,
    voted_on: date | None = None,
) -> CharterMotion:
    """Record the vote on a charter motion; an adopted motion becomes the charter in
    force as its next version, the earlier ones kept (CON-7 · GS-8, CQ-3)."""
    meeting = motion.meeting
    union = motion.union
    role = _manage(actor, union)
    if motion.status != MotionStatus.PROPOSED:
        raise refuse(
            "decided", gettext_noop("The vote on this motion is already recorded.")
        )
    current = (
        CharterVersion.objects.select_for_update()
        .filter(union=union)
        .order_by("-number")
        .first()
    )
    if (current.pk if current else None) != motion.base_version_id:
        raise refuse(
            "stale",
            gettext_noop(
                "The charter has changed since this motion was proposed: propose it "
                "again against the text in force."
            ),
        )
    result = db.vote_result(
        yes=yes,
        no=no,
        abstain=abstain,
        method=method,
        delegates=entitled_voters(meeting),
    )
    on = voted_on or _today()
    _store_vote(motion, result, on)
    motion.status = MotionStatus.PASSED if result.passed else MotionStatus.REJECTED
    motion.save()
    version = None
    if result.passed:
        version = CharterVersion.objects.create(
            union=union,
            number=(current.number if current else 0) + 1,
            text=motion.text,
            adopted_on=on,
            motion=motion,
        )
    _record(
        actor,
        "record_motion_vote",
        meeting,
        role,
        motion=motion.pk,
        version=version.number if version else None,
        **_vote_data(result),
    )
    return motion


# --------------------------------------------------------------------------- opinions


@transaction.atomic
def submit_opinion(*, actor: Actor, meeting: Meeting, text: str) -> StudentOpinion:
    """A signed-in student submits an opinion on the school before a congress (CON-7).

    Opinions are collected until the day the congress opens; the public sees them
    without their authors.
    """
    if not getattr(actor, "is_authenticated", False):
        raise refuse(
            "forbidden",
            gettext_noop("Sign in to submit an opinion."),
        )
    if meeting.kind not in (MeetingKind.CONGRESS, MeetingKind.ASSEMBLY):
        raise refuse(
            "invalid", gettext_noop("Opinions are collected before a congress.")
        )
    if _today() > meeting.opened:
        raise refuse(
            "closed",
            gettext_noop("Opinions were collected until {meeting} opened on {opened}."),
            meeting=meeting.code,
            opened=meeting.opened.isoformat(),
        )
    text = text.strip()
    if not text:
        raise refuse("required", gettext_noop("This field is required."), field="text")
    opinion = StudentOpinion.objects.create(meeting=meeting, author=actor, text=text)
    # Opinions are public without their authors: the record says an opinion was
    # submitted, not by whom (else its place and time in the log would name the
    # author of the opinion in the same place of the public list).
    auditlog.record(
        actor=actor,
        action="business.submit_opinion",
        organisation=meeting.organisation.code,
        target=meeting.code,
        role="student",
        data={"opinion": opinion.pk},
        withhold_actor=True,
    )
    return opinion


@transaction.atomic
def hide_opinion(*, actor: Actor, opinion: StudentOpinion, reason: str) -> None:
    """Hide an opinion from the public list (abuse, personal data), with the reason."""
    meeting = opinion.meeting
    role = _manage(actor, meeting.organisation)
    reason = reason.strip()
    if not reason:
        raise refuse(
            "required", gettext_noop("This field is required."), field="reason"
        )
    opinion.hidden_reason = reason[:200]
    opinion.save(update_fields=["hidden_reason"])
    _record(actor, "hide_opinion", meeting, role, opinion=opinion.pk, reason=reason)


@transaction.atomic
def create_opinion_group(*, actor: Actor, meeting: Meeting, title: str) -> OpinionGroup:
    """The presidium opens a group of related opinions."""
    role = _manage(actor, meeting.organisation)
    if not title.strip():
        raise refuse("required", gettext_noop("This field is required."), field="title")
    group = OpinionGroup.objects.create(meeting=meeting, title=title.strip())
    _record(actor, "create_opinion_group", meeting, role, group=group.pk)
    return group


@transaction.atomic
def group_opinion(
    *, actor: Actor, opinion: StudentOpinion, group: OpinionGroup | None
) -> StudentOpinion:
    """Put an opinion into a group of the same meeting (None: take it out)."""
    meeting = opinion.meeting
    role = _manage(actor, meeting.organisation)
    if group is not None and group.meeting_id != meeting.pk:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="group",
            value=group.title,
        )
    opinion.group = group
    opinion.save(update_fields=["group"])
    _record(
        actor,
        "group_opinion",
        meeting,
        role,
        opinion=opinion.pk,
        group=group.pk if group else None,
    )
    return opinion


@transaction.atomic
def carry_opinion_group(
    *, actor: Actor, group: OpinionGroup, proposal: str
) -> OpinionGroup:
    """Mark a group as carried into a proposal to the school, with its text."""
    meeting = group.meeting
    role = _manage(actor, meeting.organisation)
    if not proposal.strip():
        raise refuse(
            "required", gettext_noop("This field is required."), field="proposal"
        )
    group.proposal = proposal.strip()
    group.carried = True
    group.save(update_fields=["proposal", "carried"])
    _record(actor, "carry_opinion_group", meeting, role, group=group.pk)
    return group


# --------------------------------------------------------------------------- standing


def latest_congress(union: Organisation) -> Meeting | None:
    """Return the union's newest congress that convened (standing delegates come from
    its delegates, CON-8); a congress still planned, or whose delegates were elected
    but which never convened, is not one."""
    return (
        Meeting.objects.filter(
            organisation=union,
            kind=MeetingKind.CONGRESS,
            status__in=(MeetingStatus.CONVENED, MeetingStatus.CLOSED),
        )
        .order_by("-opened", "-pk")
        .first()
    )


@transaction.atomic
def recommend_standing_delegate(
    *,
    actor: Actor,
    union: Organisation,
    department: Organisation,
    person: Person,
    on: date | None = None,
) -> StandingDelegate:
    """A department union recommends one of its congress delegates as a standing
    delegate (CON-8 · GS-8, CQ-3). The actor manages the department (or above)."""
    role = require(
        actor,
        Perm.MANAGE,
        department.path,
        target=department.name,
        message=gettext_noop("You are not allowed to recommend for {target}."),
    )
    if department.pk not in {d.pk for d in departments(union)}:
        raise refuse(
            "invalid",
            gettext_noop("{department} is not a department of {union}."),
            field="department",
            department=department.name,
            union=union.name,
        )
    congress = latest_congress(union)
    delegates: set[str] = set()
    if congress is not None:
        delegates = set(
            Delegate.objects.filter(meeting=congress).values_list(
                "person__ident", flat=True
            )
        )
    person_department = (
        Organisation.objects.filter(pk=person.department_id)
        .values_list("code", flat=True)
        .first()
    )
    refusal = db.standing_delegate_refusal(
        person=person.ident,
        department=department.code,
        person_department=person_department,
        congress=congress.code if congress else None,
        congress_delegates=delegates,
        person_name=person.name,
    )
    if refusal is not None:
        raise _cited(refusal, department)
    assert congress is not None
    if StandingDelegate.objects.filter(congress=congress, person=person).exists():
        raise refuse(
            "exists",
            gettext_noop("{person_name} is already a standing delegate."),
            field="person",
            person_name=person.name,
        )
    standing = StandingDelegate.objects.create(
        union=union,
        congress=congress,
        person=person,
        department=department,
        recommended_on=on or _today(),
        recommended_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _record(
        actor,
        "recommend_standing_delegate",
        union,
        role,
        person=person.ident,
        department=department.code,
        congress=congress.code,
    )
    return standing


@transaction.atomic
def end_standing_delegate(
    *, actor: Actor, standing: StandingDelegate, on: date | None = None
) -> StandingDelegate:
    """End a standing delegate's term (the pages ask to confirm first)."""
    department = standing.department
    role = require(actor, Perm.MANAGE, department.path, target=department.name)
    if standing.ended_on is not None:
        raise refuse("ended", gettext_noop("This term has already ended."))
    standing.ended_on = on or _today()
    standing.save(update_fields=["ended_on"])
    _record(
        actor,
        "end_standing_delegate",
        standing.union,
        role,
        person=standing.person.ident,
    )
    return standing
