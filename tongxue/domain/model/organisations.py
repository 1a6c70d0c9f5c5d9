"""The organisations and people of the registry, and the posts they hold (ORG-1 …).

The kinds of organisation, the school types and the roles, with the
:class:`Organisation`, :class:`Person` and :class:`Position` records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


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
    SCHOOL_OFFICE = (
        "school_office"  # 学校职能部门 (后勤处, 教务处 …): handles concerns (RGT-1)
    )


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
