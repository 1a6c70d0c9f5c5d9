"""Guards never let a violation grow (issue #12), and the seat guard's CON-3 refusal
(a D rule, school level only) gives way to a recorded justification; refusals cite the
governing plan's clauses only."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
)
from tests.integration.test_organisation_services import (
    START,
    appoint_vp,
    compliant_union,
    election_of,
)
from tongxue.compliance.models import Justification
from tongxue.congresses import services as congress_services
from tongxue.core.errors import Refusal, refusal_json
from tongxue.domain.profiles import get_profile
from tongxue.organisations import services
from tongxue.organisations.models import OrgKind, Role

pytestmark = pytest.mark.django_db


def _appoint(union, role=Role.VICE_PRESIDENT, title="副主席", **kw):  # type: ignore[no-untyped-def]
    return services.appoint(
        actor=None,
        organisation=union,
        person=PersonFactory(),
        role=role,
        title=title,
        start=START,
        public_contact="x@example.edu",
        **kw,
    )


def test_with_seven_vice_presidents_an_eighth_is_refused():
    union = compliant_union(7)  # already a violation (registered, not appointed)
    with pytest.raises(Refusal) as exc:
        appoint_vp(union)
    assert exc.value.code == "ORG-2.vice-presidents-max"
    assert exc.value.message.params["vice_presidents"] == 8
    assert union.positions.filter(role=Role.VICE_PRESIDENT).count() == 7


def test_with_two_presidents_a_third_is_refused():
    union = compliant_union(4)
    PositionFactory(
        organisation=union,
        role=Role.PRESIDENT,
        title="主席",
        start=START,
    )
    with pytest.raises(Refusal) as exc:
        _appoint(
            union,
            role=Role.PRESIDENT,
            title="主席",
            election=election_of(union, Role.PRESIDENT),
        )
    assert exc.value.code == "ORG-2.president-count"
    assert union.positions.filter(role=Role.PRESIDENT).count() == 2


def test_an_unrelated_appointment_at_a_union_with_seven_vice_presidents_is_allowed():
    union = compliant_union(7)
    position = _appoint(union, role=Role.MEMBER, title="干事")
    assert position.pk is not None


@pytest.mark.parametrize(
    ("profile", "own", "other"),
    [("gansu-2017", "GS-9", "CQ-"), ("cqtgu-2017", "CQ-4", "GS-")],
)
@pytest.mark.parametrize("title", ["秘书长助理", "助理主席", "主席助手"])
def test_every_assistant_post_is_refused_citing_its_own_plan(
    profile, own, other, title
):
    union = compliant_union(4)
    school = union.parent
    school.profile = profile
    school.save(update_fields=["profile"])
    with pytest.raises(Refusal) as exc:
        _appoint(union, role=Role.MEMBER, title=title)
    assert (exc.value.code, exc.value.clauses) == ("ORG-5.assistant-title", (own,))
    assert other not in refusal_json(exc.value)["message"]


# -- the seat guard (CON-3 · GS-8, CQ-3, D; school level only) ---------------------------


def _congress(kind=OrgKind.SCHOOL_UNION, profile="gansu-2017"):  # type: ignore[no-untyped-def]
    school = OrganisationFactory(code="SCH", kind=OrgKind.SCHOOL, profile=profile)
    union = OrganisationFactory(
        code="SU", kind=OrgKind.SCHOOL_UNION, parent=school, students_served=1000
    )
    for i, w in enumerate((600, 400)):
        OrganisationFactory(
            code=f"D{i}",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=union,
            students_served=w,
        )
    org = union if kind == OrgKind.SCHOOL_UNION else union.children.get(code="D0")
    return org, MeetingFactory(code="C1", organisation=org, status="planned")


def _minimum(profile: str = "gansu-2017", students: int = 1000) -> int:
    return math.ceil(get_profile(profile).fraction("delegates_min_share") * students)


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_below_the_quota_is_refused_citing_the_governing_plan(profile):
    _, meeting = _congress(profile=profile)
    low = _minimum(profile)
    assert congress_services.allocate_seats(
        actor=None, meeting=meeting, method="sainte-lague", seats=low
    )
    with pytest.raises(Refusal) as exc:
        congress_services.allocate_seats(
            actor=None, meeting=meeting, method="sainte-lague", seats=low - 1
        )
    assert exc.value.code == "CON-3.delegates-too-few"
    assert exc.value.clauses == (("GS-8",) if profile == "gansu-2017" else ("CQ-3",))
    other = "CQ-" if profile == "gansu-2017" else "GS-"
    assert other not in refusal_json(exc.value)["message"]


def test_a_recorded_justification_lets_a_smaller_house_through():
    union, meeting = _congress()
    low = _minimum()
    Justification.objects.create(
        organisation=union,
        rule="CON-3.delegates-too-few",
        reason="Half the students are on placement this term.",
        approved_by="校团委",
        approved_on=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    allocation = congress_services.allocate_seats(
        actor=None, meeting=meeting, method="sainte-lague", seats=low - 1
    )
    assert allocation.seats == low - 1


def test_a_justification_for_another_rule_does_not():
    union, meeting = _congress()
    Justification.objects.create(
        organisation=union,
        rule="CON-5.non-core-share",
        reason="x",
        approved_by="校团委",
        approved_on=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    with pytest.raises(Refusal):
        congress_services.allocate_seats(
            actor=None, meeting=meeting, method="sainte-lague", seats=_minimum() - 1
        )


def test_a_department_congress_has_no_quota():
    """CON-3's 1% is "校级层面" only: below it a department congress is not refused
    (the house check; a department congress shares no seats among departments)."""
    dept, meeting = _congress(kind=OrgKind.DEPARTMENT_UNION)
    for i in range(2):
        OrganisationFactory(
            code=f"DD{i}",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=dept,
            students_served=300,
        )
    dept.students_served = 600
    dept.save(update_fields=["students_served"])
    profile = get_profile("gansu-2017")
    seats, minimum, _ = congress_services.seats.checked_house(
        dept, profile, seats=2, min_seats=1, meeting=meeting
    )
    assert (seats, minimum) == (2, 6)
    union = dept.parent
    with pytest.raises(Refusal):
        congress_services.seats.checked_house(
            union, profile, seats=9, min_seats=1, meeting=meeting
        )
