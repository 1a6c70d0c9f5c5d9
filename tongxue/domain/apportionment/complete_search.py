"""The complete search of the biproportional method (CON-4 · GS-8, CQ-3).

When the exact alternating scaling cycles, creeps or runs out of steps,
:func:`complete_matrix` finds an apportionment by cancelling cycles (Bellman–Ford over
fractions); :func:`strict_divisors` and :func:`strict_divisors_complete` move the
divisors strictly inside every cell's rounding interval, or prove that none exist (a
tie).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from itertools import chain

from tongxue.domain.apportionment import certification
from tongxue.domain.apportionment.certification import (
    FAST_DIVISOR_RANGE,
    FAST_WEIGHT_LIMIT,
)
from tongxue.domain.apportionment.common import (
    common_denominator,
    fraction_of,
    input_error,
)
from tongxue.domain.findings import gettext_noop


def complete_matrix(
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
    ``[x − ½, x + ½]`` (:func:`.biproportional_method._exact_result` then refuses a
    tie or moves them strictly inside).

    A matrix meeting both margins is such an apportionment exactly when the constraints
    ``w/(x + ½) ≤ ρ_i·σ_j ≤ w/(x − ½)`` (those of :func:`strict_divisors_complete`,
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
    x = _meeting_both_margins(x, R, C, usable)
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
            cycle = _predecessor_cycle(pred, edges)
        _move_around_cycle(w, x, n, [edges[k] for k in cycle])
        top = max(y)  # the constraints are homogeneous: keep the numbers small
        y = [v / top for v in y]


def _meeting_both_margins(
    x: list[list[int]], R: list[int], C: list[int], usable: list[list[bool]]
) -> list[list[int]]:
    """Seats on the usable cells meeting both margins, from the seats ``x`` of the
    last step: the margin that step did not fit is met by moving seats along paths
    (:func:`_meet_margin`); when neither fits, each column's seats start in one of its
    cells."""
    n, m = len(R), len(C)
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
    return x


def _move_around_cycle(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    n: int,
    cycle: list[tuple[int, int, Fraction]],
) -> None:
    """Move a seat around a cycle of edges (row → column: a seat more in the cell,
    column → row: a seat less) whose product of factors is below 1, in place, and
    again while the product stays below 1 (both margins are kept)."""
    half = Fraction(1, 2)
    moves = [(a, b - n, 1) if a < n else (b, a - n, -1) for a, b, _ in cycle]
    product = Fraction(1)
    for edge in cycle:
        product *= edge[2]
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
        if end < 0:  # cannot happen once check_support has passed
            raise input_error(
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


def _predecessor_cycle(
    pred: list[int], edges: list[tuple[int, int, Fraction]]
) -> list[int]:
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


def strict_divisors(
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
    divisors, then the columns given those (:func:`.certification.settle_lines`), or
    the other way round (:func:`_settle_in_order`).
    """
    if not force and not _on_upper_signpost(w, x, R, C, rdiv, cdiv):
        return None
    den = common_denominator(chain.from_iterable(w))
    ri, cj, wk, xs, rb = _flat_cells(w, x, R, C, den)
    if not wk or max(wk) >= FAST_WEIGHT_LIMIT:
        return None
    wf = list(map(float, wk))
    perm = sorted(range(len(wk)), key=cj.__getitem__)
    cj_p = [cj[k] for k in perm]
    cb = [
        (j, bisect_left(cj_p, j), bisect_right(cj_p, j)) for j in range(len(C)) if C[j]
    ]
    settle_rows = partial(certification.settle_lines, len(R), rb, wk, wf, xs)
    settle_columns = partial(
        certification.settle_lines,
        len(C),
        cb,
        [wk[k] for k in perm],
        [wf[k] for k in perm],
        [xs[k] for k in perm],
    )
    ri_p = [ri[k] for k in perm]
    # the column divisors of the scaled weights are ``den`` times the real ones
    cx = [(c * den).as_integer_ratio() for c in cdiv]
    rx = [r.as_integer_ratio() for r in rdiv]
    found = _settle_in_order(cx, cj, settle_rows, ri_p, settle_columns)
    if found is not None:
        rows_, cols_ = found
    else:
        found = _settle_in_order(rx, ri_p, settle_columns, cj, settle_rows)
        if found is None:
            return None
        cols_, rows_ = found
    return [fraction_of(p, q) for p, q in rows_], [
        fraction_of(p, q * den) for p, q in cols_
    ]


def _on_upper_signpost(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> bool:
    """Whether some cell (with weight, in a row and a column with seats) has its
    quotient at the divisors ``rdiv``, ``cdiv`` exactly on its upper signpost
    ``x + ½``."""
    half = Fraction(1, 2)
    return any(
        w[i][j] and R[i] and C[j] and w[i][j] / (rdiv[i] * cdiv[j]) == x[i][j] + half
        for i in range(len(R))
        for j in range(len(C))
    )


#: :func:`.certification.settle_lines` with one side's cells bound: given the
#: crossing divisors of each cell, exact ``(p, q)`` and as floats
_Settle = Callable[[list[tuple[int, int]], list[float]], list[tuple[int, int]] | None]


def _settle_in_order(
    given: list[tuple[int, int]],
    given_at: list[int],
    settle_first: _Settle,
    first_at: list[int],
    settle_second: _Settle,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """The simplest exact divisors ``(num, den)`` of one side (``settle_first``)
    given the exact divisors ``given`` of the other, then those of the other side
    (``settle_second``) given the first's: cell ``k`` of the first side's cells crosses
    the line ``given_at[k]``, of the second side's the line ``first_at[k]``. Returns
    (first side, second side), or None when a ``given`` divisor is out of the float
    range or a side has no such divisors."""
    lo_d, hi_d = FAST_DIVISOR_RANGE
    gf = [_float_ratio(p, q) for p, q in given]
    if not all(lo_d < f < hi_d for f in gf):
        return None
    first = settle_first([given[k] for k in given_at], [gf[k] for k in given_at])
    if first is None:
        return None
    ff = [_float_ratio(p, q) for p, q in first]
    second = settle_second([first[k] for k in first_at], [ff[k] for k in first_at])
    return None if second is None else (first, second)


def _flat_cells(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    den: int,
) -> tuple[list[int], list[int], list[int], list[int], list[tuple[int, int, int]]]:
    """The cells with weight in a row and a column with seats, row by row: their row,
    column, weight times ``den`` (whole) and seats, and each row's ``(row, first cell,
    end)``."""
    ri: list[int] = []
    cj: list[int] = []
    wk: list[int] = []
    xs: list[int] = []
    rb: list[tuple[int, int, int]] = []
    for i in range(len(R)):
        if R[i]:
            a = len(wk)
            for j in range(len(C)):
                if C[j] and w[i][j]:
                    ri.append(i)
                    cj.append(j)
                    wk.append(int(w[i][j] * den))
                    xs.append(x[i][j])
            rb.append((i, a, len(wk)))
    return ri, cj, wk, xs, rb


def _float_ratio(p: int, q: int) -> float:
    """``p / q`` as a float, infinite when too large for one."""
    try:
        return p / q
    except OverflowError:
        return math.inf


def strict_divisors_complete(
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
