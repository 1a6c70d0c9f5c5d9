"""Cast a secret ballot (ELE-5 · GS-8): the SQL of the cast, void reasons, check-in.

The cast path is measured (docs/performance.md, bench/casting.py): keep it as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_noop

from tongxue.core.errors import refuse
from tongxue.domain.findings import Refusal
from tongxue.elections.models import (
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.voting import codec, selectors, tokens
from tongxue.voting.models import (
    Ballot,
    RollEntry,
)


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
