"""Factories and builders for elections: a union with its congress and the four roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import factory

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.congresses.models import MeetingKind
from tongxue.core.models import RoleKind
from tongxue.domain import counting
from tongxue.elections.models import Candidate, Election

CRITERIA_GANSU = (
    "political",
    "academic",
    "character",
    "work_style",
    "standing",
    "dedication",
)


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    code = factory.Sequence(lambda n: f"E{n:05d}")
    organisation = factory.SubFactory(OrganisationFactory)
    meeting = factory.SubFactory(
        MeetingFactory, organisation=factory.SelfAttribute("..organisation")
    )
    title = factory.Sequence(lambda n: f"选举{n}")
    post = "vice_president"
    seats = 2
    method = factory.LazyAttribute(
        lambda e: counting.ElectionMethod(seats=e.seats).to_dict()
    )


def elected(
    organisation: Any,
    post: str,
    *,
    meeting: Any = None,
    status: str = "effective",
    code: str | None = None,
) -> Election:
    """Record an election of ``post`` at ``organisation`` whose result took effect
    (ELE-1, ELE-3); the holders of ``post`` there without one record it as the
    election that filled their post. Without ``meeting``, the newest congress of the
    organisation elects (none recorded: the election records no meeting)."""
    from tongxue.congresses.models import Meeting
    from tongxue.organisations.models import Position

    if meeting is None:
        meeting = (
            Meeting.objects.filter(organisation=organisation, kind=MeetingKind.CONGRESS)
            .order_by("-opened")
            .first()
        )
    extra = {"code": code} if code else {}
    election = ElectionFactory(
        organisation=organisation, post=post, meeting=meeting, status=status, **extra
    )
    Position.objects.filter(organisation=organisation, role=post, election="").update(
        election=election.code
    )
    return election


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    election = factory.SubFactory(ElectionFactory)
    person = factory.SubFactory(PersonFactory)
    position = factory.Sequence(lambda n: n + 1)


@dataclass
class Scene:
    """A school union, its congress and standing conference, and one user per role."""

    school: Any
    union: Any
    congress: Any
    standing: Any
    presidium: Any  # union administrator: Perm.RUN_ELECTION
    advisor: Any  # Youth League advisor: Perm.GUIDE
    party: Any  # Party committee approver: Perm.APPROVE
    outsider: Any  # signed in, no role here
    students: list[Any] = field(default_factory=list)
    delegates: list[Any] = field(default_factory=list)


def build_scene(*, prefix: str = "EL", students: int = 6, delegates: int = 3) -> Scene:
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}示范大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}示范大学学生会", parent=school
    )
    congress = MeetingFactory(
        code=f"{prefix}-C1",
        organisation=union,
        kind=MeetingKind.CONGRESS,
        opened=dt.date(2026, 11, 20),
    )
    standing = MeetingFactory(
        code=f"{prefix}-SC1",
        organisation=union,
        kind=MeetingKind.STANDING_CONFERENCE,
        opened=dt.date(2026, 11, 21),
    )
    presidium = UserFactory(username=f"{prefix.lower()}-presidium")
    RoleFactory(user=presidium, organisation=union, role=RoleKind.UNION_ADMIN)
    advisor = UserFactory(username=f"{prefix.lower()}-advisor")
    RoleFactory(user=advisor, organisation=union, role=RoleKind.LEAGUE_ADVISOR)
    party = UserFactory(username=f"{prefix.lower()}-party")
    RoleFactory(user=party, organisation=union, role=RoleKind.PARTY_APPROVER)
    outsider = UserFactory(username=f"{prefix.lower()}-outsider")
    people = [
        PersonFactory(ident=f"{prefix}P{i:03d}", name=f"{prefix}候选人{i}")
        for i in range(1, students + 1)
    ]
    seated = []
    for i in range(1, delegates + 1):
        person = PersonFactory(ident=f"{prefix}D{i:03d}", name=f"{prefix}代表{i}")
        person.user = UserFactory(username=f"{prefix.lower()}-delegate{i}")
        person.save(update_fields=["user"])
        DelegateFactory(meeting=congress, person=person)
        seated.append(person)
    return Scene(
        school=school,
        union=union,
        congress=congress,
        standing=standing,
        presidium=presidium,
        advisor=advisor,
        party=party,
        outsider=outsider,
        students=people,
        delegates=seated,
    )


def conditions_for(criteria: tuple[str, ...] = CRITERIA_GANSU) -> dict[str, str]:
    return {c: f"条件：{c}" for c in criteria}


def approved_election(
    scene: Scene, *, seats: int = 2, candidates: int = 3, post: str = "vice_president"
) -> Election:
    """Drive an election through the services to ``approved`` (ELE-2 satisfied)."""
    from tongxue.elections import services

    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post=post, seats=seats
    )
    services.adopt_method(actor=scene.presidium, election=election)
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    for person in scene.students[:candidates]:
        c = services.nominate(
            actor=scene.presidium,
            election=election,
            person=person,
            nominated_by="presidium",
            statement=f"{person.name}的竞选陈述",
        )
        for criterion in CRITERIA_GANSU:
            services.assess(
                actor=scene.presidium,
                candidate=c,
                criterion=criterion,
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.6",
            )
    services.submit_for_approval(actor=scene.presidium, election=election)
    services.approve_candidates(actor=scene.party, election=election)
    election.refresh_from_db()
    return election


def counted(
    election: Election, ballots: list[dict[str, str]], *, present: int
) -> Election:
    """Do what the voting side does: open, close, count (status counted, result JSON)."""
    names = list(
        election.candidates.filter(status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    method = counting.ElectionMethod.from_dict(
        {**election.method, "seats": election.seats}
    )
    result = counting.count(
        names, ballots, method=method, present=present, issued=len(ballots)
    )
    Election.objects.filter(pk=election.pk).update(
        status="counted", result=result.to_json()
    )
    election.refresh_from_db()
    return election
