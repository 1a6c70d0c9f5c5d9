"""The business of a congress and the standing conference: CON-7, CON-8, CON-10."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.builders import AS_OF, Builder, compliant, only, rules
from tongxue.domain import business as db
from tongxue.domain.findings import Refusal
from tongxue.domain.model import MeetingKind

FULL = ("work_report", "leadership", "charter_adoption", "opinions")


def _congress(b: Builder, **changes: Any) -> Builder:
    """Replace the compliant union's newest congress "C" with ``changes``."""
    b.meetings = [
        dataclasses.replace(m, **changes) if m.code == "C" else m for m in b.meetings
    ]
    return b


def _recorded(**changes: Any) -> Builder:
    base = {"agenda": FULL, "charter_in_force": True, "session": 6}
    return _congress(compliant(), **{**base, **changes})


# -- CON-7 audit ---------------------------------------------------------------------


def test_a_congress_with_its_whole_business_recorded_passes() -> None:
    assert rules(_recorded(), "CON-7") == []


def test_a_congress_without_a_recorded_agenda_is_judged_only_on_its_work_report() -> (
    None
):
    assert rules(compliant(), "CON-7") == []
    assert rules(_congress(compliant(), work_report=False), "CON-7") == [
        "CON-7.work-report"
    ]


def test_a_congress_that_did_not_review_the_work_report() -> None:
    f = only(_recorded(work_report=False), "CON-7")
    assert f.rule == "CON-7.work-report"
    assert f.evidence["congress"] == "C"
    assert f.clauses == ("GS-8",)


def test_a_new_session_without_electing_the_leadership() -> None:
    agenda = tuple(k for k in FULL if k != "leadership")
    assert rules(_recorded(agenda=agenda), "CON-7") == ["CON-7.leadership"]


def test_a_further_meeting_of_the_same_session_need_not_elect() -> None:
    agenda = tuple(k for k in FULL if k != "leadership")
    b = _recorded(agenda=agenda)
    b.meetings = [
        dataclasses.replace(m, session=6)
        if m.kind == MeetingKind.CONGRESS and m.code != "C" and m.organisation == "U"
        else m
        for m in b.meetings
    ]
    assert rules(b, "CON-7") == []


def test_the_term_ends_when_sessions_differ_or_are_unknown() -> None:
    from tongxue.domain.rules.business import term_ended

    b = compliant()
    c = next(m for m in b.meetings if m.code == "C")
    prev = dataclasses.replace(c, code="P", session=5)
    assert term_ended(dataclasses.replace(c, session=6), prev)
    assert not term_ended(dataclasses.replace(c, session=5), prev)
    assert term_ended(dataclasses.replace(c, session=None), prev)
    assert term_ended(c, None)


def test_a_union_without_a_charter() -> None:
    assert rules(_recorded(charter_in_force=False), "CON-7") == ["CON-7.charter"]


def test_a_congress_that_collected_no_opinions() -> None:
    agenda = tuple(k for k in FULL if k != "opinions")
    assert rules(_recorded(agenda=agenda), "CON-7") == ["CON-7.opinions"]


def test_a_congress_is_judged_the_day_after_it_opened() -> None:
    b = _recorded(work_report=False)
    opened = next(m.opened for m in b.meetings if m.code == "C")
    # On its opening day the newest congress held is the one before it (2020).
    on_the_day = rules(b, "CON-7", as_of=opened)
    assert "CON-7.work-report" in on_the_day  # the 2020 congress had no report
    assert rules(b, "CON-7", as_of=opened + timedelta(days=1)) == ["CON-7.work-report"]


def test_everything_missing_at_once() -> None:
    b = _recorded(agenda=("other",), work_report=False, charter_in_force=False)
    assert rules(b, "CON-7") == [
        "CON-7.charter",
        "CON-7.leadership",
        "CON-7.opinions",
        "CON-7.work-report",
    ]


def test_a_standing_conference_is_not_judged_as_a_congress() -> None:
    b = _recorded()
    b.meeting("U", MeetingKind.STANDING_CONFERENCE, AS_OF - timedelta(days=10))
    assert rules(b, "CON-7") == []


# -- CON-10 guard --------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(db.EXECUTIVE_KINDS))
def test_a_standing_conference_refuses_executive_work(kind: str) -> None:
    refusal = db.agenda_refusal("standing_conference", kind)
    assert refusal is not None
    assert refusal.code == "CON-10.executive-item"
    assert refusal.requirement == "CON-10"


@pytest.mark.parametrize("kind", sorted(db.STANDING_CONFERENCE_KINDS))
def test_a_standing_conference_holds_its_own_business(kind: str) -> None:
    assert db.agenda_refusal("standing_conference", kind) is None


