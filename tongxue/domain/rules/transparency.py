"""Rules on transparency and evaluation: TRN-3."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.dates import judged_year
from tongxue.domain.findings import Finding, Severity
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import OrgKind
from tongxue.domain.reviews import ReviewGap, review_gaps, reviewed_departments
from tongxue.domain.rules.organisation import applies, school_level_unions


@dataclass(frozen=True, slots=True)
class _GapFinding:
    gap: ReviewGap
    rule: str
    message: str
    severity: Severity | None = None  # None: the requirement's (a violation)


#: One finding per gap a school union's department unions show, in this order.
_GAP_FINDINGS = (
    _GapFinding(
        ReviewGap.NOT_REVIEWED,
        rule="TRN-3.department-reviews-missing",
        message=_(
            "{org} did not hear the work report of {missing_count} of {departments} department unions in {year}: {missing}."
        ),
    ),
    _GapFinding(
        ReviewGap.OPINIONS_NOT_HEARD,
        rule="TRN-3.opinions-not-heard",
        message=_(
            "{org} did not hear the opinions and suggestions of {missing_count} of {departments} department unions in {year}: {missing}."
        ),
    ),
    _GapFinding(
        ReviewGap.NOT_PUBLISHED,
        rule="TRN-3.assessment-unpublished",
        message=_(
            "{org} did not publish its assessment of {missing_count} of {departments} department unions reviewed in {year}: {missing}."
        ),
    ),
    _GapFinding(
        ReviewGap.OPINIONS_NOT_RECORDED,
        rule="TRN-3.opinions-not-recorded",
        message=_(
            "{org}: the reviews of {missing_count} of {departments} department unions in {year} do not record whether their opinions and suggestions were heard: {missing}."
        ),
        severity=Severity.INCOMPLETE,
    ),
)


@rule("TRN-3")
def department_reviews(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-3 · GS-7, CQ-2: the school union reviews every department union each year.

    "每年至少1次……听取全部院（系）学生会组织工作报告及意见建议……考核结果进行公开":
    every calendar year (``tongxue.domain.dates``); the audit judges the last year that
    is over. A review counts when it was held in that year, by the audit day, with the
    work report and the opinions and suggestions heard, and its assessment published
    by the audit day (``tongxue.domain.reviews``, the reading the review pages use).
    One finding per school union and gap names every department union with that gap:
    not reviewed (no review with the work report heard), opinions not heard,
    assessment not published, and — incomplete data — a review from before v2 that
    does not record whether opinions were heard.
    """
    reg = ctx.registry
    year = judged_year(ctx.as_of)
    for union in school_level_unions(reg, (OrgKind.SCHOOL_UNION,)):
        profile = ctx.profile(union.code)
        if not applies(profile, "department_reviews_min_per_year"):
            continue
        departments = reviewed_departments(reg, union.code)
        if not departments:
            continue
        minimum = profile.int("department_reviews_min_per_year")
        gaps = review_gaps(reg, union.code, year, ctx.as_of, minimum)
        for spec in _GAP_FINDINGS:
            missing = [d for d in departments if spec.gap in gaps[d.code]]
            if not missing:
                continue
            yield ctx.finding(
                rule=spec.rule,
                org=union.code,
                params=("department_reviews_min_per_year",),
                message=spec.message,
                evidence={
                    "missing_count": len(missing),
                    "departments": len(departments),
                    "missing": ", ".join(d.name for d in missing),
                    "missing_codes": [d.code for d in missing],
                    "year": year,
                    "minimum": minimum,
                },
                severity=spec.severity,
            )
