"""The audit log's published checkpoints: the head hash of each day, public.

Anyone may keep a copy (the page or its JSON); ``tongxue manage verify_auditlog
--checkpoints COPY`` then shows whether the log still passes through those hashes,
even if the whole chain and the checkpoints in the database were rewritten.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongxue.core.models import AuditCheckpoint
from tongxue.core.view_helpers import page_url, paginate


@require_GET
def checkpoints(request: HttpRequest) -> HttpResponse:
    """List the checkpoints, newest first, 50 per page."""
    rows = AuditCheckpoint.objects.only("day", "seq", "hash")
    context = {"page": paginate(request, rows, 50), "page_url": page_url()}
    return render(request, "audit/checkpoints.html", context)


@require_GET
def checkpoints_json(request: HttpRequest) -> JsonResponse:
    """Return every checkpoint, oldest first, as JSON."""
    rows = AuditCheckpoint.objects.order_by("day").values_list("day", "seq", "hash")
    return JsonResponse(
        {
            "algorithm": "sha256-chain-v1",
            "checkpoints": [
                {"day": day.isoformat(), "seq": seq, "hash": h} for day, seq, h in rows
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
