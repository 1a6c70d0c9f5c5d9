"""Why a unit has its seats: the explanation's text for one line (CON-4 · GS-8, CQ-3).

Translatable messages (``gettext_noop``) with exact numbers rendered as decimals;
:attr:`tongxue.domain.apportionment.results.UnitSeats.why` calls them on demand.
"""

from __future__ import annotations

from fractions import Fraction

from tongxue.domain.apportionment.common import Method, Tie, decimal_text
from tongxue.domain.findings import Message, gettext_noop


def hamilton_why(
    seats: int,
    lo: int,
    hi: int | None,
    floor: int | None,
    rank: int | None,
    rem: Fraction,
    extra: int,
    tie: Tie | None,
    name: str,
) -> Message | None:
    """Why a unit has its seats under Hamilton's method (None: nothing to say)."""
    if floor is None:
        if hi is not None and seats == hi and hi != lo:
            return Message(
                gettext_noop("fixed at the maximum of {n} seat(s)"), {"n": hi}
            )
        return Message(
            gettext_noop("fixed at the minimum of {n} seat(s)"), {"n": seats}
        )
    if tie is not None and name in tie.units:
        won = name in tie.winners
        return Message(
            gettext_noop(
                "remainder {rem} tied for the last {k} seat(s); lot with seed {seed}: {result_label}"
            ),
            {
                "rem": decimal_text(rem),
                "k": tie.seats,
                "seed": tie.seed,
                "result": "won" if won else "lost",
                "result_label": gettext_noop("won") if won else gettext_noop("lost"),
            },
        )
    if seats > floor:
        return Message(
            gettext_noop(
                "largest remainder {rem}, rank {rank} of {extra} extra seat(s)"
            ),
            {"rem": decimal_text(rem), "rank": rank, "extra": extra},
        )
    if rank is not None and rank == extra + 1:
        return Message(
            gettext_noop(
                "remainder {rem}, rank {rank}: first unit without an extra seat"
            ),
            {"rem": decimal_text(rem), "rank": rank},
        )
    return None


def divisor_why(
    method: Method,
    seats: int,
    lo: int,
    hi: int | None,
    pr: Fraction | None,
    nx: Fraction | None,
    t: Fraction | None,
    u: Fraction | None,
    tie: Tie | None,
    name: str,
) -> Message | None:
    """Why a unit has its seats under a divisor method (None: nothing to say);
    priorities are squared for Huntington–Hill."""
    sq = "²" if method is Method.HUNTINGTON_HILL else ""
    if tie is not None and name in tie.units:
        return Message(
            gettext_noop(
                "priority{sq} {p} tied for the last {k} seat(s); lot with seed {seed}: {result_label}"
            ),
            {
                "sq": sq,
                "p": decimal_text(t or Fraction(0)),
                "k": tie.seats,
                "seed": tie.seed,
                "result": "won" if name in tie.winners else "lost",
                "result_label": gettext_noop("won")
                if name in tie.winners
                else gettext_noop("lost"),
            },
        )
    if pr is not None and t is not None and pr == t:
        return Message(
            gettext_noop(
                "last seat of the house: priority{sq} {p}; the next best was {u}"
            ),
            {
                "sq": sq,
                "p": decimal_text(pr),
                "u": decimal_text(u) if u is not None else "—",
            },
        )
    if nx is not None and u is not None and nx == u:
        return Message(
            gettext_noop(
                "first unit left out: priority{sq} {p} below the last seat's {t}"
            ),
            {
                "sq": sq,
                "p": decimal_text(nx),
                "t": decimal_text(t) if t is not None else "—",
            },
        )
    if seats == lo and lo > 0 and pr is None:
        return Message(gettext_noop("minimum of {n} seat(s)"), {"n": lo})
    if hi is not None and seats == hi and nx is None and hi > lo:
        return Message(gettext_noop("capped at the maximum of {n} seat(s)"), {"n": hi})
    return None
