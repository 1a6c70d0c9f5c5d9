"""The WSGI fast path for JSON casts (ELE-5): same answers as the view, less work.

The production WSGI application (tongxue.config.wsgi) answers a JSON cast by ballot
token before Django's request stack; every other request reaches Django unchanged.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.factories_voting import build_voting
from tongxue.voting import services, tokens
from tongxue.voting.fastpath import CastFastPath
from tongxue.voting.models import Ballot, Participation

pytestmark = pytest.mark.django_db(transaction=True)


class Inner:
    """Stands for Django: records that a request was handed on."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls += 1
        start_response("299 Handed On", [("Content-Type", "text/plain")])
        return [b"django"]


def _opened():  # type: ignore[no-untyped-def]
    setup = build_voting(prefix="F")
    services.open_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup


def _call(app: Any, path: str, body: str, **environ: Any) -> tuple[int, Any]:
    data = body.encode()
    env = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT": "application/json",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
    }
    env.update(environ)
    status: list[str] = []
    chunks = app(env, lambda s, headers: status.append(s))
    raw = b"".join(chunks)
    code = int(status[0].split()[0])
    return code, (json.loads(raw) if code != 299 else raw)


def _token(setup: Any, user: Any) -> str:
    return tokens.issue(voter=user, election_id=setup.election.pk)


def test_a_json_cast_by_token_is_answered_without_django_and_counted_once() -> None:
    setup = _opened()
    inner = Inner()
    app = CastFastPath(inner)
    path = f"/vote/{setup.election.code}/cast/"
    token = _token(setup, setup.voters[0])
    code, doc = _call(app, path, "c0=1&c1=1", HTTP_X_BALLOT_TOKEN=token)
    assert code == 200 and inner.calls == 0
    assert set(doc) == {"tracker", "short_code", "digest", "void_reason"}
    assert Ballot.objects.get().tracker == doc["tracker"]
    code, doc = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=token)
    assert (code, doc["code"]) == (409, "already-voted")
    assert Ballot.objects.count() == Participation.objects.count() == 1


def test_refusals_carry_the_views_codes_in_chinese_by_default() -> None:
    setup = _opened()
    app = CastFastPath(Inner())
    path = f"/vote/{setup.election.code}/cast/"
    code, doc = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN="forged")
    assert (code, doc["code"]) == (403, "bad-token")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc["message"])
    code, doc = _call(
        app, path, "c0=1", HTTP_X_BALLOT_TOKEN=_token(setup, setup.outsider)
    )
    assert (code, doc["code"]) == (403, "not-on-roll")
    code, doc = _call(
        app,
        path,
        "c0=X",
        HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[1]),
        HTTP_COOKIE="django_language=en",
    )
    assert (code, doc["code"]) == (400, "invalid-ballot")
    assert doc["message"].isascii()
    assert not Ballot.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"REQUEST_METHOD": "GET"},
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_X_BALLOT_TOKEN": ""},
        {"PATH_INFO": "/vote/X/cast/extra/"},
        {"HTTP_HOST": "evil.example"},
    ],
)
def test_anything_else_reaches_django_unchanged(
    change: dict[str, str], settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver"]
    inner = Inner()
    app = CastFastPath(inner)
    env = {"HTTP_X_BALLOT_TOKEN": "t", **change}
    code, _ = _call(app, "/vote/X/cast/", "c0=1", **env)
    assert (code, inner.calls) == (299, 1)


def test_plain_http_goes_to_django_when_https_is_required(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    inner = Inner()
    app = CastFastPath(inner)
    code, _ = _call(app, "/vote/X/cast/", "c0=1", HTTP_X_BALLOT_TOKEN="t")
    assert (code, inner.calls) == (299, 1)


def test_a_settings_change_takes_effect_at_the_next_cast(settings) -> None:  # type: ignore[no-untyped-def]
    # The fast path reads its settings once per process, and again after a change.
    setup = _opened()
    inner = Inner()
    app = CastFastPath(inner)
    path = f"/vote/{setup.election.code}/cast/"
    settings.ALLOWED_HOSTS = ["testserver"]
    token = _token(setup, setup.voters[0])
    code, _ = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=token)
    assert (code, inner.calls) == (200, 0)
    settings.ALLOWED_HOSTS = ["vote.example"]  # testserver is no longer this site
    token = _token(setup, setup.voters[1])
    code, _ = _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=token)
    assert (code, inner.calls) == (299, 1)
    settings.SECURE_HSTS_SECONDS = 3600
    settings.ALLOWED_HOSTS = ["testserver"]
    seen: list[Any] = []
    data = b"c0=1"
    app(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "HTTP_HOST": "testserver",
            "HTTP_ACCEPT": "application/json",
            "HTTP_X_BALLOT_TOKEN": token,
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
        },
        lambda status, headers: seen.append(dict(headers)),
    )
    assert seen[0]["Strict-Transport-Security"] == "max-age=3600"


