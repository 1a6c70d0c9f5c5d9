"""The union's ledger as pure Python (TRN-4 · GS-14, CQ-9): exact amounts, the entry's
lifecycle, who may approve, balances, budget against actual; and, with hypothesis, that
no sequence of operations changes an approved entry, the balance is always the sum of
the approved entries and a reversal restores it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongxue.domain import finance as fin
from tongxue.domain.finance.ledger import ImmutableEntry
from tongxue.domain.findings import Refusal

D = Decimal
THRESHOLD = D("1000.00")
ADVISOR = fin.Approver("advisor", advisor=True)
APPROVER = fin.Approver("approver", finance_approver=True)


# -- amounts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("125.5", D("125.50")),
        ("0.01", D("0.01")),
        (" ¥1,234.50 ", D("1234.50")),
        ("3", D("3.00")),
        (7, D("7.00")),
        (D("2.10"), D("2.10")),
        ("1.230", D("1.23")),  # a trailing zero is not a third decimal
        ("9999999999.99", fin.MAX_AMOUNT),
    ],
)
def test_amounts_are_exact_to_the_fen(given_: object, expected: Decimal) -> None:
    amount = fin.parse_amount(given_)
    assert amount == expected and amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("given_", "code"),
    [
        ("0.001", "too-precise"),
        ("1.005", "too-precise"),
        ("0", "not-positive"),
        ("0.00", "not-positive"),
        ("-5", "not-positive"),
        ("10000000000.00", "too-large"),
        ("abc", "invalid"),
        ("", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        (1.5, "invalid"),  # a float is never exact
        (True, "invalid"),
        (None, "invalid"),
    ],
)
def test_other_amounts_are_refused(given_: object, code: str) -> None:
    with pytest.raises(fin.AmountError) as refused:
        fin.parse_amount(given_)
    assert refused.value.code == code


# -- lifecycle and authority ------------------------------------------------------------


def spent(
    amount: str, status: fin.EntryStatus = fin.EntryStatus.SUBMITTED
) -> fin.EntryFacts:
    return fin.EntryFacts(
        1,
        fin.EntryKind.EXPENDITURE,
        D(amount),
        status,
        category="activities",
        entered_by="treasurer",
        handled_by="spender",
    )


def test_the_lifecycle() -> None:
    assert fin.ENTRY.allowed("draft") == ("submitted",)
    assert set(fin.ENTRY.allowed("submitted")) == {"approved", "rejected"}
    assert fin.ENTRY.is_final("approved") and fin.ENTRY.is_final("rejected")


def test_a_finance_approver_approves_up_to_the_threshold_the_advisor_above() -> None:
    assert fin.approval_refusal(spent("1000.00"), APPROVER, THRESHOLD) is None
    above = fin.approval_refusal(spent("1000.01"), APPROVER, THRESHOLD)
    assert above is not None and above.code == "advisor-needed"
    assert fin.approval_refusal(spent("1000.01"), ADVISOR, THRESHOLD) is None
    # the threshold is about spending: an income above it is the approver's
    income = fin.EntryFacts(
        1, fin.EntryKind.INCOME, D("50000"), fin.EntryStatus.SUBMITTED
    )
    assert fin.approval_refusal(income, APPROVER, THRESHOLD) is None


@pytest.mark.parametrize("who", ["treasurer", "spender"])
def test_nobody_approves_what_they_entered_or_spend(who: str) -> None:
    for approver in (
        fin.Approver(who, advisor=True),
        fin.Approver(who, finance_approver=True),
    ):
        refusal = fin.approval_refusal(spent("10"), approver, THRESHOLD)
        assert refusal is not None and refusal.code == "own-entry"
        rejected = fin.approval_refusal(
            spent("10"), approver, THRESHOLD, fin.EntryStatus.REJECTED
        )
        assert rejected is not None and rejected.code == "own-entry"


def test_without_authority_or_in_the_wrong_state_nothing_is_decided() -> None:
    nobody = fin.approval_refusal(spent("10"), fin.Approver("x"), THRESHOLD)
    assert nobody is not None and nobody.code == "forbidden"
    for status in (
        fin.EntryStatus.DRAFT,
        fin.EntryStatus.APPROVED,
        fin.EntryStatus.REJECTED,
    ):
        refusal = fin.approval_refusal(spent("10", status), ADVISOR, THRESHOLD)
        assert refusal is not None and refusal.code == "invalid-transition"


def test_only_an_approved_original_is_reversed_and_only_once() -> None:
    ledger = fin.Ledger(THRESHOLD)
    e = ledger.enter(fin.EntryKind.EXPENDITURE, "80", by="t", category="office")
    with pytest.raises(Refusal):
        ledger.reverse(e.number, by="t")  # a draft is not reversed
    ledger.submit(e.number)
    ledger.decide(e.number, APPROVER, approve=True)
    r = ledger.reverse(e.number, by="t")
    assert (r.kind, r.amount, r.reverses, r.status) == (
        e.kind,
        e.amount,
        e.number,
        "draft",
    )
    with pytest.raises(Refusal) as twice:
        ledger.reverse(e.number, by="t")
    assert twice.value.code == "reversed"
    ledger.submit(r.number)
    ledger.decide(r.number, APPROVER, approve=False)
    again = ledger.reverse(e.number, by="t")  # the rejected reversal does not count
    ledger.submit(again.number)
    ledger.decide(again.number, APPROVER, approve=True)
    with pytest.raises(Refusal) as of_reversal:
        ledger.reverse(again.number, by="t")
    assert of_reversal.value.code == "reversal"
    assert ledger.balance() == D("0.00")


def test_balance_and_budget_against_actual() -> None:
    ledger = fin.Ledger(THRESHOLD)
    for kind, amount, category in (
        (fin.EntryKind.INCOME, "5000", ""),
        (fin.EntryKind.BUDGET, "3000", "activities"),
        (fin.EntryKind.EXPENDITURE, "1200.50", "activities"),
        (fin.EntryKind.EXPENDITURE, "99.99", "office"),
    ):
        e = ledger.enter(kind, amount, by="t", category=category)
        ledger.submit(e.number)
        ledger.decide(e.number, ADVISOR, approve=True)
    ledger.enter(fin.EntryKind.EXPENDITURE, "1", by="t", category="office")  # a draft
    assert ledger.balance() == D("3699.51")
    lines = fin.budget_against_actual(
        (e.kind, e.category, e.reverses is not None, e.amount)
        for e in ledger.entries
        if e.status == fin.EntryStatus.APPROVED
    )
    assert [(b.category, b.budget, b.actual, b.over) for b in lines] == [
        ("activities", D("3000"), D("1200.50"), False),
        ("office", D("0"), D("99.99"), True),
    ]


def test_masking_a_student_payee() -> None:
    assert fin.mask_name("张小明") == "张**"
    assert fin.mask_name("欧阳娜娜") == "欧***"
    assert fin.mask_name("李") == "*"
    assert fin.mask_name(" Li Lei ") == "L* L**"
    assert fin.mask_name("") == ""


def test_terms_and_years() -> None:
    _t, start, end = fin.term_bounds("2026-autumn")
    assert (start.isoformat(), end.isoformat()) == ("2026-09-01", "2027-02-28")
    _term, start, end = fin.term_bounds("2028-spring")
    assert (start.isoformat(), end.isoformat()) == ("2028-03-01", "2028-08-31")
    assert [d.isoformat() for d in fin.year_bounds(2026)] == [
        "2026-09-01",
        "2027-08-31",
    ]
    with pytest.raises(ValueError):
        fin.term_bounds("2026-summer")


# -- properties -------------------------------------------------------------------------

PEOPLE = ("t1", "t2", "a1", "a2", "adv")
AMOUNTS = st.decimals(
    min_value=D("0.01"), max_value=D("5000.00"), places=2, allow_nan=False
)
OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("enter"),
            st.sampled_from(list(fin.EntryKind)),
            AMOUNTS,
            st.sampled_from(PEOPLE),
        ),
        st.tuples(st.just("submit"), st.integers(1, 30)),
        st.tuples(
            st.just("decide"),
            st.integers(1, 30),
            st.sampled_from(PEOPLE),
            st.booleans(),
        ),
        st.tuples(st.just("reverse"), st.integers(1, 30), st.sampled_from(PEOPLE)),
    ),
    max_size=40,
)


def approver(user: str) -> fin.Approver:
    return fin.Approver(
        user, advisor=user == "adv", finance_approver=user.startswith("a")
    )


def run(ledger: fin.Ledger, op: tuple) -> None:  # type: ignore[type-arg]
    try:
        if op[0] == "enter":
            _, kind, amount, by = op
            ledger.enter(kind, amount, by=by, category="activities")
        elif op[0] == "submit":
            ledger.submit(op[1])
        elif op[0] == "decide":
            ledger.decide(op[1], approver(op[2]), approve=op[3])
        else:
            ledger.reverse(op[1], by=op[2])
    except (Refusal, KeyError):
        pass  # a refused step changes nothing


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_no_sequence_changes_an_approved_entry_and_the_balance_is_the_sum(
    ops: list,  # type: ignore[type-arg]
) -> None:
    ledger = fin.Ledger(THRESHOLD)
    approved: dict[int, fin.EntryFacts] = {}
    for op in ops:
        before = ledger.entries
        run(ledger, op)
        for e in ledger.entries:
            if e.number in approved:
                assert e == approved[e.number]  # never changed once approved
            elif e.status == fin.EntryStatus.APPROVED:
                approved[e.number] = e
                assert e.approved_by not in (e.entered_by, e.handled_by)
        # entries are never removed
        assert [e.number for e in before] == [e.number for e in ledger.entries][
            : len(before)
        ]
        expected = sum(
            (fin.signed_amount(e) for e in ledger.entries if e.status == "approved"),
            D("0.00"),
        )
        assert ledger.balance() == expected


def test_replacing_an_approved_entry_is_impossible() -> None:
    ledger = fin.Ledger(THRESHOLD)
    e = ledger.enter(fin.EntryKind.INCOME, "10", by="t1")
    ledger.submit(e.number)
    ledger.decide(e.number, APPROVER, approve=True)
    with pytest.raises(ImmutableEntry):
        ledger._put(ledger.get(e.number))


@settings(max_examples=200, deadline=None)
@given(OPS, st.sampled_from(list(fin.EntryKind)), AMOUNTS)
def test_reversing_restores_the_balance(
    ops: list,  # type: ignore[type-arg]
    kind: fin.EntryKind,
    amount: Decimal,
) -> None:
    ledger = fin.Ledger(THRESHOLD)
    for op in ops:
        run(ledger, op)
    start = ledger.balance()
    e = ledger.enter(kind, amount, by="t1", handled_by="t2", category="office")
    ledger.submit(e.number)
    ledger.decide(e.number, ADVISOR, approve=True)
    assert ledger.balance() == start + fin.signed_amount(ledger.get(e.number))
    r = ledger.reverse(e.number, by="t2")
    assert ledger.balance() != start or kind == fin.EntryKind.BUDGET  # not yet
    ledger.submit(r.number)
    small = kind != fin.EntryKind.EXPENDITURE or amount <= THRESHOLD
    ledger.decide(r.number, approver("a1") if small else ADVISOR, approve=True)
    assert ledger.balance() == start
    assert ledger.get(e.number).status == fin.EntryStatus.APPROVED  # the original stays
