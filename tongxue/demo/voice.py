"""Demo students' concerns (RGT-1 … RGT-7, CAD-8): the demo school's rights channel and a
term of concerns.

For the school union the demo accounts serve (``LYDX-XSH`` at school scale; the first
general university's union at province scale): the school's offices (后勤处, 教务处,
学生处, 财务处, 保卫处, 网络信息中心, 心理健康教育中心: organisations of kind
``school_office`` under the school), the default categories with the office that takes
each first (饮食, 住宿, 交通 → 后勤处; 教学, 考试 → 教务处; 收费资助 → 财务处; 安全 →
保卫处; 网络 → 网络信息中心; the sensitive ones, 学生干部 and 其他 stay with the union),
the accounts ``rights`` (the union's rights officer), ``office`` (后勤处) and one
handler per other office, ``sensitive`` (named for sensitive concerns and those about
cadres) and ``student`` (a student with concerns of their own, one answered and
waiting for a rating), plus the students who raised the others; and about fifty
concerns over the last four months (:mod:`tongxue.demo.voice_texts`).

Every concern goes through the services, day by day (``today=``), with the periodic
work of each day run first (:func:`~tongxue.voice.services.escalate_overdue`,
:func:`~tongxue.voice.services.close_unrated`), so the deadlines, escalations, events and
figures are the real ones: concerns received, in hand, forwarded to an office, answered,
rated 满意 / 基本满意 / 不满意 and reopened (重办), closed unrated, verified by the
union, withdrawn, late and escalated (two are still overdue on ``as_of``, within the
profile's share), merged with their supporters (我也遇到), a few anonymous, entered
from the mailbox or a reception day, sensitive or about a cadre. The union's numbers
follow the days concerns were raised (at province scale the federations' consultations,
whose ideas are the union's concerns too, run among these days:
:func:`tongxue.demo.consultations.story`), and the notifications the services write
are dated on the day of their step.

The graduate union of the same school gets the categories too. At province scale every
other university's school-level unions get the default categories (no offices, no
concerns: the union handles everything) except about one in ten, left without a
channel (RGT-1.no-channel planted). Deterministic (its own random stream: the
generator's output is untouched) and idempotent.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from tongxue.cadres.selectors import served_path
from tongxue.core import auditlog
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.demo import voice_history, voice_relay
from tongxue.demo.accounts import AUDIT_LABEL, DEMO_PASSWORD, demo_organisations
from tongxue.demo.generator import UNIVERSITY_TYPES
from tongxue.demo.voice_texts import DUPLICATES, NOTES, TEXTS, Text
from tongxue.domain.rights import OPEN_STATUSES, due_date
from tongxue.notifications.models import Notification
from tongxue.organisations.models import (
    Enrolment,
    Organisation,
    OrgKind,
    Person,
    PersonKind,
    Position,
    Role,
)
from tongxue.organisations.services import create_organisation
from tongxue.voice import services
from tongxue.voice.models import (
    Category,
    Channel,
    Concern,
    ConcernStatus,
    NamedHandler,
    Rating,
    Visibility,
)
from tongxue.voice.selectors import overdue_q
from tongxue.voice.services.shared import calendar, moment

#: The voice demo's own random stream (the generator's streams are left alone).
SEED = 20261107

#: The school's offices: code suffix, name, English name, handler's user name.
OFFICES: tuple[tuple[str, str, str, str], ...] = (
    ("HQC", "后勤处", "Logistics and Services Office", "office"),
    ("JWC", "教务处", "Academic Affairs Office", "office_jwc"),
    ("XSC", "学生处", "Student Affairs Office", "office_xsc"),
    ("CWC", "财务处", "Finance Office", "office_cwc"),
    ("BWC", "保卫处", "Security Office", "office_bwc"),
    ("WXZX", "网络信息中心", "Network and Information Centre", "office_wxzx"),
    ("XLZX", "心理健康教育中心", "Mental Health Education Centre", "office_xlzx"),
)
#: The office that takes a category's concerns first (the others stay with the union).
DEFAULT_HANDLERS = {
    "food": "HQC",
    "housing": "HQC",
    "transport": "HQC",
    "teaching": "JWC",
    "exams": "JWC",
    "fees": "CWC",
    "safety": "BWC",
    "network": "WXZX",
}
#: The sensitive categories (RGT-7): their deadlines are shorter.
SENSITIVE = frozenset(c[0] for c in services.DEFAULT_CATEGORIES if c[3])
RIGHTS = "rights"
NAMED = "sensitive"
STUDENT = "student"
#: How many other students raise and support the demo's concerns.
AUTHORS = 24
#: At province scale, about this share of the other universities has no channel.
NO_CHANNEL_RATE = 0.1

# The demo's concerns in their final state relative to ``as_of``: (text key, days
# before as_of it was raised, story, visibility). The rest (``TEXTS`` not named here)
# are raised 36 to 118 days before and are concluded by ``as_of``.
RECENT: tuple[tuple[str, int, str, str], ...] = (
    ("food-delivery", 0, "received", Visibility.PUBLIC),
    ("teaching-projector", 1, "received", Visibility.PUBLIC),
    ("safety-bikes", 1, "received", Visibility.PRIVATE),
    ("transport-bus", 3, "in_hand", Visibility.PUBLIC),
    ("hardship-loan", 3, "in_hand", Visibility.PRIVATE),
    ("exams-review", 5, "in_hand", Visibility.ANONYMOUS),
    ("network-library", 6, "in_hand", Visibility.PUBLIC),
    ("other-printing", 7, "in_hand", Visibility.PUBLIC),  # forwarded to 后勤处
    ("teaching-books", 8, "in_hand", Visibility.PRIVATE),
    ("network-vpn", 9, "unacknowledged", Visibility.PUBLIC),  # overdue, escalated
    ("fees-payment", 10, "answered", Visibility.PUBLIC),
    ("food-breakfast", 12, "answered", Visibility.PUBLIC),
    ("housing-laundry", 20, "reopened", Visibility.PUBLIC),
    ("housing-door", 32, "unanswered", Visibility.PUBLIC),  # overdue, escalated
)
#: The concerns of the ``student`` account.
STUDENT_TEXTS = ("food-hours", "food-breakfast", "teaching-books")
#: Concerns entered by the rights officer from an offline channel.
OFFLINE = {
    "fees-textbook": Channel.MAILBOX,
    "transport-bikes": Channel.RECEPTION,
    "exams-resit": Channel.PHONE,
}
#: Concerns with a photo.
PHOTOS = frozenset(
    {
        "food-hygiene",
        "housing-leak",
        "housing-mould",
        "safety-lights",
        "teaching-projector",
    }
)
#: How many students say 我也遇到 to a popular concern (others: 0 to 4).
POPULAR = {
    "network-slow": 9,
    "housing-hotwater": 7,
    "food-price": 6,
    "transport-bus": 5,
}
#: The concerns concluded by ``as_of``, by story (the rest are "satisfied").
CONCLUDED = {
    "food-price": "reopen_satisfied",
    "housing-hotwater": "reopen_satisfied",
    "network-slow": "reopen_satisfied",
    "teaching-elective": "reopen_unsatisfied",
    "food-halal": "basically",
    "housing-ac": "late",
    "exams-crowded": "late",
    "other-id-card": "late",
    "fees-refund": "unrated",
    "network-drop": "unrated",
    "fees-textbook": "unrated",
    "housing-light": "verified",
    "safety-ebike": "basically",
    "transport-bikes": "basically",
    "mental-roommate": "basically",
    "cadre-favour": "basically",
    "other-gym": "withdrawn",
}
ANONYMOUS = frozenset({"mental-stress", "harassment-group", "food-hygiene"})
PRIVATE = frozenset(
    {
        "mental-roommate",
        "hardship-family",
        "cadre-favour",
        "fees-refund",
        "exams-crowded",
    }
)


# -- accounts --------------------------------------------------------------------------


@dataclass
class Accounts:
    rights: Any
    named: Any
    student: Any
    offices: dict[str, Any]  # office code → its handler
    authors: list[Any]  # students who raise and support concerns
    created: list[str] = field(default_factory=list)

    @property
    def student_linked(self) -> bool:
        return Person.objects.filter(user=self.student).exists()


def _user(username: str, password: str, created: list[str]) -> Any:
    """The demo user ``username`` (created, with the demo password, and audited once)."""
    user, new = get_user_model().objects.get_or_create(username=username)
    if new:
        user.password = password
        user.save(update_fields=["password"])
        auditlog.record(
            actor=None,
            action="demo.user_created",
            target=username,
            label=AUDIT_LABEL,
            data={"superuser": False, "demo": True},
        )
        created.append(username)
    return user


def _grant(user: Any, role: str, org: Organisation) -> None:
    _row, granted = RoleAssignment.objects.get_or_create(
        user=user, organisation=org, role=role
    )
    if granted:
        auditlog.record(
            actor=None,
            action="demo.role_granted",
            organisation=org.code,
            target=user.get_username(),
            role=role,
            label=AUDIT_LABEL,
            data={"role": role, "demo": True},
        )


def _link(user: Any, person: Person, union: Organisation) -> None:
    if person.user_id == user.pk:
        return
    person.user = user
    person.save(update_fields=["user"])
    auditlog.record(
        actor=None,
        action="demo.student_linked",
        organisation=union.code,
        target=user.get_username(),
        label=AUDIT_LABEL,
        data={"demo": True},
    )


def _students(union: Organisation, rng: random.Random, n: int) -> list[Person]:
    """``n`` enrolled students of the union's school without an account or a post."""
    pks = list(
        Person.objects.filter(
            department__path__startswith=served_path(union),
            kind=PersonKind.STUDENT,
            enrolment=Enrolment.ENROLLED,
            user__isnull=True,
            positions__isnull=True,
        )
        .order_by("ident")
        .values_list("pk", flat=True)
    )
    chosen = sorted(rng.sample(pks, min(n, len(pks))))
    by_pk = Person.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def _accounts(
    union: Organisation, offices: dict[str, Organisation], rng: random.Random
) -> Accounts:
    """Create (once) the voice demo's users, their roles and the named handler."""
    created: list[str] = []
    password = make_password(DEMO_PASSWORD)  # hashed once for every demo user here
    rights = _user(RIGHTS, password, created)
    _grant(rights, RoleKind.RIGHTS_OFFICER, union)
    named = _user(NAMED, password, created)
    _grant(named, RoleKind.RIGHTS_OFFICER, union)
    NamedHandler.objects.get_or_create(
        union=union, user=named, defaults={"sensitive": True, "about_cadres": True}
    )
    handlers = {}
    for suffix, _name, _en, username in OFFICES:
        office = offices[suffix]
        handlers[suffix] = _user(username, password, created)
        _grant(handlers[suffix], RoleKind.OFFICE_HANDLER, office)
    people = _students(union, rng, AUTHORS + 1)
    student = _user(STUDENT, password, created)
    if not Person.objects.filter(user=student).exists() and people:
        _link(student, people[0], union)
    authors = []
    for person in people[1:]:
        user = _user(person.student_number or f"s-{person.pk}", password, created)
        _link(user, person, union)
        authors.append(user)
    return Accounts(rights, named, student, handlers, authors, created)


