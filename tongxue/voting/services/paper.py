"""Paper ballots: designate two scrutineers and enter their counts (ELE-5 · GS-8)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.words import join_names
from tongxue.elections.models import (
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.voting import codec, selectors
from tongxue.voting.models import (
    BallotDefinition,
    PaperCount,
    Scrutineer,
)
from tongxue.voting.services.shared import (
    _require,
)


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
            username=join_names(missing),
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


def _check_entry_allowed(actor: Actor, election: Election) -> None:
    """Refuse anyone but a designated scrutineer, and before the close of a paper
    election."""
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


def _fit_columns(
    election: Election,
    figures: dict[str, int],
    void: dict[str, int],
    cols: dict[str, list[int]],
) -> None:
    """Refuse counts that do not fit the valid ballots (returned minus void); on the
    marks form, fill in each candidate's "no" column from the valid ballots."""
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
    _check_entry_allowed(actor, election)
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
    _fit_columns(election, figures, void, cols)
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
