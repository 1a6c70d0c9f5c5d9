"""The answer endpoint's fast path: JSON answers answered before Django's request stack.

TRN-2 asks every student a union serves (the demo province: 2.5 M) to answer in the days
a survey is open, most of them right after the notification. A JSON answer
(``POST /surveys/<id>/answer/`` with ``Accept: application/json`` and the student's
answer token in the ``X-Survey-Token`` header) needs none of what the full stack does
per request: no session, no user, no CSRF cookie (the token is the credential and the
CSRF defence, see :mod:`tongxue.surveys.tokens`), no template, no messages, no locale
negotiation beyond the language cookie. :class:`AnswerFastPath` wraps the WSGI
application (tongxue/config/wsgi.py) and answers exactly those requests with the code
the view runs for them (:func:`respond`: the token, then
:func:`tongxue.surveys.services.record_answer`, the same JSON and status codes), and
hands every other request — the browser's form post, an unknown host, plain HTTP when
HTTPS is required — to Django unchanged.

The same shape and rules as the cast's fast path, sharing its parts
(:mod:`tongxue.core.fastpath`): the few settings it reads are read once per process, the
security headers are Django's, the answer's language is the language cookie's. Measured
in docs/performance.md (bench/survey.py).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from tongxue.core.fastpath import (
    FastPathSettings,
    StartResponse,
    WSGIApp,
    answer,
    current,
)

logger = logging.getLogger(__name__)

#: ``/surveys/<id>/answer/`` (tongxue/surveys/urls.py, mounted at /surveys/).
ANSWER_PATH = re.compile(r"^/surveys/(?P<pk>[0-9]{1,18})/answer/$")
MAX_BODY = 16 * 1024


def parse_answers(body: bytes) -> dict[str, Any]:
    """The answers of a JSON object, or of form fields (a field sent more than once is
    a multiple choice's list); refuse anything else."""
    from tongxue.core.errors import refuse

    text = body.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        raise refuse(
            "invalid", gettext_noop("These answers are not filled in correctly.")
        )
    fields = parse_qs(text, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}


def respond(token: str, survey_id: int, body: bytes, db: Any = None) -> dict[str, Any]:
    """Record the answers of the student a token names; return the JSON of the answer
    (200) or raise the refusal (its status: ``services.ANSWER_STATUS``). Used by the
    fast path and by the view (when the fast path is not in front: tests, runserver)."""
    from tongxue.surveys import services, tokens

    student = tokens.student(token, survey_id=survey_id)
    services.record_answer(
        survey_id=survey_id,
        person_id=student.person,
        answers=parse_answers(body),
        account=student.account,
        credential=student.credential,
        db=db,
    )
    return {
        "answered": True,
        "survey": survey_id,
        "message": gettext("Thank you: your answers were recorded anonymously."),
    }


class AnswerFastPath:
    """WSGI middleware answering JSON survey answers by token; the rest goes to Django."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        conf = current()
        match = self._match(environ, conf)
        if match is None:
            return self.application(environ, start_response)
        # As the cast's fast path: Django's request start without the per-request
        # health check (the answer is one statement in its own transaction; a dead
        # connection fails it whole, nothing written, and is closed below).
        conn = connections[DEFAULT_DB_ALIAS]
        if conn.connection is not None and not conn.errors_occurred:
            conn.health_check_done = True
        with translation.override(conf.language(environ)):
            try:
                status, doc = self._respond(environ, int(match.group("pk")), conn)
            except Exception:  # never a half answer: log, 500, nothing written
                logger.exception("survey answer fast path failed")
                status, doc = (
                    500,
                    {
                        "code": "error",
                        "message": gettext(
                            "The answers could not be recorded because of a server "
                            "error. Try again."
                        ),
                    },
                )
            finally:
                # Django's request end for the one connection an answer uses (never
                # inside a transaction: only a test calls the fast path in one).
                if not conn.in_atomic_block:
                    conn.close_if_unusable_or_obsolete()
        return answer(start_response, status, doc)

    def _match(
        self, environ: dict[str, Any], conf: FastPathSettings
    ) -> re.Match[str] | None:
        if environ.get("REQUEST_METHOD") != "POST":
            return None
        if not environ.get("HTTP_X_SURVEY_TOKEN"):
            return None
        if "application/json" not in environ.get("HTTP_ACCEPT", ""):
            return None
        match = ANSWER_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or not conf.passes(environ):
            return None  # Django answers (400 for the host, its redirect to HTTPS)
        return match

    @staticmethod
    def _respond(
        environ: dict[str, Any], survey_id: int, conn: Any
    ) -> tuple[int, dict[str, Any]]:
        from tongxue.core.errors import Refusal, refusal_json, refuse
        from tongxue.surveys.services import ANSWER_STATUS

        try:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY:
                raise refuse("too-large", gettext_noop("These answers are too long."))
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            return 200, respond(environ["HTTP_X_SURVEY_TOKEN"], survey_id, body, conn)
        except Refusal as refusal:
            return ANSWER_STATUS.get(refusal.code, 400), refusal_json(refusal)