# -- the channel -----------------------------------------------------------------------


def _school(union: Organisation) -> Organisation:
    assert union.parent is not None
    return union.parent


def _offices(school: Organisation) -> dict[str, Organisation]:
    """The school's offices (created once, through the organisations service)."""
    out = {}
    for suffix, name, name_en, _username in OFFICES:
        code = f"{school.code}-{suffix}"
        office = Organisation.objects.filter(code=code).first()
        if office is None:
            office = create_organisation(
                actor=None,
                code=code,
                name=name,
                kind=OrgKind.SCHOOL_OFFICE,
                parent=school,
                name_en=name_en,
            )
        out[suffix] = office
    return out


def _categories(union: Organisation, offices: dict[str, Organisation]) -> None:
    """The default categories, each with the office that takes it first."""
    services.ensure_default_categories(union)
    for category in Category.objects.filter(union=union, code__in=DEFAULT_HANDLERS):
        office = offices[DEFAULT_HANDLERS[category.code]]
        if category.default_handler_id == office.pk:
            continue
        services.save_category(
            actor=None,
            union=union,
            category=category,
            code=category.code,
            name=category.name,
            name_en=category.name_en,
            sensitive=category.sensitive,
            about_cadre=category.about_cadre,
            default_handler=office,
            acknowledge_days=category.acknowledge_days,
            answer_days=category.answer_days,
            active=category.active,
        )


