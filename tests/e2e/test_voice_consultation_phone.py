"""网上学联 on a 360 px phone, in Chinese (RGT-5): a student finds the open consultation
on the home, sends an idea in one tap more, another student agrees with it; the page
fits the screen and breaks no CSP rule."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories_voice import build_voice_school
from tongxue.voice.models import Concern
from tongxue.voice.services import consultations as cservices

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


def test_a_student_sends_an_idea_on_a_phone(narrow) -> None:
    vs = build_voice_school("P")
    today = timezone.localdate()
    c = cservices.save_consultation(
        actor=vs.federation_admin,
        federation=vs.federation,
        title="你希望省学联今年为同学们做哪些事？",
        question="请说说你在学习、生活、就业中的需求和建议。",
        opens=today,
        closes=today + timezone.timedelta(days=14),
    )
    page = narrow
    sign_in(page, vs.author.username, "/people/me/")
    page.click('li.home-item[data-kind="voice-consultation"] a')
    page.wait_for_url(lambda u: u.endswith(f"/consultations/{c.number}/"))
    assert page.evaluate(NO_PAGE_OVERFLOW)
    page.fill("#id_title", "多办几场校园招聘会")
    page.fill("#id_body", "希望学联联系更多企业来学校招聘。")
    page.click("#idea-submit")
    page.wait_for_selector("#my-ideas")
    idea = Concern.objects.get(consultation=c)
    assert idea.author == vs.author and idea.handler == vs.federation
    page.screenshot(path="/tmp/phone-consultation.png", full_page=True)

    sign_in(
        page,
        vs.other.username,
        f"/voice/federation/{vs.federation.code}/consultations/{c.number}/",
    )
    page.click(f"#idea-{idea.pk} button.agree-button")
    page.wait_for_selector(f"#idea-{idea.pk} button.agree-withdraw")
    idea.refresh_from_db()
    assert idea.supporters == 1
    assert page.evaluate(NO_PAGE_OVERFLOW)
    assert page.evaluate("window.__csp") == []
