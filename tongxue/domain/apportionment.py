"""Seat apportionment with exact arithmetic (CON-3, CON-4 · GS-8, CQ-3).

A congress's seats are shared among units (departments, grades, clubs, schools) in
proportion to their weights (usually students served). This module implements the five
classic methods and the biproportional (double proportional) method, with:

* exact arithmetic only: weights are ``int`` or :class:`fractions.Fraction` (or anything
  ``Fraction`` accepts exactly, such as ``Decimal`` or the string ``"12.5"``); floats are
  used only to *estimate* a divisor, every decision is taken on integers/fractions;
* minimum and maximum seats per unit (CON-4: every department at least one seat);
* ties for the last seat(s) detected and reported, and resolved only by an explicit policy:
  ``refuse`` (raise :class:`ApportionmentTie`) or ``lot`` with a published integer seed
  (``random.Random(seed).sample(sorted(tied unit names), seats)``), never by list order;
* an explanation with every result (:func:`explanation_rows`).

Methods (signposts ``d(k)``: a unit with quotient ``w/D`` gets its ``k+1``-th seat when the
quotient reaches ``d(k)``; its priority for that seat is ``w/d(k)``):

* Hamilton (largest remainder): floor of the quota ``w·H/W``, remaining seats by largest
  remainder;
* D'Hondt (Jefferson): ``d(k) = k+1`` (round down);
* Sainte-Laguë (Webster): ``d(k) = k+½`` (standard rounding);
* Huntington–Hill (equal proportions): ``d(k) = √(k(k+1))``, compared exactly through
  squares: priority² = ``w²/(k(k+1))``;
* Adams: ``d(k) = k`` (round up).

Adams and Huntington–Hill give every unit of positive weight a first seat.
This module is pure Python (standard library only).
"""

from __future__ import annotations

import enum
import heapq
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, partial
from itertools import chain, repeat
from operator import floordiv, le, mod, mul, truediv
from typing import Any, cast

from tongxue.domain.findings import Message, gettext_noop

__all__ = [
    "Apportionment",
    "ApportionmentError",
    "ApportionmentTie",
    "Biproportional",
    "Method",
    "Tie",
    "TieBreak",
    "UnitSeats",
    "apportion",
    "biproportional",
    "explanation_rows",
]

Number = int | Fraction | Decimal | str


class Method(enum.StrEnum):
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


def _err(text: str, **params: Any) -> ApportionmentError:
    return ApportionmentError(Message(text, params))


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie for the last ``seats`` seat(s) among ``units``, resolved by lot."""

    units: tuple[str, ...]
    seats: int
    winners: tuple[str, ...]
    seed: int


@dataclass(slots=True)
class _Context:
    """Numbers shared by every line of one result (the lines compute lazily)."""

    method: Method
    house: int
    total: int  # sum of the scaled weights
    scale: Fraction  # scaled weight = weight × scale
    ws: list[int]
    lo: list[int]
    hi: list[int | None]
    seats: list[int]
    floors: list[int | None]
    qnum: list[int]  # Hamilton: quota numerators over qden among free units
    qden: int
    ranks: list[int | None]
    extra: int
    t: Fraction | None  # lowest awarded priority (real units; HH squared)
    u: Fraction | None  # highest priority left out
    tie: Tie | None


@dataclass(frozen=True, slots=True)
class UnitSeats:
    """One unit's line of the result (its explanation is computed on demand).

    ``quota`` is ``weight × house / total weight``. Hamilton: ``floor_seats`` and
    ``remainder`` are those of the quota among the units not fixed at a bound (the plain
    quota when no bound binds) and ``remainder_rank`` its rank, 1 = largest. Divisor
    methods: ``priority`` is the priority of the unit's last seat above its minimum and
    ``next_priority`` that of its next seat; for Huntington–Hill both are squared.
    """

    index: int
    unit: str
    weight: int | Fraction
    seats: int
    _ctx: _Context = field(repr=False, compare=False)

    @property
    def minimum(self) -> int:
        return self._ctx.lo[self.index]

    @property
    def maximum(self) -> int | None:
        return self._ctx.hi[self.index]

    @property
    def quota(self) -> Fraction:
        c = self._ctx
        return Fraction(c.ws[self.index] * c.house, c.total or 1)

    @property
    def floor_seats(self) -> int | None:
        return self._ctx.floors[self.index]

    @property
    def remainder(self) -> Fraction | None:
        c = self._ctx
        fl = c.floors[self.index]
        if fl is None:
            return None
        return Fraction(c.qnum[self.index] - fl * c.qden, c.qden)

    @property
    def remainder_rank(self) -> int | None:
        return self._ctx.ranks[self.index]

    def _pkey(self, k: int) -> Fraction:
        c = self._ctx
        ps = c.scale**2 if c.method is Method.HUNTINGTON_HILL else c.scale
        return _key(c.method, c.ws[self.index], k) / ps

    @property
    def priority(self) -> Fraction | None:
        c, i = self._ctx, self.index
        if not c.method.is_divisor or not c.ws[i] or self.seats <= c.lo[i]:
            return None
        return self._pkey(self.seats - 1)

    @property
    def next_priority(self) -> Fraction | None:
        c, i = self._ctx, self.index
        h = c.hi[i]
        if (
            not c.method.is_divisor
            or not c.ws[i]
            or (h is not None and self.seats >= h)
        ):
            return None
        return self._pkey(self.seats)

    @property
    def why(self) -> Message | None:
        c = self._ctx
        if c.method is Method.HAMILTON:
            rem = self.remainder
            return _hamilton_why(
                self.seats,
                self.minimum,
                self.maximum,
                self.floor_seats,
                self.remainder_rank,
                rem if rem is not None else Fraction(0),
                c.extra,
                c.tie,
                self.unit,
            )
        return _divisor_why(
            c.method,
            self.seats,
            self.minimum,
            self.maximum,
            self.priority,
            self.next_priority,
            c.t,
            c.u,
            c.tie,
            self.unit,
        )


@dataclass(frozen=True)
class Apportionment:
    """A result and its explanation.

    For divisor methods every divisor ``D`` with ``low < D ≤ high``
    (``divisor_interval``) gives these seats as ``clamp(round(w/D), min, max)``;
    ``divisor`` is the simplest fraction in that interval. For Huntington–Hill the
    interval bounds are squared divisors (``divisor`` itself is not squared).
    """

    method: Method
    house: int
    names: tuple[str, ...]
    weights: tuple[int | Fraction, ...]
    allocation: tuple[int, ...]
    divisor: Fraction | None = None
    divisor_interval: tuple[Fraction | None, Fraction | None] | None = None
    tie: Tie | None = None
    tie_break: TieBreak = TieBreak.REFUSE
    _ctx: _Context | None = field(default=None, repr=False, compare=False)

    @property
    def seats(self) -> dict[str, int]:
        return dict(zip(self.names, self.allocation, strict=True))

    @cached_property
    def units(self) -> tuple[UnitSeats, ...]:
        """One line per unit, in input order (built on first use)."""
        ctx = self._ctx
        assert ctx is not None
        return tuple(
            UnitSeats(i, n, w, s, ctx)
            for i, (n, w, s) in enumerate(
                zip(self.names, self.weights, self.allocation, strict=True)
            )
        )


# --------------------------------------------------------------------------- helpers


def _fraction(value: object, where: str) -> Fraction:
    if isinstance(value, (bool, float)):
        raise _err(
            gettext_noop("{where}: weight {value!r} must be exact (int, Fraction)."),
            where=where,
            value=value,
        )
    try:
        f = Fraction(value)  # type: ignore[call-overload]
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        raise _err(
            gettext_noop("{where}: weight {value!r} is not a number."),
            where=where,
            value=value,
        ) from None
    if f < 0:
        raise _err(
            gettext_noop("{where}: weight {value} is negative."),
            where=where,
            value=value,
        )
    return Fraction(f)


def _scaled(weights: Sequence[int | Fraction]) -> list[int]:
    """Integers proportional to ``weights`` (scaling never changes an apportionment)."""
    den = 1
    for w in weights:
        if type(w) is not int and w.denominator != 1:
            den = math.lcm(den, w.denominator)
    if den == 1:
        return [w if type(w) is int else w.numerator for w in weights]
    return [w.numerator * (den // w.denominator) for w in weights]


def _simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The fraction with the smallest denominator strictly between ``0 <= lo < hi``."""
    fl = math.floor(lo)
    if fl + 1 < hi:
        return Fraction(fl + 1)
    # lo, hi in [fl, fl + 1]: write x = fl + 1/y with 1/(hi - fl) < y < 1/(lo - fl)
    low_y = 1 / (hi - fl)
    if lo == fl:
        return fl + Fraction(1, math.floor(low_y) + 1)
    return fl + 1 / _simplest_between(low_y, 1 / (lo - fl))


