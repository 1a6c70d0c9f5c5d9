"""Count a tally by the election method and explain every step: ELE-4, ELE-5.

:func:`count_tally` checks the tally, the quorum and the ballots returned, compares each
candidate's yes votes with the threshold, fills the seats (a tie at the last seat, a
supplementary election for seats left empty) and returns a :class:`CountResult` with
its explanation. The rules are in :mod:`tongxue.domain.counting`'s docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tongxue.domain.counting.ballots import Tally, tally
from tongxue.domain.counting.method import (
    DENOMINATOR_LABELS,
    FORM_LABELS,
    VOID_REASONS,
    CountingError,
    Denominator,
    ElectionMethod,
    TiePolicy,
    _comparison,
    _fmt,
    _seats_candidates,
    passes,
    percent,
)
from tongxue.domain.findings import Message, Punctuation, gettext_noop


@dataclass(frozen=True)
class BallotCounts:
    issued: int | None
    returned: int
    valid: int
    void: int
    void_reasons: Mapping[str, int]


@dataclass(frozen=True)
class CandidateResult:
    name: str
    yes: int
    no: int
    abstain: int
    elected: bool
    share: Fraction  # yes / the threshold's denominator (0 when the denominator is 0)
    passed: bool = False  # reached the threshold (elected or not)


@dataclass(frozen=True)
class NextStep:
    """The round the rules require next."""

    kind: str  # "tie-revote" | "supplementary" | "revote-all"
    candidates: tuple[str, ...]
    seats: int
    margin_met: bool = True  # a supplementary list meets the 差额 margin


@dataclass(frozen=True)
class CountResult:
    valid: bool  # the election stands (quorum met, returned ≤ issued)
    quorum_met: bool
    ballots: BallotCounts
    candidates: tuple[CandidateResult, ...]  # in input order
    elected: tuple[str, ...]  # by yes votes, highest first
    unfilled: int
    next_step: NextStep | None
    method: ElectionMethod
    explanation: tuple[Message, ...]
    present: int = 0
    entitled: int | None = None

    @property
    def certified(self) -> bool:
        """Return whether the result can be certified as it is (no further round)."""
        return self.valid and self.next_step is None

    def to_json(
        self, translate: Any = None, *, punctuation: Punctuation | None = None
    ) -> dict[str, Any]:
        """Return the documented JSON shape (docs/counting.md); messages rendered
        (translated by ``translate``, names joined by ``punctuation``'s separator)."""
        step = self.next_step
        return {
            "valid": self.valid,
            "quorum_met": self.quorum_met,
            "present": self.present,
            "entitled": self.entitled,
            "ballots": {
                "issued": self.ballots.issued,
                "returned": self.ballots.returned,
                "valid": self.ballots.valid,
                "void": self.ballots.void,
            },
            "void_reasons": dict(self.ballots.void_reasons),
            "candidates": [
                {
                    "name": c.name,
                    "yes": c.yes,
                    "no": c.no,
                    "abstain": c.abstain,
                    "elected": c.elected,
                    "share": _fmt(c.share),
                    "percent": percent(c.share),
                }
                for c in self.candidates
            ],
            "elected": list(self.elected),
            "unfilled": self.unfilled,
            "next_step": (
                None
                if step is None
                else {
                    "kind": step.kind,
                    "candidates": list(step.candidates),
                    "seats": step.seats,
                    "margin_met": step.margin_met,
                }
            ),
            "method": self.method.to_dict(),
            "explanation": [
                m.render(translate, punctuation=punctuation) for m in self.explanation
            ],
        }


def _check_tally(candidates: Sequence[str], t: Tally, method: ElectionMethod) -> None:
    def fail(text: str, **params: Any) -> CountingError:
        return CountingError(Message(text, params))

    if len(set(candidates)) != len(candidates) or not all(candidates):
        raise fail(gettext_noop("Candidate names must be distinct and not empty."))
    numbers = [t.returned, t.valid, t.void, *t.void_reasons.values()]
    for mapping in (t.yes, t.no, t.abstain):
        numbers.extend(mapping.values())
    if t.issued is not None:
        numbers.append(t.issued)
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in numbers):
        raise fail(gettext_noop("Every count must be a whole number, zero or more."))
    if t.valid + t.void != t.returned:
        raise fail(
            gettext_noop(
                "Valid ({valid}) and void ({void}) ballots do not add up to the "
                "{returned} returned."
            ),
            valid=t.valid,
            void=t.void,
            returned=t.returned,
        )
    if t.void_reasons and sum(t.void_reasons.values()) != t.void:
        raise fail(
            gettext_noop("The reasons for void ballots do not add up to {void}."),
            void=t.void,
        )
    known = set(candidates)
    for mapping in (t.yes, t.no, t.abstain):
        stray = [name for name in mapping if name not in known]
        if stray:
            raise fail(
                gettext_noop("Counts given for {names}, who are not candidates."),
                names=stray,
            )
    for name in candidates:
        yes, abstain = t.yes.get(name, 0), t.abstain.get(name, 0)
        no = t.no.get(name, t.valid - yes - abstain)
        if yes + no + abstain != t.valid:
            raise fail(
                gettext_noop(
                    "{name}: yes, no and abstain ({total}) do not add up to the {valid} "
                    "valid ballots."
                ),
                name=name,
                total=yes + no + abstain,
                valid=t.valid,
            )
    if sum(t.yes.values()) > method.seats * t.valid:
        raise fail(
            gettext_noop(
                "More yes votes than {seats} per valid ballot: a valid ballot marks at "
                "most as many names as there are seats."
            ),
            seats=method.seats,
        )


