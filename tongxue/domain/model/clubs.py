"""The union's student clubs and their activities as the audit reads them (ORG-14 ·
GS-6, GS-14, CQ-1, CQ-9).

Dates, states and references, never a student's name or an activity's content: the
clubs each union registered (:class:`RegisteredClub`) and the activities of those clubs
that count (:class:`ClubActivity`: approved or held, and any held one with the day of
its approving review, or none).

The database's part of the registry fills :class:`Clubs` (``tongxue.clubs.mappers``); a
snapshot does not carry them and leaves :attr:`~tongxue.domain.model.Registry.clubs`
None: ORG-14 then judges nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property


@dataclass(frozen=True, slots=True)
class RegisteredClub:
    """A club on a union's register since ``registered``; ``status``: active,
    suspended or dissolved (today's)."""

    union: str
    club: str  # its reference in the register (``C12``)
    name: str
    registered: date
    status: str = "active"


@dataclass(frozen=True, slots=True)
class ClubActivity:
    """An activity of a registered club: ``status`` approved or held, ``starts`` its
    day and hour, ``approved`` the moment of its approving review (None: never
    approved, which a held activity must not be)."""

    union: str
    club: str
    activity: str  # its reference (``A37``)
    starts: datetime
    status: str
    approved: datetime | None = None

    @property
    def day(self) -> date:
        return self.starts.date()


@dataclass(frozen=True)
class Clubs:
    clubs: tuple[RegisteredClub, ...] = ()
    activities: tuple[ClubActivity, ...] = ()

    @cached_property
    def clubs_of(self) -> dict[str, list[RegisteredClub]]:
        out: dict[str, list[RegisteredClub]] = defaultdict(list)
        for c in sorted(self.clubs, key=lambda c: (c.registered, c.club)):
            out[c.union].append(c)
        return out

    @cached_property
    def activities_of(self) -> dict[str, list[ClubActivity]]:
        """The activities of each union's clubs, by start."""
        out: dict[str, list[ClubActivity]] = defaultdict(list)
        for a in sorted(self.activities, key=lambda a: (a.starts, a.activity)):
            out[a.union].append(a)
        return out
