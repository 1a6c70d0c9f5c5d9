"""The union's finances as the audit reads them (TRN-4 · GS-14, CQ-9).

Dates and references, never an amount's purpose, a payee or a person's name: the terms
each union disclosed (:class:`FinanceDisclosure`), its expenditures not approved yet
(:class:`PendingSpending`) and approved entries whose approver also entered them or
handles their money (:class:`SelfApproval`).

The database's part of the registry fills :class:`Finances` (``tongxue.finances.
mappers``); a snapshot does not carry them and leaves
:attr:`~tongxue.domain.model.Registry.finances` None: TRN-4 then judges nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property


@dataclass(frozen=True, slots=True)
class FinanceDisclosure:
    """A union disclosed its finances of a term (``term``: ``2026-autumn``)."""

    union: str
    term: str
    disclosed: date


@dataclass(frozen=True, slots=True)
class PendingSpending:
    """An expenditure entered but not approved (draft or awaiting approval); ``entry``:
    its reference in the ledger (``2026-17``: year and number), ``spent``: its date."""

    union: str
    entry: str
    spent: date


@dataclass(frozen=True, slots=True)
class SelfApproval:
    """An approved entry whose approver entered it or handles its money."""

    union: str
    entry: str
    approved: date


@dataclass(frozen=True)
class Finances:
    disclosures: tuple[FinanceDisclosure, ...] = ()
    pending: tuple[PendingSpending, ...] = ()
    self_approvals: tuple[SelfApproval, ...] = ()

    @cached_property
    def disclosed_terms(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for d in self.disclosures:
            out[d.union].add(d.term)
        return out

    @cached_property
    def pending_of(self) -> dict[str, list[PendingSpending]]:
        out: dict[str, list[PendingSpending]] = defaultdict(list)
        for p in sorted(self.pending, key=lambda p: (p.spent, p.entry)):
            out[p.union].append(p)
        return out

    @cached_property
    def self_approvals_of(self) -> dict[str, list[SelfApproval]]:
        out: dict[str, list[SelfApproval]] = defaultdict(list)
        for s in sorted(self.self_approvals, key=lambda s: (s.approved, s.entry)):
            out[s.union].append(s)
        return out
