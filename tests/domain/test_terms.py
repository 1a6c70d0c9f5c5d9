"""The terms of the compliance history (#15): 1 March and 1 September start them."""

from __future__ import annotations

from datetime import date

import pytest

from tongxue.domain.terms import Term, parse_term, term_of


@pytest.mark.parametrize(
    ("day", "code", "start"),
    [
        (date(2026, 2, 28), "2025-autumn", date(2025, 9, 1)),
        (date(2026, 3, 1), "2026-spring", date(2026, 3, 1)),
        (date(2026, 8, 31), "2026-spring", date(2026, 3, 1)),
        (date(2026, 9, 1), "2026-autumn", date(2026, 9, 1)),
        (date(2026, 12, 31), "2026-autumn", date(2026, 9, 1)),
        (date(2027, 1, 1), "2026-autumn", date(2026, 9, 1)),
    ],
)
def test_a_day_falls_in_one_term(day: date, code: str, start: date) -> None:
    term = term_of(day)
    assert (term.code, term.start) == (code, start)
    assert term.start <= day
    assert parse_term(code) == term


@pytest.mark.parametrize("code", ["2026", "2026-winter", "autumn-2026", "x-spring"])
def test_a_code_that_is_no_term_is_refused(code: str) -> None:
    with pytest.raises(ValueError):
        parse_term(code)


def test_terms_alternate() -> None:
    assert term_of(Term(2026, "autumn").start) == Term(2026, "autumn")
    assert term_of(date(2027, 3, 1)) != term_of(date(2027, 2, 28))
