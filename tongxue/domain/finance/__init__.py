"""A union's ledger as pure Python (TRN-4 · GS-14, CQ-9): amounts, kinds, the entry's
lifecycle, who may approve it, balances and budget against actual.

"学校团组织要指导学生会组织进一步规范财务制度，健全经费执行的公开和监督机制" (GS-14;
CQ-9: 校团委). The Django app ``tongxue.finances`` stores the rows; every check a write
needs is a function here, so the rules are tested without a database (and with
hypothesis: :mod:`tests.domain.test_finance_ledger`).
"""

from tongxue.domain.finance.ledger import (
    ENTRY,
    MAX_AMOUNT,
    AmountError,
    Approver,
    BudgetLine,
    Category,
    EntryFacts,
    EntryKind,
    EntryStatus,
    IncomeSource,
    Ledger,
    approval_refusal,
    balance,
    budget_against_actual,
    mask_name,
    parse_amount,
    reversal_refusal,
    signed_amount,
    term_bounds,
    year_bounds,
)

__all__ = [
    "ENTRY",
    "MAX_AMOUNT",
    "AmountError",
    "Approver",
    "BudgetLine",
    "Category",
    "EntryFacts",
    "EntryKind",
    "EntryStatus",
    "IncomeSource",
    "Ledger",
    "approval_refusal",
    "balance",
    "budget_against_actual",
    "mask_name",
    "parse_amount",
    "reversal_refusal",
    "signed_amount",
    "term_bounds",
    "year_bounds",
]
