"""A union admin prints a class's activation sheet on a phone; a student opens the QR
link, chooses a password and lands on their page (390 px wide, no sideways scrolling)."""

from __future__ import annotations

import re

import pytest

from tests.factories import OrganisationFactory, PersonFactory
from tests.factories_accounts import build_tree
from tongxue.organisations.models import OrgKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "liang-hui-2026-tongxue"


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= 390")


def test_admin_prints_a_class_sheet_and_a_student_activates(
    browser, phone, live_server
):
    tree = build_tree(prefix="V", delegates=0)
    klass = OrganisationFactory(
        code="V1",
        name="法学2024级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=tree.dept,
        students_served=None,
    )
    student = PersonFactory(
        ident="V1-0",
        name="李同学",
        student_number="2024110001",
        department=tree.dept,
        class_unit=klass,
    )
    PersonFactory(
        ident="V1-1",
        name="王同学",
        student_number="2024110002",
        department=tree.dept,
        class_unit=klass,
    )
    admin = phone
    admin.goto(f"/accounts/login/?next=/people/roles/{tree.union.code}/")
    admin.fill("input[name=username]", tree.union_admin.username)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("form[action='/accounts/login/'] button[type=submit]")
    admin.wait_for_url(f"**/people/roles/{tree.union.code}/")
    admin.click("#activation-issue-link")
    admin.wait_for_url(f"**/people/roles/{tree.union.code}/activation/")
    assert _fits(admin)
    admin.select_option("#id_unit", klass.code)
    admin.click("#activation-form button[value=html]")
    admin.locator("#sheet svg").first.wait_for()
    assert admin.locator(".activation-card").count() == 2
    assert _fits(admin)
    admin.screenshot(path="/tmp/activation-sheet.png", full_page=True)
    card = admin.locator(".activation-card", has_text=student.name)
    code = card.locator(".activation-code code").inner_text()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
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
    # What the QR code holds: the page with both fields filled in.
    page.goto(
        f"{live_server.url}/people/activate/?student_number="
        f"{student.student_number}&code={code}"
    )
    assert page.input_value("#id_student_number") == student.student_number
    assert page.input_value("#id_code") == code
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    assert _fits(page)
    page.screenshot(path="/tmp/activation-page.png", full_page=True)
    page.click("#activate-form button[type=submit]")
    page.wait_for_url("**/people/me/")
    assert student.student_number in page.content()  # the user name, in the welcome
    assert errors == [], errors
    context.close()
