"""Assess candidates, submit the list and approve or return it (ELE-2, CAD-1)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, acting_role, has_perm, require
from tongxue.domain.findings import Message
from tongxue.elections.models import (
    Assessment,
    Candidate,
    CandidateStatus,
    Condition,
    Election,
    ElectionStatus,
    EvidenceKind,
    Step,
)
from tongxue.elections.notifying import list_returned
from tongxue.elections.selectors import (
    CANDIDATES_NOTICE,
    _cite,
    criteria_of,
    vetting_refusal,
)
from tongxue.elections.services.shared import (
    _label,
    _locked,
    _move_with_step,
    _publish,
    _require_status,
    _step,
    _text,
    _user,
)
from tongxue.publicity.text import phrase


def _assessor_role(actor: Actor, election: Election) -> str:
    path = election.organisation.path
    if actor is None:
        return "system"
    for perm in (Perm.RUN_ELECTION, Perm.GUIDE):
        if has_perm(actor, perm, path):
            return acting_role(actor, perm, path)
    raise refuse(
        "forbidden",
        gettext_noop("You are not allowed to assess the candidates of {target}."),
        target=election.title,
    )


def _check_assessable(
    election: Election,
    candidate: Candidate,
    criterion: str,
    criteria: tuple[str, ...],
    evidence_kind: str,
) -> None:
    """Refuse an unknown or unconditioned criterion, or an unknown kind of evidence
    (ELE-2, CAD-1)."""
    if criterion not in criteria:
        raise refuse(
            "invalid",
            gettext_noop("Unknown criteria: {criteria}."),
            field="criterion",
            criteria=criterion,
        )
    if not Condition.objects.filter(election=election, criterion=criterion).exists():
        raise Refusal(
            "ELE-2.conditions-missing",
            Message(
                gettext_noop(
                    "The Youth League committee has not set the condition for this "
                    "criterion yet."
                ),
                {},
            ),
            requirement="ELE-2",
            clauses=_cite(election, "ELE-2"),
            field="criterion",
        )
    if evidence_kind not in EvidenceKind.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="evidence_kind",
            value=evidence_kind,
        )


def _settle_status(candidate: Candidate, criteria: tuple[str, ...]) -> None:
    """Eligible once every criterion is assessed and met; not eligible once every
    criterion is assessed and one is not; nominated until then (CAD-1)."""
    results = dict(
        Assessment.objects.filter(candidate=candidate).values_list("criterion", "met")
    )
    if all(c in results for c in criteria):
        status = (
            CandidateStatus.ELIGIBLE
            if all(results[c] for c in criteria)
            else CandidateStatus.INELIGIBLE
        )
    else:
        status = CandidateStatus.NOMINATED
    if candidate.status != status:
        candidate.status = status
        candidate.save(update_fields=["status"])


@transaction.atomic
def assess(
    *,
    actor: Actor,
    candidate: Candidate,
    criterion: str,
    met: bool,
    evidence_kind: str,
    evidence: str,
) -> Assessment:
    """Assess a candidate against one CAD-1 criterion, with evidence (CAD-1 · GS-12, CQ-7).

    The presidium or the Youth League committee assesses; the criterion needs its
    condition first (ELE-2). Once every criterion is assessed the candidate is
    eligible (all met) or not eligible.
    """
    election = _locked(candidate.election)
    role = _assessor_role(actor, election)
    _require_status(election, ElectionStatus.NOMINATION)
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise refuse(
            "withdrawn",
            gettext_noop("{name} has withdrawn."),
            name=candidate.person.name,
        )
    criteria = criteria_of(election)
    _check_assessable(election, candidate, criterion, criteria, evidence_kind)
    evidence = _text("evidence", evidence, required=True)
    row, _ = Assessment.objects.update_or_create(
        candidate=candidate,
        criterion=criterion,
        defaults={
            "met": bool(met),
            "evidence_kind": evidence_kind,
            "evidence": evidence,
            "assessor": _user(actor),
            "assessor_label": _label(actor),
            "role": role,
            "assessed_at": timezone.now(),
        },
    )
    _settle_status(candidate, criteria)
    _step(
        election=election,
        actor=actor,
        role=role,
        action="assessed",
        data={
            "candidate": candidate.pk,
            "name": candidate.person.name,
            "criterion": criterion,
            "met": bool(met),
            "evidence_kind": evidence_kind,
        },
    )
    return row


@transaction.atomic
def submit_for_approval(
    *, actor: Actor, election: Election, comment: str = ""
) -> Election:
    """Send the candidate list to the Party committee (nomination → vetting, ELE-2).

    Refused until the League committee set every condition, every candidate is
    assessed on every criterion (CAD-1), and the eligible candidates meet the 差额
    margin of the election method (ELE-4); refused to a user who set one of the
    conditions (separation of duties).
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.NOMINATION)
    refusal = vetting_refusal(election)
    if refusal is not None:
        raise refusal
    user = _user(actor)
    if (
        user is not None
        and Condition.objects.filter(election=election, set_by=user).exists()
    ):
        # Separation of duties: the League's conditions check the list, so the one
        # who set them does not also submit it.
        raise Refusal(
            "ELE-2.guide-submits",
            Message(
                gettext_noop(
                    "You set the eligibility conditions of this election for the "
                    "Youth League committee, so you cannot also submit its candidate "
                    "list: another member of the presidium or union submits it (ELE-2)."
                ),
                {},
            ),
            requirement="ELE-2",
            clauses=_cite(election, "ELE-2"),
        )
    return _move_with_step(
        election=election,
        target=ElectionStatus.VETTING,
        actor=actor,
        role=role,
        action="submitted",
        comment=_text("comment", comment),
    )


