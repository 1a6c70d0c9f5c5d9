"""Fast paths of the divisor methods: floats propose, integers certify (CON-4).

Nothing here decides a seat on a float. The usual case (every weight > 0, no maximums,
equal minimums) is proposed in one pass (:func:`plain_proposal`) and certified by
:func:`certify_plain` with integer cross products; otherwise :func:`estimate_divisor`
finds a float divisor close to the house and :func:`fit_by_float_priorities` moves the
last seats. Every proposal is then checked exactly by
:func:`tongxue.domain.apportionment.divisor.divisor_method`, which falls back to the
exact path when a check fails. See docs/apportionment.md and docs/performance.md.
"""

from __future__ import annotations

import math
from fractions import Fraction

from tongxue.domain.apportionment.common import SHORTLIST_TOLERANCE, Method
from tongxue.domain.apportionment.priorities import (
    exact_extreme,
    float_priorities,
    float_priority,
    priority,
    priority_pair,
)

#: at most this many seats are moved by float priorities alone (then checked exactly)
FLOAT_MOVES = 8

#: floats below this are not trusted to be relatively close to what they stand for
#: (subnormal numbers lose precision)
_FLOAT_NORMAL = 1e-280

#: the one-pass proposal of :func:`plain_proposal` is tried up to this many units (on
#: larger inputs the first guess is rarely within ``FLOAT_MOVES`` seats)
PLAIN_UNITS = 256

#: the methods whose rounding needs no minimum to keep priorities finite
ROUND_DOWN = (Method.DHONDT, Method.SAINTE_LAGUE)


def usual_case(
    method: Method, ws: list[int], wf: list[float], lo: list[int], house: int
) -> tuple[
    tuple[list[int], Fraction, Fraction] | None, tuple[float, list[int], int] | None
]:
    """The usual case of :func:`.divisor.divisor_method`: every weight > 0, no
    maximums (and for Adams and Huntington–Hill minimums of one seat at least).

    With equal minimums and up to ``PLAIN_UNITS`` units, one pass proposes the seats
    at ``house / total`` and lists their float priorities (:func:`plain_proposal`);
    within ``FLOAT_MOVES`` seats of the house, :func:`certify_plain` moves the last ones
    and proves the result in integers. Otherwise :func:`estimate_divisor` proposes, and
    :func:`certify_plain` tries again. Returns the certified ``(seats, u, t)`` or None,
    and the estimate when one was made (its seats, moved by :func:`certify_plain`, are
    the general path's proposal).
    """
    n = len(ws)
    b = lo[0]
    if n <= PLAIN_UNITS and lo.count(b) == n and (b or method in ROUND_DOWN):
        # one pass proposes the seats and lists their float priorities
        target = float(house)
        if method is Method.DHONDT:
            target += n / 2
        elif method is Method.ADAMS and house > n / 2:
            target -= n / 2
        seats, nxt, last = plain_proposal(method, target / sum(wf), wf, b)
        if abs(sum(seats) - house) <= FLOAT_MOVES:
            found_tu = certify_plain(method, ws, wf, lo, seats, house, nxt, last)
            if found_tu is not None:
                return (seats, found_tu[1], found_tu[0]), None
    estimate = estimate_divisor(method, wf, lo, None, house)
    if estimate[2] <= FLOAT_MOVES and (method in ROUND_DOWN or min(lo) > 0):
        seats = estimate[1]
        found_tu = certify_plain(method, ws, wf, lo, seats, house)
        if found_tu is not None:
            return (seats, found_tu[1], found_tu[0]), estimate
    return None, estimate


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


