"""Evaluation of cadres by students and rating of 述职 reports, as pure arithmetic.

CAD-3 · GS-12, CQ-7: core and main cadres are rated each semester on five dimensions
(political quality, moral character, learning, performance of duties, discipline and work
style — the last one is CAD-7 · GS-13, CQ-8) by the presidium, the delegates and a sample
of ordinary students. CAD-4 · GS-12, CQ-7: presidium members report on their work (述职)
each semester; delegates and a share of non-cadre students rate the report.

This module holds what does not need a database: the dimensions, the validation of a
rating, the deterministic sample of raters, the aggregation with its spread and the
anonymity threshold below which nothing is shown. Every number comes from the profile
(``evaluation_*`` and ``report_*`` parameters). The lifecycle of an evaluation period
is :data:`tongxue.domain.lifecycle.EVALUATION_PERIOD`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from tongxue.domain.findings import Message, Refusal, gettext_noop
from tongxue.domain.profiles import Profile

#: The five dimensions of CAD-3 (and CAD-7 for work style), in the order of the plans.
DIMENSIONS: tuple[str, ...] = (
    "political",  # 政治素质
    "moral",  # 道德品质
    "learning",  # 知识学习
    "duties",  # 履职能力
    "discipline",  # 纪律作风 (CAD-7)
)
#: A 述职 report is rated on one dimension: the work it reports (CAD-4).
REPORT_DIMENSIONS: tuple[str, ...] = ("report",)

DIMENSION_LABELS: dict[str, str] = {
    "political": gettext_noop("Political quality"),
    "moral": gettext_noop("Moral character"),
    "learning": gettext_noop("Learning"),
    "duties": gettext_noop("Performance of duties"),
    "discipline": gettext_noop("Discipline and work style"),
    "report": gettext_noop("Work reported"),
}

#: Who rates: the presidium, the delegates of the latest congress, sampled students.
RATER_GROUPS: tuple[str, ...] = ("presidium", "delegate", "student")

#: The profile parameters this module reads, with what they mean.
MIN_RATERS = "evaluation_min_raters"  # results hidden below this many raters
FAIL_BELOW = (
    "evaluation_fail_below"  # an overall score below this is a failed evaluation
)
SCALE_MAX = "evaluation_scale_max"  # ratings are whole numbers 1 … this
STUDENT_SAMPLE = "evaluation_student_sample_size"  # students drawn to rate cadres
REPORT_SHARE = "report_non_cadre_rater_share"  # share of non-cadre students for 述职


def dimensions_for(kind: str) -> tuple[str, ...]:
    """Return the dimensions of a cadre evaluation ("evaluation") or a 述职 report."""
    return REPORT_DIMENSIONS if kind == "report" else DIMENSIONS


@dataclass(frozen=True, slots=True)
class Settings:
    """The numbers of one evaluation period, fixed from the profile when it opens."""

    min_raters: int
    fail_below: Fraction
    scale_max: int

    @classmethod
    def from_profile(cls, profile: Profile) -> Settings:
        """CAD-3, CAD-4 · GS-12, CQ-7: read the period's numbers from the profile."""
        return cls(
            min_raters=profile.int(MIN_RATERS),
            fail_below=profile.fraction(FAIL_BELOW),
            scale_max=profile.int(SCALE_MAX),
        )


def _refusal(code: str, text: str, **params: object) -> Refusal:
    return Refusal(code, Message(text, dict(params)), requirement="CAD-3")


def validate_scores(
    scores: Mapping[str, int | None], dimensions: Sequence[str], scale_max: int
) -> Refusal | None:
    """Return why a rating is invalid (a missing dimension, a score off the scale).

    A dimension answered ``None`` is "不了解" (the rater does not know): it is a valid
    answer that counts as no rating of that dimension (#16).
    """
    for dim in dimensions:
        if dim not in scores:
            return _refusal(
                "invalid",
                gettext_noop("Rate every dimension: {dimension_label} is missing."),
                dimension_label=DIMENSION_LABELS[dim],
            )
        value = scores[dim]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            return _refusal("invalid", gettext_noop("A score must be a whole number."))
        if not 1 <= value <= scale_max:
            return _refusal(
                "invalid",
                gettext_noop("A score must be between 1 and {scale_max}."),
                scale_max=scale_max,
            )
    extra = sorted(set(scores) - set(dimensions))
    if extra:
        return _refusal(
            "invalid",
            gettext_noop("Unknown dimension “{dimension}”."),
            dimension=extra[0],
        )
    return None


# ------------------------------------------------------------------------ sampling


def _rank(seed: str, ident: str) -> str:
    return hashlib.sha256(f"{seed}:{ident}".encode()).hexdigest()


