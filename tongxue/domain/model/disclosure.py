"""A union's disclosure as the audit reads it (TRN-1, TRN-5 · GS-11, CQ-6).

Dates and kinds, never a text: for each union, its rules in force (the charter and the
rules it published, :class:`RuleInForce`), what it published on its public page and
when (:class:`Published`: a work-affairs entry or a new version of a rule) and its
official accounts with their real-name verification (:class:`OfficialAccount`, its
own and its clubs' and departments' self-media, TRN-6).

The database's part of the registry fills :class:`Disclosure`
(``tongxue.disclosure.mappers``); a snapshot does not carry these records, and its
registry leaves :attr:`~tongxue.domain.model.Registry.disclosure` None: the rules on
disclosure then judge nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

#: The kind of the charter among a union's rules (kept by the congress business).
CHARTER = "charter"


@dataclass(frozen=True, slots=True)
class RuleInForce:
    """A rule of a union (``kind``: ``charter``, ``working``, ``finance`` …) whose
    first version came into force on ``in_force``; ``repealed``: the day it ceased
    (None: still in force)."""

    organisation: str
    kind: str
    in_force: date
    repealed: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.in_force <= day and (self.repealed is None or day < self.repealed)


@dataclass(frozen=True, slots=True)
class Published:
    """Something a union published on its public page on ``published`` (its day in
    the site's time zone): a work-affairs entry (``kind``: ``plan``, ``minutes`` …) or a
    version of a rule (``kind``: ``rule``)."""

    organisation: str
    kind: str
    published: date


@dataclass(frozen=True, slots=True)
class OfficialAccount:
    """An official account (公众号, 微博 …) in a union's register (TRN-5, TRN-6).

    ``organisation`` is the union whose register lists it, ``owner`` whose account it
    is (the union itself, or one of its departments or clubs: self-media);
    ``verified``: the day its real-name verification was granted (None: not
    verified); ``closed``: the day it was closed (None: in use).
    """

    organisation: str
    owner: str
    platform: str
    verified: date | None = None
    closed: date | None = None

    def verified_on(self, day: date) -> bool:
        """Whether it was verified and in use on ``day``."""
        return (
            self.verified is not None
            and self.verified <= day
            and (self.closed is None or day < self.closed)
        )

    def open_on(self, day: date) -> bool:
        return self.closed is None or day < self.closed


@dataclass(frozen=True)
class Disclosure:
    """Every disclosure record of a registry's unions, indexed for the rules."""

    rules: tuple[RuleInForce, ...] = ()
    published: tuple[Published, ...] = ()
    accounts: tuple[OfficialAccount, ...] = ()

    @cached_property
    def rules_of(self) -> dict[str, list[RuleInForce]]:
        out: dict[str, list[RuleInForce]] = defaultdict(list)
        for r in self.rules:
            out[r.organisation].append(r)
        return out

    @cached_property
    def published_of(self) -> dict[str, list[Published]]:
        """What each union published, newest first."""
        out: dict[str, list[Published]] = defaultdict(list)
        for p in sorted(self.published, key=lambda p: p.published, reverse=True):
            out[p.organisation].append(p)
        return out

    @cached_property
    def accounts_of(self) -> dict[str, list[OfficialAccount]]:
        """The accounts in each union's register."""
        out: dict[str, list[OfficialAccount]] = defaultdict(list)
        for a in self.accounts:
            out[a.organisation].append(a)
        return out
