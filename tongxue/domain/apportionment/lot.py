"""A biproportional tie broken by a published lot (CON-4 · GS-8, CQ-3).

Among the seat matrices fair at the same divisors, the one the lot picks: the tied
cells drawn in the order ``random.Random(seed).sample(sorted(names), len(names))``,
each taking the higher seat count while the margins can still be met.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

from tongxue.domain.apportionment.common import Tie
from tongxue.domain.apportionment.results import (
    Biproportional,
    exact_biproportional_result,
)


def lot_result(
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
    y, tie = lot_matrix(rows, columns, w, x, R, C, rdiv, cdiv, seed)
    return exact_biproportional_result(
        rows, columns, w, y, R, C, rdiv, cdiv, it, computed, tie
    )


def lot_matrix(
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
