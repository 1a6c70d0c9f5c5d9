"""Factories for voting tests: an approved election with a congress, delegates and users."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.elections.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.organisations.models import Role


@dataclass
class VotingSetup:
    union: Any
    meeting: Any
    election: Election
    admin: Any  # union admin: Perm.RUN_ELECTION
    voters: list[Any]  # users on the roll (delegates with accounts)
    candidates: list[str]  # names on the ballot, in ballot order
    outsider: Any  # a signed-in user who is not a delegate
    extra: dict[str, Any] = field(default_factory=dict)


def announce_candidates(election: Election) -> None:
    """Publish the candidate-list notice the elections app requires before opening."""
    from tongxue.elections.services import CANDIDATES_NOTICE, SUBJECT_TYPE
    from tongxue.publicity.services import publish_notice

    publish_notice(
        actor=None,
        organisation=election.organisation,
        subject_type=SUBJECT_TYPE,
        subject_id=election.pk,
        kind=CANDIDATES_NOTICE,
        title=f"{election.title} 候选人名单",
        body="候选人名单",
    )


def build_voting(
    *,
    prefix: str = "V",
    voters: int = 3,
    delegates_without_account: int = 0,
    seats: int = 2,
    candidates: int = 3,
    form: str = "marks",
    mode: str = VotingMode.ELECTRONIC,
    method: dict[str, Any] | None = None,
) -> VotingSetup:
    """Create a union, its congress with ``voters`` delegates who have accounts, and an
    approved, announced election of ``seats`` seats among ``candidates`` candidates."""
    school = SchoolFactory(code=f"{prefix}SCH", name=f"{prefix}大学")
    union = OrganisationFactory(
        code=f"{prefix}SU", name=f"{prefix}大学学生会", parent=school
    )
    meeting = MeetingFactory(code=f"{prefix}-CONGRESS", organisation=union)
    users = []
    for i in range(voters):
        user = UserFactory(username=f"{prefix.lower()}delegate{i + 1}")
        person = PersonFactory(
            ident=f"{prefix}D{i:04d}", name=f"代表{i + 1}", user=user
        )
        DelegateFactory(meeting=meeting, person=person)
        users.append(user)
    for i in range(delegates_without_account):
        DelegateFactory(
            meeting=meeting, person=PersonFactory(ident=f"{prefix}N{i:04d}")
        )
    data = {"seats": seats, "form": form, **(method or {})}
    election = Election.objects.create(
        code=f"{prefix}-ELECTION",
        organisation=union,
        meeting=meeting,
        title=f"{prefix}大学学生会主席团选举",
        post=Role.PRESIDENT,
        seats=seats,
        mode=mode,
        method=data,
        status=ElectionStatus.APPROVED,
    )
    names = []
    for k in range(candidates):
        person = PersonFactory(ident=f"{prefix}C{k:04d}", name=f"候选人{chr(65 + k)}")
        Candidate.objects.create(
            election=election,
            person=person,
            position=k + 1,
            status=CandidateStatus.APPROVED,
        )
        names.append(person.name)
    announce_candidates(election)
    admin = UserFactory(username=f"{prefix.lower()}admin")
    RoleFactory(user=admin, organisation=union)
    outsider = UserFactory(username=f"{prefix.lower()}outsider")
    return VotingSetup(union, meeting, election, admin, users, names, outsider)
