"""Counting an election by its election method (选举办法): ELE-4, ELE-5 · GS-8, GS-12, CQ-3, CQ-7.

An election method is data (:class:`ElectionMethod`); its defaults are the common practice
recorded in ``../shared/spec/election-rules.md`` (the Youth League's basic-level election
regulations and the congresses' own election methods). Every threshold is a parameter,
because the documents differ:

* **quorum** (``quorum``, ``quorum_strict``): the vote is held only when voters present are
  more than 2/3 of those entitled (student congresses; Youth League branches use 4/5);
* **差额 margin** (``margin``, ``margin_round_up``, ``uncontested_allowed``): candidates
  exceed seats by at least 20%, the extra count rounded up (进一法): 7 seats need 9;
* **valid ballot** (:func:`ballot_void_reason`): a ballot marking more names than seats is
  void; a yes/no/abstain ballot carries one mark per candidate and at most ``seats`` yes;
  a fully blank ballot is **valid** (it marks no more names than seats; every candidate
  gets a no in the marks form, an abstain in the yes/no/abstain form) unless
  ``blank_void`` is set;
* **valid election**: ballots returned ≤ ballots issued (``compare_returned_with``
  ``"issued"``, or ``"present"``); otherwise the whole vote is void and held again;
* **elected**: yes votes more than ``threshold`` of the ``denominator`` (voters present,
  voters entitled or valid ballots); with ``threshold_strict`` exactly half is not enough;
* **more pass than seats**: the highest yes totals take the seats; a tie at the last seat
  is settled by a new vote among the tied candidates (``tie = revote``) or the seat is left
  empty (``tie = empty``);
* **fewer pass than seats**: a supplementary election (另行选举) for the empty seats, with
  candidates from the unelected in order of their first-round yes votes, as many as the
  same 差额 margin requires for those seats (all candidates tied with the last one taken
  are taken too). When fewer unelected candidates remain than the margin requires, all of
  them are proposed and the step says the margin is not met: the body that called the
  election decides (nominate more candidates, or leave the seats empty);
* **joint nomination** (``joint_nominators``): not used by the count; the nomination
  service requires at least this many nominating students besides the candidate (2).

In the marks form a cell is ``1`` (marked: a yes) or ``0``/empty (not marked: counted as
a no); there is no abstain. In the yes/no/abstain form a cell is ``Y``, ``N``, ``A`` or
empty (no mark: counted as an abstain).

Everything is exact (integers and :class:`fractions.Fraction`); the count is a pure
function of the ballots, so a recount of the same ballots gives the same result. This
module is pure Python (standard library only).
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from tongxue.domain.findings import Message, Refusal, gettext_noop

__all__ = [
    "DENOMINATOR_LABELS",
    "FORM_LABELS",
    "VOID_REASONS",
    "BallotCounts",
    "BallotForm",
    "CandidateResult",
    "CountResult",
    "CountingError",
    "Denominator",
    "ElectionMethod",
    "NextStep",
    "Tally",
    "TiePolicy",
    "ballot_void_reason",
    "count",
    "count_tally",
    "margin_refusal",
    "passes",
    "percent",
    "required_candidates",
    "tally",
]

#: Requirement and clauses every counting message cites.
REQUIREMENT = "ELE-4"
CLAUSES = ("GS-8", "GS-12", "CQ-3", "CQ-7")


class BallotForm(enum.StrEnum):
    """How a ballot is marked."""

    MARKS = "marks"  # mark up to ``seats`` names
    YES_NO_ABSTAIN = "yes-no-abstain"  # yes, no or abstain for each candidate


class Denominator(enum.StrEnum):
    """What the election threshold is a fraction of."""

    PRESENT = "present"  # voters present (实到会)
    ENTITLED = "entitled"  # voters entitled (应到会)
    VALID = "valid"  # valid ballots


class TiePolicy(enum.StrEnum):
    """What a tie at the last seat leads to."""

    REVOTE = "revote"  # a new vote among the tied candidates only
    EMPTY = "empty"  # the seat is left empty


#: Short codes of the reasons a ballot is void, with their message ids.
VOID_REASONS: Mapping[str, str] = {
    "unknown-candidate": gettext_noop("names someone who is not a candidate"),
    "bad-mark": gettext_noop("carries a mark the ballot form does not allow"),
    "too-many-marks": gettext_noop("marks more names than there are seats"),
    "blank": gettext_noop("is blank"),
}

FORM_LABELS: Mapping[BallotForm, str] = {
    BallotForm.MARKS: gettext_noop("mark up to the number of seats"),
    BallotForm.YES_NO_ABSTAIN: gettext_noop("yes, no or abstain for each candidate"),
}

DENOMINATOR_LABELS: Mapping[Denominator, str] = {
    Denominator.PRESENT: gettext_noop("voters present"),
    Denominator.ENTITLED: gettext_noop("voters entitled"),
    Denominator.VALID: gettext_noop("valid ballots"),
}


def _comparison(strict: bool) -> str:
    return gettext_noop("more than") if strict else gettext_noop("at least")


_MARKS_VALUES = {"1": "Y", "0": "", "": ""}
_YNA_VALUES = {"Y": "Y", "N": "N", "A": "A", "": ""}


class CountingError(ValueError):
    """The input cannot be counted (inconsistent tally, bad method); carries a message."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


