"""Terms (学期) of the school year, for the compliance history (#15).

Unions record their own evaluation periods (:class:`tongxue.domain.model.Semester`,
coded like ``2026-autumn``); the history of findings needs one calendar for every
organisation: the spring term starts on 1 March and the autumn term on 1 September.
January and February belong to the autumn term of the year before (the school year
2026–2027 is ``2026-autumn`` then ``2027-spring``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SPRING, AUTUMN = "spring", "autumn"

#: The month each term starts in (on its first day).
START_MONTH = {SPRING: 3, AUTUMN: 9}


@dataclass(frozen=True, slots=True)
class Term:
    year: int
    season: str  # SPRING or AUTUMN

    @property
    def code(self) -> str:
        """The term's code, e.g. ``2026-autumn`` (as evaluation periods are coded)."""
        return f"{self.year}-{self.season}"

    @property
    def start(self) -> date:
        return date(self.year, START_MONTH[self.season], 1)


def term_of(day: date) -> Term:
    """Return the term ``day`` falls in."""
    if day.month >= START_MONTH[AUTUMN]:
        return Term(day.year, AUTUMN)
    if day.month >= START_MONTH[SPRING]:
        return Term(day.year, SPRING)
    return Term(day.year - 1, AUTUMN)


def parse_term(code: str) -> Term:
    """Return the term of a code written by :attr:`Term.code`; ``ValueError`` else."""
    year, _, season = code.partition("-")
    if season not in START_MONTH or not year.isdigit():
        raise ValueError(f"not a term: {code!r}")
    return Term(int(year), season)