def _candidates_text(election: Election, names: list[str]) -> dict[str, Any]:
    """The candidate-list notice, as phrases each reader sees in their language."""
    return {
        "title": phrase(gettext_noop("{title}: candidate list"), title=election.title),
        "body": [
            phrase(
                gettext_noop("{title}: the candidates approved, in ballot order."),
                title=election.title,
            ),
            "",
            *[f"{i}. {n}" for i, n in enumerate(names, 1)],
            "",
            phrase(OBJECTIONS_LINE),
        ],
    }


#: The last line of an election's notices.
OBJECTIONS_LINE = gettext_noop(
    "Objections may be lodged on this page while the notice runs; each "
    "is answered before the result takes effect."
)


def _submitted_by(election: Election, actor: Actor) -> bool:
    """Return whether ``actor`` (a user) sent the list now under approval."""
    user = _user(actor)
    if user is None:
        return False
    last = (
        Step.objects.filter(election=election, action="submitted")
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last == user.pk


@transaction.atomic
def approve_candidates(
    *, actor: Actor, election: Election, comment: str = ""
) -> Election:
    """Approve the candidate list (vetting → approved) and announce it (ELE-2, ELE-4).

    Only the Party committee (``Perm.APPROVE``), and not the user who submitted the
    list (separation of duties). The eligible candidates become approved; the list is
    published as a public notice (kind ``candidates``).
    """
    election = _locked(election)
    role = require(
        actor,
        Perm.APPROVE,
        election.organisation.path,
        target=election.title,
        message=gettext_noop(
            "Only the Party committee approves the candidates of {target} (ELE-2)."
        ),
    )
    _require_status(election, ElectionStatus.VETTING)
    refusal = vetting_refusal(election)
    if refusal is not None:
        raise refusal
    if _submitted_by(election, actor):
        raise Refusal(
            "ELE-2.self-approval",
            Message(
                gettext_noop(
                    "You submitted this candidate list, so you cannot approve it: "
                    "another member of the Party committee approves it (ELE-2)."
                ),
                {},
            ),
            requirement="ELE-2",
            clauses=_cite(election, "ELE-2"),
        )
    candidates = list(
        Candidate.objects.filter(election=election, status=CandidateStatus.ELIGIBLE)
        .select_related("person")
        .order_by("position", "id")
    )
    Candidate.objects.filter(pk__in=[c.pk for c in candidates]).update(
        status=CandidateStatus.APPROVED
    )
    _move_with_step(
        election=election,
        target=ElectionStatus.APPROVED,
        actor=actor,
        role=role,
        action="approved",
        comment=_text("comment", comment),
        data={"candidates": [c.person.name for c in candidates]},
    )
    names = [c.person.name for c in candidates]
    _publish(
        actor=actor,
        election=election,
        kind=CANDIDATES_NOTICE,
        text=_candidates_text(election, names),
    )
    return election


@transaction.atomic
def return_candidates(*, actor: Actor, election: Election, comment: str) -> Election:
    """Return the list with comments (vetting → nomination); only the Party committee."""
    election = _locked(election)
    role = require(
        actor,
        Perm.APPROVE,
        election.organisation.path,
        target=election.title,
        message=gettext_noop(
            "Only the Party committee approves the candidates of {target} (ELE-2)."
        ),
    )
    _require_status(election, ElectionStatus.VETTING)
    election = _move_with_step(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="returned",
        comment=_text("comment", comment, required=True),
    )
    # those who run the election hear of it in the inbox (#14), with the return
    list_returned(election)
    return election


@transaction.atomic
def reopen_nomination(*, actor: Actor, election: Election, comment: str) -> Election:
    """Reopen nomination after approval, before the ballot (approved → nomination).

    The approved candidates go back to eligible; the list must be approved again.
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.APPROVED)
    Candidate.objects.filter(election=election, status=CandidateStatus.APPROVED).update(
        status=CandidateStatus.ELIGIBLE
    )
    return _move_with_step(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="reopened",
        comment=_text("comment", comment, required=True),
    )
