"""Voting API (ELE-5): the bulletin board as JSON after the close; turnout for the presidium."""

from __future__ import annotations

import pytest
from django.test import Client

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
    one = client.post(
        f"{url}/search",
        {"tracker": receipts[0].short_code},
        content_type="application/json",
    ).json()
    assert [b["tracker"] for b in one["ballots"]] == [receipts[0].tracker]
    assert one["ballots"][0]["digest"] == receipts[0].digest


def _closed_with_receipts():  # type: ignore[no-untyped-def]
    setup = build_voting(voters=3)
    services.open_vote(actor=setup.admin, election=setup.election)
    receipts = [
        services.cast(voter=v, election_code=setup.election.code, marks=["1", "0", "1"])
        for v in setup.voters
    ]
    return setup, receipts


def test_a_tracker_in_the_board_url_is_refused_and_reveals_nothing(client):
    # docs/voting.md: a tracker never appears in a URL (access logs, history).
    setup, receipts = _closed_with_receipts()
    services.close_vote(actor=setup.admin, election=setup.election)
    url = f"/api/voting/{setup.election.code}/board"
    for value in (receipts[0].tracker, receipts[0].short_code, ""):
        response = client.get(url, {"tracker": value})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "tracker-in-url" and "ballots" not in body
        assert receipts[0].tracker not in response.content.decode()
    # The search is not a GET, and the path form of a tracker names nothing.
    assert client.get(f"{url}/search").status_code == 405
    assert client.get(f"{url}/{receipts[0].tracker}").status_code == 404
    # The board itself stays public, page by page, for anyone to verify.
    assert client.get(url, {"page": 1}).json()["count"] == 3


def test_the_board_search_by_post_finds_a_ballot_by_tracker_or_short_code(client):
    setup, receipts = _closed_with_receipts()
    url = f"/api/voting/{setup.election.code}/board/search"
    early = client.post(url, {"tracker": receipts[0].tracker}, "application/json")
    assert early.status_code == 400 and early.json()["code"] == "not-closed"
    services.close_vote(actor=setup.admin, election=setup.election)
    for typed in (receipts[0].tracker, receipts[0].short_code.lower()):
        found = client.post(url, {"tracker": typed}, "application/json").json()
        assert [b["tracker"] for b in found["ballots"]] == [receipts[0].tracker]
        assert found["count"] == 1 and found["ballots"][0]["cells"] == ["1", "0", "1"]
    # A public read: a script needs no session and no CSRF token.
    script = Client(enforce_csrf_checks=True)
    found = script.post(url, {"tracker": receipts[1].tracker}, "application/json")
    assert found.status_code == 200 and found.json()["count"] == 1
    unknown = client.post(url, {"tracker": "Z" * 26}, "application/json").json()
    assert unknown["count"] == 0 and unknown["ballots"] == []
    assert client.post(url, {"tracker": ""}, "application/json").status_code == 422


def test_the_openapi_description_has_the_search_and_no_tracker_in_the_url(client):
    spec = client.get("/api/openapi.json").json()
    board = spec["paths"]["/api/voting/{code}/board"]["get"]
    assert {p["name"] for p in board["parameters"]} == {"code", "page"}
    search = spec["paths"]["/api/voting/{code}/board/search"]
    assert set(search) == {"post"}
    body = search["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    assert "tracker" in spec["components"]["schemas"][name]["properties"]


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
