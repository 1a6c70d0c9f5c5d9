"""Guidance of a school-level union (GOV-1, GOV-2 · GS-14, CQ-9).

The school's Party committee hears the union's report, the League committee guides it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.business.models import Guidance, GuidanceKind
from tongxue.business.services.common import _record, _today
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.organisations.models import Organisation, OrgKind

#: Who records guidance of each kind (GOV-1, GOV-2 · GS-14, CQ-9): the union's
#: administrators either kind; the Party committee's approvers the reports it heard,
#: the League's advisors its guidance.
GUIDANCE_RECORDERS: dict[str, tuple[Perm, ...]] = {
    GuidanceKind.PARTY_HEARING: (Perm.MANAGE, Perm.APPROVE),
    GuidanceKind.LEAGUE_GUIDANCE: (Perm.MANAGE, Perm.GUIDE),
}


#: Who sees every record of guidance of a union (the public ones are public).
GUIDANCE_READERS = (Perm.MANAGE, Perm.APPROVE, Perm.GUIDE, Perm.VIEW_PRIVATE)


SCHOOL_LEVEL_UNION_KINDS = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)


MSG_GUIDANCE_FORBIDDEN = gettext_noop(
    "You are not allowed to record this kind of guidance for {target}."
)


def _guidance_role(actor: Actor, union: Organisation, kind: str) -> str:
    """Return the role under which ``actor`` records ``kind`` at ``union`` ("": none)."""
    if actor is None:
        return "system"
    if getattr(actor, "is_superuser", False):
        return "operator"
    wanted = set(GUIDANCE_RECORDERS[kind])
    for r in roles_at(actor, union.path):
        if GRANTS.get(r, frozenset()) & wanted:
            return r
    return ""


def guidance_kinds_for(perms: set[Perm]) -> list[str]:
    """Return the kinds of guidance the holder of ``perms`` may record (choice order)."""
    return [k for k in GuidanceKind.values if perms & set(GUIDANCE_RECORDERS[k])]


@transaction.atomic
def record_guidance(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    held: date,
    by: str,
    summary: str,
    public: bool = False,
) -> Guidance:
    """Record that the school's Party committee heard the union's report, or the League
    committee's guidance, on ``held`` (GOV-1, GOV-2 · GS-14, CQ-9: "定期听取相关汇报，
    提出指导要求"; "从政治方向、组织机制、骨干培养等方面给予指导和监督").

    Refused unless the actor may record that kind at the union
    (:data:`GUIDANCE_RECORDERS`), the union is a school-level union, the day is not
    still to come and no record of the kind is on that day already.
    """
    if kind not in GUIDANCE_RECORDERS:
        raise refuse("invalid", gettext_noop("Choose what is recorded."), field="kind")
    role = _guidance_role(actor, union, kind)
    if not role:
        raise refuse("forbidden", MSG_GUIDANCE_FORBIDDEN, target=union.name)
    if union.kind not in SCHOOL_LEVEL_UNION_KINDS:
        raise refuse(
            "invalid",
            gettext_noop(
                "Guidance is recorded for a school-level union (a school or graduate union)."
            ),
        )
    by, summary = by.strip(), summary.strip()
    if not by:
        raise refuse("required", gettext_noop("This field is required."), field="by")
    if not summary:
        raise refuse(
            "required", gettext_noop("This field is required."), field="summary"
        )
    if held > _today():
        raise refuse(
            "invalid",
            gettext_noop("Guidance cannot be recorded for a day still to come."),
            field="held",
        )
    if Guidance.objects.filter(union=union, kind=kind, held=held).exists():
        raise refuse(
            "duplicate",
            gettext_noop("A record of this kind on this day exists already."),
            field="held",
        )
    record = Guidance.objects.create(
        union=union,
        kind=kind,
        held=held,
        by=by[:200],
        summary=summary,
        public=public,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _record(
        actor,
        "record_guidance",
        union,
        role,
        kind=kind,
        held=held.isoformat(),
        by=record.by,
        public=public,
    )
    return record
