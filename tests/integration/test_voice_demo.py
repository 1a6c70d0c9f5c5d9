"""The demo of students' concerns (#17): the school's offices, the categories and who
takes each, the accounts, and a term of concerns in every state, all through the
services; idempotent like the other demos."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils.timezone import localdate
from django.utils.translation import override

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
)
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.demo import voice as demo
from tongxue.demo.accounts import DEMO_PASSWORD
from tongxue.demo.generator import PROVINCE_CODE, SCHOOL_CODE
from tongxue.demo.management.commands.demo import holds_other_data
from tongxue.organisations.models import Organisation, OrgKind, Person, Role, SchoolType
from tongxue.voice.models import (
    Category,
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    NamedHandler,
    Rating,
    Support,
    Visibility,
)
from tongxue.voice.selectors import office_figures, overdue_q

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 1)


def _school() -> Organisation:
    """A small demo school: the union, the graduate union, a department with a class
    of forty students, and a functional department whose head serves."""
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", name="陇原大学学生会", parent=school
    )
    OrganisationFactory(
        code=f"{SCHOOL_CODE}-YJSH",
        name="陇原大学研究生会",
        kind=OrgKind.GRADUATE_UNION,
        parent=school,
    )
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01",
        name="文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    klass = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01-K2401",
        name="文学院2024级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=dept,
        students_served=40,
    )
    for k in range(40):
        PersonFactory(
            ident=f"LYDX-P{k:04d}",
            student_number=f"20240101{k:02d}",
            department=dept,
            class_unit=klass,
            grade=2024,
        )
    rights = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH-QY",
        name="权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    PositionFactory(
        organisation=rights,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        person=PersonFactory(ident="LYDX-HEAD", department=dept, class_unit=klass),
    )
    return union


def _seed() -> str:
    with override("en"):  # the summary is in the console's language (#16)
        return demo.seed(scale="school", as_of=AS_OF)


def test_the_demo_opens_the_channel_and_runs_a_term_of_concerns_once() -> None:
    union = _school()
    summary = _seed()
    school = union.parent

    # The offices: organisations of their own kind under the school, named in both
    # languages.
    offices = {
        o.code: o
        for o in Organisation.objects.filter(parent=school, kind=OrgKind.SCHOOL_OFFICE)
    }
    assert {o.name for o in offices.values()} == {
        "后勤处",
        "教务处",
        "学生处",
        "财务处",
        "保卫处",
        "网络信息中心",
        "心理健康教育中心",
    }
    assert all(o.name_en for o in offices.values())
    assert all(o.path == f"{school.path}{o.code}/" for o in offices.values())

    # The categories and who takes each first; the sensitive ones, the cadre one and
    # 其他 stay with the union. The graduate union has a channel too.
    cats = {c.code: c for c in Category.objects.filter(union=union)}
    assert len(cats) == 13
    handler = {
        code: (c.default_handler.name if c.default_handler else None)
        for code, c in cats.items()
    }
    assert handler["food"] == handler["housing"] == "后勤处"
    assert handler["teaching"] == handler["exams"] == "教务处"
    assert (handler["fees"], handler["safety"], handler["network"]) == (
        "财务处",
        "保卫处",
        "网络信息中心",
    )
    for code in ("mental", "hardship", "harassment", "cadre", "other"):
        assert handler[code] is None, code
    assert Category.objects.filter(
        union__code=f"{SCHOOL_CODE}-YJSH", default_handler__isnull=False
    ).count() == len(demo.DEFAULT_HANDLERS)

    # The accounts: the rights officer, the office handlers, the named handler, the
    # student; every one recorded as the demo's (so `tongxue demo` runs again).
    users = {u.username: u for u in get_user_model().objects.all()}
    roles = set(
        RoleAssignment.objects.values_list(
            "user__username", "role", "organisation__name"
        )
    )
    assert ("rights", RoleKind.RIGHTS_OFFICER, "陇原大学学生会") in roles
    assert ("office", RoleKind.OFFICE_HANDLER, "后勤处") in roles
    named = NamedHandler.objects.get(union=union)
    assert named.user.username == "sensitive" and named.sensitive
    student = Person.objects.get(user__username="student")
    assert student.class_unit is not None
    assert users["rights"].check_password(DEMO_PASSWORD)
    assert users["student"].check_password(DEMO_PASSWORD)
    created = set(
        AuditEvent.objects.filter(action="demo.user_created").values_list(
            "target", flat=True
        )
    )
    assert created == set(users)
    assert not holds_other_data()
    # The cadre concerned raised nothing and supported nothing.
    assert not Person.objects.filter(ident="LYDX-HEAD", user__isnull=False).exists()

    # A term of concerns, every state of the lifecycle at once.
    concerns = Concern.objects.filter(union=union)
    states = Counter(concerns.values_list("status", flat=True))
    assert set(states) == set(ConcernStatus.values)
    assert states[ConcernStatus.CLOSED] >= 20
    ratings = Counter(
        concerns.filter(status=ConcernStatus.CLOSED).values_list("rating", flat=True)
    )
    assert {Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED, ""} <= set(ratings)
    assert concerns.filter(reopened_count=1).count() >= 4  # 重办
    assert concerns.filter(verified=True, rating="").exists()
    raised = sorted(localdate(r) for r in concerns.values_list("raised_at", flat=True))
    assert raised[0] <= AS_OF - dt.timedelta(days=100)
    assert raised[-1] == AS_OF
    assert concerns.filter(photos__isnull=False).distinct().count() == len(demo.PHOTOS)

    # Numbers follow the days they were raised.
    numbers = list(
        concerns.order_by("raised_at", "number").values_list("number", flat=True)
    )
    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))

    # Forwarded by the union to an office, and from one office to another.
    forwarded = ConcernEvent.objects.filter(
        concern__union=union, kind=EventKind.FORWARDED
    )
    assert forwarded.filter(from_org=union, to_org__kind=OrgKind.SCHOOL_OFFICE).exists()
    assert forwarded.filter(
        from_org__kind=OrgKind.SCHOOL_OFFICE, to_org__kind=OrgKind.SCHOOL_OFFICE
    ).exists()
    # Overdue and escalated by the periodic work: some concluded since, two still open
    # past a deadline, within the profile's share (1/5): the audit finds no RGT-1.
    escalated = concerns.filter(events__kind=EventKind.ESCALATED).distinct()
    assert escalated.filter(status=ConcernStatus.CLOSED).exists()
    late = concerns.filter(overdue_q(AS_OF))
    assert late.count() == 2
    assert set(late.values_list("handler", flat=True)) == {union.pk}  # 督办
    still_open = concerns.filter(
        status__in=(
            ConcernStatus.RECEIVED,
            ConcernStatus.IN_HAND,
            ConcernStatus.REOPENED,
        )
    ).count()
    assert late.count() * 5 <= still_open
    rules = {
        (f.organisation, f.rule)
        for f in audit_organisation(code=SCHOOL_CODE, as_of=AS_OF).findings
    }
    assert not {r for o, r in rules if r.startswith(("RGT-1", "CAD-8"))}
    # Merged duplicates: their supporters and author follow the first concern.
    for merged in concerns.filter(status=ConcernStatus.MERGED):
        into = merged.merged_into
        backers = set(
            Support.objects.filter(concern=into).values_list("user_id", flat=True)
        )
        assert merged.author_id in backers
        assert into.supporters == len(backers) >= 3
    assert concerns.filter(supporters__gte=5).count() >= 3
    # Anonymous (no author, a follow-up code), offline, sensitive and about a cadre.
    anonymous = concerns.filter(visibility=Visibility.ANONYMOUS)
    assert anonymous.count() >= 3
    assert not anonymous.filter(author__isnull=False).exists()
    assert not anonymous.filter(tracking_hash="").exists()
    assert set(
        concerns.exclude(channel=Channel.ONLINE).values_list("channel", flat=True)
    ) == {
        Channel.MAILBOX,
        Channel.RECEPTION,
        Channel.PHONE,
    }
    sensitive = concerns.filter(sensitive=True)
    assert sensitive.count() >= 4
    assert not sensitive.filter(visibility=Visibility.PUBLIC).exists()
    # answered within the sensitive deadlines (RGT-7): never escalated
    assert not sensitive.filter(events__kind=EventKind.ESCALATED).exists()
    assert concerns.filter(about_person__ident="LYDX-HEAD").count() == 1
    # The student of the console has one answer to rate, and concerns of their own.
    mine = concerns.filter(author__username="student")
    assert mine.count() == len(demo.STUDENT_TEXTS)
    assert mine.filter(status=ConcernStatus.ANSWERED, rating_due__gte=AS_OF).exists()

    # Through the services: each concern's first step, each act audited.
    assert (
        ConcernEvent.objects.filter(kind=EventKind.RAISED).count() == concerns.count()
    )
    actions = Counter(
        AuditEvent.objects.filter(action__startswith="voice.concern.").values_list(
            "action", flat=True
        )
    )
    for action in (
        "raise",
        "record_offline",
        "forward",
        "answer",
        "rate",
        "reopen",
        "merge",
        "escalate",
        "close_unrated",
        "withdraw",
        "verify",
    ):
        assert actions[f"voice.concern.{action}"] >= 1, action
    # … dated on their days: an answer is dated when it was given, in time or not.
    for c in concerns.exclude(answered_at=None):
        event = c.events.filter(kind=EventKind.ANSWERED).last()
        assert event is not None and event.at == c.answered_at

    # The public figures: 后勤处 handled concerns, and answered most of them in time.
    figures = {o.name: f for o, f in office_figures(union, today=AS_OF)}
    assert figures["后勤处"].received >= 8
    assert figures["后勤处"].on_time_rate is not None
    # the union's: every concern but the merged and withdrawn ones
    assert (
        figures["陇原大学学生会"].received
        == concerns.exclude(
            status__in=(ConcernStatus.MERGED, ConcernStatus.WITHDRAWN)
        ).count()
    )
    assert "/voice/LYDX-XSH/figures/" in summary

    # The console lists the channel's accounts (`tongxue up`, `tongxue demo`).
    accounts = {a.username: a for a in demo.voice_accounts()}
    assert list(accounts)[:3] == ["rights", "sensitive", "office"]
    assert accounts["office"].organisation_name == "后勤处"
    assert accounts["student"].role == "student"
    assert len(accounts) == 2 + len(demo.OFFICES) + 1

    # Idempotent: a second run adds nothing and records nothing.
    before = (
        Concern.objects.count(),
        Organisation.objects.count(),
        get_user_model().objects.count(),
        AuditEvent.objects.count(),
    )
    with override("en"):
        assert _seed() == "students' concerns already seeded"
    after = (
        Concern.objects.count(),
        Organisation.objects.count(),
        get_user_model().objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_without_the_demo_school_nothing_is_seeded() -> None:
    assert _seed() == ""
    assert not Concern.objects.exists()
    assert demo.voice_accounts() == []


def test_a_school_with_too_few_students_gets_the_channel_but_no_concerns() -> None:
    school = SchoolFactory(code=SCHOOL_CODE)
    union = OrganisationFactory(code=f"{SCHOOL_CODE}-XSH", parent=school)
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01", kind=OrgKind.DEPARTMENT_UNION, parent=union
    )
    for k in range(3):
        PersonFactory(ident=f"LYDX-P{k}", department=dept)
    assert "no concerns" in _seed()
    assert Organisation.objects.filter(kind=OrgKind.SCHOOL_OFFICE).count() == 7
    assert Category.objects.filter(union=union).count() == 13
    assert not Concern.objects.exists()


def test_the_province_opens_channels_at_most_other_universities() -> None:
    """Province scale: the other universities' school-level unions get the default
    categories, but about one in ten (planted RGT-1.no-channel); secondary schools
    none."""
    province = OrganisationFactory(
        code=PROVINCE_CODE, kind=OrgKind.PROVINCIAL_FEDERATION, parent=None
    )
    main = OrganisationFactory(
        code="U00-XSH", parent=SchoolFactory(code="U00", parent=province)
    )
    others = []
    for k in range(1, 31):
        school = SchoolFactory(code=f"U{k:02d}", parent=province)
        others.append(OrganisationFactory(code=f"U{k:02d}-XSH", parent=school))
    secondary = OrganisationFactory(
        code="M01-XSH",
        parent=SchoolFactory(
            code="M01", parent=province, school_type=SchoolType.MIDDLE_SCHOOL
        ),
    )
    opened = demo._other_channels(main, random.Random(demo.SEED))
    with_channel = {
        code
        for code in Category.objects.values_list("union__code", flat=True).distinct()
    }
    assert opened == len(with_channel)
    assert 20 <= opened < len(others)  # most, not all
    assert with_channel <= {u.code for u in others}
    assert secondary.code not in with_channel and main.code not in with_channel
