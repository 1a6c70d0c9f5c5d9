"""The stored compliance page on a phone (#15, #16): a justification updates the
counts and the verdict without a reload; the filters narrow the findings in place."""

from __future__ import annotations

import pytest

from tests.django_plugin import build_school_with_deviation
from tests.factories import PositionFactory
from tongxue.compliance.services import store_audit
from tongxue.organisations.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_a_justification_updates_the_verdict_in_place(phone, live_server):
    data = build_school_with_deviation(admin_username="stored-admin")
    PositionFactory(organisation=data.union, role=Role.MEMBER, title="主席助理")
    store_audit(root=None)
    page = phone
    finding = "#finding-SDEPT--ORG-4-department-deputies"
    url = f"/org/{data.school.code}/compliance/"

    page.goto(f"/accounts/login/?next={url}")
    page.fill("input[name=username]", "stored-admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{url}")
    assert page.locator("#as-of").count() == 1
    before = page.locator("#verdict").inner_text()
    deviations = page.locator("#summary .badge-deviation + strong").inner_text()

    card = page.locator(finding)
    card.locator("summary").click()
    card.locator("textarea[name=reason]").fill("新生扩招，过渡一学期")
    card.locator("input[name=approved_by]").fill("校团委")
    card.locator("input[name=approved_on]").fill("2026-01-10")
    with page.expect_response(lambda r: "/compliance/justify/" in r.url):
        card.locator("button[type=submit]").click()
    page.locator(f"{finding} .justified-marker").wait_for()
    # The verdict counts one finding fewer needing action, without a reload.
    page.wait_for_function(
        "before => document.querySelector('#verdict').innerText !== before", arg=before
    )
    after = page.locator("#verdict").inner_text()
    assert before != after
    assert page.locator("#summary .badge-deviation + strong").inner_text() == deviations

    # The severity link narrows the list in place (htmx), keeping the page.
    page.locator("nav.filters a[href*='severity=violation']").click()
    page.wait_for_url("**severity=violation**")
    page.locator("#findings .finding-violation").first.wait_for()
    assert page.locator(f"#findings {finding}").count() == 0
    assert page.errors == [], page.errors
