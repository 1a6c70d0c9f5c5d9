"""Rules as guards: a write may not create a violation or make one worse
(conventions; ORG-2 · GS-9, CQ-4 and the others the audit checks).

The guards compare each violation after the write with the same finding before it
(same rule, organisation and subject) by its measure, e.g. the vice-presidents above
the maximum. The ORG-2 tests narrow the guard to ORG-2 so that rules other helpers add
to the baseline (an appointment without an election, ELE-1) do not blur what is shown.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.domain.builders import AS_OF, compliant
from tongxue.domain.findings import Refusal
from tongxue.domain.guards import (
    MEASURES,
    compare,
    measure,
    new_violations,
    refuse_new_violations,
)
from tongxue.domain.model import Role
from tongxue.domain.requirements import REQUIREMENTS

ORG = ["ORG-2", "ORG-3", "ORG-5", "ORG-7"]


def _new(before, after, requirements=ORG):  # type: ignore[no-untyped-def]
    return new_violations(before, after, as_of=AS_OF, requirements=requirements)


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_appointing_a_seventh_vice_president_is_a_new_violation(profile: str) -> None:
    b = compliant(profile)
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    assert _new(before, before) == []
    b.post("U", Role.VICE_PRESIDENT)
    (f,) = _new(before, b.build())
    assert f.rule == "ORG-2.vice-presidents-max"
    with pytest.raises(Refusal) as exc:
        refuse_new_violations(before, b.build(), as_of=AS_OF, requirements=ORG)
    assert exc.value.code == "ORG-2.vice-presidents-max"
    assert exc.value.requirement == "ORG-2"
    # the governing plan's clause only
    assert exc.value.clauses == (("GS-9",) if profile == "gansu-2017" else ("CQ-4",))


def test_with_seven_vice_presidents_an_eighth_is_refused() -> None:
    """Issue #12: a violation may not grow (7 → 8 above the maximum of 6)."""
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)  # 7: already a violation
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    (change,) = compare(before, b.build(), as_of=AS_OF, requirements=["ORG-2"])
    assert change.before is not None
    assert (measure(change.before), measure(change.after)) == (1, 2)
    assert change.worse
    with pytest.raises(Refusal) as exc:
        refuse_new_violations(before, b.build(), as_of=AS_OF, requirements=ORG)
    assert exc.value.code == "ORG-2.vice-presidents-max"
    assert exc.value.message.params["vice_presidents"] == 8


def test_with_two_presidents_a_third_is_refused() -> None:
    b = compliant()
    b.post("U", Role.PRESIDENT)  # 2: already a violation
    before = b.build()
    b.post("U", Role.PRESIDENT)
    (f,) = _new(before, b.build())
    assert (f.rule, f.evidence["presidents"]) == ("ORG-2.president-count", 3)


def test_removing_a_president_or_vice_president_repairs_and_is_allowed() -> None:
    b = compliant()
    b.post("U", Role.PRESIDENT)
    b.posts("U", Role.VICE_PRESIDENT, 4)  # 2 presidents, 8 vice-presidents
    before = b.build()
    b.remove_posts("U", Role.VICE_PRESIDENT)  # 7: still a violation, but smaller
    changes = compare(before, b.build(), as_of=AS_OF, requirements=["ORG-2"])
    assert sorted((c.after.rule, c.worse) for c in changes) == [
        ("ORG-2.president-count", False),
        ("ORG-2.vice-presidents-max", False),
    ]
    refuse_new_violations(before, b.build(), as_of=AS_OF, requirements=ORG)
    middle = b.build()
    b.positions = [
        p for p in b.positions if not (p.role == Role.PRESIDENT and p.person != "p1")
    ]
    assert _new(middle, b.build()) == []  # the president count is repaired


def test_an_unrelated_write_at_the_same_organisation_is_allowed() -> None:
    """7 vice-presidents stay 7 while a secretary-general or a member is appointed."""
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)
    b.remove_posts("U", Role.SECRETARY_GENERAL)  # 0 secretaries-general: a violation
    before = b.build()
    b.post("U", Role.MEMBER, title="干事")
    assert _new(before, b.build()) == []
    b.post("U", Role.SECRETARY_GENERAL, b.person("sg2", kind=before.person["sg"].kind))
    assert _new(before, b.build()) == []  # repairs ORG-3, leaves ORG-2 as it was
    refuse_new_violations(before, b.build(), as_of=AS_OF, requirements=ORG)


def test_a_write_that_creates_a_second_problem_of_a_rule_without_measure_is_refused() -> (
    None
):
    """ORG-5 has no measure: each assistant title is its own finding (by title)."""
    b = compliant()
    b.post("U-O", Role.MEMBER, title="主席助理")
    before = b.build()
    b.post("U", Role.MEMBER, title="干事")
    assert _new(before, b.build()) == []  # the existing title alone: allowed
    b.post("U-O", Role.MEMBER, title="部长助理")
    (f,) = _new(before, b.build())
    assert f.evidence["title"] == "部长助理"


def test_a_seventh_for_a_branch_campus_is_allowed() -> None:
    b = compliant()
    b.update("S", branch_campuses=1)
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT, branch_campus=True)
    b.post("U", Role.VICE_PRESIDENT, branch_campus=True)  # no cap: the plan has none
    assert _new(before, b.build()) == []


def test_a_branch_campus_vice_president_without_a_campus_is_refused() -> None:
    b = compliant()
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT, branch_campus=True)
    (f,) = _new(before, b.build())
    assert f.rule == "ORG-2.branch-campus-vice-presidents"


@pytest.mark.parametrize("existing", [2, 3])
def test_moving_towards_the_minimum_is_not_refused(existing: int) -> None:
    """A union short of vice-presidents may appoint one (3 → 4, 2 → 3)."""
    b = compliant()
    b.remove_posts("U", Role.VICE_PRESIDENT, 4 - existing)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    assert _new(before, b.build()) == []
    refuse_new_violations(before, b.build(), as_of=AS_OF, requirements=ORG)


def test_moving_away_from_the_minimum_is_refused() -> None:
    """3 vice-presidents → 2 (ending a post) makes the shortfall worse."""
    b = compliant()
    b.remove_posts("U", Role.VICE_PRESIDENT)
    before = b.build()
    b.remove_posts("U", Role.VICE_PRESIDENT)
    (f,) = _new(before, b.build())
    assert (f.rule, f.evidence["vice_presidents"]) == ("ORG-2.vice-presidents-min", 2)


def test_deviations_are_not_refused() -> None:
    """ORG-4 (D): a third deputy is a deviation to justify, not a refusal."""
    b = compliant()
    before = b.build()
    b.post("U-O", Role.DEPARTMENT_DEPUTY)
    assert _new(before, b.build(), requirements=["ORG-4"]) == []


def test_requirements_narrow_the_guard() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    assert _new(before, b.build(), requirements=["ORG-5"]) == []
    assert len(_new(before, b.build(), requirements=["ORG-2"])) == 1


def test_every_measure_names_a_rule_of_the_catalogue() -> None:
    for rule_id in MEASURES:
        assert rule_id.split(".", 1)[0] in REQUIREMENTS


def test_a_measure_that_cannot_be_read_counts_as_present() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 3)
    (change,) = compare(b.build(), b.build(), as_of=AS_OF, requirements=["ORG-2"])
    broken = replace(change.after, evidence={})
    assert measure(broken) == 1
