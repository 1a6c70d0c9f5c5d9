"""The JSON API (django-ninja), mounted at /api/ with its OpenAPI description at /api/docs.

Reads are public, like the pages. Writes use the session (``django_auth``: signed in,
CSRF token in ``X-CSRFToken``); a ``Refusal`` becomes ``{code, message, params}``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from tongxue.api.organisations import router as organisations_router
from tongxue.core.errors import Refusal, refusal_json

api = NinjaAPI(
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


@api.exception_handler(Refusal)
def refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    """Map a service refusal to 403 (permission) or 400 (anything else)."""
    status = 403 if exc.code == "forbidden" else 400
    return api.create_response(request, refusal_json(exc), status=status)
