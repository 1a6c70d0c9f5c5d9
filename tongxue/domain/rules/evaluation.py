"""Rules on the evaluation of cadres and their 述职 reports: CAD-3, CAD-4."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before
from tongxue.domain.evaluation import DIMENSION_LABELS, DIMENSIONS
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import UNION_KINDS, EvaluationPeriod, Organisation
from tongxue.domain.rules.organisation import (
    applies,
    ceil_share,
    percent,
    roles,
    school_level_unions,
    share_text,
)

#: CAD-3: at least one evaluation finished within this many months (Tongxue's number).
INTERVAL = "cadre_evaluation_max_interval_months"
#: CAD-3: the share of the rater list that must take part; no built-in profile sets it
#: ("广泛吸纳广大同学参与" has no number): without it participation is reported only.
MIN_SHARE = "cadre_evaluation_min_participation_share"


@rule("CAD-4")
def semester_reports(ctx: AuditContext) -> Iterator[Finding]:
    """CAD-4 · GS-12, CQ-7: every presidium member reports (述职) each finished semester.

    A semester is finished when its period is closed or its last day is before the
    audit date. The presidium is the union's holders of ``main_cadre_roles`` on the
    semester's last day; each of them must have filed a report in that semester.
    """
    reg = ctx.registry
    for sem in sorted(reg.semesters, key=lambda s: (s.organisation, s.start)):
        if sem.organisation not in reg.org:
            continue
        if not (sem.closed or sem.end < ctx.as_of):
            continue
        profile = ctx.profile(sem.organisation)
        if not applies(profile, "main_cadre_roles"):
            continue
        presidium = roles(profile, "main_cadre_roles")
        filed = set(sem.reports)
        seen: set[str] = set()
        for pos in reg.positions_of.get(sem.organisation, ()):
            if pos.role not in presidium or not pos.active_on(sem.end):
                continue
            if pos.person in filed or pos.person in seen:
                continue
            seen.add(pos.person)
            person = reg.person.get(pos.person)
            yield ctx.finding(
                rule="CAD-4.report-missing",
                org=sem.organisation,
                params=("main_cadre_roles", "report_non_cadre_rater_share")
                if applies(profile, "report_non_cadre_rater_share")
                else ("main_cadre_roles",),
                message=_(
                    "{org}: {name} ({title}) filed no work report for the semester "
                    "{semester}."
                ),
                evidence={
                    "person": pos.person,
                    "name": person.name if person is not None else pos.person,
                    "title": pos.title,
                    "semester": sem.code,
                },
            )


# --------------------------------------------------------------------------- CAD-3


def _participation(period: EvaluationPeriod) -> dict[str, Any]:
    """The period's participation as evidence: reported whether or not it is judged."""
    out: dict[str, Any] = {}
    if period.cadres is not None:
        out["cadres"] = period.cadres
    if period.participants is not None:
        out["participants"] = period.participants
    if period.eligible is not None:
        out["eligible"] = period.eligible
    if period.participants is not None and period.eligible:
        out["participation_percent"] = percent(
            Fraction(period.participants, period.eligible)
        )
    return out


def _next_period(periods: list[EvaluationPeriod], ctx: AuditContext) -> dict[str, str]:
    """Evidence naming the period under way or planned, if any: shown, never counted."""
    upcoming = [p for p in periods if not p.finished_by(ctx.as_of)]
    if not upcoming:
        return {}
    first = min(upcoming, key=lambda p: (p.end, p.code))
    return {"next_period": first.code, "next_period_end": first.end.isoformat()}


def evaluated_unions(ctx: AuditContext) -> Iterator[Organisation]:
    """Yield the unions whose cadres are evaluated: school-level and department unions.

    "针对学生会组织骨干特别是主要干部" names no level (the 述职 of CAD-4 names the
    school level, this does not), so every union of a university is held to it;
    unions of secondary schools are governed by ORG-12 and CON-11 instead.
    """
    return school_level_unions(ctx.registry, UNION_KINDS)


@rule("CAD-3")
def cadre_evaluations(ctx: AuditContext) -> Iterator[Finding]:
    """CAD-3 · GS-12, CQ-7: each union evaluates its core and main cadres with students.

    At least one evaluation that took place (:attr:`EvaluationPeriod.took_place`: it
    rated cadres and someone rated) finished within ``cadre_evaluation_max_interval_months``
    months before the audit day — a period is finished once published or past its
    last day; one under way or planned is shown, not counted. Each such evaluation
    covers the five dimensions of the plans (each one missing is a finding) and has
    its results published (closed): results that were never produced cannot inform
    appointment and removal. Its participation (raters who took part of those on the
    list) is reported in the evidence; it is judged only when the profile sets
    ``cadre_evaluation_min_participation_share`` (the plans give no number).
    """
    reg = ctx.registry
    for union in evaluated_unions(ctx):
        profile = ctx.profile(union.code)
        if not applies(profile, INTERVAL):
            continue
        months = profile.int(INTERVAL)
        due = months_before(ctx.as_of, months)
        periods = reg.evaluations_of.get(union.code, [])
        finished = [p for p in periods if p.finished_by(ctx.as_of)]
        recent = sorted(
            (p for p in finished if p.end >= due), key=lambda p: (p.end, p.code)
        )
        held = [p for p in recent if p.took_place]
        if not held:
            yield _missing(ctx, union.code, months, due, finished, recent, periods)
        for period in held:
            yield from _period_findings(ctx, union.code, period)


