"""Demo: the union's advocacy beyond single concerns (RGT-2, RGT-3, RGT-4; GS-4).

For the school union of the demo accounts (``LYDX-XSH`` at school scale; the first
general university's union at province scale), everything through the services, by
the accounts ``rights`` (its rights officer) and the students of the voice demo
(:mod:`tongxue.demo.voice`, which runs first):

* its **legal-aid directory** (RGT-2): the city's 法律援助中心, the law school's 法律诊所,
  a public-interest law firm and one of its lawyers; one of the demo's open concerns
  (宿舍洗衣机, reopened) referred to the law clinic with the student's consent;
* a **校领导接待日** held two days before the demo's day (RGT-3): students signed up with
  their topics, the minutes published, three points raised — two became concerns of
  the union (a public one, a private one) and one joined the open concern on the
  campus buses, with the student's 我也遇到 — and the next one planned, open for
  sign-up with two places taken;
* its seats on the **校务委员会** and the **膳食委员会** and the meetings it attended
  (RGT-4): the students' position carried on the canteen prices and the outcome;
  its written request for 职能部门交流会, agreed.

The few records a story needs in the past are moved there afterwards: the reception
day is scheduled while sign-up is open, the students sign up, then it is moved to its
day (the service allows a planned meeting to change) and the sign-ups are dated before
it. Its minutes and points are recorded on the demo's day (``today=``: two days after
the meeting). The days the services check (in touch since, a seat
since, a meeting attended, consent) are never after the real today.

The graduate union of the school gets the same briefly, as a system command
(``actor=None``) through the services: the city's legal aid centre, a seat on the
校务委员会 (or a written request for one), a 膳食委员会 meeting attended, a reception day
held (or a written request for one). At province scale so do about nine in ten of the
other universities' school-level unions, from the same plan but in bulk (a few inserts
for all and one audit record ``advocacy.demo_records`` each: through the services, six
calls a union, they took seconds), keeping what the services check (see
:func:`_in_bulk`). The rest, about one in ten, have nothing: RGT-2.no-legal-aid,
RGT-3.no-reception-day, RGT-4.no-participation and RGT-4.no-committee-seat are planted
there. The provincial federation and all but two city federations held a meeting with
people's congress deputies and CPPCC members within the term, through the services
(RGT-3.no-government-meeting planted at the two). Deterministic (its own random
stream: the generator's output is untouched) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.advocacy import services
from tongxue.advocacy.models import (
    Committee,
    CommitteeKind,
    ConsentHow,
    ContactKind,
    Dialogue,
    DialogueKind,
    DialogueStatus,
    LegalAidContact,
    Outcome,
    Participation,
    Referral,
    RequestKind,
    RequestOutcome,
    SignUp,
    WrittenRequest,
)
from tongxue.cadres.selectors import served_path
from tongxue.core import auditlog
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.demo.accounts import AUDIT_LABEL
from tongxue.demo.generator import UNIVERSITY_TYPES
from tongxue.demo.voice import NAMED, RIGHTS, STUDENT, demo_union
from tongxue.demo.voice_texts import TEXTS
from tongxue.organisations.models import Organisation, OrgKind, Person, PersonKind
from tongxue.voice import access
from tongxue.voice.models import Category, Concern, ConcernStatus, Visibility

#: The advocacy demo's own random stream (the generator's streams are left alone).
SEED = 20261208
#: At province scale, about this share of the other universities' unions has nothing.
NOTHING_RATE = 0.1
#: How many city federations held no meeting with deputies (planted).
CITIES_WITHOUT_MEETING = 2
#: The demo concern referred to legal aid (voice_texts), and the entry it goes to.
REFERRED = "housing-laundry"
#: The open concern a point of the reception day joins.
JOINED = "transport-bus"
SCHOOL_CITY = "兰州市"  # the demo school's city (school scale: no city federation)

LAW_FIRM = "陇正公益律师事务所"


def _contacts(city: str, school: str) -> list[dict[str, Any]]:
    """The demo union's directory (days: before the demo's day)."""
    return [
        {
            "kind": ContactKind.LEGAL_AID_CENTRE,
            "name": f"{city}法律援助中心",
            "body": f"{city}司法局",
            "areas": "法律咨询、法律援助申请：劳动和实习报酬、消费纠纷、人身损害赔偿",
            "phone": "12348",
            "address": f"{city}公共法律服务中心一楼",
            "hours": "工作日 9:00–12:00、14:30–17:30",
            "back": (1100, 35),
            "note": "每学期请中心律师来校开展一次法律讲座；转介前先电话预约。",
        },
        {
            "kind": ContactKind.LAW_CLINIC,
            "name": f"{school}法学院法律诊所",
            "body": f"{school}法学院",
            "areas": "同学的租房、兼职和实习、消费纠纷的免费咨询，协助准备材料",
            "email": "law-clinic@example.org",
            "address": "法学院楼一楼108室",
            "hours": "周二、周四 14:00–17:00（学期中）",
            "back": (700, 9),
        },
        {
            "kind": ContactKind.LAW_FIRM,
            "name": LAW_FIRM,
            "areas": "公益法律服务：校园安全、网络侵权、教育权益",
            "email": "gongyi@example.org",
            "address": f"{city}城关区",
            "hours": "预约",
            "back": (420, 60),
        },
        {
            "kind": ContactKind.LAWYER,
            "name": "马志诚律师",
            "body": LAW_FIRM,
            "areas": "劳动和实习权益、网络侵权",
            "email": "ma.zhicheng@example.org",
            "back": (420, 60),
            "note": "每月第一个周三下午在学生活动中心值班，免费咨询。",
        },
    ]


#: The reception day held: sign-ups (topic) and the points raised from them.
SIGNUPS = (
    "图书馆自习室晚上十点关门，考试周希望延长开放时间。",
    "新老校区校车早高峰太挤，希望增加班次。",
    "校外实习单位拖欠实习补贴两个月，不知道该怎么办。",
    "宿舍楼下快递柜太少，取件要排很久。",
)
MINUTES = (
    "分管学生工作的副校长主持，后勤处、教务处、学生处负责人参加，12名同学到场（4名预约）。"
    "同学们反映了自习室开放时间、校车、实习补贴、快递柜等问题；"
    "能当场答复的当场答复，其余由学生会权益部录入诉求渠道，按期跟进并在下次接待日通报办理情况。"
)
#: (sign-up index, title, body, category or None to join JOINED, visibility, reply)
POINTS = (
    (
        0,
        "考试周延长自习室开放时间",
        "图书馆自习室晚上十点关门，考试周同学们希望延长到十二点。",
        "other",
        Visibility.PUBLIC,
        "副校长：考试周（第17至19周）图书馆自习室延长至24:00，由图书馆和后勤处落实。",
    ),
    (
        1,
        "早高峰校车加开班次",
        "",
        None,
        Visibility.PUBLIC,
        "后勤处：下月起早高峰加开两班校车，运行两周后评估。",
    ),
    (
        2,
        "校外实习单位拖欠实习补贴",
        "实习单位拖欠两个月实习补贴，学院的实习协议里写明了补贴标准。",
        "other",
        Visibility.PRIVATE,
        "学生处将联系实习单位核实；权益部已告知同学法律援助中心的联系方式。",
    ),
)
#: The next reception day: the topics of the two students signed up already.
NEXT_SIGNUPS = (
    "宿舍楼下快递柜太少，取件要排很久。",
    "希望学院公示奖学金评定细则和评分。",
)
#: The cheap reception days' minutes (other unions).
SHORT_MINUTES = (
    "分管校领导和后勤处、教务处、学生处负责人接待同学，答复了食堂、宿舍、选课等问题；"
    "未能当场答复的由学生会权益部跟进。"
)
#: Matters a union's 膳食委员会 decided with it (other unions): matter, position.
CATERING_MATTERS = (
    ("食堂饭菜价格调整", "反对整体涨价；要求保留平价窗口并公示价格和分量。"),
    ("食堂承包经营单位年度考评", "将同学满意度测评结果计入考评，占比不低于三成。"),
    ("食堂开放时间调整", "晚餐延长到19:30，考试周增设夜宵窗口。"),
)


# -- helpers -------------------------------------------------------------------------------


class _Clock:
    """The demo's days, never after the real today for what the services check."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.today = timezone.localdate()
        self.now = timezone.now()

    def back(self, days: int) -> dt.date:
        return min(self.as_of - dt.timedelta(days=days), self.today)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _city(union: Organisation) -> str:
    """The union's city: its school's city federation's name, else the demo school's."""
    school = union.parent
    federation = school.parent if school is not None else None
    if federation is not None and federation.kind == OrgKind.CITY_FEDERATION:
        return federation.name.removesuffix("学生联合会")
    return SCHOOL_CITY


