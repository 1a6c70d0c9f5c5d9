"""A student answers the union's evaluation on a phone, in Chinese, from the
notification (TRN-2, #18); at the close the results page shows the three dimensions,
each table with its chart container."""

from __future__ import annotations

import pytest

from tests.e2e.test_evaluation_journey import sign_in
from tests.factories_surveys import answer_all, build, opened
from tongxue.notifications.models import Notification
from tongxue.surveys import services
from tongxue.surveys.models import Participation, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_answers_from_the_notification_and_sees_the_results(
    phone, live_server
):  # type: ignore[no-untyped-def]
    u = build(prefix="PH", big=12, small=3)
    survey = opened(u, min_group=5)
    student = u.big[0]
    note = Notification.objects.get(user=student.user, kind="survey.opened")
    page = phone
    sign_in(page, student.user.username, "/inbox/")
    page.click(f"a[href='/inbox/{note.pk}/open/']")
    page.wait_for_url(f"**/surveys/{survey.pk}/answer/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # The scale's points on one line at 390 px.
    opts = page.locator("#q-aw_work label.scale-option")
    assert (
        len({round(opts.nth(i).bounding_box()["y"]) for i in range(opts.count())}) == 1
    )
    for key in (
        "aw_work",
        "aw_open",
        "pa_voice",
        "sa_overall",
        "sa_rights",
        "sa_activities",
        "sa_cadres",
    ):
        page.locator(f"input[name={key}][value='4']").check()
    page.locator("input[name=aw_reach][value='yes']").check()
    page.locator("input[name=aw_sources][value='site']").check()
    page.locator("input[name=pa_count][value='1-2']").check()
    page.locator("input[name=pa_ways][value='activities']").check()
    page.fill("textarea[name=sa_better]", "希望多办讲座")
    page.screenshot(path="/tmp/phone-survey.png", full_page=True)
    page.click("#submit-answers")
    page.wait_for_url(f"**/surveys/{survey.pk}/")
    assert page.locator("#answered").is_visible()
    assert Participation.objects.filter(person=student).count() == 1
    assert Response.objects.get().answers["sa_better"] == "希望多办讲座"
    assert page.errors == []

    answer_all(survey, u.big[1:])
    services.close_survey(actor=u.admin, survey=survey)
    page.goto(f"/surveys/{survey.pk}/")
    rows = page.locator("#dimensions-table tbody tr")
    assert rows.count() == 3
    assert page.locator("[data-chart='chart-dimensions']").count() == 1
    # the vendored ECharts draws it under the CSP (core/charts.js)
    page.wait_for_selector("[data-chart='chart-dimensions'] canvas")
    assert page.errors == []
    assert page.locator("#departments-table tbody tr").count() == 1  # 3: too few
    page.screenshot(path="/tmp/phone-survey-results.png", full_page=True)
