"""Write voting (ELE-5 · GS-8): open, cast, close, count; paper counts by two scrutineers.

The transitions approved → open → closed → counted | void of
:data:`tongxue.domain.lifecycle.ELECTION` are one service each and need
``Perm.RUN_ELECTION`` at the election's organisation. Casting needs a place on the
roll (and an active account) and nothing else; the view names the voter by a signed
ballot token (:mod:`tongxue.voting.tokens`), not by the session. It is one short
transaction:

1. one ``INSERT … SELECT`` writes the participation if and only if the election is open
   and the voter is on its roll (on PostgreSQL it share-locks the election row, so a
   close waits for casts in flight and a cast after the close finds it closed); the
   unique constraint ``(election, voter)`` turns a second ballot into an integrity
   error, rolled back before anything else is written;
2. one ``INSERT`` of the ballot (random tracker, bit masks, void reason).

On PostgreSQL the two are one statement (:data:`CAST_SQL_POSTGRESQL`, data-modifying
CTEs) run in autocommit: one round trip, one transaction. Elsewhere (SQLite) they are
two statements in ``transaction.atomic``.

The audit log's "voted" record of each voter (who voted, no ballot data) is written
when the vote closes, from the participations, in the close's transaction
(:func:`close_vote`): while the vote is open the participation *is* the record, and a
per-cast audit row would add a write to every ballot and a timestamp of each voter's
cast, a timing channel that secrecy does without (ELE-5).

The ballot definition (candidates, form, method) is cached per process
(:func:`tongxue.voting.selectors.definition_for`); nothing else is read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.congresses.models import Delegate
from tongxue.core import auditlog, erasure
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain.findings import Refusal
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.elections.selectors import ready_to_open
from tongxue.voting import codec, selectors, tokens
from tongxue.voting.models import (
    MAX_CANDIDATES,
    Ballot,
    BallotDefinition,
    PaperCount,
    Participation,
    RollEntry,
    Scrutineer,
)


def _require(actor: Actor, election: Election) -> str:
    org = election.organisation
    return require(actor, Perm.RUN_ELECTION, org.path, target=election.title)


def _transition(election: Election, target: str) -> None:
    refusal = ELECTION.refusal(election.status, target)
    if refusal is not None:
        raise refusal


def _step(
    election: Election, actor: Actor, role: str, before: str, action: str
) -> None:
    """Record the transition on the election's public workflow (elections.Step)."""
    from tongxue.elections.models import Step

    user = actor if actor is not None and actor.is_authenticated else None
    Step.objects.create(
        election=election,
        action=action,
        from_status=before,
        to_status=election.status,
        actor=user,
        actor_label=user.get_username() if user is not None else "system",
        role=role,
        at=timezone.now(),
    )


def _ready_to_open(election: Election) -> Refusal | None:
    """Ask the elections app whether the election may open (ELE-2 approval, 差额)."""
    return ready_to_open(election)


def method_data(election: Election) -> dict[str, Any]:
    """Return the election method in force as data, with the election's seats."""
    from tongxue.domain.counting import CountingError, ElectionMethod

    data = dict(election.method or {})
    data["seats"] = election.seats
    try:
        return ElectionMethod.from_dict(data).to_dict()
    except CountingError as exc:
        raise Refusal("invalid-method", exc.message, field="method") from None


def _ballot_names(candidates: Sequence[Candidate]) -> list[str]:
    """Return the names printed on the ballot, made unique by their ballot order."""
    names = [c.person.name for c in candidates]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return [
        f"{name} ({k + 1})" if seen[name] > 1 else name for k, name in enumerate(names)
    ]


# --- approved → open ---------------------------------------------------------------


@transaction.atomic
def open_vote(*, actor: Actor, election: Election) -> BallotDefinition:
    """Open the vote: freeze the ballot and build the voter roll (ELE-5 · GS-8).

    The roll is the delegates of the electing meeting (ELE-1); the ballot lists the
    approved candidates in ballot order. Refused before approval (ELE-2).
    """
    election = Election.objects.select_for_update().get(pk=election.pk)
    role = _require(actor, election)
    _transition(election, ElectionStatus.OPEN)
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
    election.status = ElectionStatus.OPEN
    election.opened_at = now
    election.save(update_fields=["status", "opened_at"])
    _step(election, actor, role, before, "open")
    auditlog.record(
        actor=actor,
        action="voting.opened",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={"roll": len(people), "candidates": names, "mode": election.mode},
    )
    return definition


