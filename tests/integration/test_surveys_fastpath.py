"""JSON survey answers by answer token (TRN-2, #18): the WSGI fast path and the view give
the same answers as the service, the same refusals, one response per student even under
concurrent double submissions, and no cookie is needed (the token is the CSRF defence).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories_surveys import GOOD, build, create, opened
from tongxue.core.models import AuditEvent
from tongxue.surveys import services, tokens
from tongxue.surveys.fastpath import AnswerFastPath
from tongxue.surveys.models import Eligible, Participation, Response, Survey

pytestmark = pytest.mark.django_db


class Inner:
    """Stands for Django: records that a request was handed on."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        start_response("299 Handed On", [("Content-Type", "text/plain")])
        return [b"django"]


def _path(survey: Survey) -> str:
    return reverse("surveys:answer", args=[survey.pk])


def _token(person: Any, survey: Survey) -> str:
    return tokens.issue(user=person.user, person_id=person.pk, survey_id=survey.pk)


def _fast(
    app: Any, path: str, body: bytes, token: str, **environ: Any
) -> tuple[int, Any]:
    env = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT": "application/json",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "HTTP_X_SURVEY_TOKEN": token,
    }
    env.update(environ)
    status: list[str] = []
    raw = b"".join(app(env, lambda s, headers: status.append(s)))
    code = int(status[0].split()[0])
    return code, (json.loads(raw) if code != 299 else raw)


def _view(path: str, body: bytes, token: str) -> tuple[int, Any]:
    client = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    r = client.post(
        path,
        body,
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        HTTP_X_SURVEY_TOKEN=token,
    )
    return r.status_code, r.json()


def _both(path: str, answers: dict[str, Any], token: str) -> tuple[int, Any]:
    """The fast path's answer, checked equal to the view's (for refusals: nothing is
    written by either)."""
    body = json.dumps(answers).encode()
    inner = Inner()
    fast = _fast(AnswerFastPath(inner), path, body, token)
    assert inner.calls == 0
    assert _view(path, body, token) == fast
    return fast


def _stored() -> list[tuple[Any, Any, Any]]:
    return sorted(
        (r.department_id, r.grade, json.dumps(r.answers, sort_keys=True))
        for r in Response.objects.all()
    )


def test_a_fast_path_answer_is_stored_as_the_services() -> None:
    u = build()
    survey = opened(u)
    a, b, c = u.big[0], u.big[1], u.small[0]
    answers = {**GOOD, "sa_better": " 多办活动 ", "aw_sources": ["site", "accounts"]}
    inner = Inner()
    code, doc = _fast(
        AnswerFastPath(inner),
        _path(survey),
        json.dumps(answers).encode(),
        _token(a, survey),
    )
    assert code == 200 and inner.calls == 0 and doc["answered"] is True
    fast = _stored()
    Response.objects.all().delete()
    services.answer(actor=b.user, survey=survey, person=b, answers=answers)
    assert _stored() == fast  # same department, grade and cleaned answers
    assert fast[0][0] == u.d1.pk and fast[0][1] == 2024
    # a form-encoded body, a multiple choice's options as repeated fields
    body = "&".join(
        f"{k}={v}"
        for k, vs in {**GOOD, "aw_sources": ["site", "accounts"]}.items()
        for v in (vs if isinstance(vs, list) else [vs])
    ).encode()
    code, _ = _fast(
        AnswerFastPath(Inner()),
        _path(survey),
        body,
        _token(c, survey),
        CONTENT_TYPE="application/x-www-form-urlencoded",
    )
    assert code == 200
    assert Participation.objects.filter(survey=survey).count() == 3
    assert Response.objects.filter(survey=survey, department=u.d2).count() == 1
    assert not AuditEvent.objects.filter(action="survey.answer").exists()


