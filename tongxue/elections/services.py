"""Write elections: set-up, candidates and their approval, certification (ELE-1 … ELE-4).

Every service is keyword-only and atomic, checks the actor's permission at the
election's organisation (``actor=None`` is a system command and is allowed), moves the
status only along :data:`tongxue.domain.lifecycle.ELECTION` (one service per
transition), and writes both a public :class:`~tongxue.elections.models.Step` (who,
under which role, when, with which comment: ELE-2) and an audit record in the same
transaction.

Who does what:

* the presidium or union administrators (``Perm.RUN_ELECTION``) create the election,
  adopt its election method (选举办法), nominate, assess, submit the list, certify the
  result and make it effective;
* the Youth League committee (``Perm.GUIDE``) sets the eligibility conditions of the
  CAD-1 criteria and may assess (ELE-2);
* the Party committee (``Perm.APPROVE``) approves the candidate list or returns it
  with comments (ELE-2);
* a student nominates themselves; students nominate jointly.

Opening, closing and counting the ballot belong to :mod:`tongxue.voting`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from tongxue.congresses.models import Meeting
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, acting_role, has_perm, require
from tongxue.domain import counting
from tongxue.domain.findings import Message
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections import hooks
from tongxue.elections.bodies import POST_LABELS, body_refusal
from tongxue.elections.mappers import to_domain
from tongxue.elections.models import (
    Assessment,
    Candidate,
    CandidateStatus,
    Condition,
    Election,
    ElectionStatus,
    EvidenceKind,
    NominatedBy,
    RoundKind,
    Step,
    VotingMode,
)
from tongxue.elections.selectors import (
    CANDIDATES_NOTICE,
    RESULT_NOTICE,
    SUBJECT_TYPE,
    _cite,
    _criteria_clauses,
    criteria_of,
    method_of,
    vetting_refusal,
)
from tongxue.organisations.models import Enrolment, Person, PersonKind
from tongxue.publicity.text import phrase

MAX_TEXT = 5000


# -- helpers ---------------------------------------------------------------------------


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _label(actor: Actor) -> str:
    user = _user(actor)
    return user.get_username() if user is not None else "system"


def _text(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    if len(value) > MAX_TEXT:
        raise refuse(
            "too-long",
            gettext_noop("At most {limit} characters."),
            field=field,
            limit=MAX_TEXT,
        )
    return value


def _locked(election: Election) -> Election:
    """Lock the election's row and refresh ``election`` from it (two managers at once).

    The caller's instance is updated in place, so it sees every change the service
    makes.
    """
    locked = Election.objects.select_for_update().get(pk=election.pk)
    for f in Election._meta.concrete_fields:
        setattr(election, f.attname, getattr(locked, f.attname))
    return election


def _require_status(election: Election, *statuses: str) -> None:
    if election.status not in statuses:
        raise refuse(
            "wrong-status",
            gettext_noop("This cannot be done while the election is “{status_label}”."),
            status_label=_status_label(election.status),
        )


#: Status labels as message ids (the same as the model's choices), for refusals.
STATUS_LABELS = {
    "draft": gettext_noop("Draft"),
    "nomination": gettext_noop("Nomination"),
    "vetting": gettext_noop("Awaiting approval"),
    "approved": gettext_noop("Candidates approved"),
    "open": gettext_noop("Voting open"),
    "closed": gettext_noop("Voting closed"),
    "counted": gettext_noop("Counted"),
    "certified": gettext_noop("Certified, under public notice"),
    "effective": gettext_noop("Effective"),
    "void": gettext_noop("Void"),
    "cancelled": gettext_noop("Cancelled"),
}


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _step(
    *,
    election: Election,
    actor: Actor,
    role: str,
    action: str,
    comment: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> Step:
    step = Step.objects.create(
        election=election,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=_user(actor),
        actor_label=_label(actor),
        role=role,
        comment=comment,
        at=timezone.now(),
    )
    auditlog.record(
        actor=actor,
        action=f"election.{action}",
        organisation=election.organisation.code,
        target=election.code,
        role=role,
        data={
            "election": election.code,
            "from": from_status or None,
            "to": to_status or None,
            "comment": comment,
            **(data or {}),
        },
    )
    return step


def _move(
    *,
    election: Election,
    target: str,
    actor: Actor,
    role: str,
    action: str,
    comment: str = "",
    data: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Election:
    """Move ``election`` to ``target`` along the lifecycle, with a step and audit."""
    current = election.status
    refusal = ELECTION.refusal(current, target)
    if refusal is not None:
        raise Refusal(
            refusal.code,
            Message(
                refusal.message.text,
                {
                    "current_label": _status_label(current),
                    "target_label": _status_label(target),
                },
            ),
        )
    election.status = target
    election.save(update_fields=["status", *fields])
    _step(
        election=election,
        actor=actor,
        role=role,
        action=action,
        comment=comment,
        from_status=current,
        to_status=target,
        data=data,
    )
    return election


def _method_from(seats: int, method: Mapping[str, Any] | None) -> dict[str, Any]:
    data = dict(method or {})
    data["seats"] = seats
    try:
        return counting.ElectionMethod.from_dict(data).to_dict()
    except counting.CountingError as exc:
        raise Refusal("invalid-method", exc.message, field="method") from None


def _unique_code(base: str) -> str:
    code, n = base[:60], 2
    while Election.objects.filter(code=code).exists():
        code = f"{base[:56]}-{n}"
        n += 1
    return code


def _publish(*, actor: Actor, election: Election, kind: str, text: dict) -> Any:
    from tongxue.publicity.services import publish_notice

    return publish_notice(
        actor=actor,
        organisation=election.organisation,
        subject_type=SUBJECT_TYPE,
        subject_id=election.pk,
        kind=kind,
        text=text,
    )


# -- set-up ----------------------------------------------------------------------------


@transaction.atomic
def create_election(
    *,
    actor: Actor,
    meeting: Meeting,
    post: str,
    seats: int,
    title: str = "",
    mode: str = VotingMode.ELECTRONIC,
    method: Mapping[str, Any] | None = None,
    code: str = "",
) -> Election:
    """Create an election of ``post`` by ``meeting`` in draft (ELE-1, ELE-3 · GS-8, CQ-3).

    The union committee and presidium are elected by the congress, the president by
    the congress or the standing conference; a department union's by its department
    congress (or the all-student assembly standing in for it). Any other body, or a
    post filled by open selection, is refused. ``method`` overrides the defaults of
    the election method (election-rules.md).
    """
    org = meeting.organisation
    role = require(actor, Perm.RUN_ELECTION, org.path, target=org.name)
    refusal = body_refusal(org, meeting, post)
    if refusal is not None:
        raise refusal
    if mode not in VotingMode.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="mode",
            value=mode,
        )
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise refuse(
            "invalid", gettext_noop("Seats must be at least 1."), field="seats"
        )
    data = _method_from(seats, method)
    code = (code or "").strip() or _unique_code(f"{meeting.code}-{post}")
    if Election.objects.filter(code=code).exists():
        raise refuse(
            "duplicate",
            gettext_noop("The code {code} is already used."),
            field="code",
            code=code,
        )
    if not title.strip():
        with override("zh-hans"):
            title = f"{org.name}{gettext(POST_LABELS.get(post, post))}选举"
    election = Election.objects.create(
        code=code,
        organisation=org,
        meeting=meeting,
        title=_text("title", title, required=True)[:200],
        post=post,
        seats=seats,
        mode=mode,
        method=data,
        created_by=_user(actor),
    )
    _step(
        election=election,
        actor=actor,
        role=role,
        action="created",
        to_status=election.status,
        data={"post": post, "seats": seats, "mode": mode, "method": data},
    )
    return election


@transaction.atomic
def update_method(
    *,
    actor: Actor,
    election: Election,
    seats: int | None = None,
    mode: str | None = None,
    method: Mapping[str, Any] | None = None,
) -> Election:
    """Change the seats, voting mode or election method while still in draft."""
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    _require_status(election, ElectionStatus.DRAFT)
    seats = election.seats if seats is None else seats
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise refuse(
            "invalid", gettext_noop("Seats must be at least 1."), field="seats"
        )
    if mode is not None and mode not in VotingMode.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="mode",
            value=mode,
        )
    data = _method_from(seats, method if method is not None else election.method)
    election.seats, election.method = seats, data
    election.mode = mode or election.mode
    election.save(update_fields=["seats", "method", "mode"])
    _step(
        election=election,
        actor=actor,
        role=role,
        action="method_changed",
        data={"seats": seats, "mode": election.mode, "method": data},
    )
    return election


@transaction.atomic
def adopt_method(*, actor: Actor, election: Election, comment: str = "") -> Election:
    """Record that the congress adopted the election method; nomination opens.

    draft → nomination. The method is printed on the result.
    """
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    return _move(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="method_adopted",
        comment=_text("comment", comment),
        data={"method": election.method},
    )


@transaction.atomic
def cancel_election(*, actor: Actor, election: Election, comment: str) -> Election:
    """Cancel an election before its ballot opens; the reason is required and public."""
    election = _locked(election)
    role = require(
        actor, Perm.RUN_ELECTION, election.organisation.path, target=election.title
    )
    return _move(
        election=election,
        target=ElectionStatus.CANCELLED,
        actor=actor,
        role=role,
        action="cancelled",
        comment=_text("comment", comment, required=True),
    )


# -- eligibility conditions and candidates (ELE-2, CAD-1) ------------------------------


@transaction.atomic
def set_conditions(
    *,
    actor: Actor,
    election: Election,
    conditions: Mapping[str, str],
    comment: str = "",
) -> list[Condition]:
    """Set the eligibility condition of each CAD-1 criterion (ELE-2 · GS-8, CQ-3).

    Only the Youth League committee (``Perm.GUIDE``) sets them, before the list goes
    for approval. Every criterion of the governing profile's ``cadre_criteria`` needs a
    condition; an unknown criterion is refused.
    """
    election = _locked(election)
    role = require(
        actor,
        Perm.GUIDE,
        election.organisation.path,
        target=election.title,
        message=gettext_noop(
            "Only the Youth League committee sets the conditions of {target} (ELE-2)."
        ),
    )
    _require_status(election, ElectionStatus.DRAFT, ElectionStatus.NOMINATION)
    criteria = criteria_of(election)
    unknown = sorted(set(conditions) - set(criteria))
    if unknown:
        raise refuse(
            "invalid",
            gettext_noop("Unknown criteria: {criteria}."),
            field="conditions",
            criteria=", ".join(unknown),
        )
    texts = {c: _text(c, conditions.get(c, "")) for c in criteria}
    missing = [c for c, t in texts.items() if not t]
    if missing:
        raise Refusal(
            "CAD-1.condition-missing",
            Message(
                gettext_noop("Every criterion needs a condition; missing: {criteria}."),
                {"criteria": ", ".join(missing)},
            ),
            requirement="CAD-1",
            clauses=_criteria_clauses(election),
            field=missing[0],
        )
    comment = _text("comment", comment)
    now = timezone.now()
    existing = {c.criterion: c for c in Condition.objects.filter(election=election)}
    out = []
    for criterion, text in texts.items():
        row = existing.get(criterion) or Condition(
            election=election, criterion=criterion
        )
        row.text, row.comment, row.set_at = text, comment, now
        row.set_by, row.set_by_label, row.role = _user(actor), _label(actor), role
        row.save()
        out.append(row)
    _step(
        election=election,
        actor=actor,
        role=role,
        action="conditions_set",
        comment=comment,
        data={"conditions": texts},
    )
    return out


@transaction.atomic
def nominate(
    *,
    actor: Actor,
    election: Election,
    person: Person,
    nominated_by: str,
    statement: str = "",
    nominators: Iterable[str] = (),
) -> Candidate:
    """Nominate ``person`` while nomination is open.

    * ``self``: the signed-in student nominates themselves;
    * ``students``: a joint nomination, by at least as many students other than the
      candidate as the adopted election method's ``joint_nominators`` (2 by default;
      their names are recorded); recorded by the presidium or submitted by one of the
      nominating students;
    * ``presidium``: by the presidium (``Perm.RUN_ELECTION``).

    The candidate must be an enrolled student of the union's school, once per
    election.
    """
    election = _locked(election)
    org = election.organisation
    _require_status(election, ElectionStatus.NOMINATION)
    if nominated_by not in NominatedBy.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="nominated_by",
            value=nominated_by,
        )
    names = [n.strip() for n in nominators if n and n.strip()]
    runs = has_perm(actor, Perm.RUN_ELECTION, org.path) if actor is not None else True
    user = _user(actor)
    own = user is not None and person.user_id == user.pk
    if nominated_by == NominatedBy.SELF:
        if actor is not None and not own:
            raise refuse(
                "forbidden",
                gettext_noop("Only the student can nominate themselves."),
            )
        role = "student" if actor is not None else "system"
        names = []
    elif nominated_by == NominatedBy.STUDENTS:
        own_name = getattr(getattr(user, "person", None), "name", None)
        if not runs and (own_name is None or own_name not in names):
            raise refuse(
                "forbidden",
                gettext_noop(
                    "A joint nomination is submitted by one of the nominating students "
                    "or recorded by the presidium."
                ),
            )
        distinct = {n for n in names if n != person.name}
        minimum = method_of(election).joint_nominators
        if len(distinct) < minimum:
            raise refuse(
                "too-few-nominators",
                gettext_noop(
                    "A joint nomination needs at least {minimum} nominating students "
                    "besides the candidate."
                ),
                field="nominators",
                minimum=minimum,
            )
        names = sorted(distinct)
        role = (
            acting_role(actor, Perm.RUN_ELECTION, org.path)
            if runs and actor is not None
            else ("student" if actor is not None else "system")
        )
    else:
        role = require(actor, Perm.RUN_ELECTION, org.path, target=election.title)
    if person.kind != PersonKind.STUDENT or person.enrolment != Enrolment.ENROLLED:
        raise refuse(
            "not-eligible",
            gettext_noop("{name} is not an enrolled student."),
            field="person",
            name=person.name,
        )
    school = org.parent.path if org.parent_id is not None else org.path
    home = person.department or person.class_unit
    if home is not None and not home.path.startswith(school):
        raise refuse(
            "not-member",
            gettext_noop("{name} is not a student of this school."),
            field="person",
            name=person.name,
        )
    if Candidate.objects.filter(election=election, person=person).exists():
        raise refuse(
            "duplicate",
            gettext_noop("{name} is already a candidate."),
            field="person",
            name=person.name,
        )
    position = Candidate.objects.filter(election=election).count() + 1
    candidate = Candidate.objects.create(
        election=election,
        person=person,
        position=position,
        nominated_by=nominated_by,
        statement=_text("statement", statement),
        nominators=names,
        nominated_by_user=user,
    )
    _step(
        election=election,
        actor=actor,
        role=role,
        action="nominated",
        data={
            "candidate": candidate.pk,
            "name": person.name,
            "nominated_by": nominated_by,
            "nominators": names,
        },
    )
    return candidate


@transaction.atomic
def withdraw_candidate(
    *, actor: Actor, candidate: Candidate, comment: str = ""
) -> Candidate:
    """Withdraw a candidacy while nomination is open (the candidate or the presidium)."""
    election = _locked(candidate.election)
    org = election.organisation
    user = _user(actor)
    if actor is not None and user is not None and candidate.person.user_id == user.pk:
        role = "student"
    else:
        role = require(actor, Perm.RUN_ELECTION, org.path, target=election.title)
    _require_status(election, ElectionStatus.NOMINATION)
    candidate.status = CandidateStatus.WITHDRAWN
    candidate.save(update_fields=["status"])
    _step(
        election=election,
        actor=actor,
        role=role,
        action="withdrawn",
        comment=_text("comment", comment),
        data={"candidate": candidate.pk, "name": candidate.person.name},
    )
    return candidate


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
    return _move(
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
    _move(
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
    return _move(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="returned",
        comment=_text("comment", comment, required=True),
    )


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
    return _move(
        election=election,
        target=ElectionStatus.NOMINATION,
        actor=actor,
        role=role,
        action="reopened",
        comment=_text("comment", comment, required=True),
    )


# -- results ---------------------------------------------------------------------------


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
            names=", ".join(result.get("elected") or []) or "—",
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
                names=", ".join(step.get("candidates") or []),
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
    election.certified_at = timezone.now()
    _move(
        election=election,
        target=ElectionStatus.CERTIFIED,
        actor=actor,
        role=role,
        action="certified",
        comment=_text("comment", comment),
        data={"elected": list(result.get("elected") or [])},
        fields=["certified_at"],
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
    return _move(
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
    return _move(
        election=election,
        target=ElectionStatus.EFFECTIVE,
        actor=actor,
        role=role,
        action="effective",
        data={"appointed": appointed, "start": day.isoformat()},
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
            name=", ".join(missing) or "—",
        )
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
    _step(
        election=nxt,
        actor=actor,
        role=role,
        action="created",
        to_status=nxt.status,
        data={"previous_round": election.code, "kind": step["kind"], "seats": seats},
    )
    _move(
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
