"""The concern services (RGT-1 … RGT-7, CAD-8): each one's refusals and success.

Deadlines on both sides of each limit with holidays and 调休, escalation once per
deadline (three workers at once on PostgreSQL), merge, 重办, unrated closing, photos,
the rate limit, and the audit log (no author of an anonymous concern, never the text).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone
from PIL import Image

from tests.factories import OrganisationFactory
from tests.factories_voice import build_voice_school, student
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.jobs import periodic as jobs_periodic
from tongxue.notifications.models import Notification
from tongxue.organisations.models import OrgKind
from tongxue.voice import access, selectors, services
from tongxue.voice.models import (
    Category,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    NamedHandler,
    Photo,
    RaiseCount,
    Support,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
#: 2026: National Day holidays, with two weekend days worked instead (调休).
HOLIDAYS = [f"2026-10-0{d}" for d in range(1, 8)]
EXTRA = ["2026-09-27", "2026-10-10"]
RAISED_ON = dt.date(2026, 9, 30)  # a Wednesday


@pytest.fixture
def vs():  # type: ignore[no-untyped-def]
    return build_voice_school()


def raise_(
    vs: Any,
    *,
    user: Any = None,
    code: str = "food",
    visibility: str = "public",
    today: dt.date | None = None,
    title: str = "食堂饭菜太咸",
    body: str = "二食堂的饭菜太咸了，请联系我 13812345678",
    **kw: Any,
) -> Any:
    return services.raise_concern(
        actor=user or vs.author,
        union=vs.union,
        category=vs.category(code),
        title=title,
        body=body,
        visibility=visibility,
        today=today,
        **kw,
    )


def fresh(concern: Concern) -> Concern:
    return Concern.objects.select_related("union", "handler", "category").get(
        pk=concern.pk
    )


def code_of(call: Any) -> str:
    with pytest.raises(Refusal) as e:
        call()
    return e.value.code


def notified(user: Any, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


# -- raise --------------------------------------------------------------------------------


def test_raise_refusals(vs):  # type: ignore[no-untyped-def]
    food = vs.category("food")

    def call(**kw: Any) -> str:
        args = {
            "actor": vs.author,
            "union": vs.union,
            "category": food,
            "title": "标题",
            "body": "内容",
            "visibility": "public",
        } | kw
        return code_of(lambda: services.raise_concern(**args))

    assert call(actor=AnonymousUser()) == "forbidden"
    assert call(actor=None) == "forbidden"
    assert call(union=vs.dept) == "not-a-union"
    other = build_voice_school(prefix="O")
    assert call(category=other.category("food")) == "invalid"
    assert call(union=other.union, category=other.category("food")) == "forbidden"
    Category.objects.filter(pk=food.pk).update(active=False)
    assert call(category=Category.objects.get(pk=food.pk)) == "invalid"
    Category.objects.filter(pk=food.pk).update(active=True)
    assert call(title="  ") == "required"
    assert call(title="长" * 121) == "too-long"
    assert call(body="") == "required"
    assert call(body="长" * 5001) == "too-long"
    assert call(visibility="everyone") == "invalid"
    assert call(category=vs.category("cadre")) == "required"
    assert call(category=vs.category("cadre"), about_person=vs.author.person) == (
        "invalid"  # not a cadre
    )
    assert (
        call(
            actor=vs.cadre, category=vs.category("cadre"), about_person=vs.cadre_person
        )
        == "invalid"  # about oneself
    )
    assert not Concern.objects.exists()
    assert not RaiseCount.objects.exists()


def test_raise_a_public_concern(vs):  # type: ignore[no-untyped-def]
    raised = raise_(vs, place="二食堂")
    c = fresh(raised.concern)
    assert raised.tracking_code is None
    assert c.number == 1 and c.status == ConcernStatus.RECEIVED
    assert c.author == vs.author and c.handler == vs.k1
    assert "13812345678" not in c.public_body and "***********" in c.public_body
    assert " 食堂 " in c.tokens and "13812345678" not in c.tokens
    assert raise_(vs, title="第二件").concern.number == 2
    event = ConcernEvent.objects.get(concern=c)
    assert (event.kind, event.to_org, event.actor) == (EventKind.RAISED, vs.k1, None)
    record = AuditEvent.objects.get(
        action="voice.concern.raise", target__contains="0001"
    )
    assert record.actor_id == vs.author.pk
    assert notified(vs.class_officer, "voice.concern_received") == 2
    assert notified(vs.union_officer, "voice.concern_received") == 0


def test_routing(vs):  # type: ignore[no-untyped-def]
    # no rights officer at the class: the department union takes it
    assert raise_(vs, user=vs.classmate).concern.handler == vs.k1
    k2_student = student(vs.k2, "k2-student")
    assert raise_(vs, user=k2_student).concern.handler == vs.dept
    # nobody at the class nor the department: the school union
    assert raise_(vs, user=vs.other).concern.handler == vs.union
    # the category's default handler first
    Category.objects.filter(union=vs.union, code="housing").update(
        default_handler=vs.office
    )
    assert raise_(vs, code="housing").concern.handler == vs.office
    # anonymous: never the student's own class
    assert raise_(vs, user=vs.classmate, visibility="anonymous").concern.handler == (
        vs.union
    )


def test_sensitive_and_cadre_concerns_are_never_public(vs):  # type: ignore[no-untyped-def]
    sensitive = fresh(raise_(vs, code="mental", visibility="public").concern)
    assert sensitive.visibility == "private" and sensitive.sensitive
    assert sensitive.handler == vs.union
    cadre = fresh(
        raise_(
            vs,
            code="cadre",
            visibility="public",
            about_person=vs.cadre_person,
            today=TODAY + dt.timedelta(days=1),
        ).concern
    )
    assert cadre.visibility == "private" and cadre.handler == vs.union
    # anonymous stays anonymous
    anon = raise_(vs, code="mental", visibility="anonymous").concern
    assert anon.visibility == "anonymous" and anon.author_id is None
    # the cadre concerned is told nothing, though a named handler and an officer
    assert notified(vs.named, "voice.concern_received") == 3
    assert notified(vs.cadre, "voice.concern_received") == 2  # the sensitive ones
    assert notified(vs.advisor, "voice.concern_received") == 1  # the cadre one
    assert notified(vs.union_officer, "voice.concern_received") == 0


def test_anonymous_concern_keeps_no_author_anywhere(vs):  # type: ignore[no-untyped-def]
    raised = raise_(vs, visibility="anonymous")
    c = fresh(raised.concern)
    assert c.author_id is None
    assert len(raised.tracking_code) == 14
    assert c.tracking_hash == access.hash_code(raised.tracking_code)
    assert access.code_matches(c, raised.tracking_code.lower().replace("-", " "))
    record = AuditEvent.objects.get(action="voice.concern.raise")
    assert record.actor_id is None and record.actor_label == "(withheld)"
    assert vs.author.get_username() not in json.dumps(record.data)
    assert str(vs.author.pk) not in json.dumps(record.data).replace(
        f'"concern": {c.pk}', ""
    )
    # counted for the rate limit, without a link to the concern
    assert RaiseCount.objects.get(user=vs.author, day=TODAY).count == 1
    # answered: the author is not told (there is no author)
    services.answer(actor=vs.union_officer, concern=c, text="已处理")
    assert notified(vs.author, "voice.concern_answered") == 0
    # the code holder rates it, recorded without anyone
    services.rate(
        concern=fresh(c), rating="satisfied", tracking_code=raised.tracking_code
    )
    rated = AuditEvent.objects.get(action="voice.concern.rate")
    assert rated.actor_id is None and rated.actor_label == "(withheld)"


def test_rate_limit_counts_every_visibility(vs):  # type: ignore[no-untyped-def]
    for visibility in ("public", "private", "anonymous", "anonymous", "public"):
        raise_(vs, visibility=visibility)
    assert code_of(lambda: raise_(vs, visibility="anonymous")) == "throttled"
    assert code_of(lambda: raise_(vs)) == "throttled"
    assert Concern.objects.count() == 5
    # another student, another day: their own counts
    raise_(vs, user=vs.classmate)
    raise_(vs, today=TODAY + dt.timedelta(days=1))
    assert RaiseCount.objects.get(user=vs.author, day=TODAY).count == 5


def test_limits_and_deadlines_come_from_the_governing_profile(vs, settings, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "busy-school.toml").write_text(
        '[profile]\ncode = "busy-school"\nextends = "gansu-2017"\n'
        "[parameters.concerns_per_day_max]\nvalue = 7\n"
        "[parameters.concern_acknowledge_working_days]\nvalue = 1\n"
        "[parameters.concern_answer_working_days]\nvalue = 3\n",
        encoding="utf-8",
    )
    settings.TONGXUE_PROFILE_DIRS = [str(tmp_path)]
    vs.school.profile = "busy-school"
    vs.school.save()
    c = raise_(vs, today=RAISED_ON).concern
    assert (c.acknowledge_due, c.answer_due) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 5),
    )
    for _ in range(7):
        raise_(vs)
    assert code_of(lambda: raise_(vs)) == "throttled"
    assert RaiseCount.objects.get(user=vs.author, day=TODAY).count == 7


# -- deadlines and escalation --------------------------------------------------------------


def test_deadlines_count_working_days_with_holidays_and_tiaoxiu(vs, settings):  # type: ignore[no-untyped-def]
    c = raise_(vs, today=RAISED_ON).concern
    assert (c.acknowledge_due, c.answer_due) == (
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 14),
    )
    settings.TONGXUE_HOLIDAYS = HOLIDAYS
    settings.TONGXUE_EXTRA_WORKING_DAYS = EXTRA
    c = raise_(vs, today=RAISED_ON).concern
    # 10-08 Thu, 10-09 Fri; then Sat 10-10 (调休) … 10-20
    assert (c.acknowledge_due, c.answer_due) == (
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 20),
    )
    sensitive = raise_(vs, code="mental", today=RAISED_ON).concern
    assert (sensitive.acknowledge_due, sensitive.answer_due) == (
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 13),
    )
    Category.objects.filter(union=vs.union, code="housing").update(
        acknowledge_days=3, answer_days=4
    )
    own = raise_(vs, code="housing", today=RAISED_ON).concern
    assert (own.acknowledge_due, own.answer_due) == (
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 12),
    )


def test_escalation_once_per_deadline_on_both_sides(vs, settings):  # type: ignore[no-untyped-def]
    settings.TONGXUE_HOLIDAYS = HOLIDAYS
    settings.TONGXUE_EXTRA_WORKING_DAYS = EXTRA
    c = raise_(vs, today=RAISED_ON).concern  # at the class: ack 10-09, answer 10-20
    assert services.escalate_overdue(today=dt.date(2026, 10, 9)) == 0  # due today
    assert services.escalate_overdue(today=dt.date(2026, 10, 10)) == 1
    c = fresh(c)
    assert c.handler == vs.dept and c.escalated_for == dt.date(2026, 10, 9)
    assert services.escalate_overdue(today=dt.date(2026, 10, 10)) == 0
    assert services.escalate_overdue(today=dt.date(2026, 10, 12)) == 0
    for user in (vs.class_officer, vs.dept_officer, vs.author):
        assert notified(user, "voice.concern_escalated") == 1
    assert notified(vs.union_officer, "voice.concern_escalated") == 0
    services.acknowledge(actor=vs.dept_officer, concern=c)
    assert services.escalate_overdue(today=dt.date(2026, 10, 20)) == 0
    assert services.escalate_overdue(today=dt.date(2026, 10, 21)) == 1
    c = fresh(c)
    assert c.handler == vs.union and c.escalated_for == dt.date(2026, 10, 20)
    assert services.escalate_overdue(today=dt.date(2026, 10, 30)) == 0
    steps = ConcernEvent.objects.filter(concern=c, kind=EventKind.ESCALATED)
    assert [(e.from_org, e.to_org, e.actor) for e in steps] == [
        (vs.k1, vs.dept, None),
        (vs.dept, vs.union, None),
    ]
    assert AuditEvent.objects.filter(action="voice.concern.escalate").count() == 2
    assert notified(vs.union_officer, "voice.concern_escalated") == 1


def test_escalation_at_the_top_stays_and_tells_the_league_advisor(vs):  # type: ignore[no-untyped-def]
    c = raise_(vs, code="mental", today=RAISED_ON).concern
    assert (
        services.escalate_overdue(today=c.acknowledge_due + dt.timedelta(days=7)) == 1
    )
    c = fresh(c)
    assert c.handler == vs.union and c.escalated_for == c.acknowledge_due
    assert notified(vs.advisor, "voice.concern_escalated") == 1
    assert notified(vs.named, "voice.concern_escalated") == 1
    assert notified(vs.union_officer, "voice.concern_escalated") == 0
    # an office's overdue concern goes to the school union (督办)
    other = raise_(vs, code="food", today=RAISED_ON).concern
    services.forward(actor=vs.class_officer, concern=other, to=vs.office)
    assert services.escalate_overdue(today=other.answer_due + dt.timedelta(days=1)) == 2
    assert fresh(other).handler == vs.union
    assert access.can_handle(vs.office_handler, fresh(other))  # the office still acts


@pytest.mark.django_db(transaction=True)
def test_three_workers_escalate_each_concern_once(monkeypatch):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    from tongxue.voice.services import periodic

    monkeypatch.setattr(periodic, "BATCH", 4)  # small batches: the workers interleave
    vs = build_voice_school(prefix="T")
    day = dt.date(2026, 3, 2)  # a Monday: acknowledge by 03-04, answer by 03-16
    count = 40
    for i in range(count):
        user = student(vs.k1 if i % 2 else vs.k2, f"t-student{i}")
        raise_(vs, user=user, today=day, title=f"问题{i}")

    def run(today: dt.date) -> list[int]:
        def work(_: int) -> int:
            try:
                return services.escalate_overdue(today=today)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=3) as pool:
            return list(pool.map(work, range(3)))

    # past the acknowledge deadline: each once, however the three share the work
    first = run(dt.date(2026, 3, 10))
    assert sum(first) == count, first
    assert run(dt.date(2026, 3, 10)) == [0, 0, 0]
    assert run(dt.date(2026, 3, 16)) == [0, 0, 0]
    # past the answer deadline too: once more each
    assert sum(run(dt.date(2026, 3, 17))) == count
    assert run(dt.date(2026, 3, 20)) == [0, 0, 0]
    steps = ConcernEvent.objects.filter(kind=EventKind.ESCALATED)
    assert steps.count() == 2 * count
    assert set(Concern.objects.values_list("escalated_for", flat=True)) == {
        dt.date(2026, 3, 16)
    }
    per_concern = {
        c: n for c, n in steps.values_list("concern").annotate(n=Count("pk"))
    }
    assert set(per_concern.values()) == {2}
    assert (
        AuditEvent.objects.filter(action="voice.concern.escalate").count() == 2 * count
    )


# -- handling -------------------------------------------------------------------------------


def test_acknowledge(vs):  # type: ignore[no-untyped-def]
    c = raise_(vs).concern
    for outsider in (
        vs.author,
        vs.other,
        vs.office_handler,
        vs.advisor,
        AnonymousUser(),
    ):
        assert code_of(lambda u=outsider: services.acknowledge(actor=u, concern=c)) == (
            "forbidden"
        )
    services.acknowledge(actor=vs.class_officer, concern=c)
    c = fresh(c)
    assert c.status == ConcernStatus.IN_HAND and c.acknowledged_at is not None
    event = ConcernEvent.objects.get(concern=c, kind=EventKind.ACKNOWLEDGED)
    assert event.actor == vs.class_officer
    assert code_of(lambda: services.acknowledge(actor=vs.class_officer, concern=c)) == (
        "invalid-transition"
    )


def test_forward(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    elsewhere = build_voice_school(prefix="E")
    club = OrganisationFactory(
        code="VCLUB", kind=OrgKind.CLUB, parent=vs.union, students_served=None
    )
    assert code_of(
        lambda: services.forward(actor=vs.other, concern=c, to=vs.office)
    ) == ("forbidden")
    for target in (vs.k1, elsewhere.office, elsewhere.union, club, vs.school):
        assert (
            code_of(
                lambda t=target: services.forward(
                    actor=vs.class_officer, concern=c, to=t
                )
            )
            == "invalid"
        )
    services.forward(
        actor=vs.class_officer, concern=c, to=vs.office, note="请后勤处处理"
    )
    c = fresh(c)
    assert c.handler == vs.office
    assert c.status == ConcernStatus.IN_HAND and c.acknowledged_at is not None
    step = ConcernEvent.objects.get(concern=c, kind=EventKind.FORWARDED)
    assert (step.from_org, step.to_org, step.actor) == (
        vs.k1,
        vs.office,
        vs.class_officer,
    )
    assert step.text == "请后勤处处理" and step.public_text == ""
    assert notified(vs.office_handler, "voice.concern_received") == 1
    # the office passes it on to the federation above the school (RGT-5)
    services.forward(actor=vs.office_handler, concern=c, to=vs.federation)
    assert fresh(c).handler == vs.federation
    assert AuditEvent.objects.filter(action="voice.concern.forward").count() == 2
    # a sensitive one stays with the named handlers
    s = fresh(raise_(vs, code="mental").concern)
    assert code_of(
        lambda: services.forward(actor=vs.named, concern=s, to=vs.office)
    ) == ("restricted")
    # an answered one no longer moves
    services.answer(actor=vs.union_officer, concern=c, text="已答复")
    assert (
        code_of(
            lambda: services.forward(
                actor=vs.union_officer, concern=fresh(c), to=vs.dept
            )
        )
        == "not-open"
    )


def test_answer(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    assert code_of(lambda: services.answer(actor=vs.other, concern=c, text="x")) == (
        "forbidden"
    )
    assert code_of(
        lambda: services.answer(actor=vs.class_officer, concern=c, text=" ")
    ) == ("required")
    services.answer(
        actor=vs.class_officer, concern=c, text="已经整改，电话 0931-8123456"
    )
    c = fresh(c)
    assert c.status == ConcernStatus.ANSWERED and c.answered_at is not None
    assert c.rating_due == timezone.localdate() + dt.timedelta(days=7)
    step = ConcernEvent.objects.get(concern=c, kind=EventKind.ANSWERED)
    assert "8123456" in step.text and "8123456" not in step.public_text
    assert notified(vs.author, "voice.concern_answered") == 1
    assert (
        code_of(
            lambda: services.answer(actor=vs.class_officer, concern=c, text="again")
        )
        == "invalid-transition"
    )


def test_rate_unsatisfied_reopens_once_then_closes(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    assert code_of(
        lambda: services.rate(concern=c, rating="satisfied", actor=vs.author)
    ) == ("not-answered")
    services.answer(actor=vs.class_officer, concern=c, text="已整改")
    c = fresh(c)
    assert code_of(
        lambda: services.rate(concern=c, rating="satisfied", actor=vs.other)
    ) == ("forbidden")
    assert code_of(
        lambda: services.rate(concern=c, rating="great", actor=vs.author)
    ) == ("invalid")
    assert code_of(
        lambda: services.rate(concern=c, rating="unsatisfied", actor=vs.author)
    ) == ("required")
    services.rate(concern=c, rating="unsatisfied", reason="还是很咸", actor=vs.author)
    c = fresh(c)
    assert c.status == ConcernStatus.REOPENED and c.reopened_count == 1
    assert c.answered_at is None and c.acknowledged_at is not None
    assert c.answer_due > timezone.localdate() and c.rating_due is None
    assert notified(vs.class_officer, "voice.concern_received") == 2
    services.answer(actor=vs.class_officer, concern=c, text="再次整改")
    services.rate(
        concern=fresh(c), rating="unsatisfied", reason="仍然不行", actor=vs.author
    )
    c = fresh(c)
    assert c.status == ConcernStatus.CLOSED and c.rating == "unsatisfied"
    assert c.reopened_count == 1 and c.closed_at is not None
    kinds = list(ConcernEvent.objects.filter(concern=c).values_list("kind", flat=True))
    assert kinds.count(EventKind.REOPENED) == 1 and kinds[-1] == EventKind.CLOSED


def test_rate_satisfied_closes(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    services.answer(actor=vs.class_officer, concern=c, text="已整改")
    services.rate(concern=fresh(c), rating="basically", actor=vs.author)
    c = fresh(c)
    assert (c.status, c.rating) == (ConcernStatus.CLOSED, "basically")
    record = AuditEvent.objects.get(action="voice.concern.rate")
    assert record.actor_id == vs.author.pk and record.data["to"] == "closed"


def test_withdraw(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    assert code_of(lambda: services.withdraw(concern=c, actor=vs.other)) == "forbidden"
    assert code_of(lambda: services.withdraw(concern=c, actor=vs.class_officer)) == (
        "forbidden"
    )
    services.withdraw(concern=c, actor=vs.author)
    assert fresh(c).status == ConcernStatus.WITHDRAWN
    raised = raise_(vs, visibility="anonymous")
    assert (
        code_of(
            lambda: services.withdraw(
                concern=raised.concern, tracking_code="AAAA-BBBB-CCCC"
            )
        )
        == "forbidden"
    )
    services.withdraw(concern=raised.concern, tracking_code=raised.tracking_code)
    assert fresh(raised.concern).status == ConcernStatus.WITHDRAWN
    answered = fresh(raise_(vs).concern)
    services.answer(actor=vs.class_officer, concern=answered, text="好")
    assert code_of(
        lambda: services.withdraw(concern=fresh(answered), actor=vs.author)
    ) == ("invalid-transition")


def test_close_unrated_after_the_last_day_to_rate(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    services.answer(actor=vs.class_officer, concern=c, text="已整改")
    due = fresh(c).rating_due
    assert services.remind_rating(today=due - dt.timedelta(days=2)) == 0
    assert services.remind_rating(today=due - dt.timedelta(days=1)) == 1
    assert services.remind_rating(today=due) == 0  # once per deadline
    assert notified(vs.author, "voice.concern_rate_reminder") == 1
    assert services.close_unrated(today=due) == 0
    assert fresh(c).status == ConcernStatus.ANSWERED
    assert services.close_unrated(today=due + dt.timedelta(days=1)) == 1
    c = fresh(c)
    assert (c.status, c.rating) == (ConcernStatus.CLOSED, "")
    assert services.close_unrated(today=due + dt.timedelta(days=2)) == 0
    assert AuditEvent.objects.filter(action="voice.concern.close_unrated").count() == 1


def test_merge_carries_the_supporters(vs):  # type: ignore[no-untyped-def]
    s1, s2, s3 = (student(vs.k3, f"sup{i}") for i in range(3))
    target_author = student(vs.k1, "target-author")
    dup = fresh(raise_(vs, title="食堂太咸").concern)
    target = fresh(raise_(vs, user=target_author, title="二食堂菜咸").concern)
    for user in (s1, s2, target_author):
        services.support(actor=user, concern=dup)
    for user in (s2, s3):
        services.support(actor=user, concern=target)
    assert code_of(
        lambda: services.merge(actor=vs.other, concern=dup, into=target)
    ) == ("forbidden")
    assert code_of(
        lambda: services.merge(actor=vs.class_officer, concern=dup, into=dup)
    ) == ("invalid")
    sensitive = fresh(raise_(vs, code="mental", user=vs.classmate).concern)
    assert (
        code_of(lambda: services.merge(actor=vs.named, concern=sensitive, into=target))
        == "forbidden"
    )
    services.merge(actor=vs.class_officer, concern=dup, into=target)
    dup, target = fresh(dup), fresh(target)
    assert dup.status == ConcernStatus.MERGED and dup.merged_into == target
    users = set(Support.objects.filter(concern=target).values_list("user", flat=True))
    # s1, s2 (once), s3 and the duplicate's author; never the target's own author
    assert users == {s1.pk, s2.pk, s3.pk, vs.author.pk}
    assert target.supporters == 4 and dup.supporters == 0
    assert (
        code_of(
            lambda: services.merge(
                actor=vs.class_officer, concern=fresh(dup), into=target
            )
        )
        == "invalid-transition"
    )


def test_support(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    private = fresh(raise_(vs, visibility="private").concern)
    assert (
        code_of(lambda: services.support(actor=vs.author, concern=c)) == "own-concern"
    )
    assert (
        code_of(lambda: services.support(actor=vs.other, concern=private))
        == "not-public"
    )
    assert (
        code_of(lambda: services.support(actor=AnonymousUser(), concern=c))
        == "forbidden"
    )
    assert services.support(actor=vs.other, concern=c) is True
    assert services.support(actor=vs.other, concern=c) is False
    assert fresh(c).supporters == 1
    services.withdraw_support(actor=vs.other, concern=c)
    services.withdraw_support(actor=vs.other, concern=c)
    assert fresh(c).supporters == 0
    services.withdraw(concern=c, actor=vs.author)
    assert (
        code_of(lambda: services.support(actor=vs.other, concern=fresh(c))) == "closed"
    )


def test_notes_are_internal(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    assert code_of(lambda: services.add_note(actor=vs.author, concern=c, text="x")) == (
        "forbidden"
    )
    services.add_note(actor=vs.class_officer, concern=c, text="内部：已联系食堂经理")
    assert ConcernEvent.objects.get(concern=c, kind=EventKind.NOTE).public is False
    for user in (vs.author, vs.other, AnonymousUser()):
        page = selectors.concern_page(c, user)
        assert "食堂经理" not in repr(page["timeline"])
    assert "食堂经理" in repr(selectors.concern_page(c, vs.class_officer)["timeline"])


def test_verify(vs):  # type: ignore[no-untyped-def]
    c = fresh(raise_(vs).concern)
    assert code_of(lambda: services.verify(actor=vs.class_officer, concern=c)) == (
        "forbidden"  # the class, not the union
    )
    assert code_of(lambda: services.verify(actor=vs.union_officer, concern=c)) == (
        "not-answered"
    )
    services.answer(actor=vs.class_officer, concern=c, text="已整改")
    services.verify(actor=vs.union_officer, concern=fresh(c))
    assert fresh(c).verified
    assert code_of(
        lambda: services.verify(actor=vs.union_officer, concern=fresh(c))
    ) == ("already")
    assert ConcernEvent.objects.filter(concern=c, kind=EventKind.VERIFIED).count() == 1


def test_record_offline(vs):  # type: ignore[no-untyped-def]
    def call(**kw: Any) -> Any:
        args = {
            "actor": vs.dept_officer,
            "union": vs.union,
            "category": vs.category("housing"),
            "title": "信箱：宿舍漏水",
            "body": "7号楼302漏水",
            "channel": "mailbox",
        } | kw
        return services.record_offline(**args)

    assert code_of(lambda: call(actor=vs.author)) == "forbidden"
    assert code_of(lambda: call(actor=vs.office_handler)) == "forbidden"
    assert code_of(lambda: call(channel="online")) == "invalid"
    raised = call()
    c = fresh(raised.concern)
    assert raised.tracking_code and c.author_id is None
    assert (c.channel, c.handler, c.visibility) == ("mailbox", vs.dept, "private")
    assert AuditEvent.objects.get(action="voice.concern.record_offline").actor_id == (
        vs.dept_officer.pk
    )
    assert fresh(call(actor=vs.union_officer).concern).handler == vs.union
    assert fresh(call(category=vs.category("mental")).concern).handler == vs.union


# -- photos ---------------------------------------------------------------------------------


class Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


def _image(
    fmt: str, size: tuple[int, int] = (2400, 1200), *, gps: bool = False
) -> bytes:
    img = Image.new("RGB", size, (180, 40, 40))
    buf = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise to view
        exif[0x010F] = "PhoneMaker"
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", (36.0, 3.0, 12.0)
        img.save(buf, fmt, exif=exif)
    else:
        img.save(buf, fmt)
    return buf.getvalue()


def test_photos_are_checked_and_stripped(vs):  # type: ignore[no-untyped-def]
    jpeg = _image("JPEG", gps=True)
    assert Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825)
    c = raise_(
        vs,
        photos=[
            Upload(jpeg, "IMG_0001.jpg"),
            Upload(_image("PNG", (300, 200)), "a.png"),
            Upload(_image("WEBP", (500, 400)), "b.webp"),
        ],
    ).concern
    photos = list(Photo.objects.filter(concern=c).order_by("pk"))
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png", "image/webp"]
    first = bytes(photos[0].image)
    stored = Image.open(io.BytesIO(first))
    # upright (the orientation applied), at most 1600 px, no EXIF at all
    assert (
        (stored.width, stored.height)
        == (800, 1600)
        == (photos[0].width, photos[0].height)
    )
    assert not stored.getexif() and b"Exif" not in first and b"PhoneMaker" not in first
    assert (photos[1].width, photos[1].height) == (300, 200)


def test_photos_refused_name_the_file(vs):  # type: ignore[no-untyped-def]
    def refusal(photos: list[Any]) -> Refusal:
        with pytest.raises(Refusal) as e:
            raise_(vs, photos=photos)
        return e.value

    gif = refusal([Upload(_image("GIF", (10, 10)), "cat.gif")])
    assert gif.code == "photo-type" and gif.message.params["name"] == "cat.gif"
    fake = refusal([Upload(b"not an image at all", "fake.jpg")])
    assert fake.code == "photo-type" and fake.message.params["name"] == "fake.jpg"
    truncated = refusal([Upload(_image("JPEG")[:200], "half.jpg")])
    assert truncated.code == "photo-type"
    big = refusal([Upload(b"\xff" * (5 * 1024 * 1024 + 1), "huge.jpg")])
    assert big.code == "photo-too-large" and big.message.params["name"] == "huge.jpg"
    small = _image("PNG", (10, 10))
    four = refusal([Upload(small, f"{i}.png") for i in range(4)])
    assert four.code == "too-many-photos"
    assert not Concern.objects.exists() and not Photo.objects.exists()


# -- categories and named handlers ----------------------------------------------------------


def test_categories(vs):  # type: ignore[no-untyped-def]
    assert Category.objects.filter(union=vs.union).count() == 13
    services.ensure_default_categories(vs.union)
    assert Category.objects.filter(union=vs.union).count() == 13
    assert {
        c.code for c in Category.objects.filter(union=vs.union, sensitive=True)
    } == {
        "mental",
        "hardship",
        "harassment",
    }

    def save(**kw: Any) -> Any:
        args = {
            "actor": vs.union_admin,
            "union": vs.union,
            "code": "library",
            "name": "图书馆",
        } | kw
        return services.save_category(**args)

    assert code_of(lambda: save(actor=vs.union_officer)) == "forbidden"
    assert code_of(lambda: save(actor=vs.author)) == "forbidden"
    assert code_of(lambda: save(union=vs.dept)) == "not-a-union"
    assert code_of(lambda: save(code="图 书")) == "invalid"
    assert code_of(lambda: save(code="food")) == "duplicate"
    assert code_of(lambda: save(acknowledge_days=0)) == "invalid"
    assert code_of(lambda: save(acknowledge_days=5, answer_days=3)) == "invalid"
    elsewhere = build_voice_school(prefix="E")
    assert code_of(lambda: save(default_handler=elsewhere.office)) == "invalid"
    cat = save(default_handler=vs.office2, acknowledge_days=2, answer_days=8)
    assert (cat.default_handler, cat.answer_days, cat.order) == (vs.office2, 8, 13)
    save(category=cat, name="图书馆与自习室", code="library")
    cat.refresh_from_db()
    assert cat.name == "图书馆与自习室"
    record = AuditEvent.objects.filter(action="voice.category.save").last()
    assert record.data["after"]["default_handler"] == vs.office2.code


def test_named_handlers(vs):  # type: ignore[no-untyped-def]
    helper = student(vs.k3, "helper")
    assert (
        code_of(
            lambda: services.name_handler(
                actor=vs.union_officer, union=vs.union, user=helper
            )
        )
        == "forbidden"
    )
    assert (
        code_of(
            lambda: services.name_handler(
                actor=vs.union_admin, union=vs.union, user=helper, sensitive=False
            )
        )
        == "invalid"
    )
    s = fresh(raise_(vs, code="mental").concern)
    assert not access.can_view(helper, s)
    services.name_handler(actor=vs.union_admin, union=vs.union, user=helper)
    assert access.can_view(helper, s) and access.can_handle(helper, s)
    services.remove_named_handler(actor=vs.union_admin, union=vs.union, user=helper)
    assert not access.can_view(helper, s)
    assert not NamedHandler.objects.filter(user=helper).exists()
    assert (
        code_of(
            lambda: services.remove_named_handler(
                actor=vs.union_admin, union=vs.union, user=helper
            )
        )
        == "not-found"
    )


# -- the audit log ---------------------------------------------------------------------------


def test_the_audit_log_never_holds_a_sensitive_concern_text(vs):  # type: ignore[no-untyped-def]
    secret_title, secret_body = "最近心理压力很大", "失眠两周，想找人聊聊，宿舍在7号楼"
    c = fresh(raise_(vs, code="mental", title=secret_title, body=secret_body).concern)
    services.acknowledge(actor=vs.named, concern=c)
    services.add_note(actor=vs.named, concern=fresh(c), text="已转介心理中心老师")
    services.answer(actor=vs.named, concern=fresh(c), text="已约好周三下午面谈")
    services.rate(concern=fresh(c), rating="satisfied", actor=vs.author)
    logged = json.dumps(
        list(AuditEvent.objects.values("target", "data", "actor_label")),
        ensure_ascii=False,
    )
    for secret in (secret_title, secret_body, "心理中心", "周三下午"):
        assert secret not in logged
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "voice.concern.raise",
        "voice.concern.acknowledge",
        "voice.concern.note",
        "voice.concern.answer",
        "voice.concern.rate",
    } <= actions


def test_the_periodic_work_is_registered():  # type: ignore[no-untyped-def]
    names = {p.name: p for p in jobs_periodic.registered()}
    assert names["voice.escalate-overdue"].every == dt.timedelta(hours=1)
    assert names["voice.close-unrated"].every == dt.timedelta(days=1)
    from django.utils.module_loading import import_string

    for name in ("voice.escalate-overdue", "voice.close-unrated"):
        assert callable(import_string(names[name].func))