def _title(key: str) -> str:
    return next(t.title for t in TEXTS if t.key == key)


def _concern(union: Organisation, key: str) -> Concern | None:
    return (
        Concern.objects.filter(union=union, title=_title(key))
        .select_related("union", "handler", "category")
        .order_by("number")
        .first()
    )


def _handler(concern: Concern) -> Any:
    """Who acts for the concern: the rights officer, the named handler, else a handler
    of the office that has it."""
    users = [_user(RIGHTS), _user(NAMED)]
    users += [
        r.user
        for r in RoleAssignment.objects.filter(
            organisation=concern.handler, role=RoleKind.OFFICE_HANDLER
        ).select_related("user")
    ]
    return next((u for u in users if u and access.can_handle(u, concern)), None)


def _students(union: Organisation) -> list[Any]:
    """The school's students with an account: the console's ``student`` first."""
    people = (
        Person.objects.filter(
            user__isnull=False,
            kind=PersonKind.STUDENT,
            department__path__startswith=served_path(union),
        )
        .select_related("user")
        .order_by("ident")
    )
    users = [p.user for p in people]
    users.sort(key=lambda u: u.username != STUDENT)
    return users


# -- the demo union: the whole story -----------------------------------------------------------


def _directory(
    union: Organisation, clock: _Clock, actor: Any
) -> dict[str, LegalAidContact]:
    school = union.parent.name if union.parent is not None else union.name
    out = {}
    for entry in _contacts(_city(union), school):
        since, last = entry.pop("back")
        contact = services.save_contact(
            actor=actor,
            union=union,
            linked_since=clock.back(since),
            last_contact=clock.back(last),
            **entry,
        )
        out[contact.kind] = contact
    return out


