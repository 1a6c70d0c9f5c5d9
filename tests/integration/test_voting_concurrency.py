"""One ballot per voter, enforced by the database (ELE-5 · GS-8), under real concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tests.factories_voting import build_voting
from tongxue.core.errors import Refusal
from tongxue.voting import selectors, services
from tongxue.voting.models import Ballot, Participation

SUBMISSIONS = 500
WORKERS = 50


@pytest.mark.django_db(transaction=True)
def test_one_voter_submitting_500_times_concurrently_ends_with_one_ballot():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer, so threads cannot race "
            "(run with DATABASE_URL=postgres://…)"
        )
    selectors.clear_cache()
    setup = build_voting(prefix="CC", voters=2)
    services.open_vote(actor=setup.admin, election=setup.election)
    voter = setup.voters[0]
    code = setup.election.code

    def submit(i: int) -> str:
        try:
            cells = ["1", "0", "0"] if i % 2 else ["0", "1", "0"]
            services.cast(voter=voter, election_code=code, marks=cells)
            return "ok"
        except Refusal as refusal:
            return refusal.code
        finally:
            connections.close_all()  # each thread had its own connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(submit, range(SUBMISSIONS)))

    assert outcomes.count("ok") == 1
    assert outcomes.count("already-voted") == SUBMISSIONS - 1
    assert (
        Participation.objects.filter(election=setup.election, voter=voter).count() == 1
    )
    assert Ballot.objects.filter(election=setup.election).count() == 1
    # The other voter is unaffected.
    services.cast(voter=setup.voters[1], election_code=code, marks=["1", "0", "0"])
    assert Ballot.objects.filter(election=setup.election).count() == 2
    selectors.clear_cache()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "unprepared"])
def test_the_cast_statement_refuses_and_counts_alike_prepared_or_not(
    prepared: bool, settings
) -> None:  # type: ignore[no-untyped-def]
    """Outside a transaction the cast runs as a prepared statement on PostgreSQL (or,
    with DB_PREPARED_STATEMENTS=0, through Django's cursor); either way a second ballot
    and a voter off the roll are refused, nothing is written for them, and the
    connection goes on serving casts."""
    if connection.vendor != "postgresql":
        pytest.skip("the prepared cast statement is PostgreSQL's")
    settings.TONGXUE_PREPARED_CAST = prepared
    selectors.clear_cache()
    setup = build_voting(prefix="PS", voters=3)
    outsider = build_voting(prefix="PO", voters=1).voters[0]
    services.open_vote(actor=setup.admin, election=setup.election)
    code = setup.election.code
    assert not connection.in_atomic_block
    first = services.cast(
        voter=setup.voters[0], election_code=code, marks=["1", "0", "0"]
    )
    with pytest.raises(Refusal) as again:
        services.cast(voter=setup.voters[0], election_code=code, marks=["0", "1", "0"])
    assert again.value.code == "already-voted"
    with pytest.raises(Refusal) as off_roll:
        services.cast(voter=outsider, election_code=code, marks=["0", "1", "0"])
    assert off_roll.value.code == "not-on-roll"
    for voter in setup.voters[1:]:  # the same connection, after two refusals
        services.cast(voter=voter, election_code=code, marks=["0", "0", "1"])
    ballots = Ballot.objects.filter(election=setup.election)
    assert ballots.count() == 3
    assert ballots.filter(tracker=first.tracker).exists()
    assert Participation.objects.filter(election=setup.election).count() == 3
    selectors.clear_cache()
