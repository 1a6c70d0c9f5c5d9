"""A student applies, is shortlisted and appointed; a failed evaluation ends in 免职.

On a phone, in Chinese (CAD-1, CAD-2, CAD-5 · GS-12, CQ-7; ELE-4). The notice periods
are passed by moving each notice's dates into the past (no sleeps).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.factories_cadres import build_cadre_school, failed_evaluation, student
from tongxue.cadres import services
from tongxue.cadres.models import Selection
from tongxue.organisations.models import Position, Role
from tongxue.publicity.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
TODAY = timezone.localdate()


def sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={quote(next_url)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(lambda u: u.endswith(next_url))


def pass_notice(selection: Selection, kind: str) -> None:
    """The notice period is over (its dates moved into the past), no objection."""
    past = TODAY - dt.timedelta(days=20)
    Notice.objects.filter(
        subject_type="cadres.selection", subject_id=selection.pk, kind=kind
    ).update(starts=past, ends=past + dt.timedelta(days=6))


def test_from_application_to_appointment_to_dismissal(phone, live_server):
    cs = build_cadre_school(prefix="E")
    admin = cs.admin  # e-admin
    s = student(cs.dept_union, username="stu", name="赵同学")
    sel = services.advertise(
        actor=None,
        organisation=cs.department,
        role=Role.DEPARTMENT_HEAD,
        title="权益部部长",
        closes=TODAY + dt.timedelta(days=5),
        term_start=TODAY + dt.timedelta(days=6),
        public_contact="quanyi@su.example.edu.cn",
    )
    page = phone
    url = f"/cadres/selections/{sel.pk}/"

    # The student applies on a phone; the page speaks Chinese.
    sign_in(page, "stu", url)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator('[data-criterion="work_style"]').count() == 1
    page.fill("#apply-form textarea[name=statement]", "我想为同学们做实事")
    page.click("#apply-form button[type=submit]")
    page.locator("#applied").wait_for()

    # Applications close and the term begins; the union admin assesses each criterion.
    Selection.objects.filter(pk=sel.pk).update(
        closes=TODAY - dt.timedelta(days=1), term_start=TODAY
    )
    sign_in(page, admin.username, url)
    page.click("#start-assessment")
    page.locator('#selection-state[data-state="assessing"]').wait_for()
    card = page.locator(".application").first
    assert "我想为同学们做实事" in card.inner_text()
    criteria = Selection.objects.get(pk=sel.pk).criteria
    for criterion in criteria:
        card = page.locator(".application").first
        card.locator("details.assess summary").click()
        card.locator("select[name=criterion]").select_option(criterion)
        card.locator("select[name=verdict]").select_option("meets")
        card.locator("textarea[name=evidence]").fill(f"{criterion}：材料齐全")
        card.locator("details.assess button[type=submit]").click()
        page.locator(f'.assessments [data-criterion="{criterion}"]').wait_for()
    assert page.locator(".application .missing").count() == 0
    page.screenshot(path="/tmp/cadre-selection.png", full_page=True)

    # Shortlist → notice; the decision waits for the notice period.
    page.locator("input[name=applications]").check()
    page.click("#publish-shortlist")
    page.locator('#selection-state[data-state="shortlisted"]').wait_for()
    assert page.locator('#selection-notices [data-kind="shortlist"]').count() == 1
    page.locator("input[name=application]").check()
    page.click("#decide")
    page.locator("#selection-error").wait_for()  # the notice still runs
    assert page.errors == [
        "Failed to load resource: the server responded with a "
        "status of 400 (Bad Request)"
    ]
    page.errors.clear()  # that refusal was expected; nothing else may fail
    pass_notice(sel, "shortlist")
    page.goto(url)
    page.locator("input[name=application]").check()
    page.click("#decide")
    page.locator('#selection-state[data-state="decided"]').wait_for()
    pass_notice(sel, "appointment")
    page.click("#appoint")
    page.locator('#selection-state[data-state="appointed"]').wait_for()
    position = Position.objects.get(person=s)

    # The public roster shows the new vice-president with the official address.
    page.context.clear_cookies()
    page.goto(f"/cadres/roster/{cs.union.code}/")
    holder = page.locator(f"#post-{position.pk}")
    assert "赵同学" in holder.inner_text()
    assert "quanyi@su.example.edu.cn" in holder.inner_text()

    # A semester later (the term's start moved back), the evaluation is failed; the
    # admin opens an exit case from the evidence on record.
    Position.objects.filter(pk=position.pk).update(start=TODAY - dt.timedelta(days=160))
    failed_evaluation(position)
    sign_in(
        page,
        admin.username,
        f"/cadres/exits/new/?position={position.pk}&ground=failed-evaluation",
    )
    assert page.locator("#exit-evidence .evaluation.failed").count() == 1
    assert page.locator("select[name=ground]").input_value() == "failed-evaluation"
    page.fill("textarea[name=evidence]", "2026春季学期测评2.1分，不合格")
    page.click("#exit-form button[type=submit]")
    page.locator('#exit-state[data-state="opened"]').wait_for()
    case_url = page.url.replace(live_server.url, "")
    page.fill("#notify-text", "请于五个工作日内提交书面陈述")
    page.click("#notify-form button[type=submit]")
    page.locator('#exit-state[data-state="notified"]').wait_for()

    # The cadre sees the case on their record and writes a statement.
    sign_in(page, "stu", f"/cadres/people/{s.pk}/")
    page.locator("#record-exits a").first.click()
    page.fill("#statement-text", "我接受测评结果")
    page.click("#statement-form button[type=submit]")
    page.locator("#exit-statement").wait_for()

    # The competent body decides 免职; the decision is published; the post is vacant.
    sign_in(page, admin.username, case_url)
    page.locator("#decide-block summary").click()
    page.select_option("#decide-exit-form select[name=measure]", "dismiss")
    page.fill("#decide-exit-form input[name=body]", "校学生会主席团会议")
    page.fill("#decide-exit-form textarea[name=reasons]", "测评不合格，本人陈述已听取")
    page.click("#decide-exit-form button[type=submit]")
    page.locator('#exit-measure[data-measure="dismiss"]').wait_for()
    page.click("#publish-exit")
    page.locator('#exit-state[data-state="published"]').wait_for()
    assert page.locator("#exit-notice-link").count() == 1

    page.context.clear_cookies()
    page.goto(f"/cadres/roster/{cs.union.code}/")
    page.locator('#roster-ESU-QY .vacant[data-role="department_head"]').wait_for()
    assert page.locator(f"#post-{position.pk}").count() == 0
    page.screenshot(path="/tmp/cadre-roster.png", full_page=False)
    assert page.errors == [], page.errors
