"""What the WSGI fast paths share: settings read once, the host and HTTPS checks, the
answer's language, its headers and status line.

A *fast path* is a WSGI middleware (wrapped around Django's application in
``tongxue/config/wsgi.py``) that answers one kind of JSON request before Django's request
stack — no session, no user row, no CSRF cookie (a token in a header is the credential
and the CSRF defence), no middleware, no template — because that request comes at the
rate of a congress hall or a province full of phones. There are three:
:class:`tongxue.voting.fastpath.CastFastPath` (casts, ELE-5),
:class:`tongxue.surveys.fastpath.AnswerFastPath` (survey answers, TRN-2) and
:class:`tongxue.voice.fastpath.RaiseFastPath` (concerns, RGT-1). Every fast path follows
the same rules:

* **The same answers as the endpoint it shadows**: it calls the same service, gives the
  same JSON (refusals as :func:`tongxue.core.errors.refusal_json`) and the same status
  codes, with Django's security headers (:attr:`FastPathSettings.headers`); the tests
  compare the two.
* **Anything it is unsure of goes to Django unchanged**, its body included (a body the
  fast path has read is put back): another method or path, a missing token, an unknown
  host, plain HTTP when HTTPS is required (:meth:`FastPathSettings.passes`), a body it
  does not parse. Django then answers it as it would without the fast path.
* **No half answer**: the work is one transaction; an error is logged and answered
  whole with a 500 (``{code: "error", message}``, translated), nothing written.
* **Only the language cookie** chooses the answer's language (:meth:`FastPathSettings.language`),
  as the site's language switch does; no other locale negotiation.

This module is the part they share; each fast path keeps its own matching and work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.request import split_domain_port, validate_host

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FastPathSettings:
    """What the fast paths read from the settings, read once per process.

    A request would otherwise read a dozen settings through Django's lazy settings
    object; they are read once instead (:func:`current`), and again after any change
    (``setting_changed``, sent by ``override_settings`` in tests). Hosts already checked
    are remembered (at most :data:`HOSTS_REMEMBERED`; an unknown host is answered by
    Django anyway).
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
        #: Django's security headers for a JSON answer, after its content headers.
        self.headers = tuple(headers)
        self.hosts: dict[str, bool] = {}

    def host_allowed(self, host: str) -> bool:
        """Whether ``ALLOWED_HOSTS`` admits the host (``Host`` header, port and all)."""
        known = self.hosts.get(host)
        if known is None:
            domain, _port = split_domain_port(host)
            known = bool(domain) and validate_host(domain, self.allowed_hosts)
            if len(self.hosts) >= self.HOSTS_REMEMBERED:
                self.hosts.clear()
            self.hosts[host] = known
        return known

    def secure(self, environ: dict[str, Any]) -> bool:
        """Whether the request came over HTTPS (the proxy's header, as Django reads it,
        or the WSGI scheme)."""
        header = self.proxy_ssl_header
        if header:
            name, value = header
            if environ.get(name) == value:
                return True
        return environ.get("wsgi.url_scheme") == "https"

    def passes(self, environ: dict[str, Any]) -> bool:
        """Whether Django would let the request through to its view: an allowed host,
        and HTTPS when ``SECURE_SSL_REDIRECT`` asks for it (else Django redirects)."""
        if not self.host_allowed(
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        ):
            return False
        return not self.ssl_redirect or self.secure(environ)

    def language(self, environ: dict[str, Any]) -> str:
        """Chinese unless the language switch's cookie chose English (as the site)."""
        for part in environ.get("HTTP_COOKIE", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == self.language_cookie and value in self.languages:
                return value
        return self.language_code


_settings: FastPathSettings | None = None


def current() -> FastPathSettings:
    """The settings as the fast paths read them, read once (again after a change)."""
    global _settings
    if _settings is None:
        _settings = FastPathSettings()
    return _settings


@receiver(setting_changed)
def _forget_settings(**kwargs: Any) -> None:
    global _settings
    _settings = None


def status_line(status: int) -> str:
    """``"200 OK"``: the WSGI status line of a status code."""
    return _STATUS_LINES.get(status) or f"{status} {HTTPStatus(status).phrase}"


_STATUS_LINES: dict[int, str] = {}
_STATUS_LINES.update(
    (code, status_line(code)) for code in (200, 201, 400, 403, 409, 413, 500)
)


def answer(
    start_response: StartResponse, status: int, doc: dict[str, Any]
) -> list[bytes]:
    """Answer a JSON document whole: its status line, content headers and Django's
    security headers, UTF-8 body."""
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    start_response(
        status_line(status),
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *current().headers,
        ],
    )
    return [body]
