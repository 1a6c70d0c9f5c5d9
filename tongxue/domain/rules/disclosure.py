"""Rules on the union in the open: TRN-1 (rules and work affairs public) and TRN-5
(real-name verified official accounts) · GS-11, CQ-6.

Both read the registry's disclosure records (:class:`~tongxue.domain.model.disclosure.
Disclosure`: kinds and dates, never a text). A registry that does not record them (a
snapshot: ``disclosure`` is None) is not judged. Every school-level union of a
university is judged (校级学生会组织, GS-11 and CQ-6).

* ``TRN-1.no-rules``: no rule in force on the audit day — neither a charter version
  adopted by then (the congress business keeps the charter) nor a rule the union
  published on its public page (working rules, finance rules …), repealed ones aside.
* ``TRN-1.nothing-published``: fewer than the profile's
  ``disclosure_entries_min_per_term`` items published on the public page (a work-affairs
  entry or a new version of a rule) in the last term that is over (学期: spring from
  1 March, autumn from 1 September, :mod:`tongxue.domain.terms`). The plans name no
  frequency ("建立……公开制度"): one a term is Tongxue's default.
* ``TRN-5.no-verified-account``: no official account of the union's own (not a club's
  or a department's) that was real-name verified by the audit day and was not closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.rules.organisation import applies, school_level_unions
from tongxue.domain.terms import AUTUMN, SPRING, Term, term_of

TERM_PARAMETER = "disclosure_entries_min_per_term"


def previous_term(day: date) -> Term:
    """The last term that is over on ``day`` (the one before the term ``day`` is in)."""
    current = term_of(day)
    if current.season == AUTUMN:
        return Term(current.year, SPRING)
    return Term(current.year - 1, AUTUMN)


def term_end(term: Term) -> date:
    """The last day of ``term`` (the day before the next term starts)."""
    if term.season == SPRING:
        following = Term(term.year, AUTUMN)
    else:
        following = Term(term.year + 1, SPRING)
    return following.start - timedelta(days=1)


@rule("TRN-1")
def rules_and_affairs_public(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-1 · GS-11, CQ-6: the school-level union publishes its rules and work affairs
    (校级学生会组织要建立各项规章制度、工作事务的公开制度); see the module."""
    reg = ctx.registry
    disclosure = reg.disclosure
    if disclosure is None:
        return
    term = previous_term(ctx.as_of)
    start, end = term.start, term_end(term)
    for union in school_level_unions(reg):
        rules = [
            r
            for r in disclosure.rules_of.get(union.code, ())
            if r.in_force_on(ctx.as_of)
        ]
        if not rules:
            yield ctx.finding(
                rule="TRN-1.no-rules",
                org=union.code,
                params=(),
                message=_(
                    "{org} has no rule in force on its public page: neither a charter nor working or finance rules."
                ),
                evidence={"rules_in_force": 0},
            )
        profile = ctx.profile(union.code)
        if not applies(profile, TERM_PARAMETER):
            continue
        minimum = profile.int(TERM_PARAMETER)
        items = disclosure.published_of.get(union.code, ())
        count = sum(1 for p in items if start <= p.published <= end)
        if count >= minimum:
            continue
        last = next((p.published for p in items if p.published <= ctx.as_of), None)
        yield ctx.finding(
            rule="TRN-1.nothing-published",
            org=union.code,
            params=(TERM_PARAMETER,),
            message=_(
                "{org} published {published_count} items on its public page in the term {term} ({term_start} to {term_end}); at least {minimum} required (last published: {last_published})."
            ),
            evidence={
                "term": term.code,
                "term_start": start.isoformat(),
                "term_end": end.isoformat(),
                "published_count": count,
                "minimum": minimum,
                "last_published": last.isoformat() if last else "-",
            },
        )


@rule("TRN-5")
def verified_official_accounts(ctx: AuditContext) -> Iterator[Finding]:
    """TRN-5 · GS-11, CQ-6: the union has real-name verified official accounts
    (学生会组织应建立实名认证的官方微博、微信账号等互联网平台); see the module."""
    reg = ctx.registry
    disclosure = reg.disclosure
    if disclosure is None:
        return
    for union in school_level_unions(reg):
        own = [
            a
            for a in disclosure.accounts_of.get(union.code, ())
            if a.owner == union.code and a.open_on(ctx.as_of)
        ]
        if any(a.verified_on(ctx.as_of) for a in own):
            continue
        yield ctx.finding(
            rule="TRN-5.no-verified-account",
            org=union.code,
            params=(),
            message=_(
                "{org} has no real-name verified official account on record ({official_accounts} accounts in use, none verified)."
            ),
            evidence={"official_accounts": len(own), "verified_accounts": 0},
        )
