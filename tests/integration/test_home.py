"""The home (我的): what awaits a student, each item on both sides of its condition.

Votes open for them (not cast, not closed, not someone else's), ratings and 述职 due
in open periods, notices of their own organisations, their coming congress, a cadre's
exit case and messages; deadlines in order and in words (zh and en); sign-in lands on
it; a student's home stays at a fixed number of queries whatever the data.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from tests.factories import (
    DelegateFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)
from tests.factories_voting import build_voting
from tongxue.accounts.selectors import (
    HomeItem,
    due_in_words,
    my_home,
    shown,
)
from tongxue.cadres.models import ExitCase, ExitGround, ExitState, RelayMessage
from tongxue.congresses.models import MeetingStatus
from tongxue.elections.models import ElectionStatus, VotingMode
from tongxue.evaluations.models import (
    EvaluationPeriod,
    Kind,
    Participation,
    PeriodStatus,
    Rater,
    RaterGroup,
    Subject,
)
from tongxue.organisations.models import OrgKind, Role
from tongxue.publicity.models import Notice, Objection
from tongxue.voting import services as voting

pytestmark = pytest.mark.django_db

ME = "/people/me/"


def today() -> dt.date:
    return timezone.localdate()


def kinds(html: str) -> list[str]:
    """The kinds of the items on the home, in the order shown (without the entry every
    student has, "raise a concern" of #17: tests/integration/test_voice_pages.py)."""
    found = re.findall(r'<li class="home-item[^"]*" data-kind="([^"]+)"', html)
    return [k for k in found if k != "voice-raise"]


def home(client, user, language: str = "zh-hans") -> str:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    r = client.get(ME)
    assert r.status_code == 200
    return r.content.decode()


class Student:
    """A delegate student of a union with an open vote, in a class of a department."""

    def __init__(self, prefix: str) -> None:
        self.v = build_voting(prefix=prefix, voters=2)
        voting.open_vote(actor=self.v.admin, election=self.v.election)
        self.union = self.v.union
        self.dept = OrganisationFactory(
            code=f"{prefix}DSU",
            name=f"{prefix}法学院学生会",
            kind=OrgKind.DEPARTMENT_UNION,
            parent=self.union,
        )
        self.klass = OrganisationFactory(
            code=f"{prefix}CL1",
            name=f"{prefix}法学1班",
            kind=OrgKind.CLASS_COMMITTEE,
            parent=self.dept,
        )
        self.user = self.v.voters[0]
        self.person = self.user.person
        self.person.department = self.dept
        self.person.class_unit = self.klass
        self.person.save(update_fields=["department", "class_unit"])

    def period(
        self, *, end_in: int = 10, status: str = PeriodStatus.OPEN
    ) -> EvaluationPeriod:
        return EvaluationPeriod.objects.create(
            organisation=self.union,
            code=f"S{EvaluationPeriod.objects.count()}",
            name="2026秋季学期",
            start=today() - dt.timedelta(days=60),
            end=today() + dt.timedelta(days=end_in),
            status=status,
        )

    def cadre_subject(
        self, period: EvaluationPeriod, kind: str = Kind.EVALUATION
    ) -> Subject:
        post = PositionFactory(
            organisation=self.union,
            person=PersonFactory(),
            role=Role.VICE_PRESIDENT,
            title="副主席",
        )
        filed = timezone.now() if kind == Kind.REPORT else None
        return Subject.objects.create(
            period=period, kind=kind, position=post, filed_at=filed
        )


# --- sign-in, empty home, header ------------------------------------------------------


def test_sign_in_lands_on_the_home(client) -> None:
    UserFactory(username="lands")
    r = client.post(
        reverse("login"),
        {"username": "lands", "password": "correct horse battery staple"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("accounts:me") == ME


def test_an_empty_home_says_nothing_waits_in_both_languages(client) -> None:
    user = UserFactory(username="calm")
    html = home(client, user)
    assert 'id="home-empty"' in html and "目前没有等待你处理的事项" in html
    assert "<h1>我的</h1>" in html and 'id="my-account-link"' in html
    html = home(client, user, "en")
    assert "Nothing is waiting for you" in html and "<h1>Mine</h1>" in html
    assert kinds(html) == []


def test_the_header_is_light_on_a_phone_and_guards_the_inbox(client) -> None:
    html = home(client, UserFactory(username="header"))
    # The language switch submits on change from a static script (CSP: no inline JS).
    assert "data-autosubmit" in html and "core/autosubmit.js" in html
    assert "onchange" not in html
    # Signing out stays reachable: in the header and in the home's account section.
    assert html.count('action="/accounts/logout/"') == 2
    assert 'id="unread-badge"' not in html  # nothing unread: no badge


def test_the_header_badge_counts_unread_notifications_and_opens_the_inbox(
    client,
) -> None:
    try:
        inbox = reverse("notifications:inbox")
    except NoReverseMatch:  # the page works before the inbox exists
        pytest.skip("no notifications inbox installed")
    from django.apps import apps

    notification = apps.get_model("notifications", "Notification")
    user = UserFactory(username="badge")
    for _ in range(3):
        notification.objects.create(user=user, kind="test")
    html = home(client, user)
    badge = re.search(
        r'<a class="unread-badge" id="unread-badge" href="([^"]+)">(.*?)</a>', html
    )
    assert badge is not None and badge.group(1) == inbox
    assert '<span aria-hidden="true">3</span>' in badge.group(2)
    assert "3 条未读通知" in badge.group(2)
    notification.objects.update(read_at=timezone.now())
    assert 'id="unread-badge"' not in home(client, user)


# --- votes ---------------------------------------------------------------------------


def test_an_open_vote_shows_until_cast_with_one_tap_to_the_ballot(client) -> None:
    s = Student("HV")
    ballot = reverse("voting:ballot", args=[s.v.election.code])
    html = home(client, s.user)
    assert kinds(html).count("vote") == 1 and f'href="{ballot}"' in html
    assert 'data-kind="vote" data-urgent="true"' in html  # it closes in the session
    assert s.v.election.title in html and s.union.name in html
    voting.cast(voter=s.user, election_code=s.v.election.code, marks=["1", "0", "0"])
    assert "vote" not in kinds(home(client, s.user))
    # The other voter still has it; a signed-in non-delegate never does.
    assert "vote" in kinds(home(client, s.v.voters[1]))
    outsider = PersonFactory(user=s.v.outsider)
    DelegateFactory(person=outsider)  # a delegate elsewhere: on no roll of this vote
    assert "vote" not in kinds(home(client, s.v.outsider))


def test_a_closed_or_paper_vote_is_not_offered(client) -> None:
    s = Student("HC")
    voting.close_vote(actor=s.v.admin, election=s.v.election)
    assert "vote" not in kinds(home(client, s.user))
    paper = build_voting(prefix="HP", voters=1, mode=VotingMode.PAPER)
    paper.election.status = ElectionStatus.OPEN
    paper.election.save(update_fields=["status"])
    assert "vote" not in kinds(home(client, paper.voters[0]))


# --- evaluations and 述职 -------------------------------------------------------------


def test_ratings_to_give_show_while_some_are_left_and_the_period_is_open(
    client,
) -> None:
    s = Student("HE")
    p = s.period(end_in=20)
    a, b = s.cadre_subject(p), s.cadre_subject(p)
    rater = Rater.objects.create(
        period=p, kind=Kind.EVALUATION, person=s.person, group=RaterGroup.STUDENT
    )
    html = home(client, s.user)
    assert "rate-cadres" in kinds(html) and "还有 2 名干部待测评" in html
    assert f'datetime="{p.end.isoformat()}"' in html and "还有 20 天" in html
    Participation.objects.create(subject=a, rater=rater)
    assert "还有 1 名干部待测评" in home(client, s.user)
    Participation.objects.create(subject=b, rater=rater)
    assert "rate-cadres" not in kinds(home(client, s.user))
    # Not on the list: nothing; the list of a closed period: nothing.
    other = Student("HF")
    assert "rate-cadres" not in kinds(home(client, other.user))
    q = other.period(status=PeriodStatus.CLOSED)
    other.cadre_subject(q)
    Rater.objects.create(
        period=q, kind=Kind.EVALUATION, person=other.person, group=RaterGroup.STUDENT
    )
    assert "rate-cadres" not in kinds(home(client, other.user))


def test_reports_wait_for_rating_only_once_filed(client) -> None:
    s = Student("HR")
    p = s.period()
    Rater.objects.create(
        period=p, kind=Kind.REPORT, person=s.person, group=RaterGroup.DELEGATE
    )
    unfiled = s.cadre_subject(p, Kind.REPORT)
    unfiled.filed_at = None
    unfiled.save(update_fields=["filed_at"])
    assert "rate-reports" not in kinds(home(client, s.user))
    s.cadre_subject(p, Kind.REPORT)
    html = home(client, s.user, "en")
    assert "rate-reports" in kinds(html) and "1 filed report is waiting" in html


def test_a_presidium_member_files_the_semesters_report(client) -> None:
    s = Student("HS")
    p = s.period(end_in=1)
    post = PositionFactory(
        organisation=s.union, person=s.person, role=Role.PRESIDENT, title="主席"
    )
    subject = Subject.objects.create(period=p, kind=Kind.REPORT, position=post)
    html = home(client, s.user)
    assert "file-report" in kinds(html) and "明天截止" in html
    assert f'href="{reverse("evaluations:report", args=[subject.pk])}"' in html
    assert 'data-kind="file-report" data-urgent="true"' in html  # within 48 hours
    subject.filed_at = timezone.now()
    subject.save(update_fields=["filed_at"])
    assert "file-report" not in kinds(home(client, s.user))


# --- notices ---------------------------------------------------------------------------


def notice(org, *, starts: int = -1, ends: int = 5, title: str = "公示") -> Notice:  # type: ignore[no-untyped-def]
    return Notice.objects.create(
        organisation=org,
        subject_type="test.subject",
        subject_id=1,
        kind="test",
        title=title,
        body="正文",
        starts=today() + dt.timedelta(days=starts),
        ends=today() + dt.timedelta(days=ends),
        working_days=5,
    )


def test_notices_of_the_students_own_organisations_show_while_open(client) -> None:
    s = Student("HN")
    Notice.objects.all().delete()  # the vote's candidate list: its own test below
    mine = notice(s.dept, title="法学院学生会干部公示")
    above = notice(s.v.union.parent, title="学校公示")
    elsewhere = Student("HO")
    notice(elsewhere.dept, title="别的学院公示")
    notice(s.klass, ends=-1, title="已结束公示", starts=-8)
    notice(s.klass, starts=2, title="未开始公示")
    withdrawn = notice(s.klass, title="已撤回公示")
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save(update_fields=["withdrawn_at"])
    html = home(client, s.user)
    assert kinds(html).count("notice") == 2
    assert "法学院学生会干部公示" in html and "学校公示" in html
    assert "别的学院公示" not in html and "已结束公示" not in html
    assert "未开始公示" not in html and "已撤回公示" not in html
    assert reverse("publicity:detail", args=[mine.pk]) in html
    # Once the student objected, the notice no longer waits for them.
    Objection.objects.create(notice=above, lodged_by=s.user, text="有异议")
    assert kinds(home(client, s.user)).count("notice") == 1


# --- congresses, cadres -----------------------------------------------------------------


def test_a_delegate_sees_the_congress_still_to_come(client) -> None:
    s = Student("HG")
    coming = MeetingFactory(
        organisation=s.union,
        status=MeetingStatus.PLANNED,
        opened=today() + dt.timedelta(days=3),
    )
    DelegateFactory(meeting=coming, person=s.person)
    past = MeetingFactory(organisation=s.union, opened=today() - dt.timedelta(days=30))
    DelegateFactory(meeting=past, person=s.person)
    html = home(client, s.user)
    assert kinds(html).count("congress") == 1
    assert reverse("congresses:detail", args=[s.union.code, coming.code]) in html
    assert reverse("congresses:detail", args=[s.union.code, past.code]) not in html
    assert "还有 3 天" in html


def test_a_cadre_sees_their_exit_case_and_unread_messages(client) -> None:
    s = Student("HX")
    post = PositionFactory(organisation=s.dept, person=s.person, title="权益部干事")
    case = ExitCase.objects.create(
        position=post,
        ground=ExitGround.OTHER,
        evidence="记录",
        state=ExitState.NOTIFIED,
        notified_at=timezone.now(),
    )
    message = RelayMessage.objects.create(
        position=post, sender=UserFactory(), text="你好"
    )
    html = home(client, s.user)
    assert {"exit-statement", "relay"} <= set(kinds(html))
    assert reverse("cadres:exit", args=[case.pk]) in html
    assert reverse("cadres:me") in html
    case.statement_at = timezone.now()
    case.save(update_fields=["statement_at"])
    message.read_at = timezone.now()
    message.save(update_fields=["read_at"])
    html = home(client, s.user)
    assert "exit-statement" not in kinds(html) and "relay" not in kinds(html)
    # Published with an appeal window: the cadre may appeal until its last day.
    case.state = ExitState.PUBLISHED
    case.appeal_until = today() + dt.timedelta(days=4)
    case.save(update_fields=["state", "appeal_until"])
    assert "exit-appeal" in kinds(home(client, s.user))
    case.appeal_until = today() - dt.timedelta(days=1)
    case.save(update_fields=["appeal_until"])
    assert "exit-appeal" not in kinds(home(client, s.user))


# --- order, words ---------------------------------------------------------------------------


def test_items_are_ordered_by_deadline_undated_last() -> None:
    now = timezone.now()
    d = today()
    items = shown(
        [
            HomeItem("a", "undated", "why", None, "/a/"),
            HomeItem("b", "in ten days", "why", d + dt.timedelta(days=10), "/b/"),
            HomeItem("c", "in two hours", "why", now + dt.timedelta(hours=2), "/c/"),
            HomeItem("d", "overdue", "why", d - dt.timedelta(days=2), "/d/"),
            HomeItem("e", "in three days", "why", d + dt.timedelta(days=3), "/e/"),
            HomeItem("f", "undated, urgent", "why", None, "/f/", urgent=True),
        ],
        now,
    )
    # Urgent first (an open vote has no date but can be done now), then by deadline.
    assert [i.kind for i in items] == ["d", "c", "f", "e", "b", "a"]
    assert [i.urgent for i in items] == [True, True, True, False, False, False]
    assert items[0].overdue and not items[1].overdue


def test_deadlines_in_words_in_both_languages() -> None:
    now = timezone.now()
    d = timezone.localdate(now)
    cases = {
        d: ("今天截止", "due today"),
        d + dt.timedelta(days=1): ("明天截止", "due tomorrow"),
        d + dt.timedelta(days=3): ("还有 3 天", "due in 3 days"),
        d - dt.timedelta(days=2): ("已逾期 2 天", "2 days overdue"),
        now + dt.timedelta(hours=5, minutes=10): ("还有 5 小时", "due in 5 hours"),
        now + dt.timedelta(minutes=30): ("还有 30 分钟", "due in 30 minutes"),
    }
    for due, (zh, en) in cases.items():
        with translation.override("zh-hans"):
            assert due_in_words(due, now) == zh
        with translation.override("en"):
            assert due_in_words(due, now) == en
    assert due_in_words(None, now) == ""


def test_the_home_lists_everything_soonest_first(client) -> None:
    s = Student("HZ")
    p = s.period(end_in=30)
    s.cadre_subject(p)
    Rater.objects.create(
        period=p, kind=Kind.EVALUATION, person=s.person, group=RaterGroup.STUDENT
    )
    coming = MeetingFactory(
        organisation=s.union,
        status=MeetingStatus.PLANNED,
        opened=today() + dt.timedelta(days=40),
    )
    DelegateFactory(meeting=coming, person=s.person)
    html = home(client, s.user, "en")
    # The open vote is urgent (it can be cast now) though it has no deadline of its
    # own; then the candidate-list notice ends within days, the rating in 30, the
    # congress in 40.
    assert kinds(html) == ["vote", "notice", "rate-cadres", "congress"]
    account = my_home(s.user)
    dues = [i.due_at for i in account.items if i.due_at is not None]
    assert dues == sorted(dues)


# --- queries ------------------------------------------------------------------------------


def enrich(s: Student) -> None:
    """Everything a student's home shows: rating, 述职, notice, congress, cadre."""
    p = s.period()
    s.cadre_subject(p)
    Rater.objects.create(
        period=p, kind=Kind.EVALUATION, person=s.person, group=RaterGroup.STUDENT
    )
    post = PositionFactory(organisation=s.union, person=s.person, role=Role.PRESIDENT)
    Subject.objects.create(period=p, kind=Kind.REPORT, position=post)
    RelayMessage.objects.create(position=post, sender=UserFactory(), text="你好")
    notice(s.klass)
    coming = MeetingFactory(
        organisation=s.union,
        status=MeetingStatus.PLANNED,
        opened=today() + dt.timedelta(days=9),
    )
    DelegateFactory(meeting=coming, person=s.person)


def count_home(client, user) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    client.get(ME)  # warm: the session's first save, caches
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(ME).content.decode()
    return len(ctx.captured_queries), kinds(html)


def test_a_students_home_runs_the_same_few_queries_whatever_the_data(client) -> None:
    plain = Student("QA")
    n_plain, shown_plain = count_home(client, plain.user)
    assert shown_plain == ["vote", "notice"]
    full = Student("QB")
    enrich(full)
    n_small, shown_small = count_home(client, full.user)
    assert set(shown_small) >= {"vote", "notice", "rate-cadres", "file-report", "relay"}
    for k in range(4):  # more schools, students, votes, periods, notices
        enrich(Student(f"QX{k}"))
    for k in range(3):  # more in the student's own union
        notice(full.dept, title=f"更多公示{k}")
        s2 = full.period()
        full.cadre_subject(s2)
        Rater.objects.create(
            period=s2,
            kind=Kind.EVALUATION,
            person=full.person,
            group=RaterGroup.STUDENT,
        )
    n_large, shown_large = count_home(client, full.user)
    assert n_large == n_small and len(shown_large) > len(shown_small)
    assert count_home(client, plain.user) == (n_plain, shown_plain)
    # Session, user, person, posts (with a cadre's messages and exit case), seats,
    # roles, the unread notifications of the header, and one query per source with
    # something to read: votes (delegates only), evaluations, notices (a class or
    # department), the federations' open consultations (a class or department,
    # 网上学联 RGT-5), the union's open surveys the student is asked in (TRN-2), the
    # ended projects the person owns, to conclude (ORG-11) — 13 at most, for a
    # delegate and cadre with everything.
    assert n_plain <= n_small <= 13, (n_plain, n_small)
