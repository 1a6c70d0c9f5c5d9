"""Make a certified result effective and start the next round (ELE-4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, require
from tongxue.core.words import join_names
from tongxue.domain.findings import Message
from tongxue.elections.bodies import POST_LABELS
from tongxue.elections.mappers import to_domain
from tongxue.elections.models import (
    Assessment,
    Candidate,
    CandidateStatus,
    Condition,
    Election,
    ElectionStatus,
    RoundKind,
)
from tongxue.elections.selectors import (
    RESULT_NOTICE,
    SUBJECT_TYPE,
    _cite,
)
from tongxue.elections.services.results import (
    _ballot_ids,
    elected_candidates,
)
from tongxue.elections.services.shared import (
    _locked,
    _method_from,
    _move_with_step,
    _require_status,
    _step,
    _text,
    _unique_code,
    _user,
)


@transaction.atomic
def make_effective(
    *,
    actor: Actor,
    election: Election,
    public_contact: str = "",
    today: date | None = None,
) -> Election:
    """Appoint the elected once the result notice takes effect (certified → effective).

    ELE-4 · GS-12, CQ-7: the notice period is over and every objection is answered,
    none upheld. The appointment goes through :func:`organisations.services.appoint`
    with this election, which each position records (ELE-1, ELE-3: the only way a
    presidium post is filled); its guards may refuse (e.g. a second president while
    the first still serves: end that term first; CAD-2 wants a public contact for
    main cadres, given as ``public_contact``, e.g. the union office's); the refusal
    is passed on and nothing changes.
    """
    from tongxue.organisations import services as org_services
    from tongxue.publicity.selectors import notice_for, takes_effect

    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.CERTIFIED)
    day = today or timezone.localdate()
    notice = notice_for(SUBJECT_TYPE, election.pk, RESULT_NOTICE)
    if not takes_effect(notice, day):
        raise Refusal(
            "ELE-4.notice-running",
            Message(
                gettext_noop(
                    "The result takes effect only after its public notice ends with "
                    "every objection answered and none upheld."
                ),
                {},
            ),
            requirement="ELE-4",
            clauses=_cite(election, "ELE-4"),
        )
    with override("zh-hans"):
        title = gettext(POST_LABELS.get(election.post, election.post))
    appointed = []
    registered = to_domain(election)  # what organisations' guard reads (ELE-1, ELE-3)
    for candidate in elected_candidates(election):
        org_services.appoint(
            actor=actor,
            organisation=election.organisation,
            person=candidate.person,
            role=election.post,
            title=title,
            start=day,
            public_contact=_text("public_contact", public_contact)[:200],
            election=registered,
        )
        appointed.append(candidate.person.name)
    return _move_with_step(
        election=election,
        target=ElectionStatus.EFFECTIVE,
        actor=actor,
        role=role,
        action="effective",
        data={"appointed": appointed, "start": day.isoformat()},
    )


def _next_round_of(
    election: Election,
) -> tuple[dict[str, Any], list[str], int, dict[str, Candidate]]:
    """The next step the result requires, its candidates' names and seats, and the
    approved candidates of this round by name (and by ballot id); refused when the
    result requires no other round, it was started, or it names an unknown candidate."""
    step = (election.result or {}).get("next_step")
    if not step or step.get("kind") not in (
        RoundKind.TIE_REVOTE,
        RoundKind.SUPPLEMENTARY,
    ):
        raise refuse(
            "no-next-round", gettext_noop("The result does not require another round.")
        )
    if Election.objects.filter(previous_round=election).exists():
        raise refuse(
            "duplicate", gettext_noop("The next round has already been started.")
        )
    names = list(step.get("candidates") or [])
    seats = int(step.get("seats") or 0)
    approved = list(
        election.candidates.select_related("person").filter(
            status=CandidateStatus.APPROVED
        )
    )
    previous = {c.person.name: c for c in approved}
    ids = _ballot_ids(election)
    previous |= {name: c for c in approved for name, pk in ids.items() if pk == c.pk}
    missing = [n for n in names if n not in previous]
    if missing or seats < 1:
        raise refuse(
            "unknown-candidate",
            gettext_noop("The result names {name}, who is not one candidate."),
            name=join_names(missing, empty="—"),
        )
    return step, names, seats, previous


def _carry_over(
    election: Election, nxt: Election, names: list[str], previous: dict[str, Candidate]
) -> None:
    """Copy the named candidates (eligible, with their assessments) and the
    eligibility conditions into the next round (ELE-2, CAD-1)."""
    for i, name in enumerate(names, 1):
        old = previous[name]
        new = Candidate.objects.create(
            election=nxt,
            person=old.person,
            position=i,
            status=CandidateStatus.ELIGIBLE,
            nominated_by=old.nominated_by,
            statement=old.statement,
            nominators=old.nominators,
        )
        Assessment.objects.bulk_create(
            [
                Assessment(
                    candidate=new,
                    criterion=a.criterion,
                    met=a.met,
                    evidence_kind=a.evidence_kind,
                    evidence=a.evidence,
                    assessor=a.assessor,
                    assessor_label=a.assessor_label,
                    role=a.role,
                    assessed_at=a.assessed_at,
                )
                for a in old.assessments.all()
            ]
        )
    Condition.objects.bulk_create(
        [
            Condition(
                election=nxt,
                criterion=c.criterion,
                text=c.text,
                comment=c.comment,
                set_by=c.set_by,
                set_by_label=c.set_by_label,
                role=c.role,
                set_at=c.set_at,
            )
            for c in Condition.objects.filter(election=election)
        ]
    )


@transaction.atomic
def start_next_round(*, actor: Actor, election: Election) -> Election:
    """Start the round the count requires: tie revote or supplementary election.

    A new election (``previous_round`` set, ``round`` + 1) for the seats of the next
    step, among its named candidates, with the same election method. It opens in
    nomination with the candidates already assessed (their assessments carry over);
    the list is submitted and approved as before (ELE-2).
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.CERTIFIED, ElectionStatus.EFFECTIVE)
    step, names, seats, previous = _next_round_of(election)
    method = dict(election.method or {})
    method["seats"] = seats
    nxt = Election.objects.create(
        code=_unique_code(f"{election.code}-R{election.round + 1}"),
        organisation=election.organisation,
        meeting=election.meeting,
        title=election.title[:190] + f" ({election.round + 1})",
        post=election.post,
        seats=seats,
        mode=election.mode,
        method=_method_from(seats, method),
        previous_round=election,
        round=election.round + 1,
        round_kind=step["kind"],
        created_by=_user(actor),
    )
    _carry_over(election, nxt, names, previous)
    _step(
        election=nxt,
        actor=actor,
        role=role,
        action="created",
        to_status=nxt.status,
        data={"previous_round": election.code, "kind": step["kind"], "seats": seats},
    )
    _move_with_step(
        election=nxt,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="method_adopted",
        data={"method": nxt.method},
    )
    _step(
        election=election,
        actor=actor,
        role=role,
        action="next_round",
        data={"next_round": nxt.code, "kind": step["kind"]},
    )
    return nxt