def test_refusals_are_the_views_and_write_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    u = build()
    survey = opened(u, eligibility="sample", sample_size=6, seed="s")
    asked = set(Eligible.objects.filter(survey=survey).values_list("person", flat=True))
    people = [p for p in u.big + u.small if p.pk in asked]
    outside = next(p for p in u.big + u.small if p.pk not in asked)
    path = _path(survey)

    def refused(answers: dict[str, Any], token: str) -> tuple[int, str]:
        code, doc = _both(path, answers, token)
        assert set(doc) >= {"code", "message", "field"}
        return code, doc["code"]

    # not among those asked
    assert refused(GOOD, _token(outside, survey)) == (403, "not-eligible")
    # forged, altered, or another survey's token; no token is the form's post
    assert refused(GOOD, "forged") == (403, "bad-token")
    good = _token(people[0], survey)
    assert refused(GOOD, good[:-2] + "xx") == (403, "bad-token")
    other = opened(u, "OTHER")
    assert refused(GOOD, _token(people[0], other)) == (403, "bad-token")
    # an invalid answer names its question
    code, doc = _both(path, {**GOOD, "aw_work": 9}, good)
    assert (code, doc["code"], doc["field"]) == (400, "invalid", "aw_work")
    assert _both(path, {**GOOD, "nope": 1}, good)[0] == 400
    # the password changed since the page was opened; an inactive account
    stale = _token(people[1], survey)
    people[1].user.set_password("changed-password-1")
    people[1].user.save()
    assert refused(GOOD, stale) == (403, "expired-token")
    inactive = _token(people[2], survey)
    people[2].user.is_active = False
    people[2].user.save()
    assert refused(GOOD, inactive) == (403, "forbidden")
    # expired
    expired = _token(people[3], survey)
    monkeypatch.setattr(tokens, "MAX_AGE", -1)
    assert refused(GOOD, expired) == (403, "expired-token")
    monkeypatch.undo()
    assert not Participation.objects.exists() and not Response.objects.exists()
    # answered once: a second time is refused
    assert _view(path, json.dumps(GOOD).encode(), good)[0] == 200
    assert refused(GOOD, good) == (409, "already-answered")
    # past the last day (the statement checks it, whatever the cache holds)
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert refused(GOOD, _token(people[3], survey)) == (409, "closed")
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() + dt.timedelta(days=1)
    )
    services.forget(survey.pk)
    # closed: takes effect at once, though this process knew the survey open
    assert _view(path, json.dumps(GOOD).encode(), _token(people[3], survey))[0] == 200
    services.close_survey(actor=u.admin, survey=survey)
    assert refused(GOOD, _token(people[4], survey)) == (409, "closed")
    draft = create(u, "DRAFT")
    code, doc = _both(_path(draft), GOOD, _token(people[4], draft))
    assert (code, doc["code"]) == (409, "closed")
    assert Response.objects.filter(survey=survey).count() == 2


def test_the_last_day_is_checked_by_the_statement_with_a_warm_cache() -> None:
    u = build()
    survey = opened(u)
    path = _path(survey)
    assert _view(path, json.dumps(GOOD).encode(), _token(u.big[0], survey))[0] == 200
    # another process moved the last day into the past: this one still trusts its
    # cache for the questions, the statement refuses
    services._open_surveys[survey.pk] = services.OpenSurvey(
        survey.pk,
        services._open_surveys[survey.pk].questions,
        timezone.localdate() + dt.timedelta(days=3),
        services._open_surveys[survey.pk].read_at,
    )
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    code, doc = _fast(
        AnswerFastPath(Inner()),
        path,
        json.dumps(GOOD).encode(),
        _token(u.big[1], survey),
    )
    assert (code, doc["code"]) == (409, "closed")
    assert doc["message"]  # in Chinese by default
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc["message"])
    assert Response.objects.count() == 1


