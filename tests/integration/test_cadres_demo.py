"""The cadre demo seeder: deterministic, idempotent, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.cadres.models import Application, Assessment, ExitCase, Selection
from tongxue.demo import cadres as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import OrgKind, Role

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)


def test_seed_builds_selections_training_and_an_exit_case_once():
    school = SchoolFactory(code=SCHOOL_CODE)
    union = OrganisationFactory(code=f"{SCHOOL_CODE}-XSH", parent=school)
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH-QY",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    law = OrganisationFactory(
        code=f"{SCHOOL_CODE}-LAW", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    admin = UserFactory(username="union_admin")
    RoleFactory(user=admin, organisation=union)
    PositionFactory(
        organisation=union,
        role=Role.PRESIDENT,
        title="主席",
        public_contact="a@example.edu.cn",
    )
    PositionFactory(
        organisation=union,
        role=Role.VICE_PRESIDENT,
        title="副主席",
        public_contact="b@example.edu.cn",
    )
    PositionFactory(organisation=dept, role=Role.DEPARTMENT_HEAD, title="部长")
    for _ in range(8):
        PersonFactory(department=law)
    with override("en"):  # the summary is in the console's language (#16)
        summary = demo.seed(scale="school", as_of=AS_OF)
    assert "2 selections" in summary
    assert Selection.objects.count() == 2
    assert Application.objects.count() == 6
    assert Assessment.objects.count() >= 7
    assert ExitCase.objects.get().state == "notified"
    with override("en"):  # the summary is in the console's language (#16)
        assert demo.seed(scale="school", as_of=AS_OF) == "cadre records already seeded"
    assert Selection.objects.count() == 2
