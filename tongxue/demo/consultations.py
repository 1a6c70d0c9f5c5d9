"""Demo: 网上学联, the federations' consultations of students (RGT-5 · GS-5).

Province scale only (the school demo has no federation). Through the services
(:mod:`tongxue.voice.services.consultations`, on their days with ``today=``):

* the provincial federation asked about internships (closed two months before the
  demo's day): five ideas from students of the demo university (the voice demo's
  accounts, :mod:`tongxue.demo.voice`, which runs first; one anonymous, one private),
  its public response published in time by the ``federation`` account, two ideas rated
  by their students and the rest closed unrated by the periodic work; and it asks
  about the journey home for the holidays now (open, two ideas so far, one 同意);
* the city federation of the demo university asked about the buses around the
  campuses (closed, two ideas, answered in time), and one other city federation asks
  about food safety around the campuses now (open, no idea yet);
* the twelve other city federations asked nothing within the year: RGT-5.no-consultation
  (a deviation a federation justifies by naming the platforms it asked on) is planted
  there.

Deterministic and idempotent; the generator's output is untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from tongxue.cadres.selectors import served_path
from tongxue.demo.voice import STUDENT, demo_union
from tongxue.organisations.models import Organisation, OrgKind, Person, PersonKind
from tongxue.voice import services as voice
from tongxue.voice.models import (
    Concern,
    ConcernStatus,
    Consultation,
    Rating,
    Visibility,
)
from tongxue.voice.services import consultations as services

FEDERATION_ACCOUNT = "federation"

#: (title, question, opens and closes: days before the demo's day, ideas)
#: an idea: (title, body, visibility, days after opening, rating or "")
PROVINCE_CLOSED = (
    "大学生实习权益：你遇到过哪些问题？",
    "省学联正在收集全省大学生在专业实习、毕业实习和就业见习中遇到的问题和建议，"
    "整理后提交省教育厅、省人社厅。请写下你的经历和建议。",
    75,
    55,
    (
        (
            "希望推行统一的实习协议范本",
            "我们的实习单位不签协议，出了问题找不到依据。希望省里推行统一的实习协议范本，学校备案。",
            Visibility.PUBLIC,
            1,
            Rating.SATISFIED,
        ),
        (
            "见习补贴发放太慢",
            "就业见习补贴要等见习结束三个月后才发，见习期间生活很紧张。",
            Visibility.PUBLIC,
            3,
            Rating.BASICALLY,
        ),
        (
            "跨市实习没有交通补贴",
            "去外市实习每周往返，路费都是自己出，希望有交通补贴。",
            Visibility.PUBLIC,
            6,
            "",
        ),
        (
            "实习期间的意外伤害保险",
            "实习单位说保险由学校买，学校说由单位买，实习期间受伤不知道找谁。",
            Visibility.PRIVATE,
            9,
            "",
        ),
        (
            "实习单位安排加班",
            "实习单位经常安排晚上加班，也没有加班补贴，不敢拒绝。",
            Visibility.ANONYMOUS,
            12,
            "",
        ),
    ),
)
PROVINCE_RESPONSE = (
    "感谢同学们提出的意见。省学联已将意见整理报送省教育厅、省人社厅：一、省教育厅将于下学期"
    "推行全省统一的实习协议范本，学校对实习协议备案；二、就业见习补贴改为按月发放；三、实习"
    "期间的意外伤害保险由学校统一投保，费用不由学生承担；四、跨市实习交通补贴和实习加班问题"
    "已转请有关部门研究，省学联将在下次座谈会上通报进展。"
)
PROVINCE_OPEN = (
    "寒假返乡：购票和交通有什么困难？",
    "寒假临近，省学联想了解同学们返乡购票和交通中的困难，与铁路、交通部门沟通解决。",
    6,
    -14,
    (
        (
            "希望开通学生购票专门时段",
            "春运抢票太难，希望铁路部门为学生开放专门的购票时段。",
            Visibility.PUBLIC,
            1,
            "",
        ),
        (
            "县城到乡镇的班车太少",
            "到了县城以后回乡镇的班车一天只有两趟，天黑前赶不上。",
            Visibility.PUBLIC,
            3,
            "",
        ),
    ),
)
CITY_CLOSED = (
    "高校周边公交和交通安全",
    "市学联收集同学们对高校周边公交线路、站点和交通安全的意见，提交市交通运输局。",
    120,
    100,
    (
        (
            "大学城末班公交太早",
            "大学城到市区的末班公交九点就没了，晚上去市区实习回不来。",
            Visibility.PUBLIC,
            2,
            Rating.SATISFIED,
        ),
        (
            "校门口公交站没有斑马线",
            "南门公交站对面没有斑马线和信号灯，过马路很危险。",
            Visibility.PUBLIC,
            5,
            "",
        ),
    ),
)
CITY_RESPONSE = (
    "市交通运输局答复：大学城至市区的两条线路末班车延长至22:30；南门公交站将增设人行横道和"
    "信号灯，本季度内完工。"
)
CITY_OPEN = (
    "高校周边夜市和外卖的食品安全",
    "市学联收集同学们对高校周边夜市、外卖食品安全的意见，提交市市场监管局。",
    3,
    -20,
    (),
)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _students(union: Organisation) -> list[Any]:
    """The demo university's students with an account (the console's student last:
    their ideas are not the demo's)."""
    users = [
        p.user
        for p in Person.objects.filter(
            user__isnull=False,
            kind=PersonKind.STUDENT,
            department__path__startswith=served_path(union),
        )
        .select_related("user")
        .order_by("-ident")
    ]
    users.sort(key=lambda u: u.username == STUDENT)
    return users


