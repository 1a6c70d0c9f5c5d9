"""Certify a float seat matrix and settle its exact divisors (biproportional).

The float alternating scaling (:mod:`.fast_matrix`, :mod:`.fast_grid`) only proposes
a seat matrix. :func:`certified` and :func:`certified_lines` prove with error bounds on
the floats that the float divisors, read as exact (dyadic) rationals, put every cell
strictly inside its rounding interval; :func:`exact_divisors` settles the simplest
exact divisors side by side (:func:`settle_lines`, in integers). Either proves the
matrix is the unique biproportional apportionment; otherwise the exact method decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain, repeat
from operator import le, mul, truediv

from tongxue.domain.apportionment.common import (
    SHORTLIST_TOLERANCE,
    fraction_of,
    simplest_pair,
)
from tongxue.domain.apportionment.margins import zero_line_divisors
from tongxue.domain.apportionment.results import DivisorPair

#: the float path keeps weights and divisors far from overflow and underflow
FAST_WEIGHT_LIMIT = 10**100
FAST_DIVISOR_RANGE = (1e-150, 1e150)

#: the float certification of :func:`certified`: weights exact as floats, divisors
#: far enough from overflow and underflow that no product or quotient leaves the normal
#: range, and a relative margin far above the few roundings of each cell's ratio
_CERT_WEIGHT_LIMIT = 2**53
_CERT_DIVISOR_RANGE = (1e-100, 1e100)
_CERT_BELOW = 1 - 1e-12


def certified(
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
    ``xmax``) lies strictly inside its Sainte-Laguë interval at the final row and
    column divisors ``rho``, ``sig`` read as exact (dyadic) rationals:
    ``x − ½ < w/(ρσ) < x + ½``.

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


def certified_lines(
    wmax: int,
    xmax: int,
    divisors: list[float],
    tu: list[float],
    tv: list[float],
    rho: list[float],
    sig: list[float],
) -> bool:
    """The float certification of :func:`grid_biproportional`: the last step's lines
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


def _shortlist(seg: list[float], top: float, cut: float, a: int) -> list[int]:
    """Positions (offset ``a``) of the values of ``seg`` at or above ``cut``; ``top`` is
    their maximum (usually the only one)."""
    if sum(map(cut.__le__, seg)) == 1:
        return [a + seg.index(top)]
    return [a + n for n, f in enumerate(seg) if f >= cut]


