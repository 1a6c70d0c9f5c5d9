"""Raising a concern on a 360 px phone, in Chinese (#17): three taps from the home,
similar concerns while typing (htmx under the CSP) with 我也遇到, a photo, the follow-up
code of an anonymous concern; the handler queue as one card per concern."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.factories_voice_public import build_school
from tongxue.voice import services
from tongxue.voice.models import Concern, Visibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
NO_PAGE_OVERFLOW = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


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
    page.add_init_script(WATCH_CSP)
    yield page
    context.close()


def sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(lambda u: u.endswith(next_url))


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "canteen.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 30)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_student_raises_a_concern_on_a_phone(narrow, tmp_path) -> None:
    s = build_school(prefix="W")
    first = services.raise_concern(
        actor=s.students[1],
        union=s.union,
        category=s.categories["food"],
        title="二食堂饭菜太贵",
        body="二食堂饭菜又涨价了",
        visibility=Visibility.PUBLIC,
    ).concern
    page = narrow
    sign_in(page, s.students[0].username, "/people/me/")
    # Tap 1: the home's item opens the form.
    page.click('li.home-item[data-kind="voice-raise"] a')
    page.wait_for_url(lambda u: u.endswith("/voice/new/"))
    assert page.evaluate(NO_PAGE_OVERFLOW)
    chips = page.locator("label.chip")
    assert chips.count() == 4
    for i in range(chips.count()):
        box = chips.nth(i).bounding_box()
        assert (
            box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
        )
    # Tap 2: a category; typing shows the similar concern (htmx, no inline script).
    page.click('label.chip[data-code="food"]')
    assert page.locator('label.chip[data-code="food"] input').is_checked()
    page.fill("#id_title", "二食堂饭菜")
    page.locator("#id_title").press("End")  # a keyup: htmx asks after 500 ms
    item = page.locator(f'#similar li[data-reference="{first.reference}"]')
    item.wait_for()
    assert page.evaluate(NO_PAGE_OVERFLOW)
    page.screenshot(path="/tmp/phone-voice-raise.png", full_page=True)
    item.locator("button.support-button").click()
    page.locator("#similar li.supported").wait_for()
    first.refresh_from_db()
    assert first.supporters == 1
    # Still raising one of its own, with a photo: tap 3 sends it.
    page.fill("#id_title", "二食堂饭菜太咸")
    page.fill("#id_body", "晚饭很咸，已经一周了。")
    page.set_input_files("#photo-album", str(photo_file(tmp_path)))
    page.click("#raise-submit")
    page.wait_for_selector("#raised-reference")
    mine = Concern.objects.exclude(pk=first.pk).get()
    assert page.inner_text("#raised-reference") == mine.reference
    assert mine.photos.count() == 1
    assert page.evaluate("window.__csp") == []

    # Anonymous: the code is shown once, with a copy button where the clipboard is.
    page.goto("/voice/new/")
    page.click('label.chip[data-code="dorm"]')
    page.fill("#id_title", "宿舍热水不热")
    page.fill("#id_body", "七号楼热水一直不热。")
    page.click('label.vis-option[data-visibility="anonymous"]')
    page.click("#raise-submit")
    page.wait_for_selector("#follow-up-code")
    code = page.input_value("#follow-up-code")
    assert len(code) == 14
    assert page.evaluate(NO_PAGE_OVERFLOW)
    page.screenshot(path="/tmp/phone-voice-code.png", full_page=True)
    assert page.evaluate("window.__csp") == []


def test_the_handler_queue_is_one_card_per_concern_on_a_phone(narrow) -> None:
    s = build_school(prefix="WQ")
    for k, title in enumerate(
        ["图书馆空调不制冷影响自习", "三号宿舍楼热水供应时间太短"]
    ):
        services.raise_concern(
            actor=s.students[k],
            union=s.union,
            category=s.categories["dorm"],
            title=title,
            body="请尽快处理。",
            visibility=Visibility.PRIVATE,
        )
    page = narrow
    sign_in(page, s.officer.username, "/voice/handle/")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 2
    status = rows.first.locator("td").nth(1)
    label = status.evaluate("el => getComputedStyle(el, '::before').content")
    assert "状态" in label
    assert page.evaluate(NO_PAGE_OVERFLOW)
    page.screenshot(path="/tmp/phone-voice-queue.png", full_page=True)
    # The concern's page: the steps fit the phone.
    rows.first.locator("td.card-title a").click()
    page.wait_for_selector("#concern-handling")
    assert page.evaluate(NO_PAGE_OVERFLOW)
    page.click("#answer-block summary")
    page.fill("#answer_text", "已联系后勤处，本周内修复。")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector('#concern-status[data-status="answered"]')
    page.screenshot(path="/tmp/phone-voice-detail.png", full_page=True)
    assert page.evaluate("window.__csp") == []
