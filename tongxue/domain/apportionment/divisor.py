"""The divisor methods (D'Hondt, Sainte-Laguë, Huntington–Hill, Adams), exact.

:func:`divisor_method` lets the fast paths (:mod:`.fast_divisor`) propose the seats
and accepts them only when the exact lowest awarded priority is not below the exact
highest priority left out; otherwise it recounts in exact arithmetic. A tie for the
last seat(s) is resolved by the caller's policy. :func:`divisor_value` gives the
simplest divisor reproducing the seats.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from tongxue.domain.apportionment import fast_divisor as fast
from tongxue.domain.apportionment.common import (
    SHORTLIST_TOLERANCE,
    Method,
    Tie,
    TieBreak,
    clamp,
    fraction_of,
    resolve_tie,
    simplest_pair,
)
from tongxue.domain.apportionment.priorities import (
    exact_extreme,
    float_priorities,
    priority,
    seats_at_divisor,
)


def divisor_method(
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
    ``fast.PLAIN_UNITS`` units) is proposed and certified by
    :func:`.fast_divisor.usual_case`. Otherwise floats propose:
    :func:`.fast_divisor.estimate_divisor` finds a divisor and the seats it gives, and
    the last few seats are moved by float priorities
    (:func:`.fast_divisor.fit_by_float_priorities`: up to ``fast.FLOAT_MOVES`` seats,
    no maximums) or else by exact ones (:func:`_fit_exactly`, a heap over the
    shortlisted units). The result is then checked exactly: ``t`` (lowest awarded
    priority) ≥ ``u`` (highest left out) means the seats are the divisor method's
    (``t = u`` is a tie). Should a float have rounded a quotient to the wrong side of a
    signpost (``t < u``), the seats are recomputed from the estimated divisor in exact
    arithmetic (:func:`seats_at_divisor`) and checked again.
    """
    n = len(ws)
    top = max(ws) or 1
    wf = [w / top for w in ws]  # int / int is correctly rounded, never overflows
    plain = hi.count(None) == n
    estimate = None
    if plain and 0 not in ws and sum(lo) < house < 2**50:
        # the usual case: every weight > 0, no maximums (and for Adams and HH,
        # minimums of one seat at least, set by apportion)
        certified, estimate = fast.usual_case(method, ws, wf, lo, house)
        if certified is not None:
            return (*certified, None)
    if plain and 0 not in ws:
        free = list(range(n))
    else:
        free = [i for i in range(n) if ws[i] > 0 and (hi[i] is None or hi[i] > lo[i])]  # type: ignore[operator]
    d = 1.0
    proposed = house > sum(lo) and bool(free)
    if proposed:
        d, seats, r = estimate or fast.estimate_divisor(method, wf, lo, hi, house)
        if r <= fast.FLOAT_MOVES and plain:
            t, t_units, u, u_units = fast.fit_by_float_priorities(
                method, ws, wf, lo, free, seats, house
            )
        else:
            _fit_exactly(method, ws, wf, lo, hi, free, seats, house)
            t, t_units, u, u_units = _exact_bounds(method, ws, wf, lo, hi, free, seats)
    else:
        seats = list(lo)
        t, t_units, u, u_units = _exact_bounds(method, ws, wf, lo, hi, free, seats)
    if proposed and t is not None and u is not None and t < u:
        # a float rounded a quotient the wrong way: exact seats at the same divisor
        _recount_exactly(method, ws, lo, hi, seats, Fraction(d) * top)
        _fit_exactly(method, ws, wf, lo, hi, free, seats, house)
        t, t_units, u, u_units = _exact_bounds(method, ws, wf, lo, hi, free, seats)
    found: Tie | None = None
    if t is not None and u is not None and t == u:
        if resolver is not None:
            winners = resolver(t_units, u_units)
        else:
            winners, found = resolve_tie(names, t_units, u_units, tie, seed)
        for i in t_units:
            if i not in winners:
                seats[i] -= 1
        for i in u_units:
            if i in winners:
                seats[i] += 1
    return seats, u, t, found


