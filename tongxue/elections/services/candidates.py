"""Eligibility conditions and nominations (ELE-2, CAD-1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, acting_role, has_perm, require
from tongxue.core.words import join_names
from tongxue.domain.findings import Message
from tongxue.elections.models import (
    Candidate,
    CandidateStatus,
    Condition,
    Election,
    ElectionStatus,
    NominatedBy,
)
from tongxue.elections.selectors import (
    _criteria_clauses,
    _criteria_text,
    criteria_of,
    method_of,
)
from tongxue.elections.services.shared import (
    _label,
    _locked,
    _require_status,
    _step,
    _text,
    _user,
)
from tongxue.organisations.models import Enrolment, Person, PersonKind


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
            criteria=join_names(unknown),
        )
    texts = {c: _text(c, conditions.get(c, "")) for c in criteria}
    missing = [c for c, t in texts.items() if not t]
    if missing:
        raise Refusal(
            "CAD-1.condition-missing",
            Message(
                gettext_noop("Every criterion needs a condition; missing: {criteria}."),
                {"criteria": _criteria_text(missing)},
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


def _nominating_role(
    *,
    actor: Actor,
    election: Election,
    person: Person,
    nominated_by: str,
    nominators: Iterable[str],
) -> tuple[str, list[str]]:
    """Who nominates, under which role, with which nominating students (ELE-2)."""
    org = election.organisation
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
    return role, names


def _check_nominee(election: Election, person: Person) -> None:
    """Refuse a nominee who is not an enrolled student of the union's school."""
    org = election.organisation
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
    _require_status(election, ElectionStatus.NOMINATION)
    if nominated_by not in NominatedBy.values:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="nominated_by",
            value=nominated_by,
        )
    user = _user(actor)
    role, names = _nominating_role(
        actor=actor,
        election=election,
        person=person,
        nominated_by=nominated_by,
        nominators=nominators,
    )
    _check_nominee(election, person)
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
