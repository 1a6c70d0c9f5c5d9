"""A delegate signs in on a phone, lands on their home (我的) and votes in one tap (#14).

The header fits a 390 px screen (the language switch submits on change, without a
button), the home lists what awaits first, urgent items marked, and tapping the vote
opens the ballot.
"""

from __future__ import annotations

import pytest

from tests.factories_voting import build_voting
from tongxue.voting import services as voting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_a_delegate_lands_on_the_home_and_taps_through_to_the_ballot(phone):
    setup = build_voting(prefix="HJ", voters=1)
    voting.open_vote(actor=setup.admin, election=setup.election)
    page = phone
    page.goto("/accounts/login/")
    page.fill("input[name=username]", setup.voters[0].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/people/me/")
    assert page.locator("h1").inner_text() == "我的"
    # The header: no "Switch" button once the script runs; it stays short on a phone.
    assert not page.locator(".autosubmit-fallback").is_visible()
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] < 130, header
    vote = page.locator('li.home-item[data-kind="vote"]')
    assert vote.count() == 1 and vote.get_attribute("data-urgent") == "true"
    box = vote.locator("a").bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] >= 44
    # The page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/home-phone.png", full_page=True)
    # The language switches on change.
    page.select_option("#language", "en")
    page.wait_for_load_state("load")
    page.locator("h1", has_text="Mine").wait_for()
    assert "Vote:" in page.locator('li.home-item[data-kind="vote"]').inner_text()
    page.screenshot(path="/tmp/home-phone-en.png", full_page=True)
    # One tap to the ballot.
    page.click('li.home-item[data-kind="vote"] a')
    page.wait_for_url(f"**/vote/{setup.election.code}/")
    assert page.errors == [], page.errors