def _fraction(value: Any, name: str) -> Fraction:
    try:
        result = Fraction(value) if not isinstance(value, float) else None
    except (ValueError, ZeroDivisionError, TypeError):
        result = None
    if result is None:
        raise CountingError(
            Message(
                gettext_noop(
                    "{name} must be an exact fraction such as 2/3, not {value}."
                ),
                {"name": name, "value": str(value)},
            )
        )
    return result


def _fmt(value: Fraction) -> str:
    return str(value)


def percent(value: Fraction) -> str:
    """Return ``value`` as a percentage with two decimals, rounded half up, exactly."""
    # Two decimals, rounded half up, from the exact value.
    hundredths = math.floor(value * 10000 + Fraction(1, 2))
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


@dataclass(frozen=True)
class ElectionMethod:
    """An election method (选举办法), adopted by the congress before it votes.

    Defaults follow election-rules.md: quorum present > 2/3 of entitled; elected with yes
    > 1/2 of voters present; returned ballots compared with issued ones; a revote among
    candidates tied at the last seat; a 差额 margin of 20% rounded up. A joint nomination
    needs at least ``joint_nominators`` nominating students besides the candidate (2;
    election-rules.md does not fix it, the congress's method does).
    """

    seats: int
    form: BallotForm = BallotForm.MARKS
    quorum: Fraction = Fraction(2, 3)
    quorum_strict: bool = True
    threshold: Fraction = Fraction(1, 2)
    threshold_strict: bool = True
    denominator: Denominator = Denominator.PRESENT
    compare_returned_with: str = "issued"
    tie: TiePolicy = TiePolicy.REVOTE
    margin: Fraction = Fraction(1, 5)
    margin_round_up: bool = True
    uncontested_allowed: bool = False
    blank_void: bool = False
    joint_nominators: int = 2

    def __post_init__(self) -> None:
        problems: list[tuple[str, dict[str, Any]]] = []
        if isinstance(self.seats, bool) or not isinstance(self.seats, int):
            problems.append((gettext_noop("Seats must be a whole number."), {}))
        elif self.seats < 1:
            problems.append(
                (
                    gettext_noop("Seats must be at least 1, not {seats}."),
                    {"seats": self.seats},
                )
            )
        minimum = self.joint_nominators
        if isinstance(minimum, bool) or not isinstance(minimum, int):
            problems.append(
                (
                    gettext_noop(
                        "The minimum number of joint nominators must be a whole number."
                    ),
                    {},
                )
            )
        elif minimum < 1:
            problems.append(
                (
                    gettext_noop(
                        "The minimum number of joint nominators must be at least 1, "
                        "not {joint_nominators}."
                    ),
                    {"joint_nominators": minimum},
                )
            )
        for name in ("quorum", "threshold", "margin"):
            value = getattr(self, name)
            if not isinstance(value, Fraction):
                object.__setattr__(self, name, _fraction(value, name))
                value = getattr(self, name)
            upper = None if name == "margin" else 1
            if value < 0 or (upper is not None and value > upper):
                problems.append(
                    (
                        gettext_noop("{name} {value} is out of range."),
                        {"name": name, "value": _fmt(value)},
                    )
                )
        for name, enum_type in (
            ("form", BallotForm),
            ("denominator", Denominator),
            ("tie", TiePolicy),
        ):
            try:
                object.__setattr__(self, name, enum_type(getattr(self, name)))
            except ValueError:
                problems.append(
                    (
                        gettext_noop("{name} '{value}' is not one of {choices}."),
                        {
                            "name": name,
                            "value": getattr(self, name),
                            "choices": ", ".join(m.value for m in enum_type),
                        },
                    )
                )
        if self.compare_returned_with not in ("issued", "present"):
            problems.append(
                (
                    gettext_noop("{name} '{value}' is not one of {choices}."),
                    {
                        "name": "compare_returned_with",
                        "value": self.compare_returned_with,
                        "choices": "issued, present",
                    },
                )
            )
        if problems:
            text, params = problems[0]
            raise CountingError(Message(text, params))

    def to_dict(self) -> dict[str, Any]:
        """Return the method as JSON-safe data (fractions as ``"2/3"``)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Fraction):
                value = _fmt(value)
            elif isinstance(value, enum.Enum):
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ElectionMethod:
        """Build a method from :meth:`to_dict` data; missing keys take the defaults."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CountingError(
                Message(
                    gettext_noop("Unknown election method parameter(s): {names}."),
                    {"names": ", ".join(unknown)},
                )
            )
        if "seats" not in data:
            raise CountingError(
                Message(gettext_noop("Seats must be a whole number."), {})
            )
        kwargs: dict[str, Any] = dict(data)
        for name in ("quorum", "threshold", "margin"):
            if name in kwargs:
                kwargs[name] = _fraction(kwargs[name], name)
        for name in ("quorum_strict", "threshold_strict", "margin_round_up"):
            if name in kwargs and not isinstance(kwargs[name], bool):
                raise CountingError(
                    Message(
                        gettext_noop("{name} must be true or false."), {"name": name}
                    )
                )
        for name in ("uncontested_allowed", "blank_void"):
            if name in kwargs and not isinstance(kwargs[name], bool):
                raise CountingError(
                    Message(
                        gettext_noop("{name} must be true or false."), {"name": name}
                    )
                )
        return cls(**kwargs)