# --- cast --------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: the tracker, its short code and the digest of the marks."""

    election_code: str
    tracker: str
    short_code: str
    digest: str
    cells: tuple[str, ...]
    candidates: tuple[str, ...]
    void_reason: str


#: The account's password credential (tongxue.voting.tokens.credential) in SQL: the
#: token carries it from when it was issued, so a password changed since refuses the
#: cast, on the row the statement reads anyway. SQLite's SHA256 is Django's.
_CREDENTIAL_SQL = {
    "postgresql": (
        "substr(encode(sha256(convert_to('tongxue.voting.cast:' || u.password,"
        " 'UTF8')), 'hex'), 1, 32)"
    ),
    "sqlite": "substr(SHA256('tongxue.voting.cast:' || u.password), 1, 32)",
}

#: Write the participation only if the election is open and the voter is on its roll
#: with an active account whose password is the one the token was issued for (the
#: cast names the voter by a ballot token, not a session, so the account's state is
#: checked here).
_PARTICIPATE_SQL = (
    "INSERT INTO voting_participation (election_id, voter_id) "
    "SELECT e.id, %s FROM elections_election e "
    "WHERE e.id = %s AND e.status = 'open' AND EXISTS ("
    " SELECT 1 FROM voting_rollentry r"
    " JOIN organisations_person p ON p.id = r.person_id"
    " JOIN auth_user u ON u.id = p.user_id"
    " WHERE r.election_id = e.id AND p.user_id = %s AND u.is_active"
    f" AND {_CREDENTIAL_SQL['sqlite']} = %s)"
)

#: PostgreSQL: the whole cast in ONE statement, hence one round trip and one
#: transaction (autocommit): the participation (share-locking the election row so a
#: close waits for it), then the ballot and the audit record, both written only if the
#: participation was. A unique violation aborts the statement: nothing is written.
#: The audit record is the row tongxue.core.auditlog.record() would write.
CAST_SQL_POSTGRESQL = (
    "WITH p AS ("
    " INSERT INTO voting_participation (election_id, voter_id)"
    " SELECT e.id, %(voter)s FROM elections_election e"
    " WHERE e.id = %(election)s AND e.status = 'open' AND EXISTS ("
    "  SELECT 1 FROM voting_rollentry r"
    "  JOIN organisations_person p ON p.id = r.person_id"
    "  JOIN auth_user u ON u.id = p.user_id"
    "  WHERE r.election_id = e.id AND p.user_id = %(voter)s AND u.is_active"
    f"  AND {_CREDENTIAL_SQL['postgresql']} = %(credential)s)"
    " FOR SHARE OF e"
    " RETURNING election_id"
    "), b AS ("
    " INSERT INTO voting_ballot (tracker, election_id, yes, no, abstain, void_reason)"
    " SELECT %(tracker)s, election_id, %(yes)s, %(no)s, %(abstain)s, %(reason)s"
    " FROM p RETURNING 1"
    ") SELECT count(*) FROM b"
)


def _cells(
    definition: selectors.Definition, marks: Mapping[str, str] | Sequence[str]
) -> list[str]:
    """Return one valid cell per candidate, or refuse a malformed submission."""
    n = len(definition.candidates)
    if isinstance(marks, Mapping):
        cells = [
            str(marks.get(name, "") or "").strip().upper()
            for name in definition.candidates
        ]
        unknown = set(marks) - set(definition.candidates)
    else:
        cells = [
            (c or "").strip().upper()
            if isinstance(c, str)
            else str(c or "").strip().upper()
            for c in marks
        ]
        unknown = set() if len(cells) == n else {"?"}
    allowed = codec.ALLOWED_CELLS.get(definition.form, codec.ALLOWED_CELLS[codec.MARKS])
    if unknown or not allowed.issuperset(cells):
        raise refuse(
            "invalid-ballot", gettext_noop("This ballot is not filled in correctly.")
        )
    if definition.form == codec.MARKS:
        cells = ["1" if c == "1" else "0" for c in cells]
    return cells


