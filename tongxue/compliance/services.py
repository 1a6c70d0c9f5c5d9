"""Record and withdraw justifications for departing from a default (D) rule.

The plan lets an organisation depart from a rule worded 原则上 / 一般 (a D requirement in
``tongxue.domain.requirements``) when the reason is recorded and approved; the audit then
marks the deviation as justified. A must (M) rule cannot be justified away, and an id
that names no rule of the audit is refused with the ids that can be justified there.

A justification covers the occurrence it was written for (the finding's evidence when
it is recorded) up to and including its ``valid_until``
(``tongxue.domain.justifications``). Recording or withdrawing one re-audits that
organisation and stores its findings in the same transaction
(:func:`tongxue.compliance.store.store_organisation`), so the page's counts follow at
once. :func:`store_audit` (the stored audit, #15) is :mod:`tongxue.compliance.store`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.compliance.models import Justification
from tongxue.compliance.store import store_audit, store_organisation
from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import Refusal, refuse
from tongxue.core.permissions import Perm, require
from tongxue.domain import justifications as domain
from tongxue.domain.findings import Severity
from tongxue.domain.model import OrgKind
from tongxue.domain.rule_ids import is_rule_id
from tongxue.organisations.models import Organisation

__all__ = [
    "check_rule",
    "current_evidence",
    "record_justification",
    "store_audit",
    "store_organisation",
    "withdraw_justification",
]


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


def check_rule(rule: str, organisation: Organisation | None = None) -> str:
    """Return the requirement of ``rule`` if a justification may be recorded for it.

    Refuses an id that names no rule of the audit (``unknown_rule``), and one of a
    binding requirement or not reported at the organisation's kind
    (``not_justifiable``); the message names the ids that can be justified there.
    """
    rule = (rule or "").strip()
    kind = OrgKind(organisation.kind) if organisation is not None else None
    problem = domain.rule_problem(rule[:64], kind)
    if problem is not None:
        code = "not_justifiable" if is_rule_id(rule) else "unknown_rule"
        raise Refusal(code, problem, field="rule")
    return rule.split(".", 1)[0]


def current_evidence(organisation: Organisation, rule: str) -> dict[str, Any]:
    """Return the evidence of the deviation ``rule`` the audit reports at ``organisation``.

    Refuses (``no_finding``) when the audit reports no such deviation today: a
    justification answers one occurrence, so there must be one to answer.
    """
    from tongxue.compliance.selectors import audit_organisation

    report = audit_organisation(code=organisation.code)
    for finding in report.findings:
        if (
            finding.organisation == organisation.code
            and finding.rule == rule
            and finding.severity == Severity.DEVIATION
        ):
            return dict(domain.plain(finding.evidence))
    raise refuse(
        "no_finding",
        gettext_noop(
            "The audit reports no {rule} at {organisation} today: there is nothing "
            "to justify."
        ),
        field="rule",
        rule=rule,
        organisation=organisation.name,
    )


def _check_approval(
    reason: str, approved_by: str, approved_on: date, valid_until: date | None
) -> tuple[str, str, date]:
    """Return the reason and approver (stripped, required) and the last day it applies
    (default a year after approval; not before it)."""
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
    until = valid_until or domain.default_valid_until(approved_on)
    if until < approved_on:
        raise refuse(
            "invalid",
            gettext_noop(
                "The last day the justification applies ({until}) must not be before "
                "its approval."
            ),
            field="valid_until",
            until=until.isoformat(),
        )
    return reason, approved_by, until


@transaction.atomic
def record_justification(
    *,
    actor: Actor,
    organisation: Organisation,
    rule: str,
    reason: str,
    approved_by: str,
    approved_on: date,
    valid_until: date | None = None,
    evidence: Mapping[str, Any] | None = None,
) -> Justification:
    """Record (or replace) the justification of ``organisation`` for departing from ``rule``.

    Needs ``Perm.JUSTIFY`` at the organisation; ``rule`` must be a rule id that reports
    a deviation of a D requirement at the organisation's kind (e.g.
    ``ORG-6.core-members`` · GS-9, CQ-4: core members at most a share of the students
    served). The justification covers the occurrence the audit reports today (its
    evidence), or the one described by ``evidence`` (a write that checks a deviation
    before the audit can see it: the freeze of a delegate list), up to and including
    ``valid_until`` (default: a year after ``approved_on``; not before it).
    """
    role = _require(actor, organisation)
    rule = (rule or "").strip()
    requirement = check_rule(rule, organisation)
    reason, approved_by, until = _check_approval(
        reason, approved_by, approved_on, valid_until
    )
    occurrence = (
        dict(domain.plain(evidence))
        if evidence is not None
        else current_evidence(organisation, rule)
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    justification, created = Justification.objects.update_or_create(
        organisation=organisation,
        rule=rule,
        defaults={
            "reason": reason,
            "approved_by": approved_by,
            "approved_on": approved_on,
            "valid_until": until,
            "evidence": occurrence,
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
            "valid_until": until.isoformat(),
            "evidence": occurrence,
        },
    )
    store_organisation(organisation.code)
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
        "valid_until": justification.valid_until.isoformat(),
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
    store_organisation(organisation.code)