def _refer(union: Organisation, clinic: LegalAidContact, clock: _Clock) -> bool:
    """Refer the demo's open laundry concern to the law clinic, the student agreed
    online the day before (RGT-2)."""
    concern = _concern(union, REFERRED)
    if concern is None or concern.status in (
        ConcernStatus.MERGED,
        ConcernStatus.WITHDRAWN,
    ):
        return False
    actor = _handler(concern)
    if actor is None:
        return False
    raised = timezone.localdate(concern.raised_at)
    if raised > clock.today:  # a demo built as of a day still to come
        return False
    services.refer(
        actor=actor,
        concern=concern,
        contact=clinic,
        consent_on=max(raised, clock.back(1)),
        consent_how=ConsentHow.ONLINE,
        note="运营方对洗衣失败扣费不予退还；同学同意由法律诊所就消费者权益提供咨询。",
    )
    return True


def _reception_day(union: Organisation, clock: _Clock, actor: Any) -> int:
    """A reception day held two days before the demo's day, with sign-ups, published
    minutes and points; returns how many points."""
    held = clock.at(clock.as_of - dt.timedelta(days=2), 14, 30)
    held = min(held, clock.now - dt.timedelta(hours=1))
    title = f"校领导接待日（{held.month}月）"
    place = "行政楼二楼第一会议室"
    attendees = "分管学生工作的副校长；后勤处、教务处、学生处负责人"
    # Scheduled while sign-up is open, the students sign up, then it moves to its day.
    dialogue = services.schedule(
        actor=actor,
        organiser=union,
        kind=DialogueKind.RECEPTION_DAY,
        title=title,
        starts=clock.now + dt.timedelta(days=7),
        place=place,
        attendees=attendees,
        places=12,
    )
    students = _students(union)
    signups = []
    for user, topic in zip(students, SIGNUPS, strict=False):
        signups.append(services.sign_up(actor=user, dialogue=dialogue, topic=topic))
    dialogue = services.schedule(
        actor=actor,
        organiser=union,
        kind=DialogueKind.RECEPTION_DAY,
        title=title,
        starts=held,
        place=place,
        attendees=attendees,
        places=12,
        signup_closes=held - dt.timedelta(hours=20, minutes=30),
        dialogue=dialogue,
    )
    Dialogue.objects.filter(pk=dialogue.pk).update(
        created_at=held - dt.timedelta(days=14)
    )
    for i, signup in enumerate(signups):
        SignUp.objects.filter(pk=signup.pk).update(
            at=held - dt.timedelta(days=9 - 2 * i, hours=3 + i)
        )
    services.record_minutes(
        actor=actor, dialogue=dialogue, minutes=MINUTES, public=True, today=clock.as_of
    )
    dialogue.refresh_from_db()
    joined = _concern(union, JOINED)
    points = 0
    for index, title_, body, category, visibility, reply in POINTS:
        signup = signups[index] if index < len(signups) else None
        if category is None:
            if joined is None or joined.status in (
                ConcernStatus.CLOSED,
                ConcernStatus.MERGED,
                ConcernStatus.WITHDRAWN,
            ):
                continue
            services.add_point(
                actor=actor,
                dialogue=dialogue,
                title=title_,
                join=joined,
                signup=signup,
                reply=reply,
                today=clock.as_of,
            )
        else:
            cat = Category.objects.filter(union=union, code=category).first()
            if cat is None:
                continue
            services.add_point(
                actor=actor,
                dialogue=dialogue,
                title=title_,
                body=body,
                category=cat,
                signup=signup,
                reply=reply,
                visibility=visibility,
                today=clock.as_of,
            )
        points += 1
    return points


