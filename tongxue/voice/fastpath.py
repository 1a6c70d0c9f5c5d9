"""The raise endpoint's fast path: JSON raises by raise token answered before Django's
request stack (#17: raising concerns over HTTP at the rate of a campus, RGT-1).

A JSON raise (``POST /api/voice/concerns`` with ``Content-Type: application/json``
and the raise page's token in the ``X-Raise-Token`` header, :mod:`tongxue.voice.tokens`)
needs none of what the full stack does per request: no session, no user row, no CSRF
cookie (the token is the credential and the CSRF defence), no middleware, no
django-ninja. :class:`RaiseFastPath` wraps the WSGI application (as
:class:`tongxue.voting.fastpath.CastFastPath` does for casts) and answers exactly those
requests with the service the API calls for them,
:func:`tongxue.voice.services.raise_by_token`: the same JSON (:func:`raised_json`,
refusals as ``{code, message, params, …}``) and the same status codes (201; 403 for
``forbidden``, 400 for any other refusal). Anything it is unsure of goes to Django
unchanged, body included, where the API answers it the same way with the same token:
a body that is not a JSON object of the API's fields and types (the API's 400 or 422),
a union named in the body (the API's 404 for an unknown one), an unknown host, plain
HTTP when HTTPS is required, a body over :data:`MAX_BODY`. The parts the fast paths
share (settings read once, host and HTTPS checks, language, headers) are
:mod:`tongxue.core.fastpath`.

Measured in docs/performance.md (bench/voice.py).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext

from tongxue.core.fastpath import StartResponse, WSGIApp, answer, current
from tongxue.core.middleware import bad_string

logger = logging.getLogger(__name__)

PATH = "/api/voice/concerns"
#: A title of 120 and a text of 5,000 characters, three bytes each, and the rest.
MAX_BODY = 32 * 1024
#: The API's fields (``api.voice.RaiseIn``): required, then optional with the default.
REQUIRED = ("category", "title", "body")
OPTIONAL = (("place", ""), ("visibility", "private"))


def raised_json(raised: Any) -> dict[str, Any]:
    """The answer to a raise (201), for the API and this fast path alike."""
    from django.urls import reverse

    c = raised.concern
    code = c.union.code
    return {
        "reference": c.reference,
        "union": code,
        "number": c.number,
        "visibility": c.visibility,
        "url": reverse("voice:detail", args=[code, c.number]),
        "tracking_code": raised.tracking_code,
    }


def parse(body: bytes) -> dict[str, str] | None:
    """The raise's fields from a JSON body, or None when the API should answer it
    (not JSON, not an object, a field missing or not a string, a union named, a NUL
    or a lone surrogate in a text: the API's StrictJSONParser and schema decide)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("union") is not None:
        return None
    fields: dict[str, str] = {}
    for name in REQUIRED:
        value = data.get(name)
        if not isinstance(value, str) or bad_string(value):
            return None
        fields[name] = value
    for name, default in OPTIONAL:
        value = data.get(name, default)
        if not isinstance(value, str) or bad_string(value):
            return None
        fields[name] = value
    return fields


class RaiseFastPath:
    """WSGI middleware answering JSON raises by raise token; the rest goes to Django."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or not environ.get("HTTP_X_RAISE_TOKEN")
            or environ.get("PATH_INFO") != PATH
        ):
            return self.application(environ, start_response)
        conf = current()
        json_body = "application/json" in environ.get("CONTENT_TYPE", "")
        if not json_body or not conf.passes(environ):
            return self.application(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.application(environ, start_response)
        if length <= 0 or length > MAX_BODY:
            return self.application(environ, start_response)
        body = environ["wsgi.input"].read(length)
        fields = parse(body)
        if fields is None:
            environ["wsgi.input"] = io.BytesIO(body)  # Django reads it again
            return self.application(environ, start_response)
        # Django's request start without the health check (as the cast's fast path):
        # a raise is one transaction, so a connection that died since the last request
        # fails this raise whole (a 500, nothing written) and is closed below.
        conn = connections[DEFAULT_DB_ALIAS]
        if conn.connection is not None and not conn.errors_occurred:
            conn.health_check_done = True
        language = conf.language(environ)
        try:
            with translation.override(language):
                status, doc = self._raise(environ["HTTP_X_RAISE_TOKEN"], fields)
        except Exception:  # never a half answer: log, 500, nothing written
            logger.exception("raise fast path failed")
            with translation.override(language):
                status, doc = (
                    500,
                    {
                        "code": "error",
                        "message": gettext(
                            "The concern could not be sent because of a server "
                            "error. Try again."
                        ),
                    },
                )
        finally:
            conn.close_if_unusable_or_obsolete()
        return answer(start_response, status, doc)

    @staticmethod
    def _raise(token: str, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        from tongxue.core.errors import Refusal, refusal_json
        from tongxue.voice import services, tokens

        try:
            raised = services.raise_by_token(
                student=tokens.student(token),
                category=fields["category"],
                title=fields["title"],
                body=fields["body"],
                place=fields["place"],
                visibility=fields["visibility"],
            )
        except Refusal as refusal:
            # as the API's handler (tongxue.api.api.refusal)
            return (403 if refusal.code == "forbidden" else 400), refusal_json(refusal)
        return 201, raised_json(raised)
