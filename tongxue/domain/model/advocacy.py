"""The union's advocacy as the audit reads it (RGT-2, RGT-3, RGT-4 · GS-10, GS-4, CQ-5).

Dates and counts, never a text, a student or a concern: for each union, its links to
legal aid (:class:`LegalAidLinks`, RGT-2), the face-to-face meetings it held
(:class:`FaceMeeting`, RGT-3), the meetings of the school's committees it attended
(:class:`Participation`, RGT-4), the seats it holds on them (:class:`CommitteeSeat`)
and its written requests to the school (:class:`AdvocacyRequest`: to hold reception
days and exchange meetings, RGT-3; for committee seats, RGT-4).

The database's part of the registry fills :class:`Advocacy`
(``tongxue.advocacy.mappers``); a snapshot does not carry these records, and its
registry leaves :attr:`~tongxue.domain.model.Registry.advocacy` None: the rules on
advocacy then judge nothing.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property


class FaceMeetingKind(enum.StrEnum):
    """Kinds of face-to-face meeting (RGT-3)."""

    #: 校领导接待日 (GS-10, CQ-5: the union pushes the school to hold them).
    RECEPTION_DAY = "reception_day"
    #: 职能部门交流会.
    OFFICE_EXCHANGE = "office_exchange"
    #: 与人大代表、政协委员面对面 (GS-4: the federations' channel).
    DEPUTIES = "deputies"
    #: With government departments (GS-4: 构建与政府……的沟通协调渠道).
    GOVERNMENT = "government"


#: The school's mechanisms the union pushes for (RGT-3, school part: O).
SCHOOL_MEETINGS = frozenset(
    {FaceMeetingKind.RECEPTION_DAY, FaceMeetingKind.OFFICE_EXCHANGE}
)
#: A federation's channel to the government (RGT-3, federation part: M).
GOVERNMENT_MEETINGS = frozenset({FaceMeetingKind.DEPUTIES, FaceMeetingKind.GOVERNMENT})


class RequestKind(enum.StrEnum):
    """What the union asked the school for in writing."""

    RECEPTION_DAY = "reception_day"
    OFFICE_EXCHANGE = "office_exchange"
    COMMITTEE_SEAT = "committee_seat"
    OTHER = "other"


#: The committee on which the plans want the union's leaders (GS-10: 校务委员会).
SCHOOL_AFFAIRS = "school_affairs"


@dataclass(frozen=True, slots=True)
class LegalAidLinks:
    """A union's links to public-interest lawyers and legal aid bodies (RGT-2).

    ``contacts``: active entries of its legal-aid directory; ``referrals``: concerns it
    referred to one of them, whenever.
    """

    organisation: str
    contacts: int = 0
    referrals: int = 0


@dataclass(frozen=True, slots=True)
class FaceMeeting:
    """A face-to-face meeting an organisation held (RGT-3); ``kind``: a
    :class:`FaceMeetingKind` value."""

    organisation: str
    kind: str
    held: date


@dataclass(frozen=True, slots=True)
class Participation:
    """A meeting of a school committee the union attended (RGT-4); ``committee``: the
    committee's kind (``school_affairs``, ``catering`` …)."""

    organisation: str
    committee: str
    held: date


@dataclass(frozen=True, slots=True)
class CommitteeSeat:
    """A seat of the union on a school committee, from ``since`` to ``until``."""

    organisation: str
    committee: str
    since: date
    until: date | None = None

    def held_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True, slots=True)
class AdvocacyRequest:
    """A written request of the union to the school (``kind``: a :class:`RequestKind`
    value), sent on ``sent``."""

    organisation: str
    kind: str
    sent: date


@dataclass(frozen=True)
class Advocacy:
    """Every advocacy record of a registry's organisations, indexed for the rules."""

    legal_aid: tuple[LegalAidLinks, ...] = ()
    meetings: tuple[FaceMeeting, ...] = ()
    participations: tuple[Participation, ...] = ()
    seats: tuple[CommitteeSeat, ...] = ()
    requests: tuple[AdvocacyRequest, ...] = ()

    @cached_property
    def legal_aid_of(self) -> dict[str, LegalAidLinks]:
        return {links.organisation: links for links in self.legal_aid}

    @cached_property
    def meetings_of(self) -> dict[str, list[FaceMeeting]]:
        """Meetings held by each organisation, newest first."""
        out: dict[str, list[FaceMeeting]] = defaultdict(list)
        for m in sorted(self.meetings, key=lambda m: m.held, reverse=True):
            out[m.organisation].append(m)
        return out

    @cached_property
    def participations_of(self) -> dict[str, list[Participation]]:
        """Committee meetings each union attended, newest first."""
        out: dict[str, list[Participation]] = defaultdict(list)
        for p in sorted(self.participations, key=lambda p: p.held, reverse=True):
            out[p.organisation].append(p)
        return out

    @cached_property
    def seats_of(self) -> dict[str, list[CommitteeSeat]]:
        out: dict[str, list[CommitteeSeat]] = defaultdict(list)
        for s in self.seats:
            out[s.organisation].append(s)
        return out

    @cached_property
    def requests_of(self) -> dict[str, list[AdvocacyRequest]]:
        """Written requests of each union, newest first."""
        out: dict[str, list[AdvocacyRequest]] = defaultdict(list)
        for r in sorted(self.requests, key=lambda r: r.sent, reverse=True):
            out[r.organisation].append(r)
        return out
