"""Rules on the students' evaluation of the union: TRN-2 · GS-11, CQ-6.

"从学生知晓度、参与度、满意度等维度评价学生会组织工作，评价结果面向全体同学公开": the
students evaluate the union on the plan's three dimensions, and the results are public
to all students. The evaluations are surveys of the standard template
(``tongxue.domain.surveys.UNION_EVALUATION``) run in ``tongxue.surveys``; the registry
carries their dates (:class:`~tongxue.domain.model.surveys.UnionEvaluation`). A
snapshot does not carry them (``Registry.union_evaluations`` None): not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before, within_months
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model.surveys import UnionEvaluation
from tongxue.domain.rules.organisation import applies, school_level_unions
from tongxue.domain.surveys import EVALUATION_INTERVAL, PUBLISH_DAYS


@rule("TRN-2")
def union_evaluations(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-2 · GS-11, CQ-6: students evaluate every school-level union; results public.

    For every school-level union (outside secondary schools):

    * an evaluation opened within the profile's ``union_evaluation_interval_months``
      months ending on the audit day (``TRN-2.no-evaluation``; the plans name no
      interval: 12 months is Tongxue's default). A draft never opened does not count;
    * every evaluation closed ``survey_results_publish_days`` days or more before the
      audit day has its results public by the audit day (``TRN-2.results-unpublished``:
      closed on day *d*, published on *d + N* is in time; on the audit day *d + N + 1*
      without publication it is reported).
    """
    reg = ctx.registry
    if reg.union_evaluations is None:
        return
    of: dict[str, list[UnionEvaluation]] = defaultdict(list)
    for e in reg.union_evaluations:
        of[e.union].append(e)
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        held = sorted(
            (e for e in of.get(union.code, ()) if e.opened_by(ctx.as_of)),
            key=lambda e: (e.opened or date.min, e.code),
            reverse=True,
        )
        if applies(profile, PUBLISH_DAYS):
            days = profile.int(PUBLISH_DAYS)
            late = [
                e
                for e in held
                if e.closed is not None
                and e.closed + timedelta(days=days) < ctx.as_of
                and not e.public_on(ctx.as_of)
            ]
            if late:
                yield ctx.finding(
                    rule="TRN-2.results-unpublished",
                    org=union.code,
                    params=(PUBLISH_DAYS,),
                    message=_(
                        "{org}: the results of {unpublished_evaluations} evaluations by students are not public {publish_days} days after they closed (the earliest closed on {oldest_closed})."
                    ),
                    evidence={
                        "unpublished_evaluations": len(late),
                        "oldest_closed": min(
                            e.closed for e in late if e.closed is not None
                        ).isoformat(),
                        "publish_days": days,
                        "survey_codes": [e.code for e in late],
                    },
                )
        if not applies(profile, EVALUATION_INTERVAL):
            continue
        months = profile.int(EVALUATION_INTERVAL)
        last = held[0] if held else None
        if (
            last is not None
            and last.opened is not None
            and within_months(last.opened, ctx.as_of, months)
        ):
            continue
        yield ctx.finding(
            rule="TRN-2.no-evaluation",
            org=union.code,
            params=(EVALUATION_INTERVAL,),
            message=_(
                "{org} has not been evaluated by its students on awareness, participation and satisfaction within {max_interval_months} months (since {since}; the last evaluation opened on {last_union_evaluation})."
            ),
            evidence={
                "last_union_evaluation": last.opened.isoformat()
                if last is not None and last.opened is not None
                else "-",
                "max_interval_months": months,
                "since": months_before(ctx.as_of, months).isoformat(),
            },
        )
