"""Seat apportionment with exact arithmetic (CON-3, CON-4 · GS-8, CQ-3).

A congress's seats are shared among units (departments, grades, clubs, schools) in
proportion to their weights (usually students served). This package implements the five
classic methods and the biproportional (double proportional) method, with:

* exact arithmetic only: weights are ``int`` or :class:`fractions.Fraction` (or anything
  ``Fraction`` accepts exactly, such as ``Decimal`` or the string ``"12.5"``); floats are
  used only to *estimate* a divisor, every decision is taken on integers/fractions;
* minimum and maximum seats per unit (CON-4: every department at least one seat);
* ties for the last seat(s) detected and reported, and resolved only by an explicit policy:
  ``refuse`` (raise :class:`ApportionmentTie`) or ``lot`` with a published integer seed
  (``random.Random(seed).sample(sorted(tied unit names), seats)``), never by list order;
* an explanation with every result (:func:`explanation_rows`).

Methods (signposts ``d(k)``: a unit with quotient ``w/D`` gets its ``k+1``-th seat when the
quotient reaches ``d(k)``; its priority for that seat is ``w/d(k)``):

* Hamilton (largest remainder): floor of the quota ``w·H/W``, remaining seats by largest
  remainder;
* D'Hondt (Jefferson): ``d(k) = k+1`` (round down);
* Sainte-Laguë (Webster): ``d(k) = k+½`` (standard rounding);
* Huntington–Hill (equal proportions): ``d(k) = √(k(k+1))``, compared exactly through
  squares: priority² = ``w²/(k(k+1))``;
* Adams: ``d(k) = k`` (round up).

Adams and Huntington–Hill give every unit of positive weight a first seat.
This package is pure Python (standard library only).

Where things are (docs/apportionment.md, docs/performance.md):

* the vocabulary and exact helpers: :mod:`.common`; priorities: :mod:`.priorities`;
* the results and their lines: :mod:`.results`; the explanation: :mod:`.explanation`
  (the table) and :mod:`.why` (the reason of each line);
* the single methods: :mod:`.single` (:func:`apportion`), :mod:`.hamilton`,
  :mod:`.divisor` (exact), :mod:`.fast_divisor` (floats propose, integers certify);
* biproportional: :mod:`.biproportional_method` (entry, exact alternating scaling),
  :mod:`.margins`, :mod:`.complete_search`, :mod:`.lot` (ties), and its fast paths
  :mod:`.fast_matrix`, :mod:`.fast_grid` and :mod:`.certification`.

Every fast path is checked against all-fraction references by
``tests/domain/test_apportionment_fast_paths.py`` and
``tests/domain/test_apportionment_speed_paths.py``.
"""

from __future__ import annotations

from tongxue.domain.apportionment.biproportional_method import biproportional
from tongxue.domain.apportionment.common import (
    METHOD_NAMES,
    ApportionmentError,
    ApportionmentTie,
    Method,
    Number,
    Tie,
    TieBreak,
)
from tongxue.domain.apportionment.explanation import explanation_rows
from tongxue.domain.apportionment.results import (
    Apportionment,
    Biproportional,
    UnitSeats,
)
from tongxue.domain.apportionment.single import apportion

__all__ = [
    "METHOD_NAMES",
    "Apportionment",
    "ApportionmentError",
    "ApportionmentTie",
    "Biproportional",
    "Method",
    "Number",
    "Tie",
    "TieBreak",
    "UnitSeats",
    "apportion",
    "biproportional",
    "explanation_rows",
]
