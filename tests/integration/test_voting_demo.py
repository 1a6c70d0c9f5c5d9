"""The voting demo: delegate accounts on the roll of an open election; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    SchoolFactory,
)
from tongxue.core.models import AuditEvent
from tongxue.demo import voting as demo
from tongxue.demo.accounts import DEMO_PASSWORD
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections.models import Election, ElectionStatus
from tongxue.voting import selectors, services
from tongxue.voting.models import RollEntry

pytestmark = pytest.mark.django_db


def _demo_school():
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", name="陇原大学学生会", parent=school
    )
    meeting = MeetingFactory(code=f"{SCHOOL_CODE}-XSH-C1", organisation=union)
    for i in range(10):
        DelegateFactory(meeting=meeting, person=PersonFactory(ident=f"DEMO{i:03d}"))
    return meeting


def test_demo_seed_opens_an_election_the_demo_delegates_can_vote_in():
    selectors.clear_cache()
    meeting = _demo_school()
    summary = demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    assert "delegate1" in summary
    election = Election.objects.get(meeting=meeting)
    assert election.status == ElectionStatus.OPEN
    users = get_user_model().objects.filter(username__in=demo.DELEGATES)
    assert users.count() == 3
    for user in users:
        assert user.check_password(DEMO_PASSWORD)
        assert RollEntry.objects.filter(election=election, person__user=user).exists()
    assert AuditEvent.objects.filter(action="demo.user_created").count() == 3
    receipt = services.cast(
        voter=users.get(username="delegate1"),
        election_code=election.code,
        marks=["1", "0", "0", "0"],
    )
    assert receipt.void_reason == ""
    # Idempotent: nothing new the second time.
    events = AuditEvent.objects.count()
    demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    assert Election.objects.filter(meeting=meeting).count() == 1
    assert AuditEvent.objects.count() == events
    selectors.clear_cache()


def test_demo_seed_without_demo_data_does_nothing():
    assert demo.seed(scale="school", as_of=dt.date(2026, 11, 23)) == ""
