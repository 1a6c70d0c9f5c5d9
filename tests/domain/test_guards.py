"""Rules as guards: only new violations are refused (conventions; ORG-2 · GS-9, CQ-4)."""

from __future__ import annotations

import pytest

from tests.domain.builders import AS_OF, compliant
from tongxue.domain.findings import Refusal
from tongxue.domain.guards import new_violations, refuse_new_violations
from tongxue.domain.model import Role


def test_appointing_a_seventh_vice_president_is_a_new_violation() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    (f,) = new_violations(before, b.build(), as_of=AS_OF)
    assert f.rule == "ORG-2.vice-presidents-max"
    with pytest.raises(Refusal) as exc:
        refuse_new_violations(before, b.build(), as_of=AS_OF)
    assert exc.value.code == "ORG-2.vice-presidents-max"
    assert exc.value.requirement == "ORG-2"
    assert exc.value.clauses == ("GS-9",)


def test_a_seventh_for_a_branch_campus_is_allowed() -> None:
    b = compliant()
    b.update("S", branch_campuses=1)
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT, branch_campus=True)
    assert new_violations(before, b.build(), as_of=AS_OF) == []


@pytest.mark.parametrize("existing", [2, 3])
def test_moving_towards_the_minimum_is_not_refused(existing: int) -> None:
    """A union short of vice-presidents may appoint one (3 → 4, 2 → 3)."""
    b = compliant()
    b.remove_posts("U", Role.VICE_PRESIDENT, 4 - existing)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    assert new_violations(before, b.build(), as_of=AS_OF) == []
    refuse_new_violations(before, b.build(), as_of=AS_OF)


def test_deviations_are_not_refused() -> None:
    """ORG-4 (D): a third deputy is a deviation to justify, not a refusal."""
    b = compliant()
    before = b.build()
    b.post("U-O", Role.DEPARTMENT_DEPUTY)
    assert new_violations(before, b.build(), as_of=AS_OF) == []


def test_a_second_assistant_title_is_new() -> None:
    b = compliant()
    b.post("U-O", Role.MEMBER, title="主席助理")
    before = b.build()
    b.post("U-O", Role.MEMBER, title="部长助理")
    (f,) = new_violations(before, b.build(), as_of=AS_OF)
    assert f.evidence["title"] == "部长助理"


def test_requirements_narrow_the_guard() -> None:
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 2)
    before = b.build()
    b.post("U", Role.VICE_PRESIDENT)
    assert new_violations(before, b.build(), as_of=AS_OF, requirements=["ORG-5"]) == []
    assert (
        len(new_violations(before, b.build(), as_of=AS_OF, requirements=["ORG-2"])) == 1
    )