def draw_sample(candidates: Iterable[str], size: int, seed: str) -> list[str]:
    """Return ``size`` candidates drawn by the published ``seed``, sorted by id.

    Each candidate is ranked by SHA-256 of ``"seed:id"``; the lowest ranks are drawn.
    Anyone with the seed and the candidate list can repeat the draw; the order in which
    the candidates are given does not matter.
    """
    if size <= 0:
        return []
    unique = sorted(set(candidates))
    drawn = sorted(unique, key=lambda c: (_rank(seed, c), c))[:size]
    return sorted(drawn)


def report_sample_size(share: Fraction, candidates: int) -> int:
    """CAD-4 · GS-12, CQ-7: the profile's share of non-cadre students, rounded up."""
    if candidates <= 0:
        return 0
    return min(candidates, -((-share.numerator * candidates) // share.denominator))


# --------------------------------------------------------------------- aggregation


@dataclass(frozen=True, slots=True)
class DimensionStats:
    """The ratings of one dimension: mean, spread and how many gave each score."""

    dimension: str
    mean: Fraction
    sd: float  # population standard deviation
    low: int
    high: int
    histogram: tuple[int, ...]  # histogram[k] raters gave the score k + 1
    count: int = 0  # raters who scored it ("不了解" does not count)

    def as_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "count": self.count,
            "mean": round(float(self.mean), 2),
            "sd": round(self.sd, 2),
            "min": self.low,
            "max": self.high,
            "histogram": list(self.histogram),
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The published result of one cadre (or one 述职 report) in one period.

    ``published`` is False below the minimum number of raters: then nothing else is
    known, not even the number of raters (a count of one would name the rater).
    """

    published: bool
    raters: int | None = None
    dimensions: tuple[DimensionStats, ...] = ()
    overall: Fraction | None = None
    groups: Mapping[str, int] | None = None
    failed: bool = False


def publishable(raters: int, min_raters: int) -> bool:
    """CAD-3 · GS-12, CQ-7: a result shows only from ``min_raters`` raters on."""
    return raters >= min_raters


def group_counts(groups: Mapping[str, int], min_raters: int) -> dict[str, int] | None:
    """Return the raters per group when no group would be small enough to name anyone.

    A group is shown with zero raters or with at least ``min_raters``; if any group has
    between one and ``min_raters - 1`` raters, no group is shown (showing the others
    would reveal the small one by subtraction).
    """
    counts = {g: groups.get(g, 0) for g in RATER_GROUPS}
    if any(0 < n < min_raters for n in counts.values()):
        return None
    return counts


def is_failed(overall: Fraction, fail_below: Fraction) -> bool:
    """CAD-5 · GS-12, CQ-7: an overall score strictly below the threshold fails."""
    return overall < fail_below


def aggregate(
    ratings: Sequence[Mapping[str, int | None]],
    *,
    dimensions: Sequence[str],
    settings: Settings,
    groups: Mapping[str, int] | None = None,
) -> Result:
    """Aggregate the ratings of one subject: per dimension mean and spread, overall.

    A rating without a dimension (or with ``None`` for it) is "不了解": it counts
    neither in that dimension's mean nor in its count, and a rating with no score at
    all is not a response (#16). A dimension scored by fewer than
    ``settings.min_raters`` raters is left out, like a subject with fewer responses:
    nothing is published for it. The overall score is the mean of the published
    dimension means (each dimension weighs the same). Results inform appointment and
    removal; they never decide them.
    """
    given = [[r[dim] for dim in dimensions if r.get(dim) is not None] for r in ratings]
    n = sum(1 for g in given if g)
    if not publishable(n, settings.min_raters):
        return Result(published=False)
    stats = []
    for dim in dimensions:
        values: list[int] = [v for v in (r.get(dim) for r in ratings) if v is not None]
        if not publishable(len(values), settings.min_raters):
            continue
        mean = Fraction(sum(values), len(values))
        variance = sum((Fraction(v) - mean) ** 2 for v in values) / len(values)
        histogram = tuple(values.count(k) for k in range(1, settings.scale_max + 1))
        stats.append(
            DimensionStats(
                dimension=dim,
                mean=mean,
                sd=math.sqrt(variance),
                low=min(values),
                high=max(values),
                histogram=histogram,
                count=len(values),
            )
        )
    if not stats:
        return Result(published=False)
    overall = sum((s.mean for s in stats), Fraction(0)) / len(stats)
    return Result(
        published=True,
        raters=n,
        dimensions=tuple(stats),
        overall=overall,
        groups=group_counts(groups or {}, settings.min_raters),
        failed=is_failed(overall, settings.fail_below),
    )