def _seats_candidates(method: ElectionMethod, seats: int) -> int:
    if method.uncontested_allowed:
        return seats
    extra = seats * method.margin
    return seats + (math.ceil(extra) if method.margin_round_up else math.floor(extra))


def required_candidates(method: ElectionMethod) -> int:
    """Return how many candidates the 差额 margin requires (7 seats → 9 by default).

    ELE-4 · GS-12, CQ-7: ``seats + ceil(seats × margin)`` (``floor`` when the method
    rounds down); ``seats`` when the method allows an uncontested (等额) election.
    """
    return _seats_candidates(method, method.seats)


def margin_refusal(method: ElectionMethod, candidates: int) -> Refusal | None:
    """Return a refusal when ``candidates`` do not meet the 差额 margin, else ``None``.

    ELE-4 · GS-12, CQ-7: the ballot cannot open before the margin is met.
    """
    needed = required_candidates(method)
    if candidates >= needed:
        return None
    return Refusal(
        "ELE-4.margin",
        Message(
            gettext_noop(
                "{seats} seat(s) need at least {needed} candidates under the election "
                "method (margin {margin}, rounded {rounding_label}); there are {candidates}."
            ),
            {
                "seats": method.seats,
                "needed": needed,
                "margin": _fmt(method.margin),
                "rounding_label": (
                    gettext_noop("up")
                    if method.margin_round_up
                    else gettext_noop("down")
                ),
                "candidates": candidates,
            },
        ),
        requirement=REQUIREMENT,
        clauses=("GS-12", "CQ-7"),
    )


def passes(yes: int, *, threshold: Fraction, strict: bool, base: int) -> bool:
    """Return whether ``yes`` is more than (``strict``) or at least ``threshold × base``.

    "More than half" is strict: exactly half does not pass. Exact arithmetic.
    """
    target = Fraction(threshold) * base
    return yes > target if strict else yes >= target