def _next_reception_day(union: Organisation, clock: _Clock, actor: Any) -> None:
    """The next reception day, open for sign-up (two places taken; not the console's
    student, who can try it)."""
    day = max(clock.as_of, clock.today) + dt.timedelta(days=16)
    starts = clock.at(day, 14, 30)
    dialogue = services.schedule(
        actor=actor,
        organiser=union,
        kind=DialogueKind.RECEPTION_DAY,
        title=f"校领导接待日（{starts.month}月）",
        starts=starts,
        place="行政楼二楼第一会议室",
        attendees="校长；学生处、后勤处、保卫处、网络信息中心负责人",
        places=30,
        signup_closes=starts - dt.timedelta(days=2),
    )
    others = [u for u in _students(union) if u.username != STUDENT]
    for user, topic in zip(others[len(SIGNUPS) :], NEXT_SIGNUPS, strict=False):
        services.sign_up(actor=user, dialogue=dialogue, topic=topic)


def _participation(union: Organisation, clock: _Clock, actor: Any) -> None:
    """The seats on the 校务委员会 and the 膳食委员会, two meetings attended, and the
    written request for exchange meetings with the offices (agreed)."""
    school = union.parent.name if union.parent is not None else ""
    affairs = services.save_committee(
        actor=actor,
        union=union,
        kind=CommitteeKind.SCHOOL_AFFAIRS,
        name=f"{school}校务委员会",
        seat="学生会主席（列席，有发言权）",
        since=clock.back(430),
    )
    catering = services.save_committee(
        actor=actor,
        union=union,
        kind=CommitteeKind.CATERING,
        name="膳食委员会",
        seat="权益部部长、2名学生代表",
        since=clock.back(800),
    )
    services.record_participation(
        actor=actor,
        committee=affairs,
        held=clock.back(75),
        matter="《学生宿舍管理规定》修订",
        attended_by="学生会主席",
        position="晚归登记改为刷卡自动记录；违纪处分前须听取学生本人陈述。",
        outcome=Outcome.ADOPTED,
        outcome_text="两条意见均写入修订稿，新规定下学期起施行。",
    )
    services.record_participation(
        actor=actor,
        committee=catering,
        held=clock.back(20),
        matter="二食堂套餐价格调整",
        attended_by="权益部部长、2名学生代表",
        position="反对套餐涨价3元；要求保留平价窗口，并在窗口公示价格和分量标准。",
        outcome=Outcome.PARTLY,
        outcome_text="套餐上调1元；恢复两个8元平价窗口，价格和分量在窗口公示。",
    )
    request = services.record_request(
        actor=actor,
        union=union,
        kind=RequestKind.OFFICE_EXCHANGE,
        addressed_to="学校办公室",
        sent_on=clock.back(70),
        summary="建议每学期举办一次职能部门交流会，由后勤处、教务处、学生处等部门当面回应同学诉求。",
    )
    services.answer_request(
        actor=actor,
        request=request,
        outcome=RequestOutcome.AGREED,
        answered_on=clock.back(55),
        answer="同意自本学期起每学期举办一次职能部门交流会，由学生处牵头。",
    )


