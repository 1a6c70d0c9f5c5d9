"""Open the vote: approved → open, the ballot definition and the voter roll (ELE-5)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.business.models import StandingDelegate
from tongxue.congresses.models import Delegate, MeetingKind
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
)
from tongxue.voting import selectors
from tongxue.voting.models import (
    MAX_CANDIDATES,
    BallotDefinition,
    RollEntry,
)
from tongxue.voting.notifying import vote_opened
from tongxue.voting.services.shared import (
    _ballot_names,
    _ready_to_open,
    _require,
    _step,
    method_data,
)


def _ballot_candidates(election: Election) -> list[Candidate]:
    """The approved candidates in ballot order; refused when none, or too many for
    one ballot."""
    candidates = list(
        Candidate.objects.filter(election=election, status=CandidateStatus.APPROVED)
        .select_related("person")
        .order_by("position", "id")
    )
    if not candidates:
        raise refuse(
            "no-candidates",
            gettext_noop("{election} has no approved candidates."),
            election=election.title,
        )
    if len(candidates) > MAX_CANDIDATES:
        raise refuse(
            "too-many-candidates",
            gettext_noop("A ballot holds at most {limit} candidates."),
            limit=MAX_CANDIDATES,
        )
    return candidates


def _roll_of(election: Election) -> list[int]:
    """The people on the voter roll: the delegates of the electing meeting (ELE-1),
    or at a standing-conference meeting the union's serving standing delegates (CON-8,
    as ``business.services.entitled_voters`` counts them); refused when there are none."""
    meeting = election.meeting
    if meeting is not None and meeting.kind == MeetingKind.STANDING_CONFERENCE:
        people = list(
            StandingDelegate.objects.filter(
                union_id=meeting.organisation_id, ended_on__isnull=True
            ).values_list("person_id", flat=True)
        )
    else:
        people = list(
            Delegate.objects.filter(meeting_id=election.meeting_id).values_list(
                "person_id", flat=True
            )
        )
    if not people:
        raise refuse(
            "no-roll",
            gettext_noop("The electing meeting has no delegates: the roll is empty."),
        )
    return people


@transaction.atomic
def open_vote(*, actor: Actor, election: Election) -> BallotDefinition:
    """Open the vote: freeze the ballot and build the voter roll (ELE-5 · GS-8).

    The roll is the delegates of the electing meeting (ELE-1); the ballot lists the
    approved candidates in ballot order. Refused before approval (ELE-2).
    """
    election = Election.objects.select_for_update().get(pk=election.pk)
    role = _require(actor, election)
    ELECTION.require(election.status, ElectionStatus.OPEN)
    refusal = _ready_to_open(election)
    if refusal is not None:
        raise refusal
    if election.meeting_id is None:
        raise refuse(
            "no-roll",
            gettext_noop(
                "{election} has no electing meeting, so it has no voter roll."
            ),
            election=election.title,
        )
    candidates = _ballot_candidates(election)
    people = _roll_of(election)
    now = timezone.now()
    RollEntry.objects.bulk_create(
        [RollEntry(election=election, person_id=p) for p in people],
        batch_size=1000,
        ignore_conflicts=True,
    )
    names = _ballot_names(candidates)
    method = method_data(election)
    definition = BallotDefinition.objects.create(
        election=election,
        candidates=[
            {"id": c.pk, "name": name}
            for c, name in zip(candidates, names, strict=True)
        ],
        form=method["form"],
        seats=election.seats,
        method=method,
        opened_at=now,
    )
    # A code can only be reused after a rollback (tests): never serve an older ballot.
    selectors.forget(election.code)
    transaction.on_commit(lambda: selectors.forget(election.code))
    before = election.status
    transition(
        election,
        ELECTION,
        ElectionStatus.OPEN,
        actor=actor,
        action="voting.opened",
        organisation=election.organisation.code,
        role=role,
        subject=election.code,
        data={"roll": len(people), "candidates": names, "mode": election.mode},
        changes={"opened_at": now},
    )
    _step(election, actor, role, before, "open")
    # the voters on the roll hear of it in the inbox (#14): the rows commit with it
    vote_opened(election)
    return definition
