"""Fast path of the biproportional method on the full grid (CON-4 · GS-8, CQ-3).

Every weight > 0 and every row and column with seats: the alternating scaling runs on
floats as whole-list passes (``map`` over ``operator.truediv``), refitting only the
lines that do not add up, and the last step's maxima certify the matrix
(:func:`tongxue.domain.apportionment.certification.certified_lines`). Floats only
propose: uncertified, the caller falls back to :mod:`.fast_matrix`, then to the exact
method.
"""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from itertools import chain
from operator import truediv
from typing import Any, NamedTuple

from tongxue.domain.apportionment.certification import (
    FAST_DIVISOR_RANGE,
    certified_lines,
    grid_divisors,
)
from tongxue.domain.apportionment.results import LazyDivisors


class _GridSeats(NamedTuple):
    """The seats of the full grid (row-major) with ``x + ½`` and ``x − ½`` (exact
    floats) and the row and column sums, all kept up to date in place."""

    X: list[int]
    Xh: list[float]
    Xm: list[float]
    rs: list[int]
    cs: list[int]


def grid_biproportional(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    iterations: int,
    wk: list[int],
    wf: list[float],
    wmax: int,
) -> tuple[list[list[int]], LazyDivisors, int] | None:
    """:func:`.fast_matrix.fast_biproportional` on the full grid (every weight > 0,
    every row and column with seats; ``wk``/``wf`` row-major), with the steps as
    whole-list passes.

    A row step works on ``A = w/σ`` (the weights over their column divisors): with
    ``U = A/(x+½)`` and ``V = (x−½)/A``, row ``i`` keeps its seats for every divisor
    in ``(max U, 1/max V]`` over its cells; rows whose seats do not add up are refitted
    first by priorities (:func:`_refit_grid_line`), then every row divisor moves to the
    middle of its interval (:func:`_row_step`). A column step does the same, column by
    column, on ``B = w/ρ`` (:func:`_refit_columns`, :func:`_column_maxima`). The seats
    ``x`` are kept next to ``x ± ½`` (exact floats) and to their row and column sums,
    so a step costs a few C-level passes over the cells plus the lines to refit. Floats
    only propose: the last step's maxima certify the matrix (:func:`_certify`), or the
    exact settling decides, or (None) the exact method."""
    m = len(C)
    cols = range(m)
    wcol = [wf[j::m] for j in cols]  # the columns' weights (row order)
    rho = list(map(truediv, map(sum, zip(*wcol, strict=True)), R))
    each = list(chain.from_iterable(zip(*[rho] * m, strict=True)))  # ρ of every cell
    X = _grid_start(wf, each)
    seats = _GridSeats(
        X,
        [x + 0.5 for x in X],
        [x - 0.5 for x in X],
        list(map(sum, zip(*[X[j::m] for j in cols], strict=True))),
        [sum(X[j::m]) for j in cols],
    )
    scaled = _grid_scaling(wf, wcol, seats, R, C, iterations)
    if scaled is None:
        return None  # no convergence: the exact method decides
    rho, sig, proof = scaled
    return _grid_result(w, R, C, den, wk, wf, wmax, seats.X, rho, sig, proof)


def _grid_scaling(
    wf: list[float],
    wcol: list[list[float]],
    seats: _GridSeats,
    R: list[int],
    C: list[int],
    iterations: int,
) -> tuple[list[float], list[float], _Proof] | None:
    """The alternating steps of :func:`grid_biproportional` from its first proposal
    ``seats`` (updated in place; ``wcol``: the weights ``wf`` column by column), until
    one side's seats add up: the row and column divisors and how the scaling ended
    (:class:`_Proof`), or None after ``iterations`` steps."""
    n, m = len(R), len(C)
    rho: list[float] = []  # set by the first row step
    sig = [1.0] * m
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
            refitted = _refit_rows(A, seats, R, m)
            if seats.cs == C:
                for i, r in zip(refitted[3::4], refitted[2::4], strict=True):
                    rho[i] = r
                finish = "rows refitted"
                break
        rtu, rtv = _row_step(A, seats, R, m)
        rho = [(u + 1 / v) / 2 for u, v in zip(rtu, rtv, strict=True)]
        if seats.cs == C:
            finish = "rows"
            break
        # column step, column by column on B = w/ρ: the columns that do not add up
        # first; when the rows then add up, the other columns keep their divisors
        # (the row step's maxima cover their cells)
        refitted = _refit_columns(wcol, rho, seats, C, ctu, ctv)
        if seats.rs == R:
            for j, g in zip(refitted[3::4], refitted[2::4], strict=True):
                sig[j] = g
            finish = "columns refitted"
            break
        _column_maxima(wcol, rho, seats, set(refitted[3::4]), ctu, ctv)
        sig = [(u + 1 / v) / 2 for u, v in zip(ctu, ctv, strict=True)]
        A = list(map(truediv, wf, sig * n))
    else:
        return None
    lines = (rtu, rtv) if finish != "rows refitted" else (ctu, ctv)
    return rho, sig, _Proof(finish, lines, refitted, it)


class _Proof(NamedTuple):
    """How the scaling ended (``finish``: "rows", "rows refitted" or "columns
    refitted"), the maxima of the other side's last full step (``lines``), the lines
    refitted since (``u, v, divisor, line``, flat) and the number of steps."""

    finish: str
    lines: tuple[list[float], list[float]]
    refitted: list[Any]
    steps: int


