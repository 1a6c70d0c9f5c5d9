"""What the audit reads of the unions' finances (TRN-4): dates and references only.

Two queries whatever the size of the subtree: the terms disclosed; the expenditures
not approved and the approved entries whose approver entered them or handles their
money (one query). Never an amount's purpose, a payee or a name.

:func:`registry_part` is registered on
:data:`tongxue.organisations.mappers.REGISTRY_PARTS` by ``FinancesConfig.ready()``.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from tongxue.domain.model.finances import (
    FinanceDisclosure,
    Finances,
    PendingSpending,
    SelfApproval,
)
from tongxue.finances.models import Disclosure, Entry, EntryKind, EntryStatus
from tongxue.organisations.mappers import Part, Scope


def registry_part(scope: Scope) -> Part:
    """The finance records of the subtree (two queries)."""
    return Part(fields={"finances": finances(scope)})


def finances(scope: Scope) -> Finances:
    """The terms disclosed (one query); the expenditures not approved and the
    self-approved entries (one query for both, told apart by their status)."""
    pending: list[PendingSpending] = []
    own: list[SelfApproval] = []
    for code, year, number, status, day, decided in scope.rows(
        lambda s: (
            Entry.objects.filter(s.under("ledger__union__"))
            .filter(
                Q(
                    kind=EntryKind.EXPENDITURE,
                    status__in=(EntryStatus.DRAFT, EntryStatus.SUBMITTED),
                    reverses__isnull=True,
                )
                | Q(
                    Q(decided_by=F("entered_by")) | Q(decided_by=F("handled_by")),
                    status=EntryStatus.APPROVED,
                )
            )
            .order_by("ledger__union__code", "day", "pk")
            .values_list(
                "ledger__union__code",
                "ledger__year",
                "number",
                "status",
                "day",
                "decided_at",
            )
        )
    ):
        if status == EntryStatus.APPROVED:
            own.append(
                SelfApproval(code, f"{year}-{number}", timezone.localdate(decided))
            )
        else:
            pending.append(PendingSpending(code, f"{year}-{number}", day))
    return Finances(
        disclosures=tuple(
            FinanceDisclosure(code, term, timezone.localdate(at))
            for code, term, at in scope.rows(
                lambda s: (
                    Disclosure.objects.filter(s.under("union__"))
                    .order_by("union__code", "term")
                    .values_list("union__code", "term", "disclosed_at")
                )
            )
        ),
        pending=tuple(pending),
        self_approvals=tuple(own),
    )