def _supplementary(
    method: ElectionMethod, seats: int, unelected: Sequence[tuple[str, int]]
) -> NextStep:
    """Return the supplementary election (另行选举) for ``seats`` empty seats."""
    needed = _seats_candidates(method, seats)
    ranked = sorted(
        unelected, key=lambda item: -item[1]
    )  # stable: ties keep input order
    if len(ranked) <= needed:
        chosen = list(ranked)
    else:
        cut = ranked[needed - 1][1]
        chosen = [item for item in ranked if item[1] >= cut]
    return NextStep(
        "supplementary",
        tuple(name for name, _ in chosen),
        seats,
        margin_met=len(chosen) >= needed,
    )


def count_tally(
    candidates: Sequence[str],
    t: Tally,
    *,
    method: ElectionMethod,
    present: int,
    entitled: int | None = None,
) -> CountResult:
    """Count a tally by the election method and explain every step.

    ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7 (rules in the module docstring).
    """
    candidates = tuple(candidates)
    _check_tally(candidates, t, method)
    _check_voters(method, present, entitled)
    steps = _Steps()
    steps.say(
        gettext_noop(
            "Election method: {seats} seat(s), ballots: {form_label}; elected with yes votes "
            "{comparison_label} {threshold} of {denominator_label}."
        ),
        seats=method.seats,
        form_label=FORM_LABELS[method.form],
        comparison_label=_comparison(method.threshold_strict),
        threshold=_fmt(method.threshold),
        denominator_label=DENOMINATOR_LABELS[method.denominator],
    )
    quorum_met = _quorum(steps, method, present, entitled)
    election_ok = _ballots_stand(steps, method, t, present, quorum_met)
    base = {
        Denominator.PRESENT: present,
        Denominator.ENTITLED: entitled or 0,
        Denominator.VALID: t.valid,
    }[method.denominator]
    rows = _rows(candidates, t, method, base)
    valid = quorum_met and election_ok
    if valid:
        elected, next_step = _fill_seats(steps, method, rows, base)
        unfilled = method.seats - len(elected)
    else:
        elected, unfilled = [], method.seats
        next_step = NextStep("revote-all", candidates, method.seats)
    chosen = set(elected)
    results = tuple(
        CandidateResult(
            name=name,
            yes=yes,
            no=no,
            abstain=abstain,
            elected=name in chosen,
            share=Fraction(yes, base) if base else Fraction(0),
            passed=ok,
        )
        for name, yes, no, abstain, ok in rows
    )
    return CountResult(
        valid=valid,
        quorum_met=quorum_met,
        ballots=BallotCounts(
            issued=t.issued,
            returned=t.returned,
            valid=t.valid,
            void=t.void,
            void_reasons=dict(t.void_reasons),
        ),
        candidates=results,
        elected=tuple(elected),
        unfilled=unfilled,
        next_step=next_step,
        method=method,
        explanation=tuple(steps),
        present=present,
        entitled=entitled,
    )


