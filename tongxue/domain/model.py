"""The organisations, people and records that the reform plan governs, as plain data.

Rules read these frozen dataclasses and nothing else. The Django side maps its rows to
them in bulk (``tongxue.organisations.mappers``); a snapshot file is parsed into them by
``tongxue.domain.snapshot``. Codes (organisation ``code``, person ``id``, congress
``code``) are the stable identifiers shared by the database, snapshots and the audit.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from tongxue.domain.lifecycle import CONGRESS


class OrgKind(enum.StrEnum):
    """The kinds of organisation in the hierarchy of ORG-1 (GS-1, GS-7, CQ-2)."""

    PROVINCIAL_FEDERATION = "provincial_federation"  # 省学联
    CITY_FEDERATION = "city_federation"  # 市（州）学联
    SCHOOL = "school"  # 学校 (the institution; holds school type, county, campuses)
    SCHOOL_UNION = "school_union"  # 校学生会
    GRADUATE_UNION = "graduate_union"  # 研究生会
    DEPARTMENT_UNION = "department_union"  # 院系学生会
    CLASS_COMMITTEE = "class_committee"  # 班委会
    FUNCTIONAL_DEPARTMENT = "functional_department"  # 职能部门 of a union
    CLUB_FEDERATION = "club_federation"  # 学生社团联合会
    CLUB = "club"  # 学生社团


#: Kinds that are a school-level student union (校级学生会组织).
SCHOOL_LEVEL_UNIONS = frozenset({OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION})
#: Kinds whose core members count as "school- or department-level union core" (CON-5).
UNION_KINDS = frozenset(
    {OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION, OrgKind.DEPARTMENT_UNION}
)


class SchoolType(enum.StrEnum):
    """School types of ORG-1 and FED-1 (GS-1)."""

    GENERAL_UNIVERSITY = "general_university"  # 普通高校
    HIGHER_VOCATIONAL = "higher_vocational"  # 高职
    SECONDARY_VOCATIONAL = "secondary_vocational"  # 中职
    MIDDLE_SCHOOL = "middle_school"  # 中学
    PRIVATE_UNIVERSITY = "private_university"  # 民办高校
    INDEPENDENT_COLLEGE = "independent_college"  # 独立学院


SECONDARY_SCHOOL_TYPES = frozenset(
    {SchoolType.SECONDARY_VOCATIONAL, SchoolType.MIDDLE_SCHOOL}
)


class UnionGroup(enum.StrEnum):
    """The groups of unions a provincial committee strives to cover (FED-1 · GS-1).

    "委员会团体力争涵盖高等学校学生会、研究生会、中等学校学生会等群体"; labels in
    ``tongxue.domain.evidence.UNION_GROUP_LABELS``.
    """

    HIGHER_EDUCATION = "higher_education"  # 高等学校学生会 (every type but secondary)
    GRADUATE = "graduate"  # 研究生会
    SECONDARY = "secondary"  # 中等学校学生会 (中职、中学)


class DepartmentFunction(enum.StrEnum):
    """What a functional department is for, where a rule cares."""

    RIGHTS = "rights"  # 权益工作机构或部门 (ORG-8)
    CLUBS = "clubs"  # 社团工作
    HMT_INTERNATIONAL = "hmt_international"  # 港澳台、留学生 (ORG-10)
    OTHER = "other"


class PersonKind(enum.StrEnum):
    STUDENT = "student"
    LEAGUE_CADRE = "league_cadre"  # 团委专职干部
    TEACHER = "teacher"


#: Labels (message ids, the same as the Django choices') for values shown in messages.
#: A message parameter whose name ends in ``_label`` is translated when rendered.
SCHOOL_TYPE_LABELS = {
    SchoolType.GENERAL_UNIVERSITY: "General university",
    SchoolType.HIGHER_VOCATIONAL: "Higher vocational college",
    SchoolType.SECONDARY_VOCATIONAL: "Secondary vocational school",
    SchoolType.MIDDLE_SCHOOL: "Middle school",
    SchoolType.PRIVATE_UNIVERSITY: "Private university",
    SchoolType.INDEPENDENT_COLLEGE: "Independent college",
}
PERSON_KIND_LABELS = {
    PersonKind.STUDENT: "Student",
    PersonKind.LEAGUE_CADRE: "Youth League cadre",
    PersonKind.TEACHER: "Teacher",
}


class Enrolment(enum.StrEnum):
    ENROLLED = "enrolled"
    SUSPENDED = "suspended"  # 休学
    GRADUATED = "graduated"
    WITHDRAWN = "withdrawn"  # 退学


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class Role(enum.StrEnum):
    """The role a position plays; its ``title`` is free text and checked by ORG-5."""

    PRESIDENT = "president"  # 主席 (of a union; head of a club federation)
    VICE_PRESIDENT = "vice_president"  # 副主席
    SECRETARY_GENERAL = "secretary_general"  # 秘书长
    DEPARTMENT_HEAD = "department_head"  # 部长
    DEPARTMENT_DEPUTY = "department_deputy"  # 副部长
    CORE_MEMBER = "core_member"  # 骨干成员 without a head/deputy title
    MEMBER = "member"  # 干事 / 委员
    CLUB_LEADER = "club_leader"  # 社团负责人


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


class ElectionStatus(enum.StrEnum):
    """The states of an election (``tongxue.domain.lifecycle.ELECTION``)."""

    DRAFT = "draft"
    NOMINATION = "nomination"
    VETTING = "vetting"
    APPROVED = "approved"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"
    CERTIFIED = "certified"
    EFFECTIVE = "effective"
    VOID = "void"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    kind: OrgKind
    parent: str | None = None
    students_served: int | None = None  # 联系服务学生人数
    school_type: SchoolType | None = None  # schools only
    county: str | None = None  # schools only: county-level district
    branch_campuses: int = 0  # schools only: 分校区 (ORG-2 exception)
    function: DepartmentFunction | None = None  # functional departments only
    profile: str | None = None  # governing profile; inherited when None
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Person:
    id: str  # stable identifier, unique in the system
    name: str
    kind: PersonKind = PersonKind.STUDENT
    student_number: str = ""
    gender: Gender | None = None
    ethnicity: str = ""
    department: str | None = None  # organisation code of the department union
    grade: int | None = None  # year of enrolment
    class_code: str | None = None  # organisation code of the class committee
    enrolment: Enrolment = Enrolment.ENROLLED


@dataclass(frozen=True, slots=True)
class Position:
    organisation: str
    person: str
    role: Role
    title: str
    start: date
    end: date | None = None
    branch_campus: bool = False  # an extra vice-president for a branch campus (ORG-2)
    responsible_for_clubs: bool = False  # the presidium member for clubs (ORG-7)
    public_contact: str = ""  # official address or relay (CAD-2)
    # The code of the election whose certified result filled the post (ELE-1, ELE-3);
    # None when none is on record (a presidium post then has no election: a finding).
    election: str | None = None

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


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


class GuidanceKind(enum.StrEnum):
    """What a record of the Party's leadership or the League's guidance is (GOV-1, GOV-2)."""

    PARTY_HEARING = "party_hearing"  # 学校党组织听取学生会组织工作汇报
    LEAGUE_GUIDANCE = "league_guidance"  # 学校团组织的指导和监督


@dataclass(frozen=True, slots=True)
class Guidance:
    """A school-level union's report heard by the school's Party committee, or the
    League committee's guidance, on the day it was given (GOV-1, GOV-2 · GS-14, CQ-9).

    "定期听取相关汇报，提出指导要求" (the Party committee) and "从政治方向、组织机制、骨干
    培养等方面给予指导和监督" (the League committee): ``by`` says which committee (or
    who), ``summary`` what was reported and the guidance given. ``public``: shown on
    the union's public page.
    """

    organisation: str
    kind: GuidanceKind
    held: date
    by: str = ""
    summary: str = ""
    public: bool = False


class ReviewRating(enum.StrEnum):
    """The school union's rating of a department union it reviewed (TRN-3, 考核)."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    PASS = "pass"  # 合格
    FAIL = "fail"  # 不合格


