"""A school union's admin records a department review on a phone, in Chinese (TRN-3).

Sees the department unions still to review this year, records the hearing of one's work
report and opinions with an assessment, publishes it, and the public page shows it —
every page without sideways scrolling at 390 px.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganisationFactory, RoleFactory, SchoolFactory, UserFactory
from tongxue.organisations.models import OrgKind, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def test_admin_records_and_publishes_a_review_on_a_phone(phone, live_server):
    school = SchoolFactory(code="JR", name="旅程大学")
    union = OrganisationFactory(code="JR-SU", name="旅程大学学生会", parent=school)
    for code, name in (("JR-D1", "文学院学生会"), ("JR-D2", "理学院学生会")):
        OrganisationFactory(
            code=code, name=name, kind=OrgKind.DEPARTMENT_UNION, parent=union
        )
    admin = UserFactory(username="jradmin")
    RoleFactory(user=admin, organisation=union)
    page = phone
    reviews = "/org/JR-SU/reviews/"

    page.goto(f"/accounts/login/?next={reviews}")
    page.fill("input[name=username]", "jradmin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{reviews}")
    assert page.locator("#pending li").count() == 2
    assert page.locator("#reviews-empty").is_visible()
    assert _fits(page)

    # Record the review of 文学院学生会 from its line in the list.
    page.locator("#pending li[data-department='JR-D1'] a").click()
    page.wait_for_url("**/reviews/new/?department=JR-D1")
    assert page.input_value("#id_reviewed") == "JR-D1"
    today = dt.date.today().isoformat()
    assert page.input_value("#id_held") == today
    page.check("#id_opinions_heard")
    page.fill("#id_opinions", "建议延长图书馆开放时间。")
    page.fill("#id_assessment", "工作扎实，按期完成年度计划。")
    page.select_option("#id_rating", "good")
    assert _fits(page)
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"**{reviews}?year={dt.date.today().year}")
    assert page.locator(".messages").inner_text().strip() != ""
    row = page.locator("#reviews li").first
    assert "文学院学生会" in row.inner_text()
    assert "考核结果未公开" in page.locator("#pending").inner_text()
    assert _fits(page)

    # Publish it: asked to confirm, then public.
    row.locator("a", has_text="公开考核结果").click()
    page.wait_for_url("**/publish/")
    page.check("#id_confirm")
    page.click("#publish-form button[type=submit]")
    page.wait_for_url(f"**{reviews}?year={dt.date.today().year}")
    assert page.locator("#pending li[data-department='JR-D1']").count() == 0
    assert Review.objects.get().assessment_published

    page.context.clear_cookies()
    page.goto("/org/JR-SU/assessments/")
    text = page.locator("#assessments").inner_text()
    assert "工作扎实" in text and "良好" in text
    assert "图书馆" not in text
    assert _fits(page)
    assert page.errors == []  # type: ignore[attr-defined]
