"""On a phone, in Chinese (RGT-2, RGT-3): a student finds the union's reception day from
its page and signs up with a topic; the rights officer records the minutes and turns the
point into a concern; the legal-aid directory is public. No page is wider than the phone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories_voice import build_voice_school
from tongxue.advocacy import services
from tongxue.advocacy.models import Dialogue
from tongxue.voice.models import Concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def narrow(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


def sign_in(page, user, to: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/accounts/login/?next={to}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{to}")


def test_a_student_signs_up_and_the_point_becomes_a_concern(phone, live_server):  # type: ignore[no-untyped-def]
    vs = build_voice_school("E")
    services.save_contact(
        actor=vs.union_admin,
        union=vs.union,
        kind="legal_aid_centre",
        name="市法律援助中心",
        phone="12348",
        linked_since=timezone.localdate() - dt.timedelta(days=30),
    )
    d = services.schedule(
        actor=vs.union_officer,
        organiser=vs.union,
        kind="reception_day",
        title="校领导接待日（十一月）",
        starts=timezone.now() + dt.timedelta(days=5),
        place="行政楼201会议室",
        attendees="分管学生工作的副校长、后勤处处长",
        places=10,
    )
    page = phone
    union_page = f"/org/{vs.union.code}/"
    sign_in(page, vs.author, union_page)
    page.click("#face-meetings-link")
    page.click(f"[data-meeting='{d.pk}'] a")
    assert "校领导接待日" in page.locator("h1").inner_text()
    page.fill("#id_signup-topic", "三号楼热水每天只供应两小时")
    page.click("#signup-form button[type=submit]")
    assert "三号楼热水" in page.locator("#signed-up").inner_text()
    assert "报名成功" in page.locator(".messages").inner_text()
    assert narrow(page)
    assert not page.errors  # type: ignore[attr-defined]

    # the meeting took place: the rights officer records it on a phone too
    Dialogue.objects.filter(pk=d.pk).update(
        starts=timezone.now() - dt.timedelta(hours=1)
    )
    page.context.clear_cookies()
    meeting_page = f"/advocacy/{vs.union.code}/meetings/{d.pk}/"
    sign_in(page, vs.union_officer, meeting_page)
    assert "三号楼热水" in page.locator("#signup-list").inner_text()
    page.fill("#id_minutes-minutes", "副校长听取了同学们关于热水、食堂的意见。")
    page.check("#id_minutes-public")
    page.click("#minutes-form button[type=submit]")
    page.fill("#id_point-title", "三号楼热水供应时间太短")
    page.select_option("#id_point-category", label="住宿")
    page.fill("#id_point-reply", "后勤处两周内调整")
    page.click("#point-form button[type=submit]")
    assert page.locator("#tracking-code").is_visible()
    assert narrow(page)
    concern = Concern.objects.get(channel="meeting")
    assert concern.title == "三号楼热水供应时间太短"

    # the legal-aid directory is public, on a phone
    page.context.clear_cookies()
    page.goto(f"/advocacy/{vs.union.code}/legal-aid/")
    assert "市法律援助中心" in page.locator("#contacts").inner_text()
    assert narrow(page)
    assert not page.errors  # type: ignore[attr-defined]
