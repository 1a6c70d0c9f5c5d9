"""The cadres' reports (述职, CAD-4) and their evaluation by students (CAD-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Semester:
    """An evaluation period (学期) of a union and who filed a 述职 report (CAD-4)."""

    organisation: str
    code: str
    start: date
    end: date
    closed: bool = False
    reports: tuple[str, ...] = ()  # person ids of the presidium members who reported


@dataclass(frozen=True, slots=True)
class EvaluationPeriod:
    """A union's evaluation of its core and main cadres by students (CAD-3).

    GS-12, CQ-7: "从政治素质、道德品质、知识学习、履职能力、纪律作风等维度设置评价考核
    指标，广泛吸纳广大同学参与，评价考核意见作为学生干部任免的重要依据". Counts only,
    never a rating (the ratings are secret, like a ballot): ``dimensions`` the keys of
    the dimensions rated (``tongxue.domain.evaluation.DIMENSIONS``; empty: not
    recorded); ``cadres`` the cadres rated; ``participants`` the raters who rated at
    least one cadre, of ``eligible`` on the rater list; ``published``: the results were
    published (in Tongxue: the period was closed). None: not recorded.
    """

    organisation: str
    code: str
    start: date
    end: date
    dimensions: tuple[str, ...] = ()
    cadres: int | None = None
    participants: int | None = None
    eligible: int | None = None
    published: bool = False

    def finished_by(self, day: date) -> bool:
        """Whether the period is over on ``day``: published, or its last day passed."""
        return self.published or self.end < day

    @property
    def took_place(self) -> bool:
        """Whether students rated cadres in it: not when it rated no cadre or nobody
        rated (a count not recorded is not held against it)."""
        return self.cadres != 0 and self.participants != 0
