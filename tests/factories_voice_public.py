"""A school with a union, a department, a class, offices, students and concerns of
every visibility, for the public pages, the figures and the API of #17.

Concerns are written as rows (``concern``), with whatever dates, status and rating a
test needs, so the figures can be checked on both sides of each deadline without
running the services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.organisations.models import OrgKind
from tongxue.voice.models import Category, Concern, NamedHandler, Visibility


@dataclass
class School:
    school: Any
    union: Any
    dept: Any
    klass: Any
    offices: list[Any]
    categories: dict[str, Any]  # code → Category
    students: list[Any]  # users with a Person in the class
    people: list[Any]  # their Persons
    officer: Any  # rights officer of the union
    named: Any  # named handler for sensitive and cadre concerns
    numbers: dict[str, int] = field(default_factory=dict)


def build_school(prefix: str = "V", students: int = 3) -> School:
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}大学学生会", parent=school
    )
    dept = OrganisationFactory(
        code=f"{prefix}D1",
        name=f"{prefix}文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
        students_served=800,
    )
    klass = OrganisationFactory(
        code=f"{prefix}D1K1",
        name=f"{prefix}文学一班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=dept,
        students_served=40,
    )
    offices = [
        OrganisationFactory(
            code=f"{prefix}HQ",
            name=f"{prefix}后勤处",
            kind=OrgKind.SCHOOL_OFFICE,
            parent=school,
            students_served=None,
        ),
        OrganisationFactory(
            code=f"{prefix}JW",
            name=f"{prefix}教务处",
            kind=OrgKind.SCHOOL_OFFICE,
            parent=school,
            students_served=None,
        ),
    ]
    cats = {}
    for order, (code, name, sensitive, cadre) in enumerate(
        [
            ("food", "饮食", False, False),
            ("dorm", "住宿", False, False),
            ("mind", "心理", True, False),
            ("cadre", "学生干部", False, True),
        ]
    ):
        cats[code] = Category.objects.create(
            union=union,
            code=code,
            name=name,
            sensitive=sensitive,
            about_cadre=cadre,
            order=order,
        )
    users, people = [], []
    for k in range(students):
        user = UserFactory(username=f"{prefix.lower()}stu{k}")
        people.append(
            PersonFactory(
                ident=f"{prefix}P{k:03d}",
                name=f"{prefix}同学{k}",
                department=dept,
                class_unit=klass,
                grade=1,
                user=user,
            )
        )
        users.append(user)
    officer = UserFactory(username=f"{prefix.lower()}officer")
    RoleFactory(user=officer, organisation=union, role=RoleKind.RIGHTS_OFFICER)
    named = UserFactory(username=f"{prefix.lower()}named")
    RoleFactory(user=named, organisation=union, role=RoleKind.RIGHTS_OFFICER)
    NamedHandler.objects.create(
        union=union, user=named, sensitive=True, about_cadres=True
    )
    return School(
        school, union, dept, klass, offices, cats, users, people, officer, named
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def concern(
    s: School,
    *,
    title: str = "二食堂的饭菜太贵",
    body: str = "二食堂的饭菜涨价了，电话13812345678",
    category: str = "food",
    visibility: str = Visibility.PUBLIC,
    status: str = "received",
    handler: Any = None,
    author: Any = None,
    raised: dt.date | None = None,
    acknowledge_due: dt.date | None = None,
    answer_due: dt.date | None = None,
    acknowledged: dt.date | None = None,
    answered: dt.date | None = None,
    closed: dt.date | None = None,
    rating: str = "",
    verified: bool = False,
    sensitive: bool | None = None,
    about_person: Any = None,
    supporters: int = 0,
    place: str = "二食堂",
    tracking_hash: str = "",
) -> Concern:
    """A concern row of ``s.union`` (raised today by the first student unless said)."""
    raised = raised or timezone.localdate()
    cat = s.categories[category]
    number = s.numbers.get("n", 0) + 1
    s.numbers["n"] = number
    if author is None and visibility != Visibility.ANONYMOUS:
        author = s.students[0]
    return Concern.objects.create(
        union=s.union,
        number=number,
        title=title,
        body=body,
        public_title=title.replace("13812345678", "138****5678"),
        public_body=body.replace("13812345678", "138****5678"),
        tokens=" 饭菜 ",
        category=cat,
        place=place,
        visibility=visibility,
        sensitive=cat.sensitive if sensitive is None else sensitive,
        status=status,
        handler=handler or s.union,
        author=author if visibility != Visibility.ANONYMOUS else None,
        tracking_hash=tracking_hash,
        about_person=about_person,
        raised_at=at(raised),
        acknowledge_due=acknowledge_due or raised + dt.timedelta(days=2),
        answer_due=answer_due or raised + dt.timedelta(days=14),
        acknowledged_at=at(acknowledged) if acknowledged else None,
        answered_at=at(answered) if answered else None,
        closed_at=at(closed) if closed else None,
        rating=rating,
        verified=verified,
        supporters=supporters,
    )
