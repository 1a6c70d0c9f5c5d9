"""A builder for survey tests (TRN-2): a school, its union, two department unions with
their students (each with an account), the union's administrator, a League advisor
and an outsider."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
from tongxue.domain import surveys as ds
from tongxue.organisations.models import Enrolment, OrgKind, Person, PersonKind
from tongxue.surveys import services
from tongxue.surveys.models import Survey

#: A complete answer set of the standard template.
GOOD: dict[str, Any] = {
    "aw_work": 4,
    "aw_open": 3,
    "aw_reach": "yes",
    "aw_sources": ["site"],
    "pa_count": "1-2",
    "pa_ways": ["activities"],
    "pa_voice": 3,
    "sa_overall": 4,
    "sa_rights": 4,
    "sa_activities": 5,
    "sa_cadres": 3,
}


@dataclass
class SurveyUnion:
    school: Any
    union: Any
    d1: Any  # department union of the big department
    d2: Any  # department union of the small one
    admin: Any
    advisor: Any
    outsider: Any  # a user with no person and no role
    big: list[Person]  # students of d1, grade 2024
    small: list[Person]  # students of d2, grade 2025


def student(ident: str, dept: Any, grade: int) -> Person:
    user = UserFactory(username=ident.lower())
    return PersonFactory(
        ident=ident,
        user=user,
        kind=PersonKind.STUDENT,
        enrolment=Enrolment.ENROLLED,
        department=dept,
        grade=grade,
    )


def build(*, prefix: str = "SV", big: int = 12, small: int = 3) -> SurveyUnion:
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}问卷大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}问卷大学学生会", parent=school
    )
    d1 = OrganisationFactory(
        code=f"{prefix}D1",
        name=f"{prefix}文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=school,
        students_served=500,
    )
    d2 = OrganisationFactory(
        code=f"{prefix}D2",
        name=f"{prefix}理学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=school,
        students_served=50,
    )
    admin = UserFactory(username=f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union)
    advisor = UserFactory(username=f"{prefix.lower()}advisor")
    RoleFactory(user=advisor, organisation=union, role=RoleKind.LEAGUE_ADVISOR)
    outsider = UserFactory(username=f"{prefix.lower()}outsider")
    return SurveyUnion(
        school,
        union,
        d1,
        d2,
        admin,
        advisor,
        outsider,
        [student(f"{prefix}B{i:03d}", d1, 2024) for i in range(big)],
        [student(f"{prefix}S{i:03d}", d2, 2025) for i in range(small)],
    )


def create(u: SurveyUnion, code: str = "2026-1", **kw: Any) -> Survey:
    return services.create_survey(
        actor=u.admin,
        organisation=u.union,
        code=code,
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        **kw,
    )


def opened(
    u: SurveyUnion, code: str = "2026-1", *, min_group: int = 5, **kw: Any
) -> Survey:
    """A survey open to every student; its minimum group size set to ``min_group``
    (the profile's 10 is larger than a test's departments)."""
    survey = services.open_survey(actor=u.admin, survey=create(u, code), **kw)
    Survey.objects.filter(pk=survey.pk).update(min_group_size=min_group)
    survey.refresh_from_db()
    return survey


def answer_all(survey: Survey, people: list[Person], **changes: Any) -> None:
    for p in people:
        services.answer(
            actor=p.user, survey=survey, person=p, answers={**GOOD, **changes}
        )


def assert_template_keys() -> None:
    assert set(GOOD) <= {q.key for q in ds.UNION_EVALUATION.questions}
