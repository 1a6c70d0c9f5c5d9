"""Reads of a union's ledger (TRN-4), each in a fixed number of queries.

The public page of a term (:func:`term_summary` + :func:`public_entries`) reads the
totals and the number of the term's entries in one grouped query, whatever the number
of entries, and a page of entries with their questions in two (rows, questions: the
pager is told the count, :class:`CountedPaginator`). Measured at 10,000 entries in
docs/performance.md (bench/finance.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from tongxue.domain import finance as fin
from tongxue.domain.finance.ledger import ZERO, school_year_of
from tongxue.domain.terms import Term, term_of
from tongxue.finances.models import (
    Disclosure,
    Entry,
    EntryKind,
    EntryStatus,
    Ledger,
    Question,
    Receipt,
)
from tongxue.organisations.models import Organisation


def ledgers(union: Organisation) -> list[Ledger]:
    return list(Ledger.objects.filter(union=union).order_by("-year"))


def ledger_of(union: Organisation, year: int) -> Ledger | None:
    return Ledger.objects.filter(union=union, year=year).first()


def entries(ledger: Ledger, status: str = "") -> QuerySet[Entry]:
    """The ledger's entries, newest number first, with who entered, handles and
    decided, whether a receipt is attached and the number of the original of a
    reversal (one query per page)."""
    qs = (
        Entry.objects.filter(ledger=ledger)
        .select_related("entered_by", "handled_by", "decided_by", "reverses")
        .annotate(has_receipt=Exists(Receipt.objects.filter(entry=OuterRef("pk"))))
        .order_by("-number")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def queue(union: Organisation) -> QuerySet[Entry]:
    """The entries of the union awaiting approval, oldest first."""
    return (
        Entry.objects.filter(ledger__union=union, status=EntryStatus.SUBMITTED)
        .select_related("ledger", "entered_by", "handled_by", "reverses")
        .annotate(has_receipt=Exists(Receipt.objects.filter(entry=OuterRef("pk"))))
        .order_by("submitted_at", "pk")
    )


def entry_of(union: Organisation, year: int, number: int) -> Entry | None:
    return (
        Entry.objects.filter(ledger__union=union, ledger__year=year, number=number)
        .select_related(
            "ledger",
            "ledger__union",
            "entered_by",
            "handled_by",
            "decided_by",
            "reverses",
        )
        .annotate(has_receipt=Exists(Receipt.objects.filter(entry=OuterRef("pk"))))
        .first()
    )


def _grouped(ledger_ids: Iterable[int], start: date, end: date) -> list[dict[str, Any]]:
    """Approved totals (``total``) and numbers of entries (``n``) of the ledgers grouped
    by kind, category, source, reversal and period (before, in or after [start, end]):
    one query."""
    return list(
        Entry.objects.filter(
            ledger_id__in=list(ledger_ids), status=EntryStatus.APPROVED
        )
        .annotate(
            period=Case(
                When(day__lt=start, then=Value("before")),
                When(day__gt=end, then=Value("after")),
                default=Value("in"),
                output_field=CharField(),
            ),
            reversal=Case(
                When(reverses__isnull=False, then=Value("r")),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .order_by()
        .values("kind", "category", "source", "reversal", "period")
        .annotate(total=Sum("amount"), n=Count("pk"))
    )


@dataclass
class TermSummary:
    """A union's finances of one term, from approved entries."""

    term: Term
    start: date
    end: date
    year: int
    ledger: Ledger | None
    disclosure: Disclosure | None
    opening: Decimal = ZERO
    income: Decimal = ZERO
    spending: Decimal = ZERO
    closing: Decimal = ZERO
    #: (source, amount) of the term's income, (category, amount) of its spending.
    income_by_source: list[tuple[str, Decimal]] = field(default_factory=list)
    spending_by_category: list[tuple[str, Decimal]] = field(default_factory=list)
    #: The school year's budget against the spending to the term's last day.
    budget: list[fin.BudgetLine] = field(default_factory=list)
    #: The number of the term's approved income and spending entries (the public list's).
    entries: int = 0


def term_summary(union: Organisation, term_code: str) -> TermSummary:
    """The term's totals (three queries: the ledger, the disclosure, the totals)."""
    term, start, end = fin.term_bounds(term_code)
    year = school_year_of(term_code)
    ledger = ledger_of(union, year)
    disclosure = Disclosure.objects.filter(union=union, term=term_code).first()
    summary = TermSummary(term, start, end, year, ledger, disclosure)
    if ledger is None:
        return summary
    income: dict[str, Decimal] = {}
    spending: dict[str, Decimal] = {}
    to_date: list[tuple[str, str, bool, Decimal]] = []
    for row in _grouped([ledger.pk], start, end):
        reversal = row["reversal"] == "r"
        total: Decimal = row["total"]
        facts = fin.EntryFacts(
            number=0,
            kind=fin.EntryKind(row["kind"]),
            amount=total,
            status=fin.EntryStatus.APPROVED,
            reverses=0 if reversal else None,
        )
        signed = fin.signed_amount(facts)
        if row["kind"] == EntryKind.BUDGET:
            to_date.append((row["kind"], row["category"], reversal, total))
            continue
        if row["period"] == "before":
            summary.opening += signed
        if row["period"] in ("before", "in"):
            to_date.append((row["kind"], row["category"], reversal, total))
        if row["period"] != "in":
            continue
        summary.entries += row["n"]
        sign = -1 if reversal else 1
        if row["kind"] == EntryKind.INCOME:
            summary.income += sign * total
            income[row["source"]] = income.get(row["source"], ZERO) + sign * total
        else:
            summary.spending += sign * total
            key = row["category"]
            spending[key] = spending.get(key, ZERO) + sign * total
    summary.closing = summary.opening + summary.income - summary.spending
    summary.income_by_source = [
        (s.value, income[s.value]) for s in fin.IncomeSource if s.value in income
    ]
    summary.spending_by_category = [
        (c.value, spending[c.value]) for c in fin.Category if c.value in spending
    ]
    summary.budget = fin.budget_against_actual(to_date)
    return summary


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told how many objects there are (:attr:`TermSummary.entries`, from
    the totals' grouped query), so that it runs no ``COUNT`` of its own."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def public_entries(ledger: Ledger, start: date, end: date) -> QuerySet[Entry]:
    """The approved income and spending of the term, in date order, with their
    questions (a prefetch: one query for the page's) and the original of a reversal."""
    return (
        Entry.objects.filter(
            ledger=ledger,
            status=EntryStatus.APPROVED,
            day__gte=start,
            day__lte=end,
        )
        .exclude(kind=EntryKind.BUDGET)
        .select_related("reverses")
        .only(
            "pk",
            "ledger",
            "number",
            "kind",
            "category",
            "source",
            "sponsor",
            "amount",
            "day",
            "summary",
            "project",
            "payee",
            "payee_is_student",
            "status",
            "decided_as",
            "reverses",
            "reverses__number",
        )
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.only(
                    "pk", "entry_id", "text", "asked_at", "answer", "answered_at"
                ).order_by("asked_at", "pk"),
            )
        )
        .order_by("day", "number")
    )


