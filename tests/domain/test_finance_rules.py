"""TRN-4 on the domain's registry (GS-14, CQ-9): a term's finances not disclosed, an
expenditure not approved in time (both sides of ``finance_approval_days``), an entry
approved by who entered it or handles its money; a registry without finance records
(a snapshot) is not judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import Registry
from tongxue.domain.model.finances import (
    FinanceDisclosure,
    Finances,
    PendingSpending,
    SelfApproval,
)
from tongxue.domain.rules.finances import last_finished_term
from tongxue.domain.terms import term_of

#: AS_OF is 2024-06-30, in the spring term of 2024: the term judged is 2023-autumn.
JUDGED = "2023-autumn"
DAYS = 30
EDGE = AS_OF - timedelta(days=DAYS)  # exactly 30 days before: in time
LATE = EDGE - timedelta(days=1)

FULL = Finances(
    disclosures=(FinanceDisclosure("U", JUDGED, date(2024, 3, 5)),),
)


def registry(finances: Finances | None, profile: str = "gansu-2017") -> Registry:
    return replace(compliant(profile).build(), finances=finances)


def test_the_judged_term() -> None:
    assert last_finished_term(term_of(AS_OF)).code == JUDGED
    assert last_finished_term(term_of(date(2024, 10, 1))).code == "2024-spring"
    assert last_finished_term(term_of(date(2025, 1, 15))).code == "2024-spring"


def test_a_registry_without_finances_is_not_judged() -> None:
    assert compliant().build().finances is None
    assert rules(compliant(), "TRN-4") == []


def test_a_union_that_disclosed_and_approved_everything_is_not_reported() -> None:
    assert rules(registry(FULL), "TRN-4") == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_no_disclosure_of_the_last_term_is_a_violation(profile: str) -> None:
    earlier = Finances(
        disclosures=(FinanceDisclosure("U", "2023-spring", date(2023, 9, 2)),)
    )
    f = only(registry(earlier, profile), "TRN-4")
    assert (f.rule, f.organisation, f.severity) == (
        "TRN-4.no-disclosure",
        "U",
        Severity.VIOLATION,
    )
    assert f.evidence == {"finance_term": JUDGED, "last_disclosure": "2023-spring"}
    assert f.clauses == (("GS-14",) if profile == "gansu-2017" else ("CQ-9",))
    # the term under way is not judged: a disclosure of it does not replace the last
    now = Finances(disclosures=(FinanceDisclosure("U", "2024-spring", AS_OF),))
    assert rules(registry(now), "TRN-4") == ["TRN-4.no-disclosure"]
    # only school-level unions are judged (D, a department union, is not)
    assert {x.organisation for x in findings(registry(Finances()), "TRN-4")} == {"U"}


def test_spending_not_approved_in_time() -> None:
    on_edge = replace(FULL, pending=(PendingSpending("U", "2023-4", EDGE),))
    assert rules(registry(on_edge), "TRN-4") == []
    late = replace(
        FULL,
        pending=(
            PendingSpending("U", "2023-4", EDGE),
            PendingSpending("U", "2023-3", LATE),
            PendingSpending("U", "2023-1", date(2024, 1, 2)),
        ),
    )
    f = only(registry(late), "TRN-4")
    assert f.rule == "TRN-4.unapproved-spending"
    assert f.evidence == {
        "unapproved_spending": 2,
        "oldest_unapproved": "2024-01-02",
        "max_days_unapproved": DAYS,
        "unapproved_entries": ["2023-1", "2023-3"],
    }
    assert f.clauses == ("GS-14",)


def test_an_entry_approved_by_its_enterer_or_spender() -> None:
    own = replace(FULL, self_approvals=(SelfApproval("U", "2023-7", date(2024, 2, 1)),))
    f = only(registry(own), "TRN-4")
    assert (f.rule, f.evidence) == (
        "TRN-4.self-approved",
        {"self_approved_entries": ["2023-7"]},
    )
    after = replace(
        FULL, self_approvals=(SelfApproval("U", "2023-8", AS_OF + timedelta(days=1)),)
    )
    assert rules(registry(after), "TRN-4") == []