#: A candidate's line of the count: name, yes, no, abstain, reaches the threshold.
_Row = tuple[str, int, int, int, bool]


def _rows(
    candidates: Sequence[str], t: Tally, method: ElectionMethod, base: int
) -> list[_Row]:
    """Each candidate's yes, no and abstain, and whether the yes reach the threshold."""
    rows: list[_Row] = []
    for name in candidates:
        yes, abstain = t.yes.get(name, 0), t.abstain.get(name, 0)
        no = t.no.get(name, t.valid - yes - abstain)
        ok = passes(
            yes, threshold=method.threshold, strict=method.threshold_strict, base=base
        )
        rows.append((name, yes, no, abstain, ok))
    return rows


class _Steps(list[Message]):
    """The explanation of a count, one message per step."""

    def say(self, text: str, **params: Any) -> None:
        self.append(Message(text, params))


def _check_voters(method: ElectionMethod, present: int, entitled: int | None) -> None:
    """Refuse numbers of voters that cannot be counted with."""
    if isinstance(present, bool) or not isinstance(present, int) or present < 0:
        raise CountingError(
            Message(
                gettext_noop("Voters present must be a whole number, zero or more.")
            )
        )
    if entitled is not None and entitled < present:
        raise CountingError(
            Message(
                gettext_noop(
                    "Voters present ({present}) cannot exceed voters entitled ({entitled})."
                ),
                {"present": present, "entitled": entitled},
            )
        )
    if method.denominator is Denominator.ENTITLED and entitled is None:
        raise CountingError(
            Message(
                gettext_noop(
                    "The threshold is a share of the voters entitled: give their number."
                )
            )
        )


def _quorum(
    steps: _Steps, method: ElectionMethod, present: int, entitled: int | None
) -> bool:
    """Return whether the quorum is met: present compared with entitled."""
    if entitled is None:
        steps.say(
            gettext_noop(
                "Quorum not checked: the number of voters entitled is not given."
            )
        )
        return True
    quorum_met = passes(
        present, threshold=method.quorum, strict=method.quorum_strict, base=entitled
    )
    steps.say(
        gettext_noop(
            "Quorum: {present} present of {entitled} entitled; the method requires "
            "{comparison_label} {quorum}: {verdict_label}."
        ),
        present=present,
        entitled=entitled,
        comparison_label=_comparison(method.quorum_strict),
        quorum=_fmt(method.quorum),
        verdict_label=gettext_noop("met") if quorum_met else gettext_noop("not met"),
    )
    return quorum_met


def _ballots_stand(
    steps: _Steps, method: ElectionMethod, t: Tally, present: int, quorum_met: bool
) -> bool:
    """Return whether the ballots returned are no more than issued (or present)."""
    steps.say(
        gettext_noop(
            "Ballots: {issued} issued, {returned} returned, {valid} valid, {void} void."
        ),
        issued="?" if t.issued is None else t.issued,
        returned=t.returned,
        valid=t.valid,
        void=t.void,
    )
    for reason, number in t.void_reasons.items():
        steps.say(
            gettext_noop("{number} ballot(s) void because the ballot {why_label}."),
            number=number,
            why_label=VOID_REASONS.get(reason, reason),
        )
    if method.compare_returned_with == "issued" and t.issued is not None:
        limit, limit_name = t.issued, gettext_noop("ballots issued")
    else:
        limit, limit_name = present, gettext_noop("voters present")
    election_ok = t.returned <= limit
    if not election_ok:
        steps.say(
            gettext_noop(
                "More ballots returned ({returned}) than {limit_label} ({limit}): the whole "
                "vote is void and must be held again."
            ),
            returned=t.returned,
            limit_label=limit_name,
            limit=limit,
        )
    elif not quorum_met:
        steps.say(
            gettext_noop("Without a quorum the vote is void and must be held again.")
        )
    return election_ok


