"""Roles are scoped to an organisation and its subtree (services check them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import OrganisationFactory, PersonFactory, RoleFactory, UserFactory
from tongxue.compliance.services import record_justification
from tongxue.core.errors import Refusal
from tongxue.core.models import RoleKind
from tongxue.organisations import services
from tongxue.organisations.models import OrgKind, Position, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A federation above a school union with two department unions A and B."""
    fed = OrganisationFactory(code="FED", kind=OrgKind.CITY_FEDERATION)
    school = OrganisationFactory(code="SCH", kind=OrgKind.SCHOOL, parent=fed)
    union = OrganisationFactory(code="UNI", kind=OrgKind.SCHOOL_UNION, parent=school)
    a = OrganisationFactory(code="DA", kind=OrgKind.DEPARTMENT_UNION, parent=union)
    b = OrganisationFactory(code="DB", kind=OrgKind.DEPARTMENT_UNION, parent=union)
    return {"fed": fed, "a": a, "b": b}


def _appoint(actor, org):
    return services.appoint(
        actor=actor,
        organisation=org,
        person=PersonFactory(),
        role=Role.MEMBER,
        title="干事",
        start=dt.date(2025, 9, 1),
    )


def test_an_admin_of_department_a_appoints_in_a(tree):
    admin = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_ADMIN).user
    assert _appoint(admin, tree["a"]).pk is not None


def test_an_admin_of_department_a_cannot_appoint_in_department_b(tree):
    admin = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_ADMIN).user
    with pytest.raises(Refusal) as exc:
        _appoint(admin, tree["b"])
    assert exc.value.code == "forbidden"
    assert not Position.objects.filter(organisation=tree["b"]).exists()


def test_a_federation_admin_above_appoints_in_any_department(tree):
    admin = RoleFactory(organisation=tree["fed"], role=RoleKind.FEDERATION_ADMIN).user
    assert _appoint(admin, tree["a"]).pk is not None
    assert _appoint(admin, tree["b"]).pk is not None


def test_a_department_admin_cannot_change_the_union_above(tree):
    admin = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_ADMIN).user
    union = tree["a"].parent
    with pytest.raises(Refusal) as exc:
        services.update_organisation(actor=admin, organisation=union, name="改名")
    assert exc.value.code == "forbidden"


def test_a_cadre_without_manage_and_an_anonymous_user_are_refused(tree):
    cadre = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_CADRE).user
    for actor in (cadre, AnonymousUser(), UserFactory()):
        with pytest.raises(Refusal) as exc:
            _appoint(actor, tree["a"])
        assert exc.value.code == "forbidden"


def test_creating_a_root_organisation_needs_an_operator(tree):
    admin = RoleFactory(organisation=tree["fed"], role=RoleKind.FEDERATION_ADMIN).user
    with pytest.raises(Refusal):
        services.create_organisation(
            actor=admin, code="ROOT2", name="另一省", kind="provincial_federation"
        )
    operator = UserFactory(is_superuser=True)
    org = services.create_organisation(
        actor=operator, code="ROOT2", name="另一省", kind="provincial_federation"
    )
    assert org.path == "/ROOT2/"


def test_an_admin_creates_organisations_only_under_their_own(tree):
    admin = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_ADMIN).user
    cls = services.create_organisation(
        actor=admin, code="DA-C1", name="一班", kind="class_committee", parent=tree["a"]
    )
    assert cls.path.endswith("/DA/DA-C1/")
    with pytest.raises(Refusal):
        services.create_organisation(
            actor=admin,
            code="DB-C1",
            name="一班",
            kind="class_committee",
            parent=tree["b"],
        )


def test_a_league_advisor_may_justify_but_not_manage(tree):
    advisor = RoleFactory(organisation=tree["a"], role=RoleKind.LEAGUE_ADVISOR).user
    # A deviation reported at a department union (CON-2 · GS-8, CQ-3: no congress).
    j = record_justification(
        actor=advisor,
        organisation=tree["a"],
        rule="CON-2.congress-overdue",
        reason="合并部门过渡期",
        approved_by="校团委",
        approved_on=dt.date(2026, 1, 10),
    )
    assert j.pk is not None
    with pytest.raises(Refusal):
        _appoint(advisor, tree["a"])
    with pytest.raises(Refusal) as exc:
        record_justification(
            actor=advisor,
            organisation=tree["b"],
            rule="CON-2.congress-overdue",
            reason="合并部门过渡期",
            approved_by="校团委",
            approved_on=dt.date(2026, 1, 10),
        )
    assert exc.value.code == "forbidden"


def test_update_person_is_allowed_where_the_person_belongs(tree):
    admin_a = RoleFactory(organisation=tree["a"], role=RoleKind.UNION_ADMIN).user
    admin_b = RoleFactory(organisation=tree["b"], role=RoleKind.UNION_ADMIN).user
    person = services.create_person(
        actor=admin_a, ident="S100", name="王五", department=tree["a"]
    )
    services.update_person(actor=admin_a, person=person, grade=2023)
    with pytest.raises(Refusal):
        services.update_person(actor=admin_b, person=person, grade=2022)
    with pytest.raises(Refusal):
        services.update_person(actor=admin_a, person=person, department=tree["b"])
    with pytest.raises(Refusal):
        services.create_person(
            actor=admin_b, ident="S101", name="赵六", department=tree["a"]
        )
