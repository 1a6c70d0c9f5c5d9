"""On a phone, in Chinese (ORG-14): the union administrator registers a club's activity
and submits it; the League advisor returns it with reasons; it is corrected,
resubmitted and approved; a visitor finds it on the union's public clubs page. No page
is wider than the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.clubs import services
from tongxue.clubs.models import Activity
from tongxue.core.models import RoleKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def narrow(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def sign_in(page, user, to: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={to}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{to}")


def test_an_activity_is_returned_corrected_approved_and_public(phone, live_server):  # type: ignore[no-untyped-def]
    school = SchoolFactory(code="JSCH", name="J大学")
    union = OrganisationFactory(code="JSU", name="J大学学生会", parent=school)
    admin = UserFactory(username="j-admin")
    advisor = UserFactory(username="j-advisor")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    RoleFactory(user=advisor, organisation=school, role=RoleKind.LEAGUE_ADVISOR)
    club = services.register_club(
        actor=admin,
        union=union,
        name="摄影协会",
        category="culture_sports",
        guiding_unit="校团委",
        advisor="李明老师",
    )
    page = phone
    sign_in(page, admin, f"/clubs/{union.code}/manage/")
    assert narrow(page)
    page.click("#new-activity-link")
    page.select_option("#id_activity-club", str(club.pk))
    page.fill("#id_activity-title", "人像摄影讲座")
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=6))
    page.fill("#id_activity-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_activity-place", "图书馆报告厅")
    page.fill("#id_activity-organiser", "摄影协会办公室")
    page.fill("#id_activity-expected_participants", "120")
    page.fill("#id_activity-content", "人像摄影技巧分享")
    assert narrow(page)
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("#submit-form")
    page.click("#submit-form button")
    page.wait_for_selector("#activity-status[data-status=submitted]")
    activity = Activity.objects.get(title="人像摄影讲座")

    url = f"/clubs/{union.code}/activities/{activity.pk}/"
    sign_in(page, advisor, url)
    assert "待审核" in page.inner_text("#activity-status")
    page.check("input[name=decide-decision][value=returned]")
    page.click("#decide-form button[type=submit]")
    # reasons are required to return it
    page.wait_for_selector("#decide-form .errorlist")
    page.errors.clear()  # the form's answer is a 400, as every refused form's
    page.check("input[name=decide-decision][value=returned]")
    page.fill("#id_decide-reasons", "请写明校外主讲嘉宾的姓名和单位")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("#activity-status[data-status=returned]")
    assert "请写明校外主讲嘉宾" in page.inner_text("#reviews")
    assert narrow(page)

    sign_in(page, admin, url)
    page.click("#edit-link")
    page.fill("#id_activity-speakers", "张伟，市摄影家协会会员")
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("#submit-form")
    page.click("#submit-form button")
    page.wait_for_selector("#activity-status[data-status=submitted]")

    sign_in(page, advisor, url)
    page.check("input[name=decide-decision][value=approved]")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector("#activity-status[data-status=approved]")

    page.context.clear_cookies()
    page.goto(f"/clubs/{union.code}/")
    assert "人像摄影讲座" in page.inner_text("#upcoming-list")
    assert narrow(page)
    page.click("#upcoming-list a >> text=人像摄影讲座")
    assert "张伟，市摄影家协会会员" in page.inner_text("#activity")
    assert page.query_selector("#reviews") is None
    assert narrow(page)
    assert page.errors == []
