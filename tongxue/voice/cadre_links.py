"""The link from an exit case back to the concern it was raised from (CAD-8).

Registered on :data:`tongxue.cadres.hooks.EXIT_CASE_SOURCE`: the cadres app shows the
concern's reference it keeps, and asks here for the concern's address, given only to
a user who may open the concern (:func:`tongxue.voice.access.can_view`: never the
cadre concerned).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongxue.voice import access
from tongxue.voice.models import Concern


def exit_case_source(case: Any, user: Any) -> str | None:
    """The address of the concern ``case`` was raised from, for ``user`` (or None)."""
    concern = (
        Concern.objects.select_related("union", "handler")
        .filter(exit_case_id=case.pk)
        .first()
    )
    if concern is None or not access.can_view(user, concern):
        return None
    return reverse("voice:detail", args=[concern.union.code, concern.number])
