"""The demo of the clubs (ORG-14): seeded through the services at the demo school
union, activities in every state, history dated back, the audit's deviation planted,
idempotent; nothing without the demo school."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.clubs.models import Activity, Club, Review
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.models import RoleKind
from tongxue.demo import clubs as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import OrgKind

pytestmark = pytest.mark.django_db


def _school() -> None:
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", name="陇原大学学生会", parent=school
    )
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01",
        name="文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    for k in range(8):
        PersonFactory(
            ident=f"LYDX-P{k:04d}", student_number=f"2024{k:04d}", department=dept
        )
    RoleFactory(
        user=UserFactory(username="union_admin"),
        organisation=union,
        role=RoleKind.UNION_ADMIN,
    )
    RoleFactory(
        user=UserFactory(username="advisor"),
        organisation=school,
        role=RoleKind.LEAGUE_ADVISOR,
    )
    PersonFactory(
        ident="LYDX-STUDENT",
        student_number="20249999",
        department=dept,
        user=UserFactory(username="student"),
    )


def test_the_demo_seeds_every_state_once() -> None:
    _school()
    today = timezone.localdate()
    summary = demo.seed(scale="school", as_of=today)
    assert "/clubs/LYDX-XSH/" in summary
    assert Club.objects.count() == len(demo.CLUBS)
    assert Counter(Club.objects.values_list("status", flat=True)) == {
        "active": 5,
        "suspended": 1,
    }
    assert Club.objects.get(name="摄影协会").responsible.ident == "LYDX-STUDENT"
    states = Counter(Activity.objects.values_list("status", flat=True))
    assert states == {
        "held": 4,
        "approved": 2,
        "submitted": 1,
        "returned": 1,
        "rejected": 1,
        "draft": 1,
        "cancelled": 1,
    }
    # the held ones were approved before they began, the reasons are recorded
    for a in Activity.objects.filter(status="held"):
        assert a.approved_at is not None and a.approved_at < a.starts_at
        assert a.starts_at < timezone.now()
    assert all(
        r.reasons for r in Review.objects.filter(decision__in=("returned", "rejected"))
    )
    # the planted deviation: the dance club registered nothing in the last term
    findings = [
        f
        for f in audit_organisation(code="LYDX-XSH", as_of=today).findings
        if f.requirement == "ORG-14"
    ]
    assert [f.rule for f in findings] == ["ORG-14.inactive-club"]
    assert [c.split(" ", 1)[1] for c in findings[0].evidence["inactive_clubs"]] == [
        "街舞社"
    ]
    # idempotent
    assert demo.seed(scale="school", as_of=today) != summary
    assert Activity.objects.count() == sum(states.values())


def test_without_the_demo_school_nothing_is_seeded() -> None:
    assert demo.seed(scale="school", as_of=timezone.localdate()) == ""
    assert not Club.objects.exists()


def test_the_demo_links_the_clubs_the_registry_has() -> None:
    _school()
    school = SchoolFactory._meta.model.objects.get(code=SCHOOL_CODE)
    fed = OrganisationFactory(
        code=f"{SCHOOL_CODE}-SL",
        name="学生社团联合会",
        kind=OrgKind.CLUB_FEDERATION,
        parent=school,
    )
    for n, name in enumerate(("摄影协会", "青年志愿者协会", "书法协会"), start=1):
        OrganisationFactory(
            code=f"{SCHOOL_CODE}-C{n:02d}", name=name, kind=OrgKind.CLUB, parent=fed
        )
    demo.seed(scale="school", as_of=timezone.localdate())
    linked = dict(
        Club.objects.filter(organisation__isnull=False).values_list(
            "name", "organisation__code"
        )
    )
    assert linked == {
        "摄影协会": f"{SCHOOL_CODE}-C01",
        "青年志愿者协会": f"{SCHOOL_CODE}-C02",
    }
