"""Demo: the business of the demo school union's congresses and standing conference.

The charter in force (version 1, from the union's first recorded congress); the newest
congress held gets its agenda, its work report (reviewed when the meeting record says
it was), and a charter amendment that passed (version 2); the next congress (planned by
the congresses demo) gets an agenda and students' opinions, grouped, one group carried
into a proposal; each of the first departments recommends one standing delegate. The
newest standing-conference meeting gets a supervision item and a reviewed report.
Deterministic and idempotent; writes go through the services as a system command.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from tongxue.business import services
from tongxue.business.models import (
    AgendaItem,
    CharterVersion,
    OpinionGroup,
    StandingDelegate,
    StudentOpinion,
    WorkReport,
)
from tongxue.congresses.models import Delegate, Meeting, MeetingKind
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import Organisation, OrgKind

CHARTER = """第一章 总则
第一条 本会名称为{name}。
第二条 本会是在学校党委领导和团委指导下的学生自治组织。
第三条 本会宗旨是服务同学，维护同学正当权益。
第二章 组织
第四条 本会最高权力机构是学生代表大会。
第五条 学生代表大会闭会期间，常任代表会议监督学生会工作。
第三章 附则
第六条 本章程解释权属于学生代表大会。"""

OPINIONS = (
    "食堂晚餐供应时间希望延长到八点。",
    "图书馆考试周开放到晚上十一点。",
    "宿舍热水供应不稳定。",
    "体育馆周末向学生免费开放。",
    "希望增加自习教室的插座。",
    "校园巴士高峰期班次太少。",
)

STANDING_DEPARTMENTS = 5


def _union() -> Organisation | None:
    return (
        Organisation.objects.filter(parent__code=SCHOOL_CODE, kind=OrgKind.SCHOOL_UNION)
        .order_by("code")
        .first()
    )


def seed(*, scale: str, as_of: datetime.date) -> str:
    union = _union()
    if union is None:
        return ""
    with transaction.atomic():
        return _seed(union, as_of)


def _item(meeting: Meeting, kind: str, title: str) -> None:
    if not AgendaItem.objects.filter(meeting=meeting, kind=kind).exists():
        services.add_agenda_item(actor=None, meeting=meeting, kind=kind, title=title)


def _report(meeting: Meeting, title: str, review: bool, voters: int) -> None:
    report = WorkReport.objects.filter(meeting=meeting).first()
    if report is None:
        report = services.submit_work_report(
            actor=None,
            meeting=meeting,
            title=title,
            text="一年来，学生会坚持全心全意服务同学，完成了各项工作。",
        )
    if review and not report.voted and voters:
        yes = voters - voters // 10
        services.review_work_report(
            actor=None,
            report=report,
            yes=yes,
            no=voters - yes,
            abstain=0,
            method="votes_cast",
            voted_on=meeting.opened,
        )


def _seed(union: Organisation, as_of: datetime.date) -> str:
    congresses = list(
        Meeting.objects.filter(organisation=union, kind=MeetingKind.CONGRESS).order_by(
            "opened"
        )
    )
    held = [m for m in congresses if m.opened <= as_of]
    upcoming = [m for m in congresses if m.opened > as_of]
    if not CharterVersion.objects.filter(union=union).exists():
        services.record_charter(
            actor=None,
            union=union,
            text=CHARTER.format(name=union.name),
            adopted_on=held[0].opened if held else as_of,
            note="第一次学生代表大会通过",
        )
    for meeting in (*held[-1:], *upcoming[:1]):
        meeting.organisation = union
    if held:
        last = held[-1]
        _item(last, "work_report", "审议学生会工作报告")
        _item(last, "leadership", "选举产生新一届学生会主席团")
        _item(last, "opinions", "征集同学对学校工作的意见建议")
        voters = Delegate.objects.filter(meeting=last).count() or 100
        _report(last, "学生会年度工作报告", last.work_report, voters)
        if not last.charter_motions.exists():
            current = services.current_charter(union)
            text = (current.text if current else "").replace(
                "维护同学正当权益。", "维护同学正当权益，推动学生参与学校治理。"
            )
            motion = services.propose_charter_motion(
                actor=None,
                meeting=last,
                kind="amendment",
                title="关于修改章程第三条的议案",
                text=text,
                explanation="增加学生参与学校治理的表述。",
            )
            services.record_motion_vote(
                actor=None,
                motion=motion,
                yes=voters - 3,
                no=2,
                abstain=1,
                method="votes_cast",
                voted_on=last.opened,
            )
    standing = (
        Meeting.objects.filter(organisation=union, kind=MeetingKind.STANDING_CONFERENCE)
        .order_by("-opened")
        .first()
    )
    if standing is not None:
        standing.organisation = union
        _item(standing, "supervision", "评议学生会工作")
        _item(standing, "charter_implementation", "检查章程执行情况")
        _report(standing, "学生会半年工作报告", standing.work_report, 30)
    opinions = 0
    if upcoming:
        nxt = upcoming[0]
        _item(nxt, "work_report", "审议学生会工作报告")
        _item(nxt, "leadership", "选举产生新一届学生会主席团")
        _item(nxt, "opinions", "征集同学对学校工作的意见建议")
        if not StudentOpinion.objects.filter(meeting=nxt).exists():
            group = OpinionGroup.objects.create(meeting=nxt, title="后勤服务")
            for i, text in enumerate(OPINIONS):
                StudentOpinion.objects.create(
                    meeting=nxt, text=text, group=group if i in (0, 2, 5) else None
                )
            services.carry_opinion_group(
                actor=None,
                group=group,
                proposal="建议学校延长食堂供应时间并稳定热水供应。",
            )
        opinions = StudentOpinion.objects.filter(meeting=nxt).count()
    recommended = _standing_delegates(union)
    charter = services.current_charter(union)
    return _(
        "charter version {number}, {opinions} opinions, {recommended} standing delegates"
    ).format(
        number=charter.number if charter else 0,
        opinions=opinions,
        recommended=recommended,
    )


def _standing_delegates(union: Organisation) -> int:
    congress = services.latest_congress(union)
    if congress is None:
        return 0
    if not StandingDelegate.objects.filter(union=union).exists():
        taken: set[int] = set()
        rows = (
            Delegate.objects.filter(
                meeting=congress,
                person__department__parent=union,
                person__department__kind=OrgKind.DEPARTMENT_UNION,
            )
            .select_related("person__department")
            .order_by("person__department__code", "person__ident")
        )
        for d in rows:
            dept = d.person.department
            if dept is None or dept.pk in taken:
                continue
            if len(taken) >= STANDING_DEPARTMENTS:
                break
            taken.add(dept.pk)
            services.recommend_standing_delegate(
                actor=None,
                union=union,
                department=dept,
                person=d.person,
                on=congress.opened,
            )
    return StandingDelegate.objects.filter(union=union, ended_on__isnull=True).count()