def _normalise(
    marks: Mapping[str, str], candidates: Sequence[str], method: ElectionMethod
) -> tuple[str | None, dict[str, str]]:
    """Return (void reason, candidate → "Y"/"N"/"A"/"") of one ballot."""
    known = set(candidates)
    if any(name not in known for name in marks):
        return "unknown-candidate", {}
    table = _MARKS_VALUES if method.form is BallotForm.MARKS else _YNA_VALUES
    out: dict[str, str] = {}
    for name, raw in marks.items():
        value = table.get(str(raw).strip().upper())
        if value is None:
            return "bad-mark", {}
        out[name] = value
    yes = sum(1 for v in out.values() if v == "Y")
    if yes > method.seats:
        return "too-many-marks", {}
    if method.blank_void and not any(out.values()):
        return "blank", {}
    return None, out


def ballot_void_reason(
    marks: Mapping[str, str], candidates: Sequence[str], method: ElectionMethod
) -> str | None:
    """Return why a ballot is void (a code of :data:`VOID_REASONS`), or ``None``.

    ``marks`` maps candidates to cells: ``1``/``0``/empty in the marks form, ``Y``/``N``/
    ``A``/empty in the yes/no/abstain form (case and surrounding spaces ignored); a
    candidate left out is an empty cell. Checked in order: a name that is not a candidate,
    a mark the form does not allow, more yes marks than seats, blank (only with
    ``blank_void``).
    """
    return _normalise(marks, candidates, method)[0]


@dataclass(frozen=True)
class Tally:
    """The counts of one vote: what scrutineers enter, or what SQL aggregation returns.

    ``yes``/``no``/``abstain`` count valid ballots only. A candidate missing from ``no`` has
    ``no = valid - yes - abstain`` (convenient in the marks form, where a valid ballot that
    does not mark a candidate is a no).
    """

    issued: int | None
    returned: int
    valid: int
    void: int
    void_reasons: Mapping[str, int]
    yes: Mapping[str, int]
    no: Mapping[str, int]
    abstain: Mapping[str, int]