def _cast_refusal(election_id: int, voter: Any) -> Refusal:
    """Explain why the participation was not written (not open, not on the roll, or
    the password changed since the ballot page was opened)."""
    status = (
        Election.objects.filter(pk=election_id).values_list("status", flat=True).first()
    )
    if status != ElectionStatus.OPEN:
        return refuse("not-open", gettext_noop("The vote is not open."))
    password = (
        get_user_model()
        .objects.filter(pk=voter.pk, is_active=True)
        .values_list("password", flat=True)
        .first()
    )
    if password is not None and tokens.credential(password) != tokens.credential_of(
        voter
    ):
        # The code of an expired token: the same answer (403) and the same remedy.
        return refuse(
            "expired-token",
            gettext_noop(
                "Your password was changed after this ballot page was opened: reload "
                "the ballot page (signing in again if asked) and cast again."
            ),
        )
    return refuse(
        "not-on-roll", gettext_noop("You are not on the voter roll of this election.")
    )


def void_reason(
    definition: selectors.Definition, method: Any, cells: Sequence[str]
) -> str:
    """Return why a ballot is void ("" when valid), by the counting rules."""
    key = tuple(cells)
    memo = definition.void_memo
    reason = memo.get(key)
    if reason is None:
        from tongxue.domain.counting import ballot_void_reason

        marks = dict(zip(definition.candidates, cells, strict=True))
        reason = ballot_void_reason(marks, list(definition.candidates), method) or ""
        if len(memo) >= VOID_MEMO_MAX:
            memo.clear()
        memo[key] = reason
    return reason


#: At most this many ballot patterns remembered per election (memory, not speed: a
#: 15-candidate ballot has 32,768 possible patterns).
VOID_MEMO_MAX = 4096


def _cast_cursor(db: Any) -> psycopg.Cursor[Any]:
    """The cast's server-side-binding cursor of this database connection, kept.

    A new psycopg cursor per cast costs a fresh adaptation context (every parameter's
    dumper looked up again); one cursor kept with the connection (Django's connections
    are per thread) saves that, about a fifth of the statement's client CPU. A new one
    is made when Django has replaced the connection.
    """
    cursor = getattr(db, "_tongxue_cast_cursor", None)
    if cursor is None or cursor.closed or cursor.connection is not db.connection:
        cursor = psycopg.Cursor(db.connection)
        db._tongxue_cast_cursor = cursor
    return cursor


def _prepared_cast() -> bool:
    return bool(getattr(settings, "TONGXUE_PREPARED_CAST", False))


def _cast_postgresql(
    db: Any,
    voter: Any,
    definition: selectors.Definition,
    tracker: str,
    masks: tuple[int, int, int],
    reason: str,
) -> None:
    params = {
        "voter": voter.pk,
        "credential": tokens.credential_of(voter),
        "election": definition.election_id,
        "tracker": tracker,
        "yes": masks[0],
        "no": masks[1],
        "abstain": masks[2],
        "reason": reason,
    }
    if db.in_atomic_block:
        # Inside a caller's transaction: a savepoint keeps it usable after a refusal.
        with transaction.atomic(using=db.alias), db.cursor() as cursor:
            cursor.execute(CAST_SQL_POSTGRESQL, params)
            row = cursor.fetchone()
    elif _prepared_cast():
        # Autocommit: the statement is its own transaction, one round trip. Django
        # binds parameters on the client and never prepares, so PostgreSQL would parse
        # and plan the three inserts on every cast; a server-side-binding cursor
        # prepares the statement once per connection and then only executes it
        # (about 40% of the database's CPU per cast, docs/performance.md). Errors are
        # mapped by Django as for its own cursors (IntegrityError below).
        db.ensure_connection()
        with db.wrap_database_errors:
            cursor = _cast_cursor(db)
            cursor.execute(CAST_SQL_POSTGRESQL, params, prepare=True)
            row = cursor.fetchone()
    else:
        # Prepared statements turned off (DB_PREPARED_STATEMENTS=0, settings.py).
        with db.cursor() as cursor:
            cursor.execute(CAST_SQL_POSTGRESQL, params)
            row = cursor.fetchone()
    if not row or row[0] != 1:
        raise _cast_refusal(definition.election_id, voter)


