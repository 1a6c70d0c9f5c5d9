"""The results of an apportionment and their lines (CON-4 · GS-8, CQ-3).

:class:`Apportionment` (one of the five single methods) and :class:`Biproportional`
(a seat matrix with its row and column divisors). A result's per-unit lines and the
biproportional divisors are computed on first use: the fast paths certify the seats
without them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from tongxue.domain.apportionment.common import Method, Tie, TieBreak
from tongxue.domain.apportionment.margins import zero_line_divisors
from tongxue.domain.apportionment.priorities import priority
from tongxue.domain.apportionment.why import divisor_why, hamilton_why
from tongxue.domain.findings import Message


@dataclass(slots=True)
class ResultContext:
    """Numbers shared by every line of one result (the lines compute lazily)."""

    method: Method
    house: int
    total: int  # sum of the scaled weights
    scale: Fraction  # scaled weight = weight × scale
    ws: list[int]
    lo: list[int]
    hi: list[int | None]
    seats: list[int]
    floors: list[int | None]
    qnum: list[int]  # Hamilton: quota numerators over qden among free units
    qden: int
    ranks: list[int | None]
    extra: int
    t: Fraction | None  # lowest awarded priority (real units; HH squared)
    u: Fraction | None  # highest priority left out
    tie: Tie | None


@dataclass(frozen=True, slots=True)
class UnitSeats:
    """One unit's line of the result (its explanation is computed on demand).

    ``quota`` is ``weight × house / total weight``. Hamilton: ``floor_seats`` and
    ``remainder`` are those of the quota among the units not fixed at a bound (the plain
    quota when no bound binds) and ``remainder_rank`` its rank, 1 = largest. Divisor
    methods: ``priority`` is the priority of the unit's last seat above its minimum and
    ``next_priority`` that of its next seat; for Huntington–Hill both are squared.
    """

    index: int
    unit: str
    weight: int | Fraction
    seats: int
    _ctx: ResultContext = field(repr=False, compare=False)

    @property
    def minimum(self) -> int:
        return self._ctx.lo[self.index]

    @property
    def maximum(self) -> int | None:
        return self._ctx.hi[self.index]

    @property
    def quota(self) -> Fraction:
        c = self._ctx
        return Fraction(c.ws[self.index] * c.house, c.total or 1)

    @property
    def floor_seats(self) -> int | None:
        return self._ctx.floors[self.index]

    @property
    def remainder(self) -> Fraction | None:
        c = self._ctx
        fl = c.floors[self.index]
        if fl is None:
            return None
        return Fraction(c.qnum[self.index] - fl * c.qden, c.qden)

    @property
    def remainder_rank(self) -> int | None:
        return self._ctx.ranks[self.index]

    def _pkey(self, k: int) -> Fraction:
        c = self._ctx
        ps = c.scale**2 if c.method is Method.HUNTINGTON_HILL else c.scale
        return priority(c.method, c.ws[self.index], k) / ps

    @property
    def priority(self) -> Fraction | None:
        c, i = self._ctx, self.index
        if not c.method.is_divisor or not c.ws[i] or self.seats <= c.lo[i]:
            return None
        return self._pkey(self.seats - 1)

    @property
    def next_priority(self) -> Fraction | None:
        c, i = self._ctx, self.index
        h = c.hi[i]
        if (
            not c.method.is_divisor
            or not c.ws[i]
            or (h is not None and self.seats >= h)
        ):
            return None
        return self._pkey(self.seats)

    @property
    def why(self) -> Message | None:
        c = self._ctx
        if c.method is Method.HAMILTON:
            rem = self.remainder
            return hamilton_why(
                self.seats,
                self.minimum,
                self.maximum,
                self.floor_seats,
                self.remainder_rank,
                rem if rem is not None else Fraction(0),
                c.extra,
                c.tie,
                self.unit,
            )
        return divisor_why(
            c.method,
            self.seats,
            self.minimum,
            self.maximum,
            self.priority,
            self.next_priority,
            c.t,
            c.u,
            c.tie,
            self.unit,
        )


@dataclass(frozen=True)
class Apportionment:
    """A result and its explanation.

    For divisor methods every divisor ``D`` with ``low < D ≤ high``
    (``divisor_interval``) gives these seats as ``clamp(round(w/D), min, max)``;
    ``divisor`` is the simplest fraction in that interval. For Huntington–Hill the
    interval bounds are squared divisors (``divisor`` itself is not squared).
    """

    method: Method
    house: int
    names: tuple[str, ...]
    weights: tuple[int | Fraction, ...]
    allocation: tuple[int, ...]
    divisor: Fraction | None = None
    divisor_interval: tuple[Fraction | None, Fraction | None] | None = None
    tie: Tie | None = None
    tie_break: TieBreak = TieBreak.REFUSE
    _ctx: ResultContext | None = field(default=None, repr=False, compare=False)

    @property
    def seats(self) -> dict[str, int]:
        return dict(zip(self.names, self.allocation, strict=True))

    @cached_property
    def units(self) -> tuple[UnitSeats, ...]:
        """One line per unit, in input order (built on first use)."""
        ctx = self._ctx
        assert ctx is not None
        return tuple(
            UnitSeats(i, n, w, s, ctx)
            for i, (n, w, s) in enumerate(
                zip(self.names, self.weights, self.allocation, strict=True)
            )
        )


@dataclass(frozen=True, slots=True)
class Biproportional:
    """A biproportional apportionment: seats per cell and the divisors that produce them.

    ``seats[i][j] = round(weights[i][j] / (row_divisors[i] × column_divisors[j]))`` with
    standard (Sainte-Laguë) rounding; row sums equal ``row_seats``, column sums
    ``column_seats``. ``weights`` are the weights as given (``int`` or ``Fraction``).
    ``exact_fallback`` is True when the result came from the all-fraction alternating
    scaling (near-ties, ties, huge numbers) rather than the fast certified path.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    weights: tuple[tuple[int | Fraction, ...], ...]
    seats: tuple[tuple[int, ...], ...]
    row_seats: tuple[int, ...]
    column_seats: tuple[int, ...]
    _divisors: LazyDivisors
    iterations: int
    column_seats_computed: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    exact_fallback: bool = False
    #: The tie the published lot broke (cells as ``row/column``), or None.
    tie: Tie | None = None

    @property
    def row_divisors(self) -> tuple[Fraction, ...]:
        return self._divisors.get()[0]

    @property
    def column_divisors(self) -> tuple[Fraction, ...]:
        return self._divisors.get()[1]


