"""The header's search box on a phone (#16): one place for search, from every page.

At 390×844 in Chinese a visitor taps the search button in the header (the header keeps
its height; the box opens under it, focused), types a cadre's name, sees the cadre with
their post and organisation on the search page, and follows to the organisation and its
cadre roster. An empty query and a query that finds nothing say so in words. The front
page's box, and an old ``/?q=`` link, lead to the same search page. The header is no
taller with the button at 360 and 390 px, in both languages, signed in or not.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.organisations.models import OrgKind, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
CADRE = "欧阳明月"
HEAD = "司马青"
UNION = "河西大学学生会"
# Two rows (the name and tools; the menu and the search button): 96 px before #16's box.
TWO_ROWS = 100


def _scene() -> None:
    school = SchoolFactory(code="HX", name="河西大学")
    union = OrganisationFactory(code="HX-SU", name=UNION, parent=school)
    dept = OrganisationFactory(
        code="HX-XX",
        name="河西大学学生会学习部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    start = dt.date(2025, 9, 1)
    PositionFactory(
        organisation=union,
        person=PersonFactory(ident="HX-1", name=CADRE),
        role=Role.PRESIDENT,
        title="主席",
        start=start,
    )
    PositionFactory(
        organisation=dept,
        person=PersonFactory(ident="HX-2", name=HEAD),
        role=Role.DEPARTMENT_HEAD,
        title="学习部部长",
        start=start,
    )
    admin = UserFactory(username="hxadmin")
    RoleFactory(user=admin, organisation=union)


def _header_height(page) -> float:  # type: ignore[no-untyped-def]
    box = page.locator("header.site-header").bounding_box()
    assert box is not None
    return float(box["height"])


def _fits(page, width: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {width}"))


def _search_from_header(page, words: str) -> None:  # type: ignore[no-untyped-def]
    page.click(".site-search-toggle")
    field = page.locator("#site-q")
    field.wait_for()
    field.fill(words)
    field.press("Enter")
    page.wait_for_url("**/search/?q=*")


def test_a_visitor_finds_a_cadre_from_the_header_and_reaches_the_roster(phone):
    _scene()
    page = phone
    page.goto("/")
    before = _header_height(page)
    assert before <= TWO_ROWS, before

    # The button opens the box under the header, focused; the header keeps its height.
    toggle = page.locator(".site-search-toggle")
    assert toggle.get_attribute("aria-hidden") is None
    assert toggle.inner_text().strip() == "搜索"  # read out; shown as a magnifier
    assert not page.locator("#site-q").is_visible()
    toggle.click()
    field = page.locator("#site-q")
    assert field.is_visible()
    assert page.evaluate("document.activeElement.id") == "site-q"
    assert _header_height(page) == before
    # Labelled for a screen reader, in Chinese.
    assert page.locator("label[for=site-q]").inner_text() == "组织、人名、公示或选举"
    assert (
        page.locator("form.site-search-form").get_attribute("aria-label") == "站内搜索"
    )
    box = page.locator("form.site-search-form").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert _fits(page, 390)
    page.screenshot(path="/tmp/phone-header-search.png")

    field.fill(CADRE)
    field.press("Enter")
    page.wait_for_url(f"**/search/?q={quote(CADRE)}")
    assert page.locator("h1").inner_text() == "搜索"
    cadres = page.locator('section.search-group[data-kind="cadres"]')
    assert cadres.locator("h2").inner_text() == "干部"
    hit = cadres.locator("li", has_text=CADRE)
    assert hit.count() == 1
    # The cadre with their post and their organisation; no student number.
    assert "主席" in hit.inner_text() and UNION in hit.inner_text()
    assert "HX-1" not in page.content()
    assert _fits(page, 390)
    page.screenshot(path="/tmp/phone-search-cadre.png", full_page=True)

    # Follow the cadre to their organisation, and on to its roster.
    hit.locator("a", has_text=CADRE).click()
    page.wait_for_url("**/org/HX-SU/")
    assert page.locator("h1").inner_text() == UNION
    page.locator("#union-work a", has_text="干部名录").click()
    page.wait_for_url("**/cadres/roster/HX-SU/")
    holders = page.locator("li.holder")
    assert holders.filter(has_text=CADRE).count() == 1
    assert holders.filter(has_text=HEAD).count() == 1  # the department's head too

    # An empty query says what can be found; one that finds nothing says so.
    _search_from_header(page, "")
    assert "输入名称或其中几个字" in page.locator("#search-results").inner_text()
    _search_from_header(page, "无此名称")
    assert "没有找到“无此名称”" in page.locator("#search-results").inner_text()
    assert page.locator("section.search-group").count() == 0

    # The organisation is found by its name from the same box.
    _search_from_header(page, "河西大学学生")
    orgs = page.locator('section.search-group[data-kind="organisations"]')
    assert orgs.get_by_role("link", name=UNION, exact=True).count() == 1
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


def test_the_front_page_searches_on_the_search_page(phone):
    _scene()
    page = phone
    page.goto("/")
    # The front page's own box goes to /search/, the one place for search.
    page.fill("main #q", CADRE)
    page.press("main #q", "Enter")
    page.wait_for_url(f"**/search/?q={quote(CADRE)}")
    cadres = page.locator('section.search-group[data-kind="cadres"]')
    assert cadres.locator("li", has_text=CADRE).count() == 1
    # An old link to the front page's search lands there too …
    page.goto(f"/?q={quote(HEAD)}")
    page.wait_for_url(f"**/search/?q={quote(HEAD)}")
    assert page.locator("section.search-group li", has_text=HEAD).count() == 1
    # … while the front page without words still lists the top-level organisations.
    page.goto("/")
    assert page.url.endswith("/")
    assert page.locator("#org-results a", has_text="河西大学").count() == 1
    assert page.errors == [], page.errors  # type: ignore[attr-defined]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 390])
def test_the_search_button_adds_no_row_to_the_phone_header(
    browser, live_server, width, language, signed_in
):
    _scene()
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = context.new_page()
    if signed_in:
        page.goto("/accounts/login/?next=/")
        page.fill("input[name=username]", "hxadmin")
        page.fill("input[name=password]", PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_url("**/")
    page.goto("/")
    toggle = page.locator(".site-search-toggle").bounding_box()
    links = page.locator(".site-nav a:visible")
    first = links.first.bounding_box()
    last = links.last.bounding_box()
    assert toggle is not None and first is not None and last is not None
    # The button sits beside the menu, not on a row of its own …
    assert toggle["y"] < last["y"] + last["height"]
    assert toggle["x"] + toggle["width"] <= width
    # … so the header keeps its two rows (English at 360 px already had three:
    # its menu wraps once).
    height = _header_height(page)
    three_rows = language == "en" and width == 360
    assert height <= (TWO_ROWS * 1.4 if three_rows else TWO_ROWS), height
    if not three_rows:
        assert last["y"] == first["y"]  # the menu is one row
    assert _fits(page, width)
    # Open, the box lies over the page under the header and the header stays as tall.
    page.locator(".site-search-toggle").click()
    assert page.locator("#site-q").is_visible()
    assert _header_height(page) == height
    word = "Organisation, person, notice or election"
    if language == "zh-hans":
        word = "组织、人名、公示或选举"
    assert page.locator("label[for=site-q]").inner_text() == word
    assert _fits(page, width)
    context.close()


def test_on_a_wide_screen_the_button_says_search(browser, live_server):
    _scene()
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.goto("/")
    toggle = page.locator(".site-search-toggle")
    assert toggle.inner_text().strip() == "搜索"
    assert page.locator(".site-nav a", has_text="API").is_visible()
    toggle.click()
    page.screenshot(path="/tmp/wide-header-search.png")
    page.locator("#site-q").fill(CADRE)
    page.locator("form.site-search-form button").click()
    page.wait_for_url(f"**/search/?q={quote(CADRE)}")
    assert page.locator("section.search-group li", has_text=CADRE).count() == 1
    # Escape closes the box again.
    page.locator(".site-search-toggle").click()
    page.keyboard.press("Escape")
    assert not page.locator("#site-q").is_visible()
    context.close()
