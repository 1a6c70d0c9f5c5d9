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

The ideas are concerns of the demo university's union, raised on their days: the voice
demo runs :func:`story` (the steps as a generator of days) among its own days, so that
the union's numbers follow the days its concerns were raised; :func:`seed` then reports
it, or runs it when the voice demo did not (too few students, a test).

Deterministic and idempotent; the generator's output is untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
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
    counted: list[int],
    *,
    response: str = "",
    responder: Any = None,
) -> Iterator[dt.date]:
    """Open the consultation on its day, send its ideas, and once it closed publish the
    response in time, rate and close: a generator that yields the day of each step
    before taking it (never after ``as_of``); the number of ideas goes to
    ``counted``."""
    title, question, opens_back, closes_back, ideas = plan
    opens = as_of - dt.timedelta(days=opens_back)
    closes = as_of - dt.timedelta(days=closes_back)
    day = opens - dt.timedelta(days=3)
    yield day
    consultation = services.save_consultation(
        actor=None,
        federation=federation,
        title=title,
        question=question,
        opens=opens,
        closes=closes,
        today=day,
    )
    raised: list[tuple[Any, Concern, str]] = []
    for author, (idea, body, visibility, after, rating) in zip(
        authors, ideas, strict=False
    ):
        day = opens + dt.timedelta(days=after)
        if day > min(closes, as_of):
            continue
        yield day
        sent = services.submit_idea(
            actor=author,
            consultation=consultation,
            title=idea,
            body=body,
            visibility=visibility,
            today=day,
        )
        raised.append((author, sent.concern, rating))
    counted.append(len(raised))
    if not response or closes >= as_of:
        return
    day = min(closes + dt.timedelta(days=5), consultation.answer_due, as_of)
    yield day
    services.respond(
        actor=responder, consultation=consultation, text=response, today=day
    )
    rated = day + dt.timedelta(days=2)
    if rated <= as_of and any(rating for _a, _c, rating in raised):
        yield rated
        for author, concern, rating in raised:
            if rating:
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
        yield due + dt.timedelta(days=1)
        voice.close_unrated(today=due + dt.timedelta(days=1))


def _merge(stories: list[Iterator[dt.date]]) -> Iterator[dt.date]:
    """The steps of several stories in the order of their days (a story's own order
    kept; on the same day, the first story first)."""
    heads: list[tuple[dt.date, int, Iterator[dt.date]]] = []
    for i, story_ in enumerate(stories):
        first = next(story_, None)
        if first is not None:
            heads.append((first, i, story_))
    while heads:
        heads.sort(key=lambda h: (h[0], h[1]))
        day, i, story_ = heads.pop(0)
        yield day
        following = next(story_, None)  # takes the step of ``day``
        if following is not None:
            heads.append((following, i, story_))


def _agree(
    province: Organisation, authors: list[Any], as_of: dt.date
) -> Iterator[dt.date]:
    """On the demo's day, a student 同意 the first public idea of the open one."""
    yield as_of
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


#: The summary of the story the voice demo ran (:func:`story`), for :func:`seed`.
_seeded = ""


def story(*, scale: str, as_of: dt.date) -> Iterator[dt.date] | None:
    """The consultations as a story of dated steps (a generator that yields the day
    of its next step before taking it), or None when there is nothing to seed (not
    the province scale, already seeded). Their ideas are concerns of the demo
    university's union: the voice demo (:mod:`tongxue.demo.voice`) runs this story
    among its own days, so that the union's numbers follow the days concerns were
    raised; :func:`seed` then only reports it."""
    if scale != "province":
        return None
    province = (
        Organisation.objects.filter(kind=OrgKind.PROVINCIAL_FEDERATION)
        .order_by("code")
        .first()
    )
    union = demo_union(scale)
    if province is None or union is None:
        return None
    if Consultation.objects.filter(federation=province).exists():
        return None
    return _story(province, union, as_of)


def _story(
    province: Organisation, union: Organisation, as_of: dt.date
) -> Iterator[dt.date]:
    global _seeded
    school = union.parent
    city = school.parent if school is not None else None
    if city is not None and city.kind != OrgKind.CITY_FEDERATION:
        city = None
    authors = _students(union)
    responder = _user(FEDERATION_ACCOUNT)
    counted: list[int] = []
    taken = len(PROVINCE_CLOSED[4])
    stories = [
        _consult(
            province,
            PROVINCE_CLOSED,
            authors,
            as_of,
            counted,
            response=PROVINCE_RESPONSE,
            responder=responder,
        ),
        _consult(province, PROVINCE_OPEN, authors[taken:], as_of, counted),
    ]
    taken += len(PROVINCE_OPEN[4])
    cities = 0
    if city is not None:
        stories.append(
            _consult(
                city,
                CITY_CLOSED,
                authors[taken:],
                as_of,
                [],
                response=CITY_RESPONSE,
                responder=responder,
            )
        )
        cities += 1
    other = (
        Organisation.objects.filter(kind=OrgKind.CITY_FEDERATION)
        .exclude(pk=getattr(city, "pk", None))
        .order_by("code")
        .first()
    )
    if other is not None:
        stories.append(_consult(other, CITY_OPEN, [], as_of, []))
        cities += 1
    stories.append(_agree(province, authors, as_of))
    yield from _merge(stories)
    _seeded = _(
        "{federation}: a consultation answered in time and one open, {ideas} ideas, "
        "/voice/federation/{federation}/consultations/; {cities} city federations "
        "with one"
    ).format(federation=province.code, ideas=sum(counted), cities=cities)


def seed(*, scale: str, as_of: dt.date) -> str:
    """Seed the consultations (when the voice demo has not run their story already),
    and say what was seeded."""
    global _seeded
    if scale != "province":
        return ""
    steps = story(scale=scale, as_of=as_of)
    if steps is not None:
        with transaction.atomic():
            for _day in steps:
                pass
    summary, _seeded = _seeded, ""
    if summary:
        return summary
    if _already_seeded():
        return _("consultations already seeded")
    return ""


def _already_seeded() -> bool:
    province = (
        Organisation.objects.filter(kind=OrgKind.PROVINCIAL_FEDERATION)
        .order_by("code")
        .first()
    )
    return province is not None and (
        Consultation.objects.filter(federation=province).exists()
    )
