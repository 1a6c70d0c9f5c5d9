"""The vocabulary of seat apportionment and its exact helpers (CON-4 · GS-8, CQ-3).

The methods, the tie-break policies, the errors a caller sees, a tie resolved by the
published lot, and the exact arithmetic every other module shares: weights read as
fractions, scaled to integers, the simplest fraction in an interval, decimals for the
explanations.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongxue.domain.findings import Message, gettext_noop

#: A weight as given: exact numbers only (a float is refused by :func:`exact_weight`).
Number = int | Fraction | Decimal | str


class Method(enum.StrEnum):
    """The five single methods (CON-4 · GS-8, CQ-3; docs/apportionment.md)."""

    HAMILTON = "hamilton"
    DHONDT = "dhondt"
    SAINTE_LAGUE = "sainte-lague"
    HUNTINGTON_HILL = "huntington-hill"
    ADAMS = "adams"

    @property
    def is_divisor(self) -> bool:
        return self is not Method.HAMILTON


METHOD_NAMES = {
    Method.HAMILTON: "Hamilton (largest remainder)",
    Method.DHONDT: "D'Hondt (Jefferson)",
    Method.SAINTE_LAGUE: "Sainte-Laguë (Webster)",
    Method.HUNTINGTON_HILL: "Huntington–Hill (equal proportions)",
    Method.ADAMS: "Adams",
}


class TieBreak(enum.StrEnum):
    """What happens on a tie: refused, or broken by a lot with a published seed."""

    REFUSE = "refuse"
    LOT = "lot"


class ApportionmentError(ValueError):
    """The input cannot be apportioned; carries a translatable message."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


class ApportionmentTie(ApportionmentError):
    """A tie for the last seat(s) that the ``refuse`` policy will not break."""

    def __init__(self, units: Sequence[str], seats: int) -> None:
        super().__init__(
            Message(
                gettext_noop(
                    "Tie for the last {seats} seat(s) between {units}; choose a "
                    "tie-break (a lot with a published seed)."
                ),
                {"seats": seats, "units": ", ".join(units)},
            )
        )
        self.units = tuple(units)
        self.seats = seats


def input_error(text: str, **params: Any) -> ApportionmentError:
    """An :class:`ApportionmentError` with the translatable ``text`` and its params."""
    return ApportionmentError(Message(text, params))


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie for the last ``seats`` seat(s) among ``units``, resolved by lot."""

    units: tuple[str, ...]
    seats: int
    winners: tuple[str, ...]
    seed: int


#: Floats only shortlist: every unit or cell within this relative distance of a float
#: extreme is compared exactly (a float priority of normal size is within a few
#: roundings, a relative 10⁻¹⁵, of the exact one).
SHORTLIST_TOLERANCE = 1e-9


def exact_weight(value: object, where: str) -> Fraction:
    """``value`` as an exact fraction ≥ 0; a float, a bool, a non-number or a negative
    number is refused, naming ``where`` (the unit or cell)."""
    if isinstance(value, (bool, float)):
        raise input_error(
            gettext_noop("{where}: weight {value!r} must be exact (int, Fraction)."),
            where=where,
            value=value,
        )
    try:
        f = Fraction(value)  # type: ignore[call-overload]
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        raise input_error(
            gettext_noop("{where}: weight {value!r} is not a number."),
            where=where,
            value=value,
        ) from None
    if f < 0:
        raise input_error(
            gettext_noop("{where}: weight {value} is negative."),
            where=where,
            value=value,
        )
    return Fraction(f)


def common_denominator(weights: Iterable[int | Fraction]) -> int:
    """The least common denominator of ``weights`` (1 when all are whole)."""
    den = 1
    for e in weights:
        if type(e) is not int and e.denominator != 1:
            den = math.lcm(den, e.denominator)
    return den


def scaled_integers(weights: Sequence[int | Fraction]) -> list[int]:
    """Integers proportional to ``weights`` (scaling never changes an apportionment)."""
    den = 1
    for w in weights:
        if type(w) is not int and w.denominator != 1:
            den = math.lcm(den, w.denominator)
    if den == 1:
        return [w if type(w) is int else w.numerator for w in weights]
    return [w.numerator * (den // w.denominator) for w in weights]


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The fraction with the smallest denominator strictly between ``0 <= lo < hi``."""
    fl = math.floor(lo)
    if fl + 1 < hi:
        return Fraction(fl + 1)
    # lo, hi in [fl, fl + 1]: write x = fl + 1/y with 1/(hi - fl) < y < 1/(lo - fl)
    low_y = 1 / (hi - fl)
    if lo == fl:
        return fl + Fraction(1, math.floor(low_y) + 1)
    return fl + 1 / simplest_between(low_y, 1 / (lo - fl))


