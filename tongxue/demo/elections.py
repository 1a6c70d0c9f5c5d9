"""Demo: two elections of the demo school union's latest congress.

* ``…-VP``: the vice-presidents (2 seats, 3 candidates), on paper, taken through the
  whole procedure: election method adopted, conditions set by the Youth League
  committee, candidates nominated and assessed, approved by the Party committee and
  announced, the vote opened and closed, two scrutineers' identical counts entered,
  counted and certified; its result notice runs.
* ``…-PRES``: the president (1 seat), in nomination: conditions set, one candidate
  assessed, one self-nominated and not yet assessed.

Everything goes through the services as a system command (``actor=None``); the two
scrutineers are demo accounts without a usable password. Deterministic (the
candidates are the congress's first delegates by identifier, the figures are fixed)
and idempotent.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core import auditlog
from tongxue.demo.accounts import AUDIT_LABEL
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.elections import services
from tongxue.elections.models import (
    Candidate,
    Election,
    EvidenceKind,
    NominatedBy,
    VotingMode,
)
from tongxue.organisations.models import Enrolment, Organisation, OrgKind, Person, Role

SCRUTINEERS = ("scrutineer1", "scrutineer2")
CONDITIONS = {
    "political": "拥护党的领导，政治立场坚定",
    "academic": "学习成绩良好，无不及格课程",
    "character": "品行端正，无违纪处分记录",
    "work_style": "作风务实，联系同学",
    "standing": "在同学中有较高威信",
    "dedication": "热心为同学服务",
}
EVIDENCE = {
    "political": (EvidenceKind.OTHER, "团支部鉴定意见：合格"),
    "academic": (EvidenceKind.GRADES, "上学年绩点 3.4，专业排名前 30%"),
    "character": (EvidenceKind.DISCIPLINE, "学生处记录：无违纪处分"),
    "work_style": (EvidenceKind.EVALUATION, "学生干部评议：良好"),
    "standing": (EvidenceKind.EVALUATION, "班级民主测评：优秀"),
    "dedication": (EvidenceKind.OTHER, "志愿服务 48 小时"),
}


def _congress() -> Meeting | None:
    union = (
        Organisation.objects.filter(
            path__startswith=f"/{SCHOOL_CODE}/", kind=OrgKind.SCHOOL_UNION
        )
        .order_by("code")
        .first()
    )
    if union is None:
        return None
    return (
        Meeting.objects.filter(
            organisation=union, kind=MeetingKind.CONGRESS, delegates__isnull=False
        )
        .order_by("-opened", "code")
        .first()
    )


def _people(meeting: Meeting, n: int, skip: int = 0) -> list[Person]:
    return list(
        Person.objects.filter(
            delegate_seats__meeting=meeting,
            enrolment=Enrolment.ENROLLED,
            user__isnull=True,
        ).order_by("ident")[skip : skip + n]
    )


def _conditions(election: Election) -> None:
    criteria = services.criteria_of(election)
    services.set_conditions(
        actor=None,
        election=election,
        conditions={c: CONDITIONS.get(c, "符合章程规定的条件") for c in criteria},
        comment="校团委指导意见（演示）",
    )


def _assess(candidate: Candidate, criteria: tuple[str, ...]) -> None:
    for criterion in criteria:
        kind, text = EVIDENCE.get(criterion, (EvidenceKind.OTHER, "演示数据"))
        services.assess(
            actor=None,
            candidate=candidate,
            criterion=criterion,
            met=True,
            evidence_kind=kind,
            evidence=text,
        )


def _scrutineers() -> list[object]:
    """Return the two scrutineers' accounts (created without a usable password)."""
    users = []
    model = get_user_model()
    for name in SCRUTINEERS:
        user, created = model.objects.get_or_create(username=name)
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            auditlog.record(
                actor=None,
                action="demo.user_created",
                target=name,
                label=AUDIT_LABEL,
                data={"superuser": False, "demo": True, "scrutineer": True},
            )
        users.append(user)
    return users


