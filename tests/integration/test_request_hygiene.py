"""Malformed input is a 400 with a message, never a 500.

A NUL byte in the path, or a NUL byte or invalid UTF-8 (an encoded lone surrogate,
``%ED%A0%80``) in the query or form data, is refused by ``RejectMalformedInputMiddleware``; a JSON body to the
API that is too deep, not JSON, or holds ``\\u0000`` / a lone surrogate is refused by
the API's parser. Before these, PostgreSQL raised on NUL (500) and any database failed
to encode a surrogate (500). Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.django_plugin import build_school_with_deviation
from tests.factories import A_YEAR_AHEAD, SchoolFactory
from tongxue.compliance.models import Justification

pytestmark = pytest.mark.django_db

MESSAGE_ZH = "不允许的字符"


@pytest.fixture
def client(client):  # type: ignore[no-untyped-def]
    # A server error must show as a 500 here, not as an exception in the test.
    client.raise_request_exception = False
    SchoolFactory(code="X", name="示范大学")
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/%00/",
        "/org/X%00/",
        "/org/%00X/",
        "/?q=%00",
        "/?q=a%00b&page=1",
        "/notices/?q=%00",
        "/?q=%ED%A0%80",
        "/?q=%C0%AF",  # overlong "/"
        "/?q=%FF",
    ],
)
def test_nul_or_invalid_utf8_in_path_or_query_is_a_translated_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="bad-request"' in html and MESSAGE_ZH in html
    # The refusal passes the security headers like any page.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_400_page_speaks_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get("/org/X%00/")
    assert response.status_code == 400
    assert "not allowed (a NUL byte" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/org/X/", 200),
        ("/org/%E4%B8%AD%E6%96%87/", 404),  # valid UTF-8 (中文), unknown code
        ("/org/X%2500/", 404),  # the text "%00", not a NUL
        # Invalid UTF-8 in the path: Django re-quotes it, so the view sees the text
        # "%ED%A0%80", which names nothing.
        ("/%ED%A0%80/", 404),
        ("/org/X%ED%A0%80/", 404),
        ("/search/?q=%E4%B8%AD%E6%96%87", 200),
        ("/search/?q=%2500", 200),
        ("/search/?q=a+b%20c", 200),
        ("/?q=a+b%20c", 302),  # the front page's old search goes to /search/ (#16)
    ],
)
def test_valid_paths_and_queries_are_unaffected_or_not_found(client, url, status):
    assert client.get(url).status_code == status


def test_nul_in_a_posted_form_field_is_a_400(client):
    urlencoded = client.post(
        "/accounts/login/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 400 and MESSAGE_ZH in urlencoded.content.decode()
    raw = client.post(
        "/accounts/login/",
        b"username=a\x00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 400
    multipart = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert multipart.status_code == 400
    in_a_name = client.post("/accounts/login/", {"user\x00name": "a", "password": "x"})
    assert in_a_name.status_code == 400


def test_a_lone_surrogate_in_a_posted_form_field_is_a_400(client):
    response = client.post(
        "/accounts/login/",
        "username=a%ED%A0%80b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_a_clean_form_post_still_reaches_the_view(client):
    response = client.post(
        "/accounts/login/",
        "username=%E5%BC%A0%E4%B8%89&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the form, with "wrong password"
    assert 'id="bad-request"' not in response.content.decode()


@pytest.mark.parametrize("name", ["sessionid", "csrftoken", "django_language"])
def test_a_cookie_holding_a_nul_is_ignored(client, name):
    # Sent as a quoted cookie with an octal escape ("…\\000b"), which Django decodes.
    client.cookies[name] = "a" * 32 + "\x00b"
    assert client.get("/").status_code == 200
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code in (200, 403)  # the form again, or CSRF: no token


def test_a_valid_session_cookie_still_signs_in(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="web-hygiene"))
    assert "web-hygiene" in client.get("/").content.decode()


# -- the JSON API ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations?q=%00",
        "/api/organisations?q=%ED%A0%80",
        "/api/organisations/X%00",
        "/api/organisations/X%00/audit",
    ],
)
def test_the_api_refuses_bad_paths_and_queries_as_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad-request" and MESSAGE_ZH in body["message"]


PAYLOAD = {
    "rule": "ORG-4.department-deputies",
    "reason": "过渡期",
    "approved_by": "校团委",
    "approved_on": "2026-01-10",
    "valid_until": A_YEAR_AHEAD,
}


@pytest.fixture
def admin_client(client):  # type: ignore[no-untyped-def]
    client.force_login(build_school_with_deviation().admin)
    return client


def _post(client: Any, body: str | bytes) -> Any:
    return client.post(
        "/api/organisations/SDEPT/justifications",
        data=body,
        content_type="application/json",
    )


def test_a_100000_deep_json_body_is_a_400(admin_client):
    response = _post(admin_client, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert response.json()["code"] == "too-deep"
    deep_object = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert _post(admin_client, deep_object).json()["code"] == "too-deep"
    assert not Justification.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(PAYLOAD | {"reason": "a\x00b"}),  # "\u0000"
        json.dumps(PAYLOAD | {"reason": "a\ud800b"}),  # "\ud800"
        json.dumps(PAYLOAD, ensure_ascii=False)
        .encode()
        .replace(
            "过渡期".encode(), b"\xed\xa0\x80"
        ),  # raw invalid UTF-8, which json.loads decodes with surrogatepass
        json.dumps(PAYLOAD | {"extra\x00key": 1}),
        json.dumps(PAYLOAD | {"reason": ["deep", ["er", "\x00"]]}),
    ],
)
def test_nul_or_lone_surrogate_in_a_json_body_is_a_400(admin_client, body):
    response = _post(admin_client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "bad-request"
    assert not Justification.objects.exists()


def test_a_body_that_is_not_json_is_a_400_with_a_code(admin_client):
    response = _post(admin_client, "{not json")
    assert response.status_code == 400 and response.json()["code"] == "bad-json"


def test_a_clean_json_body_is_recorded(admin_client):
    # The other side: a 200-deep value parses (ignored by the schema), and Chinese text
    # passes the check.
    deep = json.loads("[" * 200 + "]" * 200)
    body = json.dumps(PAYLOAD | {"extra": deep}, ensure_ascii=False).encode()
    response = _post(admin_client, body)
    assert response.status_code == 201
    assert Justification.objects.get().reason == "过渡期"


def test_other_api_errors_keep_their_form(client):
    # An unauthenticated write is still ninja's 401 {"detail": ...}.
    response = _post(client, json.dumps(PAYLOAD))
    assert response.status_code == 401 and "detail" in response.json()


# -- the production WSGI application (cast fast path in front of Django) ---------------


@pytest.mark.django_db(transaction=True)
def test_a_nul_in_a_cast_path_is_a_400_not_the_fast_paths_500():
    from tongxue.config.wsgi import application

    data = b"c0=1"
    env = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/vote/E\x00/cast/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT": "application/json",
        "HTTP_X_BALLOT_TOKEN": "t",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    status: list[str] = []
    body = b"".join(application(env, lambda s, headers, *a: status.append(s)))
    assert status[0].startswith("400"), body[:200]