def tally(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, str]],
    method: ElectionMethod,
    *,
    issued: int | None,
) -> Tally:
    """Return the tally of returned ballots (each a candidate → cell mapping)."""
    yes: Counter[str] = Counter()
    no: Counter[str] = Counter()
    abstain: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    returned = valid = 0
    for ballot in ballots:
        returned += 1
        reason, cells = _normalise(ballot, candidates, method)
        if reason is not None:
            reasons[reason] += 1
            continue
        valid += 1
        for name in candidates:
            value = cells.get(name, "")
            if value == "Y":
                yes[name] += 1
            elif value == "N" or method.form is BallotForm.MARKS:
                no[name] += 1
            else:
                abstain[name] += 1
    return Tally(
        issued=issued,
        returned=returned,
        valid=valid,
        void=returned - valid,
        void_reasons=dict(sorted(reasons.items())),
        yes={name: yes[name] for name in candidates},
        no={name: no[name] for name in candidates},
        abstain={name: abstain[name] for name in candidates},
    )


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

    def to_json(self, translate: Any = None) -> dict[str, Any]:
        """Return the documented JSON shape (docs/counting.md); messages rendered."""
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
            "explanation": [m.render(translate) for m in self.explanation],
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
                names=", ".join(stray),
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
    steps: list[Message] = []

    def say(text: str, **params: Any) -> None:
        steps.append(Message(text, params))

    say(
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

    # Quorum: present compared with entitled.
    if entitled is None:
        quorum_met = True
        say(
            gettext_noop(
                "Quorum not checked: the number of voters entitled is not given."
            )
        )
    else:
        quorum_met = passes(
            present, threshold=method.quorum, strict=method.quorum_strict, base=entitled
        )
        say(
            gettext_noop(
                "Quorum: {present} present of {entitled} entitled; the method requires "
                "{comparison_label} {quorum}: {verdict_label}."
            ),
            present=present,
            entitled=entitled,
            comparison_label=_comparison(method.quorum_strict),
            quorum=_fmt(method.quorum),
            verdict_label=gettext_noop("met")
            if quorum_met
            else gettext_noop("not met"),
        )

    # Ballots: returned compared with issued (or present).
    say(
        gettext_noop(
            "Ballots: {issued} issued, {returned} returned, {valid} valid, {void} void."
        ),
        issued="?" if t.issued is None else t.issued,
        returned=t.returned,
        valid=t.valid,
        void=t.void,
    )
    for reason, number in t.void_reasons.items():
        say(
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
        say(
            gettext_noop(
                "More ballots returned ({returned}) than {limit_label} ({limit}): the whole "
                "vote is void and must be held again."
            ),
            returned=t.returned,
            limit_label=limit_name,
            limit=limit,
        )
    elif not quorum_met:
        say(gettext_noop("Without a quorum the vote is void and must be held again."))

    base = {
        Denominator.PRESENT: present,
        Denominator.ENTITLED: entitled or 0,
        Denominator.VALID: t.valid,
    }[method.denominator]
    rows: list[tuple[str, int, int, int, bool]] = []
    for name in candidates:
        yes, abstain = t.yes.get(name, 0), t.abstain.get(name, 0)
        no = t.no.get(name, t.valid - yes - abstain)
        ok = passes(
            yes, threshold=method.threshold, strict=method.threshold_strict, base=base
        )
        rows.append((name, yes, no, abstain, ok))

    elected: list[str] = []
    next_step: NextStep | None = None
    unfilled = method.seats
    valid = quorum_met and election_ok
    if not valid:
        next_step = NextStep("revote-all", candidates, method.seats)
    else:
        say(
            gettext_noop(
                "Threshold: yes votes {comparison_label} {threshold} × {base} ({denominator_label})."
            ),
            comparison_label=_comparison(method.threshold_strict),
            threshold=_fmt(method.threshold),
            base=base,
            denominator_label=DENOMINATOR_LABELS[method.denominator],
        )
        for name, yes, _no, _abstain, ok in rows:
            say(
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
        if len(passing) <= seats:
            elected = [name for name, _ in passing]
        else:
            last = passing[seats - 1][1]
            above = [name for name, yes in passing if yes > last]
            tied = [name for name, yes in passing if yes == last]
            if passing[seats][1] < last:
                elected = [name for name, _ in passing[:seats]]
                say(
                    gettext_noop(
                        "{passing} candidates reach the threshold for {seats} seat(s): "
                        "the highest yes votes take the seats."
                    ),
                    passing=len(passing),
                    seats=seats,
                )
            else:
                elected = above
                open_seats = seats - len(above)
                say(
                    gettext_noop(
                        "Tie at the last {open_seats} seat(s): {names} each have {yes} "
                        "yes votes."
                    ),
                    open_seats=open_seats,
                    names=", ".join(tied),
                    yes=last,
                )
                if method.tie is TiePolicy.REVOTE:
                    next_step = NextStep("tie-revote", tuple(tied), open_seats)
                    say(
                        gettext_noop(
                            "A new vote among the tied candidates only decides the last "
                            "{open_seats} seat(s)."
                        ),
                        open_seats=open_seats,
                    )
                else:
                    say(
                        gettext_noop(
                            "The election method leaves the {open_seats} tied seat(s) empty."
                        ),
                        open_seats=open_seats,
                    )
        unfilled = seats - len(elected)
        if len(passing) < seats:
            unelected = [(name, yes) for name, yes, _n, _a, ok in rows if not ok]
            next_step = _supplementary(method, unfilled, unelected)
            say(
                gettext_noop(
                    "Only {passing} candidate(s) reach the threshold: a supplementary "
                    "election for {seats} seat(s) with {names}, in order of first-round "
                    "yes votes ({needed} needed for the margin)."
                ),
                passing=len(passing),
                seats=unfilled,
                names=", ".join(next_step.candidates) or "-",
                needed=_seats_candidates(method, unfilled),
            )
            if not next_step.margin_met:
                say(
                    gettext_noop(
                        "Too few unelected candidates remain to meet the margin: the body "
                        "that called the election decides whether to nominate more "
                        "candidates or leave the seats empty."
                    )
                )
        if elected:
            say(
                gettext_noop("Elected: {names}."),
                names=", ".join(elected),
            )
        if unfilled:
            say(gettext_noop("Seats unfilled: {unfilled}."), unfilled=unfilled)

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
