"""Rules on students' concerns: RGT-1 (a channel that follows concerns up) and CAD-8
(concerns about cadres answered).

Both read the registry's concern facts (:class:`~tongxue.domain.model.ConcernChannel`,
:class:`~tongxue.domain.model.OpenConcerns`), counts without any text or author. A
registry that does not record concerns (a snapshot: ``concern_channels`` is None) is
not judged. What is overdue is judged on the audit day against the deadlines stored on
each concern (:func:`tongxue.domain.rights.flow.overdue`: a due day is in time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before, within_months
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import ConcernChannel, OpenConcerns, OrgKind
from tongxue.domain.profiles import Profile
from tongxue.domain.rights.flow import OPEN_STATUSES, overdue
from tongxue.domain.rules.organisation import (
    applies,
    percent,
    school_level_unions,
    share_text,
)

#: RGT-1: the largest share of a union's open concerns that may be overdue.
OVERDUE_SHARE = "concern_overdue_max_share"
#: RGT-1: the longest interval between two reports on concerns to the school.
REPORT_INTERVAL = "concern_report_interval_months"


def overdue_on(group: OpenConcerns, day: date) -> date | None:
    """Return the due date a group of open concerns has passed on ``day``, or None."""
    passed = overdue(
        status=group.status,
        acknowledged=group.acknowledged,
        acknowledge_due=group.acknowledge_due,
        answer_due=group.answer_due,
        today=day,
    )
    return None if passed is None else passed[1]


@rule("RGT-1")
def concern_channel(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-1 · GS-10, GS-4, CQ-5: a channel collects students' concerns and follows
    each up.

    Every school-level union of a university, when the registry records concerns:

    * it has a channel: at least one active category of concern, or a concern ever
      raised in it (``RGT-1.no-channel``);
    * at most ``concern_overdue_max_share`` of its open concerns (received, in hand or
      reopened) are past their acknowledge or answer deadline on the audit day
      (``RGT-1.overdue-share``; exactly the share complies);
    * a report on concerns submitted to the school (形成报告提交学校党政部门) within
      ``concern_report_interval_months`` months ending on the audit day, once its
      first concern is that old (``RGT-1.no-report``: a channel younger than the
      interval is not judged; a report exactly that many months old is in time).
    """
    reg = ctx.registry
    if reg.concern_channels is None:
        return
    for union in school_level_unions(reg):
        channel = reg.channel_of.get(union.code)
        if channel is None or not (channel.active_categories or channel.raised):
            yield ctx.finding(
                rule="RGT-1.no-channel",
                org=union.code,
                params=(),
                message=_(
                    "{org} has no channel for students' concerns: no active category of concern and no concern ever raised."
                ),
                evidence={"active_categories": 0, "concerns_ever": 0},
            )
            continue
        profile = ctx.profile(union.code)
        yield from _report_to_school(ctx, union.code, channel, profile)
        if not applies(profile, OVERDUE_SHARE):
            continue
        groups = [
            g
            for g in reg.open_concerns_of.get(union.code, ())
            if g.status in OPEN_STATUSES
        ]
        total = sum(g.count for g in groups)
        if not total:
            continue
        late = [(g, due) for g in groups if (due := overdue_on(g, ctx.as_of))]
        n_late = sum(g.count for g, _due in late)
        share = profile.fraction(OVERDUE_SHARE)
        if Fraction(n_late, total) <= share:
            continue
        yield ctx.finding(
            rule="RGT-1.overdue-share",
            org=union.code,
            params=(OVERDUE_SHARE,),
            message=_(
                "{org}: {overdue} of {open} open concerns ({overdue_percent}) are past their deadline; at most {max_percent} may be."
            ),
            evidence={
                "overdue": n_late,
                "open": total,
                "overdue_percent": percent(Fraction(n_late, total)),
                "max_share": share_text(profile, OVERDUE_SHARE),
                "max_percent": percent(share),
                "oldest_due": min(due for _g, due in late).isoformat(),
            },
        )


def _report_to_school(
    ctx: AuditContext, code: str, channel: ConcernChannel, profile: Profile
) -> Iterator[Finding]:
    """RGT-1.no-report for one union (see :func:`concern_channel`)."""
    if not applies(profile, REPORT_INTERVAL) or channel.first_raised is None:
        return
    months = profile.int(REPORT_INTERVAL)
    since = months_before(ctx.as_of, months)
    if channel.first_raised > since:
        return  # its channel has not received concerns for a whole interval yet
    last = channel.last_report
    if last is not None and within_months(last, ctx.as_of, months):
        return
    yield ctx.finding(
        rule="RGT-1.no-report",
        org=code,
        params=(REPORT_INTERVAL,),
        message=_(
            "{org} submitted no report on students' concerns to the school within {max_interval_months} months (since {since}; the last: {last_report})."
        ),
        evidence={
            "last_report": last.isoformat() if last is not None else "-",
            "first_concern": channel.first_raised.isoformat(),
            "max_interval_months": months,
            "since": since.isoformat(),
        },
    )


