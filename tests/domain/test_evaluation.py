"""Evaluation arithmetic and the 述职 rule: CAD-3, CAD-4 · GS-12, CQ-7; CAD-7 · GS-13, CQ-8."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.builders import AS_OF, compliant
from tongxue.domain import evaluation as ev
from tongxue.domain.audit import AuditContext, audit
from tongxue.domain.findings import Severity
from tongxue.domain.lifecycle import EVALUATION_PERIOD
from tongxue.domain.model import Role, Semester
from tongxue.domain.profiles import BUILTIN, get_profile
from tongxue.domain.rules.evaluation import semester_reports

SETTINGS = ev.Settings(min_raters=5, fail_below=Fraction(3), scale_max=5)


def ratings(*values: int) -> list[dict[str, int]]:
    return [dict.fromkeys(ev.DIMENSIONS, v) for v in values]


# ------------------------------------------------------------------- profiles


@pytest.mark.parametrize("code", BUILTIN)
def test_both_profiles_carry_the_evaluation_numbers(code: str) -> None:
    p = get_profile(code)
    s = ev.Settings.from_profile(p)
    assert (s.min_raters, s.fail_below, s.scale_max) == (5, Fraction(3), 5)
    assert p.int(ev.STUDENT_SAMPLE) == 30
    assert p.fraction(ev.REPORT_SHARE) == Fraction(1, 100)
    assert p.param(ev.REPORT_SHARE).requirement == "CAD-4"


def test_the_five_dimensions_include_work_style() -> None:
    """CAD-3 names five dimensions; CAD-7 puts work style into evaluation."""
    assert len(ev.DIMENSIONS) == 5
    assert "discipline" in ev.DIMENSIONS
    assert set(ev.DIMENSION_LABELS) >= set(ev.DIMENSIONS)
    assert ev.dimensions_for("report") == ("report",)


# --------------------------------------------------------------- min raters


def test_one_rater_below_the_minimum_publishes_nothing() -> None:
    r = ev.aggregate(ratings(5, 5, 5, 1), dimensions=ev.DIMENSIONS, settings=SETTINGS)
    assert r == ev.Result(published=False)
    assert r.raters is None and r.overall is None and r.dimensions == ()


def test_exactly_the_minimum_publishes() -> None:
    r = ev.aggregate(
        ratings(5, 5, 5, 1, 4), dimensions=ev.DIMENSIONS, settings=SETTINGS
    )
    assert r.published and r.raters == 5
    assert r.overall == Fraction(20, 5)


def test_a_single_rater_never_shows_even_with_a_minimum_of_one_group() -> None:
    assert not ev.publishable(1, 5)
    assert ev.publishable(5, 5)
    assert not ev.publishable(4, 5)


# ---------------------------------------------------------------- fail below


def test_exactly_at_the_threshold_does_not_fail() -> None:
    r = ev.aggregate(
        ratings(3, 3, 3, 3, 3), dimensions=ev.DIMENSIONS, settings=SETTINGS
    )
    assert r.overall == 3 and not r.failed


def test_just_below_the_threshold_fails() -> None:
    r = ev.aggregate(
        ratings(3, 3, 3, 3, 2), dimensions=ev.DIMENSIONS, settings=SETTINGS
    )
    assert r.overall == Fraction(14, 5) and r.failed


def test_is_failed_is_strict() -> None:
    assert ev.is_failed(Fraction(299, 100), Fraction(3))
    assert not ev.is_failed(Fraction(3), Fraction(3))


# --------------------------------------------------------------- aggregation


def test_aggregate_mean_spread_histogram_per_dimension() -> None:
    rows = [
        {"political": 5, "moral": 4, "learning": 3, "duties": 2, "discipline": 1},
        {"political": 5, "moral": 4, "learning": 3, "duties": 4, "discipline": 1},
        {"political": 1, "moral": 4, "learning": 3, "duties": 2, "discipline": 1},
        {"political": 1, "moral": 4, "learning": 3, "duties": 4, "discipline": 1},
        {"political": 3, "moral": 4, "learning": 3, "duties": 3, "discipline": 1},
    ]
    r = ev.aggregate(rows, dimensions=ev.DIMENSIONS, settings=SETTINGS)
    by = {d.dimension: d for d in r.dimensions}
    assert by["political"].mean == 3
    assert by["political"].sd == pytest.approx(statistics.pstdev([5, 5, 1, 1, 3]))
    assert (by["political"].low, by["political"].high) == (1, 5)
    assert by["political"].histogram == (2, 0, 1, 0, 2)
    assert by["moral"].sd == 0
    assert r.overall == Fraction(3 + 4 + 3 + 3 + 1, 5)
    assert r.failed is True  # 14/5 = 2.8 is below 3


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.integers(1, 5), min_size=5, max_size=5).map(
            lambda v: dict(zip(ev.DIMENSIONS, v, strict=True))
        ),
        min_size=5,
        max_size=25,
    )
)
def test_aggregate_stays_on_the_scale_and_counts_every_rater(
    rows: list[dict[str, int]],
) -> None:
    r = ev.aggregate(rows, dimensions=ev.DIMENSIONS, settings=SETTINGS)
    assert r.published and r.raters == len(rows)
    assert r.overall is not None and 1 <= r.overall <= 5
    for d in r.dimensions:
        assert sum(d.histogram) == len(rows)
        assert d.low <= d.mean <= d.high


def test_group_counts_hide_every_group_when_one_is_small() -> None:
    assert ev.group_counts({"presidium": 5, "delegate": 6}, 5) == {
        "presidium": 5,
        "delegate": 6,
        "student": 0,
    }
    assert ev.group_counts({"presidium": 4, "delegate": 6}, 5) is None
    assert ev.group_counts({"presidium": 1, "delegate": 6, "student": 9}, 5) is None


# ------------------------------------------------------------------ validation


def test_validate_scores_both_ends_of_the_scale() -> None:
    assert ev.validate_scores(dict.fromkeys(ev.DIMENSIONS, 1), ev.DIMENSIONS, 5) is None
    assert ev.validate_scores(dict.fromkeys(ev.DIMENSIONS, 5), ev.DIMENSIONS, 5) is None
    for bad in (0, 6):
        refusal = ev.validate_scores(
            dict.fromkeys(ev.DIMENSIONS, bad), ev.DIMENSIONS, 5
        )
        assert refusal is not None and refusal.code == "invalid"


def test_validate_scores_needs_every_dimension_and_no_other() -> None:
    partial = dict.fromkeys(ev.DIMENSIONS[:4], 3)
    assert ev.validate_scores(partial, ev.DIMENSIONS, 5) is not None
    extra = {**dict.fromkeys(ev.DIMENSIONS, 3), "looks": 5}
    assert ev.validate_scores(extra, ev.DIMENSIONS, 5) is not None
    assert ev.validate_scores({**partial, "discipline": True}, ev.DIMENSIONS, 5)


# -------------------------------------------------------------------- sampling


def test_the_sample_is_deterministic_given_the_seed() -> None:
    pool = [f"S{i:03d}" for i in range(200)]
    a = ev.draw_sample(pool, 30, "2026-spring")
    assert a == ev.draw_sample(list(reversed(pool)), 30, "2026-spring")
    assert len(a) == 30 and set(a) <= set(pool) and a == sorted(a)
    assert a != ev.draw_sample(pool, 30, "another seed")


def test_the_sample_takes_everyone_when_the_pool_is_small() -> None:
    assert ev.draw_sample(["b", "a", "a"], 30, "x") == ["a", "b"]
    assert ev.draw_sample(["a"], 0, "x") == []


@pytest.mark.parametrize(
    ("candidates", "expected"), [(0, 0), (1, 1), (100, 1), (101, 2), (20000, 200)]
)
def test_report_sample_is_the_share_rounded_up(candidates: int, expected: int) -> None:
    assert ev.report_sample_size(Fraction(1, 100), candidates) == expected


def test_the_period_lifecycle_opens_then_closes_only() -> None:
    lc = EVALUATION_PERIOD
    assert lc.can("planned", "open") and lc.can("open", "closed")
    assert lc.refusal("closed", "open") is not None
    assert lc.refusal("planned", "closed") is not None


# ------------------------------------------------------------------------ CAD-4


def _with_semester(b, **kw):  # type: ignore[no-untyped-def]
    reg = b.build()
    presidium = sorted(
        p.person
        for p in reg.positions_of["U"]
        if p.role in (Role.PRESIDENT, Role.VICE_PRESIDENT)
    )
    sem = Semester(
        "U",
        "2024-spring",
        date(2024, 2, 20),
        date(2024, 6, 20),
        closed=kw.pop("closed", False),
        reports=tuple(kw.pop("reports", presidium)),
    )
    return replace(reg, semesters=(sem,)), presidium


def test_cad4_every_presidium_member_reported_no_finding() -> None:
    reg, _ = _with_semester(compliant())
    assert list(semester_reports(AuditContext(reg, AS_OF))) == []


def test_cad4_a_missing_report_in_a_finished_semester_is_a_violation() -> None:
    b = compliant()
    reg, presidium = _with_semester(b)
    reg, _ = _with_semester(b, reports=presidium[1:])
    found = [f for f in audit(reg, as_of=AS_OF).findings if f.requirement == "CAD-4"]
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.severity) == ("CAD-4.report-missing", Severity.VIOLATION)
    assert f.evidence["person"] == presidium[0]
    assert f.evidence["semester"] == "2024-spring"
    assert "GS-12" in f.clauses


def test_cad4_a_semester_still_running_is_not_audited() -> None:
    b = compliant()
    reg, _ = _with_semester(b, reports=())
    day_before_end = date(2024, 6, 20)
    assert list(semester_reports(AuditContext(reg, day_before_end))) == []
    assert len(list(semester_reports(AuditContext(reg, date(2024, 6, 21))))) == 5


def test_cad4_a_closed_semester_is_audited_even_before_its_last_day() -> None:
    reg, _ = _with_semester(compliant(), reports=(), closed=True)
    assert len(list(semester_reports(AuditContext(reg, date(2024, 3, 1))))) == 5


def test_cad4_under_cqtgu_cites_cq7() -> None:
    reg, _ = _with_semester(compliant("cqtgu-2017"))
    reg = replace(reg, semesters=(replace(reg.semesters[0], reports=()),))
    found = list(semester_reports(AuditContext(reg, AS_OF)))
    assert found and all("CQ-7" in f.clauses for f in found)
