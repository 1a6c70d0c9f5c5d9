"""Certify or void the result of the count (ELE-3, ELE-4)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain.findings import Message
from tongxue.elections import hooks
from tongxue.elections.models import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionStatus,
    VotingMode,
)
from tongxue.elections.selectors import (
    RESULT_NOTICE,
    _cite,
)
from tongxue.elections.services.shared import (
    _locked,
    _move_with_step,
    _publish,
    _require_status,
    _text,
)
from tongxue.elections.services.vetting import (
    OBJECTIONS_LINE,
)
from tongxue.publicity.text import names_phrase, phrase


def _reconciled(election: Election) -> bool:
    """Ask the voting side whether two paper entries agree (ELE-5; through a hook)."""
    return hooks.counts_settled(election)


def _result_text(election: Election) -> dict[str, Any]:
    """The result notice, as phrases each reader sees in their language."""
    result = election.result or {}
    ballots = result.get("ballots") or {}
    step = result.get("next_step")
    lines: list[Any] = [
        phrase(
            gettext_noop("{title}: result certified by the presidium."),
            title=election.title,
        ),
        phrase(
            gettext_noop(
                "Ballots issued {issued}, returned {returned}, valid {valid}, void "
                "{void}."
            ),
            issued=ballots.get("issued", "—"),
            returned=ballots.get("returned", "—"),
            valid=ballots.get("valid", "—"),
            void=ballots.get("void", "—"),
        ),
        "",
    ]
    for c in result.get("candidates") or []:
        lines.append(
            phrase(
                gettext_noop("{name}: yes {yes}, no {no}, abstain {abstain}{elected}"),
                name=c.get("name"),
                yes=c.get("yes"),
                no=c.get("no"),
                abstain=c.get("abstain"),
                elected=phrase(gettext_noop(" — elected")) if c.get("elected") else "",
            )
        )
    lines.append("")
    lines.append(
        phrase(
            gettext_noop("Elected: {names}."),
            names=names_phrase(result.get("elected") or []),
        )
    )
    if result.get("unfilled"):
        lines.append(
            phrase(gettext_noop("Seats unfilled: {n}."), n=result.get("unfilled"))
        )
    if step:
        lines.append(
            phrase(
                gettext_noop("Next step: {kind} for {seats} seat(s) among {names}."),
                kind=step.get("kind"),
                seats=step.get("seats"),
                names=names_phrase(step.get("candidates") or []),
            )
        )
    lines += ["", phrase(OBJECTIONS_LINE)]
    return {
        "title": phrase(gettext_noop("{title}: election result"), title=election.title),
        "body": lines,
    }


@transaction.atomic
def certify_result(*, actor: Actor, election: Election, comment: str = "") -> Election:
    """Certify the count (counted → certified) and announce the result (ELE-4).

    The presidium (``Perm.RUN_ELECTION``) certifies a valid count; a paper election
    only once the two scrutineers' entries are reconciled. The result is published as
    a public notice (kind ``result``) open to objections.
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.COUNTED)
    result = election.result
    if not result:
        raise refuse("no-result", gettext_noop("There is no count to certify."))
    if not result.get("valid", False):
        raise refuse(
            "result-void",
            gettext_noop(
                "The count says the whole vote is void: declare it void instead."
            ),
        )
    if election.mode == VotingMode.PAPER and not _reconciled(election):
        raise Refusal(
            "ELE-5.not-reconciled",
            Message(
                gettext_noop(
                    "The two scrutineers' entries of the paper ballots do not agree "
                    "yet."
                ),
                {},
            ),
            requirement="ELE-5",
            clauses=_cite(election, "ELE-5"),
        )
    _move_with_step(
        election=election,
        target=ElectionStatus.CERTIFIED,
        actor=actor,
        role=role,
        action="certified",
        comment=_text("comment", comment),
        data={"elected": list(result.get("elected") or [])},
        changes={"certified_at": timezone.now()},
    )
    _publish(
        actor=actor,
        election=election,
        kind=RESULT_NOTICE,
        text=_result_text(election),
    )
    return election


@transaction.atomic
def void_result(*, actor: Actor, election: Election, comment: str) -> Election:
    """Declare a counted vote void (counted → void); the reason is required."""
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    return _move_with_step(
        election=election,
        target=ElectionStatus.VOID,
        actor=actor,
        role=role,
        action="voided",
        comment=_text("comment", comment, required=True),
    )


def _ballot_ids(election: Election) -> dict[str, int]:
    """Return the voting side's ballot names → candidate ids, when it froze a ballot.

    Two candidates with the same name are printed with their ballot order, so the
    names of the result are matched through the frozen ballot where there is one.
    """
    return hooks.ballot_ids(election)


def elected_candidates(election: Election) -> list[Candidate]:
    """Return the candidates the result elects, in its order.

    Names are matched through the frozen ballot, else by the person's name.
    """
    names = list((election.result or {}).get("elected") or [])
    candidates = list(
        election.candidates.select_related("person").exclude(
            status=CandidateStatus.WITHDRAWN
        )
    )
    by_id = {c.pk: c for c in candidates}
    ids = _ballot_ids(election)
    by_name: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_name.setdefault(c.person.name, []).append(c)
    out = []
    for name in names:
        if name in ids and ids[name] in by_id:
            out.append(by_id[ids[name]])
            continue
        matches = by_name.get(name) or []
        if len(matches) != 1:
            raise refuse(
                "unknown-candidate",
                gettext_noop("The result names {name}, who is not one candidate."),
                name=name,
            )
        out.append(matches[0])
    return out
