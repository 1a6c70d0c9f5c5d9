"""ORG-14 on the domain's registry (GS-6, GS-14, CQ-1, CQ-9): a club activity held
without an approving review before it began is a violation; an active club with fewer
than ``club_activities_min_per_term`` approved activities in the last finished term is a
deviation (both sides of each threshold); a registry without club records (a snapshot)
or a union without clubs is not judged. And the activity's lifecycle (pure Python)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.domain.builders import compliant, findings, only, rules
from tongxue.domain.clubs import (
    ACTIVITY,
    EDITABLE,
    ActivityStatus,
    decision_refusal,
    may_submit,
)
from tongxue.domain.findings import Severity
from tongxue.domain.model import Registry
from tongxue.domain.model.clubs import ClubActivity, Clubs, RegisteredClub
from tongxue.domain.rule_ids import DEVIATIONS

S = ActivityStatus
#: AS_OF is 2024-06-30: the term judged is 2023-autumn (2023-09-01 to 2024-02-29).
TERM_START = date(2023, 9, 1)
TERM_END = date(2024, 2, 29)
CHESS = RegisteredClub("U", "C1", "棋艺社", date(2023, 3, 1))


def at(day: date, hour: int = 14) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def act(
    ref: str,
    day: date,
    status: str = S.HELD,
    approved: datetime | str | None = "before",
    club: str = "C1",
) -> ClubActivity:
    starts = at(day)
    when = at(day, 9) if approved == "before" else approved
    assert not isinstance(when, str)
    return ClubActivity("U", club, ref, starts, status, when)


def registry(clubs: Clubs | None, profile: str = "gansu-2017") -> Registry:
    return replace(compliant(profile).build(), clubs=clubs)


def test_a_registry_without_clubs_or_a_union_without_clubs_is_not_judged() -> None:
    assert compliant().build().clubs is None
    assert rules(compliant(), "ORG-14") == []
    assert rules(registry(Clubs()), "ORG-14") == []


def test_a_club_active_in_the_term_with_reviewed_activities_is_not_reported() -> None:
    clubs = Clubs(clubs=(CHESS,), activities=(act("A1", date(2023, 10, 8)),))
    assert rules(registry(clubs), "ORG-14") == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_an_activity_held_without_approval_is_a_violation(profile: str) -> None:
    clubs = Clubs(
        clubs=(CHESS,),
        activities=(
            act("A1", date(2023, 10, 8)),
            act("A2", date(2023, 11, 5), approved=None),
            # approved only after it began: not reviewed before it was held
            act("A3", date(2023, 12, 3), approved=at(date(2023, 12, 3), 15)),
            # approved at the minute it began: in time
            act("A4", date(2023, 12, 10), approved=at(date(2023, 12, 10), 14)),
        ),
    )
    f = only(registry(clubs, profile), "ORG-14")
    assert (f.rule, f.organisation, f.severity) == (
        "ORG-14.unreviewed-activity",
        "U",
        Severity.VIOLATION,
    )
    assert f.evidence == {
        "unreviewed_count": 2,
        "first_unreviewed": "2023-11-05",
        "unreviewed_activities": ["A2", "A3"],
    }
    assert set(f.clauses) <= {"GS-6", "GS-14", "CQ-1", "CQ-9"}
    assert {c.split("-")[0] for c in f.clauses} == (
        {"GS"} if profile == "gansu-2017" else {"CQ"}
    )


def test_an_approved_activity_still_to_come_is_not_unreviewed() -> None:
    clubs = Clubs(
        clubs=(CHESS,),
        activities=(
            act("A1", date(2023, 10, 8)),
            act("A2", date(2024, 7, 2), status=S.APPROVED, approved=None),
        ),
    )
    assert rules(registry(clubs), "ORG-14") == []


def test_a_club_without_an_approved_activity_in_the_term_is_a_deviation() -> None:
    go = RegisteredClub("U", "C2", "围棋社", date(2023, 3, 1))
    clubs = Clubs(
        clubs=(CHESS, go),
        activities=(
            # the first and last day of the term count
            act("A1", TERM_START),
            act("A2", TERM_END, club="C2", status=S.APPROVED),
        ),
    )
    assert rules(registry(clubs), "ORG-14") == []
    # outside the term (a day before, a day after): not counted
    late = Clubs(
        clubs=(CHESS, go),
        activities=(act("A1", TERM_START), act("A2", date(2024, 3, 1), club="C2")),
    )
    f = only(registry(late), "ORG-14")
    assert (f.rule, f.severity) == ("ORG-14.inactive-club", Severity.DEVIATION)
    assert f.evidence == {
        "term": "2023-autumn",
        "term_start": "2023-09-01",
        "term_end": "2024-02-29",
        "clubs_judged": 2,
        "inactive_count": 1,
        "minimum": 1,
        "inactive_clubs": ["C2 围棋社"],
    }
    assert f.clauses == ("GS-14",)


def test_the_minimum_per_term_both_sides(tmp_path: Path) -> None:
    from tongxue.domain.profiles import load_profile

    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        "[parameters.club_activities_min_per_term]\nvalue = 2\n"
    )
    strict = load_profile(path)
    two = Clubs(
        clubs=(CHESS,),
        activities=(act("A1", date(2023, 10, 8)), act("A2", date(2023, 11, 8))),
    )
    one = replace(two, activities=two.activities[:1])
    assert rules(registry(two), "ORG-14", profile=strict) == []
    assert rules(registry(one), "ORG-14", profile=strict) == ["ORG-14.inactive-club"]
    # the built-in profiles ask for one: one is regular, none is not
    assert rules(registry(one), "ORG-14") == []
    none = replace(two, activities=())
    assert rules(registry(none), "ORG-14") == ["ORG-14.inactive-club"]


def test_only_approved_or_held_activities_count() -> None:
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED, S.CANCELLED):
        clubs = Clubs(
            clubs=(CHESS,), activities=(act("A1", date(2023, 10, 8), status=status),)
        )
        assert rules(registry(clubs), "ORG-14") == ["ORG-14.inactive-club"], status


def test_clubs_not_judged_suspended_dissolved_or_registered_in_the_term() -> None:
    clubs = Clubs(
        clubs=(
            replace(CHESS, status="suspended"),
            RegisteredClub("U", "C2", "围棋社", date(2023, 3, 1), "dissolved"),
            # registered on the term's first day: judged; a day later: not
            RegisteredClub("U", "C3", "桥牌社", TERM_START),
            RegisteredClub("U", "C4", "象棋社", date(2023, 9, 2)),
        )
    )
    f = only(registry(clubs), "ORG-14")
    assert f.evidence["inactive_clubs"] == ["C3 桥牌社"]
    assert f.evidence["clubs_judged"] == 1


def test_the_inactive_club_deviation_can_be_justified() -> None:
    assert "ORG-14.inactive-club" in DEVIATIONS
    assert "ORG-14.unreviewed-activity" not in DEVIATIONS
    b = compliant()
    b.justify("U", "ORG-14.inactive-club")
    b.justify("U", "ORG-14.unreviewed-activity")
    clubs = Clubs(
        clubs=(CHESS,), activities=(act("A1", date(2024, 3, 9), approved=None),)
    )
    by_rule = {f.rule: f for f in findings(replace(b.build(), clubs=clubs), "ORG-14")}
    assert by_rule["ORG-14.inactive-club"].justified
    assert not by_rule["ORG-14.unreviewed-activity"].justified
    assert by_rule["ORG-14.unreviewed-activity"].is_problem


# ----------------------------------------------------------------------- lifecycle


def test_the_activity_lifecycle() -> None:
    assert ACTIVITY.initial == S.DRAFT
    assert ACTIVITY.can(S.DRAFT, S.SUBMITTED)
    assert set(ACTIVITY.allowed(S.SUBMITTED)) == {S.APPROVED, S.RETURNED, S.REJECTED}
    # a returned activity is resubmitted; a rejected one is final
    assert ACTIVITY.can(S.RETURNED, S.SUBMITTED)
    assert ACTIVITY.is_final(S.REJECTED)
    # only an approved activity is held; held and cancelled are final
    assert ACTIVITY.sources(S.HELD) == (S.APPROVED,)
    assert ACTIVITY.is_final(S.HELD) and ACTIVITY.is_final(S.CANCELLED)
    assert not ACTIVITY.can(S.DRAFT, S.APPROVED)
    assert ACTIVITY.refusal(S.REJECTED, S.SUBMITTED) is not None
    assert {S.DRAFT, S.RETURNED} == EDITABLE


def test_reasons_are_required_to_return_or_reject() -> None:
    assert decision_refusal(S.APPROVED, "") is None
    for decision in (S.RETURNED, S.REJECTED):
        refusal = decision_refusal(decision, "  ")
        assert refusal is not None and refusal.field == "reasons"
        assert decision_refusal(decision, "外请嘉宾未报备") is None
    assert decision_refusal(S.HELD, "x") is not None
    assert decision_refusal(S.RETURNED, "长" * 2001) is not None
    assert may_submit("active") and not may_submit("suspended")
