"""Factories and a builder for evaluation tests (CAD-3, CAD-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.organisations.models import OrgKind, Person, Role

START = dt.date(2026, 3, 1)
END = dt.date(2026, 7, 15)
DURING = dt.date(2026, 4, 1)


@dataclass
class EvalUnion:
    """A school, its union, a presidium, a department head, delegates and students."""

    school: Any
    union: Any
    department_union: Any
    admin: Any
    president: Any  # Position
    vice_presidents: list[Any]
    head: Any  # Position of a functional department head (a core cadre)
    delegates: list[Person]
    students: list[Person]
    users: dict[str, Any] = field(default_factory=dict)


def person_with_user(ident: str, **kwargs: Any) -> Person:
    user = UserFactory(username=ident.lower())
    return PersonFactory(ident=ident, user=user, **kwargs)


def build_union(
    *,
    prefix: str = "E",
    delegates: int = 6,
    students: int = 12,
    vps: int = 4,
    union_code: str | None = None,
) -> EvalUnion:
    """Build a union whose evaluation has enough raters to publish (min 5)."""
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}评议大学")
    union = OrganisationFactory(
        code=union_code or f"{prefix}SU", name=f"{prefix}评议大学学生会", parent=school
    )
    dept_union = OrganisationFactory(
        code=f"{prefix}D1",
        name=f"{prefix}文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=school,
        students_served=500,
    )
    functional = OrganisationFactory(
        code=f"{prefix}QY",
        name=f"{prefix}权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    admin = UserFactory(username=f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union)

    def cadre(ident: str, org: Any, role: str, title: str) -> Any:
        return PositionFactory(
            organisation=org,
            person=person_with_user(ident, department=dept_union),
            role=role,
            title=title,
            start=dt.date(2025, 9, 1),
            public_contact="su@example.edu.cn",
        )

    president = cadre(f"{prefix}PRES", union, Role.PRESIDENT, "主席")
    vp = [
        cadre(f"{prefix}VP{i}", union, Role.VICE_PRESIDENT, "副主席")
        for i in range(vps)
    ]
    head = cadre(f"{prefix}HEAD", functional, Role.DEPARTMENT_HEAD, "部长")
    meeting = MeetingFactory(
        code=f"{prefix}C1", organisation=union, opened=dt.date(2025, 11, 1)
    )
    dels = [
        person_with_user(f"{prefix}DEL{i}", department=dept_union)
        for i in range(delegates)
    ]
    for d in dels:
        DelegateFactory(meeting=meeting, person=d)
    studs = [
        person_with_user(f"{prefix}STU{i:02d}", department=dept_union)
        for i in range(students)
    ]
    return EvalUnion(school, union, dept_union, admin, president, vp, head, dels, studs)


def full_scores(value: int) -> dict[str, int]:
    from tongxue.domain.evaluation import DIMENSIONS

    return dict.fromkeys(DIMENSIONS, value)
