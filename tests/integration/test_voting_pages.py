"""Voting pages (ELE-5 · GS-8): ballot, confirm, receipt, presidium, board, paper counts."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core import signing
from django.db import connection
from django.test import Client

from tests.factories import UserFactory
from tests.factories_voting import build_voting
from tongxue.elections.models import ElectionStatus, VotingMode
from tongxue.voting import codec, selectors, services, tokens
from tongxue.voting.models import Ballot, PaperCount, Participation, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def _opened(**kwargs):
    setup = build_voting(**kwargs)
    services.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup


def _url(setup, name=""):
    return f"/vote/{setup.election.code}/{name}"


# --- ballot, confirmation, receipt ---------------------------------------------------


def test_ballot_page_lists_candidates_and_marks_the_voter_present(client):
    setup = _opened()
    client.force_login(setup.voters[0])
    response = client.get(_url(setup))
    assert response.status_code == 200
    body = response.content.decode()
    for k, name in enumerate(setup.candidates):
        assert name in body
        assert f'name="c{k}"' in body
    assert 'class="marks-count"' in body
    entry = RollEntry.objects.get(election=setup.election, person__user=setup.voters[0])
    assert entry.checked_in is True


def test_ballot_page_needs_sign_in(client):
    setup = _opened()
    response = client.get(_url(setup))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_ballot_page_refuses_someone_not_on_the_roll(client):
    setup = _opened()
    client.force_login(setup.outsider)
    response = client.get(_url(setup))
    assert response.status_code == 403
    assert 'data-state="not-on-roll"' in response.content.decode()


def test_ballot_page_before_opening_says_not_open(client):
    setup = build_voting()
    client.force_login(setup.voters[0])
    response = client.get(_url(setup))
    assert 'data-state="not-open"' in response.content.decode()


def test_review_shows_a_summary_with_the_marks_to_confirm(client):
    setup = _opened(seats=2, candidates=3)
    client.force_login(setup.voters[0])
    response = client.post(_url(setup), {"step": "review", "c0": "1", "c2": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="cast-form"' in body
    assert 'data-candidate="0" data-cell="1"' in body
    assert 'data-candidate="1" data-cell=""' in body
    assert 'id="void-warning"' not in body
    assert not Ballot.objects.exists()  # reviewing writes nothing


def test_review_warns_when_the_ballot_would_be_void(client):
    setup = _opened(seats=2, candidates=3)
    client.force_login(setup.voters[0])
    response = client.post(
        _url(setup), {"step": "review", "c0": "1", "c1": "1", "c2": "1"}
    )
    assert 'id="void-warning"' in response.content.decode()


def test_edit_keeps_the_marks(client):
    setup = _opened()
    client.force_login(setup.voters[0])
    response = client.post(_url(setup), {"step": "edit", "c1": "1"})
    body = response.content.decode()
    assert 'id="ballot-form"' in body
    assert 'name="c1" value="1" checked' in body


def _token(setup, user, election=None):
    election = election or setup.election
    return tokens.issue(voter=user, election_id=election.pk)


def _page_token(client, setup):
    """Return the ballot token the ballot page hands to the signed-in voter."""
    body = client.get(_url(setup)).content.decode()
    match = re.search(r'name="ballot_token" value="([^"]+)"', body)
    assert match, "the ballot page carries no ballot token"
    return match.group(1)


def test_cast_shows_the_receipt_then_a_second_cast_is_refused(client):
    setup = _opened()
    client.force_login(setup.voters[0])
    token = _page_token(client, setup)
    response = client.post(
        _url(setup, "cast/"), {"c0": "1", "c1": "1", "ballot_token": token}
    )
    assert response.status_code == 200
    ballot = Ballot.objects.get()
    body = response.content.decode()
    assert ballot.tracker in body
    assert codec.short_code(ballot.tracker) in body
    assert codec.digest(setup.election.code, ballot.tracker, ["1", "1", "0"]) in body
    again = client.post(_url(setup, "cast/"), {"c2": "1", "ballot_token": token})
    assert again.status_code == 409
    assert 'data-code="already-voted"' in again.content.decode()
    assert Ballot.objects.count() == 1
    assert 'data-state="voted"' in client.get(_url(setup)).content.decode()


def test_confirm_page_puts_the_voters_token_in_the_cast_form(client):
    setup = _opened()
    client.force_login(setup.voters[1])
    response = client.post(_url(setup), {"step": "review", "c0": "1"})
    body = response.content.decode()
    form = body[body.index('id="cast-form"') :]
    form = form[: form.index("</form>")]
    match = re.search(r'name="ballot_token" value="([^"]+)"', form)
    assert match
    voter = tokens.voter(match.group(1), election_id=setup.election.pk)
    assert voter.pk == setup.voters[1].pk
    assert "no-store" in response.headers["Cache-Control"]


def test_ballot_page_gives_no_token_off_the_roll(client):
    setup = _opened()
    client.force_login(setup.outsider)
    response = client.get(_url(setup))
    assert response.status_code == 403
    assert "ballot_token" not in response.content.decode()


def test_cast_json_answers_receipt_and_refusals():
    setup = _opened()
    client = Client(HTTP_ACCEPT="application/json")
    header = {"HTTP_X_BALLOT_TOKEN": _token(setup, setup.voters[0])}
    response = client.post(_url(setup, "cast/"), {"c0": "1"}, **header)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"tracker", "short_code", "digest", "void_reason"}
    assert Ballot.objects.get().tracker == data["tracker"]
    again = client.post(_url(setup, "cast/"), {"c0": "1"}, **header)
    assert again.status_code == 409
    assert again.json()["code"] == "already-voted"
    bad = client.post(
        _url(setup, "cast/"),
        {"c0": "X"},
        HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[1]),
    )
    assert bad.status_code == 400
    refused = client.post(
        _url(setup, "cast/"),
        {"c0": "1"},
        HTTP_X_BALLOT_TOKEN=_token(setup, setup.outsider),
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "not-on-roll"
    anonymous = client.post(_url(setup, "cast/"), {"c0": "1"})
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "no-token"
    assert Ballot.objects.count() == 1
    assert Participation.objects.get().voter_id == setup.voters[0].pk


def test_cast_records_the_tokens_voter_in_the_audit_without_ballot_data():
    from tongxue.core.models import AuditEvent

    setup = _opened()
    client = Client(HTTP_ACCEPT="application/json")
    response = client.post(
        _url(setup, "cast/"),
        {"c1": "1"},
        HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[2]),
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="voting.voted").exists()
    services.close_vote(actor=setup.admin, election=setup.election)
    event = AuditEvent.objects.get(action="voting.voted")
    assert event.actor_id == setup.voters[2].pk
    assert event.actor_label == setup.voters[2].get_username()
    assert event.data == {}
    assert response.json()["tracker"] not in str(event.__dict__)


def test_cast_without_a_token_is_refused_even_when_signed_in(client):
    setup = _opened()
    client.force_login(setup.voters[0])
    response = client.post(_url(setup, "cast/"), {"c0": "1"})
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-code="no-token"' in body
    assert 'id="reload-ballot"' in body
    assert not Participation.objects.exists()


def test_cast_by_token_needs_no_session_and_no_csrf_cookie():
    setup = _opened()
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT="application/json")
    token = _token(setup, setup.voters[0])
    response = client.post(_url(setup, "cast/"), {"c0": "1", "ballot_token": token})
    assert response.status_code == 200
    assert "csrftoken" not in client.cookies
    assert Participation.objects.get().voter_id == setup.voters[0].pk


def test_other_pages_still_need_the_csrf_token():
    setup = _opened()
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.voters[0])
    response = client.post(_url(setup), {"step": "review", "c0": "1"})
    assert response.status_code == 403


def _refused(setup, token):
    client = Client(HTTP_ACCEPT="application/json")
    response = client.post(_url(setup, "cast/"), {"c0": "1", "ballot_token": token})
    assert response.status_code == 403
    return response.json()["code"]


def test_forged_and_altered_tokens_are_refused():
    setup = _opened()
    assert _refused(setup, "not-a-token") == "bad-token"
    assert _refused(setup, signing.dumps({"v": setup.voters[0].pk})) == "bad-token"
    # Signed with the right key but another salt (another signed value of the site).
    other = signing.dumps(
        {"v": setup.voters[0].pk, "n": "x", "e": setup.election.pk}, salt="other"
    )
    assert _refused(setup, other) == "bad-token"
    # Another voter's id put in a valid token: the signature no longer matches.
    token = _token(setup, setup.voters[0])
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(
        json.dumps(
            {"v": setup.voters[1].pk, "n": "x", "e": setup.election.pk},
            separators=(",", ":"),
        ).encode()
    ).decode()
    assert forged != payload
    assert _refused(setup, f"{forged}:{rest}") == "bad-token"
    assert not Participation.objects.exists()


def test_token_of_another_election_is_refused():
    setup = _opened()
    other = _opened(prefix="W")
    token = _token(other, other.voters[0])
    assert _refused(setup, token) == "bad-token"
    # ... even for a voter on both rolls: a token is bound to its election.
    assert _refused(setup, _token(setup, setup.voters[0], other.election)) == (
        "bad-token"
    )
    assert not Participation.objects.exists()


def test_expired_token_is_refused_a_fresh_one_is_not(monkeypatch):
    setup = _opened()
    now = int(time.time())
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(now - tokens.MAX_AGE - 5),
    )
    old = _token(setup, setup.voters[0])
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(now - tokens.MAX_AGE + 60),
    )
    recent = _token(setup, setup.voters[0])
    monkeypatch.undo()
    assert _refused(setup, old) == "expired-token"
    client = Client()
    page = client.post(_url(setup, "cast/"), {"c0": "1", "ballot_token": old})
    assert page.status_code == 403
    assert 'data-code="expired-token"' in page.content.decode()
    assert 'id="reload-ballot"' in page.content.decode()
    assert not Participation.objects.exists()
    ok = Client(HTTP_ACCEPT="application/json").post(
        _url(setup, "cast/"), {"c0": "1", "ballot_token": recent}
    )
    assert ok.status_code == 200


def test_token_of_a_deactivated_account_is_refused():
    setup = _opened()
    token = _token(setup, setup.voters[0])
    setup.voters[0].is_active = False
    setup.voters[0].save(update_fields=["is_active"])
    assert _refused(setup, token) == "not-on-roll"
    assert not Participation.objects.exists()


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_cast_reads_no_session_no_user_once_the_ballot_is_cached(
    django_assert_num_queries, accept
):
    setup = _opened(voters=3)
    client = Client(HTTP_ACCEPT=accept)
    client.force_login(setup.voters[2])  # a session exists: it must not be read
    first = client.post(
        _url(setup, "cast/"),
        {"c0": "1"},
        HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[0]),
    )
    assert first.status_code == 200  # warms the per-process cache
    # PostgreSQL: one statement (CTEs); elsewhere two inserts; each in a savepoint
    # because the test runs inside a transaction. The audit records of the voters are
    # written at the close, not per cast.
    expected = 3 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(expected) as ctx:
        response = client.post(
            _url(setup, "cast/"),
            {"c1": "1"},
            HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[1]),
        )
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("voting_participation", "voting_ballot"):
        assert table in sql
    for table in (
        "django_session",
        'FROM "auth_user"',
        "voting_ballotdefinition",
        "core_auditevent",
        "notifications_notification",  # no unread count in the receipt's header
    ):
        assert table not in sql
    assert Participation.objects.filter(voter=setup.voters[1]).exists()


# --- the presidium -----------------------------------------------------------------


def test_manage_page_shows_qr_and_turnout_to_the_presidium_only(client):
    setup = _opened()
    client.force_login(setup.voters[0])
    assert client.get(_url(setup, "manage/")).status_code == 403
    assert client.get(_url(setup, "manage/turnout/")).status_code == 403
    client.force_login(setup.admin)
    response = client.get(_url(setup, "manage/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert f"/vote/{setup.election.code}/" in body
    assert 'data-count="entitled">3<' in body


def test_turnout_partial_polls_counts_never_results(client):
    setup = _opened(voters=3)
    services.cast(
        voter=setup.voters[0], election_code=setup.election.code, marks=["1", "0", "0"]
    )
    client.force_login(setup.admin)
    response = client.get(_url(setup, "manage/turnout/"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'hx-trigger="every 5s"' in body
    assert 'data-count="voted">1<' in body
    assert 'data-count="present">1<' in body
    for name in setup.candidates:
        assert name not in body


def test_open_close_count_through_the_pages(client):
    setup = build_voting(voters=3)
    client.force_login(setup.voters[0])
    assert client.post(_url(setup, "manage/open/")).status_code == 403
    client.force_login(setup.admin)
    assert client.post(_url(setup, "manage/open/")).status_code == 302
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.OPEN
    for voter in setup.voters:
        services.cast(
            voter=voter, election_code=setup.election.code, marks=["1", "1", "0"]
        )
    # Closing asks for confirmation first.
    confirm = client.get(_url(setup, "manage/close/"))
    assert 'id="close-form"' in confirm.content.decode()
    client.post(_url(setup, "manage/close/"))
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.OPEN
    client.force_login(setup.voters[0])
    assert (
        client.post(_url(setup, "manage/close/"), {"confirm": "yes"}).status_code == 403
    )
    client.force_login(setup.admin)
    assert (
        client.post(_url(setup, "manage/close/"), {"confirm": "yes"}).status_code == 302
    )
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.CLOSED
    assert client.post(_url(setup, "manage/count/")).status_code == 302
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.COUNTED
    assert setup.election.result["ballots"]["returned"] == 3


def test_open_refusal_is_shown_on_the_page(client):
    setup = build_voting(voters=0)
    client.force_login(setup.admin)
    response = client.post(_url(setup, "manage/open/"))
    assert response.status_code == 400
    assert 'id="manage-error"' in response.content.decode()


# --- the bulletin board ------------------------------------------------------------


def _closed(voters=4):
    setup = _opened(voters=voters)
    trackers = []
    for k, voter in enumerate(setup.voters):
        cells = ["1", "0", "0"] if k % 2 else ["0", "1", "1"]
        trackers.append(
            services.cast(voter=voter, election_code=setup.election.code, marks=cells)
        )
    services.close_vote(actor=setup.admin, election=setup.election)
    return setup, trackers


def test_board_is_published_only_after_the_close(client):
    setup = _opened()
    response = client.get(_url(setup, "board/"))
    assert 'data-state="board-closed"' in response.content.decode()
    assert client.get(_url(setup, "board.csv")).status_code == 404


def test_board_lists_every_ballot_with_tracker_and_marks(client):
    setup, receipts = _closed()
    body = client.get(_url(setup, "board/")).content.decode()
    for r in receipts:
        assert f'data-tracker="{r.tracker}"' in body
        assert r.short_code in body
    for name in setup.candidates:
        assert name in body
    # No voter's name or account on the public board.
    for voter in setup.voters:
        assert voter.username not in body


def test_board_search_by_short_code_finds_the_voters_ballot(client):
    setup, receipts = _closed()
    wanted = receipts[1]
    response = client.post(
        _url(setup, "board/"), {"tracker": wanted.short_code.lower()}
    )
    body = response.content.decode()
    assert f'data-tracker="{wanted.tracker}"' in body
    for other in receipts:
        if other.tracker != wanted.tracker:
            assert f'data-tracker="{other.tracker}"' not in body
    assert wanted.digest[:16] in body
    missing = client.post(_url(setup, "board/"), {"tracker": "ZZZZ-ZZZZ-NOPE"})
    assert 'id="board-not-found"' in missing.content.decode()


def test_board_csv_is_in_the_format_tongxue_count_reads(client):
    setup, receipts = _closed()
    response = client.get(_url(setup, "board.csv"))
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(setup.candidates)
    assert sorted(lines[1:]) == sorted(",".join(r.cells) for r in receipts)
    # Same order as the board: tracker order.
    ordered = sorted(receipts, key=lambda r: r.tracker)
    assert lines[1:] == [",".join(r.cells) for r in ordered]


@pytest.mark.parametrize("voters", [2, 12])
def test_board_query_count_does_not_grow_with_ballots(
    client, django_assert_num_queries, voters
):
    setup, _ = _closed(voters=voters)
    with django_assert_num_queries(4):  # election, ballot definition, count, page
        response = client.get(_url(setup, "board/"))
    assert response.status_code == 200


# --- paper ballots -----------------------------------------------------------------


def _paper(client):
    setup = build_voting(voters=3, mode=VotingMode.PAPER, seats=2, candidates=3)
    first = UserFactory(username="jipiao1")
    second = UserFactory(username="jipiao2")
    services.open_vote(actor=setup.admin, election=setup.election)
    services.designate_scrutineers(
        actor=setup.admin, election=setup.election, usernames=["jipiao1", "jipiao2"]
    )
    services.close_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup, first, second


def _entry(present=3, issued=3, returned=3, yes=(2, 2, 1), void=0):
    data = {
        "present": present,
        "issued": issued,
        "returned": returned,
        "void-too-many-marks": void,
    }
    for k, y in enumerate(yes):
        data[f"c{k}-yes"] = y
    return data


def test_paper_counts_show_differences_until_both_agree(client):
    setup, first, second = _paper(client)
    url = _url(setup, "paper/")
    client.force_login(first)
    assert client.post(url, _entry(yes=(2, 2, 1))).status_code == 302
    assert not selectors.reconciled(setup.election)
    client.force_login(second)
    page = client.get(url).content.decode()
    assert 'id="differences"' not in page  # independent: nothing shown before both
    client.post(url, _entry(yes=(2, 1, 1)))
    body = client.get(url).content.decode()
    assert f'data-figure="{setup.candidates[1]}:yes"' in body
    assert not selectors.reconciled(setup.election)
    # The presidium cannot count before the counts agree.
    client.force_login(setup.admin)
    assert client.post(_url(setup, "manage/count/")).status_code == 400
    client.force_login(second)
    client.post(url, _entry(yes=(2, 2, 1)))
    assert 'id="reconciled"' in client.get(url).content.decode()
    assert selectors.reconciled(setup.election)
    client.force_login(setup.admin)
    assert client.post(_url(setup, "manage/count/")).status_code == 302
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.COUNTED
    result = setup.election.result
    assert result["ballots"] == {"issued": 3, "returned": 3, "valid": 3, "void": 0}
    assert sorted(result["elected"]) == sorted(setup.candidates[:2])


def test_paper_count_differences_cover_totals_both_sides():
    from types import SimpleNamespace

    setup = build_voting(voters=1, mode=VotingMode.PAPER)
    services.open_vote(actor=setup.admin, election=setup.election)
    a = SimpleNamespace(present=3, issued=3, returned=3, void_reasons={}, candidates={})
    b = SimpleNamespace(
        present=3, issued=4, returned=3, void_reasons={"blank": 1}, candidates={}
    )
    diffs = selectors.paper_differences(setup.election, [a, b])
    assert {d.what for d in diffs} == {"issued", "void:blank"}
    assert selectors.paper_differences(setup.election, [a, a]) == []


def test_paper_entry_authorisation_and_timing(client):
    setup = build_voting(voters=2, mode=VotingMode.PAPER)
    scrutineer = UserFactory(username="jp1")
    UserFactory(username="jp2")
    services.open_vote(actor=setup.admin, election=setup.election)
    # Only the presidium designates.
    client.force_login(setup.voters[0])
    assert (
        client.post(
            _url(setup, "manage/scrutineers/"), {"first": "jp1", "second": "jp2"}
        ).status_code
        == 403
    )
    client.force_login(setup.admin)
    client.post(_url(setup, "manage/scrutineers/"), {"first": "jp1", "second": "jp2"})
    # Before the close: no entry.
    client.force_login(scrutineer)
    response = client.post(_url(setup, "paper/"), _entry())
    assert response.status_code == 400
    assert not PaperCount.objects.exists()
    services.close_vote(actor=setup.admin, election=setup.election)
    # Someone else cannot enter or see.
    client.force_login(setup.voters[0])
    assert client.post(_url(setup, "paper/"), _entry()).status_code == 403
    assert client.get(_url(setup, "paper/")).status_code == 403
    # The presidium can look but not enter.
    client.force_login(setup.admin)
    assert client.get(_url(setup, "paper/")).status_code == 200
    assert client.post(_url(setup, "paper/"), _entry()).status_code == 403
    client.force_login(scrutineer)
    assert client.post(_url(setup, "paper/"), _entry()).status_code == 302
    assert PaperCount.objects.get().scrutineer == scrutineer


def test_designating_needs_two_different_known_users():
    from tongxue.core.errors import Refusal

    setup = build_voting(mode=VotingMode.PAPER)
    UserFactory(username="jp1")
    for names in (["jp1"], ["jp1", "jp1"], ["jp1", "nobody"]):
        with pytest.raises(Refusal):
            services.designate_scrutineers(
                actor=setup.admin, election=setup.election, usernames=names
            )


def test_electronic_election_is_always_reconciled_paper_needs_two_entries():
    setup = build_voting()
    assert selectors.reconciled(setup.election)
    paper = build_voting(prefix="P", mode=VotingMode.PAPER)
    assert not selectors.reconciled(paper.election)


def test_no_participation_in_paper_elections(client):
    setup = build_voting(mode=VotingMode.PAPER)
    services.open_vote(actor=setup.admin, election=setup.election)
    client.force_login(setup.voters[0])
    assert 'data-state="paper"' in client.get(_url(setup)).content.decode()
    response = client.post(
        _url(setup, "cast/"),
        {"c0": "1", "ballot_token": _token(setup, setup.voters[0])},
        HTTP_ACCEPT="application/json",
    )
    assert json.loads(response.content)["code"] == "paper"
    assert not Participation.objects.exists()


def test_board_shows_the_count_only_once_certified(client):
    from tongxue.elections.models import Election

    setup, _ = _closed()
    services.count_vote(actor=setup.admin, election=setup.election)
    assert 'id="board-result"' not in client.get(_url(setup, "board/")).content.decode()
    Election.objects.filter(pk=setup.election.pk).update(
        status=ElectionStatus.CERTIFIED
    )
    assert 'id="board-result"' in client.get(_url(setup, "board/")).content.decode()


def test_paper_entry_must_fit_the_valid_ballots(client):
    setup, first, _ = _paper(client)
    client.force_login(first)
    # 3 returned, 1 void: 2 valid ballots cannot give a candidate 3 votes.
    response = client.post(_url(setup, "paper/"), _entry(yes=(3, 1, 0), void=1))
    assert response.status_code == 400
    assert not PaperCount.objects.exists()
    ok = client.post(_url(setup, "paper/"), _entry(yes=(2, 1, 0), void=1))
    assert ok.status_code == 302
    entry = PaperCount.objects.get()
    assert entry.candidates[setup.candidates[0]] == [2, 0, 0]
    assert entry.void_reasons == {"too-many-marks": 1}
