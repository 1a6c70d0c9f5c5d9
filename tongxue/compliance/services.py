"""Record and withdraw justifications for departing from a default (D) rule.

The plan lets an organisation depart from a rule worded 原则上 / 一般 (a D requirement in
``tongxue.domain.requirements``) when the reason is recorded and approved; the audit then
marks the deviation as justified. A must (M) rule cannot be justified away.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.compliance.models import Justification
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain.audit import all_rules
from tongxue.domain.findings import Obligation
from tongxue.domain.requirements import REQUIREMENTS
from tongxue.organisations.models import Organisation

#: A rule id: the requirement, a dot, and a lower-case slug ("ORG-6.core-members-share").
RULE_ID = re.compile(r"^(?P<requirement>[A-Z]+-[0-9]+)\.[a-z0-9]+(?:-[a-z0-9]+)*$")


def _require(actor: Actor, organisation: Organisation) -> str:
    return require(
        actor,
        Perm.JUSTIFY,
        organisation.path,
        target=organisation.name,
        message=gettext_noop(
            "You are not allowed to record justifications for {target}."
        ),
    )


def check_rule(rule: str) -> str:
    """Return the requirement of ``rule`` if a justification may be recorded for it.

    Refuses an id that names no requirement the audit checks, and a requirement that
    is not a default (D) one.
    """
    match = RULE_ID.match(rule or "")
    requirement = match.group("requirement") if match else ""
    checked = {spec.requirement for spec in all_rules()}
    if requirement not in REQUIREMENTS or requirement not in checked:
        raise refuse(
            "unknown_rule",
            gettext_noop("“{rule}” is not a rule of the audit."),
            field="rule",
            rule=rule,
        )
    if REQUIREMENTS[requirement].obligation != Obligation.DEFAULT:
        raise refuse(
            "not_justifiable",
            gettext_noop(
                "{requirement} is binding: only a departure from a rule that applies "
                "“in principle” can be justified."
            ),
            field="rule",
            requirement=requirement,
        )
    return requirement


@transaction.atomic
def record_justification(
    *,
    actor: Actor,
    organisation: Organisation,
    rule: str,
    reason: str,
    approved_by: str,
    approved_on: date,
) -> Justification:
    """Record (or replace) the justification of ``organisation`` for departing from ``rule``.

    Needs ``Perm.JUSTIFY`` at the organisation; ``rule`` must belong to a D requirement
    (e.g. ORG-6 · GS-9, CQ-4: core members at most a share of the students served).
    """
    role = _require(actor, organisation)
    requirement = check_rule(rule)
    reason = (reason or "").strip()
    approved_by = (approved_by or "").strip()
    if not reason:
        raise refuse(
            "required",
            gettext_noop("Give the reason for the departure."),
            field="reason",
        )
    if not approved_by:
        raise refuse(
            "required",
            gettext_noop("Name who approved the departure."),
            field="approved_by",
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    justification, created = Justification.objects.update_or_create(
        organisation=organisation,
        rule=rule,
        defaults={
            "reason": reason,
            "approved_by": approved_by,
            "approved_on": approved_on,
            "recorded_by": user,
        },
    )
    auditlog.record(
        actor=actor,
        action="justification.record" if created else "justification.replace",
        organisation=organisation.code,
        target=rule,
        role=role,
        data={
            "requirement": requirement,
            "reason": reason,
            "approved_by": approved_by,
            "approved_on": approved_on.isoformat(),
        },
    )
    return justification


@transaction.atomic
def withdraw_justification(*, actor: Actor, justification: Justification) -> None:
    """Withdraw a justification: the deviation is reported as a problem again."""
    organisation = justification.organisation
    role = _require(actor, organisation)
    data = {
        "reason": justification.reason,
        "approved_by": justification.approved_by,
        "approved_on": justification.approved_on.isoformat(),
    }
    rule = justification.rule
    justification.delete()
    auditlog.record(
        actor=actor,
        action="justification.withdraw",
        organisation=organisation.code,
        target=rule,
        role=role,
        data=data,
    )
