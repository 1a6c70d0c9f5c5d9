"""Voting services (ELE-5 · GS-8): open, cast, close, count; secrecy; authorisation."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories_voting import build_voting
from tongxue.accounts import sessions
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.domain import counting
from tongxue.elections.models import Election, ElectionStatus
from tongxue.voting import codec, selectors, services, tokens
from tongxue.voting.models import Ballot, BallotDefinition, Participation, RollEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def _open(setup):
    services.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup.election


def _cast(setup, voter, cells):
    return services.cast(voter=voter, election_code=setup.election.code, marks=cells)


# --- opening -----------------------------------------------------------------------


def test_open_freezes_ballot_and_builds_roll_from_the_meetings_delegates():
    setup = build_voting(voters=3, delegates_without_account=2)
    election = _open(setup)
    assert election.status == ElectionStatus.OPEN
    assert election.opened_at is not None
    definition = BallotDefinition.objects.get(election=election)
    assert [c["name"] for c in definition.candidates] == setup.candidates
    assert definition.seats == 2
    assert definition.form == "marks"
    assert RollEntry.objects.filter(election=election).count() == 5
    event = AuditEvent.objects.filter(action="voting.opened").get()
    assert event.target == election.code
    assert event.data["roll"] == 5


def test_open_needs_run_election_permission():
    setup = build_voting()
    with pytest.raises(Refusal) as exc:
        services.open_vote(actor=setup.outsider, election=setup.election)
    assert exc.value.code == "forbidden"
    with pytest.raises(Refusal):
        services.open_vote(actor=setup.voters[0], election=setup.election)
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.APPROVED
    assert not RollEntry.objects.exists()


def test_open_refused_before_approval():
    setup = build_voting()
    Election.objects.filter(pk=setup.election.pk).update(status=ElectionStatus.VETTING)
    setup.election.refresh_from_db()
    with pytest.raises(Refusal) as exc:
        services.open_vote(actor=setup.admin, election=setup.election)
    assert exc.value.code == "invalid-transition"
    assert not BallotDefinition.objects.exists()


def test_open_refused_when_the_meeting_has_no_delegates():
    setup = build_voting(voters=0)
    with pytest.raises(Refusal) as exc:
        services.open_vote(actor=setup.admin, election=setup.election)
    assert exc.value.code == "no-roll"


def test_duplicate_candidate_names_are_made_unique_on_the_ballot():
    from tongxue.organisations.models import Person

    setup = build_voting(candidates=3)
    Person.objects.filter(name__in=setup.candidates[:2]).update(name="张伟")
    election = _open(setup)
    names = selectors.candidate_names(election)
    assert names == ["张伟 (1)", "张伟 (2)", setup.candidates[2]]


# --- casting -----------------------------------------------------------------------


def test_cast_writes_participation_and_ballot_and_returns_a_receipt():
    setup = build_voting()
    _open(setup)
    receipt = _cast(setup, setup.voters[0], ["1", "0", "1"])
    assert len(receipt.tracker) == 26
    assert receipt.short_code == f"{receipt.tracker[:4]}-{receipt.tracker[4:8]}"
    assert receipt.void_reason == ""
    ballot = Ballot.objects.get()
    assert ballot.tracker == receipt.tracker
    assert (ballot.yes, ballot.no, ballot.abstain) == (0b101, 0, 0)
    assert receipt.digest == codec.digest(
        setup.election.code, receipt.tracker, ["1", "0", "1"]
    )
    assert Participation.objects.filter(voter=setup.voters[0]).count() == 1


def test_cast_accepts_marks_by_candidate_name():
    setup = build_voting()
    _open(setup)
    _cast(setup, setup.voters[0], {setup.candidates[1]: "1"})
    assert Ballot.objects.get().yes == 0b010


def test_second_ballot_of_the_same_voter_is_refused_and_nothing_is_written():
    setup = build_voting()
    _open(setup)
    _cast(setup, setup.voters[0], ["1", "0", "0"])
    events = AuditEvent.objects.count()
    with pytest.raises(Refusal) as exc:
        _cast(setup, setup.voters[0], ["0", "1", "0"])
    assert exc.value.code == "already-voted"
    assert Ballot.objects.count() == 1
    assert Participation.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_voter_not_on_the_roll_is_refused():
    setup = build_voting()
    _open(setup)
    with pytest.raises(Refusal) as exc:
        _cast(setup, setup.outsider, ["1", "0", "0"])
    assert exc.value.code == "not-on-roll"
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()


def test_anonymous_voter_is_refused():
    from django.contrib.auth.models import AnonymousUser

    setup = build_voting()
    _open(setup)
    with pytest.raises(Refusal) as exc:
        _cast(setup, AnonymousUser(), ["1", "0", "0"])
    assert exc.value.code == "forbidden"


def test_casting_before_the_opening_is_refused():
    setup = build_voting()
    with pytest.raises(Refusal) as exc:
        _cast(setup, setup.voters[0], ["1", "0", "0"])
    assert exc.value.code == "not-open"
    assert not Ballot.objects.exists()


def test_casting_after_the_close_is_refused_even_with_a_cached_ballot():
    setup = build_voting()
    _open(setup)
    _cast(setup, setup.voters[0], ["1", "0", "0"])  # the definition is now cached
    services.close_vote(actor=setup.admin, election=setup.election)
    with pytest.raises(Refusal) as exc:
        _cast(setup, setup.voters[1], ["1", "0", "0"])
    assert exc.value.code == "not-open"
    assert Ballot.objects.count() == 1
    assert Participation.objects.count() == 1


def test_malformed_ballot_is_refused_not_stored():
    setup = build_voting()
    _open(setup)
    for cells in (["1", "0"], ["1", "X", "0"], {"某人": "1"}):
        with pytest.raises(Refusal) as exc:
            _cast(setup, setup.voters[0], cells)
        assert exc.value.code == "invalid-ballot"
    assert not Participation.objects.exists()


def test_too_many_marks_is_stored_as_a_void_ballot():
    setup = build_voting(seats=2, candidates=3)
    _open(setup)
    receipt = _cast(setup, setup.voters[0], ["1", "1", "1"])
    assert receipt.void_reason == "too-many-marks"
    assert Ballot.objects.get().void_reason == "too-many-marks"


def test_exactly_seats_marks_is_valid():
    setup = build_voting(seats=2, candidates=3)
    _open(setup)
    receipt = _cast(setup, setup.voters[0], ["1", "1", "0"])
    assert receipt.void_reason == ""


# --- secrecy -----------------------------------------------------------------------


def test_no_column_links_participation_and_ballot():
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert ballot_fields == {
        "tracker",
        "election",
        "yes",
        "no",
        "abstain",
        "void_reason",
    }
    participation_fields = {f.name for f in Participation._meta.get_fields()}
    assert participation_fields == {"id", "election", "voter"}
    for f in Ballot._meta.get_fields():
        assert getattr(f, "related_model", None) not in (Participation,)
        assert f.get_internal_type() not in ("DateTimeField", "DateField", "AutoField")


def test_cast_audit_record_names_the_voter_but_carries_no_ballot_data():
    setup = build_voting()
    _open(setup)
    receipt = _cast(setup, setup.voters[0], ["1", "0", "1"])
    # while the vote is open the participation is the record: no per-cast time
    assert not AuditEvent.objects.filter(action="voting.voted").exists()
    services.close_vote(actor=setup.admin, election=setup.election)
    event = AuditEvent.objects.get(action="voting.voted")
    assert event.actor == setup.voters[0]
    assert event.target == setup.election.code
    assert event.data == {}
    text = f"{event.target} {event.data} {event.actor_label} {event.role}"
    assert receipt.tracker not in text
    assert receipt.short_code not in text
    assert receipt.digest not in text


def test_ballot_ids_are_random_not_sequential():
    setup = build_voting(voters=8)
    _open(setup)
    trackers = [_cast(setup, v, ["1", "0", "0"]).tracker for v in setup.voters]
    assert len(set(trackers)) == 8
    assert all(
        len(t) == 26 and set(t) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        for t in trackers
    )
    # Cast order is not the key order (8! orders; sorted by chance 1 in 40,320).
    assert trackers != sorted(trackers)


def test_close_rewrites_ballots_in_tracker_order():
    setup = build_voting(voters=6)
    _open(setup)
    trackers = [_cast(setup, v, ["1", "0", "0"]).tracker for v in setup.voters]
    services.close_vote(actor=setup.admin, election=setup.election)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tracker FROM voting_ballot ORDER BY ctid")
        else:
            cursor.execute("SELECT tracker FROM voting_ballot ORDER BY rowid")
        physical = [r[0] for r in cursor.fetchall()]
    assert sorted(physical) == sorted(trackers)
    assert physical == sorted(trackers)


def test_session_holds_no_ballot_data(client):
    setup = build_voting()
    _open(setup)
    client.force_login(setup.voters[0])
    token = tokens.issue(voter=setup.voters[0], election_id=setup.election.pk)
    response = client.post(
        f"/vote/{setup.election.code}/cast/",
        {"c0": "1", "c2": "1", "ballot_token": token},
    )
    assert response.status_code == 200
    tracker = Ballot.objects.get().tracker
    assert tracker in response.content.decode()
    session = dict(client.session.items())
    assert tracker not in str(session)
    # The sign-in's own keys and its timestamps (tongxue.accounts.sessions), no more.
    assert set(session) <= {
        "_auth_user_id",
        "_auth_user_backend",
        "_auth_user_hash",
        sessions.STARTED,
        sessions.SEEN,
    }


# --- turnout, closing and counting ---------------------------------------------------


def test_turnout_counts_present_and_voted_never_results():
    setup = build_voting(voters=4)
    election = _open(setup)
    services.check_in(voter=setup.voters[0], election=election)
    services.check_in(voter=setup.voters[1], election=election)
    _cast(setup, setup.voters[1], ["1", "0", "0"])
    _cast(setup, setup.voters[2], ["1", "0", "0"])  # voted without opening the page
    t = selectors.turnout(election)
    assert (t.entitled, t.present, t.voted) == (4, 3, 2)


def test_close_and_count_need_run_election_permission():
    setup = build_voting()
    election = _open(setup)
    with pytest.raises(Refusal):
        services.close_vote(actor=setup.voters[0], election=election)
    services.close_vote(actor=setup.admin, election=election)
    with pytest.raises(Refusal):
        services.count_vote(actor=setup.voters[0], election=election)
    election.refresh_from_db()
    assert election.status == ElectionStatus.CLOSED
    assert election.result is None


def test_count_before_close_is_refused():
    setup = build_voting()
    election = _open(setup)
    with pytest.raises(Refusal) as exc:
        services.count_vote(actor=setup.admin, election=election)
    assert exc.value.code == "invalid-transition"


def _vote_and_count(setup, ballots):
    election = _open(setup)
    for voter, cells in zip(setup.voters, ballots, strict=False):
        services.check_in(voter=voter, election=election)
        _cast(setup, voter, cells)
    services.close_vote(actor=setup.admin, election=election)
    return services.count_vote(actor=setup.admin, election=election)


def test_count_stores_result_from_sql_tally():
    setup = build_voting(voters=5, seats=2, candidates=3)
    election = _vote_and_count(
        setup,
        [
            ["1", "1", "0"],
            ["1", "0", "1"],
            ["1", "1", "0"],
            ["0", "1", "0"],
            ["1", "1", "1"],  # void: three marks for two seats
        ],
    )
    assert election.status == ElectionStatus.COUNTED
    result = election.result
    assert result["ballots"] == {"issued": 5, "returned": 5, "valid": 4, "void": 1}
    assert result["void_reasons"] == {"too-many-marks": 1}
    by_name = {c["name"]: c for c in result["candidates"]}
    a, b, c = setup.candidates
    assert (by_name[a]["yes"], by_name[a]["no"]) == (3, 1)
    assert (by_name[b]["yes"], by_name[b]["no"]) == (3, 1)
    assert (by_name[c]["yes"], by_name[c]["no"]) == (1, 3)
    # More than half of the 5 present: 3 passes, 1 does not.
    assert result["elected"] == [a, b] or result["elected"] == [b, a]
    assert AuditEvent.objects.filter(action="voting.counted").exists()


def test_count_without_quorum_voids_the_vote():
    setup = build_voting(voters=2, delegates_without_account=2)
    election = _vote_and_count(setup, [["1", "0", "0"], ["1", "0", "0"]])
    # 2 present of 4 entitled is not more than 2/3.
    assert election.status == ElectionStatus.VOID
    assert election.result["valid"] is False
    assert election.result["quorum_met"] is False


def test_count_with_quorum_just_met():
    setup = build_voting(voters=3, delegates_without_account=1)
    election = _vote_and_count(
        setup, [["1", "1", "0"], ["1", "1", "0"], ["1", "0", "0"]]
    )
    # 3 present of 4 entitled is more than 2/3.
    assert election.status == ElectionStatus.COUNTED
    assert election.result["quorum_met"] is True


def test_board_csv_recount_gives_the_stored_result(client, tmp_path):
    setup = build_voting(voters=6, seats=2, candidates=3)
    election = _vote_and_count(
        setup,
        [
            ["1", "1", "0"],
            ["1", "0", "1"],
            ["1", "1", "1"],
            ["0", "1", "0"],
            ["0", "0", "0"],
            ["1", "1", "0"],
        ],
    )
    response = client.get(f"/vote/{election.code}/board.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header == setup.candidates
    assert len(body) == 6
    method = counting.ElectionMethod.from_dict(
        BallotDefinition.objects.get(election=election).method
    )
    tally = counting.tally(
        header,
        [dict(zip(header, row, strict=True)) for row in body],
        method,
        issued=election.result["ballots"]["issued"],
    )
    recount = counting.count_tally(
        header,
        tally,
        method=method,
        present=election.result["present"],
        entitled=election.result["entitled"],
    ).to_json()
    stored = dict(election.result)
    assert recount["ballots"] == stored["ballots"]
    assert recount["candidates"] == stored["candidates"]
    assert recount["elected"] == stored["elected"]
    assert recount["valid"] == stored["valid"]
    # The same with the command a scrutineer or an outsider runs on the file.
    path = tmp_path / "board.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    try:
        call_command(
            "count",
            str(path),
            "--seats",
            "2",
            "--present",
            str(stored["present"]),
            "--entitled",
            str(stored["entitled"]),
            "--issued",
            str(stored["ballots"]["issued"]),
            "--format",
            "json",
            stdout=out,
        )
    except SystemExit as exc:  # 3: the rules require another round
        assert exc.code in (0, 3)
    cli = json.loads(out.getvalue())
    assert cli["ballots"] == stored["ballots"]
    assert cli["candidates"] == stored["candidates"]
    assert cli["elected"] == stored["elected"]


def test_yes_no_abstain_ballots_are_tallied_by_sql():
    setup = build_voting(voters=4, seats=1, candidates=2, form="yes-no-abstain")
    election = _vote_and_count(
        setup,
        [["Y", "N"], ["N", "A"], ["Y", ""], ["Y", "Y"]],  # last: two yes for one seat
    )
    result = election.result
    by_name = {c["name"]: c for c in result["candidates"]}
    a, b = setup.candidates
    assert (by_name[a]["yes"], by_name[a]["no"], by_name[a]["abstain"]) == (2, 1, 0)
    assert (by_name[b]["yes"], by_name[b]["no"], by_name[b]["abstain"]) == (0, 1, 2)
    assert result["ballots"]["void"] == 1


def test_opening_forgets_a_stale_cached_ballot_of_the_same_code():
    setup = build_voting()
    _open(setup)
    selectors.definition_for(setup.election.code)
    # Simulate a ballot cached for the same code by an earlier, rolled-back election.
    stale = selectors._cache[setup.election.code]
    other = build_voting(prefix="W")
    selectors._cache[other.election.code] = stale
    services.open_vote(actor=other.admin, election=other.election)
    definition, _ = selectors.definition_for(other.election.code)
    assert definition.election_id == other.election.pk


def test_the_voted_records_are_written_at_the_close_with_one_time_in_name_order():
    """Who voted is in the audit log once the vote closes, every record with the
    close's time and in the order of user names, so the log says nothing about when
    or in which order each voter cast (ELE-5)."""
    setup = build_voting(voters=4)
    _open(setup)
    for voter in reversed(setup.voters[:3]):  # cast in reverse name order
        _cast(setup, voter, ["1", "0", "0"])
    services.close_vote(actor=setup.admin, election=setup.election)
    events = list(AuditEvent.objects.filter(action="voting.voted").order_by("id"))
    assert [e.actor_id for e in events] == [
        v.pk for v in sorted(setup.voters[:3], key=lambda u: u.username)
    ]
    assert len({e.at for e in events}) == 1
    assert all(e.target == setup.election.code and e.data == {} for e in events)
    closed = AuditEvent.objects.get(action="voting.closed")
    assert (
        events[0].at
        == setup.election.__class__.objects.get(pk=setup.election.pk).closed_at
    )
    assert abs((closed.at - events[0].at).total_seconds()) < 5
