"""A union admin invites a delegate on a phone; the delegate opens the link, chooses a
password and lands on their account page."""

from __future__ import annotations

import pytest

from tests.factories_accounts import build_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "liang-hui-2026-tongxue"


def test_admin_invites_a_delegate_who_creates_an_account(browser, phone, live_server):
    tree = build_tree(prefix="E", delegates=2)
    delegate = tree.delegates[0]
    admin = phone

    admin.goto(f"/accounts/login/?next=/org/{tree.union.code}/")
    admin.fill("input[name=username]", tree.union_admin.username)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("form[action='/accounts/login/'] button[type=submit]")
    admin.wait_for_url(f"**/org/{tree.union.code}/")
    admin.click("#roles-link")
    admin.wait_for_url(f"**/people/roles/{tree.union.code}/")
    admin.fill("#id_invite-person", delegate.ident)
    admin.click("#invite-form button[type=submit]")
    admin.locator("#invitation svg").wait_for()
    admin.screenshot(path="/tmp/accounts-invitation.png", full_page=True)
    link = admin.locator("#invite-link").get_attribute("href")
    assert link and "/people/invite/" in link
    assert delegate.student_number not in admin.content()
    assert admin.errors == [], admin.errors

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(link)
    page.fill("#id_username", "daibiao-e0")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.screenshot(path="/tmp/accounts-redeem.png", full_page=True)
    page.click("#redeem-form button[type=submit]")
    page.wait_for_url("**/people/me/")
    assert page.locator("#person-name").inner_text() == delegate.name
    assert page.locator("#my-account-link").count() == 1
    page.screenshot(path="/tmp/accounts-me.png", full_page=True)

    # The link is spent: opening it again says so.
    page.goto(link)
    assert page.locator("#invitation-invalid[data-code=used]").count() == 1
    assert errors == [], errors
    context.close()
