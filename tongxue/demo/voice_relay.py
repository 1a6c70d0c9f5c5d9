"""The demo's messages to delegates and cadres through the relay (RGT-6 · GS-一(三),
CQ-一(三)).

Two of the demo union's representatives get demo accounts: ``delegate``, a delegate
of its current congress who represents the console's ``student`` (their department's),
and ``cadre``, the union's president (who represents every student of the school). Over
the last month ``student`` and a few of the students who raised concerns write to them
(:func:`tongxue.voice.relay_services.send`, on their days) and they reply
(:func:`~tongxue.voice.relay_services.reply`): most contacts answered, one waiting for
the president, and a reply ``student`` has not read yet. The 联系代表 page, the delegate
list and the cadre roster then count them; ``delegate`` and ``cadre`` read them at
``/voice/relay/``. The cadre a concern is about (CAD-8) gets no account here.

The messages are dated on their days (the services stamp them now; the demo's month
runs in a second), and so are their notifications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from tongxue.core.errors import Refusal
from tongxue.demo.accounts import DEMO_PASSWORD
from tongxue.organisations.models import Organisation, Person, Position, Role
from tongxue.voice import relay_selectors
from tongxue.voice import relay_services as relay
from tongxue.voice.models import RelayText, RelayThread
from tongxue.voice.services.shared import moment

#: The demo accounts of the two representatives (DEMO ONLY, the demo password).
DELEGATE = "delegate"
CADRE = "cadre"


@dataclass(frozen=True)
class Letter:
    """A contact: who writes (``student`` or the n-th author), to whom (``DELEGATE``
    or ``CADRE``), how many days before the demo's day, the text; then the replies
    and follow-ups, each (days later, from the recipient?, text)."""

    sender: str | int
    to: str
    back: int
    text: str
    then: tuple[tuple[int, bool, str], ...] = ()


LETTERS: tuple[Letter, ...] = (
    Letter(
        "student",
        DELEGATE,
        24,
        "代表你好，我是咱们学院的同学。学院自习室晚上九点就关门了，期末复习时间不够，"
        "能不能在代表座谈会上反映一下，考试周延长到晚上十一点？",
        (
            (
                2,
                True,
                "收到，谢谢你的意见。我已经和学院学生会权益部沟通，下周的学生代表座谈会上会提出来，"
                "有结果第一时间告诉你。",
            ),
            (3, False, "好的，谢谢代表！"),
            (
                14,
                True,
                "学院已经同意考试周自习室开放到晚上十一点，从下周一开始执行，门口会贴出通知。",
            ),
        ),
    ),
    Letter(
        0,
        CADRE,
        30,
        "学生会的志愿活动报名总是几分钟就满了，很多同学根本抢不到，能不能改成先报名后抽签？",
        (
            (
                3,
                True,
                "谢谢你的建议。主席团讨论后决定，从下学期起志愿活动改为先报名、后公开抽签，"
                "抽签结果在学生会公众号公示。",
            ),
        ),
    ),
    Letter(
        1,
        CADRE,
        15,
        "希望学生会组织一次和后勤处的座谈会，宿舍和食堂的问题很多同学都有意见。",
        (
            (
                1,
                True,
                "好的。权益部正在筹备本月的职能部门交流会，会邀请后勤处负责人参加，"
                "报名通知这周发布，欢迎你来。",
            ),
        ),
    ),
    Letter(
        2,
        CADRE,
        9,
        "学生会的公众号能不能加一个失物招领的栏目？现在丢了东西只能在各个群里问。",
        (
            (
                2,
                True,
                "这个建议很好，新媒体中心已经在做，预计下个月上线。",
            ),
        ),
    ),
    Letter(
        "student",
        CADRE,
        2,
        "主席您好，想问一下学生会上学期的活动经费什么时候公示？一直没有看到。",
    ),
    Letter(
        3,
        CADRE,
        5,
        "运动会的报名表只能纸质提交，能不能改成线上报名？",
    ),
)


def _account(
    username: str, person: Person, union: Organisation, created: list[str]
) -> Any:
    """The representative's demo account, linked to them (created once, audited)."""
    from tongxue.demo.voice import _link, _user  # the voice demo's own helpers

    user = _user(username, make_password(DEMO_PASSWORD), created)
    _link(user, person, union)
    return user


