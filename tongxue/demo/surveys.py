"""Demo: the students evaluate the school union (TRN-2), #18.

For the demo school union (``LYDX-XSH``), through the services as a system command:

* last term's evaluation (the standard template: 知晓度, 参与度, 满意度), asked of every
  enrolled student the union serves, answered by a few hundred of them, closed and
  published; its dates moved about five months back afterwards;
* this term's evaluation, open until two weeks after the demo's day, asked of every
  student (the demo student ``student`` finds it on the home and in the inbox), with a
  few hundred answers already given (a little more satisfied: the trend shows at the
  close).

Deterministic (its own random stream) and idempotent. At province scale only the demo
school's union gets these; every other school-level union has no evaluation on record
(``TRN-2.no-evaluation`` is reported there, as it would be for a real province whose
unions have not started).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.demo.generator import SCHOOL_CODE
from tongxue.organisations.models import Organisation, Person
from tongxue.surveys import services
from tongxue.surveys.models import Eligible, Survey

CLOSED_CODE = "demo-last-term"
OPEN_CODE = "demo-this-term"

_TEXTS = (
    "希望食堂饭菜价格更透明，学生会多和后勤沟通",
    "活动通知太晚了，希望提前一周在公众号发布",
    "希望多举办学术讲座和就业指导活动",
    "宿舍热水问题反映了很久，希望学生会继续跟进",
    "学生会干部作风不错，但活动宣传还不够",
    "希望公开经费使用情况",
    "图书馆自习座位不够，希望学生会向学校反映",
    "活动形式可以更丰富一些",
    "食堂排队时间太长",
    "希望学生会多听听普通同学的意见",
)


def _union() -> Organisation | None:
    return Organisation.objects.filter(code=f"{SCHOOL_CODE}-XSH").first()


def _answers(rng: random.Random, mood: int) -> dict[str, Any]:
    """One student's answers; ``mood`` shifts the satisfaction up (0, 1)."""

    def point(base: tuple[int, ...]) -> int:
        return min(5, rng.choice(base) + (mood if rng.random() < 0.4 else 0))

    out: dict[str, Any] = {
        "aw_work": point((2, 3, 3, 4, 4, 5)),
        "aw_open": point((1, 2, 3, 3, 4)),
        "aw_reach": rng.choice(("yes", "yes", "unsure", "no")),
        "aw_sources": rng.sample(
            ["accounts", "site", "class", "notices", "friends"], rng.randint(1, 3)
        ),
        "pa_count": rng.choice(("0", "1-2", "1-2", "3-5", "6+")),
        "pa_ways": rng.sample(
            ["activities", "elections", "concerns", "projects"], rng.randint(1, 2)
        ),
        "pa_voice": point((1, 2, 3, 3, 4)),
        "sa_overall": point((2, 3, 4, 4, 5)),
        "sa_rights": point((2, 3, 3, 4, 5)),
        "sa_activities": point((3, 3, 4, 4, 5)),
        "sa_cadres": point((2, 3, 4, 4, 5)),
    }
    if rng.random() < 0.3:
        out["sa_better"] = rng.choice(_TEXTS)
    return out


def _answer(survey: Survey, rng: random.Random, how_many: int, mood: int) -> int:
    people = list(
        Person.objects.filter(
            pk__in=Eligible.objects.filter(survey=survey).values("person_id")
        ).order_by("ident")
    )
    chosen = rng.sample(people, min(how_many, len(people)))
    for p in chosen:
        services.answer(
            actor=None, survey=survey, person=p, answers=_answers(rng, mood)
        )
    return len(chosen)


@transaction.atomic
def seed(*, scale: str, as_of: datetime.date) -> str:
    union = _union()
    if union is None:
        return ""
    if Survey.objects.filter(organisation=union, code=CLOSED_CODE).exists():
        return _("surveys already seeded")
    rng = random.Random(20261208)
    today = timezone.localdate()
    last = services.create_survey(
        actor=None,
        organisation=union,
        code=CLOSED_CODE,
        title="上学期学生评议学生会工作",
        closes_on=today,
    )
    services.open_survey(actor=None, survey=last)
    given_last = _answer(last, rng, 300, mood=0)
    services.close_survey(actor=None, survey=last)
    back = timezone.now() - datetime.timedelta(days=150)
    Survey.objects.filter(pk=last.pk).update(
        opened_at=back - datetime.timedelta(days=21),
        closes_on=(back - datetime.timedelta(days=1)).date(),
        closed_at=back,
        published_at=back,
    )
    current = services.create_survey(
        actor=None,
        organisation=union,
        code=OPEN_CODE,
        title="本学期学生评议学生会工作",
        closes_on=today + datetime.timedelta(days=14),
    )
    services.open_survey(actor=None, survey=current)
    given_now = _answer(current, rng, 200, mood=1)
    return _(
        "{code}: last term's evaluation by students closed and published ({last} "
        "responses), this term's open ({now} responses so far): /surveys/{pk}/"
    ).format(code=union.code, last=given_last, now=given_now, pk=current.pk)