def _grid_result(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    wk: list[int],
    wf: list[float],
    wmax: int,
    X: list[int],
    rho: list[float],
    sig: list[float],
    proof: _Proof,
) -> tuple[list[list[int]], LazyDivisors, int] | None:
    """The seat matrix with its divisors: settled on first read when floats certify
    it (:func:`_certify`), else settled now (None when no exact divisors fit)."""
    lo_d, hi_d = FAST_DIVISOR_RANGE
    if not all(lo_d < d < hi_d for d in (*rho, *sig)):
        return None
    rows_last = proof.finish != "columns refitted"
    settle = partial(grid_divisors, w, R, C, den, rows_last, wk, wf, X, rho, sig)
    m = len(C)
    matrix = [X[a : a + m] for a in range(0, len(X), m)]
    if _certify(wmax, max(R), proof.finish, rho, sig, proof.lines, proof.refitted):
        return matrix, LazyDivisors(settle=settle), proof.steps
    divisors = settle(dyadic=False)
    if divisors is None:
        return None
    return matrix, LazyDivisors(divisors), proof.steps


def _refit_rows(A: list[float], seats: _GridSeats, R: list[int], m: int) -> list[Any]:
    """Refit, by priorities, the rows whose seats do not add up (in place); returns
    ``u, v, divisor, row`` of each row refitted, flat."""
    X, Xh, Xm, rs, cs = seats
    refitted: list[Any] = []
    for i, t in enumerate(rs):
        if t != R[i]:
            a = i * m
            b = a + m
            Ai = A[a:b]
            ui = list(map(truediv, Ai, Xh[a:b]))
            vi = list(map(truediv, Xm[a:b], Ai))
            u, v = _refit_grid_line(Ai, ui, vi, X, Xh, Xm, a, 1, t, R[i], cs)
            rs[i] = R[i]
            refitted += (u, v, (u + 1 / v) / 2, i)
    return refitted


def _row_step(
    A: list[float], seats: _GridSeats, R: list[int], m: int
) -> tuple[list[float], list[float]]:
    """The row step over whole lists: ``U = A/(x+½)`` and ``V = (x−½)/A`` per row
    (rows refitted before come out the same), a row off by one seat corrected inline,
    by more refitted (:func:`_refit_grid_line`). Returns each row's ``max U`` and
    ``max V``: its divisor's interval."""
    X, Xh, Xm, rs, cs = seats
    cols = range(m)
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
        if t == h + 1:  # one seat too many (the usual case): as _refit_grid_line does
            p = V.index(rtv[i], a, b)
            x = X[p] = X[p] - 1
            cs[p - a] -= 1
        elif t == h - 1:  # one seat too few
            p = U.index(rtu[i], a, b)
            x = X[p] = X[p] + 1
            cs[p - a] += 1
        else:
            rtu[i], rtv[i] = _refit_grid_line(
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
    return rtu, rtv


def _refit_columns(
    wcol: list[list[float]],
    rho: list[float],
    seats: _GridSeats,
    C: list[int],
    ctu: list[float],
    ctv: list[float],
) -> list[Any]:
    """Refit, by priorities on ``B = w/ρ``, the columns whose seats do not add up (in
    place, with their maxima in ``ctu`` and ``ctv``); returns ``u, v, divisor,
    column`` of each column refitted, flat."""
    X, Xh, Xm, rs, cs = seats
    m = len(C)
    refitted: list[Any] = []
    for j, t in enumerate(cs):
        if t != C[j]:
            bj = list(map(truediv, wcol[j], rho))
            uj = list(map(truediv, bj, Xh[j::m]))
            vj = list(map(truediv, Xm[j::m], bj))
            u, v = ctu[j], ctv[j] = _refit_grid_line(
                bj, uj, vj, X, Xh, Xm, j, m, t, C[j], rs
            )
            cs[j] = C[j]
            refitted += (u, v, (u + 1 / v) / 2, j)
    return refitted


def _column_maxima(
    wcol: list[list[float]],
    rho: list[float],
    seats: _GridSeats,
    done: set[int],
    ctu: list[float],
    ctv: list[float],
) -> None:
    """The column step's maxima of ``B/(x+½)`` and ``(x−½)/B`` (``B = w/ρ``) of the
    columns not refitted (``done``), in place."""
    m = len(wcol)
    Xh, Xm = seats.Xh, seats.Xm
    for j in range(m):
        if j not in done:
            bj = list(map(truediv, wcol[j], rho))
            ctu[j] = max(map(truediv, bj, Xh[j::m]))
            ctv[j] = max(map(truediv, Xm[j::m], bj))


def _certify(
    wmax: int,
    xmax: int,
    finish: str,
    rho: list[float],
    sig: list[float],
    lines: tuple[list[float], list[float]],
    refitted: list[Any],
) -> bool:
    """Whether floats certify the matrix (:func:`certified_lines`): every cell lies in
    a line of the other side's last full step (its maxima ``lines``) or in a line
    refitted since (stale values of refitted lines are extra values under a
    maximum)."""
    divisors = sig if finish == "rows refitted" else rho
    if not certified_lines(wmax, xmax, divisors, *lines, rho, sig):
        return False
    return finish == "rows" or certified_lines(
        wmax, xmax, refitted[2::4], refitted[::4], refitted[1::4], rho, sig
    )


def _grid_start(wf: list[float], each: list[float]) -> list[int]:
    """The first proposal of :func:`grid_biproportional`: each cell's quotient
    ``w/ρ`` rounded half up (a proposal only; the steps refit it and the end
    certifies it)."""
    return [int(q + 0.5) for q in map(truediv, wf, each)]


def _refit_grid_line(
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
