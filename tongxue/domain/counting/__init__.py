"""Counting an election by its election method (选举办法): ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7.

An election method is data (:class:`ElectionMethod`); its defaults are the common practice
recorded in ``../shared/spec/election-rules.md`` (the Youth League's basic-level election
regulations and the congresses' own election methods). Every threshold is a parameter,
because the documents differ:

* **quorum** (``quorum``, ``quorum_strict``): the vote is held only when voters present are
  more than 2/3 of those entitled (student congresses; Youth League branches use 4/5);
* **差额 margin** (``margin``, ``margin_round_up``, ``uncontested_allowed``): candidates
  exceed seats by at least 20%, the extra count rounded up (进一法): 7 seats need 9;
* **valid ballot** (:func:`ballot_void_reason`): a ballot marking more names than seats is
  void; a yes/no/abstain ballot carries one mark per candidate and at most ``seats`` yes;
  a fully blank ballot is **valid** (it marks no more names than seats; every candidate
  gets a no in the marks form, an abstain in the yes/no/abstain form) unless
  ``blank_void`` is set;
* **valid election**: ballots returned ≤ ballots issued (``compare_returned_with``
  ``"issued"``, or ``"present"``); otherwise the whole vote is void and held again;
* **elected**: yes votes more than ``threshold`` of the ``denominator`` (voters present,
  voters entitled or valid ballots); with ``threshold_strict`` exactly half is not enough;
* **more pass than seats**: the highest yes totals take the seats; a tie at the last seat
  is settled by a new vote among the tied candidates (``tie = revote``) or the seat is left
  empty (``tie = empty``);
* **fewer pass than seats**: a supplementary election (另行选举) for the empty seats, with
  candidates from the unelected in order of their first-round yes votes, as many as the
  same 差额 margin requires for those seats (all candidates tied with the last one taken
  are taken too). When fewer unelected candidates remain than the margin requires, all of
  them are proposed and the step says the margin is not met: the body that called the
  election decides (nominate more candidates, or leave the seats empty);
* **joint nomination** (``joint_nominators``): not used by the count; the nomination
  service requires at least this many nominating students besides the candidate (2).

In the marks form a cell is ``1`` (marked: a yes) or ``0``/empty (not marked: counted as
a no); there is no abstain. In the yes/no/abstain form a cell is ``Y``, ``N``, ``A`` or
empty (no mark: counted as an abstain).

Everything is exact (integers and :class:`fractions.Fraction`); the count is a pure
function of the ballots, so a recount of the same ballots gives the same result. This
module is pure Python (standard library only).

The package: :mod:`.method` (the election method and what it requires),
:mod:`.ballots` (void ballots, the tally) and :mod:`.results` (the count and its
explanation); every public name is re-exported here.
"""

from tongxue.domain.counting.ballots import Tally, ballot_void_reason, tally
from tongxue.domain.counting.method import (
    DENOMINATOR_LABELS,
    FORM_LABELS,
    VOID_REASONS,
    BallotForm,
    CountingError,
    Denominator,
    ElectionMethod,
    TiePolicy,
    margin_refusal,
    passes,
    percent,
    required_candidates,
)
from tongxue.domain.counting.results import (
    BallotCounts,
    CandidateResult,
    CountResult,
    NextStep,
    count,
    count_tally,
)

__all__ = [
    "DENOMINATOR_LABELS",
    "FORM_LABELS",
    "VOID_REASONS",
    "BallotCounts",
    "BallotForm",
    "CandidateResult",
    "CountResult",
    "CountingError",
    "Denominator",
    "ElectionMethod",
    "NextStep",
    "Tally",
    "TiePolicy",
    "ballot_void_reason",
    "count",
    "count_tally",
    "margin_refusal",
    "passes",
    "percent",
    "required_candidates",
    "tally",
]
