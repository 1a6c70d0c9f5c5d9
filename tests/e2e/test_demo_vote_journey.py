"""The demo ends in a certified electronic result (#16), on phones, in Chinese.

The school demo is loaded as tests/integration/test_voting_demo.py loads it (a demo
school union with a standing delegate conference of five standing delegates, then the
voting demo and the demo accounts). Four of the five demo voters (delegate1 …
delegate4, password tongxue-demo) sign in and vote through the ballot: more than 2/3
of the roll, so the vote is valid. union_admin closes and counts it on the manage page
and certifies the result; the result page says 当选 with the elected name and the
bulletin board lists the four trackers (ELE-4 · ELE-5 · GS-8).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.test_voting_demo import _demo_school
from tongxue.demo import voting as demo
from tongxue.demo.accounts import DEMO_PASSWORD, ensure_demo_accounts
from tongxue.elections.models import Election, ElectionStatus
from tongxue.voting import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
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


def _sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_demo_voters_elect_the_president_on_their_phones(browser, live_server):  # type: ignore[no-untyped-def]
    selectors.clear_cache()
    meeting = _demo_school(standing=5)
    summary = demo.seed(scale="school", as_of=dt.date(2026, 11, 23))
    ensure_demo_accounts(scale="school")
    election = Election.objects.get(meeting=meeting)
    code = election.code
    assert election.status == ElectionStatus.OPEN
    assert f"/vote/{code}/" in summary
    first = election.candidates.order_by("pk").first()
    assert first is not None

    # Four demo voters vote for the first candidate through the ballot on a phone.
    trackers = []
    for username in demo.DELEGATES[:4]:
        ctx, voter = _phone(browser, live_server)
        _sign_in(voter, username, f"/vote/{code}/")
        voter.check("#c0")
        voter.click("#ballot-form button[type=submit]")
        voter.locator("#ballot-summary").wait_for()
        assert voter.locator("#void-warning").count() == 0
        voter.click("#cast-form button[type=submit]")
        voter.locator("#receipt").wait_for()
        trackers.append(voter.locator("#tracker").inner_text().strip())
        assert voter.errors == [], voter.errors
        ctx.close()
    assert len(set(trackers)) == 4

    # union_admin closes and counts on the manage page, then certifies.
    ctx, admin = _phone(browser, live_server)
    _sign_in(admin, "union_admin", f"/vote/{code}/manage/")
    assert admin.locator("[data-count=voted]").inner_text() == "4"
    admin.click("#close-button")
    admin.locator("#close-form").wait_for()
    admin.click("#close-form button[type=submit]")
    admin.locator("#count-button").wait_for()
    admin.click("#count-button")
    admin.wait_for_selector("#status[data-status=counted]")
    admin.goto(f"/elections/{code}/manage/certify/")
    admin.fill("textarea[name=comment]", "计票无误")
    admin.click("#confirm-button")
    admin.wait_for_url(f"**/elections/{code}/manage/")
    assert admin.locator("#status").get_attribute("data-status") == "certified"
    assert admin.errors == [], admin.errors
    ctx.close()

    # Anyone reads the result: 当选 and the elected name; the board has the trackers.
    ctx, public = _phone(browser, live_server)
    public.goto(f"/elections/{code}/")
    public.click("#result-link")
    public.wait_for_url(f"**/elections/{code}/result/")
    assert public.locator("#ballots-valid").inner_text().strip() == "4"
    elected = public.locator("#elected").inner_text()
    assert "当选" in elected and first.person.name in elected
    assert "当选" in public.locator("#result-table tr.elected").inner_text()
    public.screenshot(path="/tmp/demo-vote-result.png", full_page=True)
    public.goto(f"/vote/{code}/board/")
    assert public.locator("tr[data-tracker]").count() == 4
    assert {
        public.locator("tr[data-tracker]").nth(i).get_attribute("data-tracker")
        for i in range(4)
    } == set(trackers)
    assert first.person.name in public.locator("#board-result #elected").inner_text()
    assert public.errors == [], public.errors
    ctx.close()
    assert Election.objects.get(code=code).status == ElectionStatus.CERTIFIED
    selectors.clear_cache()
