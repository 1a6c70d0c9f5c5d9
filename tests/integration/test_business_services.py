"""Services of a meeting's business: agenda, work report, charter motions, opinions,
standing delegates (CON-7, CON-8, CON-10, CON-13), each step's authorisation."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import MeetingFactory, PersonFactory
from tests.factories_business import CharterVersionFactory, union_with_congress
from tongxue.business import services
from tongxue.business.models import CharterVersion, MotionStatus, StandingDelegate
from tongxue.congresses.models import Meeting, MeetingKind
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def u():
    return union_with_congress()


def _refused(code: str, call, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.code
    return info.value


# -- agenda ------------------------------------------------------------------------


def test_a_manager_adds_agenda_items_in_order_with_an_audit_record(u):
    a = services.add_agenda_item(
        actor=u.admin, meeting=u.congress, kind="work_report", title="审议工作报告"
    )
    b = services.add_agenda_item(
        actor=u.admin, meeting=u.congress, kind="leadership", title="选举"
    )
    assert (a.position, b.position) == (1, 2)
    assert AuditEvent.objects.filter(action="business.add_agenda_item").count() == 2


@pytest.mark.parametrize("who", ["outsider", "dept_admin", None])
def test_only_a_manager_of_the_union_changes_the_agenda(u, who):
    from django.contrib.auth.models import AnonymousUser

    actor = getattr(u, who) if who else AnonymousUser()
    _refused(
        "forbidden",
        services.add_agenda_item,
        actor=actor,
        meeting=u.congress,
        kind="other",
        title="x",
    )
    item = services.add_agenda_item(
        actor=u.admin, meeting=u.congress, kind="other", title="x"
    )
    _refused("forbidden", services.remove_agenda_item, actor=actor, item=item)


@pytest.mark.parametrize("kind", ["rights_case", "event", "daily_work"])
def test_a_standing_conference_refuses_executive_items_citing_con_10(u, kind):
    meeting = MeetingFactory(
        organisation=u.union, kind=MeetingKind.STANDING_CONFERENCE, code="BSC1"
    )
    refusal = _refused(
        "CON-10.executive-item",
        services.add_agenda_item,
        actor=u.admin,
        meeting=meeting,
        kind=kind,
        title="处理某同学投诉",
    )
    assert refusal.requirement == "CON-10"
    assert refusal.clauses == ("GS-8",)  # the governing plan's (gansu-2017) only


@pytest.mark.parametrize(
    "kind", ["supervision", "charter_implementation", "work_report", "leadership"]
)
def test_a_standing_conference_supervises_reviews_and_decides_leadership(u, kind):
    meeting = MeetingFactory(
        organisation=u.union, kind=MeetingKind.STANDING_CONFERENCE, code="BSC1"
    )
    item = services.add_agenda_item(
        actor=u.admin, meeting=meeting, kind=kind, title="议程"
    )
    assert item.pk


def test_a_congress_may_hold_any_item(u):
    item = services.add_agenda_item(
        actor=u.admin, meeting=u.congress, kind="charter_amendment", title="修改章程"
    )
    assert item.kind == "charter_amendment"


# -- work report -------------------------------------------------------------------


def test_reviewing_the_work_report_sets_the_meeting_flag_read_by_con_13(u):
    report = services.submit_work_report(
        actor=u.admin,
        meeting=u.congress,
        title="工作报告",
        text="一年来……",
        attachment=b"%PDF-1.4",
        attachment_name="报告.pdf",
    )
    assert u.congress.agenda_items.filter(kind="work_report").exists()
    assert not Meeting.objects.get(pk=u.congress.pk).work_report
    services.review_work_report(
        actor=u.admin, report=report, yes=4, no=1, abstain=1, method="votes_cast"
    )
    report.refresh_from_db()
    assert (report.yes, report.no, report.abstain, report.passed) == (4, 1, 1, True)
    assert report.base == 6
    assert Meeting.objects.get(pk=u.congress.pk).work_report
    _refused(
        "reviewed",
        services.review_work_report,
        actor=u.admin,
        report=report,
        yes=1,
        no=0,
        abstain=0,
        method="votes_cast",
    )
    _refused("reviewed", services.withdraw_work_report, actor=u.admin, report=report)


def test_a_report_failing_its_vote_was_still_reviewed(u):
    report = services.submit_work_report(
        actor=u.admin, meeting=u.congress, title="工作报告", text="……"
    )
    # 3 of 6 is exactly half: "more than half" is not reached.
    services.review_work_report(
        actor=u.admin, report=report, yes=3, no=3, abstain=0, method="votes_cast"
    )
    report.refresh_from_db()
    assert report.passed is False
    assert Meeting.objects.get(pk=u.congress.pk).work_report


def test_delegate_thresholds_use_the_delegates_of_the_meeting(u):
    # 6 delegates: two thirds is 4.
    report = services.submit_work_report(
        actor=u.admin, meeting=u.congress, title="工作报告", text="……"
    )
    _refused(
        "too-many-votes",
        services.review_work_report,
        actor=u.admin,
        report=report,
        yes=7,
        no=0,
        abstain=0,
        method="delegates_two_thirds",
    )
    services.review_work_report(
        actor=u.admin,
        report=report,
        yes=4,
        no=0,
        abstain=0,
        method="delegates_two_thirds",
    )
    report.refresh_from_db()
    assert (report.base, report.passed) == (6, True)


def test_only_managers_submit_review_or_withdraw_a_report(u):
    _refused(
        "forbidden",
        services.submit_work_report,
        actor=u.outsider,
        meeting=u.congress,
        title="t",
        text="x",
    )
    report = services.submit_work_report(
        actor=u.admin, meeting=u.congress, title="t", text="x"
    )
    _refused(
        "forbidden",
        services.review_work_report,
        actor=u.dept_admin,
        report=report,
        yes=1,
        no=0,
        abstain=0,
        method="votes_cast",
    )
    _refused(
        "forbidden", services.withdraw_work_report, actor=u.outsider, report=report
    )
    services.withdraw_work_report(actor=u.admin, report=report)
    _refused(
        "too-large",
        services.submit_work_report,
        actor=u.admin,
        meeting=u.congress,
        title="t",
        text="x",
        attachment=b"0" * (services.MAX_ATTACHMENT_BYTES + 1),
        attachment_name="big.pdf",
    )


def test_one_report_per_meeting(u):
    services.submit_work_report(actor=u.admin, meeting=u.congress, title="t", text="x")
    _refused(
        "exists",
        services.submit_work_report,
        actor=u.admin,
        meeting=u.congress,
        title="t",
        text="x",
    )


# -- charter -----------------------------------------------------------------------


def test_an_adopted_amendment_becomes_the_next_version_and_history_is_kept(u):
    v1 = CharterVersionFactory(union=u.union)
    motion = services.propose_charter_motion(
        actor=u.admin,
        meeting=u.congress,
        kind="amendment",
        title="修改第二条",
        text=v1.text.replace("服务同学", "全心全意服务同学"),
    )
    assert motion.base_version == v1
    services.record_motion_vote(
        actor=u.admin,
        motion=motion,
        yes=5,
        no=1,
        abstain=0,
        method="delegates_two_thirds",
    )
    motion.refresh_from_db()
    assert motion.status == MotionStatus.PASSED
    versions = list(CharterVersion.objects.filter(union=u.union).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert "全心全意" in versions[1].text and versions[1].motion == motion


def test_a_rejected_motion_leaves_the_charter_as_it_was(u):
    v1 = CharterVersionFactory(union=u.union)
    motion = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="amendment", title="t", text="新文本"
    )
    # 3 of 6 delegates is less than two thirds (4).
    services.record_motion_vote(
        actor=u.admin,
        motion=motion,
        yes=3,
        no=3,
        abstain=0,
        method="delegates_two_thirds",
    )
    motion.refresh_from_db()
    assert motion.status == MotionStatus.REJECTED
    assert list(CharterVersion.objects.filter(union=u.union)) == [v1]
    _refused(
        "decided",
        services.record_motion_vote,
        actor=u.admin,
        motion=motion,
        yes=6,
        no=0,
        abstain=0,
        method="votes_cast",
    )


def test_an_amendment_needs_a_charter_and_a_stale_motion_is_refused(u):
    _refused(
        "no-charter",
        services.propose_charter_motion,
        actor=u.admin,
        meeting=u.congress,
        kind="amendment",
        title="t",
        text="x",
    )
    first = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="adoption", title="通过章程", text="甲"
    )
    second = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="adoption", title="另一稿", text="乙"
    )
    services.record_motion_vote(
        actor=u.admin, motion=first, yes=5, no=0, abstain=0, method="votes_cast"
    )
    _refused(
        "stale",
        services.record_motion_vote,
        actor=u.admin,
        motion=second,
        yes=5,
        no=0,
        abstain=0,
        method="votes_cast",
    )


def test_a_standing_conference_cannot_amend_the_charter(u):
    meeting = MeetingFactory(
        organisation=u.union, kind=MeetingKind.STANDING_CONFERENCE, code="BSC1"
    )
    CharterVersionFactory(union=u.union)
    _refused(
        "CON-10.congress-business",
        services.propose_charter_motion,
        actor=u.admin,
        meeting=meeting,
        kind="amendment",
        title="t",
        text="x",
    )


def test_only_managers_propose_and_vote_on_motions(u):
    _refused(
        "forbidden",
        services.propose_charter_motion,
        actor=u.outsider,
        meeting=u.congress,
        kind="adoption",
        title="t",
        text="x",
    )
    motion = services.propose_charter_motion(
        actor=u.admin, meeting=u.congress, kind="adoption", title="t", text="x"
    )
    _refused(
        "forbidden",
        services.record_motion_vote,
        actor=u.dept_admin,
        motion=motion,
        yes=5,
        no=0,
        abstain=0,
        method="votes_cast",
    )
    _refused(
        "forbidden",
        services.record_charter,
        actor=u.outsider,
        union=u.union,
        text="x",
        adopted_on=dt.date(2020, 1, 1),
    )


# -- opinions ----------------------------------------------------------------------


def test_students_submit_opinions_until_the_congress_opens(u, monkeypatch):
    monkeypatch.setattr(services.opinions, "_today", lambda: u.congress.opened)
    opinion = services.submit_opinion(
        actor=u.outsider, meeting=u.congress, text="食堂营业时间太短"
    )
    assert opinion.author == u.outsider
    monkeypatch.setattr(
        services.opinions, "_today", lambda: u.congress.opened + dt.timedelta(days=1)
    )
    _refused(
        "closed",
        services.submit_opinion,
        actor=u.outsider,
        meeting=u.congress,
        text="x",
    )


def test_an_anonymous_visitor_cannot_submit_an_opinion(u):
    from django.contrib.auth.models import AnonymousUser

    _refused(
        "forbidden",
        services.submit_opinion,
        actor=AnonymousUser(),
        meeting=u.congress,
        text="x",
    )


def test_managers_group_opinions_and_mark_them_carried(u, monkeypatch):
    monkeypatch.setattr(services.opinions, "_today", lambda: u.congress.opened)
    opinion = services.submit_opinion(actor=u.outsider, meeting=u.congress, text="x")
    _refused(
        "forbidden",
        services.create_opinion_group,
        actor=u.outsider,
        meeting=u.congress,
        title="后勤",
    )
    group = services.create_opinion_group(
        actor=u.admin, meeting=u.congress, title="后勤"
    )
    _refused(
        "forbidden",
        services.group_opinion,
        actor=u.outsider,
        opinion=opinion,
        group=group,
    )
    services.group_opinion(actor=u.admin, opinion=opinion, group=group)
    _refused(
        "forbidden",
        services.carry_opinion_group,
        actor=u.outsider,
        group=group,
        proposal="p",
    )
    services.carry_opinion_group(
        actor=u.admin, group=group, proposal="延长食堂营业时间"
    )
    group.refresh_from_db()
    assert group.carried and group.opinions.get() == opinion


# -- standing delegates ------------------------------------------------------------


def test_a_department_recommends_its_own_congress_delegate(u):
    person = u.delegates_a[0]
    standing = services.recommend_standing_delegate(
        actor=u.dept_admin, union=u.union, department=u.dept_a, person=person
    )
    assert standing.congress == u.congress
    _refused(
        "exists",
        services.recommend_standing_delegate,
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_a,
        person=person,
    )


def test_anyone_who_is_not_a_congress_delegate_is_refused_citing_con_8(u):
    stranger = PersonFactory(ident="BX1", department=u.dept_a)
    refusal = _refused(
        "CON-8.not-a-delegate",
        services.recommend_standing_delegate,
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_a,
        person=stranger,
    )
    assert refusal.requirement == "CON-8"


def test_a_delegate_of_an_older_congress_is_refused(u):
    newer = MeetingFactory(
        organisation=u.union,
        kind=MeetingKind.CONGRESS,
        code="BC2",
        opened=u.congress.opened + dt.timedelta(days=400),
    )
    assert services.latest_congress(u.union) == newer
    _refused(
        "CON-8.not-a-delegate",
        services.recommend_standing_delegate,
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_a,
        person=u.delegates_a[0],
    )


def test_a_department_cannot_recommend_another_departments_delegate(u):
    # Even the union admin cannot file dept B's delegate under dept A.
    _refused(
        "CON-8.other-department",
        services.recommend_standing_delegate,
        actor=u.admin,
        union=u.union,
        department=u.dept_a,
        person=u.delegates_b[0],
    )
    # and dept A's admin may not act for dept B at all.
    _refused(
        "forbidden",
        services.recommend_standing_delegate,
        actor=u.dept_admin,
        union=u.union,
        department=u.dept_b,
        person=u.delegates_b[0],
    )


def test_ending_a_term_needs_the_departments_manager(u):
    standing = services.recommend_standing_delegate(
        actor=u.admin, union=u.union, department=u.dept_b, person=u.delegates_b[0]
    )
    _refused(
        "forbidden",
        services.end_standing_delegate,
        actor=u.dept_admin,
        standing=standing,
    )
    services.end_standing_delegate(actor=u.admin, standing=standing)
    assert StandingDelegate.objects.get().ended_on is not None


def test_only_managers_hide_opinions_and_a_reason_is_required(u, monkeypatch):
    monkeypatch.setattr(services.opinions, "_today", lambda: u.congress.opened)
    opinion = services.submit_opinion(actor=u.outsider, meeting=u.congress, text="x")
    _refused(
        "forbidden",
        services.hide_opinion,
        actor=u.outsider,
        opinion=opinion,
        reason="r",
    )
    _refused(
        "required", services.hide_opinion, actor=u.admin, opinion=opinion, reason=" "
    )
    services.hide_opinion(actor=u.admin, opinion=opinion, reason="广告")
    assert AuditEvent.objects.filter(action="business.hide_opinion").exists()


def test_a_department_of_another_union_is_refused(u):
    other = union_with_congress(prefix="Z")
    _refused(
        "invalid",
        services.recommend_standing_delegate,
        actor=None,
        union=u.union,
        department=other.dept_a,
        person=other.delegates_a[0],
    )
