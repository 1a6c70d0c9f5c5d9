"""Rating a cadre on a phone (#16): a compact scale per dimension, “不了解”, progress.

The signed-in header stays within about 15 % of a 390 × 844 screen.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_evaluation_journey import sign_in
from tests.factories_evaluations import DURING, END, START, build_union
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.evaluations import services
from tongxue.evaluations.models import Ballot, Kind, Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_is_rated_on_one_screen_with_dont_know(phone, live_server):
    u = build_union(prefix="R")
    period = services.create_period(
        actor=u.admin,
        organisation=u.union,
        code="2026s",
        name="2026春",
        start=START,
        end=END,
    )
    services.open_period(actor=u.admin, period=period, seed="s", as_of=DURING)
    subject = Subject.objects.get(
        period=period, kind=Kind.EVALUATION, position=u.president
    )
    total = Subject.objects.filter(period=period, kind=Kind.EVALUATION).count()
    page = phone
    sign_in(page, u.delegates[0].user.username, f"/evaluations/rate/{subject.pk}/")

    # The header: at most ~15 % of the screen.
    assert page.locator(".site-header").bounding_box()["height"] <= 0.15 * 844

    assert page.locator("#rate-progress").inner_text().startswith(f"已评 0/{total}")
    # Each dimension is one row of 1 … 5 and “不了解”: the form is a screen, not five.
    rows = page.locator("fieldset.scale")
    assert rows.count() == len(DIMENSIONS)
    first = rows.first.locator("label.scale-option")
    tops = {round(first.nth(i).bounding_box()["y"]) for i in range(first.count())}
    assert len(tops) == 1  # 1 … 5 and 不了解 on one line at 390 px
    assert page.locator("#rating-form").bounding_box()["height"] < 700
    page.screenshot(path="/tmp/phone-rate.png", full_page=True)

    for dim in DIMENSIONS[1:]:
        page.locator(f"input[name={dim}][value='4']").check()
    page.locator(f"input[name={DIMENSIONS[0]}][value='dk']").check()
    page.click("#review-rating")
    assert "不了解" in page.locator(".rating-summary").inner_text()
    page.click("#confirm-rating")
    page.wait_for_url("**/evaluations/")
    scores = Ballot.objects.get().scores
    assert DIMENSIONS[0] not in scores and scores[DIMENSIONS[1]] == 4
