"""Builders for congress tests: a union with departments, classes, students and clubs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.congresses import services
from tongxue.congresses.models import MeetingStatus
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind, Role

OPENS = dt.date(2026, 12, 10)
HELD = dt.date(2026, 11, 20)
#: Grades of a department's people in the registry, in order: 4, 3, 2, 1 per ten.
GRADE_PATTERN = (1, 1, 1, 1, 2, 2, 2, 3, 3, 4)


@dataclass
class Union:
    school: Any
    union: Any
    admin: Any
    departments: list[Any]
    classes: dict[str, Any]  # department code → its class committee
    clubs: list[Any]
    students: dict[str, list[Any]] = field(default_factory=dict)  # dept → people
    prefix: str = "U"


def build_union(
    *,
    prefix: str = "U",
    students: int = 1000,
    weights: tuple[int, ...] = (500, 300, 200),
    people: tuple[int, ...] = (10, 8, 5),
    clubs: int = 2,
) -> Union:
    """A school union whose departments each have a class and some students by grade."""
    school = SchoolFactory(code=f"{prefix}SCH", students_served=students)
    union = OrganisationFactory(
        code=f"{prefix}SU",
        name=f"{prefix}学生会",
        parent=school,
        students_served=students,
    )
    depts, classes, students_of = [], {}, {}
    for i, w in enumerate(weights):
        dept = OrganisationFactory(
            code=f"{prefix}D{i}",
            name=f"{prefix}院系{i}学生会",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=union,
            students_served=w,
        )
        depts.append(dept)
        classes[dept.code] = OrganisationFactory(
            code=f"{prefix}D{i}K1",
            name=f"{prefix}院系{i}一班",
            kind=OrgKind.CLASS_COMMITTEE,
            parent=dept,
            students_served=40,
        )
        students_of[dept.code] = [
            PersonFactory(
                ident=f"{prefix}D{i}P{k:02d}",
                name=f"{prefix}代表{i}-{k}",
                department=dept,
                grade=GRADE_PATTERN[k % len(GRADE_PATTERN)],
            )
            for k in range(people[i] if i < len(people) else 5)
        ]
    fed = OrganisationFactory(
        code=f"{prefix}CF",
        name=f"{prefix}社团联合会",
        kind=OrgKind.CLUB_FEDERATION,
        parent=union,
        students_served=None,
    )
    club_list = [
        OrganisationFactory(
            code=f"{prefix}CL{k}",
            name=f"{prefix}社团{k}",
            kind=OrgKind.CLUB,
            parent=fed,
            students_served=None,
        )
        for k in range(clubs)
    ]
    admin = UserFactory(username=f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    return Union(school, union, admin, depts, classes, club_list, students_of, prefix)


def make_core(person: Any, org: Any, *, start: dt.date = dt.date(2025, 9, 1)) -> Any:
    """Make ``person`` a union core member (a head of department) from ``start``."""
    return PositionFactory(
        organisation=org,
        person=person,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        start=start,
    )


def planned(u: Union, *, code: str | None = None, opened: dt.date = OPENS) -> Any:
    return MeetingFactory(
        code=code or f"{u.prefix}C1",
        organisation=u.union,
        opened=opened,
        status=MeetingStatus.PLANNED,
    )


def allocated(u: Union, **kwargs: Any) -> Any:
    """A congress whose seats are allocated by department and frozen."""
    meeting = planned(u, **kwargs)
    services.allocate_seats(actor=u.admin, meeting=meeting, method="hamilton")
    services.freeze_seats(actor=u.admin, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def election(u: Union, dept: Any, **kw: Any) -> services.ElectionInput:
    values = {
        "unit": u.classes[dept.code].code,
        "held": HELD,
        "electorate": 40,
        "votes_cast": 38,
    } | kw
    return services.ElectionInput(**values)


def enter(u: Union, meeting: Any, person: Any, **kw: Any) -> Any:
    dept = person.department
    return services.enter_delegate(
        actor=kw.pop("actor", u.admin),
        meeting=meeting,
        ident=person.ident,
        election=kw.pop("election", election(u, dept)),
        votes=kw.pop("votes", 30),
        **kw,
    )
