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
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

#: A code with a NUL byte is left to Django, whose middleware answers 400 (PostgreSQL
#: would refuse it in the look-up, and the fast path answer a 500).
CAST_PATH = re.compile(r"^/vote/(?P<code>[^/\x00]+)/cast/$")
MAX_BODY = 16 * 1024
#: The form fields of a ballot's cells, c0, c1, … (more than any ballot has candidates).
_CELL_NAMES = tuple(f"c{k}" for k in range(1000))
_BLANK = ("",)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Settings:
    """What the fast path reads from the settings, read once per process.

    Every cast read a dozen settings through Django's lazy settings object; they are
    read once instead, and again after any change (``setting_changed``, sent by
    ``override_settings`` in tests). Hosts already checked are remembered (at most
    :data:`HOSTS_REMEMBERED`; an unknown host is answered by Django anyway).
    """

    HOSTS_REMEMBERED = 64

    def __init__(self) -> None:
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        self.allowed_hosts = allowed
        self.ssl_redirect = bool(settings.SECURE_SSL_REDIRECT)
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.language_cookie = settings.LANGUAGE_COOKIE_NAME
        self.languages = frozenset(code for code, _ in settings.LANGUAGES)
        self.language_code = settings.LANGUAGE_CODE
        self.prepared_cast = bool(getattr(settings, "TONGXUE_PREPARED_CAST", False))
        headers = [
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
        self.headers = tuple(headers)
        self.hosts: dict[str, bool] = {}

    def host_allowed(self, host: str) -> bool:
        known = self.hosts.get(host)
        if known is None:
            domain, _port = split_domain_port(host)
            known = bool(domain) and validate_host(domain, self.allowed_hosts)
            if len(self.hosts) >= self.HOSTS_REMEMBERED:
                self.hosts.clear()
            self.hosts[host] = known
        return known


_settings: _Settings | None = None


def _current() -> _Settings:
    global _settings
    if _settings is None:
        _settings = _Settings()
    return _settings


@receiver(setting_changed)
def _forget_settings(**kwargs: Any) -> None:
    global _settings
    _settings = None


def _language(environ: dict[str, Any]) -> str:
    """Chinese unless the language switch's cookie chose English (as the site does)."""
    conf = _current()
    cookie = environ.get("HTTP_COOKIE", "")
    for part in cookie.split(";"):
        key, _, value = part.strip().partition("=")
        if key == conf.language_cookie and value in conf.languages:
            return value
    return conf.language_code


class CastFastPath:
    """WSGI middleware answering JSON casts by ballot token; the rest goes to Django."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        conf = _current()
        match = self._match(environ, conf)
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
            status, doc = self._cast(environ, match.group("code"), conn)
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
            # Django's request end (close_old_connections) for the one connection a
            # cast uses: close it if it failed or is too old.
            conn.close_if_unusable_or_obsolete()
        return self._answer(start_response, status, doc, conf)

    def _match(self, environ: dict[str, Any], conf: _Settings) -> re.Match[str] | None:
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        if not environ.get("HTTP_X_BALLOT_TOKEN"):
            return None
        if "application/json" not in environ.get("HTTP_ACCEPT", ""):
            return None
        match = CAST_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or not conf.host_allowed(
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        ):
            return None
        if conf.ssl_redirect and not self._secure(environ, conf):
            return None  # Django answers with its redirect
        return match

    @staticmethod
    def _secure(environ: dict[str, Any], conf: _Settings) -> bool:
        header = conf.proxy_ssl_header
        if header:
            name, value = header
            if environ.get(name) == value:
                return True
        return environ.get("wsgi.url_scheme") == "https"

    @staticmethod
    def _cast(
        environ: dict[str, Any], code: str, conn: Any
    ) -> tuple[int, dict[str, Any]]:
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
        get = fields.get
        # as submitted: services.cast strips, upper-cases and checks each cell
        cells = [get(name, _BLANK)[0] for name in _CELL_NAMES[:n]]
        try:
            voter = tokens.voter(
                environ["HTTP_X_BALLOT_TOKEN"],
                election_id=cached[0].election_id if cached is not None else None,
            )
            receipt = services.cast(
                voter=voter, election_code=code, marks=cells, db=conn
            )
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
        start_response: StartResponse,
        status: int,
        doc: dict[str, Any],
        conf: _Settings,
    ) -> list[bytes]:
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *conf.headers,
        ]
        start_response(_STATUS_LINES.get(status) or _status_line(status), headers)
        return [body]


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


_STATUS_LINES = {code: _status_line(code) for code in (200, 400, 403, 409, 413, 500)}
