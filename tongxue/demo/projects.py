"""Demo: the school union's projects (ORG-11 · GS-9, CQ-4).

For the school union of the demo accounts, through the services (``union_admin``
plans, starts, adds events and concludes): a project of the last finished term,
concluded with its outcome report (published on the union's public page), a running
project of this term with events and check-ins (the demo ``student`` is a member and
checked in at the first event) and a planned one. The owners are cadres of the union;
the functional departments involved are the union's. The check-ins of students without
an account are written directly (they never scanned a code). Idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.core import auditlog
from tongxue.core.models import RoleKind
from tongxue.demo.accounts import AUDIT_LABEL, demo_organisations
from tongxue.domain.rules.disclosure import previous_term
from tongxue.domain.terms import term_of
from tongxue.organisations.models import Organisation, OrgKind, Person, PersonKind
from tongxue.projects import selectors, services
from tongxue.projects.models import CheckIn, Event, Project


def _union(scale: str) -> Organisation | None:
    union = demo_organisations(scale=scale)[RoleKind.UNION_ADMIN]
    if union is None or union.parent is None or union.parent.kind != OrgKind.SCHOOL:
        return None
    return union


def _today(as_of: dt.date) -> dt.date:
    return min(as_of, timezone.localdate())


def seed(*, scale: str, as_of: dt.date) -> str:
    union = _union(scale)
    if union is None:
        return ""
    if Project.objects.filter(union=union).exists():
        return _("projects already seeded")
    admin = get_user_model().objects.filter(username="union_admin").first()
    with transaction.atomic():
        n = _story(union, admin, _today(as_of))
    return _(
        "{union}: {n} projects at /projects/{union}/ (union_admin manages them)"
    ).format(union=union.code, n=n)


def _students(union: Organisation, count: int) -> list[Person]:
    path = selectors.school_path(union)
    return list(
        Person.objects.filter(
            Q(department__path__startswith=path) | Q(class_unit__path__startswith=path),
            kind=PersonKind.STUDENT,
        ).order_by("pk")[:count]
    )


def _check_ins(event: Event, people: list[Person], when: dt.date) -> None:
    at = timezone.make_aware(dt.datetime.combine(when, dt.time(19, 0)))
    rows = CheckIn.objects.bulk_create(
        [CheckIn(event=event, person=p, checked_in_at=at) for p in people],
        ignore_conflicts=True,
    )
    auditlog.record(
        actor=None,
        action="demo.check_ins",
        organisation=event.project.union.code,
        target=services.reference(event.project),
        label=AUDIT_LABEL,
        data={"event": event.pk, "check_ins": len(rows), "demo": True},
    )


def _story(union: Organisation, admin: Any, today: dt.date) -> int:
    cadres = list(selectors.cadres_of(union, today).order_by("pk")[:6])
    if not cadres:
        return 0
    depts = list(selectors.departments_of(union)[:3])
    students = _students(union, 120)
    student = Person.objects.filter(user__username="student").first()
    ids = [p.student_number or p.ident for p in cadres[1:3]]
    ids += [p.student_number or p.ident for p in students[:6]]
    if student is not None:
        ids.append(student.student_number or student.ident)

    def plan(
        title: str, summary: str, start: dt.date, end: dt.date | None, **kw: Any
    ) -> Project:
        return services.plan_project(
            actor=admin,
            union=union,
            title=title,
            summary=summary,
            owner=kw.pop("owner", cadres[0]),
            start=start,
            end=end,
            departments=kw.pop("departments", depts[:2]),
            members=kw.pop("members", ids),
            **kw,
        )

    # the last finished term: concluded, its outcome report on the public page
    last = previous_term(today)
    first_day = last.start
    done = plan(
        "“学风建设月”系列活动",
        "组织考研经验分享、期末答疑和自习室延时开放申请，营造良好学风。",
        first_day + dt.timedelta(days=20),
        first_day + dt.timedelta(days=70),
        budget_year=first_day.year if first_day.month >= 9 else first_day.year - 1,
        budget_category="activities",
        budget_amount="1200.00",
    )
    services.start_project(actor=admin, project=done)
    for i, (title, place) in enumerate(
        (("考研经验分享会", "图书馆报告厅"), ("期末答疑专场", "第二教学楼 201"))
    ):
        day = first_day + dt.timedelta(days=30 + 25 * i)
        event = services.add_event(
            actor=admin, project=done, title=title, day=day, place=place
        )
        _check_ins(event, students[i * 20 : i * 20 + 45], day)
    services.conclude_project(
        actor=admin,
        project=done,
        outcome=(
            "共举办考研经验分享会和期末答疑专场两场活动，参与同学七十余人次；"
            "推动学校将两间自习室开放时间延长至 23:00。"
        ),
    )

    # this term: running, with events and check-ins
    start = term_of(today).start
    running = plan(
        "宿舍文化节",
        "以宿舍为单位开展卫生评比、文化墙设计和趣味运动会。",
        start + dt.timedelta(days=min(7, max((today - start).days, 0))),
        None,
        owner=cadres[1] if len(cadres) > 1 else cadres[0],
        departments=depts[-1:],
    )
    services.start_project(actor=admin, project=running)
    opening = services.add_event(
        actor=admin,
        project=running,
        title="开幕式暨文化墙评比",
        day=today,
        place="学生活动中心",
    )
    _check_ins(opening, students[50:80], today)
    if student is not None:
        CheckIn.objects.get_or_create(
            event=opening,
            person=student,
            defaults={"checked_in_at": timezone.now()},
        )
    services.add_event(
        actor=admin,
        project=running,
        title="趣味运动会",
        day=today + dt.timedelta(days=14),
        place="东区田径场",
    )

    # planned for later
    plan(
        "毕业生离校服务周",
        "为毕业生提供行李托运、证件办理指引和二手书循环。",
        today + dt.timedelta(days=60),
        today + dt.timedelta(days=75),
        members=ids[:3],
    )
    return 3
