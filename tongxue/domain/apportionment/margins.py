"""The seat matrix's margins and signposts (biproportional, CON-4 · GS-8, CQ-3).

Whether row and column seats can be met at all (:func:`check_support`,
:func:`feasible`), which cells sit on a rounding signpost (:func:`signpost_cells`) or
could trade seats at the same divisors (:func:`tied_cells`: a tie), and the divisors
of lines without seats (:func:`zero_line_divisors`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from tongxue.domain.apportionment.common import input_error
from tongxue.domain.findings import gettext_noop


def check_support(
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
            raise input_error(
                gettext_noop("Row {row} has seats but no weight to carry them."),
                row=rows[i],
            )
    for j in range(m):
        if C[j] > 0 and not any(w[i][j] > 0 and R[i] > 0 for i in range(n)):
            raise input_error(
                gettext_noop("Column {column} has seats but no weight to carry them."),
                column=columns[j],
            )
    if not feasible(w, R, C):
        raise input_error(
            gettext_noop(
                "No seat matrix can meet these row and column seats: some rows' seats "
                "exceed what the columns they have weight in can hold."
            )
        )


def feasible(w: list[list[int | Fraction]], R: list[int], C: list[int]) -> bool:
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


def zero_line_divisors(
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


def tied_cells(
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


def signpost_cells(
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