def _recount_exactly(
    method: Method,
    ws: list[int],
    lo: list[int],
    hi: list[int | None],
    seats: list[int],
    divisor: Fraction,
) -> None:
    """Every unit's seats at ``divisor`` in exact arithmetic, clamped to its bounds
    (in place)."""
    num, den = divisor.numerator, divisor.denominator
    for i in range(len(ws)):
        if ws[i] > 0:
            seats[i] = clamp(seats_at_divisor(method, ws[i], num, den), lo[i], hi[i])
        else:
            seats[i] = lo[i]


def _select_moves(
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
    fk = list(zip(float_priorities(method, wf, cand, ks), cand, strict=True))
    pick = heapq.nlargest(r, fk) if largest else heapq.nsmallest(r, fk)
    edge = pick[-1][0]
    if largest:
        short = [i for f, i in fk if f >= edge * (1 - SHORTLIST_TOLERANCE)]
    else:
        short = [i for f, i in fk if f <= edge * (1 + SHORTLIST_TOLERANCE)]
    sign = -1 if largest else 1
    heap = [(sign * priority(method, ws[i], first(i)), i, first(i)) for i in short]
    heapq.heapify(heap)
    moved: dict[int, int] = {}
    for _ in range(r):
        _, i, k = heapq.heappop(heap)
        moved[i] = moved.get(i, 0) + step
        k2 = k + step
        if limit(i, k2):
            heapq.heappush(heap, (sign * priority(method, ws[i], k2), i, k2))
    return moved


def _fit_exactly(
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
        moved = _select_moves(
            cand, house - s, seats.__getitem__, ks, 1, method, ws, wf, can_add
        )
    elif s > house:
        cand = [i for i in free if seats[i] > lo[i]]
        ks = list(map((-1).__add__, map(seats.__getitem__, cand)))
        moved = _select_moves(
            cand, s - house, lambda i: seats[i] - 1, ks, -1, method, ws, wf, can_remove
        )
    else:
        return
    for i, mv in moved.items():
        seats[i] += mv


def _exact_bounds(
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
    t, t_units = exact_extreme(
        awarded_idx,
        float_priorities(
            method,
            wf,
            awarded_idx,
            list(map((-1).__add__, map(seats.__getitem__, awarded_idx))),
        ),
        lambda i: priority(method, ws[i], seats[i] - 1),
        largest=False,
    )
    u, u_units = exact_extreme(
        out_idx,
        float_priorities(method, wf, out_idx, list(map(seats.__getitem__, out_idx))),
        lambda i: priority(method, ws[i], seats[i]),
        largest=True,
    )
    return t, t_units, u, u_units


def weight_scale(weights: Sequence[int | Fraction], ws: Sequence[int]) -> Fraction:
    """The factor from the given ``weights`` to the scaled integers ``ws``."""
    for w, s in zip(weights, ws, strict=True):
        if w:
            return Fraction(s) / w
    return Fraction(1)


def divisor_value(
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
    return fraction_of(
        *simplest_pair(lo_b.numerator, lo_b.denominator, t.numerator, t.denominator)
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
            p, q = simplest_pair(an, ad, bn, bd)
            pp, qq = p * p, q * q
            if (
                u is None or pp * u.denominator > u.numerator * qq
            ) and pp * t.denominator < t.numerator * qq:
                return fraction_of(p, q)
    un, ud = (u.numerator, u.denominator) if u is not None else (0, 1)
    tn, td = t.numerator, t.denominator
    # √(n/d) = √(n·d)/d; with 4^k more: isqrt(n·d·4^k) / (d·2^k) ≤ √(n/d) < (… + 1) / …
    k = max(0, 64 - min(un * ud, tn * td).bit_length() // 2)
    while True:
        ln, ld = math.isqrt(un * ud << 2 * k) + 1, ud << k
        hn, hd = math.isqrt(tn * td << 2 * k), td << k
        if ln * hd < hn * ld:
            return fraction_of(*simplest_pair(ln, ld, hn, hd))
        k += 64
