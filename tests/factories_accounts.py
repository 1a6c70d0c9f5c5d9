"""A small tree for the account tests: federation → school → union → department union."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind


@dataclass
class AccountsTree:
    federation: Any
    school: Any
    union: Any
    dept: Any
    union_admin: Any
    federation_admin: Any
    meeting: Any
    delegates: list[Any] = field(default_factory=list)


def build_tree(*, prefix: str = "A", delegates: int = 3) -> AccountsTree:
    """Create the tree, a union admin at the union, a federation admin at the top,
    and a congress of the union with ``delegates`` delegates in the department."""
    federation = OrganisationFactory(
        code=f"{prefix}FED", name=f"{prefix}省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学", parent=federation)
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}大学学生会", parent=school
    )
    dept = OrganisationFactory(
        code=f"{prefix}DSU",
        name=f"{prefix}法学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    union_admin = UserFactory(username=f"{prefix.lower()}-union-admin")
    RoleFactory(user=union_admin, organisation=union, role=RoleKind.UNION_ADMIN)
    federation_admin = UserFactory(username=f"{prefix.lower()}-fed-admin")
    RoleFactory(
        user=federation_admin, organisation=federation, role=RoleKind.FEDERATION_ADMIN
    )
    meeting = MeetingFactory(code=f"{prefix}CONG", organisation=union)
    people = [
        PersonFactory(
            ident=f"{prefix}ID{k:04d}",
            name=f"{prefix}代表{k}",
            student_number=f"{prefix}SN{k:08d}",
            department=dept,
        )
        for k in range(delegates)
    ]
    for p in people:
        DelegateFactory(meeting=meeting, person=p)
    return AccountsTree(
        federation, school, union, dept, union_admin, federation_admin, meeting, people
    )