def simplest_pair(ln: int, ld: int, hn: int, hd: int) -> tuple[int, int]:
    """:func:`simplest_between` on integer pairs: the simplest ``p/q`` (lowest terms)
    with ``ln/ld < p/q < hn/hd``, for ``0 ≤ ln/ld < hn/hd`` (positive denominators).

    Iterative (a continued fraction can have more terms than Python's recursion
    limit allows); an empty interval is an error, never an endless descent."""
    if ln * hd >= hn * ld:
        raise ValueError("empty interval")
    terms: list[int] = []
    while True:
        fl = ln // ld
        if (fl + 1) * hd < hn:
            p, q = fl + 1, 1
            break
        # hn/hd ≤ fl + 1: write x = fl + 1/y with hd/(hn − fl·hd) < y < ld/(ln − fl·ld)
        yn, yd = hd, hn - fl * hd
        if ln == fl * ld:
            y = yn // yd + 1
            p, q = fl * y + 1, y
            break
        terms.append(fl)
        ln, ld, hn, hd = yn, yd, ld, ln - fl * ld
    for fl in reversed(terms):
        p, q = fl * p + q, p
    return p, q


def fraction_of(p: int, q: int) -> Fraction:
    """``p/q`` as a Fraction (a whole number without the division)."""
    return Fraction(p) if q == 1 else Fraction(p, q)


def decimal_text(value: Fraction, places: int = 4) -> str:
    """Exact decimal rendering rounded half up to ``places`` (for explanations)."""
    scaled = value * 10**places
    n = math.floor(scaled + Fraction(1, 2))
    sign = "-" if n < 0 else ""
    n = abs(n)
    whole, frac = divmod(n, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def normalise_bounds(
    names: Sequence[str],
    minimum: int | Mapping[str, int],
    maximum: int | Mapping[str, int | None] | None,
) -> tuple[list[int], list[int | None]]:
    """Each unit's minimum and maximum (None: none), refusing negative bounds and a
    maximum below its minimum."""
    if maximum is None and not isinstance(minimum, Mapping):
        low = int(minimum)
        if low < 0:
            raise input_error(
                gettext_noop("{unit}: seat bounds cannot be negative."), unit=names[0]
            )
        return [low] * len(names), [None] * len(names)
    if isinstance(minimum, Mapping):
        lo = [int(minimum.get(n, 0)) for n in names]
    else:
        lo = [int(minimum)] * len(names)
    if isinstance(maximum, Mapping):
        hi: list[int | None] = [maximum.get(n) for n in names]
    else:
        hi = [maximum] * len(names)
    for n, a, b in zip(names, lo, hi, strict=True):
        if a < 0 or (b is not None and b < 0):
            raise input_error(
                gettext_noop("{unit}: seat bounds cannot be negative."), unit=n
            )
        if b is not None and b < a:
            raise input_error(
                gettext_noop("{unit}: maximum {maximum} is below minimum {minimum}."),
                unit=n,
                maximum=b,
                minimum=a,
            )
    return lo, hi


def clamp(c: int, lo: int, hi: int | None) -> int:
    """``c`` within ``[lo, hi]`` (``hi`` None: no maximum)."""
    return max(lo, c if hi is None else min(c, hi))


def published_lot(names: Sequence[str], seats: int, seed: int) -> list[str]:
    """The published lot: ``random.Random(seed).sample(sorted(names), seats)``."""
    return random.Random(seed).sample(sorted(names), seats)


def resolve_tie(
    names: Sequence[str],
    awarded: list[int],
    out: list[int],
    tie: TieBreak,
    seed: int | None,
) -> tuple[set[int], Tie]:
    """Winners of a tie for ``len(awarded)`` seats among ``awarded + out``."""
    tied = sorted(awarded + out, key=lambda i: names[i])
    tied_names = [names[i] for i in tied]
    k = len(awarded)
    if tie is TieBreak.REFUSE or seed is None:
        raise ApportionmentTie(tied_names, k)
    winners = published_lot(tied_names, k, seed)
    by_name = {names[i]: i for i in tied}
    return {by_name[n] for n in winners}, Tie(
        tuple(tied_names), k, tuple(winners), seed
    )
