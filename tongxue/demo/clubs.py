"""Demo: the register of clubs of the demo school union and their activities (ORG-14).

For the school union of the demo accounts, through the services: ``union_admin``
registers the clubs and their activities, ``advisor`` (the League advisor at the school)
decides. Six clubs (one suspended) and activities in every state: held in the last term
(approved before they began), approved and coming up (one with an outside speaker),
awaiting review, returned with reasons, rejected with reasons, a draft, a cancelled
one. The demo student is the responsible student of the photography club. The clubs
the registry has too (by name, in the school's club federation) are linked to it. The
services date every act now, so the history is dated back afterwards (submitted a week
and decided five days before the activity). One active club registered no activity in the
last term: the audit reports ``ORG-14.inactive-club`` (a deviation), as a union may
meet it. Idempotent: nothing is added when the union has a club already.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.clubs import selectors, services
from tongxue.clubs.models import Activity, Club, Review
from tongxue.demo.voice import demo_union
from tongxue.domain.rules.disclosure import previous_term
from tongxue.organisations.models import Organisation, Person

#: (name, category, guiding unit, advisor, what it does)
CLUBS = (
    ("摄影协会", "culture_sports", "校团委", "李明老师", "用镜头记录校园生活"),
    ("机器人创新社", "academic", "机电工程学院团委", "赵强老师", "机器人设计与竞赛"),
    ("青年志愿者协会", "volunteering", "校团委", "王芳老师", "社区服务与支教"),
    (
        "马克思主义学习研究会",
        "political",
        "马克思主义学院团委",
        "陈立老师",
        "理论学习与社会调研",
    ),
    ("街舞社", "culture_sports", "校团委", "周婷老师", "街舞训练与校园演出"),
    ("桥牌社", "culture_sports", "校团委", "吴刚老师", "桥牌训练与比赛"),
)


def _users() -> tuple[Any, Any]:
    users = get_user_model().objects
    return (
        users.filter(username="union_admin").first(),
        users.filter(username="advisor").first(),
    )


def seed(*, scale: str, as_of: dt.date) -> str:
    union = demo_union(scale)
    if union is None:
        return ""
    if Club.objects.filter(union=union).exists():
        return _("clubs already seeded")
    admin, advisor = _users()
    if admin is None or advisor is None:
        return ""
    with transaction.atomic():
        n = _story(union, admin, advisor, as_of)
    return _(
        "{union}: clubs /clubs/{union}/ ({clubs} clubs, {n} activities; "
        "the advisor's queue /clubs/{union}/manage/?status=submitted)"
    ).format(union=union.code, clubs=len(CLUBS), n=n)


def _story(union: Organisation, admin: Any, advisor: Any, as_of: dt.date) -> int:
    last = previous_term(min(as_of, timezone.localdate()))
    registered = last.start - dt.timedelta(days=200)
    people = list(
        Person.objects.filter(
            department__path__startswith=union.path, user__isnull=True
        )
        .exclude(student_number="")
        .order_by("pk")[: len(CLUBS)]
    )
    student = Person.objects.filter(user__username="student").first()
    if student is not None:
        people.insert(0, student)
    # the register's clubs that the registry has too (its school's club federation)
    registry = {o.name: o.code for o in selectors.registry_clubs(union)}
    clubs: list[Club] = []
    for i, (name, category, unit, teacher, what) in enumerate(CLUBS):
        person = people[i] if i < len(people) else None
        clubs.append(
            services.register_club(
                actor=admin,
                union=union,
                name=name,
                category=category,
                guiding_unit=unit,
                advisor=teacher,
                description=what,
                responsible=(person.student_number or person.ident) if person else "",
                registered_on=registered,
                organisation=registry.get(name, ""),
            )
        )
    photo, robots, volunteers, theory, dance, bridge = clubs
    now = timezone.now()
    soon = now + dt.timedelta(days=1)

    def draft(club: Club, title: str, **kw: Any) -> Activity:
        return services.create_activity(
            actor=admin,
            club=club,
            title=title,
            starts_at=kw.pop("starts_at", soon),
            ends_at=None,
            place=kw.pop("place", "大学生活动中心"),
            organiser=kw.pop("organiser", f"{club.name}办公室"),
            expected_participants=kw.pop("expected", 60),
            content=kw.pop("content", f"{title}：社团日常活动。"),
            **kw,
        )

    def decided(activity: Activity, decision: str, reasons: str = "") -> Activity:
        services.submit(actor=admin, activity=activity)
        services.decide(
            actor=advisor, activity=activity, decision=decision, reasons=reasons
        )
        return Activity.objects.get(pk=activity.pk)

    def dated(activity: Activity, starts: dt.datetime) -> Activity:
        """Date the activity and its review back (the services date them now)."""
        decided_at = starts - dt.timedelta(days=5)
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            submitted_at=starts - dt.timedelta(days=7),
            decided_at=decided_at,
            approved_at=decided_at if activity.approved_at else None,
        )
        Review.objects.filter(activity=activity).update(decided_at=decided_at)
        return Activity.objects.get(pk=activity.pk)

    def moment(day: dt.date, hour: int = 19) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    # held in the last term: approved before they began (every active club but one)
    for i, (club, title, participants) in enumerate(
        (
            (photo, "校园秋色摄影展", 230),
            (robots, "机器人创意设计赛校内选拔", 85),
            (volunteers, "社区敬老院志愿服务", 40),
            (theory, "“青年学习社”读书分享会", 55),
        )
    ):
        activity = dated(
            decided(draft(club, title), "approved"),
            moment(last.start + dt.timedelta(days=40 + 20 * i)),
        )
        services.record_held(
            actor=admin,
            activity=activity,
            participants=participants,
            record=f"{title}顺利举行，{participants}名同学参加。",
        )
    # coming up, approved: a lecture with an outside speaker
    decided(
        draft(
            photo,
            "人像摄影讲座",
            starts_at=now + dt.timedelta(days=10),
            speakers="张伟，市摄影家协会会员",
            expected=120,
            place="图书馆报告厅",
        ),
        "approved",
    )
    decided(
        draft(volunteers, "春季植树志愿活动", starts_at=now + dt.timedelta(days=16)),
        "approved",
    )
    # awaiting the advisor's review
    services.submit(
        actor=admin,
        activity=draft(
            robots,
            "机器人社开放日",
            starts_at=now + dt.timedelta(days=12),
            sponsors="某科技有限公司提供比赛器材",
        ),
    )
    # returned with reasons (to be corrected and resubmitted)
    decided(
        draft(
            volunteers,
            "校外义卖募捐",
            starts_at=now + dt.timedelta(days=20),
            place="校外商业街",
        ),
        "returned",
        "募捐活动须说明善款去向和监管方式，并附合作机构资质；补充后重新提交。",
    )
    # rejected with reasons (final)
    decided(
        draft(
            theory,
            "商业培训机构宣讲会",
            starts_at=now + dt.timedelta(days=8),
            sponsors="某考研培训机构",
        ),
        "rejected",
        "活动实为校外培训机构商业宣传，不符合社团活动宗旨。",
    )
    # a draft, and a cancelled one
    draft(dance, "街舞社招新展演", starts_at=now + dt.timedelta(days=25))
    cancelled = decided(
        draft(dance, "街舞快闪", starts_at=now + dt.timedelta(days=5)), "approved"
    )
    services.cancel(actor=admin, activity=cancelled, reason="场地冲突，活动取消")
    services.update_club(
        actor=admin,
        club=bridge,
        name=bridge.name,
        category=bridge.category,
        guiding_unit=bridge.guiding_unit,
        advisor=bridge.advisor,
        description=bridge.description,
        status="suspended",
        responsible="",
    )
    return Activity.objects.filter(union=union).count()