def estimate_divisor(
    method: Method,
    wf: list[float],
    lo: list[int],
    hi: list[int | None] | None,
    house: int,
) -> tuple[float, list[int], int]:
    """A float divisor, the (clamped) seats it gives, summing close to ``house``, and
    how far their sum is from it (``hi`` None: no maximums).

    Estimate only: the seats are a proposal that :func:`.divisor.divisor_method`
    completes and checks exactly. The divisor is searched as ``x = 1/D`` by
    interpolation between a point giving too few seats and one giving too many, until
    the seats are within ``max(3, units/20)`` of the house (the last ones are cheaper to
    move one by one) or after 6 evaluations; the best point seen is returned.
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


def fit_by_float_priorities(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    free: list[int],
    seats: list[int],
    house: int,
) -> tuple[Fraction | None, list[int], Fraction | None, list[int]]:
    """Move seats, in place, by float priorities until they sum to ``house`` (no
    maximums), then return the exact bounds (as :func:`.divisor._exact_bounds`), the
    floats of the same lists shortlisting.

    The moves are a proposal only: :func:`.divisor.divisor_method` accepts the seats
    only when the exact ``t`` (lowest awarded priority) is not below the exact ``u``
    (highest left out)."""
    if len(free) == len(seats):
        wsel, ssel, lsel = wf, seats, lo
    else:
        wsel = list(map(wf.__getitem__, free))
        ssel = list(map(seats.__getitem__, free))
        lsel = list(map(lo.__getitem__, free))
    nxt = float_priorities(method, wsel, range(len(free)), ssel)
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
        nxt[j] = float_priority(method, wf[i], seats[i])
    for _ in range(s - house):  # the lowest last priority gives its seat up
        j = last.index(min(last))
        i = free[j]
        seats[i] -= 1
        nxt[j] = last[j]
        last[j] = (
            math.inf
            if seats[i] <= lo[i]
            else float_priority(method, wf[i], seats[i] - 1)
        )
    if min(last, default=math.inf) == math.inf:
        t: Fraction | None = None
        t_units: list[int] = []
    else:
        t, t_units = exact_extreme(
            free,
            last,
            lambda i: priority(method, ws[i], seats[i] - 1),
            largest=False,
        )
    u, u_units = exact_extreme(
        free, nxt, lambda i: priority(method, ws[i], seats[i]), largest=True
    )
    return t, t_units, u, u_units


def plain_proposal(
    method: Method, x: float, wf: list[float], b: int
) -> tuple[list[int], list[float], list[float]]:
    """In one pass: the seats at the float divisor ``1/x`` (at least ``b`` each; every
    weight > 0, ``b`` ≥ 1 for Adams and HH), each unit's float priority for its next
    seat and that of its last seat above ``b`` (∞ at ``b``). A proposal only, but the
    priorities are those of the proposed seats (:func:`certify_plain` relies on it)."""
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


def certify_plain(
    method: Method,
    ws: list[int],
    wf: list[float],
    lo: list[int],
    seats: list[int],
    house: int,
    nxt: list[float] | None = None,
    last: list[float] | None = None,
) -> tuple[Fraction, Fraction] | None:
    """The check of :func:`usual_case` (every weight > 0, no maximums, minimums of one
    seat at least for Adams and Huntington–Hill, seats within ``FLOAT_MOVES`` of the
    house): move seats, in place, by float priorities until they sum to ``house``,
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
    if nxt is None or last is None:  # else listed with the seats by plain_proposal
        nxt, last = _float_priority_lists(method, wf, seats, lo)
    if not _move_last_seats(method, wf, lo, seats, house, nxt, last):
        return None
    # the exact highest next priority un/ud: usually one unit is within 10⁻⁹ of the
    # float maximum (the runner-up is below), else all those units are compared
    top = max(nxt)
    j = nxt.index(top)
    nxt[j] = -1.0
    near = max(nxt) >= top * (1 - SHORTLIST_TOLERANCE)
    nxt[j] = top
    un, ud = priority_pair(method, ws[j], seats[j])
    if near:
        cut = top * (1 - SHORTLIST_TOLERANCE)
        for j, f in enumerate(nxt):
            if f >= cut:
                a, b = priority_pair(method, ws[j], seats[j])
                if a * ud > un * b:
                    un, ud = a, b
    # and the exact lowest priority awarded tn/td
    low = min(last)
    if not (top > _FLOAT_NORMAL and _FLOAT_NORMAL < low < inf):
        return None
    j = last.index(low)
    last[j] = inf
    near = min(last) <= low * (1 + SHORTLIST_TOLERANCE)
    last[j] = low
    tn, td = priority_pair(method, ws[j], seats[j] - 1)
    if near:
        cut = low * (1 + SHORTLIST_TOLERANCE)
        for j, f in enumerate(last):
            if f <= cut:
                a, b = priority_pair(method, ws[j], seats[j] - 1)
                if a * td < tn * b:
                    tn, td = a, b
    if tn * ud <= un * td:  # t ≤ u: a tie, or floats rounded the wrong way
        return None
    return Fraction(tn, td), Fraction(un, ud)


def _float_priority_lists(
    method: Method, wf: list[float], seats: list[int], lo: list[int]
) -> tuple[list[float], list[float]]:
    """Each unit's float priority for its next seat, and that of its last seat (∞ at
    its minimum)."""
    inf = math.inf
    held = zip(wf, seats, lo, strict=True)
    if method is Method.DHONDT:
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
    return nxt, last


def _move_last_seats(
    method: Method,
    wf: list[float],
    lo: list[int],
    seats: list[int],
    house: int,
    nxt: list[float],
    last: list[float],
) -> bool:
    """Move seats, in place, until they sum to ``house``: the r highest next
    priorities take a seat each, or the r lowest last priorities give theirs up (one
    sort finds them; should a unit deserve two, the exact check of
    :func:`certify_plain` fails and the general path decides). ``nxt`` and ``last``
    follow. False when that is not the usual case (more seats to move than units)."""
    inf = math.inf
    s = sum(seats)
    if abs(s - house) > len(nxt):
        return False
    if s < house:
        for f in sorted(nxt)[s - house :]:
            j = nxt.index(f)
            seats[j] += 1
            last[j] = f
            nxt[j] = float_priority(method, wf[j], seats[j])
    elif s > house:
        for f in sorted(last)[: s - house]:
            if f == inf:  # fewer units than seats to give up: not the usual case
                return False
            j = last.index(f)
            seats[j] -= 1
            nxt[j] = f
            last[j] = (
                inf
                if seats[j] <= lo[j]
                else float_priority(method, wf[j], seats[j] - 1)
            )
    return True
