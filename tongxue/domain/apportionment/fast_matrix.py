"""Fast path of the biproportional method: float alternating scaling (CON-4).

The cells with weight in a row and a column that have seats are kept in flat lists,
row by row and (through a permutation) column by column; a step rounds every cell at
the current divisors, refits the lines that are off by priorities and recentres every
divisor. The full grid goes to :mod:`.fast_grid` first. The result is certified
(:mod:`.certification`) or handed back as None, and the exact method decides.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from fractions import Fraction
from functools import partial
from itertools import chain
from typing import NamedTuple, cast

from tongxue.domain.apportionment.certification import (
    FAST_DIVISOR_RANGE,
    FAST_WEIGHT_LIMIT,
    FlatCells,
    certified,
    exact_divisors,
)
from tongxue.domain.apportionment.common import common_denominator
from tongxue.domain.apportionment.fast_grid import grid_biproportional
from tongxue.domain.apportionment.margins import zero_line_divisors
from tongxue.domain.apportionment.results import LazyDivisors


def fast_biproportional(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    iterations: int,
    plain: bool,
    positive: bool,
    flat: list[int] | None = None,
) -> tuple[list[list[int]], LazyDivisors, int] | None:
    """Alternating scaling on floats, then a certification of the result.

    The full grid (every weight > 0, every row and column with seats, two columns at
    least) goes to :func:`.fast_grid.grid_biproportional`. Otherwise only cells with
    weight in a row and a column that have seats take part; they are kept in flat lists
    (:class:`.certification.FlatCells`), so that a step is a few passes over all cells
    plus the few lines whose seats do not add up (:func:`_float_scaling`). Returns the
    seats, row and column divisors and steps, or None when the floats do not converge
    or no exact divisors put every cell strictly inside its rounding interval (then the
    exact method decides). The side that the last step did not touch is settled first
    (simplest exact divisors given the other side's float divisors, read exactly), then
    the other side given those: a matrix that fits after the first row step keeps
    column divisors 1, as the exact method reports.
    """
    n, m = len(R), len(C)
    # ``plain``: whole weights only; ``positive``: all of them > 0
    den = 1 if plain else common_denominator(chain.from_iterable(w))
    W = (
        cast(list[list[int]], w)
        if plain
        else [[int(e * den) for e in row] for row in w]
    )
    acols = [j for j in range(m) if C[j]]
    if m > 1 and len(acols) == m and min(R) > 0 and positive:
        # the full grid: every cell takes part (``flat``: W row-major)
        wk = flat if flat is not None else list(chain.from_iterable(W))
        wmax = max(wk)
        if wmax >= FAST_WEIGHT_LIMIT:
            return None
        found = grid_biproportional(
            w, R, C, den, iterations, wk, list(map(float, wk)), wmax
        )
        if found is not None:
            return found
        # not certified (a near-tie on the way, where rounding decides which exact
        # divisors the floats lead to): the general loop below tries too, as before
    cells = _flat_cells(W, R, acols)
    if not cells.wk:
        rdiv, cdiv = [Fraction(1)] * n, [Fraction(1)] * m
        zero_line_divisors(w, R, C, rdiv, cdiv)
        return [[0] * m for _ in range(n)], LazyDivisors((tuple(rdiv), tuple(cdiv))), 1
    wmax = max(cells.wk)
    if wmax >= FAST_WEIGHT_LIMIT:
        return None
    scaled = _float_scaling(cells, R, C, iterations)
    if scaled is None:
        return None
    return _flat_result(w, R, C, den, cells, scaled, wmax)


def _flat_result(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    cells: FlatCells,
    scaled: _Scaled,
    wmax: int,
) -> tuple[list[list[int]], LazyDivisors, int] | None:
    """The seat matrix the float scaling ended with (over the flat ``cells``) with
    its divisors: settled on first read when floats certify it (:func:`certified`),
    else settled now; None when the float divisors left the safe range or no exact
    divisors fit."""
    X, rho, sig = scaled.seats, scaled.rho, scaled.sig
    lo_d, hi_d = FAST_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig)):
        return None
    n, m = len(R), len(C)
    if n * m == len(X):  # the full grid, row-major
        seats = [X[i * m : i * m + m] for i in range(n)]
    else:
        seats = [[0] * m for _ in range(n)]
        for i, j, s_ in zip(cells.ri, cells.cj, X, strict=True):
            seats[i][j] = s_
    settle = partial(exact_divisors, w, R, C, den, cells, scaled.rows_last, X, rho, sig)
    # the last step's lines: rows or columns
    if scaled.rows_last:
        new = [rho[i] for i, _, _ in cells.rb]
    else:
        new = [sig[j] for j, _, _ in cells.cb]
    if certified(wmax, max(R), rho, sig, scaled.tops, scaled.lows, scaled.old, new):
        return seats, LazyDivisors(settle=settle), scaled.steps
    divisors = settle(dyadic=False)
    if divisors is None:
        return None
    return seats, LazyDivisors(divisors), scaled.steps


def _flat_cells(W: list[list[int]], R: list[int], acols: list[int]) -> FlatCells:
    """The cells with weight (``W``, whole) in a row with seats and one of the
    columns with seats ``acols``, row by row, and their column-major order."""
    rb: list[tuple[int, int, int]] = []  # row, first cell, end (row-major order)
    ri: list[int] = []
    cj: list[int] = []
    wk: list[int] = []
    for i in range(len(R)):
        if R[i]:
            a = len(wk)
            Wi = W[i]
            for j in acols:
                if Wi[j]:
                    ri.append(i)
                    cj.append(j)
                    wk.append(Wi[j])
            rb.append((i, a, len(wk)))
    # column, first cell, end (column-major order, through ``perm``)
    perm = sorted(range(len(wk)), key=cj.__getitem__)  # column-major order (stable)
    cj_p = list(map(cj.__getitem__, perm))
    cb = [(j, bisect_left(cj_p, j), bisect_right(cj_p, j)) for j in acols]
    return FlatCells(False, rb, cb, wk, list(map(float, wk)), ri, cj, perm)


class _Scaled(NamedTuple):
    """Where the float alternating scaling ended: the seats (row-major over the flat
    cells), the row and column divisors, whether rows were the last step, and that
    step's per-line maxima of ``q/(x+½)`` (``tops``) and ``(x−½)/q`` (``lows``) at the
    lines' divisors before it (``old``)."""

    seats: list[int]
    rho: list[float]
    sig: list[float]
    rows_last: bool
    tops: list[float]
    lows: list[float]
    old: list[float]
    steps: int


def _float_scaling(
    cells: FlatCells, R: list[int], C: list[int], iterations: int
) -> _Scaled | None:
    """Alternating scaling on floats over the flat ``cells``; None when it has not
    converged after ``iterations`` steps.

    A row step rounds every cell at the current divisors, refits the rows that are off
    (:func:`_refit_line`) and moves every row divisor to the middle of its interval; a
    column step likewise, in column-major order.
    """
    wf, ri, cj, rb, cb, perm = (
        cells.wf,
        cells.ri,
        cells.cj,
        cells.rb,
        cells.cb,
        cells.perm,
    )
    inv = sorted(range(len(wf)), key=perm.__getitem__)
    wf_p = list(map(wf.__getitem__, perm))
    ri_p = list(map(ri.__getitem__, perm))
    cj_p = list(map(cj.__getitem__, perm))
    rho = [1.0] * len(R)
    sig = [1.0] * len(C)
    X: list[int] = []
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
                u, v = _refit_line(Q, X, up, rec, a, b, t, R[i])
            tops.append(u)
            lows.append(v)
            old.append(rho[i])
            rho[i] *= (u + 1 / v) / 2
        Xp = list(map(X.__getitem__, perm))
        if all(sum(Xp[a:b]) == C[j] for j, a, b in cb):
            return _Scaled(X, rho, sig, True, tops, lows, old, it)
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
                u, v = _refit_line(Q, Xp, up, rec, a, b, t, C[j])
            tops.append(u)
            lows.append(v)
            old.append(sig[j])
            sig[j] *= (u + 1 / v) / 2
        X = list(map(Xp.__getitem__, inv))
        if all(sum(X[a:b]) == R[i] for i, a, b in rb):
            return _Scaled(X, rho, sig, False, tops, lows, old, it)
    return None


def _refit_line(
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
