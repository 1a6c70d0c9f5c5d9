"""On a phone, in Chinese (TRN-4 · GS-14, CQ-9; issue #18): the treasurer enters an
expenditure to the 分 with the receipt's photo and submits it; above the school's
threshold the finance approver only sees why they may not decide, the League advisor
finds it on their home and approves it from the queue; the treasurer discloses the term;
an anonymous visitor reads the term's public page: the entry with the student payee's
name masked, and the totals. No page is wider than the phone."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.core.models import RoleKind
from tongxue.domain.terms import term_of
from tongxue.finances import services
from tongxue.finances.models import Entry, Ledger, Receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WIDTH = 390


def narrow(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {WIDTH} + 1"))


def sign_in(page, user, to: str = "") -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={to}" if to else "/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{to or '/people/me/'}")


def receipt_photo(folder: Path) -> Path:
    """A small photo of a receipt, as a phone's camera would give it."""
    img = Image.new("RGB", (640, 900), (250, 250, 245))
    for y in range(100, 800, 60):
        for x in range(60, 580):
            img.putpixel((x, y), (40, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    path = folder / "receipt.jpg"
    path.write_bytes(buf.getvalue())
    return path


def test_an_expenditure_with_its_receipt_is_approved_by_the_advisor_and_disclosed(  # type: ignore[no-untyped-def]
    phone, tmp_path
):
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    term = term_of(today).code
    school = SchoolFactory(code="CWSCH", name="C大学")
    union = OrganisationFactory(code="CWSU", name="C大学学生会", parent=school)
    treasurer = UserFactory(username="c-treasurer")
    approver = UserFactory(username="c-approver")
    advisor = UserFactory(username="c-advisor")
    PersonFactory(name="王财务", user=treasurer)
    RoleFactory(user=treasurer, organisation=union, role=RoleKind.TREASURER)
    RoleFactory(user=approver, organisation=union, role=RoleKind.FINANCE_APPROVER)
    RoleFactory(user=advisor, organisation=school, role=RoleKind.LEAGUE_ADVISOR)
    # The school year's ledger (threshold 2,000 元) with the school's allocation.
    ledger = Ledger.objects.create(union=union, year=year)
    assert ledger.advisor_threshold == 2000
    allocation = services.enter(
        actor=treasurer,
        union=union,
        kind="income",
        amount="5000.00",
        day=today,
        summary="学校划拨学生会活动经费",
        source="school_allocation",
    )
    services.submit(actor=treasurer, entry=allocation)
    services.decide(
        actor=approver,
        entry=Entry.objects.select_related("ledger", "ledger__union").get(
            pk=allocation.pk
        ),
        approve=True,
    )
    photo = receipt_photo(tmp_path)
    page = phone
    ledger_url = f"/finances/{union.code}/"

    # The treasurer enters the expenditure with the receipt's photo.
    sign_in(page, treasurer, ledger_url)
    assert narrow(page)
    form = page.locator("#entry-form")
    assert "录入收支" in page.inner_text("#enter-title")
    page.select_option("#id_entry-kind", "expenditure")
    page.fill("#id_entry-amount", "2345.67")
    page.fill("#id_entry-day", today.isoformat())
    page.fill("#id_entry-summary", "迎新晚会舞台搭建")
    page.select_option("#id_entry-category", "activities")
    page.fill("#id_entry-project", "2026迎新晚会")
    page.fill("#id_entry-payee", "张小明")
    page.check("#id_entry-payee_is_student")
    page.set_input_files("#id_entry-receipt", str(photo))
    assert narrow(page)
    form.get_by_role("button", name="存为草稿").click()
    page.wait_for_selector("#entry-status[data-status=draft]")
    entry_url = page.url.removeprefix(page.url.split("/finances/")[0])
    entry = Entry.objects.get(summary="迎新晚会舞台搭建")
    assert entry.amount == Decimal("2345.67")
    assert Receipt.objects.filter(entry=entry).exists()
    assert page.inner_text("#entry-amount") == "2345.67"
    assert page.locator("#receipt-link").inner_text() == "查看凭证"
    assert narrow(page)
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_selector("#entry-status[data-status=submitted]")
    assert narrow(page)

    # Above the threshold the finance approver may not decide: their home does not
    # list it, the queue says why.
    sign_in(page, approver)
    assert page.locator('li.home-item[data-kind="approve-entries"]').count() == 0
    page.goto(f"/finances/{union.code}/queue/")
    item = page.locator(f"#queue-list li[data-entry='{year}-{entry.number}']")
    assert item.locator(".refusal").count() == 1
    assert item.get_by_role("button", name="审批通过").count() == 0
    assert narrow(page)

    # The League advisor finds it on their home (我的) and approves it from the queue.
    sign_in(page, advisor)
    assert narrow(page)
    page.click('li.home-item[data-kind="approve-entries"] a')
    page.wait_for_url(f"**/finances/{union.code}/queue/")
    item = page.locator(f"#queue-list li[data-entry='{year}-{entry.number}']")
    assert "2345.67 元" in item.inner_text()
    assert "迎新晚会舞台搭建" in item.inner_text()
    assert narrow(page)
    item.get_by_role("button", name="审批通过").click()
    page.wait_for_selector("#queue-empty")
    assert narrow(page)
    page.goto(entry_url)
    assert page.get_attribute("#entry-status", "data-status") == "approved"
    assert narrow(page)

    # The treasurer discloses the term (with confirmation).
    sign_in(page, treasurer, ledger_url)
    assert page.inner_text("#balance-value") == "2654.33"
    page.click("#disclose-block summary")
    page.select_option("#id_disclose-term", term)
    page.fill("#id_disclose-note", "本学期经费收支明细，欢迎同学监督。")
    assert narrow(page)
    page.get_by_role("button", name="公开本学期财务").click()
    page.wait_for_url(f"**/finances/{union.code}/open/{term}/")
    assert page.locator("#disclosed").count() == 1
    assert narrow(page)

    # An anonymous visitor reads the term's public page.
    page.context.clear_cookies()
    page.goto(f"/finances/{union.code}/open/")
    assert narrow(page)
    page.click(f"#term-list li[data-term='{term}'] a")
    page.wait_for_url(f"**/finances/{union.code}/open/{term}/")
    assert page.locator("#disclosed").count() == 1
    assert "欢迎同学监督" in page.inner_text("#disclosed")
    assert page.inner_text("#income") == "5000.00 元"
    assert page.inner_text("#spending") == "2345.67 元"
    assert page.inner_text("#closing") == "2654.33 元"
    row = page.locator(f"#public-entries tr[data-entry='{entry.number}']")
    text = row.inner_text()
    assert "迎新晚会舞台搭建" in text and "2345.67" in text
    assert row.locator(".payee").inner_text() == "张**"
    assert "张小明" not in page.content()
    assert page.locator("#receipt-link").count() == 0  # the receipt is never public
    assert narrow(page)
    assert page.errors == [], page.errors
