from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page template uses."""
    return {"site_name": "Tongxue · 同学"}