def _representatives(
    union: Organisation, student: Any, concerned: Person | None, as_of: dt.date
) -> tuple[Any, Any] | None:
    """The delegate who represents ``student`` and the union's president, neither
    with an account yet nor the cadre a concern is about (None: not both found)."""
    roll = relay_selectors.representatives(union, today=as_of)
    path = relay_selectors.student_path(student)
    if path is None:
        return None
    skip = {concerned.pk if concerned else None, student.person.pk}
    delegate = next(
        (
            r
            for r in roll.delegates
            if r.user_id is None
            and r.person_id not in skip
            and r.capacity_for(path) == "delegate"
        ),
        None,
    )
    post = (
        Position.objects.filter(
            organisation=union, role=Role.PRESIDENT, start__lte=as_of
        )
        .filter(Q(end__isnull=True) | Q(end__gte=as_of))
        .order_by("start", "pk")
        .values_list("person_id", flat=True)
        .first()
    )
    president = roll.person(post) if post is not None else None
    if (
        delegate is None
        or president is None
        or president.user_id is not None
        or president.person_id in skip
        or president is delegate
    ):
        return None
    return delegate, president


def _date(thread: RelayThread, text: RelayText, day: dt.date, *, opened: bool) -> None:
    at = moment(day)
    RelayText.objects.filter(pk=text.pk).update(sent_at=at)
    fields: dict[str, Any] = {"last_at": at}
    if opened:
        fields["opened_at"] = at
    RelayThread.objects.filter(pk=thread.pk).update(**fields)


def seed(
    union: Organisation,
    *,
    student: Any,
    authors: list[Any],
    concerned: Person | None,
    as_of: dt.date,
    created: list[str],
) -> int:
    """Give the two representatives their accounts and run the letters on their days;
    return how many contacts were opened (0: no such representatives)."""
    from tongxue.demo.voice import _last_notification, backdate_notifications

    found = _representatives(union, student, concerned, as_of)
    if found is None:
        return 0
    delegate, president = found
    people = Person.objects.in_bulk([delegate.person_id, president.person_id])
    users = {
        DELEGATE: _account(DELEGATE, people[delegate.person_id], union, created),
        CADRE: _account(CADRE, people[president.person_id], union, created),
    }
    recipients = {
        DELEGATE: people[delegate.person_id],
        CADRE: people[president.person_id],
    }
    # every step on its day, in the order of the days
    steps: list[tuple[dt.date, int, int, Letter]] = []
    for i, letter in enumerate(LETTERS):
        day = as_of - dt.timedelta(days=letter.back)
        steps.append((day, i, -1, letter))
        for j, (later, _r, _t) in enumerate(letter.then):
            steps.append((day + dt.timedelta(days=later), i, j, letter))
    threads: dict[int, RelayThread] = {}
    opened = 0
    for day, i, j, letter in sorted(steps, key=lambda s: (s[0], s[1], s[2])):
        if day > as_of:
            continue
        sender = (
            student
            if letter.sender == "student"
            else authors[int(letter.sender) % len(authors)]
        )
        last = _last_notification()
        if j < 0:
            try:
                sent = relay.send(
                    actor=sender,
                    union=union,
                    person=recipients[letter.to],
                    text=letter.text,
                    today=day,
                )
            except Refusal:  # not one of theirs: the letter is left out
                continue
            threads[i] = sent.thread
            _date(sent.thread, sent.text, day, opened=True)
            opened += 1
        elif i in threads:
            _later, from_recipient, text = letter.then[j]
            actor = users[letter.to] if from_recipient else sender
            thread = threads[i]
            message = relay.reply(actor=actor, thread=thread, text=text, today=day)
            _date(thread, message, day, opened=False)
            # the other party's messages before were read by then
            RelayText.objects.filter(
                thread=thread,
                from_recipient=not from_recipient,
                read_at__isnull=True,
                sent_at__lte=moment(day),
            ).update(read_at=moment(day))
        backdate_notifications(last, day)
    return opened
