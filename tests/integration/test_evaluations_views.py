"""Evaluation pages: rating with a summary first, reports, results, managing, queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories_evaluations import DURING, END, START, build_union, full_scores
from tongxue.evaluations import services
from tongxue.evaluations.models import (
    Ballot,
    Kind,
    Participation,
    PeriodStatus,
    Subject,
)

pytestmark = pytest.mark.django_db


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


def test_rating_form_shows_a_summary_before_it_submits(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    d = u.delegates[0]
    client.force_login(d.user)
    page = client.get(reverse("evaluations:mine"))
    assert page.status_code == 200 and f'data-subject="{s.pk}"'.encode() in page.content
    url = reverse("evaluations:rate", args=[s.pk])
    assert client.get(url).status_code == 200
    data = {k: str(v) for k, v in full_scores(4).items()}
    review = client.post(url, data)
    assert review.status_code == 200 and b'name="confirm"' in review.content
    assert not Participation.objects.exists()
    done = client.post(url, {**data, "confirm": "1"})
    assert done.status_code == 302
    assert Participation.objects.count() == 1 and Ballot.objects.count() == 1
    again = client.post(url, {**data, "confirm": "1"})
    assert again.status_code == 400 and Ballot.objects.count() == 1
    page = client.get(reverse("evaluations:mine"))
    assert f'data-subject="{s.pk}"'.encode() not in page.content


def test_rating_out_of_scale_is_refused(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    client.force_login(u.delegates[0].user)
    bad = {k: "6" for k in full_scores(1)}
    assert (
        client.post(
            reverse("evaluations:rate", args=[s.pk]), {**bad, "confirm": "1"}
        ).status_code
        == 400
    )
    assert not Ballot.objects.exists()


def test_rating_pages_need_sign_in_and_a_place_on_the_list(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    url = reverse("evaluations:rate", args=[s.pk])
    assert client.get(url).status_code == 302  # to sign in
    assert client.get(reverse("evaluations:mine")).status_code == 302
    from tests.factories_evaluations import person_with_user

    outsider = person_with_user("NOBODY")
    client.force_login(outsider.user)
    data = {**{k: "3" for k in full_scores(3)}, "confirm": "1"}
    assert client.post(url, data).status_code == 403
    assert not Ballot.objects.exists()


def test_report_filing_page_only_for_the_presidium_member(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.REPORT, position=u.president)
    url = reverse("evaluations:report", args=[s.pk])
    client.force_login(u.vice_presidents[0].person.user)
    assert client.get(url).status_code == 403
    client.force_login(u.president.person.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "本学期工作"}).status_code == 302
    s.refresh_from_db()
    assert s.filed_at is not None and s.report == "本学期工作"


def test_manager_opens_and_closes_others_cannot(client):
    u = build_union()
    p = services.create_period(
        actor=u.admin,
        organisation=u.union,
        code="2026s",
        name="2026春",
        start=START,
        end=END,
    )
    url = reverse("evaluations:manage", args=[p.pk])
    client.force_login(u.students[0].user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "open", "seed": "x"}).status_code == 403
    client.force_login(u.admin)
    assert client.post(url, {"action": "open", "seed": "pub-seed"}).status_code == 302
    p.refresh_from_db()
    assert p.status == PeriodStatus.OPEN and p.seed == "pub-seed"
    page = client.get(url)
    assert b"pub-seed" in page.content and b'id="progress-ratings">0<' in page.content
    # Closing needs the confirmation box.
    assert client.post(url, {"action": "close"}).status_code == 400
    assert client.post(url, {"action": "close", "confirm": "1"}).status_code == 302
    p.refresh_from_db()
    assert p.status == PeriodStatus.CLOSED


def test_union_page_plans_a_period_for_managers_only(client):
    u = build_union()
    url = reverse("evaluations:union", args=[u.union.code])
    assert client.get(url).status_code == 200
    data = {
        "code": "2026s",
        "name": "2026春",
        "start": "2026-03-01",
        "end": "2026-07-15",
    }
    assert client.post(url, data).status_code == 403
    client.force_login(u.admin)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 400  # duplicate code


def test_results_are_public_after_closing_and_show_no_identifiers(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.head)
    for d, v in zip(u.delegates, (2, 2, 3, 3, 2), strict=False):
        services.rate(actor=d.user, rater=d, subject=s, scores=full_scores(v))
    url = reverse("evaluations:period", args=[p.pk])
    page = client.get(url)
    assert b'id="results-pending"' in page.content and b"result-" not in page.content
    services.close_period(actor=u.admin, period=p)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="result-{s.pk}"' in html and "failed-marker" in html
    assert "exit-link" not in html  # only managers see the exit link
    assert u.head.person.ident not in html and u.head.person.student_number not in html
    assert 'data-published="0"' in html  # the president had no ratings
    client.force_login(u.admin)
    html = client.get(url).content.decode()
    assert (
        f"/cadres/exits/new/?position={u.head.pk}&amp;ground=failed-evaluation" in html
    )


def _closed_with(n_cadres: int):  # type: ignore[no-untyped-def]
    u = build_union(prefix=f"Q{n_cadres}", vps=n_cadres)
    p = opened(u)
    for s in Subject.objects.filter(period=p, kind=Kind.EVALUATION):
        for d in u.delegates[:5]:
            services.rate(actor=None, rater=d, subject=s, scores=full_scores(4))
    services.close_period(actor=u.admin, period=p)
    return p


def test_results_page_runs_a_bounded_number_of_queries(
    client, django_assert_num_queries
):
    small, large = _closed_with(2), _closed_with(8)
    client.get(reverse("evaluations:period", args=[small.pk]))
    with django_assert_num_queries(2):
        client.get(reverse("evaluations:period", args=[small.pk]))
    with django_assert_num_queries(2):
        client.get(reverse("evaluations:period", args=[large.pk]))


def test_api_shows_results_only_after_closing(client):
    u = build_union()
    p = opened(u)
    s = Subject.objects.get(period=p, kind=Kind.EVALUATION, position=u.president)
    for d in u.delegates[:5]:
        services.rate(actor=None, rater=d, subject=s, scores=full_scores(4))
    url = f"/api/evaluations/periods/{p.pk}"
    body = client.get(url).json()
    assert body["status"] == "open" and body["results"] == [] and body["facts"] is None
    services.close_period(actor=u.admin, period=p)
    body = client.get(url).json()
    row = next(r for r in body["results"] if r["kind"] == "evaluation" and r["raters"])
    assert (row["overall"], row["raters"], row["failed"]) == (4.0, 5, False)
    assert body["facts"]["seed"] == "s"
    assert u.president.person.ident not in str(body)


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx), page


@pytest.mark.parametrize("n", [2, 8])
def test_my_ratings_page_runs_a_bounded_number_of_queries(client, n):
    u = build_union(prefix=f"M{n}", vps=n)
    opened(u)
    client.force_login(u.delegates[0].user)
    # session, user, person, rater lists, subjects, reports due
    count, page = _queries(client, reverse("evaluations:mine"))
    assert page.content.count(b'class="todo-item"') == n + 2
    assert count == 7  # +1: the header's unread-notifications count (#14)


@pytest.mark.parametrize("n", [2, 8])
def test_manager_page_runs_a_bounded_number_of_queries(client, n):
    u = build_union(prefix=f"G{n}", vps=n)
    p = opened(u)
    for d in u.delegates[:3]:
        for s in Subject.objects.filter(period=p, kind=Kind.EVALUATION):
            services.rate(actor=None, rater=d, subject=s, scores=full_scores(3))
    client.force_login(u.admin)
    count, page = _queries(client, reverse("evaluations:manage", args=[p.pk]))
    assert f'id="progress-ratings">{3 * (n + 2)}<'.encode() in page.content
    # session, user, period, roles, raters, ratings, subjects
    assert count == 8  # +1: the header's unread-notifications count (#14)
