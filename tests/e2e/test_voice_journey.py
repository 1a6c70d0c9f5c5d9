"""A concern's whole life on a phone in WeChat, in Chinese (#17, "Done means").

A student raises a concern with a photo (two taps from 我的 to the form) → another
student says 我也遇到 from the similar concerns shown while typing → the union's rights
officer forwards it to 后勤处 → the office answers → the student rates it 不满意 with a
reason → it is reopened (重办) → answered again → 满意 → the public figures change.
Every actor in their own browser (390 × 844, WeChat's in-app browser), through the
pages only; the database is read to check what the pages did.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.factories import RoleFactory, UserFactory
from tests.factories_voice_public import build_school
from tongxue.core.models import RoleKind
from tongxue.voice.models import Concern, ConcernEvent, ConcernStatus, EventKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
#: WeChat's in-app browser on an iPhone.
WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) "
    "NetType/WIFI Language/zh_CN"
)
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
def wechat(browser, live_server) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Open a page for one person in their own phone (a fresh context each)."""
    contexts = []

    def open_page() -> Any:
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            user_agent=WECHAT_UA,
            base_url=live_server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(WATCH_CSP)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page: Any, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(lambda u: u.endswith(next_url))


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "canteen.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 140, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def office_row(page: Any, union_code: str, office_code: str) -> list[str]:
    """The figures page's row of an office: received, then the four rates."""
    page.goto(f"/voice/{union_code}/figures/")
    row = page.locator(f"#units-table tr[data-code='{office_code}'] td")
    return [" ".join(row.nth(i).inner_text().split()) for i in range(row.count())]


def open_concern(page: Any, reference: str) -> None:
    """From the handler's inbox, open the concern (one card a concern)."""
    page.goto("/voice/handle/")
    card = page.locator("#queue tbody tr").filter(has_text=reference)
    card.locator("td.card-title a").click()
    page.wait_for_selector("#concern-handling")


def answer(page: Any, text: str) -> None:
    page.click("#answer-block summary")
    page.fill("#answer_text", text)
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector('#concern-status[data-status="answered"]')


def rate(page: Any, rating: str, reason: str = "") -> None:
    page.click(f'#rate-form label.chip[data-rating="{rating}"]')
    if reason:
        page.fill("#rate-form textarea[name=reason]", reason)
    page.click("#rate")