@pytest.mark.parametrize("kind", ["charter_adoption", "charter_amendment", "opinions"])
def test_congress_business_is_refused_at_a_standing_conference(kind: str) -> None:
    refusal = db.agenda_refusal("standing_conference", kind)
    assert refusal is not None and refusal.code == "CON-10.congress-business"
    assert db.agenda_refusal("congress", kind) is None


def test_an_unknown_kind_is_invalid() -> None:
    refusal = db.agenda_refusal("congress", "party")
    assert refusal is not None and refusal.code == "invalid"


# -- CON-8 guard ---------------------------------------------------------------------


def _standing(**kw: Any) -> Refusal | None:
    args: dict[str, Any] = {
        "person": "p1",
        "department": "D1",
        "person_department": "D1",
        "congress": "C",
        "congress_delegates": {"p1", "p2"},
    }
    return db.standing_delegate_refusal(**{**args, **kw})


def test_a_department_recommends_its_own_congress_delegate() -> None:
    assert _standing() is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"person": "p9"}, "CON-8.not-a-delegate"),
        ({"person_department": "D2"}, "CON-8.other-department"),
        ({"person_department": None}, "CON-8.other-department"),
        ({"congress": None}, "CON-8.no-congress"),
    ],
)
def test_standing_delegate_refusals_cite_con_8(
    changes: dict[str, Any], code: str
) -> None:
    refusal = _standing(**changes)
    assert refusal is not None and refusal.code == code
    assert refusal.requirement == "CON-8" and refusal.clauses == ("GS-8", "CQ-3")


# -- votes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "passed"),
    [(4, 3, 0, True), (3, 3, 0, False), (3, 2, 1, False), (4, 2, 1, True)],
)
def test_more_than_half_of_the_votes_cast(
    yes: int, no: int, abstain: int, passed: bool
) -> None:
    r = db.vote_result(
        yes=yes, no=no, abstain=abstain, method="votes_cast", delegates=0
    )
    assert (r.passed, r.base) == (passed, yes + no + abstain)


@pytest.mark.parametrize(("yes", "passed"), [(5, False), (6, True)])
def test_two_thirds_of_nine_delegates_is_six(yes: int, passed: bool) -> None:
    r = db.vote_result(
        yes=yes, no=0, abstain=0, method="delegates_two_thirds", delegates=9
    )
    assert (r.passed, r.base) == (passed, 9)


@pytest.mark.parametrize(("yes", "passed"), [(5, False), (6, True)])
def test_more_than_half_of_ten_delegates_is_six(yes: int, passed: bool) -> None:
    r = db.vote_result(
        yes=yes, no=0, abstain=0, method="delegates_majority", delegates=10
    )
    assert r.passed is passed


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"method": "delegates_majority", "delegates": 0}, "no-delegates"),
        ({"method": "delegates_majority", "delegates": 2}, "too-many-votes"),
        ({"method": "votes_cast", "yes": 0, "no": 0, "abstain": 0}, "invalid"),
        ({"method": "acclamation"}, "invalid"),
        ({"method": "votes_cast", "no": -1}, "invalid"),
    ],
)
def test_impossible_votes_are_refused(kw: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"yes": 2, "no": 1, "abstain": 0, "delegates": 10}
    with pytest.raises(Refusal) as info:
        db.vote_result(**{**args, **kw})
    assert info.value.code == code


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_votes_cast_majority_is_exactly_more_than_half(
    yes: int, no: int, ab: int
) -> None:
    if yes + no + ab == 0:
        return
    r = db.vote_result(yes=yes, no=no, abstain=ab, method="votes_cast", delegates=0)
    assert r.passed == (Fraction(yes, yes + no + ab) > Fraction(1, 2))


# -- charter diff --------------------------------------------------------------------


def test_the_diff_marks_changed_lines_with_their_numbers() -> None:
    old = "第一条 名称\n第二条 宗旨\n第三条 机构"
    new = "第一条 名称\n第二条 新宗旨\n第三条 机构\n第四条 附则"
    lines = db.charter_diff(old, new)
    assert [(d.op, d.old_number, d.new_number) for d in lines] == [
        ("=", 1, 1),
        ("-", 2, None),
        ("+", None, 2),
        ("=", 3, 3),
        ("+", None, 4),
    ]
    assert db.diff_stats(lines) == (2, 1)


@given(
    st.lists(st.text(max_size=5), max_size=8), st.lists(st.text(max_size=5), max_size=8)
)
def test_the_diff_rebuilds_both_texts(a: list[str], b: list[str]) -> None:
    old, new = (
        "\n".join(x.replace("\n", "") for x in a),
        "\n".join(x.replace("\n", "") for x in b),
    )
    lines = db.charter_diff(old, new)
    assert [d.text for d in lines if d.op != "+"] == old.splitlines()
    assert [d.text for d in lines if d.op != "-"] == new.splitlines()
