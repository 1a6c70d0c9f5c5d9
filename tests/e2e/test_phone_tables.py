"""Tables on a 360 px phone (#16): no name breaks over lines, wide tables scroll with a cue.

The delegate list becomes one card per delegate; the seat tables scroll sideways with
shadows at the edges; the election method's facts keep a two-character value on one
line. (The audit log lives in tongxue/compliance, rebuilt separately.)
"""

from __future__ import annotations

import pytest

from tests.factories_congress import allocated, build_union, enter
from tests.factories_elections import build_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrow(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    yield page
    context.close()


ONE_LINE = """el => {
  const r = document.createRange(); r.selectNodeContents(el);
  const tops = new Set([...r.getClientRects()].filter(x => x.width > 0)
    .map(x => Math.round(x.top)));
  return tops.size;
}"""
NO_PAGE_OVERFLOW = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)
CUE = """el => getComputedStyle(el).backgroundImage.includes('radial-gradient')
  && getComputedStyle(el).overflowX === 'auto'"""


def test_delegate_list_and_seat_tables_fit_a_360px_phone(narrow):
    u = build_union()
    meeting = allocated(u)
    names = ["康文", "马宇", "李娜"]
    for dept, name in zip(u.departments, names, strict=True):
        person = u.students[dept.code][0]
        person.name = name
        person.save(update_fields=["name"])
        enter(u, meeting, person)
    page = narrow
    page.goto(f"/org/{u.union.code}/congresses/{meeting.code}/delegates/")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    cells = page.locator("#delegate-list td.name-cell")
    assert cells.count() == 3
    for i in range(3):
        assert cells.nth(i).evaluate(ONE_LINE) == 1, cells.nth(i).inner_text()
    # A card: the name heads it, every other cell carries its label.
    dept_cell = page.locator("#delegate-list tbody tr").first.locator("td").nth(1)
    label = dept_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert "院系" in label or "Department" in label
    page.screenshot(path="/tmp/phone-delegates.png", full_page=True)

    # The seat table scrolls with a cue; a department's name stays on one line.
    wrap = page.locator("#allocation-explanation .table-scroll").first
    assert wrap.evaluate(CUE)
    unit = page.locator("#allocation-explanation td.name-cell").first
    assert unit.evaluate(ONE_LINE) == 1
    assert page.evaluate(NO_PAGE_OVERFLOW)

    page.goto(f"/org/{u.union.code}/congresses/{meeting.code}/seats/")
    wrap = page.locator("#seat-table .table-scroll")
    assert wrap.evaluate(CUE)
    assert page.locator("#seat-table td.name-cell").first.evaluate(ONE_LINE) == 1
    assert page.evaluate(NO_PAGE_OVERFLOW)


def test_the_election_method_keeps_short_values_on_one_line(narrow):
    from tongxue.elections import services

    scene = build_scene()
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    services.adopt_method(actor=scene.presidium, election=election)
    page = narrow
    page.goto(f"/elections/{election.code}/")
    values = page.locator("#method dd")
    assert values.count() > 3
    assert page.evaluate(NO_PAGE_OVERFLOW)
    for i in range(values.count()):
        text = values.nth(i).inner_text().strip()
        if 0 < len(text) <= 4:
            assert values.nth(i).evaluate(ONE_LINE) == 1, text
    page.screenshot(path="/tmp/phone-method.png", full_page=True)
