"""Counting by the election method (ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7).

Each rule of ``../shared/spec/election-rules.md`` on both sides, and the worked tally
published by a university as a golden case.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from tongxue.domain.counting import (
    BallotForm,
    CountingError,
    Denominator,
    ElectionMethod,
    NextStep,
    Tally,
    TiePolicy,
    ballot_void_reason,
    count,
    count_tally,
    margin_refusal,
    passes,
    required_candidates,
    tally,
)

YNA = BallotForm.YES_NO_ABSTAIN


def marks(*names: str, of: str = "ABCDEFGHI") -> dict[str, str]:
    """A marks-form ballot marking ``names`` among the candidates ``of``."""
    return {c: "1" if c in names else "0" for c in of}


def votes(counts: dict[str, int], *, candidates: str) -> list[dict[str, str]]:
    """One single-mark ballot per vote."""
    out = []
    for name, n in counts.items():
        out.extend(marks(name, of=candidates) for _ in range(n))
    return out


# -- the election method ---------------------------------------------------------------


def test_defaults_follow_election_rules():
    m = ElectionMethod(seats=7)
    assert m.form is BallotForm.MARKS
    assert (m.quorum, m.quorum_strict) == (Fraction(2, 3), True)
    assert (m.threshold, m.threshold_strict) == (Fraction(1, 2), True)
    assert m.denominator is Denominator.PRESENT
    assert m.compare_returned_with == "issued"
    assert m.tie is TiePolicy.REVOTE
    assert (m.margin, m.margin_round_up, m.uncontested_allowed) == (
        Fraction(1, 5),
        True,
        False,
    )


def test_method_round_trips_through_json():
    m = ElectionMethod(
        seats=3,
        form=YNA,
        threshold=Fraction(2, 3),
        denominator=Denominator.VALID,
        tie=TiePolicy.EMPTY,
        compare_returned_with="present",
        quorum=Fraction(4, 5),
        quorum_strict=False,
    )
    data = json.loads(json.dumps(m.to_dict()))
    assert data["threshold"] == "2/3" and data["form"] == "yes-no-abstain"
    assert ElectionMethod.from_dict(data) == m
    assert ElectionMethod.from_dict({"seats": 2}) == ElectionMethod(seats=2)


@pytest.mark.parametrize(
    "data",
    [
        {"seats": 0},
        {"seats": 2, "threshold": "3/2"},
        {"seats": 2, "threshold": 0.5},
        {"seats": 2, "threshold": "half"},
        {"seats": 2, "form": "ranked"},
        {"seats": 2, "compare_returned_with": "entitled"},
        {"seats": 2, "colour": "red"},
        {"seats": 2, "quorum_strict": "yes"},
        {},
    ],
)
def test_bad_methods_are_refused(data):
    with pytest.raises(CountingError):
        ElectionMethod.from_dict(data)


def test_the_joint_nomination_minimum_is_part_of_the_method():
    assert ElectionMethod(seats=2).joint_nominators == 2
    m = ElectionMethod.from_dict({"seats": 2, "joint_nominators": 3})
    data = json.loads(json.dumps(m.to_dict()))
    assert data["joint_nominators"] == 3
    assert ElectionMethod.from_dict(data) == m


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "The minimum number of joint nominators must be at least 1, not 0."),
        (-2, "The minimum number of joint nominators must be at least 1, not -2."),
        ("3", "The minimum number of joint nominators must be a whole number."),
        (2.0, "The minimum number of joint nominators must be a whole number."),
        (True, "The minimum number of joint nominators must be a whole number."),
    ],
)
def test_a_joint_nomination_minimum_below_one_is_refused(value, text):
    with pytest.raises(CountingError) as exc:
        ElectionMethod.from_dict({"seats": 2, "joint_nominators": value})
    assert exc.value.message.render() == text


# -- 差额 margin ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "up", "expected"),
    [
        (7, True, 9),
        (7, False, 8),
        (5, True, 6),
        (10, True, 12),
        (1, True, 2),
        (4, False, 4),
    ],
)
def test_required_candidates_rounds_as_the_method_says(seats, up, expected):
    method = ElectionMethod(seats=seats, margin_round_up=up)
    assert required_candidates(method) == expected


def test_uncontested_election_needs_only_the_seats():
    assert required_candidates(ElectionMethod(seats=7, uncontested_allowed=True)) == 7


def test_margin_refusal_on_both_sides():
    method = ElectionMethod(seats=7)
    refusal = margin_refusal(method, 8)
    assert refusal is not None
    assert refusal.code == "ELE-4.margin" and refusal.requirement == "ELE-4"
    assert refusal.message.params["needed"] == 9
    assert "9" in str(refusal) and "8" in str(refusal)
    assert margin_refusal(method, 9) is None


# -- thresholds ----------------------------------------------------------------------


def test_exactly_half_fails_when_strict_and_passes_when_not():
    half = Fraction(1, 2)
    assert not passes(50, threshold=half, strict=True, base=100)
    assert passes(51, threshold=half, strict=True, base=100)
    assert passes(50, threshold=half, strict=False, base=100)
    assert not passes(49, threshold=half, strict=False, base=100)


def test_two_thirds_is_exact():
    two_thirds = Fraction(2, 3)
    assert not passes(368, threshold=two_thirds, strict=True, base=553)  # 368.67
    assert passes(369, threshold=two_thirds, strict=True, base=553)
    assert not passes(200, threshold=two_thirds, strict=True, base=300)
    assert passes(200, threshold=two_thirds, strict=False, base=300)


def test_exactly_half_of_present_is_not_elected():
    method = ElectionMethod(seats=1, uncontested_allowed=True)
    ballots = [marks("A", of="AB")] * 5 + [marks("B", of="AB")] * 5
    result = count("AB", ballots, method=method, present=10, entitled=12)
    assert result.elected == ()
    assert [c.elected for c in result.candidates] == [False, False]
    ballots = [marks("A", of="AB")] * 6 + [marks("B", of="AB")] * 4
    result = count("AB", ballots, method=method, present=10, entitled=12)
    assert result.elected == ("A",) and result.next_step is None and result.certified


@pytest.mark.parametrize(
    ("denominator", "elected"),
    [
        (Denominator.VALID, ("A",)),
        (Denominator.PRESENT, ()),
        (Denominator.ENTITLED, ()),
    ],
)
def test_denominator_changes_the_outcome(denominator, elected):
    # 6 yes of 10 valid ballots; 12 present; 14 entitled.
    ballots = [marks("A", of="AB")] * 6 + [marks("B", of="AB")] * 4
    method = ElectionMethod(seats=1, denominator=denominator)
    result = count("AB", ballots, method=method, present=12, entitled=14, issued=12)
    assert result.elected == elected


def test_entitled_denominator_needs_the_number_entitled():
    method = ElectionMethod(seats=1, denominator=Denominator.ENTITLED)
    with pytest.raises(CountingError):
        count("AB", [marks("A", of="AB")], method=method, present=1)


# -- quorum --------------------------------------------------------------------------


def test_quorum_on_both_sides():
    method = ElectionMethod(seats=1)
    ballots = [marks("A", of="AB")] * 8
    # 2/3 of 12 is 8: strict, so 8 present is not enough; 9 is.
    short = count("AB", ballots, method=method, present=8, entitled=12)
    assert not short.quorum_met and not short.valid
    assert short.next_step == NextStep("revote-all", ("A", "B"), 1)
    assert short.elected == () and short.unfilled == 1
    enough = count("AB", ballots, method=method, present=9, entitled=12)
    assert enough.quorum_met and enough.valid and enough.elected == ("A",)
    loose = ElectionMethod(seats=1, quorum_strict=False)
    assert count("AB", ballots, method=loose, present=8, entitled=12).quorum_met


def test_youth_league_branch_quorum_of_four_fifths():
    method = ElectionMethod(seats=1, quorum=Fraction(4, 5))
    ballots = [marks("A", of="AB")] * 8
    assert not count("AB", ballots, method=method, present=8, entitled=10).quorum_met
    assert count("AB", ballots, method=method, present=9, entitled=10).quorum_met


def test_present_cannot_exceed_entitled():
    with pytest.raises(CountingError):
        count("AB", [], method=ElectionMethod(seats=1), present=11, entitled=10)


# -- valid ballot --------------------------------------------------------------------


def test_marks_up_to_seats_valid_one_more_void():
    method = ElectionMethod(seats=2)
    assert ballot_void_reason(marks("A", "B", of="ABC"), "ABC", method) is None
    assert (
        ballot_void_reason(marks("A", "B", "C", of="ABC"), "ABC", method)
        == "too-many-marks"
    )


def test_yes_no_abstain_ballots():
    method = ElectionMethod(seats=1, form=YNA)
    assert ballot_void_reason({"A": "Y", "B": "N"}, "AB", method) is None
    assert ballot_void_reason({"A": "y ", "B": "a"}, "AB", method) is None
    assert ballot_void_reason({"A": "Y", "B": "Y"}, "AB", method) == "too-many-marks"
    assert ballot_void_reason({"A": "YN", "B": ""}, "AB", method) == "bad-mark"
    assert ballot_void_reason({"A": "1"}, "AB", method) == "bad-mark"
    assert ballot_void_reason({"A": "Y", "Z": "N"}, "AB", method) == "unknown-candidate"


def test_marks_form_rejects_other_marks():
    method = ElectionMethod(seats=1)
    assert ballot_void_reason({"A": "Y"}, "AB", method) == "bad-mark"
    assert ballot_void_reason({"A": "2"}, "AB", method) == "bad-mark"
    assert ballot_void_reason({"A": "", "B": "0"}, "AB", method) is None


def test_blank_ballot_is_valid_by_default_and_void_when_the_method_says():
    blank = {"A": "", "B": ""}
    assert ballot_void_reason(blank, "AB", ElectionMethod(seats=1)) is None
    strict = ElectionMethod(seats=1, blank_void=True)
    assert ballot_void_reason(blank, "AB", strict) == "blank"
    assert ballot_void_reason({"A": "0", "B": "0"}, "AB", strict) == "blank"


def test_tally_counts_void_ballots_with_reasons_and_no_and_abstain():
    method = ElectionMethod(seats=1, form=YNA)
    ballots = [
        {"A": "Y", "B": "N"},
        {"A": "N", "B": ""},
        {"A": "A", "B": "Y"},
        {"A": "Y", "B": "Y"},  # too many
        {"A": "X", "B": ""},  # bad mark
    ]
    t = tally("AB", ballots, method, issued=6)
    assert (t.issued, t.returned, t.valid, t.void) == (6, 5, 3, 2)
    assert t.void_reasons == {"bad-mark": 1, "too-many-marks": 1}
    assert dict(t.yes) == {"A": 1, "B": 1}
    assert dict(t.no) == {"A": 1, "B": 1}
    assert dict(t.abstain) == {"A": 1, "B": 1}


def test_marks_form_counts_unmarked_as_no_and_never_abstain():
    t = tally(
        "ABC",
        [marks("A", of="ABC"), marks(of="ABC")],
        ElectionMethod(seats=1),
        issued=None,
    )
    assert dict(t.yes) == {"A": 1, "B": 0, "C": 0}
    assert dict(t.no) == {"A": 1, "B": 2, "C": 2}
    assert dict(t.abstain) == {"A": 0, "B": 0, "C": 0}


# -- valid election ------------------------------------------------------------------


def test_returned_more_than_issued_voids_the_whole_vote():
    method = ElectionMethod(seats=1)
    ballots = [marks("A", of="AB")] * 10
    fine = count("AB", ballots, method=method, present=11, issued=10)
    assert fine.valid and fine.elected == ("A",)
    void = count("AB", ballots, method=method, present=11, issued=9)
    assert not void.valid and void.quorum_met
    assert void.elected == () and void.unfilled == 1
    assert void.next_step == NextStep("revote-all", ("A", "B"), 1)
    assert not void.certified


def test_returned_compared_with_present_when_the_method_says():
    method = ElectionMethod(seats=1, compare_returned_with="present")
    ballots = [marks("A", of="AB")] * 10
    assert count("AB", ballots, method=method, present=10, issued=9).valid
    assert not count("AB", ballots, method=method, present=9, issued=20).valid


def test_without_issued_returned_is_compared_with_present():
    ballots = [marks("A", of="AB")] * 10
    assert count("AB", ballots, method=ElectionMethod(seats=1), present=10).valid
    assert not count("AB", ballots, method=ElectionMethod(seats=1), present=9).valid


# -- more pass than seats; ties ------------------------------------------------------


def test_highest_yes_take_the_seats_when_more_pass():
    method = ElectionMethod(seats=2, denominator=Denominator.VALID)
    ballots = (
        [marks("A", "B", of="ABC")] * 5
        + [marks("A", "C", of="ABC")] * 4
        + [marks("B", "C", of="ABC")] * 1
    )
    # A 9, B 6, C 5 of 10 valid: all three pass (> 5? C has exactly 5: fails).
    result = count("ABC", ballots, method=method, present=10)
    assert result.elected == ("A", "B") and result.next_step is None
    ballots.append(marks("C", of="ABC"))  # C 6, B 6 of 11: > 5.5, all pass; tie
    result = count("ABC", ballots, method=method, present=11)
    assert result.elected == ("A",)
    assert result.next_step == NextStep("tie-revote", ("B", "C"), 1)
    assert result.unfilled == 1 and not result.certified


def test_no_tie_when_the_next_one_has_fewer():
    method = ElectionMethod(seats=1, denominator=Denominator.VALID)
    ballots = votes({"A": 6}, candidates="ABC") + [marks("A", "B", of="ABC")] * 0
    result = count(
        "ABC",
        ballots,
        method=ElectionMethod(seats=2, denominator=Denominator.VALID),
        present=6,
    )
    assert result.elected == ("A",)
    assert count("ABC", ballots, method=method, present=6).elected == ("A",)


def test_tie_at_the_last_seat_left_empty_when_the_method_says():
    method = ElectionMethod(seats=2, denominator=Denominator.VALID, tie=TiePolicy.EMPTY)
    ballots = (
        [marks("A", "B", of="ABC")] * 4
        + [marks("A", "C", of="ABC")] * 4
        + [marks("A", of="ABC")] * 2
    )
    # A 10, B 4, C 4 of 10 valid: only A passes (> 5) -> supplementary, not a tie.
    result = count("ABC", ballots, method=method, present=10)
    assert result.elected == ("A",) and result.next_step is not None
    assert result.next_step.kind == "supplementary"
    # A 8, B 6, C 6 of 10 valid: all pass; B and C tie for the second seat.
    ballots = (
        [marks("A", "B", of="ABC")] * 4
        + [marks("A", "C", of="ABC")] * 4
        + [marks("B", "C", of="ABC")] * 2
    )
    result = count("ABC", ballots, method=method, present=10)
    assert result.elected == ("A",)
    assert result.next_step is None and result.unfilled == 1 and result.certified


def test_three_way_tie_for_two_seats():
    method = ElectionMethod(seats=2, denominator=Denominator.VALID)
    ballots = (
        [marks("A", "B", of="ABCD")] * 2
        + [marks("B", "C", of="ABCD")] * 2
        + [marks("A", "C", of="ABCD")] * 2
    )
    result = count("ABCD", ballots, method=method, present=6)
    assert result.elected == ()
    assert result.next_step == NextStep("tie-revote", ("A", "B", "C"), 2)
    assert result.unfilled == 2


# -- fewer pass than seats: supplementary election -----------------------------------


def seven_seats() -> tuple[str, list[dict[str, str]]]:
    """9 candidates for 7 seats, 20 voters present; 5 pass (> 10 yes)."""
    names = "ABCDEFGHI"
    yes = {"A": 18, "B": 16, "C": 15, "D": 12, "E": 11, "F": 10, "G": 9, "H": 7, "I": 3}
    ballots = [{c: "0" for c in names} for _ in range(20)]
    at = 0  # deal the marks round the ballots: at most 6 on any ballot
    for name, n in yes.items():
        for _ in range(n):
            ballots[at % 20][name] = "1"
            at += 1
    assert all(sum(v == "1" for v in b.values()) <= 7 for b in ballots)
    return names, ballots


def test_fewer_pass_leads_to_supplementary_with_the_same_margin():
    names, ballots = seven_seats()
    result = count(names, ballots, method=ElectionMethod(seats=7), present=20)
    assert result.elected == ("A", "B", "C", "D", "E")
    assert result.unfilled == 2
    # 2 seats need ceil(2 × 1.2) = 3 candidates, the best of the unelected.
    assert result.next_step == NextStep("supplementary", ("F", "G", "H"), 2)
    assert result.valid and not result.certified


def test_then_the_supplementary_round_is_counted_as_an_election_for_k_seats():
    names, ballots = seven_seats()
    first = count(names, ballots, method=ElectionMethod(seats=7), present=20)
    step = first.next_step
    assert step is not None and step.kind == "supplementary"
    method = ElectionMethod(seats=step.seats)
    assert margin_refusal(method, len(step.candidates)) is None
    second_ballots = (
        votes({"F": 8, "G": 3}, candidates="FGH") + [marks("F", "H", of="FGH")] * 9
    )
    second = count(step.candidates, second_ballots, method=method, present=20)
    # F 17, H 9, G 3 of 20 present: only F passes; 1 seat left -> 2 candidates.
    assert second.elected == ("F",)
    assert second.next_step == NextStep("supplementary", ("H", "G"), 1)


def test_supplementary_takes_everyone_tied_at_the_cut():
    method = ElectionMethod(seats=2, uncontested_allowed=False)
    ballots = [marks("A", of="ABCD")] * 6 + [
        marks("B", of="ABCD"),
        marks("C", of="ABCD"),
    ]
    # 8 present: A 6 passes; 1 seat needs 2 candidates; B and C tie at 1, D has 0.
    result = count("ABCD", ballots, method=method, present=8)
    assert result.elected == ("A",)
    assert result.next_step == NextStep("supplementary", ("B", "C"), 1)
    ballots.append(marks("D", of="ABCD"))
    result = count("ABCD", ballots, method=method, present=9)
    assert result.next_step == NextStep("supplementary", ("B", "C", "D"), 1)


def test_too_few_unelected_for_the_margin_is_stated():
    method = ElectionMethod(seats=2, margin=Fraction(1, 2))
    ballots = [marks("A", of="ABC")] * 3
    # A passes; 1 seat needs 1 + ceil(1/2) = 2 candidates; B and C remain: enough.
    result = count("ABC", ballots, method=method, present=3)
    assert result.next_step == NextStep("supplementary", ("B", "C"), 1)
    ballots = [marks("A", of="AB")] * 3
    result = count("AB", ballots, method=method, present=3)
    assert result.next_step == NextStep("supplementary", ("B",), 1, margin_met=False)
    assert any("Too few" in m.text for m in result.explanation)


def test_nobody_passes():
    result = count(
        "ABC", [marks(of="ABC")] * 4, method=ElectionMethod(seats=2), present=4
    )
    assert result.elected == () and result.unfilled == 2
    assert result.next_step == NextStep(
        "supplementary", ("A", "B", "C"), 2, margin_met=True
    )


# -- the worked tally ------------------------------------------------------------------

WORKED = ElectionMethod(
    seats=1,
    form=YNA,
    threshold=Fraction(2, 3),
    denominator=Denominator.VALID,
    uncontested_allowed=True,
)


def test_worked_tally_from_entered_counts():
    """642 issued, 634 returned, 553 valid, 81 void; yes 400 (72.33% of valid)."""
    t = Tally(
        issued=642,
        returned=634,
        valid=553,
        void=81,
        void_reasons={},
        yes={"motion": 400},
        no={"motion": 114},
        abstain={"motion": 39},
    )
    result = count_tally(["motion"], t, method=WORKED, present=642)
    assert result.valid and result.certified
    (motion,) = result.candidates
    assert motion.share == Fraction(400, 553)
    assert result.to_json()["candidates"][0]["percent"] == "72.33%"
    assert motion.elected and result.elected == ("motion",)
    # Both sides: 368 yes (< 368.67 = 2/3 of 553) would have failed, 369 passes.
    for yes, elected in ((368, False), (369, True)):
        t2 = Tally(642, 634, 553, 81, {}, {"motion": yes}, {"motion": 553 - yes}, {})
        assert count_tally(["motion"], t2, method=WORKED, present=642).elected == (
            ("motion",) if elected else ()
        )


def test_worked_tally_from_ballots():
    ballots = (
        [{"motion": "Y"}] * 400
        + [{"motion": "N"}] * 114
        + [{"motion": "A"}] * 39
        + [{"motion": "YN"}] * 81
    )
    result = count(["motion"], ballots, method=WORKED, present=642, issued=642)
    doc = result.to_json()
    assert doc["ballots"] == {"issued": 642, "returned": 634, "valid": 553, "void": 81}
    assert doc["void_reasons"] == {"bad-mark": 81}
    assert doc["candidates"] == [
        {
            "name": "motion",
            "yes": 400,
            "no": 114,
            "abstain": 39,
            "elected": True,
            "share": "400/553",
            "percent": "72.33%",
        }
    ]
    assert doc["elected"] == ["motion"] and doc["unfilled"] == 0
    assert doc["next_step"] is None and doc["valid"] is True
    assert doc["method"]["threshold"] == "2/3"
    assert any("72.33%" in line for line in doc["explanation"])


# -- tallies entered by hand are checked -----------------------------------------------


@pytest.mark.parametrize(
    "t",
    [
        Tally(10, 9, 8, 0, {}, {"A": 1}, {}, {}),  # valid + void != returned
        Tally(10, 9, 8, 1, {"blank": 2}, {"A": 1}, {}, {}),  # reasons != void
        Tally(10, 9, 9, 0, {}, {"Z": 1}, {}, {}),  # not a candidate
        Tally(10, 9, 9, 0, {}, {"A": 5}, {"A": 5}, {}),  # 10 != 9
        Tally(10, 9, 9, 0, {}, {"A": 9, "B": 9}, {}, {}),  # 18 yes > 1 seat × 9
        Tally(10, 9, 9, 0, {}, {"A": -1}, {}, {}),
    ],
)
def test_inconsistent_tallies_are_refused(t):
    with pytest.raises(CountingError):
        count_tally("AB", t, method=ElectionMethod(seats=1), present=10)


def test_missing_no_is_derived_in_the_marks_form():
    t = Tally(10, 9, 9, 0, {}, {"A": 6, "B": 3}, {}, {})
    result = count_tally("AB", t, method=ElectionMethod(seats=1), present=10)
    assert [c.no for c in result.candidates] == [3, 6]
    assert result.elected == ("A",)


def test_explanations_are_message_ids_with_params():
    names, ballots = seven_seats()
    result = count(
        names, ballots, method=ElectionMethod(seats=7), present=20, entitled=25
    )
    for message in result.explanation:
        assert "{" in message.text or message.params == {}
        assert message.render()  # every placeholder is filled
    assert result.to_json(lambda s: "»" + s)["explanation"][0].startswith("»Election")
