"""Raising a concern with a raise token and its fast path (#17, RGT-1; docs/voice.md,
"Raising at scale").

The raise page hands the signed-in student a raise token; ``POST /api/voice/concerns``
with it in ``X-Raise-Token`` needs no session and no CSRF token. The production WSGI
application answers such JSON raises before Django's request stack
(tongxue.voice.fastpath) with the same service, JSON and status codes as the API, which
takes the same token; what the fast path is unsure of goes to Django unchanged.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import Client

from tests.factories import UserFactory
from tests.factories_voice import build_voice_school, student
from tongxue.core.models import AuditEvent
from tongxue.notifications.models import Notification
from tongxue.voice import tokens
from tongxue.voice.fastpath import RaiseFastPath
from tongxue.voice.models import Concern, ConcernEvent, RaiseCount

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/voice/concerns"


class Django:
    """Django's WSGI handler, counting the requests the fast path handed on."""

    def __init__(self) -> None:
        self.calls = 0
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


def fast(
    app: Any, payload: Any, token: str, **environ: Any
) -> tuple[int, dict[str, Any]]:
    data = (
        payload
        if isinstance(payload, bytes)
        else json.dumps(payload, ensure_ascii=False).encode()
    )
    env = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_RAISE_TOKEN": token,
    }
    env.update(environ)
    status: list[str] = []
    chunks = app(env, lambda s, headers: status.append(s))
    raw = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0]), json.loads(raw)


