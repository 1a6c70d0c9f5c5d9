"""A union administrator justifies a deviation on a phone, in Chinese (ORG-4 · GS-9, CQ-4)."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext, override

from tests.django_plugin import build_school_with_deviation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_admin_records_a_justification_on_a_phone(phone, live_server):
    data = build_school_with_deviation(admin_username="union-admin")
    page = phone
    finding = "#finding-SDEPT--ORG-4-department-deputies"

    # Sign in through the form; Chinese is the default language.
    page.goto(f"/accounts/login/?next=/org/{data.union.code}/compliance/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("input[name=username]", "union-admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**/org/{data.union.code}/compliance/")

    # The deviation shows with its requirement and a form to justify it.
    card = page.locator(finding)
    card.wait_for()
    assert "ORG-4" in card.inner_text()
    assert card.locator(".justified-marker").count() == 0
    card.locator("summary").click()
    card.locator("textarea[name=reason]").fill("新生扩招，过渡一学期")
    card.locator("input[name=approved_by]").fill("校团委")
    card.locator("input[name=approved_on]").fill("2026-01-10")
    with page.expect_response(lambda r: "/compliance/justify/" in r.url) as swapped:
        card.locator("button[type=submit]").click()
    assert swapped.value.status == 200
    # htmx swaps the finding into its justified state: wait on the element itself.
    marker = page.locator(f"{finding} .justified-marker")
    marker.wait_for()
    assert "新生扩招" in page.locator(finding).inner_text()
    # The page speaks Chinese: the marker and the severity badge are the zh-hans labels.
    with override("zh-hans"):
        justified, deviation = gettext("Justified"), gettext("Deviation")
    assert justified != "Justified" and justified in marker.inner_text()
    assert deviation in page.locator(finding).inner_text()
    page.screenshot(path="/tmp/compliance.png", full_page=False)

    # It was stored: a reload shows it justified.
    page.reload()
    page.locator(f"{finding} .justified-marker").wait_for()
    assert page.locator(f"{finding} .withdraw").count() == 1
    assert page.errors == [], page.errors  # no CSP violation, no script error