@rule("CAD-8")
def cadre_concerns_answered(ctx: AuditContext) -> Iterator[Finding]:
    """CAD-8 · GS-13, CQ-8: a concern about a cadre is answered by its deadline.

    Every school-level union of a university, when the registry records concerns: no
    open concern about a cadre (received, in hand or reopened) past its answer deadline
    on the audit day. One finding per union, with how many and the earliest deadline
    passed; never which cadre or which concern (the audit is public).
    """
    reg = ctx.registry
    if reg.concern_channels is None:
        return
    for union in school_level_unions(reg):
        late = [
            g
            for g in reg.open_concerns_of.get(union.code, ())
            if g.about_cadre and g.status in OPEN_STATUSES and ctx.as_of > g.answer_due
        ]
        if not late:
            continue
        yield ctx.finding(
            rule="CAD-8.concern-unanswered",
            org=union.code,
            params=(),
            message=_(
                "{org}: {overdue} concerns about cadres are unanswered past their answer deadline (the earliest due on {oldest_due})."
            ),
            evidence={
                "overdue": sum(g.count for g in late),
                "oldest_due": min(g.answer_due for g in late).isoformat(),
            },
        )


# -- RGT-5 · GS-5: 网上学联 ------------------------------------------------------------------

#: RGT-5: working days after a consultation closes for the federation's public
#: response (each consultation stores its due date when its dates are set).
CONSULTATION_ANSWER = "consultation_answer_working_days"
#: RGT-5: the longest interval between a federation's consultations (not in the plan).
CONSULTATION_INTERVAL = "consultation_interval_months"
#: The organisations that consult students online (网上学联, GS-5).
CONSULTING_KINDS = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)


@rule("RGT-5")
def consultations(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-5 · GS-5: the federation asks students for their needs and ideas
    (问需问计于广大同学) and answers them in time (及时收集、回应).

    Reads the registry's consultations (:class:`~tongxue.domain.model.Consultation`,
    dates only); a registry without them (a snapshot: None) is not judged. Every
    provincial and city federation:

    * no consultation closed whose public response is missing past its due date on
      the audit day (``RGT-5.response-missing``, M: published on the due date is in
      time; one finding per federation with how many and the earliest due date). A
      response published late no longer counts as missing;
    * a consultation opened within the profile's ``consultation_interval_months``
      months ending on the audit day (``RGT-5.no-consultation``, D: the plan names no
      interval and lets the federation ask on platforms Tongxue does not see, 微信、
      微博、“青年之声”; a federation that asked there records a justification).
    """
    reg = ctx.registry
    if reg.consultations is None:
        return
    for fed in reg.of_kind(*CONSULTING_KINDS):
        held = reg.consultations_of.get(fed.code, [])
        profile = ctx.profile(fed.code)
        missing = [c for c in held if c.unanswered_on(ctx.as_of)]
        if missing:
            yield ctx.finding(
                rule="RGT-5.response-missing",
                org=fed.code,
                params=(CONSULTATION_ANSWER,)
                if applies(profile, CONSULTATION_ANSWER)
                else (),
                message=_(
                    "{org}: {unanswered_consultations} closed consultations of students have no public response past their due date (the earliest due on {oldest_due})."
                ),
                evidence={
                    "unanswered_consultations": len(missing),
                    "oldest_due": min(c.answer_due for c in missing).isoformat(),
                },
            )
        if not applies(profile, CONSULTATION_INTERVAL):
            continue
        months = profile.int(CONSULTATION_INTERVAL)
        last = next((c for c in held if c.opens <= ctx.as_of), None)
        if last is not None and within_months(last.opens, ctx.as_of, months):
            continue
        yield ctx.finding(
            rule="RGT-5.no-consultation",
            org=fed.code,
            params=(CONSULTATION_INTERVAL,),
            message=_(
                "{org} has not asked students for their needs and ideas within {max_interval_months} months (since {since}; the last consultation opened on {last_consultation})."
            ),
            evidence={
                "last_consultation": last.opens.isoformat() if last else "-",
                "max_interval_months": months,
                "since": months_before(ctx.as_of, months).isoformat(),
            },
        )