def biproportional_result(
    rows: Sequence[str],
    columns: Sequence[str],
    w: list[list[int | Fraction]],
    x: list[list[int]],
    R: list[int],
    C: list[int],
    divisors: LazyDivisors,
    it: int,
    computed: bool,
    *,
    exact_fallback: bool = False,
    tie: Tie | None = None,
) -> Biproportional:
    """A :class:`Biproportional` from the working lists of the method (weights ``w``
    and seats ``x`` as lists of rows, margins ``R`` and ``C``), frozen into tuples."""
    return Biproportional(
        tuple(rows),
        tuple(columns),
        tuple(map(tuple, w)),
        tuple(map(tuple, x)),
        tuple(R),
        tuple(C),
        divisors,
        it,
        computed,
        exact_fallback=exact_fallback,
        tie=tie,
    )


def exact_biproportional_result(
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
    tie: Tie | None = None,
) -> Biproportional:
    """The result of the exact method (``exact_fallback``), the tie a lot broke if
    any: the divisors ``rdiv``, ``cdiv`` (copied) with those of the lines without
    seats filled in (:func:`.margins.zero_line_divisors`)."""
    rdiv, cdiv = list(rdiv), list(cdiv)
    zero_line_divisors(w, R, C, rdiv, cdiv)
    divisors = LazyDivisors((tuple(rdiv), tuple(cdiv)))
    return biproportional_result(
        rows, columns, w, x, R, C, divisors, it, computed, exact_fallback=True, tie=tie
    )


DivisorPair = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


class LazyDivisors:
    """The row and column divisors of a :class:`Biproportional`, either given or
    settled on first use: the fast path certifies its seat matrix without them (see
    :func:`fast_biproportional`), so the seats do not wait for the simplest fractions.
    Compared, hashed and shown by value."""

    __slots__ = ("_settle", "_value")

    def __init__(
        self,
        value: DivisorPair | None = None,
        settle: Callable[[], DivisorPair | None] | None = None,
    ) -> None:
        self._value = value
        self._settle = settle

    def get(self) -> DivisorPair:
        if self._value is None:
            assert self._settle is not None
            value = self._settle()
            assert value is not None  # the dyadic float divisors stand in
            self._value, self._settle = value, None
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyDivisors) and self.get() == other.get()

    def __hash__(self) -> int:
        return hash(self.get())

    def __repr__(self) -> str:
        rows, columns = self.get()
        return f"rows={rows!r}, columns={columns!r}"
