"""Voting API (ELE-5): the bulletin board as JSON after the close; turnout for the presidium."""

from __future__ import annotations

import pytest

from tests.factories_voting import build_voting
from tongxue.voting import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def test_board_json_after_the_close_only(client):
    setup = build_voting(voters=3)
    services.open_vote(actor=setup.admin, election=setup.election)
    receipts = [
        services.cast(voter=v, election_code=setup.election.code, marks=["1", "0", "1"])
        for v in setup.voters
    ]
    url = f"/api/voting/{setup.election.code}/board"
    early = client.get(url)
    assert early.status_code == 400
    assert early.json()["code"] == "not-closed"
    services.close_vote(actor=setup.admin, election=setup.election)
    data = client.get(url).json()
    assert data["candidates"] == setup.candidates
    assert data["count"] == 3
    assert [b["tracker"] for b in data["ballots"]] == sorted(
        r.tracker for r in receipts
    )
    assert all(b["cells"] == ["1", "0", "1"] for b in data["ballots"])
    one = client.get(url, {"tracker": receipts[0].short_code}).json()
    assert [b["tracker"] for b in one["ballots"]] == [receipts[0].tracker]
    assert one["ballots"][0]["digest"] == receipts[0].digest


def test_turnout_json_for_the_presidium_only(client):
    setup = build_voting(voters=2)
    services.open_vote(actor=setup.admin, election=setup.election)
    services.cast(
        voter=setup.voters[0], election_code=setup.election.code, marks=["1", "0", "0"]
    )
    url = f"/api/voting/{setup.election.code}/turnout"
    assert client.get(url).status_code == 403
    client.force_login(setup.voters[0])
    assert client.get(url).status_code == 403
    client.force_login(setup.admin)
    data = client.get(url).json()
    assert (data["entitled"], data["present"], data["voted"]) == (2, 1, 1)
    assert data["status"] == "open"
