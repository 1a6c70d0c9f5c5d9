"""Demo cadre records: open selections, a training course and an exit case.

The demo school union advertises a department head's post (open, with applications)
and a deputy head's post (closed, being assessed against the profile's criteria; the
presidium is elected, not selected: ELE-1);
it runs a cadre training course whose sessions its main cadres attended; and one
department head's exit case has been opened and notified. The roster is the
registry's. Deterministic and idempotent; everything but the applications goes
through the services (the demo students have no accounts to apply with).
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from tongxue.cadres import services
from tongxue.cadres.models import (
    Application,
    Course,
    ExitCase,
    Selection,
    TrainingSession,
    Verdict,
)
from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
)

COURSE_TITLE = "校学生会学生干部培训班"
OPEN_TITLE = "权益部部长"
ASSESSING_TITLE = "副部长"

STATEMENTS = (
    "大一起在权益部做干事，处理过宿舍报修和食堂价格的反映，想把“有事找学生会”做实。",
    "担任班长两年，绩点专业前15%，希望把同学的意见更快反馈给学校。",
    "参加过校级干部培训，熟悉提案流程，想推动权益事项公开办理进度。",
    "做过社团联合会的志愿者，愿意每周固定时间接待同学。",
)


def _union() -> Organisation | None:
    return Organisation.objects.filter(code=f"{SCHOOL_CODE}-XSH").first()


def _students(union: Organisation, exclude: set[int], n: int) -> list[Person]:
    prefix = services.served_path(union)
    return list(
        Person.objects.filter(
            department__path__startswith=prefix, enrolment=Enrolment.ENROLLED
        )
        .exclude(pk__in=exclude)
        .exclude(positions__isnull=False)
        .order_by("ident")[:n]
    )


@transaction.atomic
def seed(*, scale: str, as_of: datetime.date) -> str:
    union = _union()
    if union is None:
        return ""
    if Selection.objects.filter(organisation__path__startswith=union.path).exists():
        return _("cadre records already seeded")
    assessor = get_user_model().objects.filter(username="union_admin").first()
    functional = list(
        Organisation.objects.filter(
            parent=union, kind=OrgKind.FUNCTIONAL_DEPARTMENT
        ).order_by("code")[:2]
    )
    if not functional:
        return ""
    rights, second = functional[0], functional[-1]

    course, sessions = _training(union, as_of)
    open_sel, applicants = _open_selection(rights, union, as_of)
    assessing = _assessing_selection(
        second, course, sessions, applicants, assessor, as_of
    )
    cases = _exit_case(union, as_of)
    n_courses = Course.objects.filter(organisation=union).count()
    applications = Application.objects.filter(
        selection__in=[open_sel, assessing]
    ).count()
    return _(
        "2 selections ({applications} applications), {courses} training course, "
        "{cases} exit case"
    ).format(applications=applications, courses=n_courses, cases=cases)


def _training(
    union: Organisation, as_of: datetime.date
) -> tuple[Course, list[TrainingSession]]:
    """Training (CAD-6): a school-level course the main cadres attended."""
    course = services.create_course(
        actor=None,
        organisation=union,
        title=COURSE_TITLE,
        description="工作作风、服务同学、议事规则。",
        sessions_required=2,
    )
    sessions = [
        services.add_session(
            actor=None,
            course=course,
            held=as_of - timedelta(days=d),
            topic=topic,
            place="学生活动中心报告厅",
        )
        for d, topic in ((60, "工作作风与服务意识"), (53, "学代会与常代会议事规则"))
    ]
    main = list(
        Position.objects.filter(
            organisation=union,
            role__in=[Role.PRESIDENT, Role.VICE_PRESIDENT],
            end__isnull=True,
        )
        .select_related("person")
        .order_by("role", "person__ident")
    )
    for i, pos in enumerate(main):
        for s in sessions[: 1 if i % 3 == 2 else 2]:
            services.record_attendance(actor=None, session=s, person=pos.person)
    return course, sessions


def _open_selection(
    rights: Organisation, union: Organisation, as_of: datetime.date
) -> tuple[Selection, list[Person]]:
    """An open post with applications (CAD-1, ELE-3); the post and seven students
    (the first three applied)."""
    open_sel = services.advertise(
        actor=None,
        organisation=rights,
        role=Role.DEPARTMENT_HEAD,
        title=OPEN_TITLE,
        description="负责学生权益事项的受理、转办和公开反馈。",
        closes=as_of + timedelta(days=10),
        term_start=as_of + timedelta(days=30),
        today=as_of,
    )
    applicants = _students(union, set(), 7)
    for person, text in zip(applicants[:3], STATEMENTS, strict=False):
        Application.objects.create(selection=open_sel, person=person, statement=text)
    return open_sel, applicants


def _assessing_selection(
    second: Organisation,
    course: Course,
    sessions: list[TrainingSession],
    applicants: list[Person],
    assessor: Any,
    as_of: datetime.date,
) -> Selection:
    """A closed post being assessed against each criterion, with evidence."""
    assessing = services.advertise(
        actor=None,
        organisation=second,
        role=Role.DEPARTMENT_DEPUTY,
        title=ASSESSING_TITLE,
        closes=as_of - timedelta(days=3),
        term_start=as_of + timedelta(days=20),
        required_course=course,
        today=as_of - timedelta(days=20),
    )
    apps = [
        Application.objects.create(selection=assessing, person=p, statement=t)
        for p, t in zip(applicants[3:6], STATEMENTS[1:], strict=False)
    ]
    if apps:
        services.record_attendance(
            actor=None, session=sessions[0], person=apps[0].person
        )
        services.record_attendance(
            actor=None, session=sessions[1], person=apps[0].person
        )
    services.start_assessment(actor=None, selection=assessing, today=as_of)
    if assessor is not None and apps:
        evidence = {
            "political": "共青团员，入党积极分子，团支部评议优秀。",
            "academic": "上学年绩点3.6，专业排名前15%。",
            "character": "无违纪处分记录，辅导员评价良好。",
            "work_style": "班级测评中同学评价“办事公道、主动沟通”。",
            "standing": "班级民主测评得票率92%。",
            "dedication": "连续两年参加志愿服务超过80小时。",
            "training": "已完成校学生会学生干部培训班（2/2次）。",
        }
        for criterion in assessing.criteria:
            services.assess(
                actor=assessor,
                application=apps[0],
                criterion=criterion,
                verdict=Verdict.MEETS,
                evidence=evidence.get(criterion, "见材料。"),
            )
        services.assess(
            actor=assessor,
            application=apps[1] if len(apps) > 1 else apps[0],
            criterion="work_style",
            verdict=Verdict.UNCLEAR,
            evidence="有同学反映其在活动组织中作风较为强硬，待面谈核实。",
        )
    return assessing


def _exit_case(union: Organisation, as_of: datetime.date) -> int:
    """An exit case (CAD-5), notified, waiting for the cadre's statement; how many
    were opened (0 or 1)."""
    head = (
        Position.objects.filter(
            organisation__parent=union,
            organisation__kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            role=Role.DEPARTMENT_HEAD,
            end__isnull=True,
        )
        .select_related("person", "organisation")
        .order_by("organisation__code", "person__ident")
        .last()
    )
    cases = 0
    if head is not None and not ExitCase.objects.filter(position=head).exists():
        case = services.open_exit_case(
            actor=None,
            position=head,
            ground="violation",
            evidence="本学期因考试违纪受到学校警告处分（校纪处〔2026〕12号）。",
            today=as_of,
        )
        services.notify_cadre(
            actor=None,
            case=case,
            text="经主席团会议研究，拟对你启动退出程序。请于五个工作日内提交书面陈述。",
        )
        cases = 1
    return cases
