"""Biproportional (double proportional) apportionment (CON-4 · GS-8, CQ-3).

:func:`biproportional` validates the matrix and its margins, tries the float fast
paths (:mod:`.fast_matrix`, certified), and otherwise runs the exact alternating
scaling (every step in fractions), handing over to the complete search
(:mod:`.complete_search`) when that does not converge. Ties are refused or broken by
a published lot (:mod:`.lot`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import chain
from typing import Any, cast

from tongxue.domain.apportionment import fast_matrix
from tongxue.domain.apportionment.common import (
    ApportionmentTie,
    Method,
    Number,
    TieBreak,
    exact_weight,
    input_error,
    scaled_integers,
)
from tongxue.domain.apportionment.complete_search import (
    complete_matrix,
    strict_divisors,
    strict_divisors_complete,
)
from tongxue.domain.apportionment.divisor import (
    divisor_method,
    divisor_value,
    weight_scale,
)
from tongxue.domain.apportionment.lot import lot_result
from tongxue.domain.apportionment.margins import (
    check_support,
    signpost_cells,
    tied_cells,
)
from tongxue.domain.apportionment.results import (
    Biproportional,
    biproportional_result,
    exact_biproportional_result,
)
from tongxue.domain.apportionment.single import apportion
from tongxue.domain.findings import gettext_noop

#: the exact alternating scaling hands over to the complete search
#: (:func:`complete_matrix`) when a row step gives seats it has given this often
_CREEP_REPEATS = 3

#: float alternating steps tried before the exact method takes over
_FAST_ITERATIONS = 200


def _sainte_lague_step(
    weights: Sequence[Fraction], house: int, previous: Sequence[int]
) -> tuple[list[int], Fraction, bool]:
    """One Sainte-Laguë divisor step; a tie goes to the cells that held the seat before."""
    ws = scaled_integers(list(weights))
    n = len(ws)
    tied = False

    def keep_previous(awarded: list[int], out: list[int]) -> set[int]:
        nonlocal tied
        tied = True
        k = len(awarded)
        order = sorted(awarded + out, key=lambda i: (-previous[i], i))
        return set(order[:k])

    seats, u, t, _ = divisor_method(
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
    scale = weight_scale(list(weights), ws)
    d = divisor_value(
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
    creeps) is decided by a complete search (:func:`complete_matrix`).

    The alternating scaling first runs on floats (:func:`fast_biproportional`); floats
    only *propose* a seat matrix. It is accepted only when exact divisors are found for
    it — every row's and column's divisor interval computed exactly, with floats
    shortlisting the binding cells within a relative 1e-9 as elsewhere in this package —
    that put every cell strictly inside its rounding interval. Such a matrix is the
    unique biproportional apportionment (any other would have to be fair for the same
    divisors, hence differ only on cells at a signpost, of which there are none).
    Otherwise (a near-tie, a tie, numbers floats cannot hold) the all-fraction
    alternating scaling decides (:func:`_exact_alternating`), with its tie detection.

    A tie (the seat matrix is not unique) is refused with ``tie="refuse"``; with
    ``tie="lot"`` and a published integer ``seed`` it is broken by lot
    (:func:`lot_matrix`): the result is one of the apportionments fair at the same
    divisors, the one the lot picks, recorded in :attr:`Biproportional.tie`. The
    columns' own seats, when computed, break a tie by the same lot.
    """
    if type(tie) is not TieBreak:
        tie = TieBreak(tie)
    if tie is TieBreak.LOT and seed is None:
        raise input_error(gettext_noop("A lot needs a published integer seed."))
    lot = seed if tie is TieBreak.LOT else None
    w, flat, plain, low = _matrix_weights(rows, columns, weights)
    R, C = _margins(columns, w, row_seats, column_seats, tie, lot)
    computed = column_seats is None
    # every weight positive (the usual case): every row can sit in every column, so
    # equal sums suffice and the checks below cannot fail
    positive = low > 0 if plain else min([min(r) for r in w]) > 0
    if not positive:
        check_support(rows, columns, w, R, C)
    fast = fast_matrix.fast_biproportional(
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
        return biproportional_result(rows, columns, w, x, R, C, divisors, it, computed)
    return _exact_alternating(rows, columns, w, R, C, computed, max_iterations, lot)


def _matrix_weights(
    rows: Sequence[str],
    columns: Sequence[str],
    weights: Sequence[Sequence[Number]],
) -> tuple[list[list[int | Fraction]], list[Any], bool, Any]:
    """The exact weights of an ``n × m`` matrix with unique labels; also its flat list
    (row-major), whether every weight is a whole number ≥ 0 (``plain``), and their
    minimum (-1 when not plain)."""
    n, m = len(rows), len(columns)
    if n == 0 or m == 0:
        raise input_error(gettext_noop("The matrix is empty."))
    duplicate = {
        "row": gettext_noop("A row label appears twice."),
        "column": gettext_noop("A column label appears twice."),
    }
    for label, names in (("row", rows), ("column", columns)):
        if len(set(names)) != len(names):
            raise input_error(duplicate[label])
    if len(weights) != n or any(len(r) != m for r in weights):
        raise input_error(gettext_noop("The matrix is not {n} × {m}."), n=n, m=m)
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
                else exact_weight(v, f"{rows[i]}/{columns[j]}")
                for j, v in enumerate(weights[i])
            ]
            for i in range(n)
        ]
    return w, flat, plain, low


