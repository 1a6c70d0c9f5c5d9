"""Oversight of a union: the Party's and the League's guidance (GOV-1, GOV-2) and
the school union's reviews of its department unions (TRN-3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class GuidanceKind(enum.StrEnum):
    """What a record of the Party's leadership or the League's guidance is (GOV-1, GOV-2)."""

    PARTY_HEARING = "party_hearing"  # 学校党组织听取学生会组织工作汇报
    LEAGUE_GUIDANCE = "league_guidance"  # 学校团组织的指导和监督


@dataclass(frozen=True, slots=True)
class Guidance:
    """A school-level union's report heard by the school's Party committee, or the
    League committee's guidance, on the day it was given (GOV-1, GOV-2 · GS-14, CQ-9).

    "定期听取相关汇报，提出指导要求" (the Party committee) and "从政治方向、组织机制、骨干
    培养等方面给予指导和监督" (the League committee): ``by`` says which committee (or
    who), ``summary`` what was reported and the guidance given. ``public``: shown on
    the union's public page.
    """

    organisation: str
    kind: GuidanceKind
    held: date
    by: str = ""
    summary: str = ""
    public: bool = False


class ReviewRating(enum.StrEnum):
    """The school union's rating of a department union it reviewed (TRN-3, 考核)."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # 合格
    FAIL = "fail"  # 不合格


@dataclass(frozen=True, slots=True)
class Review:
    """A school union hearing a department union's report and opinions (TRN-3).

    GS-7, CQ-2: "听取全部院（系）学生会组织工作报告及意见建议……考核结果进行公开".
    ``report_heard``: the work report was heard (a record from before v2: True, the
    row was the record of a hearing). ``opinions_heard``: the department union's
    opinions and suggestions were heard, even if it raised none; None when not
    recorded (a record from before v2). ``published_on``: the day the assessment
    was published (None: not recorded).
    """

    reviewer: str  # school-level union code
    reviewed: str  # department union code
    held: date
    assessment_published: bool = False
    report_heard: bool = True
    opinions_heard: bool | None = None
    opinions: str = ""  # the opinions and suggestions heard (意见建议)
    assessment: str = ""  # the school union's assessment (考核结果)
    rating: ReviewRating | None = None
    published_on: date | None = None

    @property
    def opinions_state(self) -> bool | None:
        """Whether opinions were heard: True when any are written down, else the flag."""
        return True if self.opinions.strip() else self.opinions_heard

    def published_by(self, day: date) -> bool:
        """Return whether the assessment was published on or before ``day``."""
        return self.assessment_published and (
            self.published_on is None or self.published_on <= day
        )
