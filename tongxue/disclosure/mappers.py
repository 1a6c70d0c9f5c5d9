"""What the audit reads of the unions' public pages (TRN-1, TRN-5): kinds and days.

One query whatever the size of the subtree (a UNION ALL of five selects of the same
five columns: union, tag, kind or owner, two days): the rules with the day their first
version came into force and the day they were repealed, the charter (the congress
business's: its first version's day of adoption), what each union published (entries
not withdrawn, versions of rules, charter versions recorded, by their day in the site's
time zone) and the accounts of each register (owner, day verified, day closed; not
their platform, which no rule reads). Never a text.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``DisclosureConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    CharField,
    DateField,
    F,
    Min,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncDate

from tongxue.business.models import CharterVersion
from tongxue.disclosure.models import (
    OfficialAccount,
    RuleDocument,
    RuleVersion,
    WorkEntry,
)
from tongxue.domain.model import disclosure as dd
from tongxue.organisations.mappers import Part, Scope

RULE, PUBLISHED, ACCOUNT = "r", "p", "a"
_COLUMNS = ("c_union", "c_tag", "c_what", "c_first", "c_second")


def _none() -> Value:
    return Value(None, output_field=DateField())


def _select(qs: QuerySet[Any], **columns: Any) -> QuerySet[Any]:
    return qs.order_by().annotate(**columns).values_list(*_COLUMNS)


def registry_part(scope: Scope) -> Part:
    """The disclosure records of the subtree (one query)."""
    return Part(fields={"disclosure": disclosure(scope)})


def _disclosure_rows(scope: Scope) -> QuerySet[Any]:
    unions = scope.under("union__")
    documents = _select(
        RuleDocument.objects.filter(unions, versions__isnull=False)
        .values("pk")
        .annotate(first=Min("versions__in_force_from")),
        c_union=F("union__code"),
        c_tag=Value(RULE, output_field=CharField()),
        c_what=F("kind"),
        c_first=F("first"),
        c_second=F("repealed_on"),
    )
    charters = _select(
        CharterVersion.objects.filter(unions)
        .values("union")
        .annotate(first=Min("adopted_on")),
        c_union=F("union__code"),
        c_tag=Value(RULE, output_field=CharField()),
        c_what=Value(dd.CHARTER, output_field=CharField()),
        c_first=F("first"),
        c_second=_none(),
    )
    entries = _select(
        WorkEntry.objects.filter(unions, withdrawn_at__isnull=True),
        c_union=F("union__code"),
        c_tag=Value(PUBLISHED, output_field=CharField()),
        c_what=F("kind"),
        c_first=TruncDate("published_at"),
        c_second=_none(),
    )
    versions = _select(
        RuleVersion.objects.filter(scope.under("document__union__")),
        c_union=F("document__union__code"),
        c_tag=Value(PUBLISHED, output_field=CharField()),
        c_what=Value("rule", output_field=CharField()),
        c_first=TruncDate("published_at"),
        c_second=_none(),
    )
    charter_versions = _select(
        CharterVersion.objects.filter(unions),
        c_union=F("union__code"),
        c_tag=Value(PUBLISHED, output_field=CharField()),
        c_what=Value("rule", output_field=CharField()),
        c_first=TruncDate("recorded_at"),
        c_second=_none(),
    )
    accounts = _select(
        OfficialAccount.objects.filter(unions),
        c_union=F("union__code"),
        c_tag=Value(ACCOUNT, output_field=CharField()),
        c_what=F("owner__code"),
        c_first=F("verified_on"),
        c_second=F("closed_on"),
    )
    return documents.union(
        charters, entries, versions, charter_versions, accounts, all=True
    )


def disclosure(scope: Scope) -> dd.Disclosure:
    rules: list[dd.RuleInForce] = []
    published: list[dd.Published] = []
    owned: list[dd.OfficialAccount] = []
    for code, tag, what, first, second in scope.rows(_disclosure_rows):
        if tag == RULE:
            rules.append(dd.RuleInForce(code, what, first, second))
        elif tag == PUBLISHED:
            published.append(dd.Published(code, what, first))
        else:
            owned.append(dd.OfficialAccount(code, what, "", first, second))
    return dd.Disclosure(
        rules=tuple(sorted(rules, key=lambda r: (r.organisation, r.in_force))),
        published=tuple(sorted(published, key=lambda p: (p.organisation, p.published))),
        accounts=tuple(sorted(owned, key=lambda a: (a.organisation, a.owner))),
    )
