"""A union's finances as JSON (TRN-4): the public disclosure page of a term.

Only what the page shows everyone: totals, budget against actual, approved income and
spending with students' payee names and private numbers masked, delegates' questions
and the union's answers. Amounts are strings with two decimals (exact, never floats).
The ledger, receipts and writes are the pages'.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from tongxue.domain import finance as fin
from tongxue.domain.rights.masking import mask_private
from tongxue.finances import selectors
from tongxue.finances.services import UNION_KINDS
from tongxue.organisations.http import get_or_404

router = Router(tags=["finances"])

PAGE_SIZE = 50


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


class BudgetOut(Schema):
    category: str
    budget: str
    actual: str
    remaining: str


class QuestionOut(Schema):
    asked_at: date
    text: str
    answer: str
    answered_at: date | None


class EntryOut(Schema):
    number: int
    day: date
    kind: str
    category: str
    source: str
    summary: str
    project: str
    payee: str
    sponsor: str
    income: str | None
    spending: str | None
    reverses: int | None
    questions: list[QuestionOut]


class TermOut(Schema):
    union: str
    term: str
    start: date
    end: date
    disclosed_on: date | None
    opening: str
    income: str
    spending: str
    closing: str
    income_by_source: dict[str, str]
    spending_by_category: dict[str, str]
    budget: list[BudgetOut]
    page: int
    pages: int
    count: int
    entries: list[EntryOut]


@router.get("/{code}/terms/{term}", response=TermOut)
def term(request: HttpRequest, code: str, term: str, page: int = 1) -> TermOut:
    """The public disclosure of a term (``2026-autumn``), 50 entries a page."""
    union = get_or_404(code)
    if union.kind not in UNION_KINDS:
        raise Http404(code)
    try:
        summary = selectors.term_summary(union, term)
    except ValueError:
        raise Http404(term) from None
    if summary.start > timezone.localdate():
        raise Http404(term)
    entries: list[EntryOut] = []
    pages, count, number = 1, 0, 1
    if summary.ledger is not None:
        # the number of entries came with the totals: no COUNT query (#18)
        paginator = selectors.CountedPaginator(
            selectors.public_entries(summary.ledger, summary.start, summary.end),
            PAGE_SIZE,
            count=summary.entries,
        )
        current = paginator.get_page(page)
        pages, count, number = paginator.num_pages, paginator.count, current.number
        for e in current.object_list:
            signed = fin.signed_amount(
                fin.EntryFacts(
                    number=e.number,
                    kind=fin.EntryKind(e.kind),
                    amount=e.amount,
                    status=fin.EntryStatus.APPROVED,
                    reverses=e.reverses_id,
                )
            )
            payee = fin.mask_name(e.payee) if e.payee_is_student else e.payee
            entries.append(
                EntryOut(
                    number=e.number,
                    day=e.day,
                    kind=e.kind,
                    category=e.category,
                    source=e.source,
                    summary=mask_private(e.summary),
                    project=mask_private(e.project),
                    payee=mask_private(payee),
                    sponsor=e.sponsor,
                    income=_money(signed) if signed > 0 else None,
                    spending=_money(-signed) if signed < 0 else None,
                    reverses=e.reverses.number if e.reverses_id else None,
                    questions=[
                        QuestionOut(
                            asked_at=timezone.localdate(q.asked_at),
                            text=q.text,
                            answer=q.answer,
                            answered_at=timezone.localdate(q.answered_at)
                            if q.answered_at
                            else None,
                        )
                        for q in e.questions.all()
                    ],
                )
            )
    disclosure = summary.disclosure
    return TermOut(
        union=union.code,
        term=term,
        start=summary.start,
        end=summary.end,
        disclosed_on=timezone.localdate(disclosure.disclosed_at)
        if disclosure
        else None,
        opening=_money(summary.opening),
        income=_money(summary.income),
        spending=_money(summary.spending),
        closing=_money(summary.closing),
        income_by_source={s: _money(a) for s, a in summary.income_by_source},
        spending_by_category={c: _money(a) for c, a in summary.spending_by_category},
        budget=[
            BudgetOut(
                category=b.category,
                budget=_money(b.budget),
                actual=_money(b.actual),
                remaining=_money(b.remaining),
            )
            for b in summary.budget
        ],
        page=number,
        pages=pages,
        count=count,
        entries=entries,
    )
