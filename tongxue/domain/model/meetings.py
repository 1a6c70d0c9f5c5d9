"""Congresses, assemblies and standing-conference meetings (CON-1 … CON-14).

A :class:`Meeting` with its seat plan and its delegates' elections, the written
work reports filed between meetings and the adoptions of a standing conference.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tongxue.domain.lifecycle import CONGRESS


class MeetingKind(enum.StrEnum):
    CONGRESS = "congress"  # 学生代表大会
    ASSEMBLY = "assembly"  # 全体学生大会 (department under the threshold, CON-2)
    STANDING_CONFERENCE = "standing_conference"  # 常任代表会议


class MeetingStatus(enum.StrEnum):
    """The states of a meeting (``tongxue.domain.lifecycle.CONGRESS``), in order.

    Only a meeting that convened (``convened``, ``closed``) took place: a planned
    congress, or one whose delegates were elected but which never convened, counts for
    no interval rule (see :meth:`Meeting.held_by`).
    """

    PLANNED = "planned"
    SEATS_ALLOCATED = "seats_allocated"
    DELEGATES_ELECTED = "delegates_elected"
    CONVENED = "convened"
    CLOSED = "closed"


#: The states of a meeting that took place.
HELD_MEETING_STATUSES = frozenset({MeetingStatus.CONVENED, MeetingStatus.CLOSED})
#: Labels (message ids, the same as the Django choices') of the meeting states: the
#: lifecycle's.
MEETING_STATUS_LABELS: Mapping[str, str] = CONGRESS.labels


@dataclass(frozen=True, slots=True)
class SeatPlan:
    """Who got seats when a congress's seats were allocated (CON-4 · GS-8, CQ-3).

    "名额分配要覆盖各个院系、年级及主要社团": ``by_grade`` is False for an allocation
    by department only (no grade got seats of its own); ``grades`` are the grades
    (years of enrolment) with at least one seat; ``clubs`` the clubs with a seat.
    """

    by_grade: bool
    departments: tuple[str, ...] = ()  # department union codes with at least one seat
    grades: tuple[int, ...] = ()
    clubs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Meeting:
    """A congress, an all-student assembly or a standing-conference meeting."""

    code: str
    organisation: str
    kind: MeetingKind
    opened: date
    session: int | None = None
    work_report: bool = False  # a work report was heard and reviewed (CON-7, CON-13)
    delegates: tuple[str, ...] = ()  # person ids
    # The kinds of item on its recorded agenda (tongxue.domain.business.AgendaKind);
    # empty when its business is not recorded (CON-7).
    agenda: tuple[str, ...] = ()
    # A charter of the union was in force when the meeting ended (CON-7).
    charter_in_force: bool = False
    # Where it is in its lifecycle; None when not recorded (a snapshot written before
    # the status was exported): a record of a meeting held, like ``closed``.
    status: MeetingStatus | None = None
    # How its seats were allocated (CON-4); None when not recorded.
    seats: SeatPlan | None = None
    # The election that elected each delegate (CON-6), one per delegate who has one on
    # record; empty when none is (a snapshot without the columns, or delegates entered
    # before Tongxue kept it). ``delegates`` stays the list the other rules read.
    provenance: tuple[DelegateProvenance, ...] = ()

    @property
    def convened(self) -> bool:
        """Whether the meeting convened (its status says so, or is not recorded)."""
        return self.status is None or self.status in HELD_MEETING_STATUSES

    def held_by(self, day: date) -> bool:
        """Whether the meeting took place on or before ``day``.

        It convened and opened by then. Every interval rule (CON-1, CON-2, CON-7,
        CON-9, CON-11, CON-13 …) counts only such meetings.
        """
        return self.opened <= day and self.convened

    def planned_after(self, day: date) -> bool:
        """Whether the meeting has not taken place by ``day`` and is still to come."""
        return not self.convened and self.opened >= day


@dataclass(frozen=True, slots=True)
class DelegateProvenance:
    """The election that elected one congress delegate (CON-6 · GS-8, CQ-3).

    "大会代表经班级、院（系）学生会组织选举产生": ``electing_unit`` is the code of the
    class committee or department union (a club, for a main club's seat, CON-4) that
    held the election, ``held`` its day, ``electorate`` and ``votes_cast`` its voters
    and the ballots cast (shared by every delegate it elected), ``votes`` those the
    delegate received (None when not recorded).
    """

    person: str
    electing_unit: str
    held: date
    electorate: int
    votes_cast: int
    votes: int | None = None


@dataclass(frozen=True, slots=True)
class WrittenReport:
    """A union's work report filed in writing to its congress or standing body (CON-13).

    The plans accept a report "通过集中会议或书面形式" (at a meeting or in writing):
    a report heard at a meeting is the meeting's ``work_report``; one filed in writing
    between meetings is this record, dated the day it was filed.
    """

    organisation: str
    filed: date
    code: str = ""


@dataclass(frozen=True, slots=True)
class StandingConference:
    """A union's adoption of the standing delegate conference (常代会, CON-8 … CON-10).

    The plans make it optional (探索实行); once a union adopted one, its rules bind.
    ``adopted`` is the day it was adopted: in Tongxue the day the first standing
    delegate was recommended. A standing-conference meeting that took place also shows
    it adopted (see :meth:`Registry.standing_conference_adopted`).
    """

    organisation: str
    adopted: date
