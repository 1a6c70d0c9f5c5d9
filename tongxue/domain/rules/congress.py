"""Rules on holding congresses (学生代表大会): CON-1 … CON-3.

Intervals (CON-1, CON-2) and delegate quota (CON-3), with the helpers every congress
rule uses; seats (CON-4) and non-core delegates (CON-5) are in
:mod:`tongxue.domain.rules.congress_composition`, CON-6 … CON-14 in
:mod:`tongxue.domain.rules.congress_meetings`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    MEETING_STATUS_LABELS,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    OrgKind,
    Registry,
)
from tongxue.domain.rules.organisation import (
    applies,
    ceil_share,
    percent,
    school_level_unions,
    share_text,
)


def newest(
    registry: Registry, code: str, as_of: date, *kinds: MeetingKind
) -> Meeting | None:
    """Return the newest meeting of one of ``kinds`` an organisation held by ``as_of``.

    Only a meeting that took place counts (``Meeting.held_by``): a planned congress,
    or one that reached "delegates elected" and never convened, is not one.
    """
    return next(registry.held_meetings(code, as_of, *kinds), None)


def planned_evidence(
    registry: Registry, code: str, as_of: date, *kinds: MeetingKind
) -> dict[str, str]:
    """Evidence naming the next meeting of ``kinds`` still to come, if any.

    A planned meeting is shown beside a finding, never counted as compliance.
    """
    upcoming = registry.next_planned(code, as_of, *kinds)
    if upcoming is None:
        return {}
    return {
        "planned": upcoming.code,
        "planned_opens": upcoming.opened.isoformat(),
        "planned_status": str(upcoming.status or MeetingStatus.PLANNED),
        "planned_status_label": MEETING_STATUS_LABELS[
            upcoming.status or MeetingStatus.PLANNED
        ],
    }


def _delegate_count(meeting: Meeting) -> int:
    return len(set(meeting.delegates))


# --------------------------------------------------------------------------- CON-1, CON-2


def _congress_interval(
    ctx: AuditContext, union: Organisation, requirement: str, param: str, missing: str
) -> Iterator[Finding]:
    """Flag a union whose newest congress is older than ``param`` months, or absent.

    Shared by CON-1 (school level), CON-11 (secondary schools) and CON-14 (federations):
    the same check with each requirement's own interval parameter.
    """
    months = ctx.profile(union.code).int(param)
    due = months_before(ctx.as_of, months)
    last = newest(ctx.registry, union.code, ctx.as_of, MeetingKind.CONGRESS)
    planned = planned_evidence(
        ctx.registry, union.code, ctx.as_of, MeetingKind.CONGRESS
    )
    if last is None:
        yield ctx.finding(
            rule=f"{requirement}.no-congress",
            org=union.code,
            params=(param,),
            message=missing,
            evidence={"max_interval_months": months, **planned},
            severity=Severity.VIOLATION,
        )
    elif last.opened < due:
        yield ctx.finding(
            rule=f"{requirement}.congress-overdue",
            org=union.code,
            params=(param,),
            message=_(
                "{org} last held a congress on {last_congress}, more than {max_interval_months} months ago (a congress was due by {due})."
            ),
            evidence={
                "last_congress": last.opened.isoformat(),
                "max_interval_months": months,
                "due": due.isoformat(),
                **planned,
            },
            severity=Severity.VIOLATION,
        )


@rule("CON-1")
def school_congress_interval(ctx: AuditContext) -> Iterator[Finding]:
    """CON-1 · GS-8, CQ-3: a school-level congress at least every 2 years."""
    param = "school_congress_max_interval_months"
    for union in school_level_unions(ctx.registry):
        if applies(ctx.profile(union.code), param):
            yield from _congress_interval(
                ctx,
                union,
                "CON-1",
                param,
                _(
                    "{org} has no congress recorded; one is required at least every {max_interval_months} months."
                ),
            )


@rule("CON-2")
def department_congress_interval(ctx: AuditContext) -> Iterator[Finding]:
    """CON-2 · GS-8, CQ-3: a department congress every year (by default).

    A department serving fewer than ``assembly_students_below`` students may hold an
    all-student assembly (全体学生大会) instead.
    """
    reg = ctx.registry
    names = ("department_congress_max_interval_months", "assembly_students_below")
    for dept in reg.of_kind(OrgKind.DEPARTMENT_UNION):
        profile = ctx.profile(dept.code)
        if not applies(profile, *names):
            continue
        months = profile.int("department_congress_max_interval_months")
        threshold = profile.int("assembly_students_below")
        due = months_before(ctx.as_of, months)
        congress = newest(reg, dept.code, ctx.as_of, MeetingKind.CONGRESS)
        if congress is not None and congress.opened >= due:
            continue
        assembly = newest(reg, dept.code, ctx.as_of, MeetingKind.ASSEMBLY)
        recent_assembly = assembly is not None and assembly.opened >= due
        students = dept.students_served
        if recent_assembly and students is None:
            yield ctx.finding(
                rule="CON-2.data-missing",
                org=dept.code,
                params=names,
                message=_(
                    "{org} held an all-student assembly but has no number of students served, so it cannot be checked that an assembly may replace the congress (fewer than {threshold} students)."
                ),
                evidence={"threshold": threshold, "max_interval_months": months},
                severity=Severity.INCOMPLETE,
            )
        elif recent_assembly and students is not None and students < threshold:
            continue
        elif recent_assembly and students is not None:
            yield ctx.finding(
                rule="CON-2.assembly-not-allowed",
                org=dept.code,
                params=names,
                message=_(
                    "{org} serves {students_served:,} students, not fewer than {threshold}, so its all-student assembly does not replace the congress due every {max_interval_months} months."
                ),
                evidence={
                    "students_served": students,
                    "threshold": threshold,
                    "max_interval_months": months,
                },
            )
        else:
            last = congress.opened.isoformat() if congress is not None else "-"
            yield ctx.finding(
                rule="CON-2.congress-overdue",
                org=dept.code,
                params=names,
                message=_(
                    "{org} has held no congress within the last {max_interval_months} months (last congress: {last_congress})."
                ),
                evidence={
                    "last_congress": last,
                    "max_interval_months": months,
                    **planned_evidence(
                        reg,
                        dept.code,
                        ctx.as_of,
                        MeetingKind.CONGRESS,
                        MeetingKind.ASSEMBLY,
                    ),
                },
            )


# --------------------------------------------------------------------------- CON-3


def _delegate_quota(
    ctx: AuditContext,
    union: Organisation,
    meeting: Meeting,
    students: int | None,
    requirement: str,
    share_name: str,
    *,
    severity: Severity | None = None,
) -> Iterator[Finding]:
    """Yield a finding when a congress has fewer delegates than ⌈share × students⌉.

    ``severity`` overrides the requirement's (CON-11's share is a default, D).
    """
    profile = ctx.profile(union.code)
    share = profile.fraction(share_name)
    delegates = _delegate_count(meeting)
    if students is None or not delegates:
        if students is None:
            message = _(
                "{org}: the delegate quota of congress {congress} cannot be checked: the number of students served is not recorded."
            )
        else:
            message = _(
                "{org}: the delegate quota of congress {congress} cannot be checked: no delegates are recorded."
            )
        yield ctx.finding(
            rule=f"{requirement}.data-missing",
            org=union.code,
            params=(share_name,),
            message=message,
            evidence={
                "congress": meeting.code,
                "delegates": delegates,
                "min_share": share_text(profile, share_name),
            },
            severity=Severity.INCOMPLETE,
        )
        return
    required = ceil_share(share, students)
    if delegates < required:
        yield ctx.finding(
            rule=f"{requirement}.delegates-too-few",
            org=union.code,
            params=(share_name,),
            message=_(
                "{org}: congress {congress} had {delegates} delegates < {min_percent} of {students_served:,} students = {required}."
            ),
            evidence={
                "congress": meeting.code,
                "delegates": delegates,
                "students_served": students,
                "required": required,
                "min_share": share_text(profile, share_name),
                "min_percent": percent(share),
            },
            severity=severity,
        )


@rule("CON-3")
def delegate_quota(ctx: AuditContext) -> Iterator[Finding]:
    """CON-3 · GS-8, CQ-3: delegates number at least 1% of the students served (by default).

    Checked on the newest congress of each school-level union only: the plans put the
    1% under "校级层面" (school level); a department congress has no quota.
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        if not applies(ctx.profile(union.code), "delegates_min_share"):
            continue
        last = newest(reg, union.code, ctx.as_of, MeetingKind.CONGRESS)
        if last is not None:
            yield from _delegate_quota(
                ctx, union, last, union.students_served, "CON-3", "delegates_min_share"
            )