def test_a_void_ballot_pattern_stays_void_after_valid_ones() -> None:
    # The void reason is remembered per ballot pattern; each pattern keeps its own.
    setup = build_voting(prefix="G", voters=4, seats=2, candidates=3)
    services.open_vote(actor=setup.admin, election=setup.election)
    app = CastFastPath(Inner())
    path = f"/vote/{setup.election.code}/cast/"
    too_many = "c0=1&c1=1&c2=1"  # three marks for two seats
    answers = []
    for voter, body in zip(
        setup.voters[:4], ["c0=1", too_many, "c0=1", too_many], strict=True
    ):
        code, doc = _call(app, path, body, HTTP_X_BALLOT_TOKEN=_token(setup, voter))
        assert code == 200
        answers.append(doc["void_reason"])
    assert answers == ["", "too-many-marks", "", "too-many-marks"]


def test_the_production_wsgi_application_has_the_fast_path() -> None:
    from tongxue.config.wsgi import application

    # other fast paths (surveys' answers, voice's raises) may wrap it
    app = application
    while not isinstance(app, CastFastPath) and hasattr(app, "application"):
        app = app.application
    assert isinstance(app, CastFastPath)


def test_an_oversized_ballot_is_refused_without_reading_it() -> None:
    inner = Inner()
    app = CastFastPath(inner)
    code, doc = _call(
        app,
        "/vote/X/cast/",
        "c0=1",
        HTTP_X_BALLOT_TOKEN="t",
        CONTENT_LENGTH=str(1024 * 1024),
    )
    assert (code, doc["code"], inner.calls) == (413, "too-large", 0)


def test_a_connection_lost_between_casts_fails_one_cast_whole_then_recovers() -> None:
    """The fast path skips Django's per-request health check: a connection that died
    since the last request makes that one cast a 500 with nothing written, and the
    next cast, on a fresh connection, is counted."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a lost server connection is PostgreSQL's case (SQLite is a file)")
    setup = _opened()
    app = CastFastPath(Inner())
    path = f"/vote/{setup.election.code}/cast/"
    first = _token(setup, setup.voters[0])
    assert _call(app, path, "c0=1", HTTP_X_BALLOT_TOKEN=first)[0] == 200
    connection.ensure_connection()
    connection.connection.close()  # the server side went away behind Django's back
    code, doc = _call(
        app, path, "c1=1", HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[1])
    )
    assert (code, doc["code"]) == (500, "error")
    assert "重试" in doc["message"] or "再试" in doc["message"]
    assert Ballot.objects.count() == Participation.objects.count() == 1
    code, doc = _call(
        app, path, "c1=1", HTTP_X_BALLOT_TOKEN=_token(setup, setup.voters[1])
    )
    assert code == 200
    assert Ballot.objects.count() == Participation.objects.count() == 2


def test_a_new_secret_key_takes_effect_for_ballot_tokens(settings) -> None:  # type: ignore[no-untyped-def]
    # The token checker is built once per process, and again when the key changes.
    from tongxue.core.errors import Refusal

    setup = _opened()
    old = _token(setup, setup.voters[0])
    assert tokens.voter(old, election_id=setup.election.pk).pk == setup.voters[0].pk
    settings.SECRET_KEY = "another-key-" + "x" * 50
    new = _token(setup, setup.voters[0])
    assert tokens.voter(new, election_id=setup.election.pk).pk == setup.voters[0].pk
    with pytest.raises(Refusal) as refused:  # signed with the replaced key
        tokens.voter(old, election_id=setup.election.pk)
    assert refused.value.code == "bad-token"
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY, "x"]
    settings.SECRET_KEY = "a-third-key-" + "y" * 50
    assert tokens.voter(new, election_id=setup.election.pk).pk == setup.voters[0].pk