def _certified(meeting: Meeting, code: str) -> Election:
    from tongxue.voting import services as voting

    election = services.create_election(
        actor=None,
        meeting=meeting,
        post=Role.VICE_PRESIDENT,
        seats=2,
        mode=VotingMode.PAPER,
        code=code,
        title=f"{meeting.organisation.name}第{meeting.session or 1}届副主席选举（演示）",
    )
    services.adopt_method(actor=None, election=election, comment="大会表决通过选举办法")
    _conditions(election)
    criteria = services.criteria_of(election)
    people = _people(meeting, 3)
    statements = (
        "推动权益服务常态化，做好学生与学校之间的桥梁。",
        "完善社团管理，让每个社团都有展示的舞台。",
        "加强学风建设，组织朋辈互助学习。",
    )
    for person, statement in zip(people, statements, strict=False):
        candidate = services.nominate(
            actor=None,
            election=election,
            person=person,
            nominated_by=NominatedBy.PRESIDIUM,
            statement=statement,
        )
        _assess(candidate, criteria)
    services.submit_for_approval(actor=None, election=election)
    services.approve_candidates(actor=None, election=election, comment="同意")
    voting.open_vote(actor=None, election=election)
    election.refresh_from_db()
    voting.close_vote(actor=None, election=election)
    election.refresh_from_db()
    users = _scrutineers()
    voting.designate_scrutineers(
        actor=None, election=election, usernames=list(SCRUTINEERS)
    )
    roll = meeting.delegates.count()
    present = roll - roll // 10
    void = 2
    valid = present - void
    names = [p.name for p in people]
    # Two clear of half the voters present (the default threshold), one well below.
    yes = [valid * 9 // 10, present // 2 + valid // 10 + 1, valid * 3 // 10]
    figures = {n: [y, valid - y, 0] for n, y in zip(names, yes, strict=True)}
    for user in users:
        voting.enter_paper_count(
            actor=user,
            election=election,
            present=present,
            issued=present,
            returned=present,
            void_reasons={"too-many-marks": void},
            candidates=figures,
        )
    voting.count_vote(actor=None, election=election)
    election.refresh_from_db()
    services.certify_result(actor=None, election=election, comment="两名计票人结果一致")
    return election


def _nominating(meeting: Meeting, code: str) -> Election:
    election = services.create_election(
        actor=None,
        meeting=meeting,
        post=Role.PRESIDENT,
        seats=1,
        code=code,
        title=f"{meeting.organisation.name}主席选举（演示）",
    )
    services.adopt_method(actor=None, election=election)
    _conditions(election)
    first, second = _people(meeting, 2, skip=3)
    candidate = services.nominate(
        actor=None,
        election=election,
        person=first,
        nominated_by=NominatedBy.STUDENTS,
        nominators=["联名同学甲", "联名同学乙", "联名同学丙"],
        statement="让学生会更透明、更贴近同学。",
    )
    _assess(candidate, services.criteria_of(election))
    services.nominate(
        actor=None,
        election=election,
        person=second,
        nominated_by=NominatedBy.SELF,
        statement="愿意为同学们服务。",
    )
    return election


def seed(*, scale: str, as_of: datetime.date) -> str:
    """Create the two demo elections (idempotent); return a one-line summary."""
    meeting = _congress()
    if meeting is None:
        return ""
    certified_code, nomination_code = f"{meeting.code}-VP", f"{meeting.code}-PRES"
    made = []
    with transaction.atomic():
        if not Election.objects.filter(code=certified_code).exists():
            _certified(meeting, certified_code)
            made.append(certified_code)
        if not Election.objects.filter(code=nomination_code).exists():
            _nominating(meeting, nomination_code)
            made.append(nomination_code)
    return _(
        "certified election /elections/{certified}/, in nomination "
        "/elections/{nominating}/"
    ).format(certified=certified_code, nominating=nomination_code) + (
        "" if made else _(" (already seeded)")
    )
