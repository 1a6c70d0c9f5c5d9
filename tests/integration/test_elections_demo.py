"""The elections demo: a certified election and one in nomination, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import override

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    SchoolFactory,
)
from tongxue.demo import elections as demo
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections.models import Election

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_certified_election_and_one_in_nomination():
    assert demo.seed(scale="school", as_of=dt.date(2026, 11, 1)) == ""  # no school
    school = SchoolFactory(code=SCHOOL_CODE)
    union = OrganisationFactory(code=f"{SCHOOL_CODE}-SU", parent=school)
    meeting = MeetingFactory(organisation=union, code="DEMO-C1")
    for i in range(12):
        DelegateFactory(meeting=meeting, person=PersonFactory(ident=f"DM{i:03d}"))
    summary = demo.seed(scale="school", as_of=dt.date(2026, 11, 1))
    certified = Election.objects.get(code="DEMO-C1-VP")
    assert certified.status == "certified"
    assert certified.result["valid"] is True
    assert len(certified.result["elected"]) == 2
    assert certified.result["ballots"]["returned"] == 11  # 12 entitled, 1 absent
    nominating = Election.objects.get(code="DEMO-C1-PRES")
    assert nominating.status == "nomination"
    assert sorted(nominating.candidates.values_list("status", flat=True)) == [
        "eligible",
        "nominated",
    ]
    assert "DEMO-C1-VP" in summary
    with override("en"):  # the summary is in the console's language (#16)
        again = demo.seed(scale="school", as_of=dt.date(2026, 11, 1))
    assert "already seeded" in again
    assert Election.objects.filter(organisation=union).count() == 2
