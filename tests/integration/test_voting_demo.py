"""The voting demo: delegate accounts on the roll of an open election they can win
(the standing conference's standing delegates, more than 2/3 of the roll); idempotent."""

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
from tongxue.business.models import StandingDelegate
from tongxue.congresses.models import MeetingKind
from tongxue.core.models import AuditEvent
from tongxue.demo import voting as demo
from tongxue.demo.accounts import DEMO_PASSWORD
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections.models import Election, ElectionStatus
from tongxue.organisations.models import OrgKind, Role
from tongxue.voting import selectors, services
from tongxue.voting.models import RollEntry

pytestmark = pytest.mark.django_db


def _demo_school(*, standing: int = 0):
    """The demo school union, a congress of 10 delegates and, with ``standing``, a
    standing conference and that many standing delegates (as the business demo)."""
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", name="陇原大学学生会", parent=school
    )
    meeting = MeetingFactory(code=f"{SCHOOL_CODE}-XSH-C1", organisation=union)
    people = [PersonFactory(ident=f"DEMO{i:03d}") for i in range(12)]
    for person in people:
        DelegateFactory(meeting=meeting, person=person)
    if not standing:
        return meeting
    department = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH-D1",
        name="文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    for person in people[:standing]:
        StandingDelegate.objects.create(
            union=union,
            congress=meeting,
            person=person,
            department=department,
            recommended_on=dt.date(2025, 11, 1),
        )
    return MeetingFactory(
        code=f"{SCHOOL_CODE}-XSH-S1",
        organisation=union,
        kind=MeetingKind.STANDING_CONFERENCE,
        opened=dt.date(2026, 5, 1),
    )


def _vote(election, usernames):
    users = get_user_model().objects.filter(username__in=usernames)
    for user in users:
        services.cast(voter=user, election_code=election.code, marks=["1", "0"])
    services.close_vote(actor=None, election=election)
    election.refresh_from_db()
    services.count_vote(actor=None, election=election)
    election.refresh_from_db()
    return election


def test_demo_voters_fill_the_standing_conference_roll_and_can_elect():
    selectors.clear_cache()
    meeting = _demo_school(standing=5)
    summary = demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    election = Election.objects.get(meeting=meeting)
    assert election.post == Role.PRESIDENT and election.seats == 1
    # The congress's vote is open too (its roll: all 12 delegates).
    congress_vote = Election.objects.get(meeting__kind=MeetingKind.CONGRESS)
    assert RollEntry.objects.filter(election=congress_vote).count() == 12
    assert not set(congress_vote.candidates.values_list("person_id", flat=True)) & set(
        election.candidates.values_list("person_id", flat=True)
    )
    assert "delegate5" in summary
    assert Election.objects.filter(status=ElectionStatus.OPEN).count() == 2
    roll = RollEntry.objects.filter(election=election)
    assert roll.count() == 5
    assert set(roll.values_list("person__user__username", flat=True)) == set(
        demo.DELEGATES
    )
    # The candidates are congress delegates who are not voters with an account.
    assert not election.candidates.filter(person__user__isnull=False).exists()
    # 4 of 5 present: more than 2/3, the first candidate is elected.
    election = _vote(election, demo.DELEGATES[:4])
    assert election.status == ElectionStatus.COUNTED
    result = election.result
    assert result["quorum_met"] is True
    assert len(result["elected"]) == 1
    selectors.clear_cache()


def test_three_of_five_demo_voters_leave_the_vote_void():
    selectors.clear_cache()
    meeting = _demo_school(standing=5)
    demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    election = _vote(Election.objects.get(meeting=meeting), demo.DELEGATES[:3])
    assert election.status == ElectionStatus.VOID
    selectors.clear_cache()


def test_demo_seed_opens_an_election_the_demo_delegates_can_vote_in():
    selectors.clear_cache()
    meeting = _demo_school()
    summary = demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    assert "delegate1" in summary
    election = Election.objects.get(meeting=meeting)
    assert election.status == ElectionStatus.OPEN
    users = get_user_model().objects.filter(username__in=demo.DELEGATES)
    # The congress fallback links as many accounts as it has delegates to spare.
    assert users.count() == 5
    for user in users:
        assert user.check_password(DEMO_PASSWORD)
        assert RollEntry.objects.filter(election=election, person__user=user).exists()
    assert AuditEvent.objects.filter(action="demo.user_created").count() == 5
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


def test_a_void_vote_says_why_on_the_election_board_and_result(client):
    """#16: the quorum failure in words with its figures; the election page links the
    board and the result; the void result page exists; marks read 赞成/未选."""
    selectors.clear_cache()
    meeting = _demo_school(standing=5)
    demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    election = _vote(Election.objects.get(meeting=meeting), demo.DELEGATES[:3])
    assert election.status == ElectionStatus.VOID
    client.cookies["django_language"] = "zh-hans"
    headers = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    detail = client.get(f"/elections/{election.code}/", **headers).content.decode()
    assert f"/elections/{election.code}/result/" in detail
    assert f"/vote/{election.code}/board/" in detail
    result = client.get(f"/elections/{election.code}/result/", **headers)
    assert result.status_code == 200
    text = result.content.decode()
    assert "选举无效" in text and "实到投票人数 3 人，应到 5 人" in text
    assert "至少 4 人" in text
    board = client.get(f"/vote/{election.code}/board/", **headers).content.decode()
    assert "实到投票人数 3 人" in board
    assert "赞成" in board and "未选" in board
    selectors.clear_cache()
