"""A union's finances with many entries (TRN-4, #18's "done means": the public finance
page of a union with 10,000 entries in at most 15 SQL queries).

Every page a ledger's size could weigh on — the public page of the union's finances,
the public disclosure page of a term (first and a later page of entries), its JSON, the
officers' ledger and the Excel export — runs the same number of queries, at most 15,
with 10 approved entries and with 300 (written with ``bulk_create``: budget lines,
income, spending, reversals, questions and receipts among them). The times at 10,000
entries are bench/finance.py's (docs/performance.md).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.integration.test_finances import (  # noqa: F401 (u: a fixture)
    TERM,
    TODAY,
    YEAR,
    Union,
    approved,
    u,
)
from tongxue.domain import finance as fin
from tongxue.finances.models import Entry, Question, Receipt

pytestmark = pytest.mark.django_db

D = Decimal
MAX_QUERIES = 15


def fill(x: Union, n: int) -> None:
    """``n`` approved entries over the term so far, numbered after those there are:
    a budget line per category, then income and spending (some paid to students, some
    reversed), a question on every tenth and a receipt on every twentieth."""
    first = approved(x, "10")  # the ledger, through the services
    ledger = first.ledger
    _term, start, _end = fin.term_bounds(TERM)
    days = max(1, (TODAY - start).days + 1)
    now = timezone.now()
    top = Entry.objects.filter(ledger=ledger).count()
    categories = [c.value for c in fin.Category]
    rows = []
    for i in range(n):
        number = top + 1 + i
        if i < len(categories):
            kind, category, source = "budget", categories[i], ""
        elif i % 4 == 0:
            kind, category, source = "income", "", "school_allocation"
        else:
            kind, category, source = "expenditure", categories[i % 7], ""
        rows.append(
            Entry(
                ledger=ledger,
                number=number,
                kind=kind,
                category=category,
                source=source,
                sponsor="",
                amount=D("5000.00") if kind == "budget" else D(f"{i % 97 + 1}.25"),
                day=start + timedelta(days=i % days),
                summary=f"条目{i}，联系13812345678",
                project="迎新" if i % 5 == 0 else "",
                payee=f"李同学{i}" if i % 3 == 0 else "星光文印店",
                payee_is_student=i % 3 == 0,
                status="approved",
                entered_by=x.treasurer,
                handled_by=x.treasurer,
                decided_by=x.approver,
                decided_as="finance_approver",
                entered_at=now,
                decided_at=now,
            )
        )
    made = Entry.objects.bulk_create(rows)
    spent = [e for e in made if e.kind == "expenditure"]
    top += n
    Entry.objects.bulk_create(
        Entry(
            ledger=ledger,
            number=top + 1 + k,
            kind="expenditure",
            category=e.category,
            amount=e.amount,
            day=e.day,
            summary=f"冲销{e.number}",
            status="approved",
            entered_by=x.treasurer,
            handled_by=x.treasurer,
            decided_by=x.approver,
            entered_at=now,
            reverses=e,
        )
        for k, e in enumerate(spent[:: max(1, len(spent) // 5)][:5])
    )
    Question.objects.bulk_create(
        Question(
            entry=e,
            asked_by=x.delegate,
            text="用途？",
            asked_at=now,
            answer="见凭证。" if k % 2 else "",
            answered_at=now if k % 2 else None,
            answered_by=x.treasurer if k % 2 else None,
        )
        for k, e in enumerate(made[::10])
    )
    Receipt.objects.bulk_create(
        Receipt(entry=e, image=b"x", content_type="image/jpeg", width=1, height=1)
        for e in made[::20]
    )


PAGES: dict[str, tuple[str, Any]] = {
    # page: (who reads it, its address)
    "public_index": (
        "anonymous",
        lambda x: reverse("finances:public_index", args=[x.union.code]),
    ),
    "public": (
        "anonymous",
        lambda x: reverse("finances:public", args=[x.union.code, TERM]),
    ),
    "public, as a delegate": (
        "delegate",
        lambda x: reverse("finances:public", args=[x.union.code, TERM]),
    ),
    "public, as the treasurer": (
        "treasurer",
        lambda x: reverse("finances:public", args=[x.union.code, TERM]),
    ),
    "public, a later page": (
        "anonymous",
        lambda x: reverse("finances:public", args=[x.union.code, TERM]) + "?page=4",
    ),
    "api": ("anonymous", lambda x: f"/api/finances/{x.union.code}/terms/{TERM}"),
    "ledger": ("treasurer", lambda x: reverse("finances:ledger", args=[x.union.code])),
    "export": (
        "advisor",
        lambda x: reverse("finances:export", args=[x.union.code, YEAR, "xlsx"]),
    ),
}


def queries(client: Client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content


@pytest.mark.parametrize("page", list(PAGES))
def test_the_same_queries_with_10_and_with_300_entries(
    u: Union,  # noqa: F811 (the fixture)
    client: Client,
    page: str,
) -> None:
    who, address = PAGES[page]
    if who != "anonymous":
        client.force_login(u.users[who])
    url = address(u)
    fill(u, 10)
    queries(client, url)  # the first request's one-offs (session, caches)
    few, _ = queries(client, url)
    assert few <= MAX_QUERIES, page
    fill(u, 290)
    assert Entry.objects.filter(status="approved").count() >= 300
    many, body = queries(client, url)
    assert many == few, page
    assert many <= MAX_QUERIES
    if page == "public":
        # a page of 50 entries, not the 300: totals come from one grouped query
        assert body.decode().count("data-entry=") == 50


def test_the_totals_of_many_entries_are_those_of_the_rows(
    u: Union,  # noqa: F811 (the fixture)
    client: Client,
) -> None:
    """With 300 entries the page's totals equal the sums of the approved rows of the
    term (the grouped query against Python over the rows)."""
    fill(u, 300)
    data = client.get(f"/api/finances/{u.union.code}/terms/{TERM}").json()
    _term, start, end = fin.term_bounds(TERM)
    rows = Entry.objects.filter(status="approved", day__gte=start, day__lte=end)
    income = spending = D("0")
    for e in rows.exclude(kind="budget"):
        signed = fin.signed_amount(e.facts())
        income += signed if e.kind == "income" else 0
        spending += -signed if e.kind == "expenditure" else 0
    assert (D(data["income"]), D(data["spending"])) == (income, spending)
    assert data["count"] == rows.exclude(kind="budget").count()
    assert data["pages"] == -(-data["count"] // 50)
