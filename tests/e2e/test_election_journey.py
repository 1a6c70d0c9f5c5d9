"""An election from nomination to the public result, on phones, in Chinese.

ELE-1 … ELE-5: the presidium nominates on the dashboard and submits the list, the Party
committee approves it, the presidium opens the vote, three delegates vote on their
phones and keep their receipts, the presidium closes and counts the vote and certifies
the result; the public reads the result and finds a receipt on the bulletin board.

The Youth League committee's conditions and the assessments (6 criteria × 3
candidates) are recorded through the services to keep the journey short; they have
their own page tests.
"""

from __future__ import annotations

import pytest

from tests.factories_elections import CRITERIA_GANSU, build_scene, conditions_for
from tongxue.elections import services
from tongxue.elections.models import Candidate, Election

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def _phone(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def _sign_in(page, username: str, next_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def _confirm(page, code: str, action: str, comment: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/elections/{code}/manage/{action}/")
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.click("#confirm-button")
    page.wait_for_url(f"**/elections/{code}/manage/")


def test_election_from_nomination_to_public_result(browser, live_server):  # type: ignore[no-untyped-def]
    scene = build_scene(prefix="JR", students=3, delegates=3)
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    code = election.code
    services.adopt_method(actor=scene.presidium, election=election)
    services.set_conditions(
        actor=scene.advisor, election=election, conditions=conditions_for()
    )
    contexts = []

    # The presidium nominates three students on the dashboard.
    ctx, page = _phone(browser, live_server)
    contexts.append(ctx)
    _sign_in(page, scene.presidium.username, f"/elections/{code}/manage/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    for person in scene.students:
        page.locator("#nominate-form").locator("xpath=..").locator("summary").click()
        page.fill("#nominate-form input[name=nom-person]", person.ident)
        page.fill(
            "#nominate-form textarea[name=nom-statement]", f"{person.name}：服务同学"
        )
        page.click("#nominate-form button[type=submit]")
        page.wait_for_url(f"**/elections/{code}/manage/")
        page.locator(".candidate-status").nth(0).wait_for()
    assert page.locator("#candidates li[data-status]").count() == 3
    for candidate in Candidate.objects.filter(election__code=code):
        for criterion in CRITERIA_GANSU:
            services.assess(
                actor=scene.advisor,
                candidate=candidate,
                criterion=criterion,
                met=True,
                evidence_kind="grades",
                evidence="绩点 3.5",
            )
    page.reload()
    assert page.locator("#candidates li[data-status=eligible]").count() == 3
    _confirm(page, code, "submit")
    assert page.locator("#status").get_attribute("data-status") == "vetting"
    presidium = page

    # The Party committee approves the list; it is announced.
    ctx, party = _phone(browser, live_server)
    contexts.append(ctx)
    _sign_in(party, scene.party.username, f"/elections/{code}/manage/")
    _confirm(party, code, "approve", "同意")
    assert party.locator("#status").get_attribute("data-status") == "approved"
    assert party.locator("#notice-candidates").count() == 1

    # The presidium opens the vote.
    presidium.goto(f"/elections/{code}/manage/")
    presidium.locator("#ready-to-open").wait_for()
    presidium.goto(f"/vote/{code}/manage/")
    presidium.click("#open-button")
    presidium.wait_for_url(f"**/vote/{code}/manage/")
    assert presidium.locator("#status").get_attribute("data-status") == "open"

    # Three delegates vote on their phones; each keeps a receipt.
    trackers = []
    marks = [(0, 1), (0, 1), (0, 2)]  # candidates 1 and 2 elected, 3 not
    for delegate, chosen in zip(scene.delegates, marks, strict=True):
        ctx, voter = _phone(browser, live_server)
        contexts.append(ctx)
        _sign_in(voter, delegate.user.username, f"/vote/{code}/")
        for k in chosen:
            voter.check(f"#c{k}")
        voter.click("#ballot-form button[type=submit]")
        voter.locator("#ballot-summary").wait_for()
        voter.click("#cast-form button[type=submit]")
        voter.locator("#receipt").wait_for()
        trackers.append(voter.locator("#tracker").inner_text().strip())
        assert voter.errors == [], voter.errors
    assert len(set(trackers)) == 3

    # The presidium closes and counts the vote, then certifies the result.
    presidium.goto(f"/vote/{code}/manage/close/")
    presidium.click("#close-form button[type=submit]")
    presidium.wait_for_url(f"**/vote/{code}/manage/")
    presidium.click("#count-button")
    presidium.wait_for_url(f"**/vote/{code}/manage/")
    assert presidium.locator("#status").get_attribute("data-status") == "counted"
    _confirm(presidium, code, "certify", "计票无误")
    assert presidium.locator("#status").get_attribute("data-status") == "certified"
    assert presidium.locator("#notice-result").count() == 1

    # Anyone reads the certified result with its explanation …
    ctx, public = _phone(browser, live_server)
    contexts.append(ctx)
    public.goto(f"/elections/{code}/")
    public.click("#result-link")
    public.wait_for_url(f"**/elections/{code}/result/")
    assert public.locator("#ballots-returned").inner_text().strip() == "3"
    assert public.locator("#ballots-valid").inner_text().strip() == "3"
    elected = public.locator("#elected").inner_text()
    first, second, third = (p.name for p in scene.students)
    assert first in elected and second in elected and third not in elected
    assert public.locator("#explanation li").count() > 3
    # … and finds a delegate's receipt on the bulletin board, unchanged.
    public.click("#board-link")
    public.wait_for_url(f"**/vote/{code}/board/")
    public.fill("#tracker", trackers[2])
    public.click("#tracker-search button[type=submit]")
    row = public.locator(f"tr[data-tracker='{trackers[2]}']")
    row.wait_for()
    assert public.locator("tr[data-tracker]").count() == 1
    cells = [t.strip() for t in row.locator("td").all_inner_texts()[1:4]]
    # The board says the mark in words (#16): 赞成 for a mark, 未选 for none.
    assert cells[0] == "赞成" and cells[2] == "赞成"  # marked 1 and 3
    assert cells[1] == "未选"  # not 2
    public.screenshot(path="/tmp/election-board.png", full_page=False)

    assert Election.objects.get(code=code).status == "certified"
    for page in (presidium, party, public):
        assert page.errors == [], page.errors  # no CSP violation, no script error
    for ctx in contexts:
        ctx.close()
