"""CON-12 · GS-4: the federation congress covers every school type and every county with
a secondary school, and seats enough students who are not cadres."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.domain.builders import Builder, findings, rules
from tests.domain.federation_builders import (
    cadre,
    congress,
    covered,
    federation,
    student,
)
from tongxue.domain.findings import Severity
from tongxue.domain.model import OrgKind, Role, SchoolType
from tongxue.domain.profiles import Profile, get_profile, load_profile
from tongxue.domain.rules.federation import SHARE_PARAM


def test_every_type_and_county_covered_and_enough_non_cadres() -> None:
    b = federation()
    congress(b, covered(b))
    assert rules(b, "CON-12") == []


def test_no_congress_no_finding() -> None:
    assert rules(federation(), "CON-12") == []


def test_missing_school_type_and_its_county() -> None:
    """Without the secondary vocational school's delegate the type is uncovered, and its
    county K1 (which also has the university, not a secondary school) too."""
    b = federation()
    congress(b, tuple(student(b, s) for s in ("U1", "M1", "M2")))
    found = {f.rule: f for f in findings(b, "CON-12")}
    assert set(found) == {"CON-12.school-type-uncovered", "CON-12.county-uncovered"}
    t = found["CON-12.school-type-uncovered"]
    assert t.severity == Severity.VIOLATION and t.clauses == ("GS-4",)
    assert t.evidence["missing_types"] == "secondary_vocational"
    assert t.evidence["missing_count"] == 1 and t.evidence["present_count"] == 3
    c = found["CON-12.county-uncovered"]
    assert c.evidence["missing_counties"] == ["K1"]
    assert c.evidence["county_count"] == 3


def test_missing_county_only() -> None:
    """M2 is the only secondary school of K3: without its delegate K3 is uncovered while
    middle schools are still covered by M1."""
    b = federation()
    congress(b, tuple(student(b, s) for s in ("U1", "V1", "M1")))
    f = findings(b, "CON-12")
    assert [x.rule for x in f] == ["CON-12.county-uncovered"]
    assert f[0].evidence["missing_counties"] == ["K3"]


def test_a_university_delegate_does_not_cover_a_county() -> None:
    b = federation()
    b.school("U2", school_type=SchoolType.GENERAL_UNIVERSITY, parent="C2", county="K3")
    b.org("U2-U", OrgKind.SCHOOL_UNION, "U2")
    b.org("U2-D", OrgKind.DEPARTMENT_UNION, "U2-U")
    congress(b, tuple(student(b, s) for s in ("U1", "V1", "M1", "U2")))
    assert rules(b, "CON-12") == ["CON-12.county-uncovered"]


def test_unknown_school_with_a_gap_is_incomplete_not_a_violation() -> None:
    b = federation()
    congress(b, (*(student(b, s) for s in ("U1", "M1", "M2")), student(b, None)))
    f = findings(b, "CON-12")
    assert [x.rule for x in f] == ["CON-12.delegate-school-unknown"]
    assert f[0].severity == Severity.INCOMPLETE
    assert f[0].evidence["unknown"] == 1 and f[0].evidence["gaps"] == 2


def test_unknown_school_without_a_gap_is_fine() -> None:
    b = federation()
    congress(b, (*covered(b), student(b, None)))
    assert rules(b, "CON-12") == []


def test_school_found_through_a_position() -> None:
    """A delegate without department or class counts for the school where they hold a
    post (the province demo's cadres)."""
    b = federation()
    pid = b.person()
    b.post("V1-U", Role.MEMBER, pid)
    congress(b, (*(student(b, s) for s in ("U1", "M1", "M2")), pid))
    assert rules(b, "CON-12") == []


def test_delegate_from_outside_the_area_covers_nothing() -> None:
    b = federation()
    b.school("X", school_type=SchoolType.SECONDARY_VOCATIONAL, county="K1")
    b.org("X-U", OrgKind.SCHOOL_UNION, "X")
    b.org("X-D", OrgKind.DEPARTMENT_UNION, "X-U")
    congress(b, (*(student(b, s) for s in ("U1", "M1", "M2")), student(b, "X")))
    assert rules(b, "CON-12") == [
        "CON-12.county-uncovered",
        "CON-12.school-type-uncovered",
    ]


def test_school_without_type_is_incomplete() -> None:
    b = federation()
    b.update("M2", school_type=None)
    congress(b, covered(b))
    f = findings(b, "CON-12")
    assert [x.rule for x in f] == ["CON-12.school-data-missing"]
    assert f[0].severity == Severity.INCOMPLETE
    assert f[0].evidence["schools_without_type"] == 1


def test_no_delegates_is_incomplete() -> None:
    b = federation()
    congress(b, ())
    f = findings(b, "CON-12")
    assert [x.rule for x in f] == ["CON-12.data-missing"]
    assert f[0].severity == Severity.INCOMPLETE


def _with_share(tmp_path: Path, share: str = "60/100") -> Profile:
    """A federation's own profile setting the share the plan leaves open (一定比例)."""
    path = tmp_path / "federation.toml"
    path.write_text(
        '[profile]\ncode = "fed-share"\nextends = "gansu-2017"\n'
        f'[parameters.{SHARE_PARAM}]\nvalue = "{share}"\nrequirement = "CON-12"\n'
        'clauses = ["GS-4"]\ntighten = "up"\n'
        'note = "Set by the federation; the plan names no number."\n',
        encoding="utf-8",
    )
    return load_profile(path)


def _ten(b: Builder, cadres: int) -> None:
    """A congress of 10 delegates covering everything, ``cadres`` of them cadres."""
    seats = [*covered(b)]
    seats += [student(b, "U1") for _ in range(6 - cadres + 4 - len(seats))]
    seats += [cadre(b, s) for s in ("U1", "V1", "M1", "M2", "U1")[:cadres]]
    congress(b, tuple(seats))


def test_non_cadre_share_at_the_threshold_passes(tmp_path: Path) -> None:
    """60/100 of 10 delegates: 6 non-cadres meet it (4 covering + 2 more), 4 cadres."""
    b = federation()
    _ten(b, 4)
    assert rules(b, "CON-12", profile=_with_share(tmp_path)) == []


def test_non_cadre_share_below_the_threshold(tmp_path: Path) -> None:
    """5 non-cadres of 10 (50%) < 60%: 6 were needed."""
    b = federation()
    _ten(b, 5)
    f = findings(b, "CON-12", profile=_with_share(tmp_path))
    assert [x.rule for x in f] == ["CON-12.non-cadre-share"]
    ev = f[0].evidence
    assert ev["non_core_delegates"] == 5 and ev["delegates"] == 10
    assert ev["required"] == 6 and ev["min_share"] == "60/100"
    assert f[0].clauses == ("GS-4",)


@pytest.mark.parametrize("cadres", [4, 5])
def test_without_a_share_in_the_profile_the_share_is_not_judged(cadres: int) -> None:
    """ "一定比例" has no number: no built-in profile sets one, so no CON-12 finding on
    the share whatever it is (it is reported on the balance page)."""
    b = federation()
    _ten(b, cadres)
    assert rules(b, "CON-12") == []


def test_a_post_that_ended_before_the_congress_is_not_a_cadre(tmp_path: Path) -> None:
    b = federation()
    seats = [*covered(b), student(b, "U1")]
    ex = [student(b, s) for s in ("U1", "V1", "M1", "M2", "U1")]
    for pid in ex:
        b.post("U1-U", Role.VICE_PRESIDENT, pid, end=date(2023, 12, 31))
    congress(b, (*seats, *ex))
    assert rules(b, "CON-12", profile=_with_share(tmp_path)) == []


def test_the_newest_congress_is_audited() -> None:
    b = federation()
    congress(b, (), opened=date(2020, 1, 1), code="OLD")
    congress(b, covered(b))
    assert rules(b, "CON-12") == []
    # on a day before the new congress, the old one (without delegates) is audited
    assert rules(b, "CON-12", as_of=date(2023, 1, 1)) == ["CON-12.data-missing"]


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_no_built_in_profile_invents_the_share(profile: str) -> None:
    """The plan's "一定比例" has no number: the parameter has no default (issue #12)."""
    assert not get_profile(profile).has(SHARE_PARAM)


def test_a_federation_profile_sets_the_share_with_its_note(tmp_path: Path) -> None:
    p = _with_share(tmp_path, "50/100").param(SHARE_PARAM)
    assert (p.value, p.requirement, p.clauses) == ("50/100", "CON-12", ("GS-4",))
    assert p.note


def test_under_a_profile_without_the_share_only_coverage_is_checked() -> None:
    b = federation("cqtgu-2017")
    seats = [*(student(b, s) for s in ("U1", "V1", "M1", "M2"))]
    seats += [cadre(b, "U1") for _ in range(10)]
    congress(b, tuple(seats))
    assert rules(b, "CON-12") == []