def _consult(
    federation: Organisation,
    plan: tuple[Any, ...],
    authors: list[Any],
    as_of: dt.date,
    *,
    response: str = "",
    responder: Any = None,
) -> int:
    """Open the consultation on its day, send its ideas, and once it closed publish the
    response in time, rate and close; returns how many ideas."""
    title, question, opens_back, closes_back, ideas = plan
    opens = as_of - dt.timedelta(days=opens_back)
    closes = as_of - dt.timedelta(days=closes_back)
    consultation = services.save_consultation(
        actor=None,
        federation=federation,
        title=title,
        question=question,
        opens=opens,
        closes=closes,
        today=opens - dt.timedelta(days=3),
    )
    raised: list[tuple[Any, Concern, str]] = []
    for author, (idea, body, visibility, after, rating) in zip(
        authors, ideas, strict=False
    ):
        day = opens + dt.timedelta(days=after)
        if day > min(closes, as_of):
            continue
        sent = services.submit_idea(
            actor=author,
            consultation=consultation,
            title=idea,
            body=body,
            visibility=visibility,
            today=day,
        )
        raised.append((author, sent.concern, rating))
    if not response or closes >= as_of:
        return len(raised)
    day = min(closes + dt.timedelta(days=5), consultation.answer_due, as_of)
    services.respond(
        actor=responder, consultation=consultation, text=response, today=day
    )
    rated = day + dt.timedelta(days=2)
    for author, concern, rating in raised:
        if rating and rated <= as_of:
            voice.rate(
                concern=Concern.objects.get(pk=concern.pk),
                rating=rating,
                actor=author,
                today=rated,
            )
    # the periodic work closes the answers left unrated once their window ends
    due = (
        Concern.objects.filter(consultation=consultation, status=ConcernStatus.ANSWERED)
        .order_by("-rating_due")
        .values_list("rating_due", flat=True)
        .first()
    )
    if due is not None and due < as_of:
        voice.close_unrated(today=due + dt.timedelta(days=1))
    return len(raised)


def seed(*, scale: str, as_of: dt.date) -> str:
    if scale != "province":
        return ""
    province = (
        Organisation.objects.filter(kind=OrgKind.PROVINCIAL_FEDERATION)
        .order_by("code")
        .first()
    )
    union = demo_union(scale)
    if province is None or union is None:
        return ""
    if Consultation.objects.filter(federation=province).exists():
        return _("consultations already seeded")
    school = union.parent
    city = school.parent if school is not None else None
    if city is not None and city.kind != OrgKind.CITY_FEDERATION:
        city = None
    authors = _students(union)
    responder = _user(FEDERATION_ACCOUNT)
    with transaction.atomic():
        ideas = _consult(
            province,
            PROVINCE_CLOSED,
            authors,
            as_of,
            response=PROVINCE_RESPONSE,
            responder=responder,
        )
        taken = len(PROVINCE_CLOSED[4])
        ideas += _consult(province, PROVINCE_OPEN, authors[taken:], as_of)
        taken += len(PROVINCE_OPEN[4])
        first = (
            Concern.objects.filter(
                consultation__federation=province,
                consultation__closes__gte=as_of,
                visibility=Visibility.PUBLIC,
            )
            .order_by("number")
            .first()
        )
        if first is not None and authors and first.author_id != authors[-1].pk:
            voice.support(actor=authors[-1], concern=first)  # 同意
        cities = 0
        if city is not None:
            _consult(
                city,
                CITY_CLOSED,
                authors[taken:],
                as_of,
                response=CITY_RESPONSE,
                responder=responder,
            )
            cities += 1
        other = (
            Organisation.objects.filter(kind=OrgKind.CITY_FEDERATION)
            .exclude(pk=getattr(city, "pk", None))
            .order_by("code")
            .first()
        )
        if other is not None:
            _consult(other, CITY_OPEN, [], as_of)
            cities += 1
    return _(
        "{federation}: a consultation answered in time and one open, {ideas} ideas, "
        "/voice/federation/{federation}/consultations/; {cities} city federations "
        "with one"
    ).format(federation=province.code, ideas=ideas, cities=cities)
