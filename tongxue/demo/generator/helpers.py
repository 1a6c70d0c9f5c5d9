"""Pure helpers of the demo generator, drawn from nothing of the builder's random
streams: review rows (TRN-3), Chinese numerals, grade spreads and the semesters."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

#: What department unions raise when their work is heard (TRN-3, 意见建议); "" is a
#: union heard that raised none.
_REVIEW_OPINIONS = (
    "建议学校增加学生活动场地的开放时间。",
    "",
    "希望校学生会在跨院系活动中提前沟通日程。",
    "建议完善学生权益诉求的反馈渠道，按月公布处理结果。",
    "希望为新生班委提供更多培训机会。",
)
#: The school union's assessment (考核结果) and the rating it gives.
_REVIEW_ASSESSMENTS = (
    ("按期完成年度工作计划，服务同学成效明显。", "excellent"),
    ("工作扎实，权益服务有序开展，宣传工作仍需加强。", "good"),
    ("完成基本工作任务，活动组织的规范性有待提高。", "pass"),
    ("工作有序推进，骨干培养较为充分。", "good"),
)


def review(
    reviewer: str, reviewed: str, held: date, *, published: bool, n: int
) -> dict[str, Any]:
    """A review row (TRN-3): the work report and the opinions heard, an assessment
    with its rating, published ten days later when ``published``. Drawn from ``n``,
    not from the random stream, so the other tables stay as they were."""
    opinions = _REVIEW_OPINIONS[n % len(_REVIEW_OPINIONS)]
    assessment, rating = _REVIEW_ASSESSMENTS[n % len(_REVIEW_ASSESSMENTS)]
    return {
        "reviewer": reviewer,
        "reviewed": reviewed,
        "held": held.isoformat(),
        "assessment_published": published,
        "report_heard": True,
        "opinions_heard": True,
        "opinions": opinions,
        "assessment": assessment,
        "rating": rating,
        "published_on": (held + timedelta(days=10)).isoformat() if published else None,
    }


_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """Return ``n`` (1–999) in Chinese numerals as used in school names (第十二中学)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _DIGITS[rest] if rest < 10 else numeral(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS[n // 100] + "百" + tail


def grade_spread(department: str, size: int) -> list[int]:
    """Split a department's ``size`` students over four grades, oldest first.

    Realistically uneven: newer cohorts a little larger (enrolment grows), each
    department by its own draw, so that no two departments share one spread (a
    matrix where they all do ties in the by-grade seat allocation, CON-4). The draw
    has its own stream, named after the department: the rest of the demo is the same.
    """
    spread = random.Random(f"grades-{department}")
    weights = [spread.uniform(0.85, 1.15) * (1 + 0.04 * g) for g in range(4)]
    total = sum(weights)
    exact = [size * w / total for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(4), key=lambda g: exact[g] - counts[g], reverse=True)
    for g in order[: size - sum(counts)]:
        counts[g] += 1
    return counts


def finished_semesters(as_of: date) -> list[tuple[date, date]]:
    """The last two semesters over on ``as_of`` (spring 20 Feb – 10 Jul, autumn 1 Sep –
    15 Jan), oldest first: on any day both are finished, and CAD-4 judges them both."""
    semesters = [
        semester
        for y in range(as_of.year - 2, as_of.year + 1)
        for semester in (
            (date(y, 2, 20), date(y, 7, 10)),
            (date(y, 9, 1), date(y + 1, 1, 15)),
        )
        if semester[1] < as_of
    ]
    return semesters[-2:]
