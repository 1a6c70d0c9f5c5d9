"""A union administrator runs a congress on a phone, in Chinese (CON-4, CON-5, CON-6).

Plan a congress, allocate its seats by department and grade, freeze them, enter
delegates while the share of non-core delegates updates live, freeze the list and
open the public delegate list.
"""

from __future__ import annotations

import pytest

from tests.factories_congress import build_union, make_core
from tongxue.congresses.models import Meeting, MeetingStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
MATRIX = "department,1,2,3,4\nUD0,150,130,120,100\nUD1,90,80,70,60\nUD2,70,60,40,30\n"


def confirm_step(page, step: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f"#step-{step}")
    box.locator("summary").click()
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def add_delegate(page, ident: str, delegates: int, meets: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("#delegate-form form")
    form.locator("input[name=ident]").fill(ident)
    form.locator("input[name=electing_unit]").fill("UD0K1")
    form.locator("input[name=held]").fill("2026-11-20")
    form.locator("input[name=electorate]").fill("40")
    form.locator("input[name=votes_cast]").fill("38")
    form.locator("input[name=votes]").fill("30")
    form.locator("button[type=submit]").click()
    page.locator(
        f'#live-share[data-delegates="{delegates}"][data-meets="{meets}"]'
    ).wait_for()


def test_a_union_runs_its_congress_on_a_phone(phone, live_server):
    u = build_union()
    core = u.students["UD0"][0]
    make_core(core, u.departments[0])
    page = phone

    page.goto("/accounts/login/?next=/org/USU/congresses/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("input[name=username]", "uadmin")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url("**/org/USU/congresses/")
    page.locator("#congress-list-empty").wait_for()

    # Plan a congress.
    page.click("#plan-congress")
    page.select_option("select[name=kind]", "congress")
    page.fill("input[name=session]", "3")
    page.fill("input[name=opened]", "2026-12-10")
    with page.expect_navigation():
        page.click("#plan-form button[type=submit]")
    assert page.locator("#status").get_attribute("data-status") == "planned"
    meeting = Meeting.objects.get()

    # Allocate seats by department and grade, one seat for a main club.
    page.click("#seats-link")
    page.click("#by-grade-link")
    page.fill("input[name=seats]", "20")
    page.check("input[name=source][value=entered]")
    page.fill("textarea[name=matrix]", MATRIX)
    page.check("input[name=clubs][value=UCL0]")
    with page.expect_navigation():
        page.click("#grade-form button[type=submit]")
    page.locator("#grade-table tr[data-unit=UD2]").wait_for()
    page.screenshot(path="/tmp/congress-seats.png", full_page=False)

    # Freeze the seats (with a confirmation).
    page.goto(f"/org/USU/congresses/{meeting.code}/")
    confirm_step(page, "seats_allocated")
    assert page.locator("#status").get_attribute("data-status") == "seats_allocated"

    # Enter delegates: the live share changes with each one.
    page.click("#enter-link")
    page.locator('#live-share[data-delegates="0"]').wait_for()
    add_delegate(page, core.ident, 1, "no")
    add_delegate(page, u.students["UD0"][4].ident, 2, "no")
    add_delegate(page, u.students["UD0"][7].ident, 3, "yes")
    assert "2 / 3" in page.locator("#share-value").inner_text()
    page.screenshot(path="/tmp/congress-delegates.png", full_page=False)

    # Freeze the delegate list.
    page.goto(f"/org/USU/congresses/{meeting.code}/")
    confirm_step(page, "delegates_elected")
    assert page.locator("#status").get_attribute("data-status") == "delegates_elected"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DELEGATES_ELECTED

    # The public list: names and provenance, no identifiers, even signed out.
    page.context.clear_cookies()
    page.goto(f"/org/USU/congresses/{meeting.code}/delegates/")
    rows = page.locator("#delegate-list tbody tr")
    assert rows.count() == 3
    text = page.locator("main").inner_text()
    assert core.name in text and core.ident not in text
    page.locator("#grade-table").wait_for()
    rows.first.locator("a").click()
    page.locator("#prov-votes").wait_for()
    assert page.locator("#prov-votes").inner_text() == "30"
    assert page.errors == [], page.errors