def _other_channels(main: Organisation, rng: random.Random) -> int:
    """Province scale: the default categories for the other universities' school-level
    unions, but about one in ten (planted: no channel). Returns how many unions."""
    unions = (
        Organisation.objects.filter(
            kind__in=(OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION),
            parent__kind=OrgKind.SCHOOL,
            parent__school_type__in=UNIVERSITY_TYPES,
        )
        .exclude(parent_id=main.parent_id)
        .order_by("code")
    )
    opened = 0
    for union in unions:
        if rng.random() < NO_CHANNEL_RATE:
            continue
        services.ensure_default_categories(union)
        opened += 1
    return opened


# -- the concerns: a plan, then day by day ------------------------------------------------


@dataclass(frozen=True)
class Step:
    day: dt.date
    action: str
    arg: Any = None


@dataclass
class Plan:
    text: Text
    raised: dt.date
    visibility: str
    author: Any  # a user; None for an offline concern
    channel: str = Channel.ONLINE
    steps: list[Step] = field(default_factory=list)
    photo: bool = False
    about: Person | None = None
    concern: Concern | None = None
    code: str | None = None
    #: The office it was handed to last (it still answers once escalated: 督办).
    office: str | None = None


class _Clock:
    """Days of a concern's story: handlers count working days, students calendar days."""

    def __init__(self, start: dt.date) -> None:
        self.day = start
        self.holidays, self.extra = calendar()

    def wd(self, n: int) -> dt.date:
        self.day = due_date(
            self.day, n, holidays=self.holidays, extra_working_days=self.extra
        )
        return self.day

    def cd(self, n: int) -> dt.date:
        self.day += dt.timedelta(days=n)
        return self.day


