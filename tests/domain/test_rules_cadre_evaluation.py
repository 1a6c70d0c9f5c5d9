"""CAD-3 · GS-12, CQ-7: each union evaluates its core and main cadres with students.

``compliant()`` evaluates U (school union) and D (department union) in a period that
ended on 2024-01-15, published, on the five dimensions, 40 of 50 raters taking part.
The interval is ``cadre_evaluation_max_interval_months`` (12, Tongxue's number): on
AS_OF = 2024-06-30 an evaluation is due by 2023-06-30.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, Builder, compliant, findings, rules
from tongxue.domain.evaluation import DIMENSION_LABELS, DIMENSIONS
from tongxue.domain.evidence import EVIDENCE_LABELS, VALUE_LABELS
from tongxue.domain.findings import Severity
from tongxue.domain.guards import new_violations
from tongxue.domain.model import OrgKind, Position, Role, SchoolType
from tongxue.domain.profiles import Parameter, Profile, get_profile
from tongxue.domain.rule_ids import RULE_IDS_BY_REQUIREMENT
from tongxue.domain.rules.evaluation import INTERVAL, MIN_SHARE

PROFILES = ("gansu-2017", "cqtgu-2017")
DUE = date(2023, 6, 30)  # 12 months before AS_OF


def without_evaluations(profile: str = "gansu-2017", *keep: str) -> Builder:
    b = compliant(profile)
    b.evaluations = [e for e in b.evaluations if e.organisation in keep]
    return b


def cad3(source: Builder, **kw: object) -> list[str]:
    return rules(source, "CAD-3", **kw)  # type: ignore[arg-type]


def with_share(share: str, base: str = "gansu-2017") -> Profile:
    """A profile that sets the participation share the plans leave open."""
    profile = get_profile(base)
    clause = "GS-12" if base == "gansu-2017" else "CQ-7"
    return replace(
        profile,
        code=f"{base}-share",
        parameters={
            **profile.parameters,
            MIN_SHARE: Parameter(
                MIN_SHARE, share, "CAD-3", (clause,), "up", "Set by the school."
            ),
        },
    )


@pytest.mark.parametrize("profile", PROFILES)
def test_both_profiles_set_the_interval_with_a_note_and_no_share(profile: str) -> None:
    p = get_profile(profile)
    assert p.int(INTERVAL) == 12
    assert p.param(INTERVAL).requirement == "CAD-3" and p.param(INTERVAL).note
    assert not p.has(MIN_SHARE)  # "广泛吸纳广大同学参与": no number in the plans


@pytest.mark.parametrize("profile", PROFILES)
def test_the_compliant_university_has_no_cad3_finding(profile: str) -> None:
    assert cad3(compliant(profile)) == []


# ------------------------------------------------------------------ the interval


@pytest.mark.parametrize("profile", PROFILES)
def test_an_evaluation_ending_on_the_due_day_is_within_the_interval(
    profile: str,
) -> None:
    b = without_evaluations(profile, "D")
    b.evaluate("U", DUE)
    assert cad3(b) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_one_day_earlier_is_overdue(profile: str) -> None:
    b = without_evaluations(profile, "D")
    b.evaluate("U", DUE - timedelta(days=1), code="2022-2")
    (f,) = findings(b, "CAD-3")
    assert (f.rule, f.organisation, f.severity) == (
        "CAD-3.evaluation-overdue",
        "U",
        Severity.VIOLATION,
    )
    assert f.evidence == {
        "period": "2022-2",
        "last_evaluation": "2023-06-29",
        "max_interval_months": 12,
        "due": "2023-06-30",
    }
    assert f.clauses == (("GS-12",) if profile == "gansu-2017" else ("CQ-7",))
    assert "2023-06-29" in f.message.render() and "2023-06-30" in f.message.render()


@pytest.mark.parametrize("profile", PROFILES)
def test_a_union_and_a_department_union_without_any_evaluation(profile: str) -> None:
    found = findings(without_evaluations(profile), "CAD-3")
    assert sorted((f.organisation, f.rule) for f in found) == [
        ("D", "CAD-3.no-evaluation"),
        ("U", "CAD-3.no-evaluation"),
    ]
    assert all(f.severity == Severity.VIOLATION for f in found)


def test_the_union_of_a_secondary_school_is_not_judged() -> None:
    b = compliant()
    b.school("M", school_type=SchoolType.MIDDLE_SCHOOL)
    b.org("M-U", OrgKind.SCHOOL_UNION, "M", students_served=900)
    assert [f.organisation for f in findings(b, "CAD-3")] == []


def test_a_period_under_way_is_shown_not_counted() -> None:
    b = without_evaluations("gansu-2017", "D")
    b.evaluate("U", AS_OF, code="now", published=False)  # last day today: not over
    (f,) = findings(b, "CAD-3")
    assert f.rule == "CAD-3.no-evaluation"
    assert f.evidence["next_period"] == "now"
    assert f.evidence["next_period_end"] == AS_OF.isoformat()


def test_a_period_over_yesterday_counts_and_its_results_are_due() -> None:
    b = without_evaluations("gansu-2017", "D")
    b.evaluate("U", AS_OF - timedelta(days=1), code="just", published=False)
    (f,) = findings(b, "CAD-3")
    assert f.rule == "CAD-3.results-unpublished"
    assert f.evidence["period"] == "just"


def test_a_period_closed_before_its_last_day_counts() -> None:
    b = without_evaluations("gansu-2017", "D")
    b.evaluate("U", AS_OF + timedelta(days=30), code="early", published=True)
    assert cad3(b) == []


# --------------------------------------------------------------- the evaluation


@pytest.mark.parametrize("missing", DIMENSIONS)
@pytest.mark.parametrize("profile", PROFILES)
def test_each_missing_dimension_is_named(missing: str, profile: str) -> None:
    b = compliant(profile)
    b.evaluations[0] = replace(
        b.evaluations[0], dimensions=tuple(d for d in DIMENSIONS if d != missing)
    )
    (f,) = findings(b, "CAD-3")
    assert (f.rule, f.organisation, f.severity) == (
        "CAD-3.dimension-missing",
        "U",
        Severity.VIOLATION,
    )
    assert f.evidence["dimension"] == missing
    assert f.evidence["dimension_label"] == DIMENSION_LABELS[missing]
    assert DIMENSION_LABELS[missing] in f.message.render()
    # participation is reported with the finding (not judged)
    assert f.evidence["participation_percent"] == "80%"


def test_a_period_rating_one_dimension_gets_four_findings() -> None:
    b = compliant()
    b.evaluations[0] = replace(b.evaluations[0], dimensions=("political",))
    assert cad3(b) == ["CAD-3.dimension-missing"] * 4


def test_dimensions_not_recorded_are_incomplete_data() -> None:
    b = compliant()
    b.evaluations[0] = replace(b.evaluations[0], dimensions=())
    (f,) = findings(b, "CAD-3")
    assert (f.rule, f.severity) == ("CAD-3.dimensions-unknown", Severity.INCOMPLETE)


@pytest.mark.parametrize("profile", PROFILES)
def test_results_not_published_after_the_period(profile: str) -> None:
    b = compliant(profile)
    b.evaluations[1] = replace(b.evaluations[1], published=False)
    (f,) = findings(b, "CAD-3")
    assert (f.rule, f.organisation, f.severity) == (
        "CAD-3.results-unpublished",
        "D",
        Severity.VIOLATION,
    )
    assert f.evidence["period_end"] == "2024-01-15"


@pytest.mark.parametrize(
    ("field", "value", "counted"),
    [
        ("cadres", 0, False),
        ("participants", 0, False),
        ("cadres", 1, True),
        ("participants", 1, True),
        ("cadres", None, True),  # not recorded: not held against it
        ("participants", None, True),
    ],
)
def test_a_period_that_rated_no_cadre_or_had_no_rater_does_not_count(
    field: str, value: int | None, counted: bool
) -> None:
    b = compliant()
    b.evaluations[0] = replace(b.evaluations[0], **{field: value})
    found = findings(b, "CAD-3")
    if counted:
        assert found == []
    else:
        (f,) = found
        assert f.rule == "CAD-3.no-evaluation"
        assert f.evidence["not_counted"] == b.evaluations[0].code


def test_an_older_evaluation_is_the_last_one_when_the_newest_did_not_count() -> None:
    b = without_evaluations("gansu-2017", "D")
    b.evaluate("U", date(2022, 1, 15), code="old")
    b.evaluate("U", date(2024, 1, 15), code="empty", cadres=0)
    (f,) = findings(b, "CAD-3")
    assert f.rule == "CAD-3.evaluation-overdue"
    assert f.evidence["period"] == "old"
    assert f.evidence["not_counted"] == "empty"


# ------------------------------------------------------------------ participation


def test_participation_is_reported_not_judged_without_a_share() -> None:
    b = compliant()
    b.evaluations[0] = replace(b.evaluations[0], participants=1, eligible=500)
    assert cad3(b) == []


@pytest.mark.parametrize("base", PROFILES)
def test_a_profile_share_is_judged_on_both_sides(base: str) -> None:
    profile = with_share("60/100", base)
    b = compliant(base)
    b.evaluations[0] = replace(b.evaluations[0], participants=30, eligible=50)
    b.evaluations[1] = replace(b.evaluations[1], participants=29, eligible=50)
    (f,) = findings(b, "CAD-3", profile=profile)
    assert (f.rule, f.organisation) == ("CAD-3.participation-share", "D")
    assert f.evidence["required"] == 30
    assert f.evidence["participation_percent"] == "58%"
    assert f.evidence["min_percent"] == "60%"
    assert f.clauses == (("GS-12",) if base == "gansu-2017" else ("CQ-7",))


@pytest.mark.parametrize(("participants", "eligible"), [(None, 50), (30, None), (0, 0)])
def test_a_profile_share_without_the_counts_is_incomplete(
    participants: int | None, eligible: int | None
) -> None:
    b = compliant()
    b.evaluations[0] = replace(
        b.evaluations[0], participants=participants, eligible=eligible
    )
    found = findings(b, "CAD-3", profile=with_share("60/100"))
    if participants == 0:  # nobody rated: not an evaluation at all
        assert [f.rule for f in found] == ["CAD-3.no-evaluation"]
        return
    (f,) = found
    assert (f.rule, f.severity) == ("CAD-3.participation-unknown", Severity.INCOMPLETE)


# ----------------------------------------------------------------- around the rule


def test_every_id_and_evidence_key_is_declared_and_labelled() -> None:
    b = without_evaluations("gansu-2017")
    b.evaluate("U", AS_OF, code="now", published=False)
    b.evaluate("D", date(2022, 1, 1), code="old")
    b.evaluate("D", date(2024, 1, 1), code="none", participants=0)
    odd = compliant()
    odd.evaluations[0] = replace(
        odd.evaluations[0], dimensions=("political",), published=False
    )
    odd.evaluations[1] = replace(odd.evaluations[1], dimensions=(), participants=None)
    found = [
        *findings(b, "CAD-3"),
        *findings(odd, "CAD-3", profile=with_share("99/100")),
    ]
    declared = {f"CAD-3.{slug}" for slug in RULE_IDS_BY_REQUIREMENT["CAD-3"]}
    assert {f.rule for f in found} == declared
    keys = {k for f in found for k in f.evidence if not k.endswith("_label")}
    assert keys <= set(EVIDENCE_LABELS)
    assert set(VALUE_LABELS["dimension"]) >= set(DIMENSIONS)


def test_appointing_a_cadre_where_no_evaluation_is_on_record_is_not_refused() -> None:
    """CAD-3 is reported whether or not the union has cadres: the first appointment at
    a union without an evaluation is no new violation for the guards."""
    b = without_evaluations("gansu-2017", "U")
    before = b.build()
    b.positions.append(Position("D", "p-new", Role.PRESIDENT, "主席", date(2024, 6, 1)))
    after = b.build()
    assert [
        f.rule
        for f in new_violations(before, after, as_of=AS_OF, requirements=["CAD-3"])
    ] == []
