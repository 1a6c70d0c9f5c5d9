"""Count the vote: closed → counted | void, electronic or paper tallies (ELE-5)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.lifecycle import transition
from tongxue.domain.findings import Refusal
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import (
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.voting import codec, selectors
from tongxue.voting.models import (
    BallotDefinition,
    RollEntry,
)
from tongxue.voting.services.shared import (
    _require,
    _step,
)


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
    ELECTION.require(election.status, ElectionStatus.COUNTED)
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
    counted = bool(data.get("valid", True))
    transition(
        election,
        ELECTION,
        ElectionStatus.COUNTED if counted else ElectionStatus.VOID,
        actor=actor,
        action="voting.counted" if counted else "voting.void",
        organisation=election.organisation.code,
        role=role,
        subject=election.code,
        data={
            "ballots": data.get("ballots"),
            "elected": data.get("elected"),
            "present": present,
            "entitled": entitled,
        },
        changes={"result": data},
    )
    _step(election, actor, role, before, "count")
    return election