def _handled(plan: Plan, clock: _Clock, *, ack: int = 1) -> list[Step]:
    """Acknowledged after ``ack`` working days, forwarded the next one if it goes to
    an office (``Text.office``)."""
    steps = [Step(clock.wd(ack), "ack")]
    if plan.text.office:
        steps.append(Step(clock.wd(1), "forward", plan.text.office))
    return steps


def _story(plan: Plan, kind: str, rng: random.Random) -> list[Step]:
    """The steps of a story, from the day the concern was raised."""
    t = plan.text
    c = _Clock(plan.raised)
    if kind == "withdrawn":
        return [Step(c.wd(1), "ack"), Step(c.cd(2), "withdraw")]
    if kind == "late":  # acknowledged and answered late: escalated twice
        steps = _handled(plan, c, ack=4)
        return [
            *steps,
            Step(c.wd(9), "note", NOTES[1]),
            Step(c.wd(4), "answer", t.answer),
            Step(c.cd(2), "rate", (Rating.BASICALLY, "")),
        ]
    if t.category in SENSITIVE:  # shorter deadlines (RGT-7): answered within them
        steps = _handled(plan, c)
        steps.append(Step(c.wd(rng.choice((1, 2, 3))), "answer", t.answer))
    else:
        steps = _handled(plan, c, ack=rng.choice((1, 1, 2)))
        steps.append(Step(c.wd(rng.choice((3, 4, 5, 6))), "answer", t.answer))
    if kind in ("satisfied", "basically"):
        rating = Rating.SATISFIED if kind == "satisfied" else Rating.BASICALLY
        steps.append(Step(c.cd(rng.choice((1, 2, 3))), "rate", (rating, "")))
    elif kind in ("reopen_satisfied", "reopen_unsatisfied"):
        steps.append(Step(c.cd(2), "rate", (Rating.UNSATISFIED, t.reason)))
        steps.append(Step(c.wd(4), "answer", t.reanswer))
        last = Rating.SATISFIED if kind == "reopen_satisfied" else Rating.UNSATISFIED
        reason = (
            "" if last == Rating.SATISFIED else "第二次答复和第一次差不多，没有解决。"
        )
        steps.append(Step(c.cd(1), "rate", (last, reason)))
    elif kind == "verified":  # never rated: the union checked the result itself
        steps.append(Step(c.cd(3), "verify"))
    return steps


