"""Rules on transparency and evaluation: TRN-3."""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import in_year, judged_year
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import OrgKind
from tongxue.domain.rules.organisation import applies, school_level_unions


@rule("TRN-3")
def department_reviews(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-3 · GS-7, CQ-2: the school union reviews every department union each year.

    "每年至少1次": every calendar year (``tongxue.domain.dates``); the audit judges
    the last year that is over. A review counts when it was held in that year, by the
    audit day, and its assessment was published. Department unions are those under the
    school union or directly under the school. One finding per school union lists every
    department union not reviewed.
    """
    reg = ctx.registry
    year = judged_year(ctx.as_of)
    for union in school_level_unions(reg, (OrgKind.SCHOOL_UNION,)):
        profile = ctx.profile(union.code)
        if not applies(profile, "department_reviews_min_per_year"):
            continue
        departments = {d.code for d in reg.kids(union.code, OrgKind.DEPARTMENT_UNION)}
        school = reg.school_of(union.code)
        if school is not None:
            departments |= {
                d.code for d in reg.kids(school.code, OrgKind.DEPARTMENT_UNION)
            }
        if not departments:
            continue
        minimum = profile.int("department_reviews_min_per_year")
        counts: dict[str, int] = {}
        for r in reg.reviews_by.get(union.code, ()):
            if r.assessment_published and in_year(r.held, year) and r.held <= ctx.as_of:
                counts[r.reviewed] = counts.get(r.reviewed, 0) + 1
        missing = sorted(d for d in departments if counts.get(d, 0) < minimum)
        if missing:
            yield ctx.finding(
                rule="TRN-3.department-reviews-missing",
                org=union.code,
                params=("department_reviews_min_per_year",),
                message=_(
                    "{org} did not review {missing_count} of {departments} department unions with a published assessment in {year}: {missing}."
                ),
                evidence={
                    "missing_count": len(missing),
                    "departments": len(departments),
                    "missing": ", ".join(missing),
                    "missing_codes": missing,
                    "year": year,
                    "minimum": minimum,
                },
            )
