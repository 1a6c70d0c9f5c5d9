"""Rules on what congresses and standing conferences held: CON-6, CON-9 … CON-14.

Who elected a congress's delegates (CON-6), a standing conference each year (CON-9), a
secondary school's congress (CON-11), the yearly work report (CON-13) and a
federation's congress (CON-14). The other congress rules, and the helpers these use,
are in :mod:`tongxue.domain.rules.congress`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import in_year, judged_year
from tongxue.domain.delegates import electing_fault
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import (
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    OrgKind,
    Registry,
)
from tongxue.domain.rules.congress import _congress_interval, _delegate_quota, newest
from tongxue.domain.rules.organisation import applies, is_secondary, school_level_unions

# --------------------------------------------------------------------------- CON-6

#: How many delegates' names a CON-6 message shows (the evidence lists every one).
_NAMES_SHOWN = 5


def elected_congresses(registry: Registry, union: str, as_of: date) -> list[Meeting]:
    """The congresses of a union whose delegates CON-6 judges, newest first.

    The newest congress the union held by ``as_of`` (as CON-3 and CON-5), and every
    congress whose delegates were elected and which has not convened yet.
    """
    out = [
        m
        for m in registry.meetings_of.get(union, ())
        if m.kind == MeetingKind.CONGRESS
        and m.status == MeetingStatus.DELEGATES_ELECTED
    ]
    last = newest(registry, union, as_of, MeetingKind.CONGRESS)
    if last is not None:
        out.append(last)
    return sorted(out, key=lambda m: (m.opened, m.code), reverse=True)


def _names_of(registry: Registry, people: Sequence[str]) -> str:
    names = [
        p.name if (p := registry.person.get(pid)) is not None else pid
        for pid in people[:_NAMES_SHOWN]
    ]
    more = len(people) - len(names)
    return "、".join(names) + (f" (+{more})" if more else "")


@rule("CON-6")
def delegates_elected(ctx: AuditContext) -> Iterator[Finding]:
    """CON-6 · GS-8, CQ-3: delegates are elected by classes or department unions.

    "大会代表经班级、院（系）学生会组织选举产生" — said of school-level congresses
    (校级层面, as CON-3 and CON-5), so judged on the newest congress each school-level
    union held and on any whose delegates were elected and which has not convened yet
    (:func:`elected_congresses`). Each delegate records the election that elected them
    (``Meeting.provenance``). Reported:

    * delegates without a recorded election, when the congress records one for others
      (``CON-6.election-missing``, listing them);
    * an election by a body that is not a class or department union of the union (a
      club may elect for its own seat, CON-4; a union without department unions takes
      them from its school): ``CON-6.electing-body``, once per body
      (:func:`tongxue.domain.delegates.electing_fault`; a body the registry does not
      hold is not judged);
    * a congress that records no delegate's election at all (a snapshot without the
      columns, delegates entered before Tongxue kept them): incomplete data
      (``CON-6.data-missing``), not a violation.
    """
    reg = ctx.registry
    for union in school_level_unions(reg):
        for congress in elected_congresses(reg, union.code, ctx.as_of):
            yield from _congress_elections(ctx, union, congress)


def _congress_elections(
    ctx: AuditContext, union: Organisation, congress: Meeting
) -> Iterator[Finding]:
    """The CON-6 findings of one congress of ``union`` (see :func:`delegates_elected`)."""
    reg = ctx.registry
    delegates = sorted(set(congress.delegates))
    if not delegates:
        return  # CON-3 and CON-5 report a congress without delegates
    base = {
        "congress": congress.code,
        "opened": congress.opened.isoformat(),
        "delegates": len(delegates),
    }
    elected = {e.person: e for e in congress.provenance}
    if not elected:
        yield ctx.finding(
            rule="CON-6.data-missing",
            org=union.code,
            params=(),
            message=_(
                "{org}: congress {congress} ({opened}) records no election for any of its {delegates} delegates, so it cannot be checked that classes or department unions elected them."
            ),
            evidence=base,
            severity=Severity.INCOMPLETE,
        )
        return
    missing = [p for p in delegates if p not in elected]
    if missing:
        yield ctx.finding(
            rule="CON-6.election-missing",
            org=union.code,
            params=(),
            message=_(
                "{org}: {unelected} of the {delegates} delegates of congress {congress} ({opened}) have no recorded class or department election: {names}."
            ),
            evidence={
                **base,
                "unelected": len(missing),
                "names": _names_of(reg, missing),
                "people": missing,
            },
        )
    by_unit: dict[str, list[str]] = {}
    for person in delegates:
        if person in elected:
            by_unit.setdefault(elected[person].electing_unit, []).append(person)
    for unit, people in sorted(by_unit.items()):
        body = reg.org.get(unit)
        if body is None:
            continue  # outside the registry read: judged where it is held
        if electing_fault(reg, union.code, unit) is None:
            continue
        yield ctx.finding(
            rule="CON-6.electing-body",
            org=union.code,
            params=(),
            message=_(
                "{org}: {elected} delegates of congress {congress} ({opened}) were elected by {unit_name}, which is not a class or department union of {org}."
            ),
            evidence={
                **base,
                "electing_unit": unit,
                "unit_name": body.name,
                "kind": body.kind.value,
                "elected": len(people),
                "people": people,
            },
        )


# --------------------------------------------------------------------------- CON-9, CON-11, CON-13


@rule("CON-9")
def standing_conference_yearly(ctx: AuditContext) -> Iterator[Finding]:
    """CON-9 · GS-8, CQ-3: in a year without a congress the standing conference meets.

    Only for a union that adopted a standing conference (探索实行: optional until
    adopted; :meth:`Registry.standing_conference_adopted`). "Every year" is the
    calendar year (``tongxue.domain.dates``): the audit judges the last year that is
    over, from the first year that began after the adoption. A congress that took place
    in that year, or ``standing_meetings_min_per_year`` standing-conference meetings
    that took place, satisfy it; planned meetings do not count.
    """
    reg = ctx.registry
    year = judged_year(ctx.as_of)
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, "standing_meetings_min_per_year"):
            continue
        adopted = reg.standing_conference_adopted(union.code, ctx.as_of)
        if adopted is None or adopted.year >= year:
            continue  # not adopted, or not before the judged year began
        minimum = profile.int("standing_meetings_min_per_year")
        congresses = 0
        standing = 0
        for m in reg.held_meetings(
            union.code,
            ctx.as_of,
            MeetingKind.CONGRESS,
            MeetingKind.STANDING_CONFERENCE,
        ):
            if not in_year(m.opened, year):
                continue
            if m.kind == MeetingKind.CONGRESS:
                congresses += 1
            else:
                standing += 1
        if congresses or standing >= minimum:
            continue
        yield ctx.finding(
            rule="CON-9.standing-conference",
            org=union.code,
            params=("standing_meetings_min_per_year",),
            message=_(
                "{org} held no congress in {year} and {standing_meetings} standing-conference meetings; at least {minimum} were required."
            ),
            evidence={
                "year": year,
                "standing_meetings": standing,
                "minimum": minimum,
                "adopted": adopted.isoformat(),
            },
            # binding once adopted, whatever the optional requirement's obligation
            severity=Severity.VIOLATION,
        )


@rule("CON-11")
def secondary_school_congress(ctx: AuditContext) -> Iterator[Finding]:
    """CON-11 · GS-4: secondary schools hold a congress every 2 years, delegates ≥ 1%."""
    reg = ctx.registry
    names = ("secondary_congress_max_interval_months", "secondary_delegates_min_share")
    for union in reg.of_kind(OrgKind.SCHOOL_UNION):
        if not is_secondary(reg, union.code):
            continue
        if not applies(ctx.profile(union.code), *names):
            continue
        yield from _congress_interval(
            ctx,
            union,
            "CON-11",
            names[0],
            _(
                "{org} has no congress recorded; a secondary school holds one at least every {max_interval_months} months."
            ),
        )
        last = newest(reg, union.code, ctx.as_of, MeetingKind.CONGRESS)
        if last is None:
            continue
        students = union.students_served
        if students is None:
            school = reg.school_of(union.code)
            students = school.students_served if school is not None else None
        yield from _delegate_quota(
            ctx,
            union,
            last,
            students,
            "CON-11",
            "secondary_delegates_min_share",
            # "一般不低于…1%": a default (D), whatever CON-11's interval obligation (M)
            severity=Severity.DEVIATION,
        )


@rule("CON-13")
def yearly_work_report(ctx: AuditContext) -> Iterator[Finding]:
    """CON-13 · GS-11, CQ-6: a union reports its work to the congress or its standing
    body at least once a year, at a meeting or in writing (通过集中会议或书面形式).

    "Every year" is the calendar year (``tongxue.domain.dates``): the audit judges the
    last year that is over. A report counts when a congress or standing-conference
    meeting that took place in that year heard it (``Meeting.work_report``), or when it
    was filed in writing that year (``Registry.written_reports``). Judged from the
    first year that began after the union's first recorded congress.
    """
    reg = ctx.registry
    year = judged_year(ctx.as_of)
    kinds = (MeetingKind.CONGRESS, MeetingKind.STANDING_CONFERENCE)
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, "work_reports_min_per_year"):
            continue
        minimum = profile.int("work_reports_min_per_year")
        held = list(reg.held_meetings(union.code, ctx.as_of, *kinds))
        congresses = [m for m in held if m.kind == MeetingKind.CONGRESS]
        if not congresses or congresses[-1].opened.year > year:
            continue  # CON-1 reports a union without any congress
        at_meetings = [m for m in held if m.work_report and in_year(m.opened, year)]
        written = [
            r
            for r in reg.written_reports_of.get(union.code, ())
            if in_year(r.filed, year) and r.filed <= ctx.as_of
        ]
        if len(at_meetings) + len(written) >= minimum:
            continue
        last_meeting = next((m.opened for m in held if m.work_report), None)
        last_written = next(
            (
                r.filed
                for r in reg.written_reports_of.get(union.code, ())
                if r.filed <= ctx.as_of
            ),
            None,
        )
        lasts = [d for d in (last_meeting, last_written) if d is not None]
        yield ctx.finding(
            rule="CON-13.work-report-overdue",
            org=union.code,
            params=("work_reports_min_per_year",),
            message=_(
                "{org} reported its work to its congress or standing body {reports} times in {year}, at a meeting or in writing; at least {minimum} required (last work report: {last_work_report})."
            ),
            evidence={
                "year": year,
                "reports": len(at_meetings) + len(written),
                "minimum": minimum,
                "last_work_report": max(lasts).isoformat() if lasts else "-",
            },
        )


# --------------------------------------------------------------------------- CON-14


@rule("CON-14")
def federation_congress_interval(ctx: AuditContext) -> Iterator[Finding]:
    """CON-14 · GS-4: federations hold their congress regularly (规范各级学联定期召开代表大会).

    Provincial and city federations alike, with the interval the profile sets
    (``federation_congress_max_interval_months``; the plan gives no number, so it is
    Tongxue's default, with its note). Only congresses that took place count, as for
    CON-1 and CON-11; a profile without the parameter (cqtgu-2017: one university, no
    federation) does not judge it.
    """
    param = "federation_congress_max_interval_months"
    kinds = (OrgKind.PROVINCIAL_FEDERATION, OrgKind.CITY_FEDERATION)
    for federation in ctx.registry.of_kind(*kinds):
        if applies(ctx.profile(federation.code), param):
            yield from _congress_interval(
                ctx,
                federation,
                "CON-14",
                param,
                _(
                    "{org} has no congress recorded; a federation holds one at least every {max_interval_months} months."
                ),
            )