def _cast_portable(
    voter: Any,
    definition: selectors.Definition,
    tracker: str,
    masks: tuple[int, int, int],
    reason: str,
) -> None:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                _PARTICIPATE_SQL,
                [
                    voter.pk,
                    definition.election_id,
                    voter.pk,
                    tokens.credential_of(voter),
                ],
            )
            written = cursor.rowcount
        if written != 1:
            raise _cast_refusal(definition.election_id, voter)
        Ballot.objects.create(
            tracker=tracker,
            election_id=definition.election_id,
            yes=masks[0],
            no=masks[1],
            abstain=masks[2],
            void_reason=reason,
        )


def cast(
    *,
    voter: Any,
    election_code: str,
    marks: Mapping[str, str] | Sequence[str],
    db: Any = None,
) -> Receipt:
    """Cast the voter's secret ballot and return the receipt (ELE-5 · GS-8).

    ``marks``: the candidate's ballot name → cell, or one cell per candidate in ballot
    order (``"1"``/``"0"`` for the marks form, ``"Y"``/``"N"``/``"A"``/``""`` for
    yes/no/abstain). A ballot with too many marks is accepted and stored as void, as a
    paper ballot would be. Refused when the vote is not open, when the voter is not on
    the roll and when the voter has voted already ("already-voted"; nothing written).
    ``db``: the default database's connection when the caller holds it already (the
    fast path), saving the look-ups through ``django.db.connection``.
    """
    if voter is None or not getattr(voter, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to vote."))
    cached = selectors.definition_for(election_code)
    if cached is None:
        raise refuse("not-open", gettext_noop("The vote is not open."))
    definition, method = cached
    if definition.mode != VotingMode.ELECTRONIC:
        raise refuse("paper", gettext_noop("This election is held on paper ballots."))
    cells = _cells(definition, marks)
    reason = void_reason(definition, method, cells)
    yes, no, abstain = codec.encode(cells)
    tracker = codec.new_tracker()
    try:
        db = connection if db is None else db
        if db.vendor == "postgresql":
            _cast_postgresql(db, voter, definition, tracker, (yes, no, abstain), reason)
        else:
            _cast_portable(voter, definition, tracker, (yes, no, abstain), reason)
    except IntegrityError:
        raise refuse(
            "already-voted", gettext_noop("You have already voted in this election.")
        ) from None
    return Receipt(
        election_code=definition.code,
        tracker=tracker,
        short_code=codec.short_code(tracker),
        digest=codec.digest(definition.code, tracker, cells),
        cells=tuple(cells),
        candidates=definition.candidates,
        void_reason=reason,
    )


@transaction.atomic
def check_in(*, voter: Any, election: Election) -> bool:
    """Mark the voter present: they opened the electronic ballot while it is open.

    Return whether the voter is on the roll. Nothing is recorded about when.
    """
    if not getattr(voter, "is_authenticated", False):
        return False
    if election.status != ElectionStatus.OPEN:
        return selectors.roll_entry(election, voter) is not None
    updated = RollEntry.objects.filter(
        election=election, person__user=voter, checked_in=False
    ).update(checked_in=True)
    return bool(updated) or selectors.roll_entry(election, voter) is not None


# --- open → closed -----------------------------------------------------------------


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
    _transition(election, ElectionStatus.CLOSED)
    before = election.status
    election.status = ElectionStatus.CLOSED
    election.closed_at = timezone.now()
    election.save(update_fields=["status", "closed_at"])
    if election.mode == VotingMode.ELECTRONIC:
        _reshuffle_ballots(election)
        erasure.rebuild_after_commit(Ballot, Participation, busy=_other_votes_open)
        _audit_voters(election)
    turnout = selectors.turnout(election)
    _step(election, actor, role, before, "close")
    auditlog.record(
        actor=actor,
        action="voting.closed",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={
            "entitled": turnout.entitled,
            "present": turnout.present,
            "voted": turnout.voted,
        },
    )
    return election


# --- closed → counted | void -------------------------------------------------------


def _electronic_tally(election: Election, names: list[str]) -> tuple[Any, int, int]:
    form = BallotDefinition.objects.values_list("form", flat=True).get(
        election=election
    )
    turnout = selectors.turnout(election)
    counts = selectors.electronic_counts(election, len(names), form=form)
    if counts.returned != turnout.voted:
        raise refuse(
            "integrity",
            gettext_noop(
                "{ballots} ballots but {voted} voters recorded: the count is refused."
            ),
            ballots=counts.returned,
            voted=turnout.voted,
        )
    tally = selectors.make_tally(
        names,
        form=form,
        issued=turnout.present,
        returned=counts.returned,
        valid=counts.valid,
        void_reasons=counts.void_reasons,
        yes=counts.yes,
        no=None if form == codec.MARKS else counts.no,
    )
    return tally, turnout.present, turnout.entitled


def _paper_tally(election: Election, names: list[str]) -> tuple[Any, int, int]:
    entry = selectors.agreed_paper_counts(election)
    if entry is None:
        raise refuse(
            "not-reconciled",
            gettext_noop(
                "The two scrutineers' counts do not agree yet: they must be reconciled "
                "before the count."
            ),
        )
    entitled = RollEntry.objects.filter(election=election).count()
    void = {str(k): int(v) for k, v in entry.void_reasons.items()}
    cols = [entry.candidates.get(name, [0, 0, 0]) for name in names]
    form = BallotDefinition.objects.values_list("form", flat=True).get(
        election=election
    )
    marks_form = form == codec.MARKS
    tally = selectors.make_tally(
        names,
        form=form,
        issued=entry.issued,
        returned=entry.returned,
        valid=entry.returned - sum(void.values()),
        void_reasons=void,
        yes=[int(c[0]) for c in cols],
        no=None if marks_form else [int(c[1]) for c in cols],
        abstain=None if marks_form else [int(c[2]) for c in cols],
    )
    return tally, entry.present, entitled


@transaction.atomic
def count_vote(*, actor: Actor, election: Election) -> Election:
    """Count the closed vote by the election method and store the result.

    Electronic: the tally is aggregated in SQL from the ballots. Paper: the two
    scrutineers' reconciled entry. The result (counting.CountResult JSON) is stored on
    the election, which moves to counted, or to void when the rules void the whole vote
    (returned > issued, no quorum).
    """
    from tongxue.domain.counting import CountingError, count_tally

    election = Election.objects.select_for_update().get(pk=election.pk)
    role = _require(actor, election)
    _transition(election, ElectionStatus.COUNTED)
    names = selectors.candidate_names(election)
    if election.mode == VotingMode.PAPER:
        tally, present, entitled = _paper_tally(election, names)
    else:
        tally, present, entitled = _electronic_tally(election, names)
    definition = BallotDefinition.objects.get(election=election)
    method = selectors._method(definition.method)
    try:
        result = count_tally(
            names, tally, method=method, present=present, entitled=entitled
        )
    except CountingError as exc:
        raise Refusal("invalid-count", exc.message) from None
    data = result.to_json()
    before = election.status
    election.result = data
    election.status = (
        ElectionStatus.COUNTED if data.get("valid", True) else ElectionStatus.VOID
    )
    election.save(update_fields=["result", "status"])
    _step(election, actor, role, before, "count")
    auditlog.record(
        actor=actor,
        action="voting.counted"
        if election.status == ElectionStatus.COUNTED
        else "voting.void",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={
            "ballots": data.get("ballots"),
            "elected": data.get("elected"),
            "present": present,
            "entitled": entitled,
        },
    )
    return election


# --- paper ballots -----------------------------------------------------------------


@transaction.atomic
def designate_scrutineers(
    *, actor: Actor, election: Election, usernames: Sequence[str]
) -> list[Scrutineer]:
    """Designate the two scrutineers (计票人) of a paper election (presidium)."""
    role = _require(actor, election)
    if election.mode != VotingMode.PAPER:
        raise refuse("not-paper", gettext_noop("This election is not held on paper."))
    if election.status not in (
        ElectionStatus.APPROVED,
        ElectionStatus.OPEN,
        ElectionStatus.CLOSED,
    ):
        raise refuse(
            "invalid-transition",
            gettext_noop("Scrutineers are designated before the count."),
        )
    names = [u.strip() for u in usernames if u.strip()]
    if len(names) != 2 or names[0] == names[1]:
        raise refuse(
            "two-scrutineers",
            gettext_noop("Designate exactly two different scrutineers."),
            field="usernames",
        )
    users = {
        u.get_username(): u for u in get_user_model().objects.filter(username__in=names)
    }
    missing = [n for n in names if n not in users]
    if missing:
        raise refuse(
            "unknown-user",
            gettext_noop("No account named {username}."),
            field="usernames",
            username=", ".join(missing),
        )
    Scrutineer.objects.filter(election=election).exclude(
        user__username__in=names
    ).delete()
    PaperCount.objects.filter(election=election).exclude(
        scrutineer__username__in=names
    ).delete()
    out = [
        Scrutineer.objects.get_or_create(election=election, user=users[n])[0]
        for n in names
    ]
    auditlog.record(
        actor=actor,
        action="voting.scrutineers_designated",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={"scrutineers": names},
    )
    return out


def _non_negative(name: str, value: Any) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = -1
    if n < 0:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid number."),
            field=name,
            value=str(value),
        )
    return n