def _fill_seats(
    steps: _Steps, method: ElectionMethod, rows: Sequence[_Row], base: int
) -> tuple[list[str], NextStep | None]:
    """Return who is elected in a vote that stands, and the round that must follow."""
    steps.say(
        gettext_noop(
            "Threshold: yes votes {comparison_label} {threshold} × {base} ({denominator_label})."
        ),
        comparison_label=_comparison(method.threshold_strict),
        threshold=_fmt(method.threshold),
        base=base,
        denominator_label=DENOMINATOR_LABELS[method.denominator],
    )
    for name, yes, _no, _abstain, ok in rows:
        steps.say(
            gettext_noop("{name}: {yes} yes ({percent}): {verdict_label}."),
            name=name,
            yes=yes,
            percent=percent(Fraction(yes, base) if base else Fraction(0)),
            verdict_label=(
                gettext_noop("reaches the threshold")
                if ok
                else gettext_noop("below the threshold")
            ),
        )
    passing = sorted(
        ((name, yes) for name, yes, _n, _a, ok in rows if ok),
        key=lambda item: -item[1],
    )
    seats = method.seats
    elected, next_step = _highest_take_seats(steps, method, passing)
    unfilled = seats - len(elected)
    if len(passing) < seats:
        unelected = [(name, yes) for name, yes, _n, _a, ok in rows if not ok]
        next_step = _supplementary(method, unfilled, unelected)
        steps.say(
            gettext_noop(
                "Only {passing} candidate(s) reach the threshold: a supplementary "
                "election for {seats} seat(s) with {names}, in order of first-round "
                "yes votes ({needed} needed for the margin)."
            ),
            passing=len(passing),
            seats=unfilled,
            names=list(next_step.candidates) or "-",
            needed=_seats_candidates(method, unfilled),
        )
        if not next_step.margin_met:
            steps.say(
                gettext_noop(
                    "Too few unelected candidates remain to meet the margin: the body "
                    "that called the election decides whether to nominate more "
                    "candidates or leave the seats empty."
                )
            )
    if elected:
        # A list: shown joined with the reader's list separator (、 in Chinese, #16).
        steps.say(gettext_noop("Elected: {names}."), names=list(elected))
    if unfilled:
        steps.say(gettext_noop("Seats unfilled: {unfilled}."), unfilled=unfilled)
    return elected, next_step


def _highest_take_seats(
    steps: _Steps, method: ElectionMethod, passing: Sequence[tuple[str, int]]
) -> tuple[list[str], NextStep | None]:
    """Return who of ``passing`` (highest yes first) takes the seats, and a tie's revote.

    All of them when they are no more than the seats; else the highest, unless a tie
    at the last seat leaves it to a new vote among the tied (or empty, by the method).
    """
    seats = method.seats
    if len(passing) <= seats:
        return [name for name, _ in passing], None
    last = passing[seats - 1][1]
    if passing[seats][1] < last:
        steps.say(
            gettext_noop(
                "{passing} candidates reach the threshold for {seats} seat(s): "
                "the highest yes votes take the seats."
            ),
            passing=len(passing),
            seats=seats,
        )
        return [name for name, _ in passing[:seats]], None
    above = [name for name, yes in passing if yes > last]
    tied = [name for name, yes in passing if yes == last]
    open_seats = seats - len(above)
    steps.say(
        gettext_noop(
            "Tie at the last {open_seats} seat(s): {names} each have {yes} yes votes."
        ),
        open_seats=open_seats,
        names=tied,
        yes=last,
    )
    if method.tie is not TiePolicy.REVOTE:
        steps.say(
            gettext_noop(
                "The election method leaves the {open_seats} tied seat(s) empty."
            ),
            open_seats=open_seats,
        )
        return above, None
    steps.say(
        gettext_noop(
            "A new vote among the tied candidates only decides the last "
            "{open_seats} seat(s)."
        ),
        open_seats=open_seats,
    )
    return above, NextStep("tie-revote", tuple(tied), open_seats)


def count(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, str]],
    *,
    method: ElectionMethod,
    present: int,
    entitled: int | None = None,
    issued: int | None = None,
) -> CountResult:
    """Tally the ballots and count them: ``count_tally(tally(...))``."""
    return count_tally(
        candidates,
        tally(candidates, ballots, method, issued=issued),
        method=method,
        present=present,
        entitled=entitled,
    )