def _recent(plan: Plan, kind: str, as_of: dt.date) -> list[Step]:
    """The steps of a concern still under way on ``as_of``."""
    c = _Clock(plan.raised)
    if kind in ("received", "unacknowledged"):
        return []
    steps = _handled(plan, c)
    if kind == "in_hand":
        return steps
    if kind == "unanswered":
        return [*steps, Step(c.wd(3), "note", NOTES[0])]
    # answered in time, a few days before as_of (the rating window still open)
    steps.append(
        Step(min(c.wd(6), as_of - dt.timedelta(days=1)), "answer", plan.text.answer)
    )
    if kind == "reopened":  # rated 不满意 since: reopened, a new answer deadline
        rated = min(c.cd(3), as_of)
        steps.append(Step(rated, "rate", (Rating.UNSATISFIED, plan.text.reason)))
    return steps


def _photo(rng: random.Random) -> SimpleUploadedFile:
    """A small photo (a blurry view of a wall and a floor), made here."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 360), (200, 200, 190))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 240, 480, 360), fill=(120, 110, 100))
    for _i in range(6):
        x, y = rng.randrange(0, 440), rng.randrange(0, 220)
        draw.ellipse((x, y, x + 40, y + 30), fill=(90, 100, 80))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), "image/jpeg")


def _cadre(union: Organisation) -> Person | None:
    """A serving head of department of the union (the subject of the cadre concern)."""
    pos = (
        Position.objects.filter(
            organisation__parent=union,
            organisation__kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            role=Role.DEPARTMENT_HEAD,
            end__isnull=True,
        )
        .select_related("person")
        .order_by("organisation__code", "person__ident")
        .first()
    )
    return pos.person if pos is not None else None


def _plans(
    union: Organisation, acc: Accounts, as_of: dt.date, rng: random.Random
) -> list[Plan]:
    """Every concern of the demo with its steps, in the order they are raised."""
    texts = {t.key: t for t in (*TEXTS, *DUPLICATES)}
    recent = {key: (back, kind, vis) for key, back, kind, vis in RECENT}
    authors = iter(acc.authors * 4)
    plans: list[Plan] = []
    older = [t for t in TEXTS if t.key not in recent]
    rng.shuffle(older)
    span = 118 - 36
    for i, t in enumerate(older):
        back = 118 - (i * span) // max(len(older) - 1, 1) - rng.randrange(0, 2)
        visibility = (
            Visibility.ANONYMOUS
            if t.key in ANONYMOUS
            else Visibility.PRIVATE
            if t.key in PRIVATE
            else Visibility.PUBLIC
        )
        plans.append(Plan(t, as_of - dt.timedelta(days=back), visibility, None))
    for key, (back, _kind, vis) in recent.items():
        plans.append(Plan(texts[key], as_of - dt.timedelta(days=back), vis, None))
    cadre = _cadre(union)
    for plan in plans:
        t = plan.text
        if t.key in OFFLINE:
            plan.channel = OFFLINE[t.key]
            plan.visibility = Visibility.PRIVATE
        elif t.key in STUDENT_TEXTS:
            plan.author = acc.student
        else:
            plan.author = next(authors, None) or acc.student
        plan.photo = t.key in PHOTOS
        if t.category == "cadre":
            plan.about = cadre
        kind = (
            recent[t.key][1] if t.key in recent else CONCLUDED.get(t.key, "satisfied")
        )
        plan.steps = (
            _recent(plan, kind, as_of) if t.key in recent else _story(plan, kind, rng)
        )
    by_key = {p.text.key: p for p in plans}
    # Raised again a few days later by someone else, with supporters; merged (RGT-1).
    for dup in DUPLICATES:
        first = by_key[dup.key.removesuffix("-again")]
        clock = _Clock(first.raised + dt.timedelta(days=2))
        plan = Plan(dup, clock.day, Visibility.PUBLIC, next(authors, acc.student))
        plan.steps = [
            Step(clock.cd(1), "support", 2),
            Step(clock.wd(1), "merge", first),
        ]
        plans.append(plan)
    # 我也遇到 from other students, in the first days.
    for plan in plans:
        if plan.visibility != Visibility.PUBLIC or plan.channel != Channel.ONLINE:
            continue
        if plan.text.key.endswith("-again"):
            continue
        n = POPULAR.get(plan.text.key, rng.choice((0, 0, 1, 2, 3, 4)))
        if n:
            plan.steps.insert(0, Step(plan.raised + dt.timedelta(days=1), "support", n))
    plans = [p for p in plans if not (p.text.category == "cadre" and p.about is None)]
    plans.sort(key=lambda p: (p.raised, p.text.key))
    return plans


def _history(acc: Accounts, as_of: dt.date) -> list[Plan]:
    """The term before's concluded concerns of the category 其他, each forwarded to
    the office that solved it (:mod:`tongxue.demo.voice_history`)."""
    rng = random.Random(voice_history.SEED)
    texts = voice_history.texts()
    plans = []
    for t, back, author in zip(
        texts,
        voice_history.days_back(len(texts)),
        reversed(acc.authors),
        strict=False,
    ):
        plan = Plan(t, as_of - dt.timedelta(days=back), Visibility.PUBLIC, author)
        kind = rng.choice(("satisfied", "satisfied", "basically"))
        plan.steps = _story(plan, kind, rng)
        plans.append(plan)
    return plans


def _fresh(concern: Concern) -> Concern:
    return Concern.objects.select_related("union", "handler", "category").get(
        pk=concern.pk
    )


def _handler_of(plan: Plan, concern: Concern, acc: Accounts) -> Any:
    """Who acts for the concern's handler: the named handler of a restricted concern,
    the office handling it (or the office it was escalated from), else the rights
    officer."""
    if concern.sensitive or concern.about_person_id is not None:
        return acc.named
    suffix = concern.handler.code.rsplit("-", 1)[-1]
    if concern.handler.kind == OrgKind.SCHOOL_OFFICE and suffix in acc.offices:
        plan.office = suffix
        return acc.offices[suffix]
    if plan.office is not None:
        return acc.offices[plan.office]
    return acc.rights


def _run_step(
    plan: Plan,
    step: Step,
    acc: Accounts,
    union: Organisation,
    offices: dict[str, Organisation],
    rng: random.Random,
) -> None:
    day = step.day
    if step.action == "raise":
        t = plan.text
        category = Category.objects.get(union=union, code=t.category)
        if plan.author is None:
            raised = services.record_offline(
                actor=acc.rights,
                union=union,
                category=category,
                title=t.title,
                body=t.body,
                channel=plan.channel,
                place=t.place,
                visibility=plan.visibility,
                today=day,
            )
        else:
            raised = services.raise_concern(
                actor=plan.author,
                union=union,
                category=category,
                title=t.title,
                body=t.body,
                visibility=plan.visibility,
                place=t.place,
                photos=[_photo(rng)] if plan.photo else (),
                about_person=plan.about,
                today=day,
            )
        plan.concern, plan.code = raised.concern, raised.tracking_code
        if raised.concern.handler.kind == OrgKind.SCHOOL_OFFICE:
            plan.office = raised.concern.handler.code.rsplit("-", 1)[-1]
        return
    assert plan.concern is not None
    concern = _fresh(plan.concern)
    actions: dict[str, Callable[[], Any]] = {
        "ack": lambda: services.acknowledge(
            actor=_handler_of(plan, concern, acc), concern=concern, today=day
        ),
        "forward": lambda: services.forward(
            actor=_handler_of(plan, concern, acc),
            concern=concern,
            to=offices[step.arg],
            note="请贵处核实处理并答复同学。",
            today=day,
        ),
        "note": lambda: services.add_note(
            actor=_handler_of(plan, concern, acc),
            concern=concern,
            text=step.arg,
            today=day,
        ),
        "answer": lambda: services.answer(
            actor=_handler_of(plan, concern, acc),
            concern=concern,
            text=step.arg,
            today=day,
        ),
        "rate": lambda: services.rate(
            concern=concern,
            rating=step.arg[0],
            reason=step.arg[1],
            actor=plan.author,
            tracking_code=plan.code,
            today=day,
        ),
        "withdraw": lambda: services.withdraw(
            concern=concern, actor=plan.author, tracking_code=plan.code, today=day
        ),
        "verify": lambda: services.verify(actor=acc.rights, concern=concern, today=day),
        "merge": lambda: services.merge(
            actor=acc.rights,
            concern=concern,
            into=_fresh(step.arg.concern),
            today=day,
        ),
        "support": lambda: [
            services.support(actor=user, concern=concern)
            for user in rng.sample(
                [u for u in acc.authors if u != plan.author], step.arg
            )
        ],
    }
    actions[step.action]()
    if step.action == "forward":
        plan.office = step.arg


def _last_notification() -> int:
    return Notification.objects.aggregate(n=Max("pk"))["n"] or 0


def backdate_notifications(after: int, day: dt.date) -> int:
    """Date the notifications of the rights channel written since ``after`` (a
    notification's id) on ``day``, as the services dated what they notify of
    (:func:`~tongxue.voice.services.shared.moment`: noon of a past day); return how
    many. The demo runs its months in seconds: without this every notification
    would say it came today."""
    return Notification.objects.filter(pk__gt=after, kind__startswith="voice.").update(
        created_at=moment(day)
    )


def _simulate(
    plans: list[Plan],
    acc: Accounts,
    union: Organisation,
    offices: dict[str, Organisation],
    as_of: dt.date,
    rng: random.Random,
    also: Iterator[dt.date] | None = None,
) -> None:
    """Run every step on its day, after that day's periodic work; nothing after
    ``as_of``. ``also``: another story with concerns of the union (the federations'
    consultations, :func:`tongxue.demo.consultations.story`), a generator that yields
    the day of its next step before taking it: its steps are taken on their days
    among these, so that the union's numbers follow the days concerns are raised.
    The notifications of each day are dated on it."""
    agenda: dict[dt.date, list[tuple[int, int, Plan, Step]]] = {}
    for i, plan in enumerate(plans):
        steps = [Step(plan.raised, "raise"), *plan.steps]
        for j, step in enumerate(steps):
            if step.day <= as_of:
                agenda.setdefault(step.day, []).append((i, j, plan, step))
    other = next(also, None) if also is not None else None
    day = min(agenda) if other is None else min(min(agenda), other)
    while day <= as_of:
        last = _last_notification()
        while also is not None and other is not None and other <= day:
            other = next(also, None)  # takes the step due, gives the next one's day
        # the periodic work of the day, when anything is overdue or unrated in time
        # (most days nothing is: the check is one query, the two jobs more)
        due = overdue_q(day) | Q(status=ConcernStatus.ANSWERED, rating_due__lt=day)
        if Concern.objects.filter(due, union=union).exists():
            services.escalate_overdue(today=day)
            services.close_unrated(today=day)
        for _i, _j, plan, step in sorted(
            agenda.get(day, ()), key=lambda e: (e[0], e[1])
        ):
            _run_step(plan, step, acc, union, offices, rng)
        backdate_notifications(last, day)
        day += dt.timedelta(days=1)
    if also is not None and other is not None:
        last = _last_notification()
        for _day in also:  # steps on ``as_of`` left (none after it)
            pass
        backdate_notifications(last, as_of)


# -- the seeder ------------------------------------------------------------------------


def demo_union(scale: str) -> Organisation | None:
    """The school union of the demo accounts (where the concerns are raised)."""
    union = demo_organisations(scale=scale)[RoleKind.UNION_ADMIN]
    if union is None or union.parent is None or union.parent.kind != OrgKind.SCHOOL:
        return None
    return union


@transaction.atomic
def seed(*, scale: str, as_of: dt.date) -> str:
    union = demo_union(scale)
    if union is None:
        return ""
    if Concern.objects.filter(union=union).exists():
        return _("students' concerns already seeded")
    rng = random.Random(SEED)
    school = _school(union)
    offices = _offices(school)
    _categories(union, offices)
    graduate = Organisation.objects.filter(
        parent=school, kind=OrgKind.GRADUATE_UNION
    ).first()
    if graduate is not None:
        _categories(graduate, offices)
    others = _other_channels(union, rng) if scale == "province" else 0
    acc = _accounts(union, offices, rng)
    if len(acc.authors) < max(POPULAR.values()) + 2 or not acc.student_linked:
        # too few students on the roll to raise and support the concerns
        return _(
            "{union}: {offices} school offices, no concerns (too few students)"
        ).format(union=union.code, offices=len(offices))
    plans = _plans(union, acc, as_of, rng)
    # the term before's concerns forwarded to offices: the routing suggestion learns
    # from them (RGT-1, "Route"; their own random stream)
    plans = sorted(
        [*plans, *_history(acc, as_of)], key=lambda p: (p.raised, p.text.key)
    )
    # at province scale the federations' consultations bring ideas of this union's
    # students, concerns of the union: their story runs among these days
    from tongxue.demo import consultations

    _simulate(
        plans,
        acc,
        union,
        offices,
        as_of,
        rng,
        also=consultations.story(scale=scale, as_of=as_of),
    )
    # students write to their delegate and the union's president (RGT-6)
    contacts = voice_relay.seed(
        union,
        student=acc.student,
        authors=acc.authors,
        concerned=_cadre(union),
        as_of=as_of,
        created=acc.created,
    )
    # the figures as the database has them: every concern of the union (the term's,
    # the merged duplicates, the term before's, at province scale the consultations'
    # ideas) and the days they were raised on (one query)
    made = Concern.objects.filter(union=union).aggregate(
        n=Count("pk"),
        open=Count("pk", filter=Q(status__in=sorted(OPEN_STATUSES))),
        overdue=Count("pk", filter=overdue_q(as_of)),
        first=Min("raised_at"),
        last=Max("raised_at"),
    )
    summary = _(
        "{union}: {offices} school offices, {concerns} concerns raised from {first} "
        "to {last} ({open} open, {overdue} overdue), public list /voice/{union}/, "
        "figures /voice/{union}/figures/"
    ).format(
        union=union.code,
        offices=len(offices),
        concerns=made["n"],
        first=localdate(made["first"]).isoformat() if made["first"] else "—",
        last=localdate(made["last"]).isoformat() if made["last"] else "—",
        open=made["open"],
        overdue=made["overdue"],
    )
    if contacts:
        summary += _(
            "; {n} students' messages to their delegates and cadres, /voice/{union}/contact/"
        ).format(n=contacts, union=union.code)
    if others:
        summary += _(
            "; the default categories at {n} other universities' unions"
        ).format(n=others)
    return summary


# -- the console ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceAccount:
    username: str
    role: str
    organisation: str
    organisation_name: str


def voice_accounts() -> list[VoiceAccount]:
    """The voice demo's accounts that exist (for the console), in a fixed order."""
    wanted = [RIGHTS, NAMED, *(u for *_x, u in OFFICES)]
    roles = {
        r.user.username: r
        for r in RoleAssignment.objects.filter(
            user__username__in=wanted,
            role__in=(RoleKind.RIGHTS_OFFICER, RoleKind.OFFICE_HANDLER),
        ).select_related("user", "organisation")
    }
    out = [
        VoiceAccount(
            u,
            "named" if u == NAMED else roles[u].role,
            roles[u].organisation.code,
            roles[u].organisation.name,
        )
        for u in wanted
        if u in roles
    ]
    reps = {
        p.user.username: p
        for p in Person.objects.filter(
            user__username__in=(voice_relay.DELEGATE, voice_relay.CADRE)
        ).select_related("user")
    }
    union = demo_union("school") or demo_union("province")
    for username in (voice_relay.DELEGATE, voice_relay.CADRE):
        if username in reps and union is not None:
            out.append(
                VoiceAccount(
                    username,
                    f"relay-{username}",
                    union.code,
                    f"{reps[username].name} · {union.name}",
                )
            )
    student = (
        Person.objects.filter(user__username=STUDENT)
        .select_related("class_unit", "department")
        .first()
    )
    if student is not None:
        unit = student.class_unit or student.department
        out.append(
            VoiceAccount(
                STUDENT,
                "student",
                unit.code if unit else "",
                f"{student.name} · {unit.name}" if unit else student.name,
            )
        )
    return out
