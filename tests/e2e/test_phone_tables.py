"""Tables on a 360 px phone (#16): no name breaks over lines, wide tables scroll with a cue.

The delegate list becomes one card per delegate; the seat tables scroll sideways with
shadows at the edges; the election method's facts keep a two-character value on one
line. The audit log becomes one card per record; the bulletin board's count and
ballots scroll sideways with candidates' names on one line.
"""

from __future__ import annotations

import pytest

from tests.factories_congress import allocated, build_union, enter
from tests.factories_elections import build_scene
from tests.factories_voting import build_voting

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


def _sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_the_audit_log_and_the_board_fit_a_360px_phone(narrow):
    from django.db import transaction

    from tongxue.core import auditlog
    from tongxue.elections.services import certify_result
    from tongxue.organisations.models import Person
    from tongxue.voting import selectors, services

    selectors.clear_cache()
    setup = build_voting(prefix="PT", voters=3, seats=1, candidates=3)
    names = ["康文", "马宇", "李娜"]
    for candidate, name in zip(
        setup.election.candidates.order_by("position"), names, strict=True
    ):
        Person.objects.filter(pk=candidate.person_id).update(name=name)
    election = setup.election
    services.open_vote(actor=setup.admin, election=election)
    for voter, marks in zip(
        setup.voters, (["1", "0", "0"], ["1", "0", "0"], ["0", "1", "0"]), strict=True
    ):
        services.cast(voter=voter, election_code=election.code, marks=marks)
    services.close_vote(actor=setup.admin, election=election)
    election.refresh_from_db()
    services.count_vote(actor=setup.admin, election=election)
    election.refresh_from_db()
    certify_result(actor=setup.admin, election=election)
    with transaction.atomic():
        for name in names:
            auditlog.record(
                actor=setup.admin,
                label=name,
                action="membership.note",
                organisation=setup.union.code,
                target="一条很长的记录对象，用来检查卡片里的文字会换行而不撑宽页面",
            )
    page = narrow

    # The board: the count and the ballots scroll with a cue; names stay on one line.
    page.goto(f"/vote/{election.code}/board/")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    for selector in ("#board-result .table-scroll", "#board .table-scroll"):
        assert page.locator(selector).evaluate(CUE), selector
    count_names = page.locator("#board-count td.name-cell")
    assert count_names.count() == 3
    for i in range(3):
        assert count_names.nth(i).evaluate(ONE_LINE) == 1, count_names.nth(
            i
        ).inner_text()
    heads = page.locator("#board .board-table th.name-cell")
    assert [heads.nth(i).inner_text().strip() for i in range(3)] == names
    for i in range(3):
        assert heads.nth(i).evaluate(ONE_LINE) == 1, names[i]
    assert page.locator("tr[data-tracker]").count() == 3
    page.screenshot(path="/tmp/phone-board.png", full_page=True)

    # The audit log: a card per record, the time heading it, each cell labelled.
    _sign_in(page, setup.admin.username, f"/org/{setup.union.code}/log/")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    who = page.locator("#audit-log td.name-cell")
    shown = [who.nth(i).inner_text().strip() for i in range(who.count())]
    assert set(names) <= set(shown)
    for i in range(who.count()):
        if shown[i] in names:
            assert who.nth(i).evaluate(ONE_LINE) == 1, shown[i]
    label = who.first.evaluate("el => getComputedStyle(el, '::before').content")
    heading = page.locator("#audit-log thead th").nth(1).text_content().strip()
    assert heading and heading in label
    # Cards, not a squeezed table: each record is as wide as the list.
    row = page.locator("#audit-log tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    page.screenshot(path="/tmp/phone-audit-log.png", full_page=True)
    selectors.clear_cache()
