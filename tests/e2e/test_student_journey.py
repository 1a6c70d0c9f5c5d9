"""A student activates with a class-sheet code on a phone, lands on the home (我的),
taps the open vote and votes (#14).

The union admin issues the class's activation codes through the real page and prints
the sheet; the student, in a fresh phone context, opens the address printed on the
slip, types their student number and the code, chooses a password, lands on 我的,
taps the vote card, casts the ballot and sees the receipt; the home then no longer
lists the vote. No page scrolls sideways at 390 px.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import DelegateFactory, OrganisationFactory, PersonFactory
from tests.factories_voting import build_voting
from tongxue.organisations.models import OrgKind
from tongxue.voting import selectors
from tongxue.voting import services as voting
from tongxue.voting.models import Participation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "xue-sheng-2026-tongxue"
VOTE_CARD = 'li.home-item[data-kind="vote"]'


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    """The page does not scroll sideways on a 390 px screen."""
    return page.evaluate("document.documentElement.scrollWidth <= 390")


def test_a_student_activates_on_a_phone_and_votes_from_the_home(
    browser, phone, live_server
):
    selectors.clear_cache()
    setup = build_voting(prefix="SJ", voters=1, seats=1, candidates=2)
    klass = OrganisationFactory(
        code="SJ-C1",
        name="法学2024级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=setup.union,
        students_served=None,
    )
    student = PersonFactory(
        ident="SJ-S0",
        name="李同学",
        student_number="2024110001",
        class_unit=klass,
    )
    PersonFactory(
        ident="SJ-S1", name="王同学", student_number="2024110002", class_unit=klass
    )
    # The student is a delegate of the electing congress: on the roll once it opens.
    DelegateFactory(meeting=setup.meeting, person=student)
    voting.open_vote(actor=setup.admin, election=setup.election)
    election = setup.election
    union = setup.union.code

    # The union admin issues the class's codes and prints the sheet.
    admin = phone
    admin.goto(f"/accounts/login/?next=/people/roles/{union}/")
    admin.fill("input[name=username]", setup.admin.username)
    admin.fill("input[name=password]", PASSWORD)
    admin.click("form[action='/accounts/login/'] button[type=submit]")
    admin.wait_for_url(f"**/people/roles/{union}/")
    admin.click("#activation-issue-link")
    admin.wait_for_url(f"**/people/roles/{union}/activation/")
    admin.select_option("#id_unit", klass.code)
    admin.click("#activation-form button[value=html]")
    admin.locator("#sheet svg").first.wait_for()
    assert admin.locator(".activation-card").count() == 2
    assert _fits(admin)
    card = admin.locator(".activation-card", has_text=student.name)
    code = card.locator(".activation-code code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
    printed_url = card.locator(".invite-url").inner_text().strip()
    assert printed_url.endswith("/people/activate/"), printed_url
    assert admin.errors == [], admin.errors

    # A fresh phone: the student types what the slip says.
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(printed_url)
    assert _fits(page)
    page.fill("#id_student_number", student.student_number)
    page.fill("#id_code", code)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("#activate-form button[type=submit]")

    # 我的: the open vote waits first, urgent; one tap opens the ballot.
    page.wait_for_url("**/people/me/")
    assert page.locator("h1").inner_text() == "我的"
    assert _fits(page)
    vote = page.locator(VOTE_CARD)
    assert vote.count() == 1
    assert election.title in vote.inner_text()
    assert vote.get_attribute("data-urgent") == "true"
    page.screenshot(path="/tmp/student-home.png", full_page=True)
    vote.locator("a").tap()
    page.wait_for_url(f"**/vote/{election.code}/")
    assert _fits(page)

    # The ballot: mark one candidate, review, cast, keep the receipt.
    page.check("#c0")
    page.click("#ballot-form button[type=submit]")
    page.locator("#ballot-summary").wait_for()
    assert page.locator("#void-warning").count() == 0
    assert _fits(page)
    page.click("#cast-form button[type=submit]")
    page.locator("#receipt").wait_for()
    assert page.locator("#short-code").inner_text().strip()
    assert _fits(page)
    page.screenshot(path="/tmp/student-receipt.png", full_page=True)
    assert Participation.objects.filter(
        election=election, voter__username=student.student_number
    ).exists()

    # Back home: nothing waits for that vote any more.
    page.goto(f"{live_server.url}/people/me/")
    assert page.locator(VOTE_CARD).count() == 0
    assert _fits(page)
    assert errors == [], errors
    context.close()
    selectors.clear_cache()
