"""Close the vote: open → closed, reshuffle the ballots, audit who voted (ELE-5)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from tongxue.core import auditlog, erasure
from tongxue.core.auditlog import Actor
from tongxue.core.lifecycle import transition
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import (
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.voting import selectors
from tongxue.voting.models import (
    Ballot,
    Participation,
)
from tongxue.voting.services.shared import (
    _require,
    _step,
)


def _reshuffle_ballots(election: Election) -> None:
    """Rewrite the election's ballots and participations, inside the close transaction.

    While the vote is open, the ballot rows lie in the table in the order they were
    cast and, on PostgreSQL, each carries the id of the transaction that also wrote
    the voter's participation (``xmin``). Copying the ballots out, deleting them and
    inserting them back sorted by their random tracker, and the participations sorted
    by voter (with new ids), leaves live rows whose physical order, ids and
    transaction id (the close's, the same on every row) say nothing about who cast
    which ballot. The old row versions are then erased from the data pages by
    :func:`tongxue.core.erasure.rebuild` once the close commits.

    The trackers do not change, so receipts and the board verify as before.
    """
    rewrites = (
        (
            Ballot._meta.db_table,
            "tracker, election_id, yes, no, abstain, void_reason",
            "tracker",
        ),
        (Participation._meta.db_table, "election_id, voter_id", "voter_id"),
    )
    with connection.cursor() as cursor:
        for table, cols, order in rewrites:
            cursor.execute(
                f"CREATE TEMPORARY TABLE voting_reshuffle AS "
                f"SELECT {cols} FROM {table} WHERE election_id = %s",
                [election.pk],
            )
            cursor.execute(f"DELETE FROM {table} WHERE election_id = %s", [election.pk])
            cursor.execute(
                f"INSERT INTO {table} ({cols}) "
                f"SELECT {cols} FROM voting_reshuffle ORDER BY {order}"
            )
            cursor.execute("DROP TABLE voting_reshuffle")


def _other_votes_open() -> bool:
    """Whether an electronic vote is open (its casts would wait for a rebuild)."""
    return Election.objects.filter(
        status=ElectionStatus.OPEN, mode=VotingMode.ELECTRONIC
    ).exists()


def _audit_voters(election: Election) -> None:
    """Write each voter's "voted" record, inside the close transaction.

    One audit record per participation (the voter, the election, no ballot data), all
    with the close's time and in the order of the voters' user names, so the log says
    who voted and nothing about when or in which order (see the module docstring). One
    ``INSERT … SELECT`` (:func:`tongxue.core.auditlog.record_each`): a congress of
    thousands closes in one statement.
    """
    user_table = get_user_model()._meta.db_table
    auditlog.record_each(
        actors_sql=(
            "SELECT p.voter_id AS actor_id, u.username AS actor_label"
            f" FROM {Participation._meta.db_table} p"
            f" JOIN {user_table} u ON u.id = p.voter_id"
            " WHERE p.election_id = %s"
        ),
        params=[election.pk],
        action="voting.voted",
        organisation=election.organisation.code,
        target=election.code,
        role="voter",
        at=election.closed_at,
    )


@transaction.atomic
def close_vote(*, actor: Actor, election: Election) -> Election:
    """Close the vote (ELE-5): no ballot is accepted after this commits.

    The ballots and participations are rewritten (:func:`_reshuffle_ballots`) and,
    on PostgreSQL, their tables rebuilt right after the commit, so that no page keeps
    an old row version linking a ballot to its voter (docs/voting.md).
    """
    election = Election.objects.select_for_update().get(pk=election.pk)
    role = _require(actor, election)
    ELECTION.require(election.status, ElectionStatus.CLOSED)
    before = election.status
    # The voters' records carry the close's time (saved with the move below).
    election.closed_at = timezone.now()
    if election.mode == VotingMode.ELECTRONIC:
        _reshuffle_ballots(election)
        erasure.rebuild_after_commit(Ballot, Participation, busy=_other_votes_open)
        _audit_voters(election)
    turnout = selectors.turnout(election)
    transition(
        election,
        ELECTION,
        ElectionStatus.CLOSED,
        actor=actor,
        action="voting.closed",
        organisation=election.organisation.code,
        role=role,
        subject=election.code,
        data={
            "entitled": turnout.entitled,
            "present": turnout.present,
            "voted": turnout.voted,
        },
        changes={"closed_at": election.closed_at},
    )
    _step(election, actor, role, before, "close")
    return election
