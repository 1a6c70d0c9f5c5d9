"""Services writing the registry (ORG-1), with the rules as guards (ORG-2, ORG-3, ORG-5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tests.factories_elections import elected
from tongxue.core.errors import Refusal, refusal_json
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.elections.models import Election
from tongxue.evaluations.models import RecordedEvaluation
from tongxue.organisations import services
from tongxue.organisations.models import (
    DepartmentFunction,
    Organisation,
    OrgKind,
    PersonKind,
    Position,
    Role,
)
from tongxue.projects.models import Project, ProjectStatus

pytestmark = pytest.mark.django_db

START = dt.date(2025, 9, 1)


def compliant_union(
    vice_presidents: int = 4, *, branch_campuses: int = 0, code: str = "U"
):
    """Return a school union that passes ORG-2/3/5/7/8 and CAD-2, with its school."""
    school = SchoolFactory(code=f"{code}S", branch_campuses=branch_campuses)
    union = OrganisationFactory(
        code=code, kind=OrgKind.SCHOOL_UNION, parent=school, students_served=10000
    )
    OrganisationFactory(
        code=f"{code}-RIGHTS",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        function=DepartmentFunction.RIGHTS,
        parent=union,
    )
    president = PositionFactory(
        organisation=union,
        role=Role.PRESIDENT,
        title="主席",
        start=START,
        responsible_for_clubs=True,
        public_contact="president@example.edu",
    )
    PositionFactory(
        organisation=union,
        person=PersonFactory(kind=PersonKind.LEAGUE_CADRE),
        role=Role.SECRETARY_GENERAL,
        title="秘书长",
        start=START,
    )
    for n in range(vice_presidents):
        PositionFactory(
            organisation=union,
            role=Role.VICE_PRESIDENT,
            title="副主席",
            start=START,
            public_contact=f"vp{n}@example.edu",
        )
    # The presidium holds its posts by elections whose results took effect (ELE-1).
    elected(union, Role.PRESIDENT)
    elected(union, Role.VICE_PRESIDENT)
    # CAD-3: students evaluated the cadres in the autumn semester (as a snapshot
    # records it: in counts, on the five dimensions, results published).
    RecordedEvaluation.objects.create(
        organisation=union,
        code="2025-09",
        start=dt.date(2025, 9, 1),
        end=dt.date(2026, 1, 15),
        dimensions=list(DIMENSIONS),
        cadres=vice_presidents + 1,
        participants=40,
        eligible=50,
        published=True,
    )
    # ORG-11: the union ran a project in the autumn term (2025-09-01 to 2026-02-28).
    Project.objects.create(
        union=union,
        number=1,
        title="学风建设月",
        owner=president.person,
        start=dt.date(2025, 10, 1),
        end=dt.date(2025, 12, 1),
        status=ProjectStatus.CONCLUDED,
    )
    return union


def election_of(union, post=Role.VICE_PRESIDENT):
    """Return the union's (newest) election of ``post``."""
    return Election.objects.filter(organisation=union, post=post).latest("pk")


def appoint_vp(union, **kw):
    kw.setdefault("election", election_of(union))
    return services.appoint(
        actor=None,
        organisation=union,
        person=PersonFactory(),
        role=Role.VICE_PRESIDENT,
        title="副主席",
        start=START,
        public_contact="vp@example.edu",
        **kw,
    )


# -- organisations -------------------------------------------------------------------


