"""Priorities of the divisor methods, exact and as floats (CON-4 · GS-8, CQ-3).

A unit of weight ``w`` gets its ``k+1``-th seat when its quotient reaches the signpost
``d(k)``; its priority for that seat is ``w/d(k)`` (Huntington–Hill: squared, so that
it stays rational). Floats only shortlist the units whose exact priorities are then
compared (:func:`exact_extreme`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from tongxue.domain.apportionment.common import SHORTLIST_TOLERANCE, Method


def seats_at_divisor(method: Method, w: int, num: int, den: int) -> int:
    """Seats whose priority is ≥ the divisor ``num/den`` (unit of weight ``w > 0``)."""
    if method is Method.DHONDT:
        return (w * den) // num
    if method is Method.SAINTE_LAGUE:
        return (2 * w * den // num + 1) // 2
    if method is Method.ADAMS:
        return (w * den) // num + 1
    f = (w * den) ** 2 // num**2
    return 1 + (math.isqrt(4 * f + 1) - 1) // 2


def priority(method: Method, w: int, k: int) -> Fraction:
    """Exact priority of seat index ``k`` (the ``k+1``-th seat); squared for HH."""
    if method is Method.DHONDT:
        return Fraction(w, k + 1)
    if method is Method.SAINTE_LAGUE:
        return Fraction(2 * w, 2 * k + 1)
    if method is Method.ADAMS:
        return Fraction(w, k)
    return Fraction(w * w, k * (k + 1))


def priority_pair(method: Method, w: int, k: int) -> tuple[int, int]:
    """:func:`priority` as an integer pair ``(numerator, denominator)``, not reduced."""
    if method is Method.DHONDT:
        return w, k + 1
    if method is Method.SAINTE_LAGUE:
        return 2 * w, 2 * k + 1
    if method is Method.ADAMS:
        return w, k
    return w * w, k * (k + 1)


def float_priority(method: Method, w: float, k: int) -> float:
    """Float priority of seat index ``k`` of a unit of float weight ``w``."""
    if method is Method.DHONDT:
        return w / (k + 1)
    if method is Method.SAINTE_LAGUE:
        return w / (k + 0.5)
    if method is Method.ADAMS:
        return w / k
    return w * w / (k * (k + 1))


def float_priorities(
    method: Method, wf: list[float], idx: Sequence[int], ks: list[int]
) -> list[float]:
    """Float priorities of seat index ``ks[n]`` of unit ``idx[n]`` (shortlisting only)."""
    pairs = zip(map(wf.__getitem__, idx), ks, strict=True)
    if method is Method.DHONDT:
        return [w / (k + 1) for w, k in pairs]
    if method is Method.SAINTE_LAGUE:
        return [w / (k + 0.5) for w, k in pairs]
    if method is Method.ADAMS:
        return [w / k for w, k in pairs]
    return [w * w / (k * (k + 1)) for w, k in pairs]


def exact_extreme(
    idx: list[int], floats: list[float], key: Callable[[int], Fraction], largest: bool
) -> tuple[Fraction | None, list[int]]:
    """Exact max (or min) of ``key`` over ``idx`` and the indices attaining it.

    Floats (``floats[n]`` for ``idx[n]``) only shortlist: every index within a relative
    1e-9 of the float extreme is compared exactly.
    """
    if not idx:
        return None, []
    if largest:
        best = max(floats)
        cut = best * (1 - SHORTLIST_TOLERANCE)
        if sum(map(cut.__le__, floats)) == 1:  # the usual case: one candidate
            i = idx[floats.index(best)]
            return key(i), [i]
        else:
            short = [i for f, i in zip(floats, idx, strict=True) if f >= cut]
    else:
        best = min(floats)
        cut = best * (1 + SHORTLIST_TOLERANCE)
        if sum(map(cut.__ge__, floats)) == 1:
            i = idx[floats.index(best)]
            return key(i), [i]
        else:
            short = [i for f, i in zip(floats, idx, strict=True) if f <= cut]
    exact = [(key(i), i) for i in short]
    value = max(e[0] for e in exact) if largest else min(e[0] for e in exact)
    return value, [i for e, i in exact if e == value]
