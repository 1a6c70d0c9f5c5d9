"""The presidium's voting page shows the vote's steps from its transition table (#13).

Open, close and count are the steps of :data:`tongxue.voting.views.VOTE_STEPS` on the
election's lifecycle (:data:`tongxue.domain.lifecycle.ELECTION`): each state shows only
the moves it allows, each posting to its own URL; a paper vote is counted only once
the scrutineers' counts agree, and its scrutineers are designated only before the
count (ELE-5 · GS-8).
"""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import UserFactory
from tests.factories_voting import build_voting
from tongxue.elections.models import ElectionStatus, VotingMode
from tongxue.voting import selectors, services
from tongxue.voting.views import VOTE_STEPS

pytestmark = pytest.mark.django_db

STEP_IDS = ("open-button", "close-button", "count-button")


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def _page(client, setup) -> str:
    client.force_login(setup.admin)
    response = client.get(f"/vote/{setup.election.code}/manage/")
    assert response.status_code == 200
    return response.content.decode()


def _shown(body: str) -> set[str]:
    return {i for i in STEP_IDS if f'id="{i}"' in body}


def test_each_state_shows_only_its_own_step(client):
    setup = build_voting(voters=2)
    code = setup.election.code
    body = _page(client, setup)
    assert _shown(body) == {"open-button"}
    assert f'action="/vote/{code}/manage/open/"' in body
    with translation.override("zh-hans"):  # the page's language
        explanation = str(VOTE_STEPS.step("open").confirm)
    assert explanation in body and not explanation.startswith("Opening")
    assert 'id="scrutineers-form"' not in body  # an electronic vote has none

    services.open_vote(actor=setup.admin, election=setup.election)
    body = _page(client, setup)
    assert _shown(body) == {"close-button"}
    # closing goes through its confirmation page, which shows the turnout
    assert f'href="/vote/{code}/manage/close/"' in body

    services.close_vote(actor=setup.admin, election=setup.election)
    body = _page(client, setup)
    assert _shown(body) == {"count-button"}
    assert f'action="/vote/{code}/manage/count/"' in body
    assert 'id="count-waits"' not in body

    services.count_vote(actor=setup.admin, election=setup.election)
    body = _page(client, setup)
    assert _shown(body) == set()
    assert 'id="vote-steps"' not in body


def test_every_step_form_posts_its_csrf_token(client):
    setup = build_voting(voters=2)
    client.force_login(setup.admin)
    body = client.get(f"/vote/{setup.election.code}/manage/").content.decode()
    start = body.index('id="open-form"')
    form = body[start : body.index("</form>", start)]
    assert 'name="csrfmiddlewaretoken"' in form


def test_a_refused_step_shows_the_refusal_and_the_same_step(client):
    setup = build_voting(voters=0)
    client.force_login(setup.admin)
    response = client.post(f"/vote/{setup.election.code}/manage/open/")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="manage-error"' in body
    assert _shown(body) == {"open-button"}
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.APPROVED


def _closed_paper(prefix: str = "V"):
    setup = build_voting(
        prefix=prefix, voters=3, mode=VotingMode.PAPER, seats=2, candidates=3
    )
    UserFactory(username="jipiao1")
    UserFactory(username="jipiao2")
    services.open_vote(actor=setup.admin, election=setup.election)
    services.designate_scrutineers(
        actor=setup.admin, election=setup.election, usernames=["jipiao1", "jipiao2"]
    )
    services.close_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup


def _enter(client, setup, username: str, yes: tuple[int, ...]) -> None:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    data = {"present": 3, "issued": 3, "returned": 3, "void-too-many-marks": 0}
    data |= {f"c{k}-yes": y for k, y in enumerate(yes)}
    response = client.post(f"/vote/{setup.election.code}/paper/", data)
    assert response.status_code == 302


def test_a_paper_count_is_offered_only_once_the_counts_agree(client):
    setup = _closed_paper()
    body = _page(client, setup)
    assert _shown(body) == set()
    assert 'id="count-waits"' in body

    _enter(client, setup, "jipiao1", (2, 2, 1))
    _enter(client, setup, "jipiao2", (2, 1, 1))  # one figure differs
    body = _page(client, setup)
    assert _shown(body) == set()
    assert 'id="count-waits"' in body

    _enter(client, setup, "jipiao2", (2, 2, 1))  # now they agree
    body = _page(client, setup)
    assert _shown(body) == {"count-button"}
    assert 'id="count-waits"' not in body


def test_paper_scrutineers_are_designated_only_before_the_count(client):
    setup = build_voting(voters=3, mode=VotingMode.PAPER, seats=2, candidates=3)
    code = setup.election.code
    for status in ("approved", "open"):
        body = _page(client, setup)
        assert setup.election.status == status
        assert 'id="scrutineers-form"' in body
        assert f'action="/vote/{code}/manage/scrutineers/"' in body
        assert 'name="first"' in body and 'name="second"' in body
        if status == "approved":
            services.open_vote(actor=setup.admin, election=setup.election)
            setup.election.refresh_from_db()
    # a paper vote shows no ballot link: nobody votes online
    assert 'id="ballot-link"' not in body

    setup = _closed_paper(prefix="P")
    assert 'id="scrutineers-form"' in _page(client, setup)
    _enter(client, setup, "jipiao1", (2, 2, 1))
    _enter(client, setup, "jipiao2", (2, 2, 1))
    services.count_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    assert setup.election.status == ElectionStatus.COUNTED
    body = _page(client, setup)
    assert 'id="scrutineers-block"' not in body
    assert 'id="scrutineers-form"' not in body


def test_the_table_offers_only_the_lifecycles_moves_with_a_service_each():
    moves = {
        (source, step.target)
        for step in VOTE_STEPS.steps
        if step.target
        for source in VOTE_STEPS.sources(step)
    }
    assert moves == {("approved", "open"), ("open", "closed"), ("closed", "counted")}
    assert all(step.service is not None for step in VOTE_STEPS.steps)
    assert VOTE_STEPS.sources(VOTE_STEPS.step("scrutineers")) == (
        "approved",
        "open",
        "closed",
    )
