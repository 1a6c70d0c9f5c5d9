"""Findings and coverage as JSON data and back, exactly (#15, tongxue.domain.stored).

The stored audit keeps each finding as JSON; a page, the API and ``tongxue audit
--stored`` read it back. Whatever a rule puts in a finding must come back equal: the
planted findings of every rule, and any value hypothesis can make of the types a rule
may use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongxue.domain.audit import Coverage, all_rules, audit, coverage_of
from tongxue.domain.findings import Finding, Message, Severity
from tongxue.domain.requirements import REQUIREMENTS
from tongxue.domain.snapshot import parse_tables
from tongxue.domain.stored import (
    coverage_from_data,
    coverage_to_data,
    decode,
    encode,
    finding_from_data,
    finding_to_data,
    merge_coverage,
    rule_version,
)

PLANTED = Path(__file__).resolve().parent.parent / "data" / "planted"


def through_json(data: Any) -> Any:
    """What the database gives back: JSON text, keys sorted as jsonb does."""
    return json.loads(json.dumps(data, sort_keys=True, ensure_ascii=False))


def round_trip(finding: Finding) -> Finding:
    return finding_from_data(through_json(finding_to_data(finding)))


# -- values a rule may put in evidence or message parameters ------------------------

atoms = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.just(UTC))
    | st.fractions()
    | st.decimals(allow_nan=False, allow_infinity=False)
)
hashables = st.recursive(
    atoms, lambda inner: st.tuples(inner) | st.lists(inner, max_size=3).map(tuple)
)
values = st.recursive(
    atoms,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.frozensets(hashables, max_size=4)
        | st.sets(hashables, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.sampled_from(["$", "v", "x"]), inner, max_size=3)
        | st.dictionaries(hashables, inner, max_size=3)
    ),
    max_leaves=12,
)
params = st.dictionaries(st.text(max_size=12), values, max_size=5)
messages = st.builds(Message, st.text(), params)
findings = st.builds(
    Finding,
    rule=st.text(),
    requirement=st.text(),
    clauses=st.lists(st.text(max_size=6), max_size=3).map(tuple),
    severity=st.sampled_from(Severity),
    organisation=st.text(),
    message=messages,
    evidence=params,
    justified=st.booleans(),
    justification=st.text(),
    justified_until=st.none() | st.dates(),
    lapsed=st.none() | messages,
    remedy=st.text(),
)


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same type all the way down (1 is not True, (1,) not [1])."""
    if type(a) is not type(b):
        return False
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(values)
def test_every_value_comes_back_equal_and_of_its_type(value: Any) -> None:
    back = decode(through_json(encode(value)))
    assert same(back, value)


@settings(max_examples=200, deadline=None)
@given(findings)
def test_a_finding_comes_back_equal(finding: Finding) -> None:
    assert round_trip(finding) == finding


@given(st.sampled_from([math.inf, -math.inf]))
def test_infinite_floats_are_tagged(value: float) -> None:
    data = encode({"share": value})
    assert data == {"share": {"$": "float", "v": repr(value)}}
    assert decode(through_json(data)) == {"share": value}


def test_plain_json_is_stored_as_it_is() -> None:
    """What JSON can hold is written unchanged: the stored data stays readable."""
    evidence = {"deputies": 3, "limit": 2, "people": ["p1", "p2"], "share": 0.5}
    assert encode(evidence) == evidence
    tagged = encode({"opened": date(2025, 9, 1), "share": Fraction(1, 3)})
    assert tagged == {
        "opened": {"$": "date", "v": "2025-09-01"},
        "share": {"$": "fraction", "v": "1/3"},
    }


def test_a_mapping_with_a_tag_key_is_not_read_as_a_tag() -> None:
    value = {"$": "date", "v": "2025-09-01"}
    assert decode(through_json(encode(value))) == value


def test_a_string_enum_is_stored_as_its_value() -> None:
    data = encode({"severity": Severity.DEVIATION})
    assert data == {"severity": "deviation"} and type(data["severity"]) is str
    assert decode(data) == {"severity": Severity.DEVIATION}


