"""The organisations, people and records that the reform plan governs, as plain data.

Rules read these frozen dataclasses and nothing else. The Django side maps its rows to
them in bulk (``tongxue.organisations.mappers``); a snapshot file is parsed into them by
``tongxue.domain.snapshot``. Codes (organisation ``code``, person ``id``, congress
``code``) are the stable identifiers shared by the database, snapshots and the audit.

One module per area, every name re-exported here (import from
``tongxue.domain.model``): ``organisations`` (organisations, people, positions),
``meetings`` (congresses, assemblies, standing conferences), ``elections``,
``oversight`` (guidance, reviews), ``cadres`` (reports, evaluations), ``concerns``
(students' concerns, in counts), ``consultations`` (a federation's
consultations of students, RGT-5), ``advocacy`` (legal aid, face-to-face meetings,
participation in the school's decisions),
``justifications`` and ``registry`` (the :class:`Registry` that indexes them all).
"""

from tongxue.domain.model.advocacy import (
    Advocacy,
    AdvocacyRequest,
    CommitteeSeat,
    FaceMeeting,
    FaceMeetingKind,
    LegalAidLinks,
    Participation,
    RequestKind,
)
from tongxue.domain.model.cadres import EvaluationPeriod, Semester
from tongxue.domain.model.concerns import ConcernChannel, OpenConcerns
from tongxue.domain.model.consultations import Consultation
from tongxue.domain.model.elections import Election, ElectionStatus
from tongxue.domain.model.justifications import Justification
from tongxue.domain.model.meetings import (
    HELD_MEETING_STATUSES,
    MEETING_STATUS_LABELS,
    DelegateProvenance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SeatPlan,
    StandingConference,
    WrittenReport,
)
from tongxue.domain.model.organisations import (
    PERSON_KIND_LABELS,
    SCHOOL_LEVEL_UNIONS,
    SCHOOL_TYPE_LABELS,
    SECONDARY_SCHOOL_TYPES,
    UNION_KINDS,
    DepartmentFunction,
    Enrolment,
    Gender,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
    Role,
    SchoolType,
    UnionGroup,
)
from tongxue.domain.model.oversight import Guidance, GuidanceKind, Review, ReviewRating
from tongxue.domain.model.registry import Registry

__all__ = [
    "HELD_MEETING_STATUSES",
    "MEETING_STATUS_LABELS",
    "PERSON_KIND_LABELS",
    "SCHOOL_LEVEL_UNIONS",
    "SCHOOL_TYPE_LABELS",
    "SECONDARY_SCHOOL_TYPES",
    "UNION_KINDS",
    "Advocacy",
    "AdvocacyRequest",
    "CommitteeSeat",
    "ConcernChannel",
    "Consultation",
    "DelegateProvenance",
    "DepartmentFunction",
    "Election",
    "ElectionStatus",
    "Enrolment",
    "EvaluationPeriod",
    "FaceMeeting",
    "FaceMeetingKind",
    "Gender",
    "Guidance",
    "GuidanceKind",
    "Justification",
    "LegalAidLinks",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "OpenConcerns",
    "OrgKind",
    "Organisation",
    "Participation",
    "Person",
    "PersonKind",
    "Position",
    "Registry",
    "RequestKind",
    "Review",
    "ReviewRating",
    "Role",
    "SchoolType",
    "SeatPlan",
    "Semester",
    "StandingConference",
    "UnionGroup",
    "WrittenReport",
]
