"""The public roster and the contact relay (CAD-2 · GS-12, CQ-7): the roster's old
relay address leads to the concerns app's relay (RGT-6), which counts on the roster."""

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
    # organisation, profile codes of the ancestors, children, positions, and the
    # cadres' relay contacts (RGT-6, one aggregate query through the hook)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


# -- relay: merged into the concerns app's relay (RGT-6) -------------------------------


def test_the_old_relay_address_redirects_to_the_voice_relay(client, cs):
    """/cadres/relay/<post>/ predates the concerns app's relay: it leads there, to
    writing to the post's holder through the union's relay, signed in or not, GET or
    an old form's POST (nothing is sent by the old address)."""
    target = reverse(
        "voice:contact_write", args=[cs.union.code, cs.president.person.pk]
    )
    url = reverse("cadres:relay", args=[cs.president.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == target
    sender = student(cs.dept_union, name="张同学", username="zhang")
    client.force_login(sender.user)
    assert client.get(url)["Location"] == target
    response = client.post(url, {"text": "食堂价格问题想反映"})
    assert response.status_code == 302 and response["Location"] == target
    assert not RelayMessage.objects.exists()
    # a post of a functional department of the union: the union's relay too
    head = PositionFactory(
        organisation=cs.department,
        person=PersonFactory(name="权益部长"),
        role=Role.DEPARTMENT_HEAD,
        title="部长",
    )
    assert client.get(reverse("cadres:relay", args=[head.pk]))["Location"] == reverse(
        "voice:contact_write", args=[cs.union.code, head.person.pk]
    )
    assert client.get(reverse("cadres:relay", args=[999999])).status_code == 404


def test_a_post_no_union_s_relay_reaches_leads_back_to_its_roster(client, cs):
    """A department union beside the school union (not under it) is no school-level
    union's: no relay reaches its cadres, the address leads back to its roster."""
    president = PositionFactory(
        organisation=cs.dept_union,
        person=PersonFactory(name="院会主席"),
        role=Role.PRESIDENT,
        title="主席",
    )
    response = client.get(reverse("cadres:relay", args=[president.pk]))
    assert response["Location"] == (
        reverse("cadres:roster", args=[cs.dept_union.code]) + f"#post-{president.pk}"
    )
    # and its roster offers no relay link nor counts
    html = client.get(
        reverse("cadres:roster", args=[cs.dept_union.code])
    ).content.decode()
    assert reverse("cadres:relay", args=[president.pk]) not in html
    assert "relay-count" not in html


def test_old_relay_messages_stay_readable_by_the_cadre(client, cs):
    """Messages sent through the old form before the merge: the cadre reads them on
    the record page with the sender, and marks them read; nobody else may."""
    cadre_user = UserFactory()
    cs.president.person.user = cadre_user
    cs.president.person.save()
    sender = student(cs.dept_union, name="张同学", username="zhang")
    message = RelayMessage.objects.create(
        position=cs.president, sender=sender.user, text="食堂价格问题想反映"
    )
    html = client.get(reverse("cadres:roster", args=[cs.union.code])).content.decode()
    assert "zhang" not in html and "食堂价格" not in html
    client.force_login(cadre_user)
    record = reverse("cadres:record", args=[cs.president.person.pk])
    html = client.get(record).content.decode()
    assert "食堂价格问题想反映" in html and "zhang" in html
    client.post(record, {"read": message.pk})
    message.refresh_from_db()
    assert message.read_at is not None
    with pytest.raises(Refusal):
        services.mark_read(actor=cs.admin, message=message)


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