def _margins(
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    row_seats: Sequence[int],
    column_seats: Sequence[int] | None,
    tie: TieBreak,
    lot: int | None,
) -> tuple[list[int], list[int]]:
    """The row and column seats as whole numbers ≥ 0, one per line, checked to sum
    to the same house; the columns' seats apportioned from the column totals when not
    given (:func:`_column_seats`, a tie there refused or broken by the ``lot``)."""
    n, m = len(w), len(columns)
    R = [int(s) for s in row_seats]
    if len(R) != n or min(R) < 0:
        raise input_error(gettext_noop("Row seats must be {n} whole numbers ≥ 0."), n=n)
    if column_seats is None:
        C = _column_seats(columns, w, sum(R), tie, lot)
    else:
        C = [int(s) for s in column_seats]
    if len(C) != m or min(C) < 0:
        raise input_error(
            gettext_noop("Column seats must be {m} whole numbers ≥ 0."), m=m
        )
    if sum(R) != sum(C):
        raise input_error(
            gettext_noop("Row seats sum to {rows} but column seats to {cols}."),
            rows=sum(R),
            cols=sum(C),
        )
    return R, C


def _column_seats(
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    house: int,
    tie: TieBreak,
    lot: int | None,
) -> list[int]:
    """The columns' seats, apportioned by Sainte-Laguë from the column totals."""
    m = len(columns)
    totals = [sum(c) for c in zip(*w, strict=True)]
    if set(map(type, totals)) == {int} and min(totals) > 0 and house > 0:
        # what apportion() does for positive whole weights, without its result
        return divisor_method(
            Method.SAINTE_LAGUE,
            list(columns),
            cast(list[int], totals),
            house,
            [0] * m,
            [None] * m,
            tie,
            lot,
        )[0]
    col = apportion(
        list(zip(columns, totals, strict=True)),
        house,
        method=Method.SAINTE_LAGUE,
        tie=tie,
        seed=lot,
    )
    return [col.seats[c] for c in columns]


