"""Plan a congress, an all-student assembly or a standing-conference meeting (CON-2)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.congresses.services.shared import require_manage
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.domain.findings import Message, Refusal
from tongxue.domain.lifecycle import CONGRESS
from tongxue.organisations.models import Organisation, OrgKind
from tongxue.organisations.profiles import governing_profile

#: Meeting kinds and the prefix of their generated codes.
_CODE_PREFIX = {
    MeetingKind.CONGRESS: "C",
    MeetingKind.ASSEMBLY: "A",
    MeetingKind.STANDING_CONFERENCE: "S",
}

ASSEMBLY_PARAMETER = "assembly_students_below"


def _next_code(org: Organisation, kind: str, opened: date) -> str:
    base = f"{org.code}-{_CODE_PREFIX[MeetingKind(kind)]}{opened:%Y%m%d}"[:60]
    taken = set(
        Meeting.objects.filter(code__startswith=base).values_list("code", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def plan_congress(
    *,
    actor: Actor,
    organisation: Organisation,
    kind: str,
    opened: date,
    closes: date | None = None,
    session: int | None = None,
) -> Meeting:
    """Plan a congress, an all-student assembly or a standing-conference meeting.

    CON-2 · GS-8, CQ-3: an all-student assembly replaces a department's congress only
    when the department serves fewer than ``assembly_students_below`` students; an
    assembly of a larger (or uncounted) department, or of a union that is not a
    department union, is refused.
    """
    role = require_manage(actor, organisation)
    try:
        kind = MeetingKind(kind).value
    except ValueError:
        raise refuse(
            "invalid",
            gettext_noop("“{value}” is not a valid choice."),
            field="kind",
            value=kind,
        ) from None
    if closes is not None and closes < opened:
        raise refuse(
            "invalid",
            gettext_noop("The closing date is before the opening date."),
            field="closes",
        )
    if kind == MeetingKind.ASSEMBLY:
        _check_assembly(organisation)
    meeting = Meeting.objects.create(
        code=_next_code(organisation, kind, opened),
        organisation=organisation,
        kind=kind,
        session=session,
        opened=opened,
        closes=closes,
        status=CONGRESS.initial,
    )
    auditlog.record(
        actor=actor,
        action="congress.plan",
        organisation=organisation.code,
        target=meeting.code,
        role=role,
        data={
            "kind": kind,
            "session": session,
            "opened": opened.isoformat(),
            "closes": closes.isoformat() if closes else None,
        },
    )
    return meeting


def _check_assembly(organisation: Organisation) -> None:
    """CON-2 · GS-8, CQ-3: only a department union serving fewer than the profile's
    ``assembly_students_below`` students may hold an all-student assembly."""
    profile = governing_profile(organisation)
    threshold = profile.int(ASSEMBLY_PARAMETER)
    students = organisation.students_served
    refused = None
    if organisation.kind != OrgKind.DEPARTMENT_UNION:
        refused = gettext_noop(
            "Only a department union may hold an all-student assembly instead of a "
            "congress."
        )
    elif students is None:
        refused = gettext_noop(
            "{unit} has no number of students served: an all-student assembly is "
            "allowed only below {threshold} students."
        )
    elif students >= threshold:
        refused = gettext_noop(
            "{unit} serves {students} students, not fewer than {threshold}: it "
            "holds a congress, not an all-student assembly."
        )
    if refused is not None:
        raise Refusal(
            "CON-2.assembly-not-allowed",
            Message(
                refused,
                {
                    "unit": organisation.name,
                    "students": students,
                    "threshold": threshold,
                },
            ),
            requirement="CON-2",
            clauses=profile.clauses(ASSEMBLY_PARAMETER),
            field="kind",
        )
