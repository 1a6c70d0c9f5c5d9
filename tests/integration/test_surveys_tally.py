"""The partial tally of an open survey (TRN-2, #18: tongxue.surveys.aggregation).

While a survey is open the fold (every minute) counts the responses not counted yet —
written by the JSON fast path, the HTML form or the service alike — into the survey's
partial tally and marks them counted; the close adds what is left, stores the results
(the same as the Python aggregation: tests/integration/test_surveys_fastpath.py) and
deletes the partial tally. Nothing of it is shown before the close. Responses written
before the partial tally existed (not ``tallied``) are counted by the next fold or by
the close. SQLite has no fold: the close counts every response in Python.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps as django_apps
from django.db import connection, connections
from django.urls import reverse

from tests.factories_surveys import GOOD, answer_all, build, create, opened
from tests.integration.test_surveys_fastpath import (
    Inner,
    _fast,
    _path,
    _token,
    python_results,
)
from tongxue.surveys import aggregation, services, text
from tongxue.surveys.fastpath import AnswerFastPath
from tongxue.surveys.models import (
    PartialTally,
    PartialText,
    PartialWord,
    Response,
    Survey,
    SurveyStatus,
)

pytestmark = pytest.mark.django_db


def _pg() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the fold is PostgreSQL's (SQLite: the close counts everything)")


def _partial(survey: Survey) -> tuple[int, dict[str, int]]:
    """The partial tally's responses and counts, summed over its rows."""
    n, counts = 0, {}
    for rows, c in PartialTally.objects.filter(survey=survey).values_list(
        "responses", "counts"
    ):
        n += rows
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
    return n, counts


def test_the_fold_counts_the_new_responses_of_every_answer_path_once(client) -> None:  # type: ignore[no-untyped-def]
    _pg()
    u = build(big=6, small=2)
    survey = opened(u)
    # the JSON fast path (token), the HTML form (signed in), the service
    for p in u.big[:2]:
        code, _ = _fast(
            AnswerFastPath(Inner()),
            _path(survey),
            json.dumps({**GOOD, "sa_better": "食堂 电话13912345678"}).encode(),
            _token(p, survey),
        )
        assert code == 200
    for p in u.big[2:4]:
        client.force_login(p.user)
        r = client.post(reverse("surveys:answer", args=[survey.pk]), {**GOOD})
        assert r.status_code == 302
    answer_all(survey, u.small, aw_work=1)
    assert Response.objects.filter(survey=survey, tallied=False).count() == 6
    assert not PartialTally.objects.exists()

    assert aggregation.fold(survey.pk) == 6
    assert not Response.objects.filter(survey=survey, tallied=False).exists()
    n, counts = _partial(survey)
    assert n == 6 and counts["n:aw_work"] == 6
    assert counts["is:aw_work:4"] == 4 and counts["is:aw_work:1"] == 2
    assert counts["sum:aw_work"] == 4 * 4 + 2 * 1
    assert counts["is:aw_sources:site"] == 6 and "is:aw_sources:none" not in counts
    # one row per department and grade
    assert set(
        PartialTally.objects.filter(survey=survey).values_list("department", "grade")
    ) == {(u.d1.pk, 2024), (u.d2.pk, 2025)}
    # the texts as shown (masked), with their keywords; no department, no response
    masked = text.public_text("食堂 电话13912345678")
    assert "13912345678" not in masked
    assert (
        sorted(
            PartialText.objects.filter(survey=survey).values_list("question", "text")
        )
        == [("sa_better", masked)] * 2
    )
    words = {w for w in text.keywords(masked) if len(w) >= 2}
    assert words  # 食堂 and the masked number's pieces, as jieba cuts them
    stored = PartialText.objects.filter(survey=survey).first().words
    sep = aggregation.WORD_SEP
    assert stored == sep + sep.join(sorted(words)) + sep
    # in how many texts each keyword occurs
    assert dict(
        PartialWord.objects.filter(survey=survey).values_list("word", "texts")
    ) == dict.fromkeys(words, 2)

    assert aggregation.fold(survey.pk) == 0  # nothing new: nothing counted twice
    answer_all(survey, u.big[4:5], aw_work=2)
    assert aggregation.fold(survey.pk) == 1
    n, counts = _partial(survey)
    assert n == 7 and counts["is:aw_work:2"] == 1
    assert PartialTally.objects.filter(survey=survey).count() == 2  # added, not new


def test_a_fold_counts_at_most_its_limit_in_batches() -> None:
    _pg()
    u = build(big=7, small=0)
    survey = opened(u)
    answer_all(survey, u.big)
    assert aggregation.fold(survey.pk, batch=2, limit=5) == 5  # 2 + 2 + 1
    assert Response.objects.filter(survey=survey, tallied=False).count() == 2
    assert aggregation.fold(survey.pk, batch=2, limit=5) == 2  # 2, then 0 < 2: done
    assert _partial(survey)[0] == 7


