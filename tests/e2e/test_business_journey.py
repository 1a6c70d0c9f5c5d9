"""A union admin runs a congress's business on a phone, in Chinese (CON-7, CON-13 · GS-8).

Adds agenda items, submits and reviews the work report, proposes a charter amendment,
reads its diff, records the vote and sees the new charter on the public page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories_business import CharterVersionFactory, union_with_congress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_admin_runs_the_business_of_a_congress_on_a_phone(phone, live_server):
    u = union_with_congress(prefix="J", opened=dt.date.today() + dt.timedelta(days=7))
    CharterVersionFactory(
        union=u.union, text="第一条 本会名称。\n第二条 本会宗旨是服务同学。"
    )
    page = phone
    business = f"/org/{u.union.code}/meetings/{u.congress.code}/business/"

    page.goto(f"/accounts/login/?next={business}")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("input[name=username]", u.admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{business}")
    assert page.locator("#agenda-empty").is_visible()

    # Agenda: the work report and the election of the leadership.
    for kind, title in (
        ("work_report", "审议学生会工作报告"),
        ("leadership", "选举新一届主席团"),
    ):
        page.locator("#agenda summary").click()
        page.select_option("#id_agenda-kind", kind)
        page.fill("#id_agenda-title", title)
        page.click("#agenda-form button[type=submit]")
        page.wait_for_url(f"**{business}#agenda")
    items = page.locator("ol.agenda li")
    assert items.count() == 2 and "选举新一届主席团" in items.nth(1).inner_text()

    # The work report: submitted, then reviewed by a recorded vote.
    page.locator("#report summary").click()
    page.fill("#id_report-title", "第五届学生会工作报告")
    page.fill("#id_report-text", "一年来，学生会围绕服务同学开展工作。")
    page.click("#report-form button[type=submit]")
    page.wait_for_url(f"**{business}#report")
    page.locator("#report summary").click()
    page.fill("#id_review-yes", "5")
    page.fill("#id_review-no", "1")
    page.fill("#id_review-abstain", "0")
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"**{business}#report")
    result = page.locator("#report .vote-result")
    assert result.get_attribute("data-passed") == "true"
    assert result.locator(".vote-yes").inner_text() == "5"

    # A charter amendment: its diff, then the vote.
    page.locator("#motions summary").click()
    page.select_option("#id_motion-kind", "amendment")
    page.fill("#id_motion-title", "修改第二条")
    page.fill(
        "#id_motion-text", "第一条 本会名称。\n第二条 本会宗旨是全心全意服务同学。"
    )
    page.click("#motion-form button[type=submit]")
    page.wait_for_url("**/motions/*/")
    diff = page.locator("table.diff")
    assert "本会宗旨是服务同学" in diff.locator("del").inner_text()
    assert "全心全意" in diff.locator("ins").inner_text()
    page.select_option("#id_vote-method", "delegates_two_thirds")
    page.fill("#id_vote-yes", "5")
    page.fill("#id_vote-no", "1")
    page.fill("#id_vote-abstain", "0")
    page.click("#vote-form button[type=submit]")
    page.locator(".vote-result[data-passed=true]").wait_for()
    page.screenshot(path="/tmp/business-motion.png", full_page=False)

    # The new charter is public: a visitor reads version 2.
    page.click("form[action='/accounts/logout/'] button[type=submit]")
    page.goto(f"/org/{u.union.code}/charter/")
    assert "全心全意服务同学" in page.locator("#charter-text").inner_text()
    assert page.locator("ol.charter-history li").count() == 2
    assert page.errors == [], page.errors
