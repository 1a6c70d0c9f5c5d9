"""One response per student, enforced by the database (TRN-2), under real concurrency:
a student's answer submitted many times at once ends with one participation and one
response; answers of different students run side by side; a close waits for them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tests.factories_surveys import GOOD, build, opened
from tongxue.core.errors import Refusal
from tongxue.surveys import services
from tongxue.surveys.models import Participation, Response, Result

SUBMISSIONS = 200
WORKERS = 40


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer, so threads cannot race "
            "(run with DATABASE_URL=postgres://…)"
        )


@pytest.mark.django_db(transaction=True)
def test_one_student_submitting_200_times_concurrently_ends_with_one_response():
    _needs_postgres()
    u = build(prefix="CC", big=3, small=1)
    survey = opened(u)
    student = u.big[0]

    def submit(i: int) -> str:
        try:
            answers = {**GOOD, "aw_work": 1 + i % 5}
            services.answer(
                actor=student.user, survey=survey, person=student, answers=answers
            )
            return "ok"
        except Refusal as refusal:
            return refusal.code
        finally:
            connections.close_all()  # each thread had its own connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(submit, range(SUBMISSIONS)))

    assert outcomes.count("ok") == 1
    assert outcomes.count("already-answered") == SUBMISSIONS - 1
    assert Participation.objects.filter(survey=survey, person=student).count() == 1
    assert Response.objects.filter(survey=survey).count() == 1
    # another student is unaffected
    other = u.big[1]
    services.answer(actor=other.user, survey=survey, person=other, answers=GOOD)
    assert Response.objects.filter(survey=survey).count() == 2


@pytest.mark.django_db(transaction=True)
def test_many_students_answering_at_once_and_a_close_lose_nothing():
    _needs_postgres()
    u = build(prefix="CM", big=30, small=0)
    survey = opened(u, min_group=1)

    def submit(i: int) -> str:
        try:
            if i == len(u.big):
                services.close_survey(actor=u.admin, survey=survey)
                return "closed-it"
            p = u.big[i]
            services.answer(actor=p.user, survey=survey, person=p, answers=GOOD)
            return "ok"
        except Refusal as refusal:
            return refusal.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(submit, range(len(u.big) + 1)))

    answered = outcomes.count("ok")
    assert outcomes.count("closed-it") == 1
    assert answered + outcomes.count("closed") == len(u.big)
    # every answer accepted is in the results: none lost around the close
    assert Result.objects.get(survey=survey).responses == answered
    assert Response.objects.filter(survey=survey).count() == answered
    assert Participation.objects.filter(survey=survey).count() == answered