def api(payload: Any, token: str) -> tuple[int, dict[str, Any]]:
    """The API itself (Django's whole stack, the token instead of the session)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload)
    r = Client(enforce_csrf_checks=True).post(
        URL, data, content_type="application/json", HTTP_X_RAISE_TOKEN=token
    )
    return r.status_code, r.json()


def body(title: str = "食堂饭菜太咸", visibility: str = "public", **more: Any) -> dict:
    return {
        "category": "food",
        "title": title,
        "body": f"{title}：二食堂的饭菜太咸了，电话13812345678",
        "place": "二食堂",
        "visibility": visibility,
        **more,
    }


def _row(c: Concern) -> dict[str, Any]:
    skip = {"id", "number", "raised_at", "tracking_hash", "title", "body", "tokens"}
    return {
        f.attname: getattr(c, f.attname)
        for f in Concern._meta.concrete_fields
        if f.attname not in skip and "public" not in f.attname
    }


def test_the_fast_path_raises_as_the_api_does() -> None:
    vs = build_voice_school(prefix="T")
    app, django = None, Django()
    app = RaiseFastPath(django)
    token = tokens.issue(vs.author)
    outcomes = {}
    for way, call in (
        ("fast", lambda p: fast(app, p, token)),
        ("api", lambda p: api(p, token)),
    ):
        for visibility in ("public", "anonymous"):
            code, doc = call(body(f"{way}{visibility}", visibility))
            assert code == 201, doc
            outcomes[way, visibility] = doc
    assert django.calls == 0  # the fast path answered its two itself
    for visibility in ("public", "anonymous"):
        f, a = outcomes["fast", visibility], outcomes["api", visibility]
        assert (
            set(f)
            == set(a)
            == {
                "reference",
                "union",
                "number",
                "visibility",
                "url",
                "tracking_code",
            }
        )
        assert f["union"] == a["union"] == vs.union.code
        assert (f["tracking_code"] is None) == (a["tracking_code"] is None)
        assert (f["tracking_code"] is None) == (visibility == "public")
        cf = Concern.objects.get(union=vs.union, number=f["number"])
        ca = Concern.objects.get(union=vs.union, number=a["number"])
        assert _row(cf) == _row(ca)
        assert "13812345678" not in cf.public_body + ca.public_body  # masked
        # anonymity: no author stored, only the code's hash
        assert (cf.author_id is None) == (visibility == "anonymous")
        assert f["url"] == f"/voice/{vs.union.code}/{cf.number}/"
        for c in (cf, ca):
            steps = list(ConcernEvent.objects.filter(concern=c))
            assert [(s.kind, s.to_org_id) for s in steps] == [("raised", c.handler_id)]
        told = [
            sorted(
                Notification.objects.filter(
                    kind="voice.concern_received", url__endswith=f"/{c.number}/"
                ).values_list("user_id", flat=True)
            )
            for c in (cf, ca)
        ]
        assert told[0] == told[1] and told[0]
        records = [
            AuditEvent.objects.get(action="voice.concern.raise", data__concern=c.pk)
            for c in (cf, ca)
        ]
        assert records[0].data == {**records[1].data, "concern": cf.pk}
        assert (records[0].actor_id, records[0].actor_label) == (
            records[1].actor_id,
            records[1].actor_label,
        )
        if visibility == "anonymous":
            assert records[0].actor_id is None
        else:
            assert records[0].actor_id == vs.author.pk
    assert RaiseCount.objects.get(user_id=vs.author.pk).count == 4


def test_refusals_are_the_apis() -> None:
    vs = build_voice_school(prefix="R")
    django = Django()
    app = RaiseFastPath(django)
    token = tokens.issue(vs.author)

    def both(payload: Any, tok: str, status: int, code: str | None) -> dict:
        f = fast(app, payload, tok)
        a = api(payload, tok)
        assert f == a, (f, a)
        assert f[0] == status, f
        if code is not None:
            assert f[1]["code"] == code, f
        return f[1]

    # forged and altered tokens
    doc = both(body(), "forged", 403, "forbidden")
    assert doc["params"]["reason"] == "bad-token"
    both(body(), token[:-2] + ("AA" if not token.endswith("AA") else "BB"), 403, None)
    # expired
    old = tokens.MAX_AGE
    tokens.MAX_AGE = -1
    try:
        doc = both(body(), token, 403, "forbidden")
        assert doc["params"]["reason"] == "expired-token"
    finally:
        tokens.MAX_AGE = old
    # bad input: refused by the service's own rules
    doc = both(body(title="x" * 121), token, 400, "too-long")
    assert doc["field"] == "title"
    doc = both(body(title="   "), token, 400, "required")
    doc = both({**body(), "category": "nope"}, token, 400, "invalid")
    assert doc["field"] == "category"
    doc = both(body(visibility="everyone"), token, 400, "invalid")
    assert doc["field"] == "visibility"
    # handed to Django, answered by the API: no JSON, a missing field, a NUL
    calls = django.calls
    both(b"{not json", token, 400, "bad-json")
    f = fast(app, {"category": "food", "title": "x"}, token)
    assert f == api({"category": "food", "title": "x"}, token) and f[0] == 422
    both(body(title="a\u0000b"), token, 400, "bad-request")
    assert django.calls == calls + 3
    # a student with no place in a school
    stranger = UserFactory(username="r-stranger")
    both(body(), tokens.issue(stranger), 400, "no-union")
    # another school's union named: handed on, refused as not the student's
    other = build_voice_school(prefix="O")
    both(body(union=other.union.code), token, 403, "forbidden")
    both(body(union="NOSUCH"), token, 404, None)
    assert not Concern.objects.exists()
    # a changed password, an inactive account: the token no longer works
    second = student(vs.k1, "r-second")
    tok2 = tokens.issue(second)
    second.set_password("a-new-password-123")
    second.save()
    doc = both(body(), tok2, 403, "forbidden")
    assert doc["params"]["reason"] == "expired-token"
    third = student(vs.k1, "r-third")
    tok3 = tokens.issue(third)
    third.is_active = False
    third.save()
    doc = both(body(), tok3, 403, "forbidden")
    assert doc["params"]["reason"] == "inactive"
    assert not Concern.objects.exists()
    # the daily limit (5 by default), the fast path and the API counting together
    for i in range(5):
        call = fast if i % 2 else (lambda _app, p, t: api(p, t))
        code, _doc = call(app, body(f"问题{i}"), token)
        assert code == 201
    both(body("第六个"), token, 400, "throttled")
    assert Concern.objects.count() == 5


def test_no_token_is_the_apis_refusal_and_english_by_cookie() -> None:
    vs = build_voice_school(prefix="E")
    django = Django()
    app = RaiseFastPath(django)
    # no token: Django's stack and the session's rules (signed out: refused)
    f = fast(app, body(), "")
    assert f == api(body(), "") and f[0] in (401, 403) and django.calls == 1
    code, doc = fast(
        app,
        body(title="x" * 121),
        tokens.issue(vs.author),
        HTTP_COOKIE="django_language=en",
    )
    assert code == 400 and doc["message"].isascii()
    code, doc = fast(app, body(title="x" * 121), tokens.issue(vs.author))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc["message"])


def test_the_raise_page_hands_the_token() -> None:
    vs = build_voice_school(prefix="P")
    client = Client()
    client.force_login(vs.author)
    page = client.get("/voice/new/").content.decode()
    marker = 'data-raise-token="'
    assert marker in page
    token = page.split(marker, 1)[1].split('"', 1)[0]
    assert tokens.student(token).pk == vs.author.pk
    code, _doc = fast(RaiseFastPath(Django()), body(), token)
    assert code == 201


def test_threads_number_the_unions_concerns_one_after_the_other() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    vs = build_voice_school(prefix="N")
    students = [student(vs.k1 if i % 2 else vs.k2, f"n-student{i}") for i in range(10)]
    app = RaiseFastPath(Django())
    per = 3

    def work(i: int) -> list[int]:
        try:
            out = []
            for k in range(per):
                code, doc = fast(app, body(f"问题{i}-{k}"), tokens.issue(students[i]))
                assert code == 201, doc
                out.append(doc["number"])
            return out
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = [n for ns in pool.map(work, range(len(students))) for n in ns]
    n = len(students) * per
    assert sorted(numbers) == list(range(1, n + 1))  # none lost, none doubled
    assert ConcernEvent.objects.filter(concern__union=vs.union).count() == n
    assert AuditEvent.objects.filter(action="voice.concern.raise").count() == n


def test_one_student_at_the_limit_at_once_raises_no_more_than_the_limit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    vs = build_voice_school(prefix="M")
    app = RaiseFastPath(Django())
    token = tokens.issue(vs.author)
    for i in range(4):
        assert fast(app, body(f"先{i}"), token)[0] == 201

    def work(i: int) -> int:
        try:
            return fast(app, body(f"同时{i}"), token)[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = Counter(pool.map(work, range(2)))
    assert outcomes == {201: 1, 400: 1}
    assert Concern.objects.filter(union=vs.union).count() == 5


def test_the_production_wsgi_application_has_the_raise_fast_path() -> None:
    from tongxue.config.wsgi import application

    app = application
    while not isinstance(app, RaiseFastPath) and hasattr(app, "application"):
        app = app.application
    assert isinstance(app, RaiseFastPath)
