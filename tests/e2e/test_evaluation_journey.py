"""A semester's cadre evaluation on a phone, in Chinese (CAD-3 · GS-12, CQ-7).

The union administrator plans and opens a period; a delegate rates the president on the
five dimensions, checking a summary first; the period closes and the results are public.
"""

from __future__ import annotations

import pytest

from tests.factories_evaluations import build_union, full_scores
from tongxue.evaluations import services
from tongxue.evaluations.models import EvaluationPeriod, Kind, Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_a_delegate_rates_the_president_and_results_go_public(phone, live_server):
    u = build_union(prefix="J")
    page = phone

    # The administrator plans the semester and opens it, publishing the seed.
    sign_in(page, u.admin.username, f"/evaluations/org/{u.union.code}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    form = page.locator("#period-form form")
    form.locator("input[name=code]").fill("2026-spring")
    form.locator("input[name=name]").fill("2026年春季学期")
    form.locator("input[name=start]").fill("2026-03-01")
    form.locator("input[name=end]").fill("2026-12-31")
    form.locator("button[type=submit]").click()
    page.locator("#open-period").wait_for()
    page.fill("input[name=seed]", "2026-spring-seed")
    page.click("#open-button")
    page.locator("#progress").wait_for()
    assert page.locator("#period-seed").inner_text() == "2026-spring-seed"
    period = EvaluationPeriod.objects.get(code="2026-spring")
    president = Subject.objects.get(
        period=period, kind=Kind.EVALUATION, position=u.president
    )

    # Four other delegates have rated already (seeded through the services).
    for d in u.delegates[1:5]:
        services.rate(actor=None, rater=d, subject=president, scores=full_scores(4))

    # A delegate finds the president on their list and rates on a phone.
    delegate = u.delegates[0]
    sign_in(page, delegate.user.username, "/evaluations/")
    page.click(f".todo-item[data-subject='{president.pk}'] a")
    page.locator("#rating-form").wait_for()
    for dim in full_scores(5):
        page.locator(f"input[name={dim}][value='5']").check()
    page.click("#review-rating")
    summary = page.locator(".rating-summary")
    summary.wait_for()
    assert summary.inner_text().count("5 / 5") == 5
    page.screenshot(path="/tmp/evaluation-rate.png", full_page=True)
    page.click("#confirm-rating")
    page.wait_for_url("**/evaluations/")
    assert page.locator(f".todo-item[data-subject='{president.pk}']").count() == 0

    # While the period is open, the results page shows nothing.
    page.goto(f"/evaluations/periods/{period.pk}/")
    page.locator("#results-pending").wait_for()

    # The administrator closes the period (with a confirmation) and publishes.
    sign_in(page, u.admin.username, f"/evaluations/periods/{period.pk}/manage/")
    assert page.locator("#progress-ratings").inner_text() == "5"
    page.check("#confirm-close")
    page.click("#close-button")
    page.wait_for_url(f"**/evaluations/periods/{period.pk}/")

    # Anyone can read the result: 4 × 4 and 1 × 5 on each dimension, five raters.
    page.context.clear_cookies()
    page.goto(f"/evaluations/periods/{period.pk}/")
    card = page.locator(f"#result-{president.pk}")
    card.wait_for()
    assert card.get_attribute("data-published") == "1"
    assert card.locator(".overall-score").inner_text() == "4.20"
    assert card.locator(".raters-count").inner_text() == "5"
    assert u.president.person.ident not in page.content()
    page.screenshot(path="/tmp/evaluation.png", full_page=False)
    assert page.errors == [], page.errors
