"""Rules on transparency and evaluation: TRN-3."""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import months_before
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import OrgKind
from tongxue.domain.rules.organisation import applies, school_level_unions


@rule("TRN-3")
def department_reviews(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-3 · GS-7, CQ-2: the school union reviews every department union each year.

    A review counts when it was held within the period and its assessment published.
    Department unions are those under the school union or directly under the school.
    One finding per school union lists every department union not reviewed.
    """
    reg = ctx.registry
    for union in school_level_unions(reg, (OrgKind.SCHOOL_UNION,)):
        profile = ctx.profile(union.code)
        if not applies(profile, "department_review_max_interval_months"):
            continue
        departments = {d.code for d in reg.kids(union.code, OrgKind.DEPARTMENT_UNION)}
        school = reg.school_of(union.code)
        if school is not None:
            departments |= {
                d.code for d in reg.kids(school.code, OrgKind.DEPARTMENT_UNION)
            }
        if not departments:
            continue
        months = profile.int("department_review_max_interval_months")
        due = months_before(ctx.as_of, months)
        reviewed = {
            r.reviewed
            for r in reg.reviews_by.get(union.code, ())
            if r.assessment_published and due <= r.held <= ctx.as_of
        }
        missing = sorted(departments - reviewed)
        if missing:
            yield ctx.finding(
                rule="TRN-3.department-reviews-missing",
                org=union.code,
                params=("department_review_max_interval_months",),
                message=_(
                    "{org} has not reviewed {missing_count} of {departments} department unions with a published assessment within the last {max_interval_months} months: {missing}."
                ),
                evidence={
                    "missing_count": len(missing),
                    "departments": len(departments),
                    "missing": ", ".join(missing),
                    "missing_codes": missing,
                    "max_interval_months": months,
                },
            )