def test_a_concern_from_raising_to_a_satisfied_rating(wechat, tmp_path) -> None:
    s = build_school(prefix="J", students=2)
    union, logistics = s.union, s.offices[0]  # 后勤处
    office = UserFactory(username="jhq")
    RoleFactory(user=office, organisation=logistics, role=RoleKind.OFFICE_HANDLER)

    visitor = wechat()
    before = office_row(visitor, union.code, logistics.code)
    assert before[0] == "0"  # nothing received yet, nothing to judge

    # 1. The student raises it: 我的 (tap 1) → "Raise a concern" (tap 2) → the form.
    raiser = wechat()
    sign_in(raiser, s.students[0].username, "/")
    raiser.click("#my-account-link")
    raiser.wait_for_url(lambda u: u.endswith("/people/me/"))
    raiser.click('li.home-item[data-kind="voice-raise"] a')
    raiser.wait_for_url(lambda u: u.endswith("/voice/new/"))
    assert raiser.evaluate(NO_PAGE_OVERFLOW)
    raiser.click('label.chip[data-code="food"]')
    raiser.fill("#id_title", "二食堂饭菜涨价分量变少")
    raiser.fill(
        "#id_body", "二食堂一楼套餐从12元涨到15元，分量反而少了，希望保留平价窗口。"
    )
    raiser.fill("#id_place", "二食堂一楼")
    raiser.click('label.vis-option[data-visibility="public"]')
    raiser.set_input_files("#photo-album", str(photo_file(tmp_path)))
    raiser.click("#raise-submit")
    raiser.wait_for_selector("#raised-reference")
    concern = Concern.objects.get()
    reference = concern.reference
    assert raiser.inner_text("#raised-reference") == reference
    assert concern.photos.count() == 1
    assert concern.handler == union  # no default handler: the union takes it first

    # 2. Another student, typing the same problem, sees it and says 我也遇到.
    other = wechat()
    sign_in(other, s.students[1].username, "/voice/new/")
    other.click('label.chip[data-code="food"]')
    other.fill("#id_title", "二食堂饭菜")
    other.locator("#id_title").press("End")  # a keyup: htmx asks after a pause
    item = other.locator(f'#similar li[data-reference="{reference}"]')
    item.wait_for()
    assert other.evaluate(NO_PAGE_OVERFLOW)
    item.locator("button.support-button").click()
    other.locator("#similar li.supported").wait_for()
    concern.refresh_from_db()
    assert concern.supporters == 1
    assert Concern.objects.count() == 1  # no duplicate filed

    # 3. The rights officer forwards it to 后勤处.
    rights = wechat()
    sign_in(rights, s.officer.username, "/voice/handle/")
    open_concern(rights, reference)
    assert rights.evaluate(NO_PAGE_OVERFLOW)
    rights.click("#forward-block summary")
    rights.select_option("#forward-form select[name=to]", logistics.code)
    rights.fill("#forward-form textarea[name=note]", "请核实价格和分量标准。")
    rights.click("#forward-form button[type=submit]")
    rights.wait_for_selector('#concern-status[data-status="in_hand"]')
    assert rights.inner_text("#concern-handler") == logistics.name
    concern.refresh_from_db()
    assert concern.handler == logistics and concern.acknowledged_at is not None

    # 4. The office answers it.
    desk = wechat()
    sign_in(desk, office.username, "/voice/handle/")
    open_concern(desk, reference)
    answer(desk, "套餐因食材成本上调1元，分量按标准执行；已恢复两个平价窗口。")

    # 5. The student is not satisfied, says why: it is reopened (重办).
    raiser.goto(f"/voice/{union.code}/{concern.number}/")
    assert "平价窗口" in raiser.inner_text("#concern-answer")
    rate(raiser, "unsatisfied", "平价窗口只在中午开，晚饭还是没有。")
    raiser.wait_for_selector('#concern-status[data-status="reopened"]')
    concern.refresh_from_db()
    assert (concern.status, concern.reopened_count) == (ConcernStatus.REOPENED, 1)
    assert concern.answered_at is None  # the answer that counts is the next one

    # 6. The office answers again; 7. the student is satisfied: concluded.
    open_concern(desk, reference)
    answer(desk, "自下周一起平价窗口午餐、晚餐均开放，后勤处每周抽查一次。")
    raiser.goto(f"/voice/{union.code}/{concern.number}/")
    assert "晚餐" in raiser.inner_text("#concern-answer")
    rate(raiser, "satisfied")
    raiser.wait_for_selector('#concern-status[data-status="closed"]')
    assert raiser.get_attribute("#concern-rating", "data-rating") == "satisfied"
    assert raiser.evaluate(NO_PAGE_OVERFLOW)
    raiser.screenshot(path="/tmp/phone-voice-journey.png", full_page=True)
    kinds = list(
        ConcernEvent.objects.filter(concern=concern).values_list("kind", flat=True)
    )
    assert kinds == [  # forwarding acknowledged it (no step of its own)
        EventKind.RAISED,
        EventKind.FORWARDED,
        EventKind.ANSWERED,
        EventKind.RATED,
        EventKind.REOPENED,
        EventKind.ANSWERED,
        EventKind.RATED,
        EventKind.CLOSED,
    ]

    # 8. The public figures have changed: 后勤处 received it, acknowledged and answered
    # it in time, and it is solved to the student's satisfaction.
    after = office_row(visitor, union.code, logistics.code)
    assert after != before
    assert after[0] == "1"
    assert len(after) == 5 and all(cell.endswith("(1/1)") for cell in after[1:])
    assert all(cell.startswith("100") for cell in after[1:])
    # The public page names nobody: neither student's name is on it.
    visitor.goto(f"/voice/{union.code}/{concern.number}/")
    public = visitor.inner_text("main")
    assert s.people[0].name not in public and s.people[1].name not in public
    for page in (visitor, raiser, other, rights, desk):
        assert page.evaluate("window.__csp") == []
        assert page.errors == []