def test_create_organisation_keeps_the_materialised_path():
    root = services.create_organisation(
        actor=None, code="GS", name="甘肃省学联", kind=OrgKind.PROVINCIAL_FEDERATION
    )
    school = services.create_organisation(
        actor=None,
        code="LZU",
        name="兰州大学",
        kind=OrgKind.SCHOOL,
        parent=root,
        school_type="general_university",
        branch_campuses=1,
    )
    assert root.path == "/GS/"
    assert school.path == "/GS/LZU/"
    assert school.branch_campuses == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "A/B"}, "code"),
        ({"code": ""}, "code"),
        ({"kind": "galaxy"}, "kind"),
        ({"name": "  "}, "name"),
        ({"school_type": "castle"}, "school_type"),
        ({"profile": "atlantis-2099"}, "profile"),
        ({"branch_campuses": -1}, "branch_campuses"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_organisation_refuses_invalid_input_on_the_field(kwargs, field):
    base = {"code": "X1", "name": "某校", "kind": OrgKind.SCHOOL}
    with pytest.raises(Refusal) as exc:
        services.create_organisation(actor=None, **{**base, **kwargs})
    assert exc.value.field == field
    assert not Organisation.objects.filter(code="X1").exists()


def test_create_organisation_refuses_a_code_already_used():
    OrganisationFactory(code="TAKEN")
    with pytest.raises(Refusal) as exc:
        services.create_organisation(
            actor=None, code="TAKEN", name="另一个", kind="school"
        )
    assert (exc.value.code, exc.value.field) == ("duplicate", "code")


def test_update_organisation_changes_fields_but_not_the_code():
    org = OrganisationFactory(code="U1", name="旧名")
    services.update_organisation(
        actor=None, organisation=org, name="新名", county="城关区"
    )
    org.refresh_from_db()
    assert (org.name, org.county) == ("新名", "城关区")
    with pytest.raises(Refusal) as exc:
        services.update_organisation(actor=None, organisation=org, code="U2")
    assert exc.value.field == "code"


# -- ORG-2 · GS-9, CQ-4: 4 to 6 vice-presidents, branch campuses apart -----------------


def test_a_sixth_vice_president_is_appointed():
    union = compliant_union(5)
    position = appoint_vp(union)
    assert position.pk is not None
    assert union.positions.filter(role=Role.VICE_PRESIDENT).count() == 6


def test_a_seventh_vice_president_is_refused_without_a_branch_campus():
    union = compliant_union(6)
    with pytest.raises(Refusal) as exc:
        appoint_vp(union)
    assert exc.value.code == "ORG-2.vice-presidents-max"
    assert exc.value.requirement == "ORG-2"
    assert exc.value.clauses == ("GS-9",)
    assert union.positions.filter(role=Role.VICE_PRESIDENT).count() == 6


def test_a_seventh_vice_president_for_a_branch_campus_is_appointed():
    union = compliant_union(6, branch_campuses=1)
    position = appoint_vp(union, branch_campus=True)
    assert position.branch_campus is True


def test_a_seventh_vice_president_not_recorded_for_the_branch_campus_is_refused():
    union = compliant_union(6, branch_campuses=1)
    with pytest.raises(Refusal) as exc:
        appoint_vp(union)
    assert exc.value.code == "ORG-2.vice-presidents-max"


def test_branch_campus_vice_presidents_have_no_cap_but_need_a_campus():
    """ORG-2: "可酌情增加副主席人数" gives no number (issue #12): a school with one
    branch campus may have several; a school without one may have none."""
    union = compliant_union(4, branch_campuses=1)
    for _ in range(3):
        assert appoint_vp(union, branch_campus=True).branch_campus
    other = compliant_union(4, code="V")
    with pytest.raises(Refusal) as exc:
        appoint_vp(other, branch_campus=True)
    assert exc.value.code == "ORG-2.branch-campus-vice-presidents"


def test_a_second_president_is_refused():
    union = compliant_union(4)
    with pytest.raises(Refusal) as exc:
        services.appoint(
            actor=None,
            organisation=union,
            person=PersonFactory(),
            role=Role.PRESIDENT,
            title="主席",
            start=START,
            public_contact="p2@example.edu",
            election=election_of(union, Role.PRESIDENT),
        )
    assert exc.value.code == "ORG-2.president-count"


def test_a_president_can_follow_one_whose_term_ended():
    union = compliant_union(4)
    old = union.positions.get(role=Role.PRESIDENT)
    services.end_position(actor=None, position=old, end=dt.date(2026, 6, 30))
    new = services.appoint(
        actor=None,
        organisation=union,
        person=PersonFactory(),
        role=Role.PRESIDENT,
        title="主席",
        start=dt.date(2026, 7, 1),
        responsible_for_clubs=True,
        public_contact="p2@example.edu",
        election=elected(union, Role.PRESIDENT),
    )
    assert new.pk is not None
    assert new.election == election_of(union, Role.PRESIDENT).code


def test_lowering_branch_campuses_is_refused_while_a_branch_vice_president_serves():
    union = compliant_union(4, branch_campuses=1)
    appoint_vp(union, branch_campus=True)
    school = union.parent
    with pytest.raises(Refusal) as exc:
        services.update_organisation(actor=None, organisation=school, branch_campuses=0)
    assert exc.value.requirement == "ORG-2"
    school.refresh_from_db()
    assert school.branch_campuses == 1
    services.update_organisation(actor=None, organisation=school, branch_campuses=2)
    school.refresh_from_db()
    assert school.branch_campuses == 2


# -- ORG-5 · GS-9, CQ-4: no assistant posts ---------------------------------------------


def test_a_presidents_assistant_is_refused_citing_the_clause():
    union = compliant_union(4)
    with pytest.raises(Refusal) as exc:
        services.appoint(
            actor=None,
            organisation=union,
            person=PersonFactory(),
            role=Role.MEMBER,
            title="主席助理",
            start=START,
        )
    assert exc.value.code == "ORG-5.assistant-title"
    assert (exc.value.requirement, exc.value.clauses) == ("ORG-5", ("GS-9",))
    with override("en"):
        body = refusal_json(exc.value)
    assert "主席助理" in body["message"]
    assert "ORG-5 · GS-9" in body["message"]
    assert not Position.objects.filter(title="主席助理").exists()


def test_a_president_titled_zhuxi_is_appointed():
    union = compliant_union(4)
    union.positions.filter(role=Role.PRESIDENT).delete()
    position = services.appoint(
        actor=None,
        organisation=union,
        person=PersonFactory(),
        role=Role.PRESIDENT,
        title="主席",
        start=START,
        responsible_for_clubs=True,
        public_contact="p@example.edu",
        election=election_of(union, Role.PRESIDENT),
    )
    assert position.title == "主席"


# -- ORG-3 · GS-9, CQ-4: the secretary-general is a League cadre ------------------------


def _appoint_secretary(union, kind):
    union.positions.filter(role=Role.SECRETARY_GENERAL).delete()
    return services.appoint(
        actor=None,
        organisation=union,
        person=PersonFactory(kind=kind),
        role=Role.SECRETARY_GENERAL,
        title="秘书长",
        start=START,
    )


def test_a_student_as_secretary_general_is_refused():
    union = compliant_union(4)
    with pytest.raises(Refusal) as exc:
        _appoint_secretary(union, PersonKind.STUDENT)
    assert exc.value.code == "ORG-3.secretary-general-not-cadre"


def test_a_league_cadre_as_secretary_general_is_appointed():
    union = compliant_union(4)
    assert _appoint_secretary(union, PersonKind.LEAGUE_CADRE).pk is not None


# -- validation and end of term -----------------------------------------------------------


def test_appoint_refuses_an_end_before_the_start():
    union = compliant_union(4)
    with pytest.raises(Refusal) as exc:
        appoint_vp(union, end=START - dt.timedelta(days=1))
    assert exc.value.field == "end"


def test_appoint_refuses_an_unknown_role_and_an_empty_title():
    union = compliant_union(4)
    person = PersonFactory()
    with pytest.raises(Refusal) as exc:
        services.appoint(
            actor=None,
            organisation=union,
            person=person,
            role="emperor",
            title="皇帝",
            start=START,
        )
    assert exc.value.field == "role"
    with pytest.raises(Refusal) as exc:
        services.appoint(
            actor=None,
            organisation=union,
            person=person,
            role=Role.MEMBER,
            title=" ",
            start=START,
        )
    assert exc.value.field == "title"


def test_end_position_refuses_an_end_before_the_start_and_records_a_valid_end():
    position = PositionFactory(start=START)
    with pytest.raises(Refusal) as exc:
        services.end_position(
            actor=None, position=position, end=START - dt.timedelta(days=1)
        )
    assert exc.value.field == "end"
    services.end_position(actor=None, position=position, end=START)
    position.refresh_from_db()
    assert position.end == START


# -- people ----------------------------------------------------------------------------


def test_create_and_update_person():
    dept = OrganisationFactory(code="D1", kind=OrgKind.DEPARTMENT_UNION)
    person = services.create_person(
        actor=None, ident="S001", name="张三", department=dept, grade=2024
    )
    assert person.department == dept
    services.update_person(actor=None, person=person, enrolment="suspended")
    person.refresh_from_db()
    assert person.enrolment == "suspended"
    with pytest.raises(Refusal) as exc:
        services.create_person(actor=None, ident="S001", name="李四")
    assert exc.value.field == "ident"
    with pytest.raises(Refusal) as exc:
        services.update_person(actor=None, person=person, gender="other")
    assert exc.value.field == "gender"
