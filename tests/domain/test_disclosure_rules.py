"""TRN-1 and TRN-5 on the domain's registry, planted on both sides of each line: a rule
in force (a charter version or a published rule; repealed or still to come: none), one
item published in the last term that is over (2023-autumn on AS_OF 2024-06-30: from
2023-09-01 to 2024-02-29), an official account of the union's own verified by the audit
day and not closed. A registry that records no disclosure (a snapshot) is not judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, compliant, findings, only, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import Registry
from tongxue.domain.model.disclosure import (
    CHARTER,
    Disclosure,
    OfficialAccount,
    Published,
    RuleInForce,
)
from tongxue.domain.rules.disclosure import previous_term, term_end
from tongxue.domain.terms import Term

#: U with everything on record: nothing is reported.
FULL = Disclosure(
    rules=(RuleInForce("U", CHARTER, date(2020, 9, 1)),),
    published=(Published("U", "minutes", date(2023, 12, 1)),),
    accounts=(OfficialAccount("U", "U", "wechat", date(2021, 3, 1)),),
)


def registry(disclosure: Disclosure | None, *, profile: str = "gansu-2017") -> Registry:
    return replace(compliant(profile).build(), disclosure=disclosure)


def trn(reg: Registry) -> list[str]:
    return sorted(f.rule for f in findings(reg) if f.requirement in ("TRN-1", "TRN-5"))


def test_a_registry_without_disclosure_is_not_judged() -> None:
    assert compliant().build().disclosure is None
    assert rules(compliant(), "TRN-1") == [] and rules(compliant(), "TRN-5") == []


def test_a_union_with_everything_on_record_is_not_reported() -> None:
    assert trn(registry(FULL)) == []


def test_an_empty_record_reports_all_three_at_the_school_union_only() -> None:
    found = [
        f
        for f in findings(registry(Disclosure()))
        if f.requirement in ("TRN-1", "TRN-5")
    ]
    assert sorted((f.rule, f.organisation) for f in found) == [
        ("TRN-1.no-rules", "U"),
        ("TRN-1.nothing-published", "U"),
        ("TRN-5.no-verified-account", "U"),
    ]  # the department union D is not school-level: not judged
    assert all(f.severity == Severity.VIOLATION for f in found)


# -- TRN-1: rules in force ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "reported"),
    [
        (RuleInForce("U", CHARTER, AS_OF), False),  # adopted on the audit day
        (RuleInForce("U", CHARTER, date(2024, 7, 1)), True),  # the day after
        (RuleInForce("U", "working", date(2022, 1, 1)), False),  # a published rule
        # repealed on the audit day: no longer in force; the day after: still
        (RuleInForce("U", "finance", date(2022, 1, 1), AS_OF), True),
        (RuleInForce("U", "finance", date(2022, 1, 1), date(2024, 7, 1)), False),
        (RuleInForce("D", "working", date(2022, 1, 1)), True),  # another union's
    ],
)
def test_a_rule_in_force_on_the_audit_day(rule: RuleInForce, reported: bool) -> None:
    reg = registry(replace(FULL, rules=(rule,)))
    assert trn(reg) == (["TRN-1.no-rules"] if reported else [])


def test_no_rules_cites_the_plans_clause_with_its_evidence() -> None:
    f = only(registry(replace(FULL, rules=())), "TRN-1")
    assert (f.rule, f.severity, f.clauses) == (
        "TRN-1.no-rules",
        Severity.VIOLATION,
        ("GS-11",),
    )
    assert f.evidence == {"rules_in_force": 0}
    g = only(registry(replace(FULL, rules=()), profile="cqtgu-2017"), "TRN-1")
    assert g.clauses == ("CQ-6",)


# -- TRN-1: something published every term --------------------------------------------------


def test_the_term_judged_is_the_last_one_over() -> None:
    assert previous_term(AS_OF) == Term(2023, "autumn")
    assert term_end(Term(2023, "autumn")) == date(2024, 2, 29)
    assert previous_term(date(2024, 9, 1)) == Term(2024, "spring")
    assert term_end(Term(2024, "spring")) == date(2024, 8, 31)
    assert previous_term(date(2025, 2, 28)) == Term(2024, "spring")
    assert previous_term(date(2025, 3, 1)) == Term(2024, "autumn")


@pytest.mark.parametrize(
    ("day", "reported"),
    [
        (date(2023, 9, 1), False),  # the term's first day
        (date(2024, 2, 29), False),  # its last day
        (date(2023, 8, 31), True),  # the term before
        (date(2024, 3, 1), True),  # the term under way: not counted yet
    ],
)
def test_one_item_in_the_term_is_enough(day: date, reported: bool) -> None:
    reg = registry(replace(FULL, published=(Published("U", "rule", day),)))
    assert trn(reg) == (["TRN-1.nothing-published"] if reported else [])


def test_nothing_published_names_the_term_and_the_last_item() -> None:
    reg = registry(replace(FULL, published=(Published("U", "plan", date(2023, 5, 4)),)))
    f = only(reg, "TRN-1")
    assert f.rule == "TRN-1.nothing-published"
    assert f.clauses == ("GS-11",)
    assert f.evidence == {
        "term": "2023-autumn",
        "term_start": "2023-09-01",
        "term_end": "2024-02-29",
        "published_count": 0,
        "minimum": 1,
        "last_published": "2023-05-04",
    }


def test_a_stricter_profile_asks_for_more_items(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tongxue.domain.profiles import load_profile

    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        "[parameters.disclosure_entries_min_per_term]\nvalue = 2\n"
    )
    strict = load_profile(path)
    two = (
        Published("U", "plan", date(2023, 9, 10)),
        Published("U", "minutes", date(2023, 10, 10)),
    )
    one = two[:1]
    assert rules(registry(replace(FULL, published=two)), "TRN-1", profile=strict) == []
    assert rules(registry(replace(FULL, published=one)), "TRN-1", profile=strict) == [
        "TRN-1.nothing-published"
    ]


# -- TRN-5: a real-name verified account ----------------------------------------------------


@pytest.mark.parametrize(
    ("account", "reported"),
    [
        (OfficialAccount("U", "U", "weibo", AS_OF), False),  # verified on the audit day
        (OfficialAccount("U", "U", "weibo", date(2024, 7, 1)), True),  # the day after
        (OfficialAccount("U", "U", "weibo", None), True),  # not verified
        # closed on the audit day: not in use; the day after: still in use
        (OfficialAccount("U", "U", "weibo", date(2021, 1, 1), AS_OF), True),
        (OfficialAccount("U", "U", "weibo", date(2021, 1, 1), date(2024, 7, 1)), False),
        # a club's verified self-media is not the union's official account (TRN-6)
        (OfficialAccount("U", "CF", "douyin", date(2021, 1, 1)), True),
    ],
)
def test_a_verified_account_of_the_unions_own(
    account: OfficialAccount, reported: bool
) -> None:
    reg = registry(replace(FULL, accounts=(account,)))
    assert trn(reg) == (["TRN-5.no-verified-account"] if reported else [])


def test_no_verified_account_counts_the_accounts_in_use() -> None:
    accounts = (
        OfficialAccount("U", "U", "wechat", None),
        OfficialAccount("U", "U", "weibo", None, date(2023, 1, 1)),  # closed
        OfficialAccount("U", "CF", "douyin", date(2021, 1, 1)),
    )
    f = only(registry(replace(FULL, accounts=accounts)), "TRN-5")
    assert (f.rule, f.severity, f.clauses) == (
        "TRN-5.no-verified-account",
        Severity.VIOLATION,
        ("GS-11",),
    )
    assert f.evidence == {"official_accounts": 1, "verified_accounts": 0}