@dataclass(frozen=True, slots=True)
class Review:
    """A school union hearing a department union's report and opinions (TRN-3).

    GS-7, CQ-2: "听取全部院（系）学生会组织工作报告及意见建议……考核结果进行公开".
    ``report_heard``: the work report was heard (a record from before v2: True, the
    row was the record of a hearing). ``opinions_heard``: the department union's
    opinions and suggestions were heard, even if it raised none; None when not
    recorded (a record from before v2). ``published_on``: the day the assessment
    was published (None: not recorded).
    """

    reviewer: str  # school-level union code
    reviewed: str  # department union code
    held: date
    assessment_published: bool = False
    report_heard: bool = True
    opinions_heard: bool | None = None
    opinions: str = ""  # the opinions and suggestions heard (意见建议)
    assessment: str = ""  # the school union's assessment (考核结果)
    rating: ReviewRating | None = None
    published_on: date | None = None

    @property
    def opinions_state(self) -> bool | None:
        """Whether opinions were heard: True when any are written down, else the flag."""
        return True if self.opinions.strip() else self.opinions_heard

    def published_by(self, day: date) -> bool:
        """Return whether the assessment was published on or before ``day``."""
        return self.assessment_published and (
            self.published_on is None or self.published_on <= day
        )


@dataclass(frozen=True, slots=True)
class Semester:
    """An evaluation period (学期) of a union and who filed a 述职 report (CAD-4)."""

    organisation: str
    code: str
    start: date
    end: date
    closed: bool = False
    reports: tuple[str, ...] = ()  # person ids of the presidium members who reported


