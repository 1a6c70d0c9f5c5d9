"""The election method (选举办法) as data, and what it requires: ELE-4 · GS-12, CQ-7.

:class:`ElectionMethod` with its thresholds, quorum and 差额 margin
(:func:`required_candidates`, :func:`margin_refusal`), and :func:`passes`, the one
comparison of a count with a threshold. See :mod:`tongxue.domain.counting`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from tongxue.domain.findings import Message, Refusal, gettext_noop

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
