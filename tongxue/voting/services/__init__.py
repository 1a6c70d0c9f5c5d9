"""Write voting (ELE-5 · GS-8): open, cast, close, count; paper counts by two scrutineers.

The transitions approved → open → closed → counted | void of
:data:`tongxue.domain.lifecycle.ELECTION` are one service each
(:func:`tongxue.core.lifecycle.transition`) and need ``Perm.RUN_ELECTION`` at the
election's organisation. Casting needs a place on the roll (and an active account) and
nothing else; the view names the voter by a signed ballot token
(:mod:`tongxue.voting.tokens`), not by the session. It is one short transaction:

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

from tongxue.voting.services.casting import (
    _CREDENTIAL_SQL,
    _PARTICIPATE_SQL,
    CAST_SQL_POSTGRESQL,
    VOID_MEMO_MAX,
    Receipt,
    _cast_cursor,
    _cast_portable,
    _cast_postgresql,
    _cast_refusal,
    _cells,
    _prepared_cast,
    cast,
    check_in,
    void_reason,
)
from tongxue.voting.services.closing import (
    _audit_voters,
    _other_votes_open,
    _reshuffle_ballots,
    close_vote,
)
from tongxue.voting.services.counting import (
    _electronic_tally,
    _paper_tally,
    count_vote,
)
from tongxue.voting.services.opening import (
    open_vote,
)
from tongxue.voting.services.paper import (
    _non_negative,
    designate_scrutineers,
    enter_paper_count,
)
from tongxue.voting.services.shared import (
    _ballot_names,
    _ready_to_open,
    _require,
    _step,
    method_data,
)

__all__ = [
    "CAST_SQL_POSTGRESQL",
    "VOID_MEMO_MAX",
    "_CREDENTIAL_SQL",
    "_PARTICIPATE_SQL",
    "Receipt",
    "_audit_voters",
    "_ballot_names",
    "_cast_cursor",
    "_cast_portable",
    "_cast_postgresql",
    "_cast_refusal",
    "_cells",
    "_electronic_tally",
    "_non_negative",
    "_other_votes_open",
    "_paper_tally",
    "_prepared_cast",
    "_ready_to_open",
    "_require",
    "_reshuffle_ballots",
    "_step",
    "cast",
    "check_in",
    "close_vote",
    "count_vote",
    "designate_scrutineers",
    "enter_paper_count",
    "method_data",
    "open_vote",
    "void_reason",
]
