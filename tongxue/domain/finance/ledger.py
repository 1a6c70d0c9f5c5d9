"""The union's ledger (TRN-4 · GS-14, CQ-9): what an entry is and who may move it.

* **Amounts** are exact: :func:`parse_amount` takes a string, an int or a Decimal (never
  a float), in 元 to the 分: more than two decimals, zero, a negative amount or more
  than :data:`MAX_AMOUNT` are refused.
* **Kinds**: a budget line (by :class:`Category`), an income (:class:`IncomeSource`: the
  school's allocation, a sponsorship naming its sponsor, other) or an expenditure
  (purpose, project, payee, date; by category).
* **Lifecycle** (:data:`ENTRY`): draft → submitted → approved | rejected. An approved
  entry never changes again: a correction is a *reversing entry* pointing to the
  original, with the same kind, category and amount and the opposite effect, itself
  submitted and approved (:func:`reversal_refusal`).
* **Authority** (:func:`approval_refusal`): the approver is neither the person who
  entered the entry nor the person who handles the money (经办人); an expenditure above
  the school's threshold needs the League advisor, below it a union finance approver
  (or the advisor) suffices.
* **Balance** (:func:`balance`): the sum of the approved entries' signed amounts
  (income +, expenditure −, a budget line 0, a reversal the opposite of its original);
  :func:`budget_against_actual` per category.

:class:`Ledger` is the same rules in memory, for the property tests: the Django services
call the same functions on the rows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from tongxue.domain.findings import Message, Refusal, gettext_noop
from tongxue.domain.lifecycle import Lifecycle
from tongxue.domain.terms import START_MONTH, Term, parse_term

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: The largest amount of one entry (a typing slip of a few digits is refused).
MAX_AMOUNT = Decimal("9999999999.99")


class EntryKind(enum.StrEnum):
    BUDGET = "budget"
    INCOME = "income"
    EXPENDITURE = "expenditure"


KIND_LABELS: Mapping[str, str] = {
    EntryKind.BUDGET: gettext_noop("Budget line"),
    EntryKind.INCOME: gettext_noop("Income"),
    EntryKind.EXPENDITURE: gettext_noop("Expenditure"),
}


class Category(enum.StrEnum):
    """Budget and spending categories (the lines a finance office's budget uses)."""

    ACTIVITIES = "activities"
    PUBLICITY = "publicity"
    TRAINING = "training"
    OFFICE = "office"
    TRAVEL = "travel"
    PRIZES = "prizes"
    OTHER = "other"


CATEGORY_LABELS: Mapping[str, str] = {
    Category.ACTIVITIES: gettext_noop("Activities"),
    Category.PUBLICITY: gettext_noop("Publicity and printing"),
    Category.TRAINING: gettext_noop("Training of cadres"),
    Category.OFFICE: gettext_noop("Office supplies"),
    Category.TRAVEL: gettext_noop("Travel and transport"),
    Category.PRIZES: gettext_noop("Prizes and awards"),
    Category.OTHER: gettext_noop("Other spending"),
}


class IncomeSource(enum.StrEnum):
    SCHOOL_ALLOCATION = "school_allocation"
    SPONSORSHIP = "sponsorship"
    OTHER = "other"


SOURCE_LABELS: Mapping[str, str] = {
    IncomeSource.SCHOOL_ALLOCATION: gettext_noop("School allocation"),
    IncomeSource.SPONSORSHIP: gettext_noop("Sponsorship"),
    IncomeSource.OTHER: gettext_noop("Other income"),
}


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


#: A ledger entry: entered as a draft, submitted for approval, approved or rejected
#: (both final: an approved entry is corrected by a reversing entry, a rejected one is
#: entered again).
ENTRY = Lifecycle(
    name="ledger entry",
    labels={
        EntryStatus.DRAFT: gettext_noop("Draft"),
        EntryStatus.SUBMITTED: gettext_noop("Awaiting approval"),
        EntryStatus.APPROVED: gettext_noop("Approved"),
        EntryStatus.REJECTED: gettext_noop("Rejected"),
    },
    transitions={
        EntryStatus.DRAFT: (EntryStatus.SUBMITTED,),
        EntryStatus.SUBMITTED: (EntryStatus.APPROVED, EntryStatus.REJECTED),
    },
    initial=EntryStatus.DRAFT,
)


class AmountError(ValueError):
    """An amount that cannot be booked; ``code`` and ``message`` (a message id)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_amount(value: object) -> Decimal:
    """Return ``value`` as an exact amount in 元 with two decimals (see the module).

    A string may carry spaces, a ¥ sign and thousands separators ("1,234.50").
    """
    if isinstance(value, bool | float):
        raise AmountError(
            "invalid", gettext_noop("Enter the amount in 元, e.g. 125.50.")
        )
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip().lstrip("¥￥").replace(",", "").replace("，", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise AmountError(
                "invalid", gettext_noop("Enter the amount in 元, e.g. 125.50.")
            ) from None
    else:
        raise AmountError(
            "invalid", gettext_noop("Enter the amount in 元, e.g. 125.50.")
        )
    if not amount.is_finite():
        raise AmountError(
            "invalid", gettext_noop("Enter the amount in 元, e.g. 125.50.")
        )
    if amount <= 0:
        raise AmountError(
            "not-positive", gettext_noop("The amount must be more than zero.")
        )
    if amount > MAX_AMOUNT:
        raise AmountError("too-large", gettext_noop("The amount is too large."))
    exact = amount.quantize(CENT)
    if exact != amount:
        raise AmountError(
            "too-precise",
            gettext_noop("An amount has at most two decimals (元 to 分)."),
        )
    return exact


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the rules need of an entry. People are opaque ids ("" when unknown)."""

    number: int
    kind: EntryKind
    amount: Decimal
    status: EntryStatus = EntryStatus.DRAFT
    category: str = ""
    entered_by: str = ""
    #: Who handles the money (经办人): the spender of an expenditure.
    handled_by: str = ""
    approved_by: str = ""
    #: The number of the entry this one reverses (a correction), or None.
    reverses: int | None = None
    day: date | None = None


def signed_amount(entry: EntryFacts) -> Decimal:
    """The entry's effect on the balance: income +, expenditure −, a budget line 0; a
    reversing entry the opposite of its original's."""
    if entry.kind == EntryKind.INCOME:
        signed = entry.amount
    elif entry.kind == EntryKind.EXPENDITURE:
        signed = -entry.amount
    else:
        signed = ZERO
    return -signed if entry.reverses is not None else signed


def balance(entries: Iterable[EntryFacts]) -> Decimal:
    """The sum of the approved entries' signed amounts (exact)."""
    total = ZERO
    for e in entries:
        if e.status == EntryStatus.APPROVED:
            total += signed_amount(e)
    return total


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """A category's approved budget and approved spending (net of reversals)."""

    category: str
    budget: Decimal
    actual: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.actual

    @property
    def over(self) -> bool:
        return self.actual > self.budget


def budget_against_actual(
    totals: Iterable[tuple[str, str, bool, Decimal]],
) -> list[BudgetLine]:
    """Budget against actual per category, in :class:`Category` order, from the
    approved totals ``(kind, category, is_reversal, amount)`` (the database groups
    them; a category with neither a budget nor spending is left out)."""
    budget: dict[str, Decimal] = {}
    actual: dict[str, Decimal] = {}
    for kind, category, reversal, amount in totals:
        sign = -1 if reversal else 1
        if kind == EntryKind.BUDGET:
            budget[category] = budget.get(category, ZERO) + sign * amount
        elif kind == EntryKind.EXPENDITURE:
            actual[category] = actual.get(category, ZERO) + sign * amount
    order = [c.value for c in Category]
    known = budget.keys() | actual.keys()
    cats = [c for c in order if c in known] + sorted(known - set(order))
    return [BudgetLine(c, budget.get(c, ZERO), actual.get(c, ZERO)) for c in cats]


@dataclass(frozen=True, slots=True)
class Approver:
    """Who decides on an entry: an opaque id and the authorities they hold at the
    union (the League advisor: any amount; a union finance approver: up to the
    threshold)."""

    user: str
    advisor: bool = False
    finance_approver: bool = False


def _refusal(code: str, text: str, **params: object) -> Refusal:
    return Refusal(code, Message(text, params), requirement="", field=None)


def approval_refusal(
    entry: EntryFacts,
    approver: Approver,
    threshold: Decimal,
    target: EntryStatus = EntryStatus.APPROVED,
) -> Refusal | None:
    """Why ``approver`` may not move ``entry`` to ``target`` (approved or rejected), or
    None. The same authority approves and rejects."""
    moved = ENTRY.refusal(entry.status, target)
    if moved is not None:
        return moved
    if not (approver.advisor or approver.finance_approver):
        return _refusal(
            "forbidden",
            gettext_noop(
                "Only a finance approver of the union or the League advisor decides on entries."
            ),
        )
    if approver.user and approver.user in (entry.entered_by, entry.handled_by):
        return _refusal(
            "own-entry",
            gettext_noop(
                "You entered this entry or handle its money: someone else decides on it."
            ),
        )
    if (
        entry.kind == EntryKind.EXPENDITURE
        and entry.amount > threshold
        and not approver.advisor
    ):
        return _refusal(
            "advisor-needed",
            gettext_noop(
                "An expenditure above {threshold} 元 is approved by the League advisor."
            ),
            threshold=f"{threshold:.2f}",
        )
    return None


def reversal_refusal(
    original: EntryFacts, reversals: Iterable[EntryFacts]
) -> Refusal | None:
    """Why ``original`` cannot be reversed now, or None. ``reversals``: the entries
    already pointing to it."""
    if original.status != EntryStatus.APPROVED:
        return _refusal(
            "not-approved",
            gettext_noop(
                "Only an approved entry is corrected by a reversing entry; change or withdraw this one instead."
            ),
        )
    if original.reverses is not None:
        return _refusal(
            "reversal",
            gettext_noop(
                "A reversing entry is not reversed again: enter the correct entry instead."
            ),
        )
    if any(r.status != EntryStatus.REJECTED for r in reversals):
        return _refusal(
            "reversed",
            gettext_noop("This entry has a reversing entry already."),
        )
    return None


class ImmutableEntry(RuntimeError):
    """An attempt to change an approved entry (a bug: services never do)."""


class Ledger:
    """The ledger's rules in memory (the property tests drive it; the Django services
    apply the same functions to rows). Every change of an entry goes through
    :meth:`_put`, which refuses to replace an approved entry."""

    def __init__(self, threshold: Decimal) -> None:
        self.threshold = threshold
        self._entries: dict[int, EntryFacts] = {}

    @property
    def entries(self) -> tuple[EntryFacts, ...]:
        return tuple(self._entries[n] for n in sorted(self._entries))

    def get(self, number: int) -> EntryFacts:
        return self._entries[number]

    def _put(self, entry: EntryFacts) -> EntryFacts:
        old = self._entries.get(entry.number)
        if old is not None and old.status == EntryStatus.APPROVED:
            raise ImmutableEntry(entry.number)
        self._entries[entry.number] = entry
        return entry

    def enter(
        self,
        kind: EntryKind,
        amount: object,
        *,
        by: str,
        handled_by: str = "",
        category: str = "",
        day: date | None = None,
    ) -> EntryFacts:
        return self._put(
            EntryFacts(
                number=len(self._entries) + 1,
                kind=kind,
                amount=parse_amount(amount),
                category=category,
                entered_by=by,
                handled_by=handled_by or by,
                day=day,
            )
        )

    def submit(self, number: int) -> EntryFacts:
        entry = self._entries[number]
        ENTRY.require(entry.status, EntryStatus.SUBMITTED)
        return self._put(replace(entry, status=EntryStatus.SUBMITTED))

    def decide(self, number: int, approver: Approver, *, approve: bool) -> EntryFacts:
        entry = self._entries[number]
        target = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        refusal = approval_refusal(entry, approver, self.threshold, target)
        if refusal is not None:
            raise refusal
        return self._put(
            replace(
                entry,
                status=target,
                approved_by=approver.user if approve else "",
            )
        )

    def reverse(self, number: int, *, by: str) -> EntryFacts:
        original = self._entries[number]
        refusal = reversal_refusal(
            original, (e for e in self._entries.values() if e.reverses == number)
        )
        if refusal is not None:
            raise refusal
        return self._put(
            EntryFacts(
                number=len(self._entries) + 1,
                kind=original.kind,
                amount=original.amount,
                category=original.category,
                entered_by=by,
                handled_by=by,
                reverses=number,
                day=original.day,
            )
        )

    def balance(self) -> Decimal:
        return balance(self._entries.values())


def mask_name(name: str) -> str:
    """A student's name for a public page: its first character, the rest ``*``
    ("张小明" → "张**"; "Li Lei" → "L* L**"). Names of firms and offices are not
    masked (the caller decides: only a student payee's name is)."""
    name = name.strip()
    if not name:
        return ""
    words = name.split()
    if len(words) > 1:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in words)
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of the school year starting in autumn ``year`` (the
    ledger's year: 1 September to 31 August)."""
    return date(year, START_MONTH["autumn"], 1), date(
        year + 1, START_MONTH["autumn"], 1
    ) - timedelta(days=1)


def term_bounds(code: str) -> tuple[Term, date, date]:
    """The term of ``code`` (``2026-autumn``) with its first and last day (the spring
    term: 1 March to 31 August; the autumn term: 1 September to the end of February).
    ``ValueError`` for another code."""
    term = parse_term(code)
    if term.season == "autumn":
        end = date(term.year + 1, START_MONTH["spring"], 1)
    else:
        end = date(term.year, START_MONTH["autumn"], 1)
    return term, term.start, end - timedelta(days=1)


def school_year_of(code: str) -> int:
    """The ledger year (school year) a term belongs to."""
    term = parse_term(code)
    return term.year if term.season == "autumn" else term.year - 1
