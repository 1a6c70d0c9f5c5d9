"""The JSON API's lists of concerns and of relay contacts (#17) page alike: the same
helper (django-ninja's ``paginate`` with ``PageNumberPagination``, 50 a page), the same
shape (``{"items": […], "count": n}``, ``?page=`` from 1) and the same parameters in the
OpenAPI schema. A guard: a list that paged its own way would break a client reading
them all the same way."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories_voice import student
from tests.integration.test_voice_relay_api import vs  # noqa: F401
from tongxue.voice.models import RelayCapacity, RelayText, RelayThread

pytestmark = pytest.mark.django_db

#: The paged lists: the concerns (public, mine) and the relay's (received, sent).
LISTS = (
    "/api/voice/{union}/concerns",
    "/api/voice/mine",
    "/api/voice/relay/received",
    "/api/voice/relay/sent",
)


def test_the_lists_have_one_shape_in_the_schema() -> None:
    schema = Client().get("/api/openapi.json").json()
    shapes = []
    for path in LISTS:
        get = schema["paths"][path]["get"]
        params = sorted(
            (p["name"], p["in"], p["schema"].get("minimum"))
            for p in get["parameters"]
            if p["in"] == "query" and p["name"] == "page"
        )
        ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        out = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        shapes.append(
            (
                params,
                sorted(out["properties"]),
                sorted(out["required"]),
                out["properties"]["count"]["type"],
                out["properties"]["items"]["type"],
            )
        )
    assert shapes[0] == (
        [("page", "query", 1)],
        ["count", "items"],
        ["count", "items"],
        "integer",
        "array",
    )
    assert all(shape == shapes[0] for shape in shapes), shapes


def test_the_relay_lists_page_as_the_concerns_list(vs: Any) -> None:  # noqa: F811
    """51 contacts written to the delegate: 50 on the first page, one on the second,
    the count on both, as the concerns list (tests/integration/test_voice_api.py)."""
    now = timezone.now()
    for i in range(51):
        writer = vs.author if i == 0 else student(vs.k1, f"q-p{i}")
        thread = RelayThread.objects.create(
            union=vs.union,
            recipient=vs.delegate.person,
            capacity=RelayCapacity.DELEGATE,
            sender=writer,
            opened_at=now,
            last_at=now,
        )
        RelayText.objects.create(thread=thread, text=f"{i}", sent_at=now)
    recipient = Client()
    recipient.force_login(vs.delegate)
    first = recipient.get("/api/voice/relay/received").json()
    assert set(first) == {"items", "count"}
    assert first["count"] == 51 and len(first["items"]) == 50
    second = recipient.get("/api/voice/relay/received?page=2").json()
    assert second["count"] == 51 and len(second["items"]) == 1
    ids = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(ids) == 51
    sender = Client()
    sender.force_login(vs.author)
    sent = sender.get("/api/voice/relay/sent").json()
    assert set(sent) == {"items", "count"} and sent["count"] == 1
    assert sender.get("/api/voice/relay/sent?page=0").status_code == 422
    assert recipient.get(f"/api/voice/{vs.union.code}/concerns?page=0").status_code == (
        422
    )
