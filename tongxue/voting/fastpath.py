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
required), to Django unchanged. What the fast paths share (settings read once, the host
and HTTPS checks, the language, the answer's headers) is :mod:`tongxue.core.fastpath`.

Measured in docs/performance.md (bench/casting.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext

from tongxue.core.fastpath import (
    FastPathSettings,
    StartResponse,
    WSGIApp,
    answer,
    current,
)

logger = logging.getLogger(__name__)

#: A code with a NUL byte is left to Django, whose middleware answers 400 (PostgreSQL
#: would refuse it in the look-up, and the fast path answer a 500).
CAST_PATH = re.compile(r"^/vote/(?P<code>[^/\x00]+)/cast/$")
MAX_BODY = 16 * 1024
#: The form fields of a ballot's cells, c0, c1, … (more than any ballot has candidates).
_CELL_NAMES = tuple(f"c{k}" for k in range(1000))
_BLANK = ("",)


class CastFastPath:
    """WSGI middleware answering JSON casts by ballot token; the rest goes to Django."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        match = self._match(environ, current())
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
            with translation.override(current().language(environ)):
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
        return answer(start_response, status, doc)

    def _match(
        self, environ: dict[str, Any], conf: FastPathSettings
    ) -> re.Match[str] | None:
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        if not environ.get("HTTP_X_BALLOT_TOKEN"):
            return None
        if "application/json" not in environ.get("HTTP_ACCEPT", ""):
            return None
        match = CAST_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or not conf.passes(environ):
            return None  # Django answers (400 for the host, its redirect to HTTPS)
        return match

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
            with translation.override(current().language(environ)):
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
            with translation.override(current().language(environ)):
                return CAST_STATUS.get(refusal.code, 400), refusal_json(refusal)
        return 200, {
            "tracker": receipt.tracker,
            "short_code": receipt.short_code,
            "digest": receipt.digest,
            "void_reason": receipt.void_reason,
        }