def _missing(
    ctx: AuditContext,
    org: str,
    months: int,
    due: date,
    finished: list[EvaluationPeriod],
    recent: list[EvaluationPeriod],
    periods: list[EvaluationPeriod],
) -> Finding:
    """CAD-3: no evaluation that took place finished within the interval."""
    last = next((p for p in finished if p.took_place), None)
    evidence: dict[str, Any] = {"max_interval_months": months, "due": due.isoformat()}
    uncounted = [p.code for p in recent if not p.took_place]
    if uncounted:
        evidence["not_counted"] = ", ".join(uncounted)
    evidence.update(_next_period(periods, ctx))
    if last is None:
        return ctx.finding(
            rule="CAD-3.no-evaluation",
            org=org,
            params=(INTERVAL,),
            message=_(
                "{org} has no evaluation of its core and main cadres by students on record (a period that rated no cadre, or that nobody rated, does not count); one is required at least every {max_interval_months} months."
            ),
            evidence=evidence,
        )
    evidence = {
        "period": last.code,
        "last_evaluation": last.end.isoformat(),
        **evidence,
    }
    return ctx.finding(
        rule="CAD-3.evaluation-overdue",
        org=org,
        params=(INTERVAL,),
        message=_(
            "{org} last evaluated its core and main cadres in the period {period}, which ended on {last_evaluation}, more than {max_interval_months} months ago (an evaluation was due by {due})."
        ),
        evidence=evidence,
    )


def _period_findings(
    ctx: AuditContext, org: str, period: EvaluationPeriod
) -> Iterator[Finding]:
    """CAD-3: the dimensions, the results and the participation of one evaluation."""
    base: dict[str, Any] = {
        "period": period.code,
        "period_end": period.end.isoformat(),
        **_participation(period),
    }
    if not period.dimensions:
        yield ctx.finding(
            rule="CAD-3.dimensions-unknown",
            org=org,
            params=(INTERVAL,),
            message=_(
                "{org}: the dimensions the cadres were rated on in the evaluation {period} are not recorded, so it cannot be checked that all five of the plans were covered."
            ),
            evidence=base,
            severity=Severity.INCOMPLETE,
        )
    else:
        for dimension in DIMENSIONS:
            if dimension in period.dimensions:
                continue
            yield ctx.finding(
                rule="CAD-3.dimension-missing",
                org=org,
                params=(INTERVAL,),
                message=_(
                    "{org}: the evaluation {period} did not rate the cadres on {dimension_label}, one of the five dimensions of the plans."
                ),
                evidence={
                    **base,
                    "dimension": dimension,
                    "dimension_label": DIMENSION_LABELS[dimension],
                },
            )
    if not period.published:
        yield ctx.finding(
            rule="CAD-3.results-unpublished",
            org=org,
            params=(INTERVAL,),
            message=_(
                "{org}: the evaluation {period} ended on {period_end} and its results were never published, so they cannot inform the appointment and removal of cadres."
            ),
            evidence=base,
        )
    profile = ctx.profile(org)
    if not applies(profile, MIN_SHARE):
        return  # "广泛吸纳广大同学参与": no number in the plans, reported above only
    minimum = profile.fraction(MIN_SHARE)
    if period.participants is None or not period.eligible:
        yield ctx.finding(
            rule="CAD-3.participation-unknown",
            org=org,
            params=(MIN_SHARE,),
            message=_(
                "{org}: how many of the raters on the list took part in the evaluation {period} is not recorded, so its participation cannot be checked against {min_percent}."
            ),
            evidence={**base, "min_percent": percent(minimum)},
            severity=Severity.INCOMPLETE,
        )
        return
    if Fraction(period.participants, period.eligible) < minimum:
        yield ctx.finding(
            rule="CAD-3.participation-share",
            org=org,
            params=(MIN_SHARE,),
            message=_(
                "{org}: {participants} of the {eligible} raters on the list took part in the evaluation {period} ({participation_percent}) < {min_percent}; at least {required} were needed."
            ),
            evidence={
                **base,
                "min_share": share_text(profile, MIN_SHARE),
                "min_percent": percent(minimum),
                "required": ceil_share(minimum, period.eligible),
            },
        )
