"""Rating on a phone (#16): “不了解” counts as no rating; the page shows progress."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories_evaluations import DURING, END, START, build_union, full_scores
from tongxue.domain.evaluation import DIMENSIONS
from tongxue.evaluations import services
from tongxue.evaluations.models import Ballot, Kind, Participation, Result, Subject

pytestmark = pytest.mark.django_db

DIM = DIMENSIONS[0]


def opened(u):  # type: ignore[no-untyped-def]
    p = services.create_period(
        actor=u.admin,
        organisation=u.union,
        code="2026s",
        name="2026春",
        start=START,
        end=END,
    )
    services.open_period(actor=u.admin, period=p, seed="s", as_of=DURING)
    return p


def test_the_form_offers_dont_know_and_the_ballot_leaves_it_out(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    client.force_login(u.delegates[0].user)
    url = reverse("evaluations:rate", args=[s.pk])
    html = client.get(url).content.decode()
    assert html.count('value="dk"') == len(DIMENSIONS)
    assert 'class="scale"' in html and "不了解" in html
    data = {**{k: str(v) for k, v in full_scores(4).items()}, DIM: "dk"}
    review = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert review.status_code == 200 and b'name="confirm"' in review.content
    assert "<dd>不了解</dd>" in review.content.decode()
    # An unanswered dimension is still refused: "不了解" must be chosen.
    partial = {k: v for k, v in data.items() if k != DIM}
    assert client.post(url, {**partial, "confirm": "1"}).status_code == 400
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Participation.objects.count() == 1
    ballot = Ballot.objects.get()
    assert DIM not in ballot.scores and ballot.scores[DIMENSIONS[1]] == 4


def test_dont_know_counts_in_neither_the_average_nor_the_count():
    u = build_union()  # six delegates, at least five raters publish
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    for d in u.delegates[:5]:
        services.rate(actor=None, rater=d, subject=s, scores=full_scores(4))
    services.rate(
        actor=None,
        rater=u.delegates[5],
        subject=s,
        scores={**full_scores(1), DIM: None},
    )
    services.close_period(actor=u.admin, period=p)
    r = Result.objects.get(subject=s)
    dims = {d["dimension"]: d for d in r.dimensions}
    assert r.published and r.raters == 6
    assert (dims[DIM]["mean"], dims[DIM]["count"]) == (4.0, 5)
    assert (dims[DIMENSIONS[1]]["mean"], dims[DIMENSIONS[1]]["count"]) == (3.5, 6)


def test_a_dimension_below_the_minimum_after_dont_know_is_not_published():
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    for d in u.delegates[:4]:
        services.rate(actor=None, rater=d, subject=s, scores=full_scores(4))
    services.rate(
        actor=None,
        rater=u.delegates[4],
        subject=s,
        scores={**full_scores(4), DIM: None},
    )
    services.close_period(actor=u.admin, period=p)
    r = Result.objects.get(subject=s)
    assert r.published and r.raters == 5
    assert DIM not in {d["dimension"] for d in r.dimensions}


def test_the_rating_page_shows_progress_through_the_list(client):
    u = build_union()
    p = opened(u)
    d = u.delegates[0]
    subjects = list(Subject.objects.filter(period=p, kind=Kind.EVALUATION))
    client.force_login(d.user)
    url = reverse("evaluations:rate", args=[subjects[0].pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    total = len(subjects)
    assert f'data-done="0" data-total="{total}"' in html
    services.rate(actor=None, rater=d, subject=subjects[1], scores=full_scores(3))
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'data-done="1" data-total="{total}"' in html
    assert f"已评 1/{total}" in html