@pytest.mark.parametrize("value", [object(), b"bytes", complex(1, 2)])
def test_a_value_that_would_not_read_back_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        encode({"x": value})


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"format": 2},
        {"$": "date"},
        {"$": "nope", "v": 1},
        {"$": "date", "v": 3},
    ],
)
def test_malformed_data_is_refused(data: Any) -> None:
    with pytest.raises(ValueError):
        if isinstance(data, dict) and "$" in data:
            decode(data)
        else:
            finding_from_data(data)


def test_a_field_of_the_wrong_type_is_refused() -> None:
    finding = Finding(
        "ORG-5.assistant-title",
        "ORG-5",
        ("GS-9",),
        Severity.VIOLATION,
        "U",
        Message("m"),
    )
    data = finding_to_data(finding)
    for key, bad in (("justified", "yes"), ("clauses", "GS-9"), ("rule", None)):
        with pytest.raises(ValueError):
            finding_from_data({**data, key: bad})


# -- the findings of every rule -------------------------------------------------------


@pytest.fixture(scope="module")
def planted() -> list[Finding]:
    out: list[Finding] = []
    for name in ("planted-gansu.json", "planted-cqtgu.json"):
        registry, errors = parse_tables(json.loads((PLANTED / name).read_text()))
        assert errors == []
        out.extend(audit(registry, as_of=date(2026, 6, 30)).findings)
    return out


def test_every_planted_finding_comes_back_equal(planted: list[Finding]) -> None:
    assert len({f.rule for f in planted}) > 40
    for finding in planted:
        assert round_trip(finding) == finding, finding.rule


def test_a_justified_and_a_lapsed_finding_come_back_equal(
    planted: list[Finding],
) -> None:
    deviation = next(f for f in planted if f.severity == Severity.DEVIATION)
    justified = deviation.with_justification("合并过渡", date(2026, 12, 31))
    assert round_trip(justified) == justified
    lapsed = deviation.with_lapsed(
        Message("expired on {day}", {"day": date(2026, 1, 1)})
    )
    assert round_trip(lapsed) == lapsed


# -- coverage ---------------------------------------------------------------------------


def test_coverage_comes_back_equal() -> None:
    coverage = Coverage(("ORG-2", "ORG-3"), ("ORG-6",), ("ORG-1",))
    assert coverage_from_data(through_json(coverage_to_data(coverage))) == coverage
    with pytest.raises(ValueError):
        coverage_from_data({"checked": "ORG-2"})


def test_merged_coverage_is_the_coverage_of_all_findings(
    planted: list[Finding],
) -> None:
    """The subtree's coverage from its organisations' equals the audit's own."""
    ruled = [s.requirement for s in all_rules()]
    by_org: dict[str, list[Finding]] = {}
    for f in planted:
        by_org.setdefault(f.organisation, []).append(f)
    assert any(f.severity == Severity.INCOMPLETE for f in planted)
    per_org = [coverage_of(ruled, fs) for fs in by_org.values()]
    assert merge_coverage(per_org) == coverage_of(ruled, planted)
    assert merge_coverage([]) == Coverage(no_rule=tuple(REQUIREMENTS))


def test_the_rule_version_is_short_stable_and_follows_the_package() -> None:
    version = rule_version("0.1.0")
    assert len(version) == 12 and int(version, 16) >= 0
    assert rule_version("0.1.0") == version
    assert rule_version("0.2.0") != version


def test_justification_dates_are_plain_in_the_data() -> None:
    finding = Finding(
        "ORG-4.department-deputies",
        "ORG-4",
        ("GS-9",),
        Severity.DEVIATION,
        "D",
        Message("m", {"org": "部"}),
        {"deputies": 3, "limit": 2},
    ).with_justification("r", date(2026, 6, 30))
    data = finding_to_data(finding)
    assert data["justified_until"] == "2026-06-30" and data["justified"] is True


def test_datetimes_keep_their_time_zone() -> None:
    moment = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    assert decode(through_json(encode(moment))) == moment
    assert decode(through_json(encode(Decimal("1.50")))) == Decimal("1.50")
