"""Standing delegates, recommended from the latest congress's delegates (CON-8)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.business.models import StandingDelegate
from tongxue.business.services.common import _cited, _record, _today
from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
from tongxue.congresses.services import departments
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain import business as db
from tongxue.organisations.models import Organisation, Person


def latest_congress(union: Organisation) -> Meeting | None:
    """Return the union's newest congress that convened (standing delegates come from
    its delegates, CON-8); a congress still planned, or whose delegates were elected
    but which never convened, is not one."""
    return (
        Meeting.objects.filter(
            organisation=union,
            kind=MeetingKind.CONGRESS,
            status__in=(MeetingStatus.CONVENED, MeetingStatus.CLOSED),
        )
        .order_by("-opened", "-pk")
        .first()
    )


@transaction.atomic
def recommend_standing_delegate(
    *,
    actor: Actor,
    union: Organisation,
    department: Organisation,
    person: Person,
    on: date | None = None,
) -> StandingDelegate:
    """A department union recommends one of its congress delegates as a standing
    delegate (CON-8 · GS-8, CQ-3). The actor manages the department (or above)."""
    role = require(
        actor,
        Perm.MANAGE,
        department.path,
        target=department.name,
        message=gettext_noop("You are not allowed to recommend for {target}."),
    )
    if department.pk not in {d.pk for d in departments(union)}:
        raise refuse(
            "invalid",
            gettext_noop("{department} is not a department of {union}."),
            field="department",
            department=department.name,
            union=union.name,
        )
    congress = latest_congress(union)
    delegates: set[str] = set()
    if congress is not None:
        delegates = set(
            Delegate.objects.filter(meeting=congress).values_list(
                "person__ident", flat=True
            )
        )
    person_department = (
        Organisation.objects.filter(pk=person.department_id)
        .values_list("code", flat=True)
        .first()
    )
    refusal = db.standing_delegate_refusal(
        person=person.ident,
        department=department.code,
        person_department=person_department,
        congress=congress.code if congress else None,
        congress_delegates=delegates,
        person_name=person.name,
    )
    if refusal is not None:
        raise _cited(refusal, department)
    assert congress is not None
    if StandingDelegate.objects.filter(congress=congress, person=person).exists():
        raise refuse(
            "exists",
            gettext_noop("{person_name} is already a standing delegate."),
            field="person",
            person_name=person.name,
        )
    standing = StandingDelegate.objects.create(
        union=union,
        congress=congress,
        person=person,
        department=department,
        recommended_on=on or _today(),
        recommended_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _record(
        actor,
        "recommend_standing_delegate",
        union,
        role,
        person=person.ident,
        department=department.code,
        congress=congress.code,
    )
    return standing


@transaction.atomic
def end_standing_delegate(
    *, actor: Actor, standing: StandingDelegate, on: date | None = None
) -> StandingDelegate:
    """End a standing delegate's term (the pages ask to confirm first)."""
    department = standing.department
    role = require(actor, Perm.MANAGE, department.path, target=department.name)
    if standing.ended_on is not None:
        raise refuse("ended", gettext_noop("This term has already ended."))
    standing.ended_on = on or _today()
    standing.save(update_fields=["ended_on"])
    _record(
        actor,
        "end_standing_delegate",
        standing.union,
        role,
        person=standing.person.ident,
    )
    return standing
