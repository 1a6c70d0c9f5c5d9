"""A union admin records the Party committee's hearing on a phone, in Chinese (GOV-1).

Signs in, finds the guidance page from the union's page, sees the GOV findings and the
empty list, types a bad date and is told which field, records the hearing and sees it
on the union's public page; no page scrolls sideways at 390 px.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import OrganisationFactory, RoleFactory, SchoolFactory, UserFactory
from tongxue.core.models import RoleKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def test_admin_records_a_party_hearing_on_a_phone(phone, live_server):  # type: ignore[no-untyped-def]
    school = SchoolFactory(code="JGS", name="指导旅程大学")
    union = OrganisationFactory(code="JGSU", name="指导旅程大学学生会", parent=school)
    admin = UserFactory(username="jg-admin")
    RoleFactory(user=admin, organisation=union, role=RoleKind.UNION_ADMIN)
    page = phone
    guidance = f"/org/{union.code}/guidance/"

    page.goto(f"/accounts/login/?next=/org/{union.code}/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**/org/{union.code}/")
    page.click("#guidance-link")
    page.wait_for_url(f"**{guidance}")
    assert page.locator("#guidance-empty").is_visible()
    assert page.locator("[data-rule='GOV-1.party-hearing-overdue']").count() == 1
    assert page.locator("#id_guidance-held").get_attribute("type") == "date"
    assert _fits(page)

    # The browser's date input only takes a real date: leave it empty to be told.
    page.fill("#id_guidance-held", "")
    page.fill("#id_guidance-by", "校党委常委会")
    page.fill("#id_guidance-summary", "听取学生会年度工作汇报，提出" + "精简机构" * 30)
    page.evaluate("document.getElementById('id_guidance-held').required = false")
    page.click("#guidance-form button[type=submit]")
    assert page.locator("#id_guidance-held ~ .errorlist").count() == 1
    assert _fits(page)

    held = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    page.fill("#id_guidance-held", held)
    page.check("#id_guidance-public")
    page.click("#guidance-form button[type=submit]")
    page.wait_for_url(f"**{guidance}")
    assert held in page.locator("#guidance-list").inner_text()
    assert page.locator("[data-rule='GOV-1.party-hearing-overdue']").count() == 0
    assert _fits(page)

    page.goto(f"/org/{union.code}/")
    assert held in page.locator("#public-guidance").inner_text()
    assert _fits(page)
