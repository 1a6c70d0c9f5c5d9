"""What the WSGI fast paths share (tongxue.core.fastpath): settings read once, the host
and HTTPS checks, the answer's language, headers and status line.

The fast paths themselves are tested against the endpoints they shadow in
test_voting_fastpath.py, test_surveys_fastpath.py and test_voice_raise_token.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tongxue.core import fastpath
from tongxue.core.fastpath import FastPathSettings, answer, current, status_line


@pytest.fixture
def conf(settings: Any) -> Any:
    """Fresh settings a test changes through pytest-django's ``settings``."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["vote.example", ".campus.example"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.SECURE_HSTS_SECONDS = 0
    settings.LANGUAGE_CODE = "zh-hans"
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    return settings


def test_current_is_read_once_and_again_after_a_settings_change(conf: Any) -> None:
    first = current()
    assert current() is first
    assert first.allowed_hosts == ["vote.example", ".campus.example"]
    conf.ALLOWED_HOSTS = ["other.example"]  # sends setting_changed
    second = current()
    assert second is not first
    assert second.allowed_hosts == ["other.example"]


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("vote.example", True),
        ("vote.example:8443", True),
        ("a.campus.example", True),
        ("campus.example", True),
        ("evil.example", False),
        ("vote.example.evil.example", False),
        ("", False),
        (":443", False),
    ],
)
def test_a_host_is_allowed_as_django_allows_it(
    conf: Any, host: str, allowed: bool
) -> None:
    assert FastPathSettings().host_allowed(host) is allowed


def test_debug_without_allowed_hosts_allows_the_local_hosts_only(conf: Any) -> None:
    conf.ALLOWED_HOSTS = []
    assert not FastPathSettings().host_allowed("localhost")  # DEBUG off: nothing
    conf.DEBUG = True
    debug = FastPathSettings()
    assert debug.host_allowed("localhost")
    assert debug.host_allowed("127.0.0.1:8000")
    assert debug.host_allowed("[::1]")
    assert not debug.host_allowed("vote.example")


def test_hosts_checked_are_remembered_up_to_the_limit(conf: Any) -> None:
    s = FastPathSettings()
    limit = FastPathSettings.HOSTS_REMEMBERED
    for k in range(limit):
        s.host_allowed(f"h{k}.example")
    assert len(s.hosts) == limit  # at the limit: all kept
    s.host_allowed("vote.example")
    assert s.hosts == {"vote.example": True}  # one past it: forgotten, then this one
    s.hosts["vote.example"] = False  # a remembered answer is not checked again
    assert not s.host_allowed("vote.example")


def test_secure_by_scheme_or_by_the_proxys_header(conf: Any) -> None:
    assert FastPathSettings().secure({"wsgi.url_scheme": "https"})
    assert not FastPathSettings().secure({"wsgi.url_scheme": "http"})
    assert not FastPathSettings().secure(
        {"wsgi.url_scheme": "http", "HTTP_X_FORWARDED_PROTO": "https"}
    )  # no proxy header configured: the header is not believed
    conf.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind = FastPathSettings()
    assert behind.secure({"wsgi.url_scheme": "http", "HTTP_X_FORWARDED_PROTO": "https"})
    assert not behind.secure(
        {"wsgi.url_scheme": "http", "HTTP_X_FORWARDED_PROTO": "http"}
    )
    assert behind.secure({"wsgi.url_scheme": "https"})


def test_passes_needs_an_allowed_host_and_https_when_redirecting(conf: Any) -> None:
    http = {"HTTP_HOST": "vote.example", "wsgi.url_scheme": "http"}
    assert FastPathSettings().passes(http)
    assert not FastPathSettings().passes({**http, "HTTP_HOST": "evil.example"})
    # no Host header: the server's name, as Django's get_host()
    assert FastPathSettings().passes({"SERVER_NAME": "vote.example"})
    assert not FastPathSettings().passes({"SERVER_NAME": "evil.example"})
    conf.SECURE_SSL_REDIRECT = True
    conf.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    redirecting = FastPathSettings()
    assert not redirecting.passes(http)  # Django would redirect it
    assert redirecting.passes({**http, "HTTP_X_FORWARDED_PROTO": "https"})
    assert redirecting.passes({**http, "wsgi.url_scheme": "https"})
    assert not redirecting.passes(
        {"HTTP_HOST": "evil.example", "wsgi.url_scheme": "https"}
    )


@pytest.mark.parametrize(
    ("cookie", "language"),
    [
        ("", "zh-hans"),
        ("django_language=en", "en"),
        ("sessionid=abc; django_language=en; csrftoken=x", "en"),
        ("django_language=zh-hans", "zh-hans"),
        ("django_language=fr", "zh-hans"),  # not a language of the site
        ("django_language=", "zh-hans"),
        ("my_django_language=en", "zh-hans"),  # another cookie's name
    ],
)
def test_the_language_is_the_language_cookies(
    conf: Any, cookie: str, language: str
) -> None:
    assert FastPathSettings().language({"HTTP_COOKIE": cookie}) == language


def test_the_accept_language_header_does_not_choose_the_language(conf: Any) -> None:
    # As the site: only the language switch's cookie chooses (Chinese by default).
    s = FastPathSettings()
    assert s.language({"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}) == "zh-hans"
    assert s.language({}) == "zh-hans"
    conf.LANGUAGE_COOKIE_NAME = "lang"
    assert FastPathSettings().language({"HTTP_COOKIE": "lang=en"}) == "en"


@pytest.mark.parametrize(
    ("status", "line"),
    [
        (200, "200 OK"),
        (201, "201 Created"),
        (400, "400 Bad Request"),
        (403, "403 Forbidden"),
        (409, "409 Conflict"),
        (500, "500 Internal Server Error"),
        (404, "404 Not Found"),  # not prepared: made when asked
    ],
)
def test_status_lines(status: int, line: str) -> None:
    assert status_line(status) == line


def test_status_lines_prepared_are_the_ones_made_on_demand() -> None:
    for status, line in fastpath._STATUS_LINES.items():
        assert line.startswith(f"{status} ")
    assert 404 not in fastpath._STATUS_LINES
    assert status_line(413).startswith("413 ")


def _answered(status: int, doc: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    started: list[Any] = []
    body = b"".join(answer(lambda s, h: started.append((s, h)), status, doc))
    ((line, headers),) = started
    return line, dict(headers), body


def test_an_answer_is_whole_json_with_djangos_security_headers(conf: Any) -> None:
    line, headers, body = _answered(409, {"code": "voted", "message": "已投票"})
    assert line == "409 Conflict"
    assert json.loads(body) == {"code": "voted", "message": "已投票"}
    assert "已投票".encode() in body  # not \\u-escaped
    assert headers["Content-Length"] == str(len(body))
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers  # HSTS off
    conf.SECURE_HSTS_SECONDS = 3600
    _line, headers, _body = _answered(201, {})
    assert headers["Strict-Transport-Security"] == "max-age=3600"