def _story(union: Organisation, clock: _Clock) -> tuple[int, bool, int]:
    """The demo union's whole story; returns (directory entries, referred, points)."""
    rights = _user(RIGHTS)
    actor = (
        rights
        if rights is not None and services.role_for(rights, union, services.ORGANISERS)
        else None
    )
    directory = _directory(union, clock, actor)
    referred = _refer(union, directory[ContactKind.LAW_CLINIC], clock)
    _participation(union, clock, actor)
    points = 0
    if actor is not None:  # points become concerns: a signed-in handler enters them
        points = _reception_day(union, clock, actor)
    _next_reception_day(union, clock, actor)
    return len(directory), referred, points


# -- the others: briefly ----------------------------------------------------------------------


@dataclass
class _Brief:
    """What another union gets: the arguments of the services (one plan, whether it
    goes through the services or in bulk)."""

    union: Organisation
    contact: dict[str, Any]
    catering: dict[str, Any]
    attended: dict[str, Any]
    #: a seat on the 校务委员会, else a written request for one
    seat: dict[str, Any] | None = None
    #: a reception day held (with its minutes), else a written request for one
    meeting: dict[str, Any] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)


def _brief(union: Organisation, clock: _Clock, rng: random.Random) -> _Brief:
    city = _city(union)
    school = union.parent.name if union.parent is not None else union.name
    since = rng.randrange(200, 1200)
    brief = _Brief(
        union=union,
        contact={
            "kind": ContactKind.LEGAL_AID_CENTRE,
            "name": f"{city}法律援助中心",
            "body": f"{city}司法局",
            "areas": "法律咨询、法律援助申请",
            "phone": "12348",
            "hours": "工作日 9:00–12:00、14:30–17:30",
            "linked_since": clock.back(since),
            "last_contact": clock.back(rng.randrange(10, 150)),
        },
        catering={
            "kind": CommitteeKind.CATERING,
            "name": "膳食委员会",
            "seat": "权益部部长",
            "since": clock.back(rng.randrange(400, 1000)),
        },
        attended={},
    )
    president = "研究生会主席" if union.kind == OrgKind.GRADUATE_UNION else "学生会主席"
    if rng.random() < 0.85:
        brief.seat = {
            "kind": CommitteeKind.SCHOOL_AFFAIRS,
            "name": f"{school}校务委员会",
            "seat": president,
            "since": clock.back(rng.randrange(300, 900)),
        }
    else:
        brief.requests.append(
            {
                "kind": RequestKind.COMMITTEE_SEAT,
                "addressed_to": "学校办公室",
                "sent_on": clock.back(rng.randrange(20, 200)),
                "summary": f"建议{president}列席校务委员会涉及学生权益事项的会议。",
            }
        )
    matter, position = rng.choice(CATERING_MATTERS)
    brief.attended = {
        "held": clock.back(rng.randrange(8, 150)),
        "matter": matter,
        "attended_by": "权益部部长",
        "position": position,
        "outcome": rng.choice((Outcome.ADOPTED, Outcome.PARTLY, Outcome.PARTLY)),
    }
    if rng.random() < 0.7:
        held = clock.at(clock.back(rng.randrange(10, 150)), 14, 30)
        held = min(held, clock.now - dt.timedelta(hours=1))
        brief.meeting = {
            "kind": DialogueKind.RECEPTION_DAY,
            "title": f"校领导接待日（{held.month}月）",
            "starts": held,
            "place": "行政楼会议室",
            "attendees": "分管学生工作的校领导；后勤处、教务处、学生处负责人",
            "places": rng.choice((10, 15, 20)),
        }
    else:
        brief.requests.append(
            {
                "kind": RequestKind.RECEPTION_DAY,
                "addressed_to": "学校办公室",
                "sent_on": clock.back(rng.randrange(10, 150)),
                "summary": "建议学校每学期举办校领导接待日，当面听取同学意见。",
            }
        )
    return brief


