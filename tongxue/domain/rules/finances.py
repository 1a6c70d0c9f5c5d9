"""Rules on the union's finances: TRN-4 · GS-14, CQ-9.

"学校团组织要指导学生会组织进一步规范财务制度，健全经费执行的公开和监督机制" (GS-14; CQ-9:
校团委). Read from the registry's finance records (:class:`~tongxue.domain.model.
finances.Finances`: terms disclosed, expenditures not approved, self-approvals; never an
amount's purpose or a person). A registry that does not record them (a snapshot:
``finances`` is None) is not judged.

* ``TRN-4.no-disclosure``: a school-level union of a university that did not disclose
  its finances of the last finished term (公开: the disclosure page of the term, with
  its act recorded). The term under way is not judged yet.
* ``TRN-4.unapproved-spending``: an expenditure dated more than the profile's
  ``finance_approval_days`` before the audit day (Tongxue's default: the plans give no
  number) still not approved: spending without approval. Exactly that many days is in
  time; a day more is not.
* ``TRN-4.self-approved``: an approved entry whose approver entered it or handles its
  money (经办人): the services refuse it, so this finds what came around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Organisation
from tongxue.domain.rules.organisation import applies, school_level_unions
from tongxue.domain.terms import Term, parse_term, term_of

#: TRN-4: the longest an expenditure may wait for its approval (days after its date).
APPROVAL_PARAM = "finance_approval_days"


def last_finished_term(as_of_term: Term) -> Term:
    """The term before ``as_of_term``."""
    return term_of(as_of_term.start - timedelta(days=1))


def _start(code: str) -> date:
    """The first day of the term ``code`` (a code that is not a term: the earliest)."""
    try:
        return parse_term(code).start
    except ValueError:
        return date.min


def _unions(ctx: AuditContext) -> Iterator[Organisation]:
    return school_level_unions(ctx.registry)


@rule("TRN-4")
def finances(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-4 · GS-14, CQ-9: finances disclosed each term; no spending without
    approval; nobody approves their own entry (see the module)."""
    records = ctx.registry.finances
    if records is None:
        return
    judged = last_finished_term(term_of(ctx.as_of))
    for union in _unions(ctx):
        code = union.code
        disclosed = records.disclosed_terms.get(code, set())
        if judged.code not in disclosed:
            earlier = sorted(
                (t for t in disclosed if _start(t) < judged.start), key=_start
            )
            yield ctx.finding(
                rule="TRN-4.no-disclosure",
                org=code,
                params=(),
                message=_(
                    "{org} has not disclosed its finances of the term {finance_term} (the last disclosure: {last_disclosure})."
                ),
                evidence={
                    "finance_term": judged.code,
                    "last_disclosure": earlier[-1] if earlier else "-",
                },
            )
        profile = ctx.profile(code)
        if applies(profile, APPROVAL_PARAM):
            days = profile.int(APPROVAL_PARAM)
            cutoff = ctx.as_of - timedelta(days=days)
            late = [p for p in records.pending_of.get(code, ()) if p.spent < cutoff]
            if late:
                yield ctx.finding(
                    rule="TRN-4.unapproved-spending",
                    org=code,
                    params=(APPROVAL_PARAM,),
                    message=_(
                        "{org}: {unapproved_spending} expenditures are not approved more than {max_days_unapproved} days after they were made (the oldest dated {oldest_unapproved})."
                    ),
                    evidence={
                        "unapproved_spending": len(late),
                        "oldest_unapproved": late[0].spent.isoformat(),
                        "max_days_unapproved": days,
                        "unapproved_entries": [p.entry for p in late],
                    },
                )
        own = [
            s
            for s in records.self_approvals_of.get(code, ())
            if s.approved <= ctx.as_of
        ]
        if own:
            yield ctx.finding(
                rule="TRN-4.self-approved",
                org=code,
                params=(),
                message=_(
                    "{org}: entries approved by the person who entered them or handles their money: {self_approved_entries}."
                ),
                evidence={"self_approved_entries": [s.entry for s in own]},
            )
