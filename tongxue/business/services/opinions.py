"""Students' opinions before a congress, grouped and carried by the presidium (CON-7)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.business.models import OpinionGroup, StudentOpinion
from tongxue.business.services.common import _manage, _record, _today
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse


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
