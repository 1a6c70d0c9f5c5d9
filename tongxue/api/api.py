"""The JSON API (django-ninja), mounted at /api/ with its OpenAPI description at /api/docs.

Reads are public, like the pages. Writes use the session (``django_auth``: signed in,
CSRF token in ``X-CSRFToken``); a ``Refusal`` becomes ``{code, message, params}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser

from tongxue.api.organisations import router as organisations_router
from tongxue.core.errors import Refusal, refusal_json, refuse
from tongxue.core.middleware import BAD_INPUT, bad_string


class StrictJSONParser(Parser):
    """Parse a JSON body, refusing what would otherwise end in a 500.

    A body nested deeper than Python's recursion limit makes ``json.loads`` raise
    ``RecursionError``; a ``\\u0000`` or a lone surrogate (``\\ud800``, or raw invalid
    UTF-8, which ``json.loads`` decodes with ``surrogatepass``) reaches the database,
    which refuses NUL (PostgreSQL) or cannot encode the surrogate. Each is a refusal,
    answered 400 ``{code, message}`` by :func:`http_error`.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except RecursionError:
            raise refuse(
                "too-deep", gettext_noop("The request body is nested too deeply.")
            ) from None
        except ValueError:  # JSONDecodeError, UnicodeDecodeError
            raise refuse(
                "bad-json", gettext_noop("The request body is not valid JSON.")
            ) from None
        stack = [data]
        while stack:  # iterative: as deep as json.loads allowed, no recursion here
            item = stack.pop()
            if isinstance(item, str):
                if bad_string(item):
                    raise refuse("bad-request", BAD_INPUT)
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return data


api = NinjaAPI(
    parser=StrictJSONParser(),
    title="Tongxue API",
    version="1",
    description="Organisations of the student federation and unions, and their audits.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/organisations", organisations_router)
api.add_router("/congresses", "tongxue.api.congresses.router")
api.add_router("/business", "tongxue.api.business.router")
api.add_router("/elections", "tongxue.api.elections.router")
api.add_router("/evaluations", "tongxue.api.evaluations.router")
api.add_router("/cadres", "tongxue.api.cadres.router")
api.add_router("/voting", "tongxue.api.voting.router")
api.add_router("/voice", "tongxue.api.voice.router")
api.add_router("/finances", "tongxue.api.finances.router")
api.add_router("/disclosure", "tongxue.api.disclosure.router")
api.add_router("/surveys", "tongxue.api.surveys.router")
api.add_router("/projects", "tongxue.api.projects.router")
api.add_router("/clubs", "tongxue.api.clubs.router")


@api.exception_handler(Refusal)
def refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    """Map a service refusal to 403 (permission) or 400 (anything else)."""
    status = 403 if exc.code == "forbidden" else 400
    return api.create_response(request, refusal_json(exc), status=status)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Answer a refused body (see :class:`StrictJSONParser`) as a refusal, 400.

    django-ninja wraps whatever the parser raises into ``HttpError(400, "Cannot parse
    request body")``; the refusal is its cause. Other HTTP errors keep ninja's form.
    """
    cause = exc.__cause__
    if isinstance(cause, Refusal):
        return api.create_response(request, refusal_json(cause), status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
