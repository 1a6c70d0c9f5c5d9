"""Three delegates vote on phones, the presidium closes and counts, a voter finds their
ballot on the bulletin board (ELE-5 · GS-8)."""

from __future__ import annotations

import pytest

from tests.factories_voting import build_voting
from tongxue.voting import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _new_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def test_delegates_vote_and_verify_their_receipt(browser, phone, live_server):
    selectors.clear_cache()
    setup = build_voting(prefix="J", voters=3, seats=2, candidates=3)
    code = setup.election.code
    admin = phone

    # The presidium opens the vote and sees the QR code and the turnout.
    _sign_in(admin, setup.admin.username, f"/vote/{code}/manage/")
    admin.click("#open-button")
    admin.locator("#ballot-link svg").wait_for()
    admin.screenshot(path="/tmp/voting-manage.png", full_page=True)
    assert admin.locator("[data-count=entitled]").inner_text() == "3"

    receipts = {}
    for k, voter in enumerate(setup.voters):
        context, page = _new_phone(browser, live_server)
        _sign_in(page, voter.username, f"/vote/{code}/")
        page.check("#c0")
        page.check(f"#c{1 + k % 2}")
        if k == 0:
            page.screenshot(path="/tmp/voting-ballot.png", full_page=True)
        page.click("#ballot-form button[type=submit]")
        page.locator("#ballot-summary").wait_for()
        assert page.locator("#void-warning").count() == 0
        page.click("#cast-form button[type=submit]")
        page.locator("#receipt").wait_for()
        if k == 0:
            page.screenshot(path="/tmp/voting-receipt.png", full_page=True)
        receipts[voter.username] = (
            page.locator("#short-code").inner_text().strip(),
            page.locator("#tracker").inner_text().strip(),
        )
        assert page.errors == [], page.errors
        context.close()

    # Turnout only, never results, while open (htmx polls the counts).
    admin.reload()
    assert admin.locator("[data-count=voted]").inner_text() == "3"
    assert setup.candidates[0] not in admin.locator("#turnout").inner_text()

    # Close with confirmation, then count.
    admin.click("#close-button")
    admin.locator("#close-form").wait_for()
    admin.click("#close-form button[type=submit]")
    admin.locator("#count-button").wait_for()
    admin.click("#count-button")
    admin.wait_for_selector("#status[data-status=counted]")

    # A voter finds their ballot on the public board by the short code.
    short, tracker = receipts[setup.voters[0].username]
    admin.goto(f"/vote/{code}/board/")
    admin.fill("#tracker", short)
    admin.click("#tracker-search button[type=submit]")
    row = admin.locator(f"tr[data-tracker='{tracker}']")
    row.wait_for()
    admin.screenshot(path="/tmp/voting-board.png", full_page=True)
    assert admin.locator("tr[data-tracker]").count() == 1
    assert admin.locator("#board-result").count() == 0  # shown once certified
    assert admin.errors == [], admin.errors
    selectors.clear_cache()