def _exact_alternating(
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
    handing over to :func:`complete_matrix` when it cycles without a tie, creeps (a row
    step's seats seen ``_CREEP_REPEATS`` times) or runs out of ``max_iterations``."""
    n, m = len(R), len(C)
    rdiv = [Fraction(1)] * n
    cdiv = [Fraction(1)] * m
    x = [[0] * m for _ in range(n)]
    seen: set[tuple[Any, ...]] = set()
    repeats: dict[tuple[tuple[int, ...], ...], int] = {}
    it = 0
    for it in range(1, max_iterations + 1):
        _exact_row_step(w, x, R, C, rdiv, cdiv)
        if all(sum(x[i][j] for i in range(n)) == C[j] for j in range(m)):
            return _exact_result(
                rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot
            )
        # The steps are deterministic: a state seen before means the scaling cycles
        # and never ends. The margins can be met (checked before), so the matrices it
        # cycles through are equally good at these divisors: a tie, refused as such.
        state = (tuple(map(tuple, x)), tuple(rdiv), tuple(cdiv))
        if state in seen:
            tied = signpost_cells(w, x, R, C, rdiv, cdiv)
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
        _exact_column_step(w, x, R, C, rdiv, cdiv)
        if all(sum(x[i]) == R[i] for i in range(n)):
            return _exact_result(
                rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot
            )
    # No convergence within max_iterations steps, or creeping: a complete search
    # decides, started from the last seats and divisors.
    x, rdiv, cdiv = complete_matrix(w, x, R, C, rdiv, cdiv)
    # its divisors are exact but long fractions: the simplest ones, where they exist
    simple = strict_divisors(w, x, R, C, rdiv, cdiv, force=True)
    if simple is not None:
        rdiv, cdiv = simple
    return _exact_result(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)


def _exact_row_step(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> None:
    """Fit every row's seats at the column divisors, in place (seats and row
    divisors); a tie within a row keeps the seats it had."""
    n, m = len(R), len(C)
    for i in range(n):
        cells = [j for j in range(m) if w[i][j] > 0 and C[j] > 0]
        if R[i] == 0 or not cells:
            x[i] = [0] * m
            continue
        s, d, _ = _sainte_lague_step(
            [w[i][j] / cdiv[j] for j in cells], R[i], [x[i][j] for j in cells]
        )
        x[i] = [0] * m
        for j, v in zip(cells, s, strict=True):
            x[i][j] = v
        rdiv[i] = d


def _exact_column_step(
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    rdiv: list[Fraction],
    cdiv: list[Fraction],
) -> None:
    """Fit every column's seats at the row divisors, in place (seats and column
    divisors); a tie within a column keeps the seats it had."""
    n, m = len(R), len(C)
    for j in range(m):
        cells = [i for i in range(n) if w[i][j] > 0 and R[i] > 0]
        if C[j] == 0 or not cells:
            for i in range(n):
                x[i][j] = 0
            continue
        s, d, _ = _sainte_lague_step(
            [w[i][j] / rdiv[i] for i in cells], C[j], [x[i][j] for i in cells]
        )
        for i in range(n):
            x[i][j] = 0
        for i, v in zip(cells, s, strict=True):
            x[i][j] = v
        cdiv[j] = d


def _exact_result(
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
    """The result of the exact method: a tie (an alternating cycle of cells on their
    signposts) refused or broken by lot; otherwise the divisors moved strictly inside
    every cell's rounding interval (:func:`strict_divisors`, else the complete search
    :func:`strict_divisors_complete`, which may prove a tie)."""
    tied = tied_cells(w, x, rdiv, cdiv)
    if tied and lot is not None:
        return lot_result(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
    if tied:
        raise ApportionmentTie(
            [f"{rows[i]}/{columns[j]}" for i, j in tied], len(tied) // 2
        )
    strict = strict_divisors(w, x, R, C, rdiv, cdiv)
    if strict is not None:
        rdiv, cdiv = strict
    on_signpost = signpost_cells(w, x, R, C, rdiv, cdiv)
    if on_signpost:
        # The settling above found no divisors that lift these cells off their
        # signposts; search for them completely, or refuse the tie.
        exact = strict_divisors_complete(w, x, R, C)
        if exact is None and lot is not None:
            return lot_result(rows, columns, w, x, R, C, rdiv, cdiv, it, computed, lot)
        if exact is None:
            raise ApportionmentTie(
                [f"{rows[i]}/{columns[j]}" for i, j in on_signpost],
                max(1, len(on_signpost) // 2),
            )
        # exact but long fractions: settle them to the simplest ones
        rdiv, cdiv = strict_divisors(w, x, R, C, *exact, force=True) or exact
    return exact_biproportional_result(
        rows, columns, w, x, R, C, rdiv, cdiv, it, computed
    )