def test_only_open_surveys_are_folded() -> None:
    _pg()
    u = build(big=5, small=1)
    first = opened(u, "A")
    second = opened(u, "B")
    draft = create(u, "C")
    answer_all(first, u.big)
    answer_all(second, u.big[:2])
    assert aggregation.fold(draft.pk) == 0
    assert aggregation.fold_open() == {str(first.pk): 5, str(second.pk): 2}
    assert aggregation.fold_open() == {}
    services.close_survey(actor=u.admin, survey=first)
    answer_all(second, u.small)
    assert aggregation.fold(first.pk) == 0  # closed
    assert aggregation.fold_open() == {str(second.pk): 1}


def test_the_fold_is_periodic_work_every_minute() -> None:
    from tongxue.jobs import periodic

    entry = {p.name: p for p in periodic.registered()}["surveys.fold"]
    assert entry.every == dt.timedelta(minutes=1)
    assert entry.func == "tongxue.surveys.aggregation.fold_open"


def test_nothing_of_the_partial_tally_is_shown_before_the_close(client) -> None:  # type: ignore[no-untyped-def]
    _pg()
    u = build(big=12, small=0)
    survey = opened(u)
    answer_all(survey, u.big, sa_better="多办活动")
    assert aggregation.fold(survey.pk) == 12
    detail = reverse("surveys:detail", args=[survey.pk])
    export = reverse("surveys:export", args=[survey.pk, "xlsx"])
    for user in (u.admin, u.advisor, u.big[0].user):
        client.force_login(user)
        page = client.get(detail)
        assert page.status_code == 200
        assert b'id="results-pending"' in page.content
        assert b'id="results"' not in page.content and "多办活动" not in page.text
        assert client.get(export).status_code == 404
    services.close_survey(actor=u.admin, survey=survey)
    client.force_login(u.big[0].user)
    page = client.get(detail)
    assert b'id="results"' in page.content
    assert not PartialTally.objects.exists() and not PartialText.objects.exists()
    assert not PartialWord.objects.exists()


def test_responses_written_before_the_partial_tally_are_counted() -> None:
    """A response written by the statement of before (no ``tallied`` column named:
    the database's default, not counted) is counted by the next fold or the close."""
    _pg()
    u = build(big=10, small=3)
    survey = opened(u, min_group=3)
    answer_all(survey, u.big[:6], aw_work=5)
    assert aggregation.fold(survey.pk) == 6
    with connection.cursor() as cursor:  # as an old process would write it
        for _student in u.big[6:]:
            cursor.execute(
                "INSERT INTO surveys_response (id, survey_id, department_id, grade,"
                " answers) VALUES (gen_random_uuid(), %s, %s, 2024, %s::jsonb)",
                [survey.pk, u.d1.pk, json.dumps({**GOOD, "aw_work": 2})],
            )
    answer_all(survey, u.small, aw_work=1, sa_better="公开财务")
    assert Response.objects.filter(survey=survey, tallied=False).count() == 7
    assert aggregation.fold(survey.pk, limit=3) == 3  # some now, the rest at the close
    codes = {u.d1.pk: u.d1.code, u.d2.pk: u.d2.code}
    python = python_results(survey, codes, 3)
    services.close_survey(actor=u.admin, survey=survey)
    survey.refresh_from_db()
    assert survey.result.responses == 6 + 4 + 3
    assert survey.result.data == python.as_dict()
    aw_work = survey.result.data["questions"][0]
    assert aw_work["counts"] == {"1": 3, "2": 4, "3": 0, "4": 0, "5": 6}


def test_the_migration_marks_the_responses_of_closed_surveys_counted() -> None:
    migration = importlib.import_module("tongxue.surveys.migrations.0002_partial_tally")
    u = build(big=4, small=0)
    open_one = opened(u, "A")
    closed_one = opened(u, "B")
    answer_all(open_one, u.big)
    answer_all(closed_one, u.big)
    services.close_survey(actor=u.admin, survey=closed_one)
    Response.objects.update(tallied=False)  # as before the migration
    migration.closed_are_tallied(django_apps, None)
    assert set(Response.objects.values_list("survey", "tallied")) == {
        (open_one.pk, False),
        (closed_one.pk, True),
    }


def test_without_postgresql_the_close_counts_every_response() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's path")
    u = build(big=6, small=0)
    survey = opened(u)
    answer_all(survey, u.big)
    assert aggregation.fold(survey.pk) == 0 and aggregation.fold_open() == {}
    assert Response.objects.filter(survey=survey, tallied=False).count() == 6
    services.close_survey(actor=u.admin, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.result.responses == 6
    assert not Response.objects.filter(survey=survey, tallied=False).exists()


@pytest.mark.django_db(transaction=True)
def test_folds_at_once_count_each_response_once() -> None:
    """Two folds at the same time (threads, their own connections) take different
    responses (SKIP LOCKED) and add into the partial tally one after the other."""
    _pg()
    u = build(prefix="FT", big=30, small=0)
    survey = opened(u)
    answer_all(survey, u.big)

    def run(_i: int) -> int:
        try:
            return aggregation.fold(survey.pk, batch=3, limit=30)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=3) as pool:
        folded = list(pool.map(run, range(3)))
    assert sum(folded) == 30
    assert _partial(survey)[0] == 30
    assert _partial(survey)[1]["n:aw_work"] == 30
    assert not Response.objects.filter(survey=survey, tallied=False).exists()
