"""The cast endpoint's fast path: JSON casts answered before Django's request stack.

ELE-5 asks for casting at the rate of a congress hall full of phones. A JSON cast
(``POST /vote/<code>/cast/`` with ``Accept: application/json`` and the voter's ballot
token in the ``X-Ballot-Token`` header) needs none of what the full stack does per
request: no session, no user, no CSRF cookie (the token is the credential and the CSRF
defence, see :mod:`tongxue.voting.tokens`), no template, no message storage, no locale
negotiation beyond the language cookie. :class:`CastFastPath` wraps the WSGI
application and answers exactly those requests with the same code the view runs —
:func:`tongxue.voting.tokens.voter` and :func:`tongxue.voting.services.cast`, the same
JSON and the same status codes — and hands every other request, including the browser's
form post and anything it is unsure about (an unknown host, plain HTTP when HTTPS is
required), to Django unchanged.

Measured in docs/performance.md (bench/casting.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

CAST_PATH = re.compile(r"^/vote/(?P<code>[^/]+)/cast/$")
MAX_BODY = 16 * 1024

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _language(environ: dict[str, Any]) -> str:
    """Chinese unless the language switch's cookie chose English (as the site does)."""
    cookie = environ.get("HTTP_COOKIE", "")
    name = settings.LANGUAGE_COOKIE_NAME
    for part in cookie.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value in {code for code, _ in settings.LANGUAGES}:
            return value
    return settings.LANGUAGE_CODE


class CastFastPath:
    """WSGI middleware answering JSON casts by ballot token; the rest goes to Django."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        match = self._match(environ)
        if match is None:
            return self.application(environ, start_response)
        # Django's request start without the per-request health check: a cast is one
        # statement in its own transaction, so a connection that died since the last
        # request makes this cast fail whole (a 500 asking to try again, nothing
        # written) and is closed at the end of the request. The health check's
        # ``SELECT 1`` would cost every cast a round trip and a third of its database
        # CPU to save that one retry.
        conn = connections[DEFAULT_DB_ALIAS]
        if conn.connection is not None and not conn.errors_occurred:
            conn.health_check_done = True
        try:
            status, doc = self._cast(environ, match.group("code"))
        except Exception:  # never a half answer: log, 500, nothing written
            logger.exception("cast fast path failed")
            with translation.override(_language(environ)):
                status, doc = (
                    500,
                    {
                        "code": "error",
                        "message": gettext(
                            "The ballot could not be cast because of a server "
                            "error. Try again."
                        ),
                    },
                )
        finally:
            # Django's request end: close connections that failed or are too old.
            close_old_connections()
        return self._answer(start_response, status, doc)

    def _match(self, environ: dict[str, Any]) -> re.Match[str] | None:
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        if not environ.get("HTTP_X_BALLOT_TOKEN"):
            return None
        if "application/json" not in environ.get("HTTP_ACCEPT", ""):
            return None
        match = CAST_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or not self._host_allowed(environ):
            return None
        if settings.SECURE_SSL_REDIRECT and not self._secure(environ):
            return None  # Django answers with its redirect
        return match

    @staticmethod
    def _host_allowed(environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        domain, _port = split_domain_port(host)
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        return bool(domain) and validate_host(domain, allowed)

    @staticmethod
    def _secure(environ: dict[str, Any]) -> bool:
        header = settings.SECURE_PROXY_SSL_HEADER
        if header:
            name, value = header
            if environ.get(name) == value:
                return True
        return environ.get("wsgi.url_scheme") == "https"

    @staticmethod
    def _cast(environ: dict[str, Any], code: str) -> tuple[int, dict[str, Any]]:
        from tongxue.core.errors import Refusal, refusal_json
        from tongxue.voting import selectors, services, tokens
        from tongxue.voting.views import CAST_STATUS

        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            with translation.override(_language(environ)):
                return 413, {
                    "code": "too-large",
                    "message": gettext("The ballot is too large."),
                }
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        fields = parse_qs(body, keep_blank_values=True)
        cached = selectors.definition_for(code)
        n = len(cached[0].candidates) if cached is not None else 0
        cells = [fields.get(f"c{k}", [""])[0].strip().upper() for k in range(n)]
        try:
            voter = tokens.voter(
                environ["HTTP_X_BALLOT_TOKEN"],
                election_id=cached[0].election_id if cached is not None else None,
            )
            receipt = services.cast(voter=voter, election_code=code, marks=cells)
        except Refusal as refusal:
            # Only answers with words need the voter's language: a receipt has none.
            with translation.override(_language(environ)):
                return CAST_STATUS.get(refusal.code, 400), refusal_json(refusal)
        return 200, {
            "tracker": receipt.tracker,
            "short_code": receipt.short_code,
            "digest": receipt.digest,
            "void_reason": receipt.void_reason,
        }

    @staticmethod
    def _answer(
        start_response: StartResponse, status: int, doc: dict[str, Any]
    ) -> list[bytes]:
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
        ]
        if settings.SECURE_HSTS_SECONDS:
            headers.append(
                ("Strict-Transport-Security", f"max-age={settings.SECURE_HSTS_SECONDS}")
            )
        phrase = HTTPStatus(status).phrase
        start_response(f"{status} {phrase}", headers)
        return [body]