def _fmt(value: Fraction, places: int = 4) -> str:
    """Exact decimal rendering rounded half up to ``places`` (for explanations)."""
    scaled = value * 10**places
    n = math.floor(scaled + Fraction(1, 2))
    sign = "-" if n < 0 else ""
    n = abs(n)
    whole, frac = divmod(n, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def _normalise_bounds(
    names: Sequence[str],
    minimum: int | Mapping[str, int],
    maximum: int | Mapping[str, int | None] | None,
) -> tuple[list[int], list[int | None]]:
    if maximum is None and not isinstance(minimum, Mapping):
        low = int(minimum)
        if low < 0:
            raise _err(
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
            raise _err(gettext_noop("{unit}: seat bounds cannot be negative."), unit=n)
        if b is not None and b < a:
            raise _err(
                gettext_noop("{unit}: maximum {maximum} is below minimum {minimum}."),
                unit=n,
                maximum=b,
                minimum=a,
            )
    return lo, hi


# ------------------------------------------------------------------ divisor methods


def _raw_count(method: Method, w: int, num: int, den: int) -> int:
    """Seats whose priority is ≥ the divisor ``num/den`` (unit of weight ``w > 0``)."""
    if method is Method.DHONDT:
        return (w * den) // num
    if method is Method.SAINTE_LAGUE:
        return (2 * w * den // num + 1) // 2
    if method is Method.ADAMS:
        return (w * den) // num + 1
    f = (w * den) ** 2 // num**2
    return 1 + (math.isqrt(4 * f + 1) - 1) // 2


def _key(method: Method, w: int, k: int) -> Fraction:
    """Exact priority of seat index ``k`` (the ``k+1``-th seat); squared for HH."""
    if method is Method.DHONDT:
        return Fraction(w, k + 1)
    if method is Method.SAINTE_LAGUE:
        return Fraction(2 * w, 2 * k + 1)
    if method is Method.ADAMS:
        return Fraction(w, k)
    return Fraction(w * w, k * (k + 1))


_TOL = 1e-9


def _fkeys(
    method: Method, wf: list[float], idx: Sequence[int], ks: list[int]
) -> list[float]:
    """Float priorities of seat index ``ks[n]`` of unit ``idx[n]`` (shortlisting only)."""
    pairs = zip(map(wf.__getitem__, idx), ks, strict=True)
    if method is Method.DHONDT:
        return [w / (k + 1) for w, k in pairs]
    if method is Method.SAINTE_LAGUE:
        return [w / (k + 0.5) for w, k in pairs]
    if method is Method.ADAMS:
        return [w / k for w, k in pairs]
    return [w * w / (k * (k + 1)) for w, k in pairs]


def _extreme(
    idx: list[int], floats: list[float], key: Callable[[int], Fraction], largest: bool
) -> tuple[Fraction | None, list[int]]:
    """Exact max (or min) of ``key`` over ``idx`` and the indices attaining it.

    Floats (``floats[n]`` for ``idx[n]``) only shortlist: every index within a relative
    1e-9 of the float extreme is compared exactly.
    """
    if not idx:
        return None, []
    if largest:
        best = max(floats)
        cut = best * (1 - _TOL)
        if sum(map(cut.__le__, floats)) == 1:  # the usual case: one candidate
            i = idx[floats.index(best)]
            return key(i), [i]
        else:
            short = [i for f, i in zip(floats, idx, strict=True) if f >= cut]
    else:
        best = min(floats)
        cut = best * (1 + _TOL)
        if sum(map(cut.__ge__, floats)) == 1:
            i = idx[floats.index(best)]
            return key(i), [i]
        else:
            short = [i for f, i in zip(floats, idx, strict=True) if f <= cut]
    exact = [(key(i), i) for i in short]
    value = max(e[0] for e in exact) if largest else min(e[0] for e in exact)
    return value, [i for e, i in exact if e == value]


def _select(
    cand: list[int],
    r: int,
    first: Callable[[int], int],
    ks: list[int],
    step: int,
    method: Method,
    ws: list[int],
    wf: list[float],
    limit: Callable[[int, int], bool],
) -> dict[int, int]:
    """Move ``r`` seats: the ``r`` highest next priorities (``step=+1``) or the ``r``
    lowest last priorities (``step=-1``); ``ks`` holds ``first(i)`` for the candidates
    ``cand``. Returns seat changes per unit."""
    largest = step > 0
    fk = list(zip(_fkeys(method, wf, cand, ks), cand, strict=True))
    pick = heapq.nlargest(r, fk) if largest else heapq.nsmallest(r, fk)
    edge = pick[-1][0]
    if largest:
        short = [i for f, i in fk if f >= edge * (1 - _TOL)]
    else:
        short = [i for f, i in fk if f <= edge * (1 + _TOL)]
    sign = -1 if largest else 1
    heap = [(sign * _key(method, ws[i], first(i)), i, first(i)) for i in short]
    heapq.heapify(heap)
    moved: dict[int, int] = {}
    for _ in range(r):
        _, i, k = heapq.heappop(heap)
        moved[i] = moved.get(i, 0) + step
        k2 = k + step
        if limit(i, k2):
            heapq.heappush(heap, (sign * _key(method, ws[i], k2), i, k2))
    return moved


def _float_counts(
    method: Method,
    x: float,
    wf: list[float],
    lo: list[int] | None,
    hi: list[int | None] | None,
    uniform: bool = False,
) -> list[int]:
    """Seats at the float divisor ``1/x``, clamped to the bounds (``None``: no bound);
    a proposal only. A weight of zero gets no seat above its minimum (``0·x`` is
    exact). ``uniform``: every minimum is ``lo[0]`` (then the clamping pass runs only
    when some count is below it)."""
    counts = _float_rounding(method, x, wf)
    if lo is not None:
        if not uniform:
            counts = [c if c > b else b for c, b in zip(counts, lo, strict=True)]
        elif min(counts) < lo[0]:
            b = lo[0]
            counts = [c if c > b else b for c in counts]
    if hi is not None:
        counts = [
            c if h is None or c <= h else h for c, h in zip(counts, hi, strict=True)
        ]
    return counts


def _float_rounding(method: Method, x: float, wf: list[float]) -> list[int]:
    """The method's rounding of the float quotients ``w·x`` (a proposal only)."""
    if method is Method.DHONDT:
        counts = [int(w * x) for w in wf]  # q ≥ 0: int() is the floor
    elif method is Method.SAINTE_LAGUE:
        counts = [int(w * x + 0.5) for w in wf]
    elif method is Method.ADAMS:
        counts = [math.ceil(w * x) for w in wf]
    else:
        # q > √(k(k+1)) ⟺ q² + ¼ > (k + ½)²: the seats are ⌊√(q² + ¼) + ½⌋ (one at
        # least for q > 0, none for a weight of zero)
        x2 = x * x
        sqrt = math.sqrt
        counts = [int(sqrt(w * w * x2 + 0.25) + 0.5) if w else 0 for w in wf]
    return counts


def _estimate(
    method: Method,
    wf: list[float],
    lo: list[int],
    hi: list[int | None] | None,
    house: int,
) -> tuple[float, list[int], int]:
    """A float divisor, the (clamped) seats it gives, summing close to ``house``, and
    how far their sum is from it (``hi`` None: no maximums).

    Estimate only: the seats are a proposal that :func:`_divisor` completes and checks
    exactly. The divisor is searched as ``x = 1/D`` by interpolation between a point
    giving too few seats and one giving too many, until the seats are within
    ``max(3, units/20)`` of the house (the last ones are cheaper to move one by one) or
    after 6 evaluations; the best point seen is returned.
    """
    uniform = lo.count(lo[0]) == len(lo)
    lo_b = lo if lo[0] or not uniform else None
    hi_b = hi if hi is not None and hi.count(None) != len(hi) else None
    total = sum(wf)
    if method is Method.DHONDT:
        target = house + (len(wf) - wf.count(0.0)) / 2
    elif method is Method.ADAMS:
        target = house - (len(wf) - wf.count(0.0)) / 2
    else:
        target = house
    x = (target if target > 0 else max(house, 1)) / total
    counts = _float_counts(method, x, wf, lo_b, hi_b, uniform)
    s = sum(counts)
    best = (abs(s - house), x, counts)
    below: tuple[float, int] | None = None  # (x, seats) with too few seats
    above: tuple[float, int] | None = None  # and too many
    # moving a seat by exact priorities costs about what one evaluation costs for
    # 20 units
    enough = max(3, len(wf) // 20)
    for _ in range(5):
        if abs(s - house) <= enough:
            break
        if s < house:
            below = (x, s)
        else:
            above = (x, s)
        if below is not None and above is not None:
            (xa, sa), (xb, sb) = below, above
            x2 = xa + (xb - xa) * (house - sa) / (sb - sa)
            if not xa < x2 < xb:
                x2 = (xa + xb) / 2
        else:
            x2 = x + (house - s) / total
        if not math.isfinite(x2) or x2 <= 0 or x2 == x:
            break
        x = x2
        counts = _float_counts(method, x, wf, lo_b, hi_b, uniform)
        s = sum(counts)
        if abs(s - house) < best[0]:
            best = (abs(s - house), x, counts)
    return 1 / best[1], best[2], best[0]


def _clamp(c: int, lo: int, hi: int | None) -> int:
    return max(lo, c if hi is None else min(c, hi))


def _tied_lot(names: Sequence[str], seats: int, seed: int) -> list[str]:
    """The published lot: ``random.Random(seed).sample(sorted(names), seats)``."""
    return random.Random(seed).sample(sorted(names), seats)


def _resolve(
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
    winners = _tied_lot(tied_names, k, seed)
    by_name = {names[i]: i for i in tied}
    return {by_name[n] for n in winners}, Tie(
        tuple(tied_names), k, tuple(winners), seed
    )


def _divisor(
    method: Method,
    names: Sequence[str],
    ws: list[int],
    house: int,
    lo: list[int],
    hi: list[int | None],
    tie: TieBreak,
    seed: int | None,
    resolver: Callable[[list[int], list[int]], set[int]] | None = None,
) -> tuple[list[int], Fraction | None, Fraction | None, Tie | None]:
    """Seats, interval ``(u, t]`` of (squared for HH) divisors, and the tie if any.

    The usual case (every weight > 0, no maximums, equal minimums, up to
    ``_PLAIN_UNITS`` units): one pass proposes the seats at ``house / total`` and lists
    their float priorities (:func:`_float_plain`); within ``_FLOAT_MOVES`` seats of the
    house, :func:`_certify_plain` moves the last ones and proves the result in integers
    or hands it on. Otherwise floats propose: :func:`_estimate` finds a divisor and the
    seats it gives, and the last few seats are moved by float priorities
    (:func:`_fit_float`: up to ``_FLOAT_MOVES`` seats, no maximums) or else by exact
    ones (:func:`_fit`, a heap over the shortlisted units). The result is then
    checked exactly: ``t`` (lowest awarded priority) ≥ ``u`` (highest left out) means the
    seats are the divisor method's (``t = u`` is a tie). Should a float have rounded a
    quotient to the wrong side of a signpost (``t < u``), the seats are recomputed from
    the estimated divisor in exact arithmetic (:func:`_raw_count`) and checked again.
    """
    n = len(ws)
    top = max(ws) or 1
    wf = [w / top for w in ws]  # int / int is correctly rounded, never overflows
    plain = hi.count(None) == n
    estimate = None
    if plain and 0 not in ws and sum(lo) < house < 2**50:
        # the usual case: every weight > 0, no maximums (and for Adams and HH,
        # minimums of one seat at least, set by apportion)
        b = lo[0]
        if n <= _PLAIN_UNITS and lo.count(b) == n and (b or method in _ROUND_DOWN):
            # one pass proposes the seats and lists their float priorities
            target = float(house)
            if method is Method.DHONDT:
                target += n / 2
            elif method is Method.ADAMS and house > n / 2:
                target -= n / 2
            seats, nxt, last = _float_plain(method, target / sum(wf), wf, b)
            if abs(sum(seats) - house) <= _FLOAT_MOVES:
                found_tu = _certify_plain(method, ws, wf, lo, seats, house, nxt, last)
                if found_tu is not None:
                    return seats, found_tu[1], found_tu[0], None
        estimate = _estimate(method, wf, lo, None, house)
        if estimate[2] <= _FLOAT_MOVES and (method in _ROUND_DOWN or min(lo) > 0):
            seats = estimate[1]
            found_tu = _certify_plain(method, ws, wf, lo, seats, house)
            if found_tu is not None:
                return seats, found_tu[1], found_tu[0], None
    if plain and 0 not in ws:
        free = list(range(n))
    else:
        free = [i for i in range(n) if ws[i] > 0 and (hi[i] is None or hi[i] > lo[i])]  # type: ignore[operator]
    d = 1.0
    proposed = house > sum(lo) and bool(free)
    if proposed:
        d, seats, r = estimate or _estimate(method, wf, lo, hi, house)
        if r <= _FLOAT_MOVES and plain:
            t, t_units, u, u_units = _fit_float(method, ws, wf, lo, free, seats, house)
        else:
            _fit(method, ws, wf, lo, hi, free, seats, house)
            t, t_units, u, u_units = _bounds(method, ws, wf, lo, hi, free, seats)
    else:
        seats = list(lo)
        t, t_units, u, u_units = _bounds(method, ws, wf, lo, hi, free, seats)
    if proposed and t is not None and u is not None and t < u:
        # a float rounded a quotient the wrong way: exact seats at the same divisor
        dq = Fraction(d) * top
        num, den = dq.numerator, dq.denominator
        for i in range(n):
            if ws[i] > 0:
                seats[i] = _clamp(_raw_count(method, ws[i], num, den), lo[i], hi[i])
            else:
                seats[i] = lo[i]
        _fit(method, ws, wf, lo, hi, free, seats, house)
        t, t_units, u, u_units = _bounds(method, ws, wf, lo, hi, free, seats)
    found: Tie | None = None
    if t is not None and u is not None and t == u:
        if resolver is not None:
            winners = resolver(t_units, u_units)
        else:
            winners, found = _resolve(names, t_units, u_units, tie, seed)
        for i in t_units:
            if i not in winners:
                seats[i] -= 1
        for i in u_units:
            if i in winners:
                seats[i] += 1
    return seats, u, t, found


#: at most this many seats are moved by float priorities alone (then checked exactly)
_FLOAT_MOVES = 8


def _fkey(method: Method, w: float, k: int) -> float:
    """Float priority of seat index ``k`` of a unit of float weight ``w``."""
    if method is Method.DHONDT:
        return w / (k + 1)
    if method is Method.SAINTE_LAGUE:
        return w / (k + 0.5)
    if method is Method.ADAMS:
        return w / k
    return w * w / (k * (k + 1))


def _fit_float(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    free: list[int],
    seats: list[int],
    house: int,
) -> tuple[Fraction | None, list[int], Fraction | None, list[int]]:
    """Move seats, in place, by float priorities until they sum to ``house`` (no
    maximums), then return :func:`_bounds` computed exactly from the same float lists.

    The moves are a proposal only: :func:`_divisor` accepts the seats only when the
    exact ``t`` (lowest awarded priority) is not below the exact ``u`` (highest left
    out)."""
    if len(free) == len(seats):
        wsel, ssel, lsel = wf, seats, lo
    else:
        wsel = list(map(wf.__getitem__, free))
        ssel = list(map(seats.__getitem__, free))
        lsel = list(map(lo.__getitem__, free))
    nxt = _fkeys(method, wsel, range(len(free)), ssel)
    inf = math.inf
    held = zip(wsel, ssel, lsel, strict=True)
    # the last seat's priority, ∞ for a unit at its minimum
    if method is Method.DHONDT:
        last = [w / k if k > b else inf for w, k, b in held]
    elif method is Method.SAINTE_LAGUE:
        last = [w / (k - 0.5) if k > b else inf for w, k, b in held]
    elif method is Method.ADAMS:
        last = [w / (k - 1) if k > b else inf for w, k, b in held]
    else:
        last = [w * w / ((k - 1) * k) if k > b else inf for w, k, b in held]
    s = sum(seats)
    for _ in range(house - s):  # the highest next priority takes a seat
        j = nxt.index(max(nxt))
        i = free[j]
        seats[i] += 1
        last[j] = nxt[j]
        nxt[j] = _fkey(method, wf[i], seats[i])
    for _ in range(s - house):  # the lowest last priority gives its seat up
        j = last.index(min(last))
        i = free[j]
        seats[i] -= 1
        nxt[j] = last[j]
        last[j] = math.inf if seats[i] <= lo[i] else _fkey(method, wf[i], seats[i] - 1)
    if min(last, default=math.inf) == math.inf:
        t: Fraction | None = None
        t_units: list[int] = []
    else:
        t, t_units = _extreme(
            free,
            last,
            lambda i: _key(method, ws[i], seats[i] - 1),
            largest=False,
        )
    u, u_units = _extreme(
        free, nxt, lambda i: _key(method, ws[i], seats[i]), largest=True
    )
    return t, t_units, u, u_units


#: floats below this are not trusted to be relatively close to what they stand for
#: (subnormal numbers lose precision)
_FLOAT_NORMAL = 1e-280


#: the one-pass proposal of :func:`_float_plain` is tried up to this many units (on
#: larger inputs the first guess is rarely within ``_FLOAT_MOVES`` seats)
_PLAIN_UNITS = 256
#: the methods whose rounding needs no minimum to keep priorities finite
_ROUND_DOWN = (Method.DHONDT, Method.SAINTE_LAGUE)


def _float_plain(
    method: Method, x: float, wf: list[float], b: int
) -> tuple[list[int], list[float], list[float]]:
    """In one pass: the seats at the float divisor ``1/x`` (at least ``b`` each; every
    weight > 0, ``b`` ≥ 1 for Adams and HH), each unit's float priority for its next
    seat and that of its last seat above ``b`` (∞ at ``b``). A proposal only, but the
    priorities are those of the proposed seats (:func:`_certify_plain` relies on it)."""
    seats: list[int] = []
    nxt: list[float] = []
    last: list[float] = []
    add_s, add_n, add_l = seats.append, nxt.append, last.append
    inf = math.inf
    if method is Method.HUNTINGTON_HILL and b == 1:  # the usual minimum
        x2 = x * x
        sqrt = math.sqrt
        for w in wf:
            v = w * w
            k = int(
                sqrt(v * x2 + 0.25) + 0.5
            )  # ⌊√(q² + ¼) + ½⌋ ≥ 1, see _float_rounding
            add_s(k)
            add_n(v / (k * (k + 1)))
            add_l(v / ((k - 1) * k) if k > 1 else inf)
    elif method is Method.HUNTINGTON_HILL:
        x2 = x * x
        sqrt = math.sqrt
        for w in wf:
            v = w * w
            k = int(sqrt(v * x2 + 0.25) + 0.5)
            if k < b:
                k = b
            add_s(k)
            add_n(v / (k * (k + 1)))
            add_l(v / ((k - 1) * k) if k > b else inf)
    elif method is Method.SAINTE_LAGUE:
        for w in wf:
            k = int(w * x + 0.5)
            if k < b:
                k = b
            add_s(k)
            add_n(w / (k + 0.5))
            add_l(w / (k - 0.5) if k > b else inf)
    elif method is Method.DHONDT:
        for w in wf:
            k = int(w * x)
            if k < b:
                k = b
            add_s(k)
            add_n(w / (k + 1))
            add_l(w / k if k > b else inf)
    else:
        ceil = math.ceil
        for w in wf:
            k = ceil(w * x)
            if k < b:
                k = b
            add_s(k)
            add_n(w / k)
            add_l(w / (k - 1) if k > b else inf)
    return seats, nxt, last


def _certify_plain(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    seats: list[int],
    house: int,
    nxt: list[float] | None = None,
    last: list[float] | None = None,
) -> tuple[Fraction, Fraction] | None:
    """The usual case of :func:`_divisor` (every weight > 0, no maximums, minimums of
    one seat at least for Adams and Huntington–Hill, seats within ``_FLOAT_MOVES`` of
    the house): move seats, in place, by float priorities until they sum to ``house``,
    then certify them in integers.

    Returns ``(t, u)``, the exact lowest awarded priority and the exact highest
    priority left out (squared for HH), when ``t > u``: then the seats are the divisor
    method's, with no tie. None otherwise (``t ≤ u``, or floats out of their safe
    range); the seats, still summing to ``house``, are then only a proposal for the
    general path. Floats only shortlist: each float priority is within a few roundings
    (relative 10⁻¹⁵) of the exact one while it is a normal float, so every unit within
    a relative 10⁻⁹ of the float extreme is compared exactly, by integer cross
    products."""
    inf = math.inf
    held = zip(wf, seats, lo, strict=True)
    # next priority of each unit, and that of its last seat (∞ at its minimum)
    if nxt is not None and last is not None:
        pass  # listed with the seats by _float_plain
    elif method is Method.DHONDT:
        nxt = [w / (k + 1) for w, k in zip(wf, seats, strict=True)]
        last = [w / k if k > b else inf for w, k, b in held]
    elif method is Method.SAINTE_LAGUE:
        nxt = [w / (k + 0.5) for w, k in zip(wf, seats, strict=True)]
        last = [w / (k - 0.5) if k > b else inf for w, k, b in held]
    elif method is Method.ADAMS:
        nxt = [w / k for w, k in zip(wf, seats, strict=True)]
        last = [w / (k - 1) if k > b else inf for w, k, b in held]
    else:
        nxt = [w * w / (k * (k + 1)) for w, k in zip(wf, seats, strict=True)]
        last = [w * w / ((k - 1) * k) if k > b else inf for w, k, b in held]
    s = sum(seats)
    # the r highest next priorities take a seat each, or the r lowest last priorities
    # give theirs up (one sort finds them; should a unit deserve two, the check below
    # fails and the general path decides)
    if abs(s - house) > len(nxt):
        return None
    if s < house:
        for f in sorted(nxt)[s - house :]:
            j = nxt.index(f)
            seats[j] += 1
            last[j] = f
            nxt[j] = _fkey(method, wf[j], seats[j])
    elif s > house:
        for f in sorted(last)[: s - house]:
            if f == inf:  # fewer units than seats to give up: not the usual case
                return None
            j = last.index(f)
            seats[j] -= 1
            nxt[j] = f
            last[j] = inf if seats[j] <= lo[j] else _fkey(method, wf[j], seats[j] - 1)
    # the exact highest next priority un/ud: usually one unit is within 10⁻⁹ of the
    # float maximum (the runner-up is below), else all those units are compared
    top = max(nxt)
    j = nxt.index(top)
    nxt[j] = -1.0
    near = max(nxt) >= top * (1 - _TOL)
    nxt[j] = top
    un, ud = _key_pair(method, ws[j], seats[j])
    if near:
        cut = top * (1 - _TOL)
        for j, f in enumerate(nxt):
            if f >= cut:
                a, b = _key_pair(method, ws[j], seats[j])
                if a * ud > un * b:
                    un, ud = a, b
    # and the exact lowest priority awarded tn/td
    low = min(last)
    if not (top > _FLOAT_NORMAL and _FLOAT_NORMAL < low < inf):
        return None
    j = last.index(low)
    last[j] = inf
    near = min(last) <= low * (1 + _TOL)
    last[j] = low
    tn, td = _key_pair(method, ws[j], seats[j] - 1)
    if near:
        cut = low * (1 + _TOL)
        for j, f in enumerate(last):
            if f <= cut:
                a, b = _key_pair(method, ws[j], seats[j] - 1)
                if a * td < tn * b:
                    tn, td = a, b
    if tn * ud <= un * td:  # t ≤ u: a tie, or floats rounded the wrong way
        return None
    return Fraction(tn, td), Fraction(un, ud)


def _key_pair(method: Method, w: int, k: int) -> tuple[int, int]:
    """:func:`_key` as an integer pair ``(numerator, denominator)``, not reduced."""
    if method is Method.DHONDT:
        return w, k + 1
    if method is Method.SAINTE_LAGUE:
        return 2 * w, 2 * k + 1
    if method is Method.ADAMS:
        return w, k
    return w * w, k * (k + 1)


def _fit(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    hi: list[int | None],
    free: list[int],
    seats: list[int],
    house: int,
) -> None:
    """Move seats, in place, by exact priorities until they sum to ``house``."""
    s = sum(seats)

    def can_add(i: int, k: int) -> bool:
        h = hi[i]
        return h is None or k < h

    def can_remove(i: int, k: int) -> bool:
        return k >= lo[i]

    if s < house:
        if hi.count(None) != len(hi):
            cand = [i for i in free if can_add(i, seats[i])]
        else:
            cand = free
        ks = list(map(seats.__getitem__, cand))
        moved = _select(
            cand, house - s, seats.__getitem__, ks, 1, method, ws, wf, can_add
        )
    elif s > house:
        cand = [i for i in free if seats[i] > lo[i]]
        ks = list(map((-1).__add__, map(seats.__getitem__, cand)))
        moved = _select(
            cand, s - house, lambda i: seats[i] - 1, ks, -1, method, ws, wf, can_remove
        )
    else:
        return
    for i, mv in moved.items():
        seats[i] += mv


def _bounds(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    hi: list[int | None],
    free: list[int],
    seats: list[int],
) -> tuple[Fraction | None, list[int], Fraction | None, list[int]]:
    """Exact lowest awarded priority ``t`` and highest priority left out ``u`` (with the
    units attaining them) among the units free to move."""
    if hi.count(None) != len(hi):
        out_idx = [i for i in free if hi[i] is None or seats[i] < hi[i]]  # type: ignore[operator]
    else:
        out_idx = free
    if any(lo):
        awarded_idx = [i for i in free if seats[i] > lo[i]]
    else:
        awarded_idx = [i for i in free if seats[i]]
    t, t_units = _extreme(
        awarded_idx,
        _fkeys(
            method,
            wf,
            awarded_idx,
            list(map((-1).__add__, map(seats.__getitem__, awarded_idx))),
        ),
        lambda i: _key(method, ws[i], seats[i] - 1),
        largest=False,
    )
    u, u_units = _extreme(
        out_idx,
        _fkeys(method, wf, out_idx, list(map(seats.__getitem__, out_idx))),
        lambda i: _key(method, ws[i], seats[i]),
        largest=True,
    )
    return t, t_units, u, u_units


def _hamilton(
    names: Sequence[str],
    ws: list[int],
    house: int,
    lo: list[int],
    hi: list[int | None],
    tie: TieBreak,
    seed: int | None,
) -> tuple[
    list[int], list[int], int, list[int | None], list[int | None], int, Tie | None
]:
    """Seats, quota numerators over a common denominator, floors, remainder ranks, the
    number of extra seats and the tie if any. Integers only: floor quotas ``w·h // W``
    and remainders ``w·h % W`` are compared as integers."""
    n = len(ws)
    fixed: list[int | None] = [None] * n
    bounded = any(lo) or hi.count(None) != len(hi)
    if not bounded and 0 not in ws:  # the usual case: every unit is free
        rest, free, total = house, list(range(n)), sum(ws)
    else:
        rest, free, total = _hamilton_free(ws, house, lo, hi, fixed, bounded)
    seats = [f if f is not None else 0 for f in fixed]
    floors: list[int | None] = [None] * n
    ranks: list[int | None] = [None] * n
    qnum = [0] * n
    qden = 1
    extra = 0
    found: Tie | None = None
    if free:
        qden = total
        everyone = len(free) == n
        qf = list(map(rest.__mul__, ws if everyone else [ws[i] for i in free]))
        fl = list(map(floordiv, qf, repeat(total)))
        rm = list(map(mod, qf, repeat(total)))
        if everyone:
            qnum = qf
            seats = list(fl)
            floors = list(fl)
        else:
            for i, q, f in zip(free, qf, fl, strict=True):
                qnum[i] = q
                seats[i] = f
                floors[i] = f
        if bounded:
            eligible = [k for k, i in enumerate(free) if hi[i] is None or fl[k] < hi[i]]
        else:
            eligible = list(range(len(free)))
        # by remainder, largest first; equal remainders keep input order (stable)
        eligible.sort(key=rm.__getitem__, reverse=True)
        order = eligible if everyone else [free[k] for k in eligible]
        rems = list(map(rm.__getitem__, eligible))
        for rank, i in enumerate(order, 1):
            ranks[i] = rank
        extra = rest - sum(fl)
        if extra > len(order):
            raise _err(
                gettext_noop("{house} seats cannot be placed within the maximums."),
                house=house,
            )
        if 0 < extra < len(order) and rems[extra - 1] == rems[extra]:
            edge = rems[extra]
            awarded = [
                i for r, i in zip(rems[:extra], order[:extra], strict=True) if r == edge
            ]
            out = [
                i for r, i in zip(rems[extra:], order[extra:], strict=True) if r == edge
            ]
            winners, found = _resolve(names, awarded, out, tie, seed)
            top = [
                i for r, i in zip(rems[:extra], order[:extra], strict=True) if r != edge
            ] + sorted(winners)
        else:
            top = order[:extra]
        for i in top:
            seats[i] += 1
    return seats, qnum, qden, floors, ranks, extra, found


def _hamilton_free(
    ws: list[int],
    house: int,
    lo: list[int],
    hi: list[int | None],
    fixed: list[int | None],
    bounded: bool,
) -> tuple[int, list[int], int]:
    """Fix, in place, the units held at a bound (zero weight, ``min = max``, or a quota
    outside the bounds, repeated until none changes); returns the seats left for the
    free units, those units and their total weight."""
    n = len(ws)
    for i in range(n):
        if ws[i] == 0 or (hi[i] is not None and hi[i] == lo[i]):
            fixed[i] = lo[i]
    while True:
        rest = house - sum(f for f in fixed if f is not None)
        free = [i for i in range(n) if fixed[i] is None]
        total = sum(ws[i] for i in free)
        if not free:
            if rest != 0:
                raise _err(
                    gettext_noop("{house} seats cannot be placed within the maximums."),
                    house=house,
                )
            break
        if not bounded:  # no bound can bind
            break
        changed = False
        for i in free:
            h = hi[i]
            if ws[i] * rest < lo[i] * total:
                fixed[i] = lo[i]
                changed = True
            elif h is not None and ws[i] * rest > h * total:
                fixed[i] = h
                changed = True
        if not changed:
            break
    return rest, free, total


def apportion(
    units: Sequence[tuple[str, Number]] | Mapping[str, Number],
    seats: int,
    *,
    method: Method | str,
    minimum: int | Mapping[str, int] = 0,
    maximum: int | Mapping[str, int | None] | None = None,
    tie: TieBreak | str = TieBreak.REFUSE,
    seed: int | None = None,
) -> Apportionment:
    """Apportion ``seats`` among ``units`` (name → weight) by ``method``.

    CON-4 · GS-8, CQ-3: the seats, the method and its arithmetic. Raises
    :class:`ApportionmentError` on bad input and :class:`ApportionmentTie` on a tie for
    the last seat(s) under the ``refuse`` policy. With ``tie="lot"`` a ``seed`` is required
    and the winners are ``random.Random(seed).sample(sorted(tied names), seats)``.
    """
    if type(method) is not Method:
        try:
            method = Method(method)
        except ValueError:
            raise _err(
                gettext_noop("Unknown method {method!r}."), method=method
            ) from None
    if type(tie) is not TieBreak:
        tie = TieBreak(tie)
    if tie is TieBreak.LOT and seed is None:
        raise _err(gettext_noop("A lot needs a published integer seed."))
    pairs = list(units.items()) if isinstance(units, Mapping) else list(units)
    names = [str(p[0]) for p in pairs]
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise _err(gettext_noop("Unit {unit} appears twice."), unit=name)
            seen.add(name)
    if not names:
        raise _err(gettext_noop("There are no units."))
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise _err(gettext_noop("The number of seats must be a whole number ≥ 0."))
    raw: list[Any] = [p[1] for p in pairs]
    whole = set(map(type, raw)) == {int} and min(raw) >= 0
    weights: list[int | Fraction]
    if whole:  # whole weights ≥ 0 (not bool): used as they are, never modified
        weights = raw
    else:
        weights = [
            w if type(w) is int and w >= 0 else _fraction(w, n) for n, w in pairs
        ]
        whole = set(map(type, weights)) == {int}
    ws = cast(list[int], weights) if whole else _scaled(weights)
    lo, hi = _normalise_bounds(names, minimum, maximum)
    if method in (Method.ADAMS, Method.HUNTINGTON_HILL):
        if maximum is None and not any(lo):
            lo = [1] * len(ws) if 0 not in ws else [1 if w > 0 else 0 for w in ws]
        else:
            for i, w in enumerate(ws):
                if w > 0:
                    h = hi[i]
                    lo[i] = max(lo[i], 1 if h is None else min(1, h))
    if sum(lo) > seats:
        raise _err(
            gettext_noop(
                "{seats} seats are fewer than the {needed} the minimums (and first "
                "seats) require."
            ),
            seats=seats,
            needed=sum(lo),
        )
    # without maximums the room is unlimited unless every weight is zero
    if maximum is not None or not any(ws):
        room = sum(lo[i] if ws[i] == 0 else (hi[i] or 0) for i in range(len(ws)))
        if (
            all(hi[i] is not None or ws[i] == 0 for i in range(len(ws)))
            and seats > room
        ):
            raise _err(
                gettext_noop(
                    "{seats} seats are more than the maximums allow ({room})."
                ),
                seats=seats,
                room=room,
            )
    total = sum(ws)
    if total == 0 and seats > sum(lo):
        raise _err(gettext_noop("All weights are zero: no seat can be apportioned."))
    if method is Method.HAMILTON:
        result, qnum, qd, floors, ranks, extra, found = _hamilton(
            names, ws, seats, lo, hi, tie, seed
        )
        ctx = _Context(
            method,
            seats,
            total,
            Fraction(1),
            ws,
            lo,
            hi,
            result,
            floors,
            qnum,
            qd,
            ranks,
            extra,
            None,
            None,
            found,
        )
        return Apportionment(
            method,
            seats,
            tuple(names),
            tuple(weights),
            tuple(result),
            None,
            None,
            found,
            tie,
            ctx,
        )
    result, u, t, found = _divisor(method, names, ws, seats, lo, hi, tie, seed)
    if whole:  # whole weights are not rescaled
        scale = _ONE
        t_real, u_real = t, u
    else:
        scale = _scale(weights, ws)
        pscale = scale**2 if method is Method.HUNTINGTON_HILL else scale
        t_real = t / pscale if t is not None else None
        u_real = u / pscale if u is not None else None
    div = _divisor_value(method, u_real, t_real)
    none: list[int | None] = [None] * len(names)
    ctx = _Context(
        method,
        seats,
        total,
        scale,
        ws,
        lo,
        hi,
        result,
        none,
        [],
        1,
        none,
        0,
        t_real,
        u_real,
        found,
    )
    return Apportionment(
        method,
        seats,
        tuple(names),
        tuple(weights),
        tuple(result),
        div,
        (u_real, t_real),
        found,
        tie,
        ctx,
    )


_ONE = Fraction(1)


def _scale(weights: Sequence[int | Fraction], ws: Sequence[int]) -> Fraction:
    for w, s in zip(weights, ws, strict=True):
        if w:
            return Fraction(s) / w
    return Fraction(1)


def _divisor_value(
    method: Method, u: Fraction | None, t: Fraction | None
) -> Fraction | None:
    """The simplest divisor in ``(u, t]`` (HH: squared bounds, divisor not squared)."""
    if t is None and u is None:
        return None
    if method is Method.HUNTINGTON_HILL:
        # the smallest whole c with c² > u (math.isqrt: exact at any size)
        c = math.isqrt(u.numerator // u.denominator) + 1 if u is not None else 1
        if t is None:
            return Fraction(c)
        if u is not None and u == t:
            return None  # a tie: the divisor is √t, not rational in general
        if c * c * t.denominator < t.numerator:  # a whole divisor strictly inside
            return Fraction(c)
        return _hh_divisor_between(u, t)
    if t is None:
        assert u is not None
        return Fraction(math.floor(u) + 1)
    lo_b = u if u is not None else Fraction(0)
    if lo_b == t:
        return t
    return _frac(
        *_simplest_pair(lo_b.numerator, lo_b.denominator, t.numerator, t.denominator)
    )


#: squared divisors below this are close enough to floats for :func:`math.sqrt`
_SQRT_FLOAT_LIMIT = 2**1000


def _hh_divisor_between(u: Fraction | None, t: Fraction) -> Fraction | None:
    """The simplest ``c`` with ``u < c² < t`` (``u`` None: 0), for ``0 ≤ u < t``.

    Within the float range, the simplest fraction between the float square roots is
    tried first (checked exactly); otherwise, or when that fails, between rational
    bounds ``L > √u`` and ``U ≤ √t`` found with :func:`math.isqrt` to 64 bits or more
    (refined until ``L < U``), so that any size works."""
    if t < _SQRT_FLOAT_LIMIT:
        lo_f = math.sqrt(u) if u is not None else 0.0
        hi_f = math.sqrt(t)
        an, ad = lo_f.as_integer_ratio() if u is not None else (0, 1)
        bn, bd = hi_f.as_integer_ratio()
        if an * bd < bn * ad:
            p, q = _simplest_pair(an, ad, bn, bd)
            pp, qq = p * p, q * q
            if (
                u is None or pp * u.denominator > u.numerator * qq
            ) and pp * t.denominator < t.numerator * qq:
                return _frac(p, q)
    un, ud = (u.numerator, u.denominator) if u is not None else (0, 1)
    tn, td = t.numerator, t.denominator
    # √(n/d) = √(n·d)/d; with 4^k more: isqrt(n·d·4^k) / (d·2^k) ≤ √(n/d) < (… + 1) / …
    k = max(0, 64 - min(un * ud, tn * td).bit_length() // 2)
    while True:
        ln, ld = math.isqrt(un * ud << 2 * k) + 1, ud << k
        hn, hd = math.isqrt(tn * td << 2 * k), td << k
        if ln * hd < hn * ld:
            return _frac(*_simplest_pair(ln, ld, hn, hd))
        k += 64


def _hamilton_why(
    seats: int,
    lo: int,
    hi: int | None,
    floor: int | None,
    rank: int | None,
    rem: Fraction,
    extra: int,
    tie: Tie | None,
    name: str,
) -> Message | None:
    if floor is None:
        if hi is not None and seats == hi and hi != lo:
            return Message(
                gettext_noop("fixed at the maximum of {n} seat(s)"), {"n": hi}
            )
        return Message(
            gettext_noop("fixed at the minimum of {n} seat(s)"), {"n": seats}
        )
    if tie is not None and name in tie.units:
        won = name in tie.winners
        return Message(
            gettext_noop(
                "remainder {rem} tied for the last {k} seat(s); lot with seed {seed}: {result_label}"
            ),
            {
                "rem": _fmt(rem),
                "k": tie.seats,
                "seed": tie.seed,
                "result": "won" if won else "lost",
                "result_label": gettext_noop("won") if won else gettext_noop("lost"),
            },
        )
    if seats > floor:
        return Message(
            gettext_noop(
                "largest remainder {rem}, rank {rank} of {extra} extra seat(s)"
            ),
            {"rem": _fmt(rem), "rank": rank, "extra": extra},
        )
    if rank is not None and rank == extra + 1:
        return Message(
            gettext_noop(
                "remainder {rem}, rank {rank}: first unit without an extra seat"
            ),
            {"rem": _fmt(rem), "rank": rank},
        )
    return None


def _divisor_why(
    method: Method,
    seats: int,
    lo: int,
    hi: int | None,
    pr: Fraction | None,
    nx: Fraction | None,
    t: Fraction | None,
    u: Fraction | None,
    tie: Tie | None,
    name: str,
) -> Message | None:
    sq = "²" if method is Method.HUNTINGTON_HILL else ""
    if tie is not None and name in tie.units:
        return Message(
            gettext_noop(
                "priority{sq} {p} tied for the last {k} seat(s); lot with seed {seed}: {result_label}"
            ),
            {
                "sq": sq,
                "p": _fmt(t or Fraction(0)),
                "k": tie.seats,
                "seed": tie.seed,
                "result": "won" if name in tie.winners else "lost",
                "result_label": gettext_noop("won")
                if name in tie.winners
                else gettext_noop("lost"),
            },
        )
    if pr is not None and t is not None and pr == t:
        return Message(
            gettext_noop(
                "last seat of the house: priority{sq} {p}; the next best was {u}"
            ),
            {"sq": sq, "p": _fmt(pr), "u": _fmt(u) if u is not None else "—"},
        )
    if nx is not None and u is not None and nx == u:
        return Message(
            gettext_noop(
                "first unit left out: priority{sq} {p} below the last seat's {t}"
            ),
            {"sq": sq, "p": _fmt(nx), "t": _fmt(t) if t is not None else "—"},
        )
    if seats == lo and lo > 0 and pr is None:
        return Message(gettext_noop("minimum of {n} seat(s)"), {"n": lo})
    if hi is not None and seats == hi and nx is None and hi > lo:
        return Message(gettext_noop("capped at the maximum of {n} seat(s)"), {"n": hi})
    return None


def explanation_rows(
    result: Apportionment | Biproportional,
    translate: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """The explanation as a table (one dict per unit, or per cell for biproportional).

    Values are strings or integers, ready for a page or JSON; exact fractions are given
    as ``"p/q"`` next to a 4-place decimal.
    """
    if isinstance(result, Biproportional):
        rows_out: list[dict[str, Any]] = []
        for i, r in enumerate(result.rows):
            for j, c in enumerate(result.columns):
                w = result.weights[i][j]
                q = w / (result.row_divisors[i] * result.column_divisors[j])
                rows_out.append(
                    {
                        "row": r,
                        "column": c,
                        "weight": str(w),
                        "row_divisor": str(result.row_divisors[i]),
                        "column_divisor": str(result.column_divisors[j]),
                        "quotient": str(q),
                        "quotient_decimal": _fmt(q),
                        "seats": result.seats[i][j],
                    }
                )
        return rows_out
    out: list[dict[str, Any]] = []
    for u in result.units:
        row: dict[str, Any] = {
            "unit": u.unit,
            "weight": str(u.weight),
            "quota": str(u.quota),
            "quota_decimal": _fmt(u.quota),
            "seats": u.seats,
            "minimum": u.minimum,
            "maximum": u.maximum,
        }
        if result.method is Method.HAMILTON:
            rem = u.remainder
            row["remainder"] = _fmt(rem) if rem is not None else None
            row["rank"] = u.remainder_rank
        else:
            if result.divisor is not None:
                row["quotient"] = _fmt(u.weight / result.divisor)
            row["priority"] = _fmt(u.priority) if u.priority is not None else None
            row["next_priority"] = (
                _fmt(u.next_priority) if u.next_priority is not None else None
            )
        row["why"] = u.why.render(translate) if u.why is not None else ""
        out.append(row)
    return out


# --------------------------------------------------------------------- biproportional


@dataclass(frozen=True, slots=True)
class Biproportional:
    """A biproportional apportionment: seats per cell and the divisors that produce them.

    ``seats[i][j] = round(weights[i][j] / (row_divisors[i] × column_divisors[j]))`` with
    standard (Sainte-Laguë) rounding; row sums equal ``row_seats``, column sums
    ``column_seats``. ``weights`` are the weights as given (``int`` or ``Fraction``).
    ``exact_fallback`` is True when the result came from the all-fraction alternating
    scaling (near-ties, ties, huge numbers) rather than the fast certified path.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    weights: tuple[tuple[int | Fraction, ...], ...]
    seats: tuple[tuple[int, ...], ...]
    row_seats: tuple[int, ...]
    column_seats: tuple[int, ...]
    _divisors: _Divisors
    iterations: int
    column_seats_computed: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    exact_fallback: bool = False
    #: The tie the published lot broke (cells as ``row/column``), or None.
    tie: Tie | None = None

    @property
    def row_divisors(self) -> tuple[Fraction, ...]:
        return self._divisors.get()[0]

    @property
    def column_divisors(self) -> tuple[Fraction, ...]:
        return self._divisors.get()[1]


_DivisorPair = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


class _Divisors:
    """The row and column divisors of a :class:`Biproportional`, either given or
    settled on first use: the fast path certifies its seat matrix without them (see
    :func:`_fast_biproportional`), so the seats do not wait for the simplest fractions.
    Compared, hashed and shown by value."""

    __slots__ = ("_settle", "_value")

    def __init__(
        self,
        value: _DivisorPair | None = None,
        settle: Callable[[], _DivisorPair | None] | None = None,
    ) -> None:
        self._value = value
        self._settle = settle

    def get(self) -> _DivisorPair:
        if self._value is None:
            assert self._settle is not None
            value = self._settle()
            assert value is not None  # the dyadic float divisors stand in
            self._value, self._settle = value, None
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Divisors) and self.get() == other.get()

    def __hash__(self) -> int:
        return hash(self.get())

    def __repr__(self) -> str:
        rows, columns = self.get()
        return f"rows={rows!r}, columns={columns!r}"


def _step(
    weights: Sequence[Fraction], house: int, previous: Sequence[int]
) -> tuple[list[int], Fraction, bool]:
    """One Sainte-Laguë divisor step; a tie goes to the cells that held the seat before."""
    ws = _scaled(list(weights))
    n = len(ws)
    tied = False

    def keep_previous(awarded: list[int], out: list[int]) -> set[int]:
        nonlocal tied
        tied = True
        k = len(awarded)
        order = sorted(awarded + out, key=lambda i: (-previous[i], i))
        return set(order[:k])

    seats, u, t, _ = _divisor(
        Method.SAINTE_LAGUE,
        [str(i) for i in range(n)],
        ws,
        house,
        [0] * n,
        [None] * n,
        TieBreak.REFUSE,
        None,
        resolver=keep_previous,
    )
    scale = _scale(list(weights), ws)
    d = _divisor_value(
        Method.SAINTE_LAGUE,
        u / scale if u is not None else None,
        t / scale if t is not None else None,
    )
    return seats, d or Fraction(1), tied


def biproportional(
    rows: Sequence[str],
    columns: Sequence[str],
    weights: Sequence[Sequence[Number]],
    row_seats: Sequence[int],
    column_seats: Sequence[int] | None = None,
    *,
    max_iterations: int = 1000,
    tie: TieBreak | str = TieBreak.REFUSE,
    seed: int | None = None,
) -> Biproportional:
    """Double proportional apportionment (Balinski–Pukelsheim), CON-4 · GS-8, CQ-3.

    Cells are rounded with Sainte-Laguë; row and column divisors are found by alternating
    scaling (a row step fits every row's seats, a column step every column's) until both
    margins hold. When ``column_seats`` is None the columns' seats are apportioned from the
    column totals by Sainte-Laguë (a tie there is refused). Raises
    :class:`ApportionmentError` when the problem is infeasible,
    :class:`ApportionmentTie` when the seat matrix is not unique. ``max_iterations``
    bounds the exact alternating steps; a scaling that has not converged by then (or
    creeps) is decided by a complete search (:func:`_complete_matrix`).

    The alternating scaling first runs on floats (:func:`_fast_biproportional`); floats
    only *propose* a seat matrix. It is accepted only when exact divisors are found for
    it — every row's and column's divisor interval computed exactly, with floats
    shortlisting the binding cells within a relative 1e-9 as elsewhere in this module —
    that put every cell strictly inside its rounding interval. Such a matrix is the
    unique biproportional apportionment (any other would have to be fair for the same
    divisors, hence differ only on cells at a signpost, of which there are none).
    Otherwise (a near-tie, a tie, numbers floats cannot hold) the all-fraction
    alternating scaling decides (:func:`_alternating`), with its tie detection.

    A tie (the seat matrix is not unique) is refused with ``tie="refuse"``; with
    ``tie="lot"`` and a published integer ``seed`` it is broken by lot
    (:func:`_lot_matrix`): the result is one of the apportionments fair at the same
    divisors, the one the lot picks, recorded in :attr:`Biproportional.tie`. The
    columns' own seats, when computed, break a tie by the same lot.
    """
    if type(tie) is not TieBreak:
        tie = TieBreak(tie)
    if tie is TieBreak.LOT and seed is None:
        raise _err(gettext_noop("A lot needs a published integer seed."))
    lot = seed if tie is TieBreak.LOT else None
    n, m = len(rows), len(columns)
    if n == 0 or m == 0:
        raise _err(gettext_noop("The matrix is empty."))
    duplicate = {
        "row": gettext_noop("A row label appears twice."),
        "column": gettext_noop("A column label appears twice."),
    }
    for label, names in (("row", rows), ("column", columns)):
        if len(set(names)) != len(names):
            raise _err(duplicate[label])
    if len(weights) != n or any(len(r) != m for r in weights):
        raise _err(gettext_noop("The matrix is not {n} × {m}."), n=n, m=m)
    w: list[list[int | Fraction]]
    flat: list[Any] = list(chain.from_iterable(weights))  # row-major
    plain = set(map(type, flat)) == {int}
    low = min(flat) if plain else -1
    if plain and low >= 0:
        w = [list(r) for r in weights]  # type: ignore[arg-type]
    else:
        plain = False
        w = [
            [
                v
                if type(v) is int and v >= 0
                else _fraction(v, f"{rows[i]}/{columns[j]}")
                for j, v in enumerate(weights[i])
            ]
            for i in range(n)
        ]
    R = [int(s) for s in row_seats]
    if len(R) != n or min(R) < 0:
        raise _err(gettext_noop("Row seats must be {n} whole numbers ≥ 0."), n=n)
    computed = column_seats is None
    if column_seats is None:
        totals = [sum(c) for c in zip(*w, strict=True)]
        if set(map(type, totals)) == {int} and min(totals) > 0 and sum(R) > 0:
            # what apportion() does for positive whole weights, without its result
            C = _divisor(
                Method.SAINTE_LAGUE,
                list(columns),
                cast(list[int], totals),
                sum(R),
                [0] * m,
                [None] * m,
                tie,
                lot,
            )[0]
        else:
            col = apportion(
                list(zip(columns, totals, strict=True)),
                sum(R),
                method=Method.SAINTE_LAGUE,
                tie=tie,
                seed=lot,
            )
            C = [col.seats[c] for c in columns]
    else:
        C = [int(s) for s in column_seats]
    if len(C) != m or min(C) < 0:
        raise _err(gettext_noop("Column seats must be {m} whole numbers ≥ 0."), m=m)
    if sum(R) != sum(C):
        raise _err(
            gettext_noop("Row seats sum to {rows} but column seats to {cols}."),
            rows=sum(R),
            cols=sum(C),
        )
    # every weight positive (the usual case): every row can sit in every column, so
    # equal sums suffice and the checks below cannot fail
    positive = low > 0 if plain else min([min(r) for r in w]) > 0
    if not positive:
        _check_support(rows, columns, w, R, C)
    fast = _fast_biproportional(
        w,
        R,
        C,
        min(max_iterations, _FAST_ITERATIONS),
        plain,
        positive,
        flat if plain else None,
    )
    if fast is not None:
        x, divisors, it = fast
        return Biproportional(
            tuple(rows),
            tuple(columns),
            tuple(map(tuple, w)),
            tuple(map(tuple, x)),
            tuple(R),
            tuple(C),
            divisors,
            it,
            computed,
        )
    return _alternating(rows, columns, w, R, C, computed, max_iterations, lot)


def _alternating(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    computed: bool,
    max_iterations: int,
    lot: int | None = None,
) -> Biproportional:
    """Alternating scaling with every step in exact fractions (the reference method),
    handing over to :func:`_complete_matrix` when it cycles without a tie, creeps (a row
    step's seats seen ``_CREEP_REPEATS`` times) or runs out of ``max_iterations``."""
    n, m = len(R), len(C)
    rdiv = [Fraction(1)] * n
    cdiv = [Fraction(1)] * m
    x = [[0] * m for _ in range(n)]
    seen: set[tuple[Any, ...]] = set()
    repeats: dict[tuple[tuple[int, ...], ...], int] = {}
    it = 0
    for it in range(1, max_iterations + 1):
        # row step
        for i in range(n):
            cells = [j for j in range(m) if w[i][j] > 0 and C[j] > 0]
            if R[i] == 0 or not cells:
                x[i] = [0] * m
                continue
            s, d, _ = _step(
                [w[i][j] / cdiv[j] for j in cells], R[i], [x[i][j] for j in cells]
            )
            x[i] = [0] * m
            for j, v in zip(cells, s, strict=True):
                x[i][j] = v
            rdiv[i] = d
        if all(sum(x[i][j] for i in range(n)) == C[j] for j in range(m)):
            return _bp(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
        # The steps are deterministic: a state seen before means the scaling cycles
        # and never ends. The margins can be met (checked before), so the matrices it
        # cycles through are equally good at these divisors: a tie, refused as such.
        state = (tuple(map(tuple, x)), tuple(rdiv), tuple(cdiv))
        if state in seen:
            tied = _signpost_cells(w, x, R, C, rdiv, cdiv)
            if tied and lot is None:
                raise ApportionmentTie(
                    [f"{rows[i]}/{columns[j]}" for i, j in tied],
                    max(1, len(tied) // 2),
                )
            break  # it will never converge: the complete search decides
        seen.add(state)
        # The same seats again at other divisors: the scaling may creep towards
        # divisors in a set far narrower than its steps (weights above 2⁵³ with
        # quotients a relative 1e-17 from their signposts take millions of steps).
        if (count := repeats.get(state[0], 0) + 1) >= _CREEP_REPEATS:
            break
        repeats[state[0]] = count
        # column step
        for j in range(m):
            cells = [i for i in range(n) if w[i][j] > 0 and R[i] > 0]
            if C[j] == 0 or not cells:
                for i in range(n):
                    x[i][j] = 0
                continue
            s, d, _ = _step(
                [w[i][j] / rdiv[i] for i in cells], C[j], [x[i][j] for i in cells]
            )
            for i in range(n):
                x[i][j] = 0
            for i, v in zip(cells, s, strict=True):
                x[i][j] = v
            cdiv[j] = d
        if all(sum(x[i]) == R[i] for i in range(n)):
            return _bp(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
    # No convergence within max_iterations steps, or creeping: a complete search
    # decides, started from the last seats and divisors.
    x, rdiv, cdiv = _complete_matrix(w, x, R, C, rdiv, cdiv)
    # its divisors are exact but long fractions: the simplest ones, where they exist
    simple = _strict_divisors(w, x, R, C, rdiv, cdiv, force=True)
    if simple is not None:
        rdiv, cdiv = simple
    return _bp(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)


def _complete_matrix(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> tuple[list[list[int]], list[Fraction], list[Fraction]]:
    """A biproportional apportionment found by a complete search from the seats ``x``
    and divisors ``rdiv``, ``cdiv`` of the alternating scaling (a good start, no more),
    with divisors that put every cell in its closed rounding interval
    ``[x − ½, x + ½]`` (:func:`_bp` then refuses a tie or moves them strictly inside).

    A matrix meeting both margins is such an apportionment exactly when the constraints
    ``w/(x + ½) ≤ ρ_i·σ_j ≤ w/(x − ½)`` (those of :func:`_strict_divisors_complete`,
    there strict) can be met. With ``y_i = ρ_i`` and ``y_{n+j} = 1/σ_j`` they read
    ``y_b ≤ y_a·f`` on a graph with an edge row ``i`` → column ``j`` of factor
    ``(x + ½)/w`` (a seat more in the cell) and column ``j`` → row ``i`` of factor
    ``w/(x − ½)`` (a seat less). Bellman–Ford over fractions, started at the given
    divisors, either settles (divisors found) or leaves a cycle among the edges that
    last lowered each node, whose product is below 1. One seat moved around that cycle
    keeps both margins and strictly lowers ``∏ ∏ₖ₌₁ˣ (k − ½)/w`` over the cells (which
    the apportionment minimises), so the search ends. Before, the margin the last step
    did not fit is met by moving seats along paths (a line with a surplus → one of its
    seats → a cell of another line in the same cross line → … up to a line short).
    """
    n, m = len(R), len(C)
    size = n + m
    usable = [[bool(w[i][j] and R[i] and C[j]) for j in range(m)] for i in range(n)]
    x = [[x[i][j] if usable[i][j] else 0 for j in range(m)] for i in range(n)]
    if all(sum(x[i][j] for i in range(n)) == C[j] for j in range(m)):
        _meet_margin(x, R, usable)
    elif all(sum(x[i]) == R[i] for i in range(n)):
        t = [list(c) for c in zip(*x, strict=True)]
        _meet_margin(t, C, [list(c) for c in zip(*usable, strict=True)])
        x = [list(r) for r in zip(*t, strict=True)]
    else:
        x = [[0] * m for _ in range(n)]  # each column's seats in one of its cells
        for j in range(m):
            if C[j]:
                x[next(i for i in range(n) if usable[i][j])][j] = C[j]
        _meet_margin(x, R, usable)
    cells = [(i, j) for i in range(n) for j in range(m) if usable[i][j]]
    half = Fraction(1, 2)
    y = [*rdiv, *(1 / c for c in cdiv)]
    while True:  # cancel cycles with a product below 1
        edges: list[tuple[int, int, Fraction]] = []  # y[b] ≤ y[a] · factor
        for i, j in cells:
            wij, xij = w[i][j], x[i][j]
            edges.append((i, n + j, (xij + half) / wij))
            if xij:
                edges.append((n + j, i, wij / (xij - half)))
        pred = [-1] * size  # the edge that last lowered each node
        cycle: list[int] = []
        while not cycle:
            changed = False
            for k, (a, b, factor) in enumerate(edges):
                bound = y[a] * factor
                if bound < y[b]:
                    y[b] = bound
                    pred[b] = k
                    changed = True
            if not changed:
                return x, y[:n], [1 / v for v in y[n:]]
            cycle = _pred_cycle(pred, edges)
        moves = [
            (a, b - n, 1) if a < n else (b, a - n, -1)
            for a, b, _ in map(edges.__getitem__, cycle)
        ]
        product = Fraction(1)
        for k in cycle:
            product *= edges[k][2]
        assert product < 1  # a cycle of last-lowering edges is one below 1
        while product < 1:  # a seat around the cycle, again while that still gains
            for i, j, step in moves:
                x[i][j] += step
            if not all(x[i][j] for i, j, step in moves if step < 0):
                break
            product = Fraction(1)
            for i, j, step in moves:
                if step > 0:
                    product *= (x[i][j] + half) / w[i][j]
                else:
                    product *= w[i][j] / (x[i][j] - half)
        top = max(y)  # the constraints are homogeneous: keep the numbers small
        y = [v / top for v in y]


def _meet_margin(x: list[list[int]], R: list[int], usable: list[list[bool]]) -> None:
    """Meet the row margins ``R`` in place, keeping the column sums, by moving seats
    along augmenting paths: row with a surplus → one of its seats' columns → a usable
    cell of another row → … up to a row short of seats."""
    n, m = len(x), len(x[0])
    while True:
        over = next((i for i in range(n) if sum(x[i]) > R[i]), None)
        if over is None:
            return
        prev = {over: -1}
        queue = [over]
        end = -1
        for v in queue:
            if v < n:
                if sum(x[v]) < R[v]:
                    end = v
                    break
                nxt = [n + j for j in range(m) if x[v][j] > 0]
            else:
                nxt = [i for i in range(n) if usable[i][v - n]]
            for u in nxt:
                if u not in prev:
                    prev[u] = v
                    queue.append(u)
        if end < 0:  # cannot happen once _check_support has passed
            raise _err(
                gettext_noop(
                    "No seat matrix can meet these row and column seats: some rows' "
                    "seats exceed what the columns they have weight in can hold."
                )
            )
        v = end
        while prev[v] >= 0:
            u = prev[v]
            if v < n:
                x[v][u - n] += 1  # column u → row v: a seat more in (v, u)
            else:
                x[u][v - n] -= 1  # row u → column v: a seat less in (u, v)
            v = u


def _pred_cycle(pred: list[int], edges: list[tuple[int, int, Fraction]]) -> list[int]:
    """A cycle among the edges ``pred`` (the edge into each node, -1 for none), as edge
    indices, or [] when there is none."""
    state = [0] * len(pred)  # 0 unseen, 1 on the current walk, 2 done
    for start in range(len(pred)):
        path: list[int] = []
        v = start
        while v >= 0 and state[v] == 0:
            state[v] = 1
            path.append(v)
            v = edges[pred[v]][0] if pred[v] >= 0 else -1
        if v >= 0 and state[v] == 1:  # back on this walk: a cycle through v
            out = []
            u = v
            while True:
                out.append(pred[u])
                u = edges[pred[u]][0]
                if u == v:
                    return out
        for u in path:
            state[u] = 2
    return []


#: the exact alternating scaling hands over to the complete search
#: (:func:`_complete_matrix`) when a row step gives seats it has given this often
_CREEP_REPEATS = 3
#: float alternating steps tried before the exact method takes over
_FAST_ITERATIONS = 200
#: the float path keeps weights and divisors far from overflow and underflow
_FAST_WEIGHT_LIMIT = 10**100
_FAST_DIVISOR_RANGE = (1e-150, 1e150)


def _fix(
    q: list[float],
    x: list[int],
    up: list[float],
    rec: list[float],
    a: int,
    b: int,
    t: int,
    h: int,
) -> tuple[float, float]:
    """Move the seats ``x[a:b]`` (a Sainte-Laguë rounding of the quotients ``q[a:b]``,
    summing to ``t``) to ``h`` > 0 seats by priorities, in place; ``up`` holds each
    cell's next priority ``q/(x+½)`` and ``rec`` the reciprocal ``(x−½)/q`` of its last
    one (both updated). Returns the largest of each, ``u`` and ``v``: ``q/f`` rounds to
    the new seats for ``f = (u + 1/v)/2``, midway between the highest priority left out
    and the lowest awarded."""
    while t < h:  # the highest next priority takes a seat
        seg = up[a:b]
        k = a + seg.index(max(seg))
        x[k] += 1
        up[k] = q[k] / (x[k] + 0.5)
        rec[k] = (x[k] - 0.5) / q[k]
        t += 1
    while t > h:  # the lowest last priority gives its seat up
        seg = rec[a:b]
        k = a + seg.index(max(seg))
        x[k] -= 1
        up[k] = q[k] / (x[k] + 0.5)
        rec[k] = (x[k] - 0.5) / q[k]
        t -= 1
    return max(up[a:b]), max(rec[a:b])


def _simplest_pair(ln: int, ld: int, hn: int, hd: int) -> tuple[int, int]:
    """:func:`_simplest_between` on integer pairs: the simplest ``p/q`` (lowest terms)
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


def _shortlist(seg: list[float], top: float, cut: float, a: int) -> list[int]:
    """Positions (offset ``a``) of the values of ``seg`` at or above ``cut``; ``top`` is
    their maximum (usually the only one)."""
    if sum(map(cut.__le__, seg)) == 1:
        return [a + seg.index(top)]
    return [a + n for n, f in enumerate(seg) if f >= cut]


def _settle(
    size: int,
    segments: Sequence[tuple[int, int, int]],
    wk: list[int],
    wf: list[float],
    x: list[int],
    other: list[tuple[int, int]],
    other_f: list[float],
) -> list[tuple[int, int]] | None:
    """Exact divisors ``(num, den)`` for one side (``size`` rows or columns; ``(1, 1)``
    for lines without cells), given the exact divisors of the crossing lines: for each
    line the simplest divisor that puts every cell strictly inside its Sainte-Laguë
    interval; None when some line has none.

    Each segment ``(line, a, b)`` holds the line's cells ``a ≤ k < b``; per cell: integer
    weight ``wk[k]`` (and its float), seats ``x[k]``, crossing divisor ``other[k] =
    (p, q)`` (and its float). Cell ``k`` needs ``x − ½ < w/(D·p/q) < x + ½``:
    ``D > 2wq/(p(2x+1))`` and, when ``x ≥ 1``, ``D < 2wq/(p(2x−1))``. Floats find the
    binding cells; every cell within a relative 1e-9 of the float extreme is compared
    exactly (integer cross products).
    """
    lows = [w / (o * (k + 0.5)) for w, o, k in zip(wf, other_f, x, strict=True)]
    # reciprocals of the upper bounds (negative, hence never the largest, when x = 0)
    recs = [o * (k - 0.5) / w for w, o, k in zip(wf, other_f, x, strict=True)]
    out = [(1, 1)] * size
    for line, a, b in segments:
        seg = lows[a:b]
        top = max(seg)
        cut = top * (1 - _TOL)
        un, ud = 0, 1
        for k in _shortlist(seg, top, cut, a):
            p, q = other[k]
            cn, cd = 2 * wk[k] * q, p * (2 * x[k] + 1)
            if cn * ud > un * cd:
                un, ud = cn, cd
        seg = recs[a:b]
        top = max(seg)
        cut = top * (1 - _TOL)
        tn, td = 0, 0
        for k in _shortlist(seg, top, cut, a):
            if x[k] > 0:
                p, q = other[k]
                cn, cd = 2 * wk[k] * q, p * (2 * x[k] - 1)
                if not td or cn * td < tn * cd:
                    tn, td = cn, cd
        if not td or un * td >= tn * ud:
            return None
        out[line] = _simplest_pair(un, ud, tn, td)
    return out


def _settle_grid(
    n: int,
    m: int,
    wk: list[int],
    wf: list[float],
    x: list[int],
    other: list[tuple[int, int]],
    other_f: list[float],
) -> list[tuple[int, int]] | None:
    """:func:`_settle` for ``n`` rows of ``m`` cells each (the full grid, row-major):
    the per-row float extremes come from strided slices in C; a row whose extreme is
    not unique within the relative 1e-9 goes through :func:`_settle` itself."""
    lows = [w / (o * (k + 0.5)) for w, o, k in zip(wf, other_f, x, strict=True)]
    recs = [o * (k - 0.5) / w for w, o, k in zip(wf, other_f, x, strict=True)]
    cols = range(m)
    out: list[tuple[int, int]] = []
    for side in (lows, recs):
        tops = list(map(max, *[side[j::m] for j in cols]))
        cuts = [t * (1 - _TOL) for t in tops]
        # every row has one cell at least at its cut (its maximum, when positive):
        # exactly one each when the count over all cells is n
        if (
            min(tops) <= 0
            or sum(map(le, chain.from_iterable(zip(*[cuts] * m, strict=True)), side))
            != n
        ):
            return _settle(
                n, [(i, i * m, i * m + m) for i in range(n)], wk, wf, x, other, other_f
            )
        out.append(
            [side.index(t, i * m, i * m + m) for i, t in enumerate(tops)]  # type: ignore[arg-type]
        )
    result: list[tuple[int, int]] = []
    for lo, up in zip(out[0], out[1], strict=True):
        p, q = other[lo]
        un, ud = 2 * wk[lo] * q, p * (2 * x[lo] + 1)
        if not x[up]:  # no seat in the row: cannot happen for a row with seats
            return None
        p, q = other[up]
        tn, td = 2 * wk[up] * q, p * (2 * x[up] - 1)
        if un * td >= tn * ud:
            return None
        result.append(_simplest_pair(un, ud, tn, td))
    return result


def _fast_biproportional(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    iterations: int,
    plain: bool,
    positive: bool,
    flat: list[int] | None = None,
) -> tuple[list[list[int]], _Divisors, int] | None:
    """Alternating scaling on floats, then a certification of the result.

    The full grid (every weight > 0, every row and column with seats, two columns at
    least) goes to :func:`_grid_biproportional`. Otherwise only cells with weight in a row and a column that have seats take part; they are
    kept in flat lists, row by row and (through ``perm``) column by column, so that a
    step is a few passes over all cells plus the few lines whose seats do not add up.
    A row step rounds every cell at the current divisors, refits the rows that are off
    (:func:`_fix`) and moves every row divisor to the middle of its interval; a column
    step likewise. Returns the seats, row and column divisors and steps, or None when
    the floats do not converge or no exact divisors put every cell strictly inside its
    rounding interval (then the exact method decides). The side that the last step did
    not touch is settled first (simplest exact divisors given the other side's float
    divisors, read exactly), then the other side given those: a matrix that fits after
    the first row step keeps column divisors 1, as the exact method reports.
    """
    n, m = len(R), len(C)
    den = 1
    if not plain:  # ``plain``: whole weights only; ``positive``: all of them > 0
        for row in w:
            for e in row:
                if type(e) is not int and e.denominator != 1:
                    den = math.lcm(den, e.denominator)
    W = (
        cast(list[list[int]], w)
        if plain
        else [[int(e * den) for e in row] for row in w]
    )
    acols = [j for j in range(m) if C[j]]
    rb: list[tuple[int, int, int]] = []  # row, first cell, end (row-major order)
    grid = m > 1 and len(acols) == m and min(R) > 0 and positive
    if grid:  # the full grid: every cell takes part (``flat``: W row-major)
        wk = flat if flat is not None else list(chain.from_iterable(W))
        wmax = max(wk)
        if wmax >= _FAST_WEIGHT_LIMIT:
            return None
        found = _grid_biproportional(
            w, R, C, den, iterations, wk, list(map(float, wk)), wmax
        )
        if found is not None:
            return found
        # not certified (a near-tie on the way, where rounding decides which exact
        # divisors the floats lead to): the general loop below tries too, as before
    grid = False
    ri: list[int] = []
    cj: list[int] = []
    wk = []
    for i in range(n):
        if R[i]:
            a = len(wk)
            Wi = W[i]
            for j in acols:
                if Wi[j]:
                    ri.append(i)
                    cj.append(j)
                    wk.append(Wi[j])
            rb.append((i, a, len(wk)))
    if not wk:
        rdiv, cdiv = [Fraction(1)] * n, [Fraction(1)] * m
        _zero_line_divisors(w, R, C, rdiv, cdiv)
        return [[0] * m for _ in range(n)], _Divisors((tuple(rdiv), tuple(cdiv))), 1
    wmax = max(wk)
    if wmax >= _FAST_WEIGHT_LIMIT:
        return None
    N = len(wk)
    wf = list(map(float, wk))
    # column, first cell, end (column-major order, through ``perm``)
    perm = sorted(range(N), key=cj.__getitem__)  # column-major order (stable)
    inv = sorted(range(N), key=perm.__getitem__)
    wf_p = list(map(wf.__getitem__, perm))
    ri_p = list(map(ri.__getitem__, perm))
    cj_p = list(map(cj.__getitem__, perm))
    cb = [(j, bisect_left(cj_p, j), bisect_right(cj_p, j)) for j in acols]
    rho = [1.0] * n
    sig = [1.0] * m
    X: list[int] = []
    rows_last = True
    # for a line with seats the lowest awarded priority is 1/max(reciprocals), cells
    # without seats give negative ones
    for it in range(1, iterations + 1):
        # row step: quotients Q = w/(ρσ); the seats X are their rounding (carried over
        # from the column step, which keeps them so)
        if it == 1:
            for i, a, b in rb:
                rho[i] = sum(wf[a:b]) / R[i]
            Q = [w / rho[i] for w, i in zip(wf, ri, strict=True)]
            X = [int(q + 0.5) for q in Q]
        else:
            Q = [w / (rho[i] * sig[j]) for w, i, j in zip(wf, ri, cj, strict=True)]
        up = [q / (x + 0.5) for q, x in zip(Q, X, strict=True)]
        rec = [(x - 0.5) / q for q, x in zip(Q, X, strict=True)]
        tops, lows, old = [], [], []
        for i, a, b in rb:
            t = sum(X[a:b])
            if t == R[i]:  # recentre only
                u, v = max(up[a:b]), max(rec[a:b])
            else:
                u, v = _fix(Q, X, up, rec, a, b, t, R[i])
            tops.append(u)
            lows.append(v)
            old.append(rho[i])
            rho[i] *= (u + 1 / v) / 2
        Xp = list(map(X.__getitem__, perm))
        if all(sum(Xp[a:b]) == C[j] for j, a, b in cb):
            rows_last = True
            break
        # column step, in column-major order
        Q = [w / (rho[i] * sig[j]) for w, i, j in zip(wf_p, ri_p, cj_p, strict=True)]
        up = [q / (x + 0.5) for q, x in zip(Q, Xp, strict=True)]
        rec = [(x - 0.5) / q for q, x in zip(Q, Xp, strict=True)]
        tops, lows, old = [], [], []
        for j, a, b in cb:
            t = sum(Xp[a:b])
            if t == C[j]:
                u, v = max(up[a:b]), max(rec[a:b])
            else:
                u, v = _fix(Q, Xp, up, rec, a, b, t, C[j])
            tops.append(u)
            lows.append(v)
            old.append(sig[j])
            sig[j] *= (u + 1 / v) / 2
        X = list(map(Xp.__getitem__, inv))
        if all(sum(X[a:b]) == R[i] for i, a, b in rb):
            rows_last = False
            break
    else:
        return None
    lo_d, hi_d = _FAST_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig)):
        return None
    if n * m == N:  # the full grid, row-major
        seats = [X[i * m : i * m + m] for i in range(n)]
    else:
        seats = [[0] * m for _ in range(n)]
        for i, j, s_ in zip(ri, cj, X, strict=True):
            seats[i][j] = s_
    settle = partial(
        _fast_divisors,
        w,
        R,
        C,
        den,
        grid,
        rows_last,
        rb,
        cb,
        wk,
        wf,
        X,
        ri,
        cj,
        perm,
        rho,
        sig,
    )
    # the last step's lines: rows or columns
    new = [rho[i] for i, _, _ in rb] if rows_last else [sig[j] for j, _, _ in cb]
    if _certified(wmax, max(R), rho, sig, tops, lows, old, new):
        return seats, _Divisors(settle=settle), it
    divisors = settle(dyadic=False)
    if divisors is None:
        return None
    return seats, _Divisors(divisors), it


def _grid_biproportional(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    iterations: int,
    wk: list[int],
    wf: list[float],
    wmax: int,
) -> tuple[list[list[int]], _Divisors, int] | None:
    """:func:`_fast_biproportional` on the full grid (every weight > 0, every row and
    column with seats; ``wk``/``wf`` row-major), with the steps as whole-list passes.

    A row step works on ``A = w/σ`` (the weights over their column divisors): with
    ``U = A/(x+½)`` and ``V = (x−½)/A``, row ``i`` keeps its seats for every divisor
    in ``(max U, 1/max V]`` over its cells; rows whose seats do not add up are refitted
    first by priorities (:func:`_shift`), then every row divisor moves to the middle of
    its interval. A column step does the same, column by column, on ``B = w/ρ``. The
    seats ``x`` are kept next to ``x ± ½`` (exact floats) and to their row and column
    sums, so a step costs a few C-level passes over the cells plus the lines to refit.
    Floats only propose: the last step's maxima certify the matrix
    (:func:`_certified_lines`), or the exact settling decides (:func:`_fast_divisors`),
    or (None) the exact method."""
    n, m = len(R), len(C)
    N = n * m
    cols = range(m)
    wcol = [wf[j::m] for j in cols]  # the columns' weights (row order)
    rho = list(map(truediv, map(sum, zip(*wcol, strict=True)), R))
    sig = [1.0] * m
    each = list(chain.from_iterable(zip(*[rho] * m, strict=True)))  # ρ of every cell
    X = _grid_start(wf, each)
    Xh = [x + 0.5 for x in X]  # x ± ½ kept with the seats (exact floats)
    Xm = [x - 0.5 for x in X]
    rs = list(map(sum, zip(*[X[j::m] for j in cols], strict=True)))  # row sums
    cs = [sum(X[j::m]) for j in cols]  # column sums (both kept up to date)
    A = wf  # w/σ with every σ = 1
    rtu: list[float] = []  # the last full row step's maxima of U and V, per row
    rtv: list[float] = []
    ctu = [0.0] * m  # and the last column step's, per column
    ctv = [0.0] * m
    # the lines refitted since the other side's last full step: u, v, divisor, line
    refitted: list[Any] = []
    finish = ""
    it = 0
    while it < iterations:
        it += 1
        if it > 1:
            # a row step after a column step refits the rows that do not add up
            # first; when the columns then add up, the matrix is found and the other
            # rows keep their divisors (the column step's maxima cover their cells)
            refitted = []
            for i, t in enumerate(rs):
                if t != R[i]:
                    a = i * m
                    b = a + m
                    Ai = A[a:b]
                    ui = list(map(truediv, Ai, Xh[a:b]))
                    vi = list(map(truediv, Xm[a:b], Ai))
                    u, v = _shift(Ai, ui, vi, X, Xh, Xm, a, 1, t, R[i], cs)
                    rs[i] = R[i]
                    refitted += (u, v, (u + 1 / v) / 2, i)
            if cs == C:
                for i, r in zip(refitted[3::4], refitted[2::4], strict=True):
                    rho[i] = r
                finish = "rows refitted"
                break
        # row step over whole lists: U = A/(x+½) and V = (x−½)/A, per row (rows
        # refitted above come out the same), then every row divisor to the middle
        U = list(map(truediv, A, Xh))
        V = list(map(truediv, Xm, A))
        rtu = list(map(max, *[U[j::m] for j in cols]))
        rtv = list(map(max, *[V[j::m] for j in cols]))
        for i, t in enumerate(rs):
            h = R[i]
            if t == h:
                continue
            a = i * m
            b = a + m
            if t == h + 1:  # one seat too many (the usual case): as _shift does
                p = V.index(rtv[i], a, b)
                x = X[p] = X[p] - 1
                cs[p - a] -= 1
            elif t == h - 1:  # one seat too few
                p = U.index(rtu[i], a, b)
                x = X[p] = X[p] + 1
                cs[p - a] += 1
            else:
                rtu[i], rtv[i] = _shift(
                    A[a:b], U[a:b], V[a:b], X, Xh, Xm, a, 1, t, h, cs
                )
                rs[i] = h
                continue
            Xh[p] = x + 0.5
            Xm[p] = x - 0.5
            U[p] = A[p] / (x + 0.5)
            V[p] = (x - 0.5) / A[p]
            rtu[i] = max(U[a:b])
            rtv[i] = max(V[a:b])
            rs[i] = h
        rho = [(u + 1 / v) / 2 for u, v in zip(rtu, rtv, strict=True)]
        if cs == C:
            finish = "rows"
            break
        # column step, column by column on B = w/ρ: the columns that do not add up
        # first; when the rows then add up, the other columns keep their divisors
        # (the row step's maxima cover their cells)
        refitted = []
        for j, t in enumerate(cs):
            if t != C[j]:
                bj = list(map(truediv, wcol[j], rho))
                uj = list(map(truediv, bj, Xh[j::m]))
                vj = list(map(truediv, Xm[j::m], bj))
                u, v = ctu[j], ctv[j] = _shift(bj, uj, vj, X, Xh, Xm, j, m, t, C[j], rs)
                cs[j] = C[j]
                refitted += (u, v, (u + 1 / v) / 2, j)
        if rs == R:
            for j, g in zip(refitted[3::4], refitted[2::4], strict=True):
                sig[j] = g
            finish = "columns refitted"
            break
        done = set(refitted[3::4])
        for j in cols:
            if j not in done:
                bj = list(map(truediv, wcol[j], rho))
                ctu[j] = max(map(truediv, bj, Xh[j::m]))
                ctv[j] = max(map(truediv, Xm[j::m], bj))
        sig = [(u + 1 / v) / 2 for u, v in zip(ctu, ctv, strict=True)]
        A = list(map(truediv, wf, sig * n))
    else:
        return None  # no convergence: the exact method decides
    lo_d, hi_d = _FAST_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig)):
        return None
    seats = [X[a : a + m] for a in range(0, N, m)]
    rows_last = finish != "columns refitted"
    settle = partial(_grid_divisors, w, R, C, den, rows_last, wk, wf, X, rho, sig)
    # every cell lies in a line of the other side's last full step or in a line
    # refitted since (stale values of refitted lines are extra values under a maximum)
    xmax = max(R)
    if finish == "rows refitted":
        full = _certified_lines(wmax, xmax, sig, ctu, ctv, rho, sig)
    else:
        full = _certified_lines(wmax, xmax, rho, rtu, rtv, rho, sig)
    certified = full and (
        finish == "rows"
        or _certified_lines(
            wmax, xmax, refitted[2::4], refitted[::4], refitted[1::4], rho, sig
        )
    )
    if certified:
        return seats, _Divisors(settle=settle), it
    divisors = settle(dyadic=False)
    if divisors is None:
        return None
    return seats, _Divisors(divisors), it


def _grid_start(wf: list[float], each: list[float]) -> list[int]:
    """The first proposal of :func:`_grid_biproportional`: each cell's quotient
    ``w/ρ`` rounded half up (a proposal only; the steps refit it and the end
    certifies it)."""
    return [int(q + 0.5) for q in map(truediv, wf, each)]


def _shift(
    P: list[float],
    U: list[float],
    V: list[float],
    X: list[int],
    Xh: list[float],
    Xm: list[float],
    start: int,
    step: int,
    t: int,
    h: int,
    crossing: list[int],
) -> tuple[float, float]:
    """Move the seats of one line, its cells at ``start + k·step`` in the flat lists
    ``X``, ``Xh = X + ½`` and ``Xm = X − ½`` (summing to ``t``), to ``h`` > 0 by
    priorities, in place; ``crossing[k]``, the seat sum of the line crossing at cell
    ``k``, follows. ``P``, ``U = P/(x+½)`` and ``V = (x−½)/P`` are the line's own
    lists (``P``: the weights over the crossing divisors; ``U`` and ``V`` are
    updated). Returns the line's new ``max U`` and ``max V``."""
    while t < h:  # the highest next priority takes a seat
        k = U.index(max(U))
        p = start + k * step
        x = X[p] = X[p] + 1
        Xh[p] = x + 0.5
        Xm[p] = x - 0.5
        U[k] = P[k] / (x + 0.5)
        V[k] = (x - 0.5) / P[k]
        crossing[k] += 1
        t += 1
    while t > h:  # the lowest last priority gives its seat up
        k = V.index(max(V))
        p = start + k * step
        x = X[p] = X[p] - 1
        Xh[p] = x + 0.5
        Xm[p] = x - 0.5
        U[k] = P[k] / (x + 0.5)
        V[k] = (x - 0.5) / P[k]
        crossing[k] -= 1
        t -= 1
    return max(U), max(V)


def _certified_lines(
    wmax: int,
    xmax: int,
    divisors: list[float],
    tu: list[float],
    tv: list[float],
    rho: list[float],
    sig: list[float],
) -> bool:
    """The float certification of :func:`_grid_biproportional`: the last step's lines
    (rows or columns) have the final ``divisors``, and for each line ``tu`` and ``tv``
    are the largest ``P/(x+½)`` and ``(x−½)/P`` over its cells, where ``P`` is the
    weight over the crossing divisor (``w/σ`` for a row). Every cell lies strictly
    inside its Sainte-Laguë interval, ``x − ½ < w/(ρσ) < x + ½``, exactly when
    ``tu/d < 1`` and ``tv·d < 1`` for its line's divisor ``d``. With weights exact as
    floats (< 2⁵³), divisors within 10^±100 and seats < 2⁵², each computed
    ``tu/d`` and ``tv·d`` carries at most three roundings (relative error below
    4·2⁻⁵³ < 10⁻¹⁵), so computed values below 1 − 10⁻¹² prove the bounds for every
    cell at ``rho`` and ``sig`` read as exact (dyadic) rationals."""
    if wmax >= _CERT_WEIGHT_LIMIT or xmax >= 2**52:
        return False
    lo_d, hi_d = _CERT_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig)):
        return False
    top: float = max(map(truediv, tu, divisors))
    low: float = max(map(mul, tv, divisors))
    return top < _CERT_BELOW and low < _CERT_BELOW


def _grid_divisors(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    rows_last: bool,
    wk: list[int],
    wf: list[float],
    X: list[int],
    rho: list[float],
    sig: list[float],
    *,
    dyadic: bool = True,
) -> _DivisorPair | None:
    """:func:`_fast_divisors` for :func:`_grid_biproportional` (its flat lists built
    here, when the divisors are first read)."""
    n, m = len(R), len(C)
    N = n * m
    ri = list(chain.from_iterable(repeat(i, m) for i in range(n)))
    cj = list(range(m)) * n
    rb = [(i, i * m, i * m + m) for i in range(n)]
    cb = [(j, j * n, j * n + n) for j in range(m)]
    perm = list(chain.from_iterable(range(j, N, m) for j in range(m)))
    return _fast_divisors(
        w,
        R,
        C,
        den,
        True,
        rows_last,
        rb,
        cb,
        wk,
        wf,
        X,
        ri,
        cj,
        perm,
        rho,
        sig,
        dyadic=dyadic,
    )


#: the float certification of :func:`_certified`: weights exact as floats, divisors
#: far enough from overflow and underflow that no product or quotient leaves the normal
#: range, and a relative margin far above the few roundings of each cell's ratio
_CERT_WEIGHT_LIMIT = 2**53
_CERT_DIVISOR_RANGE = (1e-100, 1e100)
_CERT_BELOW = 1 - 1e-12


def _certified(
    wmax: int,
    xmax: int,
    rho: list[float],
    sig: list[float],
    tops: list[float],
    lows: list[float],
    old: list[float],
    new: list[float],
) -> bool:
    """Whether floats prove that every cell (weight ``w`` ≤ ``wmax``, seats ``x`` ≤
    ``xmax``) lies strictly inside its Sainte-Laguë interval at the final row and column divisors ``rho``,
    ``sig`` read as exact (dyadic) rationals: ``x − ½ < w/(ρσ) < x + ½``.

    The last step (rows or columns) computed for each cell, at its line's divisor
    before the step (``old``), the ratios ``w/(ρ·σ·(x+½))`` and ``(x−½)·(ρ·σ)/w``; per
    line ``tops`` and ``lows`` hold their largest values, and ``new`` the line's
    divisor after the step (every cell lies in exactly one of these lines; the
    crossing divisors did not change). Each weight is exact as a float (< 2⁵³), every
    divisor lies within 10^±100 and seats are < 2⁵², so every product and quotient is
    a normal float and ``x ± ½`` is exact; each ratio then carries at most three
    roundings, and rescaling the maxima to the new divisor (``top·old/new`` and
    ``low·new/old``) two more: a relative error below 6·2⁻⁵³ < 10⁻¹⁵. A rescaled
    maximum computed below 1 − 10⁻¹² is therefore below 1 exactly, for every cell of
    the line. When this holds the seat matrix is certified (ρ and σ themselves put
    every cell strictly inside its interval) and the simplest exact divisors can wait
    until they are read."""
    if wmax >= _CERT_WEIGHT_LIMIT or xmax >= 2**52:
        return False
    lo_d, hi_d = _CERT_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig, *old)):
        return False
    return (
        max([t * o / d for t, o, d in zip(tops, old, new, strict=True)]) < _CERT_BELOW
        and max([v * d / o for v, o, d in zip(lows, old, new, strict=True)])
        < _CERT_BELOW
    )


def _fast_divisors(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    grid: bool,
    rows_last: bool,
    rb: list[tuple[int, int, int]],
    cb: list[tuple[int, int, int]],
    wk: list[int],
    wf: list[float],
    X: list[int],
    ri: list[int],
    cj: list[int],
    perm: list[int],
    rho: list[float],
    sig: list[float],
    *,
    dyadic: bool = True,
) -> _DivisorPair | None:
    """Exact divisors for the seats ``X`` found by :func:`_fast_biproportional` (its
    flat cell lists; ``perm`` gives the column-major order): the simplest divisors of
    both sides (:func:`_settle`), then those of the lines without seats. None when no
    such divisors exist; when ``dyadic``, the float divisors read exactly stand in
    instead (only called so when :func:`_certified` proved that they fit)."""
    n, m = len(R), len(C)
    wk_p = list(map(wk.__getitem__, perm))
    wf_p = list(map(wf.__getitem__, perm))
    ri_p = list(map(ri.__getitem__, perm))
    Xp = list(map(X.__getitem__, perm))

    def settle_rows(
        other: list[tuple[int, int]], other_f: list[float]
    ) -> list[tuple[int, int]] | None:
        if grid:
            return _settle_grid(n, m, wk, wf, X, other, other_f)
        return _settle(n, rb, wk, wf, X, other, other_f)

    def exact() -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
        # settle first the side the last step did not touch (column divisors 1 stay 1
        # when the first row step fits), or the side with fewer lines: the second
        # side, often the longer, then works with small exact divisors
        if rows_last or len(cb) <= len(rb):
            rx = list(map(float.as_integer_ratio, rho))
            cx = _settle(
                m,
                cb,
                wk_p,
                wf_p,
                Xp,
                list(map(rx.__getitem__, ri_p)),
                list(map(rho.__getitem__, ri_p)),
            )
            if cx is None:
                return None
            cf = [p / q for p, q in cx]
            rx_ = settle_rows(
                list(map(cx.__getitem__, cj)), list(map(cf.__getitem__, cj))
            )
            return None if rx_ is None else (rx_, cx)
        cx = list(map(float.as_integer_ratio, sig))
        rx_ = settle_rows(list(map(cx.__getitem__, cj)), list(map(sig.__getitem__, cj)))
        if rx_ is None:
            return None
        rf = [p / q for p, q in rx_]
        cx_ = _settle(
            m,
            cb,
            wk_p,
            wf_p,
            Xp,
            list(map(rx_.__getitem__, ri_p)),
            list(map(rf.__getitem__, ri_p)),
        )
        return None if cx_ is None else (rx_, cx_)

    found = exact()
    if found is None:
        if not dyadic:
            return None
        found = (
            list(map(float.as_integer_ratio, rho)),
            list(map(float.as_integer_ratio, sig)),
        )
    rx, cx = found
    rdiv = [_frac(p, q) for p, q in rx]
    cdiv = [_frac(p, q * den) for p, q in cx]
    _zero_line_divisors(w, R, C, rdiv, cdiv)
    return tuple(rdiv), tuple(cdiv)


def _frac(p: int, q: int) -> Fraction:
    return Fraction(p) if q == 1 else Fraction(p, q)


def _zero_line_divisors(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> None:
    """Divisors for rows and columns without seats, in place: the smallest integer that
    brings every quotient of the line below ½ (columns first, then rows)."""
    n, m = len(R), len(C)
    for j in range(m):
        if not C[j]:
            top = max(
                (2 * w[i][j] / rdiv[i] for i in range(n) if R[i] and w[i][j]),
                default=None,
            )
            cdiv[j] = Fraction(math.floor(top) + 1) if top is not None else Fraction(1)
    for i in range(n):
        if not R[i]:
            top = max(
                (2 * w[i][j] / cdiv[j] for j in range(m) if w[i][j]), default=None
            )
            rdiv[i] = Fraction(math.floor(top) + 1) if top is not None else Fraction(1)


def _check_support(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
) -> None:
    """Refuse rows or columns with seats but no weight, and infeasible margins."""
    n, m = len(R), len(C)
    for i in range(n):
        if R[i] > 0 and not any(w[i][j] > 0 and C[j] > 0 for j in range(m)):
            raise _err(
                gettext_noop("Row {row} has seats but no weight to carry them."),
                row=rows[i],
            )
    for j in range(m):
        if C[j] > 0 and not any(w[i][j] > 0 and R[i] > 0 for i in range(n)):
            raise _err(
                gettext_noop("Column {column} has seats but no weight to carry them."),
                column=columns[j],
            )
    if not _feasible(w, R, C):
        raise _err(
            gettext_noop(
                "No seat matrix can meet these row and column seats: some rows' seats "
                "exceed what the columns they have weight in can hold."
            )
        )


def _feasible(w: list[list[int | Fraction]], R: list[int], C: list[int]) -> bool:
    """Whether integer seats ≥ 0 on the positive cells can meet both margins (max flow)."""
    n, m = len(R), len(C)
    if all(w[i][j] > 0 for i in range(n) for j in range(m) if R[i] and C[j]):
        return True  # every row can sit in every column: equal sums suffice
    # nodes: 0 source, 1..n rows, n+1..n+m columns, n+m+1 sink
    size = n + m + 2
    sink = size - 1
    cap = [[0] * size for _ in range(size)]
    big = sum(R) + 1
    for i in range(n):
        cap[0][1 + i] = R[i]
        for j in range(m):
            if w[i][j] > 0:
                cap[1 + i][1 + n + j] = big
    for j in range(m):
        cap[1 + n + j][sink] = C[j]
    adjacent = [
        [b for b in range(size) if cap[a][b] > 0 or cap[b][a] > 0] for a in range(size)
    ]
    flow = 0
    while True:
        parent = [-1] * size
        parent[0] = 0
        queue = [0]
        for node in queue:
            for nxt in adjacent[node]:
                if parent[nxt] < 0 and cap[node][nxt] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if parent[sink] < 0:
            break
        push = big
        v = sink
        while v != 0:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = sink
        while v != 0:
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
            v = parent[v]
        flow += push
    return flow == sum(R)


def _tied_cells(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> list[tuple[int, int]]:
    """Cells that could trade a seat with the same divisors (an alternating cycle).

    A cell whose quotient is exactly ``x + ½`` could take a seat, one at ``x − ½`` give one
    up. Moving seats around a cycle row → up-cell → column → down-cell → row keeps both
    margins, so the result is not unique: a tie. Returns the cells on such cycles.
    """
    n, m = len(x), len(x[0])
    half = Fraction(1, 2)
    edges: dict[int, list[int]] = {v: [] for v in range(n + m)}
    marked: list[tuple[int, int, int, int]] = []
    for i in range(n):
        for j in range(m):
            if not w[i][j]:
                continue
            q = w[i][j] / (rdiv[i] * cdiv[j])
            if q == x[i][j] + half:
                edges[i].append(n + j)
                marked.append((i, j, i, n + j))
            elif x[i][j] > 0 and q == x[i][j] - half:
                edges[n + j].append(i)
                marked.append((i, j, n + j, i))
    if not marked:
        return []
    # strongly connected components (Kosaraju, iterative)
    order: list[int] = []
    seen: set[int] = set()
    for start in edges:
        if start in seen:
            continue
        stack = [(start, iter(edges[start]))]
        seen.add(start)
        while stack:
            v, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                order.append(v)
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(edges[nxt])))
    back: dict[int, list[int]] = {v: [] for v in edges}
    for v, outs in edges.items():
        for t in outs:
            back[t].append(v)
    comp: dict[int, int] = {}
    for v in reversed(order):
        if v in comp:
            continue
        comp[v] = v
        todo = [v]
        while todo:
            a = todo.pop()
            for b in back[a]:
                if b not in comp:
                    comp[b] = v
                    todo.append(b)
    return [(i, j) for i, j, a, b in marked if comp[a] == comp[b]]


def _strict_divisors(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
    *,
    force: bool = False,
) -> tuple[list[Fraction], list[Fraction]] | None:
    """Divisors that put every cell of the (tie-free) seat matrix ``x`` strictly inside
    its rounding interval, or None when the divisors ``rdiv``, ``cdiv`` already do
    (unless ``force``: then they are settled anyway, as simple fractions) or none are
    found this way.

    The exact alternating scaling can stop with a cell exactly at a signpost ``x + ½``
    (a tie inside one step, resolved by keeping the previous seats) although the matrix
    has no alternating cycle of such cells, so it is the unique apportionment; the
    divisors must then be moved off the signpost. Rows are settled given the column
    divisors, then the columns given those (:func:`_settle`), or the other way round.
    """
    n, m = len(R), len(C)
    half = Fraction(1, 2)
    if not force and not any(
        w[i][j] and R[i] and C[j] and w[i][j] / (rdiv[i] * cdiv[j]) == x[i][j] + half
        for i in range(n)
        for j in range(m)
    ):
        return None
    den = 1
    for row in w:
        for e in row:
            if type(e) is not int and e.denominator != 1:
                den = math.lcm(den, e.denominator)
    ri: list[int] = []
    cj: list[int] = []
    wk: list[int] = []
    xs: list[int] = []
    rb: list[tuple[int, int, int]] = []
    for i in range(n):
        if R[i]:
            a = len(wk)
            for j in range(m):
                if C[j] and w[i][j]:
                    ri.append(i)
                    cj.append(j)
                    wk.append(int(w[i][j] * den))
                    xs.append(x[i][j])
            rb.append((i, a, len(wk)))
    if not wk or max(wk) >= _FAST_WEIGHT_LIMIT:
        return None
    wf = list(map(float, wk))
    perm = sorted(range(len(wk)), key=cj.__getitem__)
    cj_p = [cj[k] for k in perm]
    cb = [(j, bisect_left(cj_p, j), bisect_right(cj_p, j)) for j in range(m) if C[j]]
    wk_p = [wk[k] for k in perm]
    wf_p = [wf[k] for k in perm]
    xs_p = [xs[k] for k in perm]
    ri_p = [ri[k] for k in perm]
    # the column divisors of the scaled weights are ``den`` times the real ones
    cx = [(c * den).as_integer_ratio() for c in cdiv]
    rx = [r.as_integer_ratio() for r in rdiv]
    lo_d, hi_d = _FAST_DIVISOR_RANGE
    for rows_first in (True, False):
        if rows_first:
            cf = [_ratio(p, q) for p, q in cx]
            if not all(lo_d < f < hi_d for f in cf):
                continue
            rows_ = _settle(n, rb, wk, wf, xs, [cx[j] for j in cj], [cf[j] for j in cj])
            if rows_ is None:
                continue
            rf = [_ratio(p, q) for p, q in rows_]
            cols_ = _settle(
                m, cb, wk_p, wf_p, xs_p, [rows_[i] for i in ri_p], [rf[i] for i in ri_p]
            )
        else:
            rf = [_ratio(p, q) for p, q in rx]
            if not all(lo_d < f < hi_d for f in rf):
                continue
            cols_ = _settle(
                m, cb, wk_p, wf_p, xs_p, [rx[i] for i in ri_p], [rf[i] for i in ri_p]
            )
            if cols_ is None:
                continue
            cf = [_ratio(p, q) for p, q in cols_]
            rows_ = _settle(
                n, rb, wk, wf, xs, [cols_[j] for j in cj], [cf[j] for j in cj]
            )
        if rows_ is not None and cols_ is not None:
            return [_frac(p, q) for p, q in rows_], [
                _frac(p, q * den) for p, q in cols_
            ]
    return None


def _ratio(p: int, q: int) -> float:
    """``p / q`` as a float, infinite when too large for one."""
    try:
        return p / q
    except OverflowError:
        return math.inf


def _signpost_cells(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> list[tuple[int, int]]:
    """The cells whose quotient is exactly on a signpost ``x ± ½`` (not proven)."""
    half = Fraction(1, 2)
    out = []
    for i in range(len(R)):
        for j in range(len(C)):
            if w[i][j] and R[i] and C[j]:
                q = w[i][j] / (rdiv[i] * cdiv[j])
                if q == x[i][j] + half or (x[i][j] and q == x[i][j] - half):
                    out.append((i, j))
    return out


def _strict_divisors_complete(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
) -> tuple[list[Fraction], list[Fraction]] | None:
    """Divisors putting every cell of ``x`` strictly inside its rounding interval, found
    by a complete search, or None when none exist (then ``x`` is not the only
    apportionment: a tie).

    Each cell asks ``w/(x + ½) < r_i·c_j < w/(x − ½)``. With ``u_i = r_i`` and
    ``v_j = 1/c_j`` these are multiplicative difference constraints (``v_j ≤ u_i·k``,
    ``u_i ≤ v_j·k``), solved exactly by Bellman–Ford over fractions, the intervals
    first narrowed by a factor ``1 ± δ``: feasible for some ``δ > 0`` exactly when
    strict divisors exist. ``δ`` is tried large first (simpler numbers), last below
    the smallest distance from 1 that a cycle's product of these factors can have
    when it is not 1 (so an infeasible last try proves a tie). The slow, sure fallback
    of a fallback: only tie-heavy matrices that the settling cannot lift get here.
    """
    n, m = len(R), len(C)
    cells = [
        (i, j, Fraction(w[i][j]), x[i][j])
        for i in range(n)
        for j in range(m)
        if w[i][j] and R[i] and C[j]
    ]
    if not cells:
        return None
    # a cycle has at most 2·min(n, m) edges, each factor a ratio of numbers below
    # 2·max(w)·den + 1: its product, if not 1, is at least 2^-bits away from it
    top = max(max(c[2].numerator, c[2].denominator) for c in cells)
    bits = 2 * min(n, m) * 2 * (top.bit_length() + 2) + 8
    for k in (8, 40, bits):
        delta = Fraction(1, 1 << k)
        edges: list[tuple[int, int, Fraction]] = []  # y[b] ≤ y[a] · factor
        for i, j, wij, xij in cells:
            low = wij / (xij + Fraction(1, 2)) * (1 + delta)
            edges.append((i, n + j, 1 / low))  # v_j ≤ u_i / low
            if xij:
                high = wij / (xij - Fraction(1, 2)) * (1 - delta)
                edges.append((n + j, i, high))  # u_i ≤ v_j · high
        y = [Fraction(1)] * (n + m)
        for _ in range(n + m + 1):
            changed = False
            for a, b, factor in edges:
                bound = y[a] * factor
                if bound < y[b]:
                    y[b] = bound
                    changed = True
            if not changed:
                break
        else:
            continue  # a cycle with product below 1: not with this δ
        rdiv = [y[i] for i in range(n)]
        cdiv = [1 / y[n + j] for j in range(m)]
        return rdiv, cdiv
    return None


def _bp(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
    it: int,
    computed: bool,
    lot: int | None = None,
) -> Biproportional:
    tied = _tied_cells(w, x, rdiv, cdiv)
    if tied and lot is not None:
        return _lot_result(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
    if tied:
        raise ApportionmentTie(
            [f"{rows[i]}/{columns[j]}" for i, j in tied], len(tied) // 2
        )
    strict = _strict_divisors(w, x, R, C, rdiv, cdiv)
    if strict is not None:
        rdiv, cdiv = strict
    on_signpost = _signpost_cells(w, x, R, C, rdiv, cdiv)
    if on_signpost:
        # The settling above found no divisors that lift these cells off their
        # signposts; search for them completely, or refuse the tie.
        exact = _strict_divisors_complete(w, x, R, C)
        if exact is None and lot is not None:
            return _lot_result(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
        if exact is None:
            raise ApportionmentTie(
                [f"{rows[i]}/{columns[j]}" for i, j in on_signpost],
                max(1, len(on_signpost) // 2),
            )
        # exact but long fractions: settle them to the simplest ones
        rdiv, cdiv = _strict_divisors(w, x, R, C, *exact, force=True) or exact
    _zero_line_divisors(w, R, C, rdiv, cdiv)
    return Biproportional(
        tuple(rows),
        tuple(columns),
        tuple(tuple(r) for r in w),
        tuple(tuple(r) for r in x),
        tuple(R),
        tuple(C),
        _Divisors((tuple(rdiv), tuple(cdiv))),
        it,
        computed,
        exact_fallback=True,
    )


# ----------------------------------------------------------------- biproportional lot


def _lot_result(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
    it: int,
    computed: bool,
    seed: int,
) -> Biproportional:
    """The apportionment a published lot picks among those fair at ``rdiv``, ``cdiv``."""
    y, tie = _lot_matrix(rows, columns, w, x, R, C, rdiv, cdiv, seed)
    rdiv, cdiv = list(rdiv), list(cdiv)
    _zero_line_divisors(w, R, C, rdiv, cdiv)
    return Biproportional(
        tuple(rows),
        tuple(columns),
        tuple(tuple(r) for r in w),
        tuple(tuple(r) for r in y),
        tuple(R),
        tuple(C),
        _Divisors((tuple(rdiv), tuple(cdiv))),
        it,
        computed,
        exact_fallback=True,
        tie=tie,
    )


def _lot_matrix(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
    seed: int,
) -> tuple[list[list[int]], Tie]:
    """Break a biproportional tie by a published lot (CON-4 · GS-8, CQ-3).

    ``x`` meets both margins with every cell's quotient ``q = w/(ρ_i·σ_j)`` in its
    closed rounding interval ``[x − ½, x + ½]``. A cell whose ``q`` lies on a signpost
    (a half-integer) may take either neighbour; every choice of them that keeps the
    row and column seats is an apportionment fair at these divisors, so equally
    valid. The lot decides among them: the tied cells, named ``row/column``, are drawn
    in the order ``random.Random(seed).sample(sorted(names), len(names))`` and, in that
    order, each takes the higher seat count when the margins can still be met with it
    (a transportation check), the lower otherwise. Anyone can repeat the draw from the
    seed and the published numbers.
    """
    n, m = len(R), len(C)
    low = [row[:] for row in x]
    tied: dict[str, tuple[int, int]] = {}
    for i in range(n):
        for j in range(m):
            if not (w[i][j] and R[i] and C[j]):
                continue
            q = w[i][j] / (rdiv[i] * cdiv[j])
            if q.denominator == 2:  # on a signpost: floor(q) or floor(q) + 1
                low[i][j] = q.numerator // 2
                tied[f"{rows[i]}/{columns[j]}"] = (i, j)
    need_r = [R[i] - sum(low[i]) for i in range(n)]
    need_c = [C[j] - sum(low[i][j] for i in range(n)) for j in range(m)]
    names = sorted(tied)
    order = random.Random(seed).sample(names, len(names))
    open_cells = {tied[name] for name in names}
    winners: list[str] = []
    for name in order:
        i, j = tied[name]
        open_cells.discard((i, j))
        if need_r[i] > 0 and need_c[j] > 0:
            need_r[i] -= 1
            need_c[j] -= 1
            if _transportable(need_r, need_c, open_cells):
                winners.append(name)
                continue
            need_r[i] += 1
            need_c[j] += 1
    # x itself is a solution, so the greedy choice always completes
    assert not any(need_r) and not any(need_c)
    y = [row[:] for row in low]
    for name in winners:
        i, j = tied[name]
        y[i][j] += 1
    return y, Tie(tuple(names), len(winners), tuple(sorted(winners)), seed)


def _transportable(
    need_r: list[int], need_c: list[int], cells: set[tuple[int, int]]
) -> bool:
    """Whether each row ``i`` can take ``need_r[i]`` and each column ``j``
    ``need_c[j]`` of the open ``cells`` (one seat each): a bipartite flow."""
    total = sum(need_r)
    if total != sum(need_c) or min(need_r + need_c, default=0) < 0:
        return False
    by_row: dict[int, list[int]] = {}
    for i, j in sorted(cells):
        by_row.setdefault(i, []).append(j)
    left = list(need_r)
    taken: dict[int, list[int]] = {j: [] for j in range(len(need_c))}  # col → rows

    def augment(i: int, seen: set[int]) -> bool:
        for j in by_row.get(i, ()):
            if j in seen or (i in taken[j]):
                continue
            seen.add(j)
            if len(taken[j]) < need_c[j]:
                taken[j].append(i)
                return True
            for k in list(taken[j]):
                taken[j].remove(k)
                taken[j].append(i)
                if augment(k, seen):
                    return True
                taken[j].remove(i)
                taken[j].append(k)
        return False

    flow = 0
    for i in range(len(need_r)):
        while left[i] > 0 and augment(i, set()):
            left[i] -= 1
            flow += 1
        if left[i] > 0:
            return False
    return flow == total