def _through_services(brief: _Brief) -> None:
    """The brief, as a system command through the services (five or six calls)."""
    union = brief.union
    services.save_contact(actor=None, union=union, **brief.contact)
    if brief.seat is not None:
        services.save_committee(actor=None, union=union, **brief.seat)
    catering = services.save_committee(actor=None, union=union, **brief.catering)
    services.record_participation(actor=None, committee=catering, **brief.attended)
    for request in brief.requests:
        services.record_request(actor=None, union=union, **request)
    if brief.meeting is not None:
        dialogue = services.schedule(actor=None, organiser=union, **brief.meeting)
        services.record_minutes(
            actor=None, dialogue=dialogue, minutes=SHORT_MINUTES, public=True
        )


def _in_bulk(briefs: list[_Brief], clock: _Clock) -> None:
    """The briefs of many unions in a few inserts, with one audit record per union.

    The rows keep what the services check: a name once per union, no day still to
    come, the last contact after "in touch since", the meeting attended within the
    seat, a held meeting started before now with its minutes, 1 … 500 places.
    """
    if not briefs:
        return
    LegalAidContact.objects.bulk_create(
        LegalAidContact(union=b.union, **b.contact) for b in briefs
    )
    Committee.objects.bulk_create(
        Committee(union=b.union, **values)
        for b in briefs
        for values in (b.seat, b.catering)
        if values is not None
    )
    catering = dict(
        Committee.objects.filter(
            union__in=[b.union for b in briefs], kind=CommitteeKind.CATERING
        ).values_list("union_id", "pk")
    )
    Participation.objects.bulk_create(
        Participation(committee_id=catering[b.union.pk], **b.attended) for b in briefs
    )
    WrittenRequest.objects.bulk_create(
        WrittenRequest(union=b.union, **r) for b in briefs for r in b.requests
    )
    Dialogue.objects.bulk_create(
        Dialogue(
            organiser=b.union,
            status=DialogueStatus.HELD,
            minutes=SHORT_MINUTES,
            minutes_public=True,
            minutes_at=min(b.meeting["starts"] + dt.timedelta(days=1), clock.now),
            **b.meeting,
        )
        for b in briefs
        if b.meeting is not None
    )
    for b in briefs:
        auditlog.record(
            actor=None,
            action="advocacy.demo_records",
            organisation=b.union.code,
            target=b.union.code,
            role="system",
            label=AUDIT_LABEL,
            data={
                "legal_aid_contacts": 1,
                "committees": 2 if b.seat is not None else 1,
                "participations": 1,
                "meetings": 1 if b.meeting is not None else 0,
                "requests": len(b.requests),
                "source": "demo",
            },
        )


