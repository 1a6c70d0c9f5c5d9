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
