"""Hamilton's method (largest remainder) in integers (CON-4 · GS-8, CQ-3).

Floor quotas ``w·h // W`` and remainders ``w·h % W`` are compared as integers; units
held at a bound are fixed first and the rest share the remaining seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import floordiv, mod

from tongxue.domain.apportionment.common import Tie, TieBreak, input_error, resolve_tie
from tongxue.domain.findings import gettext_noop


def hamilton(
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
        rest, free, total = _fix_bounded_units(ws, house, lo, hi, fixed, bounded)
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
            raise input_error(
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
            winners, found = resolve_tie(names, awarded, out, tie, seed)
            top = [
                i for r, i in zip(rems[:extra], order[:extra], strict=True) if r != edge
            ] + sorted(winners)
        else:
            top = order[:extra]
        for i in top:
            seats[i] += 1
    return seats, qnum, qden, floors, ranks, extra, found


def _fix_bounded_units(
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
                raise input_error(
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
