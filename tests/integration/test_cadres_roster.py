"""The public roster and the contact relay (CAD-2 · GS-12, CQ-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)
from tests.factories_cadres import build_cadre_school, student
from tongxue.cadres import services
from tongxue.cadres.models import RelayMessage
from tongxue.core.errors import Refusal
from tongxue.organisations.models import OrgKind, Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def cs():  # type: ignore[no-untyped-def]
    return build_cadre_school()


def add_departments(cs, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        dept = OrganisationFactory(
            code=f"{cs.union.code}-D{i}",
            name=f"部门{i}",
            kind=OrgKind.FUNCTIONAL_DEPARTMENT,
            parent=cs.union,
            students_served=None,
        )
        PositionFactory(
            organisation=dept,
            person=PersonFactory(student_number=f"2024{i:05d}"),
            role=Role.DEPARTMENT_HEAD,
            title="部长",
        )
        PositionFactory(organisation=dept, role=Role.MEMBER, title="干事")


def test_the_roster_is_public_and_shows_no_personal_identifiers(client, cs):
    vp = PositionFactory(
        organisation=cs.union,
        person=PersonFactory(name="李副主席", student_number="20240001"),
        role=Role.VICE_PRESIDENT,
        title="副主席",
    )
    add_departments(cs, 2)
    response = client.get(reverse("cadres:roster", args=[cs.union.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "李副主席" in html and "su@example.edu.cn" in html
    # Without an official address: the relay form, not a contact.
    assert reverse("cadres:relay", args=[vp.pk]) in html
    for private in ("20240001", vp.person.ident, "2024000"):
        assert private not in html
    assert "干事" not in html  # ordinary members are not main cadres


def test_vacancies_show_as_vacant(client, cs):
    ended = PositionFactory(
        organisation=cs.union,
        role=Role.VICE_PRESIDENT,
        title="副主席（学习）",
        start=dt.date(2024, 9, 1),
        end=TODAY - dt.timedelta(days=1),
    )
    # The functional department has no head at all.
    response = client.get(reverse("cadres:roster", args=[cs.union.code]))
    html = response.content.decode()
    assert html.count('class="vacant"') == 2
    assert ended.person.name not in html
    # Filled again: no longer vacant.
    PositionFactory(
        organisation=cs.union, role=Role.VICE_PRESIDENT, title="副主席（学习）"
    )
    html = client.get(reverse("cadres:roster", args=[cs.union.code])).content.decode()
    assert html.count('class="vacant"') == 1


def test_a_vacant_presidency_shows(client, cs):
    cs.president.end = TODAY - dt.timedelta(days=1)
    cs.president.save()
    html = client.get(reverse("cadres:roster", args=[cs.union.code])).content.decode()
    assert 'class="vacant" data-role="president"' in html


@pytest.mark.parametrize("departments", [2, 12])
def test_the_roster_has_a_bounded_number_of_queries(
    client, cs, departments, django_assert_num_queries
):
    add_departments(cs, departments)
    url = reverse("cadres:roster", args=[cs.union.code])
    client.get(url)  # warm the profile cache
    # organisation, profile codes of the ancestors, children, positions
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


# -- relay ----------------------------------------------------------------------------


def test_a_signed_in_student_writes_to_a_cadre_who_reads_it(client, cs):
    cadre_user = UserFactory()
    cs.president.person.user = cadre_user
    cs.president.person.save()
    sender = student(cs.dept_union, name="张同学", username="zhang")
    client.force_login(sender.user)
    url = reverse("cadres:relay", args=[cs.president.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "食堂价格问题想反映"})
    assert response.status_code == 302
    message = RelayMessage.objects.get()
    assert message.sender == sender.user
    # Public pages never show the sender.
    client.logout()
    html = client.get(reverse("cadres:roster", args=[cs.union.code])).content.decode()
    assert "zhang" not in html and "食堂价格" not in html
    # The cadre sees it with the sender, and marks it read.
    client.force_login(cadre_user)
    record = reverse("cadres:record", args=[cs.president.person.pk])
    html = client.get(record).content.decode()
    assert "食堂价格问题想反映" in html and "zhang" in html
    client.post(record, {"read": message.pk})
    message.refresh_from_db()
    assert message.read_at is not None


def test_the_relay_needs_a_sign_in(client, cs):
    url = reverse("cadres:relay", args=[cs.president.pk])
    response = client.post(url, {"text": "hi"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not RelayMessage.objects.exists()
    with pytest.raises(Refusal):
        services.send_relay(actor=None, position=cs.president, text="hi")


def test_the_relay_is_throttled_per_sender(client, cs, settings):
    settings.TONGXUE_RELAY_PER_HOUR = 5
    sender = UserFactory()
    for i in range(5):
        services.send_relay(actor=sender, position=cs.president, text=f"第{i}条")
    with pytest.raises(Refusal) as e:
        services.send_relay(actor=sender, position=cs.president, text="第6条")
    assert e.value.code == "throttled"
    # Another sender is not affected; an hour later the sender may write again.
    services.send_relay(actor=UserFactory(), position=cs.president, text="另一人")
    RelayMessage.objects.filter(sender=sender).update(
        sent_at=timezone.now() - dt.timedelta(hours=1, minutes=1)
    )
    services.send_relay(actor=sender, position=cs.president, text="一小时后")
    client.force_login(sender)
    for _ in range(4):
        services.send_relay(actor=sender, position=cs.president, text="x")
    response = client.post(
        reverse("cadres:relay", args=[cs.president.pk]), {"text": "太多"}
    )
    assert response.status_code == 429


def test_no_relay_to_an_ended_post(cs):
    cs.president.end = TODAY - dt.timedelta(days=1)
    cs.president.save()
    with pytest.raises(Refusal) as e:
        services.send_relay(actor=UserFactory(), position=cs.president, text="x")
    assert e.value.code == "not-serving"


def test_only_the_cadre_marks_a_message_read(cs):
    msg = services.send_relay(actor=UserFactory(), position=cs.president, text="x")
    with pytest.raises(Refusal):
        services.mark_read(actor=cs.admin, message=msg)


# -- the official contact ---------------------------------------------------------------


def test_the_cadre_chooses_an_official_address_never_a_phone(cs):
    user = UserFactory()
    cs.president.person.user = user
    cs.president.person.save()
    services.choose_public_contact(
        actor=user, position=cs.president, contact="zhuxi@su.example.edu.cn"
    )
    cs.president.refresh_from_db()
    assert cs.president.public_contact == "zhuxi@su.example.edu.cn"
    for phone in ("13800138000", "138-0013-8000", "+86 (138) 0013 8000"):
        with pytest.raises(Refusal) as e:
            services.choose_public_contact(
                actor=user, position=cs.president, contact=phone
            )
        assert e.value.code == "private-contact"
    # Office with a room number is fine (fewer than seven digits).
    services.choose_public_contact(
        actor=user, position=cs.president, contact="学生活动中心 305 室"
    )


def test_choosing_a_contact_is_the_cadres_or_a_managers(cs):
    services.choose_public_contact(
        actor=cs.admin, position=cs.president, contact="office@su.example.edu.cn"
    )
    with pytest.raises(Refusal) as e:
        services.choose_public_contact(
            actor=UserFactory(), position=cs.president, contact="x@example.edu.cn"
        )
    assert e.value.code == "forbidden"


def test_the_roster_api_is_public_without_identifiers(client, cs):
    vp = PositionFactory(
        organisation=cs.union,
        person=PersonFactory(name="李副主席", student_number="20240001"),
        role=Role.VICE_PRESIDENT,
        title="副主席",
    )
    response = client.get(f"/api/cadres/roster/{cs.union.code}")
    assert response.status_code == 200
    rows = response.json()
    by_title = {r["title"]: r for r in rows}
    assert by_title["主席"]["contact"] == "su@example.edu.cn"
    assert by_title["副主席"]["relay"] == reverse("cadres:relay", args=[vp.pk])
    assert any(r["vacant"] for r in rows)  # the department has no head
    assert "20240001" not in response.content.decode()
    assert vp.person.ident not in response.content.decode()


def test_applying_through_the_api(client, cs):
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY + dt.timedelta(days=3),
        term_start=TODAY + dt.timedelta(days=30),
        public_contact="vp@su.example.edu.cn",
    )
    listed = client.get("/api/cadres/selections").json()
    assert listed["items"][0]["criteria"][:1] == ["political"]
    s = student(cs.dept_union)
    client.force_login(s.user)
    url = f"/api/cadres/selections/{sel.pk}/applications"
    assert (
        client.post(
            url, {"statement": "x"}, content_type="application/json"
        ).status_code
        == 201
    )
    again = client.post(url, {"statement": "x"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "duplicate"


def test_after_writing_to_a_department_head_the_student_sees_that_cadre(client, cs):
    """#16: the landing page lists the person written to, not "主席 · 空缺"."""
    head = PositionFactory(
        organisation=cs.department,
        person=PersonFactory(name="权益部长"),
        role=Role.DEPARTMENT_HEAD,
        title="部长",
    )
    sender = student(cs.dept_union)
    client.force_login(sender.user)
    url = reverse("cadres:relay", args=[head.pk])
    page = client.get(url).content.decode()
    assert reverse("cadres:roster", args=[cs.union.code]) in page
    response = client.post(url, {"text": "想反映宿舍问题"}, follow=True)
    assert response.redirect_chain[-1][0] == (
        reverse("cadres:roster", args=[cs.union.code]) + f"#post-{head.pk}"
    )
    html = response.content.decode()
    assert f'id="post-{head.pk}"' in html and "权益部长" in html
    # The union's president is held: nothing on the page says the president is vacant.
    assert 'data-role="president"' in html
    assert '<li class="vacant" data-role="president"' not in html
    # A union's own post lands on that union's roster.
    response = client.post(
        reverse("cadres:relay", args=[cs.president.pk]), {"text": "你好"}
    )
    assert response["Location"] == (
        reverse("cadres:roster", args=[cs.union.code]) + f"#post-{cs.president.pk}"
    )