@dataclass(frozen=True, slots=True)
class EvaluationPeriod:
    """A union's evaluation of its core and main cadres by students (CAD-3).

    GS-12, CQ-7: "从政治素质、道德品质、知识学习、履职能力、纪律作风等维度设置评价考核
    指标，广泛吸纳广大同学参与，评价考核意见作为学生干部任免的重要依据". Counts only,
    never a rating (the ratings are secret, like a ballot): ``dimensions`` the keys of
    the dimensions rated (``tongxue.domain.evaluation.DIMENSIONS``; empty: not
    recorded); ``cadres`` the cadres rated; ``participants`` the raters who rated at
    least one cadre, of ``eligible`` on the rater list; ``published``: the results were
    published (in Tongxue: the period was closed). None: not recorded.
    """

    organisation: str
    code: str
    start: date
    end: date
    dimensions: tuple[str, ...] = ()
    cadres: int | None = None
    participants: int | None = None
    eligible: int | None = None
    published: bool = False

    def finished_by(self, day: date) -> bool:
        """Whether the period is over on ``day``: published, or its last day passed."""
        return self.published or self.end < day

    @property
    def took_place(self) -> bool:
        """Whether students rated cadres in it: not when it rated no cadre or nobody
        rated (a count not recorded is not held against it)."""
        return self.cadres != 0 and self.participants != 0


@dataclass(frozen=True, slots=True)
class Election:
    """An election held by a meeting: which post it fills and which body elects (ELE-1).

    ``meeting`` is the code of the electing congress, assembly or standing-conference
    meeting (None when it is not recorded); ``post`` a :class:`Role` value (kept as text:
    a record may name a post that is not a role); ``status`` a state of
    ``tongxue.domain.lifecycle.ELECTION``.
    """

    organisation: str
    code: str
    meeting: str | None
    post: str
    status: str = "draft"


