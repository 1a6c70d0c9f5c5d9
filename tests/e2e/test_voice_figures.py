"""The public figures on a phone (#17): the vendored ECharts draws its charts under the
CSP (no inline script, no violation), each chart followed by the table of its figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories_voice_public import build_school, concern
from tongxue.voice.models import Visibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Records every CSP violation of the page (Playwright's init scripts are not subject
#: to the page's CSP, the page's own scripts are).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_figures_page_draws_charts_under_the_csp_on_a_phone(phone):
    s = build_school(prefix="E")
    today = timezone.localdate()
    past = today - dt.timedelta(days=20)
    hq = s.offices[0]
    # back office: acknowledged in time, answered in time, closed satisfied …
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=past + dt.timedelta(days=2),
        answer_due=past + dt.timedelta(days=10),
        acknowledged=past + dt.timedelta(days=1),
        answered=past + dt.timedelta(days=5),
        closed=past + dt.timedelta(days=8),
        status="closed",
        rating="satisfied",
    )
    # … and one never acknowledged, past its deadlines: 50% each
    concern(
        s,
        handler=hq,
        raised=past,
        acknowledge_due=past + dt.timedelta(days=2),
        answer_due=past + dt.timedelta(days=10),
        visibility=Visibility.PRIVATE,
    )
    page = phone
    page.add_init_script(WATCH_CSP)
    response = page.goto(f"/voice/{s.union.code}/figures/")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in (
        response.headers.get("content-security-policy") or ""
    )
    page.wait_for_selector("[data-chart='chart-units'] canvas")
    page.wait_for_selector("[data-chart='chart-months'] canvas")
    for chart in ("chart-units", "chart-months"):
        box = page.locator(f"[data-chart='{chart}'] canvas").first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
    # the chart is drawn, not blank: some pixels differ from the first one
    drawn = page.evaluate(
        """() => {
          const c = document.querySelector("[data-chart='chart-units'] canvas");
          const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
          let differ = 0;
          for (let i = 4; i < d.length; i += 4 * 97) {
            if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2] || d[i + 3] !== d[3]) differ++;
          }
          return differ;
        }"""
    )
    assert drawn > 20
    # the table after each chart has the figures, in Chinese
    units = page.locator("#units-table")
    assert "响应率" in units.inner_text()
    row = page.locator(f"#units-table tr[data-code='{hq.code}']").inner_text()
    assert "50%" in row and "(1/2)" in row
    assert page.locator("#months-table tbody tr").count() == 6
    page.screenshot(path="/tmp/phone-voice-figures.png", full_page=True)
    assert page.evaluate("window.__csp") == []
    assert page.errors == []  # type: ignore[attr-defined]
    # no sideways scroll of the page on the phone
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_public_list_on_a_phone(phone):
    s = build_school(prefix="L")
    concern(
        s,
        title="宿舍没有热水 13812345678",
        category="dorm",
        place="7号楼",
        supporters=3,
    )
    concern(s, title="私下的事情", visibility=Visibility.PRIVATE)
    page = phone
    page.goto(f"/voice/{s.union.code}/")
    cards = page.locator("#public-concerns .concern-card")
    assert cards.count() == 1
    text = cards.first.inner_text()
    assert "宿舍没有热水" in text and "7号楼" in text and "3 人也遇到" in text
    assert "13812345678" not in text
    page.screenshot(path="/tmp/phone-voice-public-list.png")
    page.locator("#public-filters").evaluate("f => f.closest('details').open = true")
    page.select_option("#public-filters select[name=category]", "food")
    page.locator("#public-filters button[type=submit]").click()
    page.wait_for_url("**category=food**")
    assert page.locator("#public-empty").is_visible()
    page.screenshot(path="/tmp/phone-voice-public.png", full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
