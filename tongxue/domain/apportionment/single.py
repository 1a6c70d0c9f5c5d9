"""Apportion a house among units by one of the five methods (CON-4 · GS-8, CQ-3).

:func:`apportion` validates the input, raises the minimums that Adams and
Huntington–Hill imply, and hands over to :mod:`.hamilton` or :mod:`.divisor`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

from tongxue.domain.apportionment.common import (
    Method,
    Number,
    TieBreak,
    exact_weight,
    input_error,
    normalise_bounds,
    scaled_integers,
)
from tongxue.domain.apportionment.divisor import (
    divisor_method,
    divisor_value,
    weight_scale,
)
from tongxue.domain.apportionment.hamilton import hamilton
from tongxue.domain.apportionment.results import Apportionment, ResultContext
from tongxue.domain.findings import gettext_noop

_ONE = Fraction(1)


def apportion(
    units: Sequence[tuple[str, Number]] | Mapping[str, Number],
    seats: int,
    *,
    method: Method | str,
    minimum: int | Mapping[str, int] = 0,
    maximum: int | Mapping[str, int | None] | None = None,
    tie: TieBreak | str = TieBreak.REFUSE,
    seed: int | None = None,
) -> Apportionment:
    """Apportion ``seats`` among ``units`` (name → weight) by ``method``.

    CON-4 · GS-8, CQ-3: the seats, the method and its arithmetic. Raises
    :class:`ApportionmentError` on bad input and :class:`ApportionmentTie` on a tie for
    the last seat(s) under the ``refuse`` policy. With ``tie="lot"`` a ``seed`` is required
    and the winners are ``random.Random(seed).sample(sorted(tied names), seats)``.
    """
    if type(method) is not Method:
        try:
            method = Method(method)
        except ValueError:
            raise input_error(
                gettext_noop("Unknown method {method!r}."), method=method
            ) from None
    if type(tie) is not TieBreak:
        tie = TieBreak(tie)
    if tie is TieBreak.LOT and seed is None:
        raise input_error(gettext_noop("A lot needs a published integer seed."))
    pairs = list(units.items()) if isinstance(units, Mapping) else list(units)
    names = _unit_names(pairs)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise input_error(
            gettext_noop("The number of seats must be a whole number ≥ 0.")
        )
    weights, whole = _exact_weights(pairs)
    ws = cast(list[int], weights) if whole else scaled_integers(weights)
    lo, hi = normalise_bounds(names, minimum, maximum)
    if method in (Method.ADAMS, Method.HUNTINGTON_HILL):
        _first_seats(ws, lo, hi, bounded=maximum is not None or any(lo))
    total = sum(ws)
    _check_room(ws, total, seats, lo, hi, maximum)
    if method is Method.HAMILTON:
        return _hamilton_result(names, weights, ws, total, seats, lo, hi, tie, seed)
    return _divisor_result(
        method, names, weights, whole, ws, total, seats, lo, hi, tie, seed
    )


def _unit_names(pairs: list[tuple[str, Number]]) -> list[str]:
    """The unit names: unique, at least one."""
    names = [str(p[0]) for p in pairs]
    if len(set(names)) != len(names):
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise input_error(gettext_noop("Unit {unit} appears twice."), unit=name)
            seen.add(name)
    if not names:
        raise input_error(gettext_noop("There are no units."))
    return names


def _exact_weights(
    pairs: list[tuple[str, Number]],
) -> tuple[list[int | Fraction], bool]:
    """The exact weights, and whether every one is a whole number (then they are the
    given values, used as they are)."""
    raw: list[Any] = [p[1] for p in pairs]
    whole = set(map(type, raw)) == {int} and min(raw) >= 0
    weights: list[int | Fraction]
    if whole:  # whole weights ≥ 0 (not bool): used as they are, never modified
        weights = raw
    else:
        weights = [
            w if type(w) is int and w >= 0 else exact_weight(w, n) for n, w in pairs
        ]
        whole = set(map(type, weights)) == {int}
    return weights, whole


def _first_seats(
    ws: list[int], lo: list[int], hi: list[int | None], *, bounded: bool
) -> None:
    """Adams and Huntington–Hill: every unit of positive weight has a first seat (its
    minimum raised to one, in place, unless its maximum is zero)."""
    if not bounded:
        lo[:] = [1] * len(ws) if 0 not in ws else [1 if w > 0 else 0 for w in ws]
        return
    for i, w in enumerate(ws):
        if w > 0:
            h = hi[i]
            lo[i] = max(lo[i], 1 if h is None else min(1, h))


def _check_room(
    ws: list[int],
    total: int,
    seats: int,
    lo: list[int],
    hi: list[int | None],
    maximum: int | Mapping[str, int | None] | None,
) -> None:
    """Refuse a house below the minimums, above what the maximums allow, or with
    seats to give and every weight zero."""
    if sum(lo) > seats:
        raise input_error(
            gettext_noop(
                "{seats} seats are fewer than the {needed} the minimums (and first "
                "seats) require."
            ),
            seats=seats,
            needed=sum(lo),
        )
    # without maximums the room is unlimited unless every weight is zero
    if maximum is not None or not any(ws):
        room = sum(lo[i] if ws[i] == 0 else (hi[i] or 0) for i in range(len(ws)))
        if (
            all(hi[i] is not None or ws[i] == 0 for i in range(len(ws)))
            and seats > room
        ):
            raise input_error(
                gettext_noop(
                    "{seats} seats are more than the maximums allow ({room})."
                ),
                seats=seats,
                room=room,
            )
    if total == 0 and seats > sum(lo):
        raise input_error(
            gettext_noop("All weights are zero: no seat can be apportioned.")
        )


def _hamilton_result(
    names: list[str],
    weights: list[int | Fraction],
    ws: list[int],
    total: int,
    seats: int,
    lo: list[int],
    hi: list[int | None],
    tie: TieBreak,
    seed: int | None,
) -> Apportionment:
    """The Hamilton result, with the floors, remainders and ranks of its lines."""
    result, qnum, qd, floors, ranks, extra, found = hamilton(
        names, ws, seats, lo, hi, tie, seed
    )
    ctx = ResultContext(
        Method.HAMILTON,
        seats,
        total,
        Fraction(1),
        ws,
        lo,
        hi,
        result,
        floors,
        qnum,
        qd,
        ranks,
        extra,
        None,
        None,
        found,
    )
    return Apportionment(
        Method.HAMILTON,
        seats,
        tuple(names),
        tuple(weights),
        tuple(result),
        None,
        None,
        found,
        tie,
        ctx,
    )


def _divisor_result(
    method: Method,
    names: list[str],
    weights: list[int | Fraction],
    whole: bool,
    ws: list[int],
    total: int,
    seats: int,
    lo: list[int],
    hi: list[int | None],
    tie: TieBreak,
    seed: int | None,
) -> Apportionment:
    """A divisor method's result, with its divisor interval (in the given weights'
    scale) and the simplest divisor in it."""
    result, u, t, found = divisor_method(method, names, ws, seats, lo, hi, tie, seed)
    if whole:  # whole weights are not rescaled
        scale = _ONE
        t_real, u_real = t, u
    else:
        scale = weight_scale(weights, ws)
        pscale = scale**2 if method is Method.HUNTINGTON_HILL else scale
        t_real = t / pscale if t is not None else None
        u_real = u / pscale if u is not None else None
    div = divisor_value(method, u_real, t_real)
    none: list[int | None] = [None] * len(names)
    ctx = ResultContext(
        method,
        seats,
        total,
        scale,
        ws,
        lo,
        hi,
        result,
        none,
        [],
        1,
        none,
        0,
        t_real,
        u_real,
        found,
    )
    return Apportionment(
        method,
        seats,
        tuple(names),
        tuple(weights),
        tuple(result),
        div,
        (u_real, t_real),
        found,
        tie,
        ctx,
    )