def settle_lines(
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
        cut = top * (1 - SHORTLIST_TOLERANCE)
        un, ud = 0, 1
        for k in _shortlist(seg, top, cut, a):
            p, q = other[k]
            cn, cd = 2 * wk[k] * q, p * (2 * x[k] + 1)
            if cn * ud > un * cd:
                un, ud = cn, cd
        seg = recs[a:b]
        top = max(seg)
        cut = top * (1 - SHORTLIST_TOLERANCE)
        tn, td = 0, 0
        for k in _shortlist(seg, top, cut, a):
            if x[k] > 0:
                p, q = other[k]
                cn, cd = 2 * wk[k] * q, p * (2 * x[k] - 1)
                if not td or cn * td < tn * cd:
                    tn, td = cn, cd
        if not td or un * td >= tn * ud:
            return None
        out[line] = simplest_pair(un, ud, tn, td)
    return out


def settle_grid_rows(
    n: int,
    m: int,
    wk: list[int],
    wf: list[float],
    x: list[int],
    other: list[tuple[int, int]],
    other_f: list[float],
) -> list[tuple[int, int]] | None:
    """:func:`settle_lines` for ``n`` rows of ``m`` cells each (the full grid, row-major):
    the per-row float extremes come from strided slices in C; a row whose extreme is
    not unique within the relative 1e-9 goes through :func:`settle_lines` itself."""
    lows = [w / (o * (k + 0.5)) for w, o, k in zip(wf, other_f, x, strict=True)]
    recs = [o * (k - 0.5) / w for w, o, k in zip(wf, other_f, x, strict=True)]
    cols = range(m)
    out: list[tuple[int, int]] = []
    for side in (lows, recs):
        tops = list(map(max, *[side[j::m] for j in cols]))
        cuts = [t * (1 - SHORTLIST_TOLERANCE) for t in tops]
        # every row has one cell at least at its cut (its maximum, when positive):
        # exactly one each when the count over all cells is n
        if (
            min(tops) <= 0
            or sum(map(le, chain.from_iterable(zip(*[cuts] * m, strict=True)), side))
            != n
        ):
            return settle_lines(
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
        result.append(simplest_pair(un, ud, tn, td))
    return result


@dataclass(slots=True)
class FlatCells:
    """The cells of a seat matrix that the float scaling works on, in flat lists.

    Row by row: each cell's row ``ri`` and column ``cj``, its weight as a whole number
    ``wk`` (the matrix's weights times a common denominator) and as a float ``wf``;
    ``rb`` holds each row's ``(row, first cell, end)``. Column by column through
    ``perm`` (positions in the row-major lists), ``cb`` each column's ``(column,
    first, end)``. ``grid``: the full grid, every cell of every row and column.
    """

    grid: bool
    rb: list[tuple[int, int, int]]
    cb: list[tuple[int, int, int]]
    wk: list[int]
    wf: list[float]
    ri: list[int]
    cj: list[int]
    perm: list[int]


def exact_divisors(
    w: list[list[int | Fraction]],
    R: list[int],
    C: list[int],
    den: int,
    cells: FlatCells,
    rows_last: bool,
    X: list[int],
    rho: list[float],
    sig: list[float],
    *,
    dyadic: bool = True,
) -> DivisorPair | None:
    """Exact divisors for the seats ``X`` (over the flat ``cells``) found by the
    float scaling: the simplest divisors of both sides (:func:`settle_lines`), then
    those of the lines without seats. None when no such divisors exist; when
    ``dyadic``, the float divisors read exactly stand in instead (only called so when
    :func:`certified` or :func:`certified_lines` proved that they fit)."""
    found = _settle_both_sides(cells, len(R), len(C), rows_last, X, rho, sig)
    if found is None:
        if not dyadic:
            return None
        found = (
            list(map(float.as_integer_ratio, rho)),
            list(map(float.as_integer_ratio, sig)),
        )
    rx, cx = found
    rdiv = [fraction_of(p, q) for p, q in rx]
    cdiv = [fraction_of(p, q * den) for p, q in cx]
    zero_line_divisors(w, R, C, rdiv, cdiv)
    return tuple(rdiv), tuple(cdiv)


def _settle_both_sides(
    cells: FlatCells,
    n: int,
    m: int,
    rows_last: bool,
    X: list[int],
    rho: list[float],
    sig: list[float],
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """The simplest exact divisors ``(num, den)`` of the rows and the columns.

    Settle first the side the last step did not touch (column divisors 1 stay 1 when
    the first row step fits), or the side with fewer lines, given the other side's
    float divisors read exactly: the second side, often the longer, then works with
    small exact divisors."""
    wk, wf, ri, cj, perm = cells.wk, cells.wf, cells.ri, cells.cj, cells.perm
    wk_p = list(map(wk.__getitem__, perm))
    wf_p = list(map(wf.__getitem__, perm))
    ri_p = list(map(ri.__getitem__, perm))
    Xp = list(map(X.__getitem__, perm))

    def settle_rows(
        other: list[tuple[int, int]], other_f: list[float]
    ) -> list[tuple[int, int]] | None:
        if cells.grid:
            return settle_grid_rows(n, m, wk, wf, X, other, other_f)
        return settle_lines(n, cells.rb, wk, wf, X, other, other_f)

    if rows_last or len(cells.cb) <= len(cells.rb):
        rx = list(map(float.as_integer_ratio, rho))
        cx = settle_lines(
            m,
            cells.cb,
            wk_p,
            wf_p,
            Xp,
            list(map(rx.__getitem__, ri_p)),
            list(map(rho.__getitem__, ri_p)),
        )
        if cx is None:
            return None
        cf = [p / q for p, q in cx]
        rx_ = settle_rows(list(map(cx.__getitem__, cj)), list(map(cf.__getitem__, cj)))
        return None if rx_ is None else (rx_, cx)
    cx = list(map(float.as_integer_ratio, sig))
    rx_ = settle_rows(list(map(cx.__getitem__, cj)), list(map(sig.__getitem__, cj)))
    if rx_ is None:
        return None
    rf = [p / q for p, q in rx_]
    cx_ = settle_lines(
        m,
        cells.cb,
        wk_p,
        wf_p,
        Xp,
        list(map(rx_.__getitem__, ri_p)),
        list(map(rf.__getitem__, ri_p)),
    )
    return None if cx_ is None else (rx_, cx_)


def grid_divisors(
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
) -> DivisorPair | None:
    """:func:`exact_divisors` for :func:`.fast_grid.grid_biproportional` (its flat
    lists built here, when the divisors are first read)."""
    n, m = len(R), len(C)
    N = n * m
    cells = FlatCells(
        grid=True,
        rb=[(i, i * m, i * m + m) for i in range(n)],
        cb=[(j, j * n, j * n + n) for j in range(m)],
        wk=wk,
        wf=wf,
        ri=list(chain.from_iterable(repeat(i, m) for i in range(n))),
        cj=list(range(m)) * n,
        perm=list(chain.from_iterable(range(j, N, m) for j in range(m))),
    )
    return exact_divisors(w, R, C, den, cells, rows_last, X, rho, sig, dyadic=dyadic)