@dataclass(frozen=True, slots=True)
class Justification:
    """A recorded reason for departing from a default (D) rule at an organisation.

    It covers one occurrence until ``valid_until`` (see
    ``tongxue.domain.justifications``): the finding's ``evidence`` when it was
    recorded (None: any occurrence); None for ``valid_until``: a year after approval.
    """

    organisation: str
    rule: str
    reason: str
    approved_by: str
    approved_on: date
    valid_until: date | None = None
    evidence: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Registry:
    """Everything known about a set of organisations, indexed for the rules."""

    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    positions: tuple[Position, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    reviews: tuple[Review, ...] = ()
    justifications: tuple[Justification, ...] = ()
    semesters: tuple[Semester, ...] = ()
    evaluations: tuple[EvaluationPeriod, ...] = ()  # CAD-3
    elections: tuple[Election, ...] = ()
    default_profile: str = "gansu-2017"
    written_reports: tuple[WrittenReport, ...] = ()
    standing_conferences: tuple[StandingConference, ...] = ()
    guidance: tuple[Guidance, ...] = ()
    # (department union code, grade) of enrolled students the registry does not list
    # one by one: the database's summary, so that CON-4 knows every department's
    # grades without loading every student (a snapshot lists its people instead).
    enrolled_grades: tuple[tuple[str, int], ...] = ()

    @cached_property
    def grades_of(self) -> dict[str, set[int]]:
        """The grades of each department union's enrolled students (CON-4)."""
        out: dict[str, set[int]] = defaultdict(set)
        for department, grade in self.enrolled_grades:
            out[department].add(grade)
        for p in self.people:
            if (
                p.kind == PersonKind.STUDENT
                and p.enrolment == Enrolment.ENROLLED
                and p.department is not None
                and p.grade is not None
            ):
                out[p.department].add(p.grade)
        return out

    @cached_property
    def org(self) -> dict[str, Organisation]:
        return {o.code: o for o in self.organisations}

    @cached_property
    def person(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def children(self) -> dict[str, list[Organisation]]:
        out: dict[str, list[Organisation]] = defaultdict(list)
        for o in self.organisations:
            if o.parent is not None:
                out[o.parent].append(o)
        return out

    @cached_property
    def positions_of(self) -> dict[str, list[Position]]:
        out: dict[str, list[Position]] = defaultdict(list)
        for p in self.positions:
            out[p.organisation].append(p)
        return out

    @cached_property
    def meetings_of(self) -> dict[str, list[Meeting]]:
        """Meetings of each organisation, newest first."""
        out: dict[str, list[Meeting]] = defaultdict(list)
        for m in sorted(self.meetings, key=lambda m: m.opened, reverse=True):
            out[m.organisation].append(m)
        return out

    def held_meetings(
        self, code: str, as_of: date, *kinds: MeetingKind
    ) -> Iterator[Meeting]:
        """Yield the meetings of ``kinds`` an organisation held by ``as_of``, newest first.

        Only meetings that took place count (:meth:`Meeting.held_by`): a planned
        congress, or one that reached "delegates elected" and never convened, does not.
        """
        for m in self.meetings_of.get(code, ()):
            if m.kind in kinds and m.held_by(as_of):
                yield m

    def next_planned(
        self, code: str, as_of: date, *kinds: MeetingKind
    ) -> Meeting | None:
        """Return the earliest meeting of ``kinds`` still to come on ``as_of``, or None."""
        upcoming = [
            m
            for m in self.meetings_of.get(code, ())
            if m.kind in kinds and m.planned_after(as_of)
        ]
        return min(upcoming, key=lambda m: (m.opened, m.code)) if upcoming else None

    @cached_property
    def written_reports_of(self) -> dict[str, list[WrittenReport]]:
        """Written work reports of each union, newest first (CON-13)."""
        out: dict[str, list[WrittenReport]] = defaultdict(list)
        for r in sorted(self.written_reports, key=lambda r: r.filed, reverse=True):
            out[r.organisation].append(r)
        return out

    @cached_property
    def evaluations_of(self) -> dict[str, list[EvaluationPeriod]]:
        """Evaluation periods of each union, the newest (by last day) first (CAD-3)."""
        out: dict[str, list[EvaluationPeriod]] = defaultdict(list)
        for e in sorted(self.evaluations, key=lambda e: (e.end, e.code), reverse=True):
            out[e.organisation].append(e)
        return out

    @cached_property
    def guidance_of(self) -> dict[str, list[Guidance]]:
        """Records of guidance of each union, newest first (GOV-1, GOV-2)."""
        out: dict[str, list[Guidance]] = defaultdict(list)
        for g in sorted(self.guidance, key=lambda g: g.held, reverse=True):
            out[g.organisation].append(g)
        return out

    def standing_conference_adopted(self, code: str, as_of: date) -> date | None:
        """Return the day a union adopted its standing conference by ``as_of``, or None.

        The earliest of its recorded adoptions and of its standing-conference meetings
        that took place (CON-8 … CON-10 apply from then on).
        """
        days = [
            s.adopted
            for s in self.standing_conferences
            if s.organisation == code and s.adopted <= as_of
        ]
        days += [
            m.opened
            for m in self.held_meetings(code, as_of, MeetingKind.STANDING_CONFERENCE)
        ]
        return min(days) if days else None

    @cached_property
    def meeting_by_code(self) -> dict[str, Meeting]:
        return {m.code: m for m in self.meetings}

    @cached_property
    def reviews_by(self) -> dict[str, list[Review]]:
        out: dict[str, list[Review]] = defaultdict(list)
        for r in self.reviews:
            out[r.reviewer].append(r)
        return out

    @cached_property
    def justified(self) -> dict[tuple[str, str], Justification]:
        """Justifications keyed by (organisation code, rule id)."""
        return {(j.organisation, j.rule): j for j in self.justifications}

    def kids(self, code: str, kind: OrgKind | None = None) -> list[Organisation]:
        kids = self.children.get(code, [])
        return kids if kind is None else [k for k in kids if k.kind == kind]

    def ancestors(self, code: str) -> Iterator[Organisation]:
        """Yield the organisation's parent, grandparent … up to the root."""
        seen = {code}
        parent = self.org[code].parent if code in self.org else None
        while parent is not None and parent in self.org and parent not in seen:
            seen.add(parent)
            yield self.org[parent]
            parent = self.org[parent].parent

    def school_of(self, code: str) -> Organisation | None:
        """Return the school an organisation belongs to (itself if it is one)."""
        org = self.org.get(code)
        if org is not None and org.kind == OrgKind.SCHOOL:
            return org
        return next((a for a in self.ancestors(code) if a.kind == OrgKind.SCHOOL), None)

    def union_of(self, code: str) -> Organisation | None:
        """Return the union (school, graduate or department level) an org belongs to."""
        org = self.org.get(code)
        if org is not None and org.kind in UNION_KINDS:
            return org
        return next((a for a in self.ancestors(code) if a.kind in UNION_KINDS), None)

    def profile_code(self, code: str) -> str:
        """Return the profile governing an organisation: its own, or the nearest set above."""
        org = self.org.get(code)
        if org is not None and org.profile:
            return org.profile
        for a in self.ancestors(code):
            if a.profile:
                return a.profile
        return self.default_profile

    def of_kind(self, *kinds: OrgKind) -> Iterable[Organisation]:
        wanted = set(kinds)
        return (o for o in self.organisations if o.kind in wanted)
