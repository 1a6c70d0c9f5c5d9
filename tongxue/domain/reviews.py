"""TRN-3 · GS-7, CQ-2: the school union hears every department union once a year.

"建立健全校级学生会组织每年至少1次通过集中会议或书面形式听取全部院（系）学生会组织
工作报告及意见建议的制度……考核结果进行公开": in every calendar year
(``tongxue.domain.dates``) the school union hears each of its department unions' work
report **and** its opinions and suggestions, assesses it, and publishes the assessment.

One reading, used by the audit rule (``tongxue.domain.rules.transparency``) and by the
web pages that record the reviews (``tongxue.organisations``), so that the page's
"still to review this year" and the audit's finding never disagree:

* the department unions a school union reviews: its own and those directly under the
  school (:func:`reviewed_departments`);
* a review counts for a year when it was held in that year by the day judged, its work
  report was heard, the department union's opinions were heard (opinions written down,
  or heard with none raised: ``opinions_heard``) and its assessment was published by
  that day (:func:`gaps_of`);
* what a department union still lacks in a year (:func:`review_gaps`): no review with
  the work report heard; opinions not heard; opinions not recorded (a record from
  before v2, which cannot say: incomplete data, not a violation); assessment not
  published.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from tongxue.domain.dates import in_year
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Organisation, OrgKind, Registry, Review


class ReviewGap(enum.StrEnum):
    """What a department union's review of a year lacks (TRN-3)."""

    NOT_REVIEWED = "not_reviewed"  # no review with the work report heard
    OPINIONS_NOT_HEARD = "opinions_not_heard"
    OPINIONS_NOT_RECORDED = "opinions_not_recorded"  # a record from before v2
    NOT_PUBLISHED = "not_published"


#: Labels of the gaps (message ids), for the pages.
GAP_LABELS: Mapping[ReviewGap, str] = {
    ReviewGap.NOT_REVIEWED: _("Not reviewed: work report not heard"),
    ReviewGap.OPINIONS_NOT_HEARD: _("Opinions and suggestions not heard"),
    ReviewGap.OPINIONS_NOT_RECORDED: _("Not recorded whether opinions were heard"),
    ReviewGap.NOT_PUBLISHED: _("Assessment not published"),
}


def reviewed_departments(registry: Registry, union: str) -> list[Organisation]:
    """Return the department unions ``union`` reviews, by code.

    Those under the school union and those directly under its school (a department
    union may be registered under either).
    """
    found = {d.code: d for d in registry.kids(union, OrgKind.DEPARTMENT_UNION)}
    school = registry.school_of(union)
    if school is not None:
        found |= {
            d.code: d for d in registry.kids(school.code, OrgKind.DEPARTMENT_UNION)
        }
    return [found[code] for code in sorted(found)]


def gaps_of(review: Review, as_of: date) -> tuple[ReviewGap, ...]:
    """Return what one review lacks on ``as_of`` (empty: it counts)."""
    if not review.report_heard:
        return (ReviewGap.NOT_REVIEWED,)
    out: list[ReviewGap] = []
    heard = review.opinions_state
    if heard is None:
        out.append(ReviewGap.OPINIONS_NOT_RECORDED)
    elif not heard:
        out.append(ReviewGap.OPINIONS_NOT_HEARD)
    if not review.published_by(as_of):
        out.append(ReviewGap.NOT_PUBLISHED)
    return tuple(out)


def review_gaps(
    registry: Registry, union: str, year: int, as_of: date, minimum: int = 1
) -> dict[str, tuple[ReviewGap, ...]]:
    """Return, for each department union ``union`` reviews, what ``year`` lacks.

    Only reviews held in ``year`` and on or before ``as_of`` are read. A department
    union with ``minimum`` complete reviews lacks nothing (an empty tuple); otherwise
    it lacks what its most complete review with the work report heard lacks, or, with
    fewer such reviews than ``minimum``, a review (``NOT_REVIEWED``).
    """
    found: dict[str, list[tuple[ReviewGap, ...]]] = defaultdict(list)
    for r in registry.reviews_by.get(union, ()):
        if in_year(r.held, year) and r.held <= as_of:
            found[r.reviewed].append(gaps_of(r, as_of))
    out: dict[str, tuple[ReviewGap, ...]] = {}
    for dept in reviewed_departments(registry, union):
        gaps = found.get(dept.code, [])
        complete = sum(1 for g in gaps if not g)
        heard = sorted(
            (g for g in gaps if g and ReviewGap.NOT_REVIEWED not in g),
            key=lambda g: (len(g), g),
        )
        if complete >= minimum:
            out[dept.code] = ()
        elif not heard or complete + len(heard) < minimum:
            out[dept.code] = (ReviewGap.NOT_REVIEWED,)
        else:
            out[dept.code] = heard[0]
    return out
