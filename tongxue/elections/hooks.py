"""What the elections service asks of the app that runs the vote (#13).

The voting app sits above elections: it imports elections' models and selectors, and
elections imports nothing of voting. Two questions of the service need voting's
tables; voting answers them by registering a function on each hook in
``VotingConfig.ready()`` (:mod:`tongxue.core.hooks`).
"""

from __future__ import annotations

from collections.abc import Callable

from tongxue.core.hooks import Hook
from tongxue.elections.models import Election

#: Whether the counts of a vote are settled and may be certified (ELE-5: the two
#: scrutineers' entries of a paper vote agree). Nothing registered: not settled.
COUNTS_SETTLED: Hook[Callable[[Election], bool]] = Hook("elections.counts_settled")

#: The names on the ballot frozen at the opening → candidate ids ({}: no ballot), so
#: that a result's names are matched even when two candidates share a name.
BALLOT_IDS: Hook[Callable[[Election], dict[str, int]]] = Hook("elections.ballot_ids")


def counts_settled(election: Election) -> bool:
    """Ask the app that runs the vote whether its counts are settled (ELE-5)."""
    return any(settled(election) for settled in COUNTS_SETTLED)


def ballot_ids(election: Election) -> dict[str, int]:
    """Ask the app that runs the vote for its ballot's names → candidate ids."""
    ids: dict[str, int] = {}
    for names in BALLOT_IDS:
        ids |= names(election)
    return ids