@transaction.atomic
def enter_paper_count(
    *,
    actor: Actor,
    election: Election,
    present: int,
    issued: int,
    returned: int,
    void_reasons: Mapping[str, int],
    candidates: Mapping[str, Sequence[int]],
) -> PaperCount:
    """Enter (or correct) this scrutineer's own count of the paper ballots.

    Only a designated scrutineer, only after the close of a paper election; each
    scrutineer's entry is independent and the other's is not shown until both exist.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to vote."))
    if election.mode != VotingMode.PAPER:
        raise refuse("not-paper", gettext_noop("This election is not held on paper."))
    if not selectors.is_scrutineer(election, actor):
        raise refuse(
            "forbidden",
            gettext_noop("You are not a scrutineer of {target}."),
            target=election.title,
        )
    if election.status != ElectionStatus.CLOSED:
        raise refuse(
            "not-closed",
            gettext_noop("Paper counts are entered after the vote is closed."),
        )
    names = selectors.candidate_names(election)
    figures = {
        "present": _non_negative("present", present),
        "issued": _non_negative("issued", issued),
        "returned": _non_negative("returned", returned),
    }
    void = {
        str(k): _non_negative(f"void:{k}", v) for k, v in void_reasons.items() if str(k)
    }
    void = {k: n for k, n in void.items() if n}  # a reason with no ballot is left out
    cols: dict[str, list[int]] = {}
    for name in names:
        triple = list(candidates.get(name, (0, 0, 0)))
        if len(triple) != 3:
            raise refuse(
                "invalid", gettext_noop("“{value}” is not a valid number."), value=name
            )
        cols[name] = [_non_negative(name, v) for v in triple]
    if sum(void.values()) > figures["returned"]:
        raise refuse(
            "invalid",
            gettext_noop("More void ballots than ballots returned."),
            field="returned",
        )
    valid = figures["returned"] - sum(void.values())
    form = BallotDefinition.objects.values_list("form", flat=True).get(
        election=election
    )
    for name, (yes, no, abstain) in cols.items():
        if form == codec.MARKS:
            wrong = yes > valid
            cols[name] = [yes, valid - yes if not wrong else 0, 0]
        else:
            wrong = yes + no + abstain != valid
        if wrong:
            raise refuse(
                "invalid",
                gettext_noop(
                    "{name}: the votes do not fit the {valid} valid ballots "
                    "(returned minus void)."
                ),
                field=name,
                name=name,
                valid=valid,
            )
    entry, _ = PaperCount.objects.update_or_create(
        election=election,
        scrutineer=actor,
        defaults={**figures, "void_reasons": void, "candidates": cols},
    )
    auditlog.record(
        actor=actor,
        action="voting.paper_count_entered",
        organisation=election.organisation.code,
        target=election.code,
        role="scrutineer",
        data={**figures, "void": void, "candidates": cols},
    )
    return entry