def test_no_cookie_is_needed_but_the_token_is(client) -> None:  # type: ignore[no-untyped-def]
    """The CSRF reasoning (tongxue.surveys.tokens): the JSON answer reads no cookie and
    needs the token; without the token a post is the form's, which needs the session
    and Django's CSRF token."""
    u = build()
    survey = opened(u)
    path = _path(survey)
    person = u.big[0]
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(person.user)
    # signed in, no CSRF token, no answer token: Django's CSRF check refuses
    r = csrf.post(path, GOOD, HTTP_ACCEPT="application/json")
    assert r.status_code == 403 and not Participation.objects.exists()
    # not signed in, no token: the sign-in page
    r = Client().post(path, GOOD, HTTP_ACCEPT="application/json")
    assert r.status_code == 302 and not Participation.objects.exists()
    # the answer page hands the token; a cookie-less client answers with it
    client.force_login(person.user)
    page = client.get(path)
    assert page.status_code == 200
    token = page.context["answer_token"]
    assert f'data-answer-token="{token}"'.encode() in page.content
    assert _view(path, json.dumps(GOOD).encode(), token)[0] == 200
    assert Participation.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"REQUEST_METHOD": "GET"},
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_X_SURVEY_TOKEN": ""},
        {"PATH_INFO": "/surveys/1/answer/x/"},
        {"PATH_INFO": "/surveys/x/answer/"},
        {"HTTP_HOST": "evil.example"},
    ],
)
def test_anything_else_reaches_django_unchanged(
    change: dict[str, str], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver"]
    inner = Inner()
    env = {"PATH_INFO": "/surveys/1/answer/", **change}
    code, _ = _fast(AnswerFastPath(inner), env.pop("PATH_INFO"), b"{}", "t", **env)
    assert code == 299 and inner.calls == 1


def test_plain_http_goes_to_django_when_https_is_required(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    inner = Inner()
    code, _ = _fast(AnswerFastPath(inner), "/surveys/1/answer/", b"{}", "t")
    assert code == 299 and inner.calls == 1
    code, doc = _fast(
        AnswerFastPath(inner),
        "/surveys/1/answer/",
        b"{}",
        "t",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert (code, doc["code"]) == (403, "bad-token") and inner.calls == 1


def test_an_oversized_answer_is_refused_without_reading_it() -> None:
    code, doc = _fast(
        AnswerFastPath(Inner()),
        "/surveys/1/answer/",
        b"",
        "t",
        CONTENT_LENGTH=str(10**6),
    )
    assert (code, doc["code"]) == (413, "too-large")


def test_the_production_wsgi_application_has_the_fast_path() -> None:
    from tongxue.config.wsgi import application

    chain = [application]
    while hasattr(chain[-1], "application"):  # the fast paths wrap one another
        chain.append(chain[-1].application)
    assert any(isinstance(app, AnswerFastPath) for app in chain)


@pytest.mark.django_db(transaction=True)
def test_one_student_submitting_at_once_through_the_fast_path_gets_one_response() -> (
    None
):
    """Concurrent double submissions (threads, each its own connection, autocommit: the
    prepared statement as in production): one response, the rest refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    u = build(prefix="FC", big=3, small=1)
    survey = opened(u)
    token = _token(u.big[0], survey)
    others = [_token(p, survey) for p in u.big[1:]]
    app = AnswerFastPath(Inner())
    path = _path(survey)

    def submit(i: int) -> tuple[int, str]:
        try:
            t = others[(i // 10) % 2] if i % 10 == 0 else token
            code, doc = _fast(
                app, path, json.dumps({**GOOD, "aw_work": 1 + i % 5}).encode(), t
            )
            return code, doc.get("code", "ok")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(submit, range(100)))
    mine = [o for i, o in enumerate(outcomes) if i % 10 != 0]
    theirs = [o for i, o in enumerate(outcomes) if i % 10 == 0]
    assert mine.count((200, "ok")) == 1
    assert mine.count((409, "already-answered")) == len(mine) - 1
    assert theirs.count((200, "ok")) == 2
    assert Participation.objects.filter(survey=survey).count() == 3
    assert Response.objects.filter(survey=survey).count() == 3


def python_results(survey: Survey, codes: dict[int, str], min_group: int) -> Any:
    """The close's Python aggregation (``tongxue.domain.surveys.aggregate``) over the
    survey's responses, the open texts in the order of their digest (as the SQL
    aggregation gives them to the keyword grouping)."""
    import hashlib

    from tongxue.domain import surveys as ds
    from tongxue.surveys import text

    questions = ds.questions_from(survey.questions)
    texts = {q.key for q in questions if q.kind == ds.QuestionKind.TEXT}
    rows = list(
        Response.objects.filter(survey=survey).values_list(
            "department_id", "grade", "answers"
        )
    )
    rows.sort(
        key=lambda r: hashlib.md5(
            text.public_text(r[2].get("sa_better", "")).encode()
        ).hexdigest()
    )
    return ds.aggregate(
        questions,
        (
            ds.Response(
                codes.get(d),
                g,
                {k: text.public_text(v) if k in texts else v for k, v in a.items()},
            )
            for d, g, a in rows
        ),
        min_group=min_group,
        tokenize=text.keywords,
    )


#: The open texts of the test: 食堂 in 6 of the 14 written, a one-character text (no
#: keyword), a phone number (masked).
TEXTS = (
    "食堂价格太高",
    "食堂饭菜不好吃",
    "食堂排队太久",
    "食堂太贵 电话13912345678",
    "宿舍热水时间短",
    "多办活动，公开财务",
    "公开财务",
    "宿舍太吵",
    "好",
)

#: When the fold runs while the students answer (after the answer of that index) and
#: with which batch and limit: never; once, then the rest answered after it; in
#: batches smaller than the responses with a limit leaving some for the close; after
#: every answer; after the last answer (the close counts no response itself).
FOLDS = {
    "no fold": {},
    "one fold midway": {9: (100, 1000)},
    "batches and a limit": {5: (2, 3), 12: (4, 100), 15: (3, 4)},
    "after every answer": {i: (100, 1000) for i in range(18)},
    "all folded": {17: (100, 1000)},
}


@pytest.mark.parametrize("folds", list(FOLDS), ids=list(FOLDS))
def test_the_sql_aggregation_equals_the_python_one(folds: str) -> None:
    """The results counted by PostgreSQL — the partial tally folded while the survey
    is open plus one statement for the rest (tongxue.surveys.aggregation) — are the
    close's Python aggregation's, number for number, small groups included."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement aggregation is PostgreSQL's")
    from tongxue.domain import surveys as ds
    from tongxue.surveys import aggregation, text
    from tongxue.surveys.models import PartialTally, PartialText, PartialWord

    u = build(big=14, small=4)
    survey = opened(u, min_group=5)
    # a scale some leave out: sa_rights optional in this survey
    Survey.objects.filter(pk=survey.pk).update(
        questions=[
            {**q, "required": False} if q["key"] == "sa_rights" else q
            for q in survey.questions
        ]
    )
    services.forget(survey.pk)
    folded = 0
    for i, p in enumerate(u.big + u.small):
        answers = {
            **GOOD,
            "aw_work": 1 + i % 5,
            "sa_cadres": 5 - i % 5,
            "aw_reach": ("yes", "no", "unsure")[i % 3],
            "aw_sources": [["site"], ["accounts", "class"], ["none"]][i % 3],
            "pa_count": ("0", "1-2", "3-5", "6+")[i % 4],
        }
        if i % 4 != 3:  # 14 texts: a group of 6 (5 examples shown), one-word texts
            answers["sa_better"] = TEXTS[i % len(TEXTS)]
        if i % 4 == 0:
            answers.pop("pa_ways")  # a multiple choice is required: keep valid
            answers["pa_ways"] = ["activities", "projects"]
        if i % 7 == 0:
            answers.pop("sa_rights")  # a scale not answered (optional here)
        services.answer(actor=p.user, survey=survey, person=p, answers=answers)
        if i in FOLDS[folds]:
            batch, limit = FOLDS[folds][i]
            folded += aggregation.fold(survey.pk, batch=batch, limit=limit)
    survey.refresh_from_db()
    untallied = Response.objects.filter(survey=survey, tallied=False).count()
    assert folded + untallied == 18
    assert (
        sum(
            PartialTally.objects.filter(survey=survey).values_list(
                "responses", flat=True
            )
        )
        == folded
    )
    if folds == "no fold":
        assert folded == 0
    elif folds == "batches and a limit":
        # 3 of the first 6 (the limit), the other 10 of 13, the 3 new of 16 (under
        # the limit of 4); the last 2 answers are counted by the close
        assert folded == 3 + 10 + 3 and untallied == 2
    elif folds != "one fold midway":
        assert untallied == 0
    questions = ds.questions_from(survey.questions)
    codes = {u.d1.pk: u.d1.code, u.d2.pk: u.d2.code}
    python = python_results(survey, codes, 5)
    sql = aggregation.aggregate_sql(
        survey,
        questions,
        min_group=5,
        tokenize=text.keywords,
        public_text=text.public_text,
    )
    assert sql.as_dict() == python.as_dict()
    assert python.shown and len(python.by_department) == 1  # d2's 4 < 5: hidden
    assert python.hidden_department == 4
    assert python.questions[8].answered == 18 - 3  # sa_rights left out thrice
    groups = {
        g.keyword: (g.count, len(g.examples)) for g in python.keywords["sa_better"]
    }
    assert groups["食堂"] == (6, 5) and groups[""][0] >= 1  # "好": no keyword
    assert "13912345678" not in json.dumps(sql.as_dict(), ensure_ascii=False)
    # and the close stores them, and deletes the partial tally
    services.close_survey(actor=u.admin, survey=survey)
    assert survey.result.data == python.as_dict()
    assert not PartialTally.objects.filter(survey=survey).exists()
    assert not PartialText.objects.filter(survey=survey).exists()
    assert not PartialWord.objects.filter(survey=survey).exists()
    assert not Response.objects.filter(survey=survey, tallied=False).exists()
    assert aggregation.fold(survey.pk) == 0  # closed: nothing more to count
