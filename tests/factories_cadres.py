"""Factories and a small school for the cadre tests (CAD-1, CAD-2, CAD-5, CAD-6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.cadres.models import Course, TrainingSession
from tongxue.organisations.models import OrgKind, Role


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"干部培训{n}")
    sessions_required = 1


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    held = dt.date(2026, 3, 1)
    topic = "工作作风"


@dataclass
class CadreSchool:
    school: Any
    union: Any
    department: Any  # a functional department of the union
    dept_union: Any  # a department (院系) union beside the union
    admin: Any  # union admin (Perm.MANAGE at the union)
    president: Any  # the union president's Position
    outsider_org: Any  # another school


def build_cadre_school(prefix: str = "C") -> CadreSchool:
    """A school with its union, a functional department, a department union."""
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}大学学生会", parent=school
    )
    department = OrganisationFactory(
        code=f"{prefix}SU-QY",
        name=f"{prefix}学生会权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    dept_union = OrganisationFactory(
        code=f"{prefix}LAW",
        name=f"{prefix}法学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=school,
        students_served=800,
    )
    admin = UserFactory(username=f"{prefix.lower()}-admin")
    RoleFactory(user=admin, organisation=union)
    president = PositionFactory(
        organisation=union,
        person=PersonFactory(name=f"{prefix}主席", department=dept_union),
        role=Role.PRESIDENT,
        title="主席",
        start=dt.date(2025, 9, 1),
        public_contact="su@example.edu.cn",
    )
    other = SchoolFactory(code=f"{prefix}OTHER", name=f"{prefix}其他大学")
    return CadreSchool(school, union, department, dept_union, admin, president, other)


def student(
    department: Any, *, username: str | None = None, name: str | None = None, **kw: Any
) -> Any:
    """Return a Person in ``department`` with a linked user account."""
    user = UserFactory(username=username) if username else UserFactory()
    extra = {"name": name} if name else {}
    return PersonFactory(department=department, user=user, **extra, **kw)


def failed_evaluation(position: Any, *, failed: bool = True) -> None:
    """A closed semester's published evaluation of ``position`` (evaluations app)."""
    from tongxue.evaluations.models import EvaluationPeriod, Result, Subject

    period = EvaluationPeriod.objects.create(
        organisation=position.organisation,
        code=f"semester-{position.pk}-{'failed' if failed else 'passed'}",
        name="2026春季学期",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 7, 1),
        status="closed",
    )
    subject = Subject.objects.create(
        period=period, kind="evaluation", position=position
    )
    Result.objects.create(
        subject=subject,
        published=True,
        raters=30,
        overall="2.1" if failed else "4.2",
        failed=failed,
    )
