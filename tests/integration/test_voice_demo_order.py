"""The voice demo at province scale (#17): the federations' consultations bring ideas
that are concerns of the demo university's union; they are raised on their days among
the demo's other concerns, so that the union's numbers follow the days concerns were
raised (the first raised has the lowest number). The notifications are dated on the
day of what they tell, never after the demo's day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.timezone import localdate
from django.utils.translation import override

from tests.factories import OrganisationFactory, PersonFactory, SchoolFactory
from tongxue.demo import consultations as consultations_demo
from tongxue.demo import voice as demo
from tongxue.demo.generator import PROVINCE_CODE
from tongxue.notifications.models import Notification
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.voice.models import Concern

pytestmark = pytest.mark.django_db


def _province() -> Organisation:
    """A province whose first general university has a class of forty students."""
    province = OrganisationFactory(
        code=PROVINCE_CODE,
        name="甘肃省学生联合会",
        kind=OrgKind.PROVINCIAL_FEDERATION,
        parent=None,
    )
    city = OrganisationFactory(
        code="GS-BY",
        name="白银市学生联合会",
        kind=OrgKind.CITY_FEDERATION,
        parent=province,
    )
    school = SchoolFactory(code="GS-BY-0001", name="崆峒理工大学", parent=city)
    union = OrganisationFactory(
        code="GS-BY-0001-XSH", name="崆峒理工大学学生会", parent=school
    )
    dept = OrganisationFactory(
        code="GS-BY-0001-D01",
        name="文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    klass = OrganisationFactory(
        code="GS-BY-0001-D01-K2401",
        name="文学院2024级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=dept,
        students_served=40,
    )
    for k in range(40):
        PersonFactory(
            ident=f"GS-BY-0001-P{k:04d}",
            student_number=f"20240101{k:02d}",
            department=dept,
            class_unit=klass,
            grade=2024,
        )
    return union


def test_ideas_take_their_numbers_among_the_concerns_and_notifications_their_days() -> (
    None
):
    union = _province()
    as_of = timezone.localdate()
    with override("en"):
        assert demo.seed(scale="province", as_of=as_of)
        # the voice demo ran the consultations' story: reported once, then seeded
        summary = consultations_demo.seed(scale="province", as_of=as_of)
        assert f"/voice/federation/{PROVINCE_CODE}/consultations/" in summary
        assert (
            consultations_demo.seed(scale="province", as_of=as_of)
            == "consultations already seeded"
        )
    concerns = Concern.objects.filter(union=union)
    ideas = concerns.filter(consultation__isnull=False)
    assert ideas.count() >= 5
    others = concerns.filter(consultation__isnull=True)
    # the ideas were raised between the demo's concerns, and numbered so
    first, last = (
        others.order_by("number").first().number,
        others.order_by("-number").first().number,
    )
    assert ideas.filter(number__gt=first, number__lt=last).exists()
    numbers = list(
        concerns.order_by("raised_at", "number").values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))

    # notifications dated on their events' days: over the months, none after as_of
    told = Notification.objects.filter(kind__startswith="voice.")
    days = {localdate(n.created_at) for n in told}
    assert max(days) <= as_of
    assert min(days) <= as_of - dt.timedelta(days=90)
    first = others.order_by("number").first()  # (ideas notify nobody one by one)
    received = told.filter(
        kind="voice.concern_received", params__reference=first.reference
    )
    assert min(localdate(n.created_at) for n in received) == localdate(first.raised_at)