def disclosures(union: Organisation) -> list[Disclosure]:
    """The union's disclosures, the newest term first."""
    rows = list(Disclosure.objects.filter(union=union))
    return sorted(rows, key=lambda d: _term_start(d.term), reverse=True)


def _term_start(code: str) -> date:
    try:
        return fin.term_bounds(code)[1]
    except ValueError:
        return date.min


def terms_of(union: Organisation, today: date) -> list[str]:
    """The terms a public page exists for: those of the union's ledgers up to the term
    under way, newest first (one query)."""
    current = term_of(today)
    terms: set[Term] = {current}
    for year in Ledger.objects.filter(union=union).values_list("year", flat=True):
        for term in (Term(year, "autumn"), Term(year + 1, "spring")):
            if term.start <= current.start:
                terms.add(term)
    return [t.code for t in sorted(terms, key=lambda t: t.start, reverse=True)]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """An approved entry as the export writes it: what it needs, no model instance."""

    number: int
    day: date
    kind: str
    amount: Decimal
    summary: str
    reverses_id: int | None
    #: The names of who handled and who approved it, as the registry knows them (else
    #: their user names).
    handled_name: str
    decided_name: str
    has_receipt: bool

    def facts(self) -> fin.EntryFacts:
        return fin.EntryFacts(
            number=self.number,
            kind=fin.EntryKind(self.kind),
            amount=self.amount,
            status=fin.EntryStatus.APPROVED,
            reverses=self.reverses_id,
        )


def ledger_rows(ledger: Ledger) -> list[LedgerRow]:
    """The approved income and spending of a school year in date order, with the names
    of the people (for the export: one query, plain rows: a school year's 10,000 entries
    are not 50,000 model instances)."""
    rows = (
        Entry.objects.filter(ledger=ledger, status=EntryStatus.APPROVED)
        .exclude(kind=EntryKind.BUDGET)
        .annotate(
            has_receipt=Exists(Receipt.objects.filter(entry=OuterRef("pk"))),
            handled_name=Coalesce(
                "handled_by__person__name", "handled_by__username", Value("")
            ),
            decided_name=Coalesce(
                "decided_by__person__name", "decided_by__username", Value("")
            ),
        )
        .order_by("day", "number")
        .values_list(
            "number",
            "day",
            "kind",
            "amount",
            "summary",
            "reverses_id",
            "handled_name",
            "decided_name",
            "has_receipt",
        )
    )
    return [LedgerRow(*row) for row in rows]


def budget_of(ledger: Ledger) -> list[fin.BudgetLine]:
    """The school year's budget against actual (one query)."""
    start, end = fin.year_bounds(ledger.year)
    to_date = [
        (r["kind"], r["category"], r["reversal"] == "r", r["total"])
        for r in _grouped([ledger.pk], start, end)
    ]
    return fin.budget_against_actual(to_date)


def balance_of(ledger: Ledger) -> Decimal:
    """The balance of the ledger's approved entries (one query)."""
    return year_totals(ledger)[0]


def year_totals(ledger: Ledger) -> tuple[Decimal, list[fin.BudgetLine]]:
    """The balance of the ledger's approved entries and the school year's budget
    against actual, from one grouped query."""
    total = ZERO
    start, end = fin.year_bounds(ledger.year)
    rows = _grouped([ledger.pk], start, end)
    for r in rows:
        facts = fin.EntryFacts(
            number=0,
            kind=fin.EntryKind(r["kind"]),
            amount=r["total"],
            status=fin.EntryStatus.APPROVED,
            reverses=0 if r["reversal"] == "r" else None,
        )
        total += fin.signed_amount(facts)
    to_date = [
        (r["kind"], r["category"], r["reversal"] == "r", r["total"]) for r in rows
    ]
    return total, fin.budget_against_actual(to_date)


def pending_count(union: Organisation) -> int:
    return Entry.objects.filter(
        ledger__union=union, status=EntryStatus.SUBMITTED
    ).count()


def open_questions(union: Organisation) -> QuerySet[Question]:
    return (
        Question.objects.filter(entry__ledger__union=union, answered_at__isnull=True)
        .select_related("entry", "entry__ledger")
        .order_by("asked_at", "pk")
    )