def _others(main: Organisation, scale: str, rng: random.Random, clock: _Clock) -> int:
    """The school's graduate union (through the services) and, at province scale,
    the other universities' school-level unions (in bulk) but about one in ten
    (planted). Returns how many unions."""
    unions = Organisation.objects.filter(
        kind__in=services.SCHOOL_LEVEL, parent__kind=OrgKind.SCHOOL
    ).exclude(pk=main.pk)
    if scale == "province":
        unions = unions.filter(parent__school_type__in=UNIVERSITY_TYPES)
    else:
        unions = unions.filter(parent_id=main.parent_id)
    few, many = [], []
    for union in unions.select_related("parent__parent").order_by("code"):
        if union.parent_id == main.parent_id:
            few.append(_brief(union, clock, rng))
        elif rng.random() >= NOTHING_RATE:
            many.append(_brief(union, clock, rng))
    for brief in few:
        _through_services(brief)
    _in_bulk(many, clock)
    return len(few) + len(many)


# -- the federations ---------------------------------------------------------------------------

DEPUTIES_POINTS = (
    (
        "高校毕业生就业见习补贴发放慢",
        "省人社厅：见习补贴改为按月直接发放到见习学生本人账户，下季度起执行。",
    ),
    (
        "大学生医保异地就医报销手续繁琐",
        "省医保局：学生异地就医备案可在线办理，报销材料精简为两项。",
    ),
)


def _federations(rng: random.Random, clock: _Clock) -> int:
    """A meeting with deputies and CPPCC members held within the term by the
    provincial federation and all but two city federations; returns how many."""
    province = Organisation.objects.filter(kind=OrgKind.PROVINCIAL_FEDERATION).order_by(
        "code"
    )
    cities = list(
        Organisation.objects.filter(kind=OrgKind.CITY_FEDERATION).order_by("code")
    )
    skipped = set(rng.sample(cities, min(CITIES_WITHOUT_MEETING, len(cities) // 2)))
    held_by = [*province, *(c for c in cities if c not in skipped)]
    for fed in held_by:
        region = fed.name.removesuffix("学生联合会")
        provincial = fed.kind == OrgKind.PROVINCIAL_FEDERATION
        starts = clock.at(clock.back(rng.randrange(15, 150)), 9, 30)
        dialogue = services.schedule(
            actor=None,
            organiser=fed,
            kind=DialogueKind.DEPUTIES,
            title=f"“与人大代表、政协委员面对面”{region}青年学生座谈会",
            starts=min(starts, clock.now - dt.timedelta(hours=1)),
            place=f"{region}青少年活动中心",
            attendees=(
                f"{region}人大代表、政协委员各{rng.randrange(2, 5)}名；"
                f"{region}教育、人社部门有关负责同志"
            ),
            places=30 if provincial else 20,
        )
        services.record_minutes(
            actor=None,
            dialogue=dialogue,
            minutes=(
                "各校学生代表就就业见习、医保报销、校园周边安全等问题与代表委员面对面交流；"
                "代表委员将把意见带到人代会、政协会议，相关部门当场答复了部分问题。"
            ),
            public=True,
        )
        if provincial:
            for title, reply in DEPUTIES_POINTS:
                services.add_point(
                    actor=None, dialogue=dialogue, title=title, reply=reply
                )
    return len(held_by)


# -- the seeder --------------------------------------------------------------------------------


def seed(*, scale: str, as_of: dt.date) -> str:
    union = demo_union(scale)
    if union is None:
        return ""
    if LegalAidContact.objects.filter(union=union).exists():
        return _("advocacy already seeded")
    rng = random.Random(SEED)
    clock = _Clock(as_of)
    with transaction.atomic():
        contacts, _referred, points = _story(union, clock)
        others = _others(union, scale, rng, clock)
        federations = _federations(rng, clock) if scale == "province" else 0
    summary = _(
        "{union}: legal aid /advocacy/{union}/legal-aid/ ({contacts} contacts, "
        "concerns referred: {referrals}), meetings /advocacy/{union}/meetings/ (a "
        "reception day held, {points} points raised; the next open for sign-up), "
        "participation /advocacy/{union}/participation/"
    ).format(
        union=union.code,
        contacts=contacts,
        referrals=Referral.objects.filter(union=union).count(),
        points=points,
    )
    if others:
        summary += _("; the same, briefly, at {n} other unions").format(n=others)
    if federations:
        summary += _(
            "; meetings with deputies and CPPCC members at {n} federations"
        ).format(n=federations)
    return summary
