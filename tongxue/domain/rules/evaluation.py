"""Rules on the evaluation of cadres and their 述职 reports: CAD-4."""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.rules.organisation import applies, roles


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
