"""The demo's projects (ORG-11): last term's concluded with its outcome report on the
public page, this term's running with check-ins, one planned; idempotent; the union's
ORG-11 is clear."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.models import RoleKind
from tongxue.demo import projects as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import OrgKind, Role
from tongxue.projects import selectors
from tongxue.projects.models import CheckIn, Project, ProjectStatus

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_projects_of_both_terms() -> None:
    today = timezone.localdate()
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(code=f"{SCHOOL_CODE}-XSH", parent=school)
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH-XX",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
    )
    faculty = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D0", kind=OrgKind.DEPARTMENT_UNION, parent=school
    )
    for i in range(3):
        PositionFactory(
            organisation=dept,
            person=PersonFactory(name=f"干部{i}"),
            role=Role.DEPARTMENT_HEAD if i == 0 else Role.DEPARTMENT_DEPUTY,
            title="部长",
            start=today - dt.timedelta(days=400),
        )
    for i in range(90):
        PersonFactory(name=f"学生{i}", department=faculty)
    admin = UserFactory(username="union_admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    summary = demo.seed(scale="school", as_of=today)
    assert "/projects/" in summary
    with translation.override("en"):
        assert demo.seed(scale="school", as_of=today) == "projects already seeded"
    states = sorted(Project.objects.values_list("status", flat=True))
    assert states == sorted(
        [ProjectStatus.CONCLUDED, ProjectStatus.RUNNING, ProjectStatus.PLANNED]
    )
    done = Project.objects.get(status=ProjectStatus.CONCLUDED)
    assert done.outcome and done.outcome_entry is not None
    assert CheckIn.objects.exists()
    assert selectors.union_participation(union).participants > 0
    report = audit_organisation(code=union.code, as_of=today)
    assert not [f for f in report.findings if f.requirement == "ORG-11"]
