"""Public notices and objections: publish, object, answer, take effect (ELE-4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, RoleFactory, SchoolFactory, UserFactory
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent, RoleKind
from tongxue.publicity import selectors, services
from tongxue.publicity.models import Notice

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


@pytest.fixture
def union():  # type: ignore[no-untyped-def]
    school = SchoolFactory(code="PSCH")
    return OrganisationFactory(code="PSU", name="示范大学学生会", parent=school)


def publish(union, **kw):  # type: ignore[no-untyped-def]
    defaults = {
        "actor": None,
        "organisation": union,
        "subject_type": "elections.election",
        "subject_id": 7,
        "kind": "result",
        "title": "主席团选举结果公示",
        "body": "当选：张三、李四",
        "starts": MONDAY,
    }
    defaults.update(kw)
    return services.publish_notice(**defaults)


def test_a_notice_lasts_the_profiles_five_working_days_by_default(union) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union)
    assert (notice.working_days, notice.ends) == (5, date(2026, 11, 27))
    assert AuditEvent.objects.filter(action="notice.published").count() == 1


def test_a_shorter_notice_than_the_profiles_is_refused_and_longer_allowed(
    union,
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as info:
        publish(union, working_days=4)
    assert info.value.code == "notice-too-short"
    assert Notice.objects.count() == 0
    assert publish(union, working_days=6).ends == date(2026, 11, 30)


def test_objections_are_taken_only_while_the_notice_runs(union) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union)
    student = UserFactory()
    services.lodge_objection(
        actor=student, notice=notice, text="票数有误", today=notice.ends
    )
    with pytest.raises(Refusal) as info:
        services.lodge_objection(
            actor=student, notice=notice, text="晚了", today=notice.ends + timedelta(1)
        )
    assert info.value.code == "notice-closed"
    with pytest.raises(Refusal):
        services.lodge_objection(actor=None, notice=notice, text="匿名", today=MONDAY)


def test_the_subject_takes_effect_only_after_the_period_with_every_objection_answered(
    union,
) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union)
    after = notice.ends + timedelta(1)
    assert not selectors.takes_effect(notice, notice.ends)
    assert selectors.takes_effect(notice, after)
    objection = services.lodge_objection(
        actor=UserFactory(), notice=notice, text="有异议", today=MONDAY
    )
    assert not selectors.takes_effect(notice, after)
    answerer = UserFactory()
    RoleFactory(user=answerer, organisation=union, role=RoleKind.LEAGUE_ADVISOR)
    services.answer_objection(
        actor=answerer, objection=objection, answer="经核查无误", upheld=False
    )
    assert selectors.takes_effect(notice, after)


def test_an_upheld_objection_stops_the_subject(union) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union)
    objection = services.lodge_objection(
        actor=UserFactory(), notice=notice, text="候选人不符合条件", today=MONDAY
    )
    services.answer_objection(
        actor=None, objection=objection, answer="属实", upheld=True
    )
    assert not selectors.takes_effect(notice, notice.ends + timedelta(30))
    assert selectors.takes_effect(None) is False


def test_only_those_who_may_answer_answer(union) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union)
    objection = services.lodge_objection(
        actor=UserFactory(), notice=notice, text="有异议", today=MONDAY
    )
    cadre = UserFactory()
    RoleFactory(user=cadre, organisation=union, role=RoleKind.UNION_CADRE)
    with pytest.raises(Refusal) as info:
        services.answer_objection(
            actor=cadre, objection=objection, answer="无", upheld=False
        )
    assert info.value.code == "forbidden"
    objection.refresh_from_db()
    assert objection.answered_at is None


def test_the_public_page_shows_objections_but_not_who_lodged_them(
    client, union
) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union, starts=date.today())
    objector = UserFactory(username="objector42")
    services.lodge_objection(actor=objector, notice=notice, text="计票过程不公开")
    page = client.get(reverse("publicity:detail", args=[notice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "计票过程不公开" in body and "objector42" not in body
    admin = UserFactory()
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    client.force_login(admin)
    assert (
        "objector42"
        in client.get(reverse("publicity:detail", args=[notice.pk])).content.decode()
    )


def test_a_signed_in_student_lodges_and_an_admin_answers_on_the_page(
    client, union
) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union, starts=date.today())
    url = reverse("publicity:detail", args=[notice.pk])
    assert client.post(url, {"objection-text": "有异议"}).status_code == 403
    client.force_login(UserFactory())
    assert client.post(url, {"objection-text": "有异议"}).status_code == 302
    assert client.post(url, {"objection-text": ""}).status_code == 400
    objection = notice.objections.get()
    assert (
        client.post(
            url,
            {
                "answer-objection": objection.pk,
                "answer-answer": "x",
                "answer-upheld": "0",
            },
        ).status_code
        == 403
    )
    admin = UserFactory()
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    client.force_login(admin)
    response = client.post(
        url,
        {
            "answer-objection": objection.pk,
            "answer-answer": "已核实",
            "answer-upheld": "0",
        },
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.answer, objection.upheld) == ("已核实", False)


@pytest.mark.parametrize("count", [3, 30])
def test_the_notice_list_makes_a_bounded_number_of_queries(
    client, union, django_assert_num_queries, count
) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        publish(union, subject_id=i)
    with django_assert_num_queries(2):  # count and page; nothing per row
        response = client.get(reverse("publicity:list"))
    assert response.status_code == 200


def test_a_composed_notice_reads_in_each_readers_language(client, union) -> None:  # type: ignore[no-untyped-def]
    # The Chinese rendering is the stored record; an English reader sees English.
    from tongxue.publicity.text import phrase

    text = {
        "title": phrase("{title}: election result", title="主席团选举"),
        "body": [
            phrase(
                "{name}: yes {yes}, no {no}, abstain {abstain}{elected}",
                name="张三",
                yes=30,
                no=2,
                abstain=1,
                elected=phrase(" — elected"),
            ),
            "张三 李四",
        ],
    }
    notice = services.publish_notice(
        actor=None,
        organisation=union,
        subject_type="elections.election",
        subject_id=7,
        kind="result",
        text=text,
        starts=date.today(),
    )
    assert notice.title == "主席团选举结果公示"
    assert "——当选" in notice.body and "elected" not in notice.body
    assert notice.body.endswith("\n张三 李四")
    zh = client.get(reverse("publicity:detail", args=[notice.pk])).content.decode()
    assert notice.title in zh and "— elected" not in zh and "——当选" in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("publicity:detail", args=[notice.pk])).content.decode()
    assert "主席团选举: election result" in en
    assert "张三: yes 30, no 2, abstain 1 — elected" in en
    assert "张三 李四" in en  # names and the case's own text stay as written
    listing = client.get(reverse("publicity:list")).content.decode()
    assert "主席团选举: election result" in listing


def test_a_notice_given_as_finished_text_reads_the_same_in_every_language(
    client, union
) -> None:  # type: ignore[no-untyped-def]
    notice = publish(union, starts=date.today())
    assert notice.text == {}
    client.cookies["django_language"] = "en"
    en = client.get(reverse("publicity:detail", args=[notice.pk])).content.decode()
    assert "主席团选举结果公示" in en and "当选：张三、李四" in en
