"""ORG-15 · GS-9, CQ-4: flat functional departments (按照扁平化方式改革职能部门设置，减少管理层次).

A unit under a functional department (a group, a sub-department) is a management layer;
the profile allows ``department_sub_layers_max`` of them (0, Tongxue's reading, with its
note), and a layer more is a deviation (D) a recorded justification may answer.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import Justification, OrgKind
from tongxue.domain.profiles import ProfileError, get_profile, load_profile
from tongxue.domain.rule_ids import DEVIATIONS

PROFILES = [("gansu-2017", ("GS-9",)), ("cqtgu-2017", ("CQ-4",))]
PARAM = "department_sub_layers_max"


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_no_layer_under_a_department_is_flat(
    profile: str, clauses: tuple[str, ...]
) -> None:
    assert rules(compliant(profile), "ORG-15") == []


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_one_unit_under_a_department_is_a_layer_too_many(
    profile: str, clauses: tuple[str, ...]
) -> None:
    b = compliant(profile)
    b.dept("U-O-G", "U-O")
    f = only(b, "ORG-15")
    assert f.rule == "ORG-15.department-layers" and f.organisation == "U-O"
    assert f.severity == Severity.DEVIATION and f.clauses == clauses
    assert f.evidence["layers"] == 1 and f.evidence["limit"] == 0
    assert f.evidence["sub_units"] == 1 and f.evidence["units"] == "U-O-G"
    assert f.remedy.startswith("Attach the sub-units of a functional department")


def test_any_kind_of_unit_is_a_layer_and_each_department_is_judged() -> None:
    b = compliant()
    b.org("U-O-X", OrgKind.CLUB, "U-O")
    b.dept("U-R-G1", "U-R")
    b.dept("U-R-G2", "U-R")
    found = {f.organisation: f for f in findings(b, "ORG-15")}
    assert set(found) == {"U-O", "U-R"}
    assert found["U-R"].evidence["layers"] == 1
    assert found["U-R"].evidence["sub_units"] == 2


def test_two_layers_are_counted_once_at_the_topmost_department() -> None:
    b = compliant()
    b.dept("U-O-G", "U-O")
    b.dept("U-O-G-T", "U-O-G")
    f = only(b, "ORG-15")
    assert f.organisation == "U-O"
    assert f.evidence["layers"] == 2 and f.evidence["units"] == "U-O-G, U-O-G-T"


def test_a_justification_answers_the_layer_it_was_recorded_for() -> None:
    assert "ORG-15.department-layers" in DEVIATIONS
    b = compliant()
    b.dept("U-O-G", "U-O")
    b.justifications.append(
        Justification(
            "U-O",
            "ORG-15.department-layers",
            "新媒体组 runs the union's accounts",
            "League",
            AS_OF,
            evidence={"layers": 1, "limit": 0},
        )
    )
    assert only(b, "ORG-15").justified
    b.dept("U-O-G-T", "U-O-G")  # a second layer: a new occurrence
    assert not only(b, "ORG-15").justified


@pytest.mark.parametrize(("profile", "clauses"), PROFILES)
def test_the_depth_is_a_profile_parameter_with_its_note(
    profile: str, clauses: tuple[str, ...]
) -> None:
    p = get_profile(profile)
    param = p.param(PARAM)
    assert p.int(PARAM) == 0 and param.clauses == clauses
    assert param.requirement == "ORG-15" and "扁平化" in param.note


def test_a_derived_profile_may_not_allow_a_layer(tmp_path: Path) -> None:
    path = tmp_path / "loose.toml"
    path.write_text(
        '[profile]\ncode = "loose"\nextends = "gansu-2017"\n'
        f"[parameters.{PARAM}]\nvalue = 1\n"
    )
    with pytest.raises(ProfileError, match=PARAM):
        load_profile(path)


def test_a_sub_unit_without_a_functional_department_above_is_not_judged() -> None:
    """Units under the union itself (not under a department) are not ORG-15's concern."""
    b = compliant()
    b.organisations["U-O"] = replace(b.organisations["U-O"], kind=OrgKind.CLUB)
    b.dept("U-O-G", "U-O")
    assert rules(b, "ORG-15") == []
