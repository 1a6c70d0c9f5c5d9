"""Participation in the school's decisions (RGT-4 · GS-10, CQ-5) and the union's written
requests to the school (RGT-3, RGT-4: 推动).

"校级学生会组织应合理参与学校在涉及教育教学、后勤管理、学生奖惩等同学关切事务的决策、
管理和评价工作": the school-level union records the committees and recurring meetings of
the school it sits on (校务委员会, 膳食委员会, 奖助评审 …) and each meeting it attended,
with the students' position it carried and the outcome. "推动学校设立……机制" and "推动……
成为校务委员会……成员": its written requests to the school, with the school's answer.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.advocacy.models import (
    Committee,
    CommitteeKind,
    Outcome,
    Participation,
    RequestKind,
    RequestOutcome,
    WrittenRequest,
)
from tongxue.advocacy.services.shared import (
    ORGANISERS,
    SCHOOL_LEVEL,
    clean,
    not_future,
    record,
    require_kind,
    require_role,
    today_or,
)
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import Organisation


def _required_day(
    field: str, day: dt.date | None, today: dt.date | None = None
) -> dt.date:
    if day is None:
        raise refuse("required", gettext_noop("This field is required."), field=field)
    not_future(field, day, today_or(today))
    return day


@transaction.atomic
def save_committee(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    name: str,
    seat: str,
    since: dt.date,
    until: dt.date | None = None,
    committee: Committee | None = None,
    today: dt.date | None = None,
) -> Committee:
    """Record a committee of the school the union sits on (or change ``committee``).

    Refused: not an administrator or rights officer of the union; not a school-level
    union; an unknown kind; a missing name or seat; "since" still to come or after
    "until"; a name the union has already.
    """
    role = require_role(actor, union, ORGANISERS)
    require_kind(union, SCHOOL_LEVEL)
    if kind not in CommitteeKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    if committee is not None and committee.union_id != union.pk:
        raise refuse("invalid", gettext_noop("This committee is another union's."))
    name = clean("name", name, limit=120)
    seat = clean("seat", seat, limit=120)
    since = _required_day("since", since, today)
    if until is not None and until < since:
        raise refuse(
            "invalid",
            gettext_noop("The seat cannot end before it began."),
            field="until",
        )
    taken = Committee.objects.filter(union=union, name=name)
    if committee is not None:
        taken = taken.exclude(pk=committee.pk)
    if taken.exists():
        raise refuse(
            "duplicate",
            gettext_noop("The union has a committee of this name already."),
            field="name",
        )
    values = {"kind": kind, "name": name, "seat": seat, "since": since, "until": until}
    if committee is None:
        committee = Committee.objects.create(union=union, **values)
        action = "committee.add"
    else:
        for field, value in values.items():
            setattr(committee, field, value)
        committee.save()
        action = "committee.change"
    record(
        actor,
        action,
        union,
        role,
        target=f"{union.code} {committee.name}",
        committee=committee.pk,
        kind=kind,
        since=since.isoformat(),
        until=until.isoformat() if until else None,
    )
    return committee


@transaction.atomic
def record_participation(
    *,
    actor: Actor,
    committee: Committee,
    held: dt.date,
    matter: str,
    attended_by: str,
    position: str,
    outcome: str,
    outcome_text: str = "",
    public: bool = True,
    today: dt.date | None = None,
) -> Participation:
    """Record a meeting of the committee the union attended: the matter decided, who
    attended for the union, the students' position it carried and the outcome.

    Refused: not an administrator or rights officer of the union; a day still to come
    or outside the union's seat; a missing matter, attendee or position; an unknown
    outcome.
    """
    union = committee.union
    role = require_role(actor, union, ORGANISERS)
    held = _required_day("held", held, today)
    if held < committee.since or (committee.until and held > committee.until):
        raise refuse(
            "invalid",
            gettext_noop("The union did not sit on {target} on that day."),
            field="held",
            target=committee.name,
        )
    matter = clean("matter", matter, limit=200)
    attended_by = clean("attended_by", attended_by, limit=120)
    position = clean("position", position)
    if outcome not in Outcome.values:
        raise refuse("invalid", gettext_noop("Choose the outcome."), field="outcome")
    participation = Participation.objects.create(
        committee=committee,
        held=held,
        matter=matter,
        attended_by=attended_by,
        position=position,
        outcome=outcome,
        outcome_text=clean("outcome_text", outcome_text, required=False),
        public=bool(public),
    )
    record(
        actor,
        "participation.record",
        union,
        role,
        target=f"{union.code} {committee.name}",
        committee=committee.pk,
        held=held.isoformat(),
        outcome=outcome,
    )
    return participation


@transaction.atomic
def record_request(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    addressed_to: str,
    sent_on: dt.date,
    summary: str,
    today: dt.date | None = None,
) -> WrittenRequest:
    """Record a written request of the union to the school (推动): to hold reception
    days or exchange meetings (RGT-3), for a committee seat (RGT-4), or other.

    Refused: not an administrator or rights officer of the union; not a school-level
    union; an unknown kind; a missing addressee or text; a day still to come.
    """
    role = require_role(actor, union, ORGANISERS)
    require_kind(union, SCHOOL_LEVEL)
    if kind not in RequestKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    request = WrittenRequest.objects.create(
        union=union,
        kind=kind,
        addressed_to=clean("addressed_to", addressed_to, limit=120),
        sent_on=_required_day("sent_on", sent_on, today),
        summary=clean("summary", summary),
    )
    record(
        actor,
        "request.record",
        union,
        role,
        target=f"{union.code} {request.pk}",
        request=request.pk,
        kind=kind,
        sent_on=request.sent_on.isoformat(),
    )
    return request


@transaction.atomic
def answer_request(
    *,
    actor: Actor,
    request: WrittenRequest,
    outcome: str,
    answered_on: dt.date,
    answer: str = "",
    today: dt.date | None = None,
) -> WrittenRequest:
    """Record the school's answer to a written request.

    Refused: not an administrator or rights officer of the union; "awaiting an
    answer" or an unknown outcome; a day still to come or before the request was sent.
    """
    union = request.union
    role = require_role(actor, union, ORGANISERS)
    if outcome not in RequestOutcome.values or outcome == RequestOutcome.PENDING:
        raise refuse("invalid", gettext_noop("Choose the outcome."), field="outcome")
    answered_on = _required_day("answered_on", answered_on, today)
    if answered_on < request.sent_on:
        raise refuse(
            "invalid",
            gettext_noop("The answer cannot be before the request was sent."),
            field="answered_on",
        )
    request.outcome = outcome
    request.answered_on = answered_on
    request.answer = clean("answer", answer, required=False)
    request.save(update_fields=["outcome", "answered_on", "answer"])
    record(
        actor,
        "request.answer",
        union,
        role,
        target=f"{union.code} {request.pk}",
        request=request.pk,
        outcome=outcome,
    )
    return request
