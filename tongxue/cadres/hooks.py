"""Extension points of the cadres app (docs/architecture.md, "The layers").

``EXIT_CASE_SOURCE``: where an exit case came from, told by an app above this one that
opened it (the concerns app, CAD-8). Each registered function takes the case and the
user looking at its page and returns the address of the source for that user, or
None when the user may not open it (the cadre concerned never may). The case keeps
the source's reference itself (``ExitCase.source_reference``), shown to everyone who
sees the case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongxue.core.hooks import Hook

EXIT_CASE_SOURCE: Hook[Callable[[Any, Any], str | None]] = Hook("EXIT_CASE_SOURCE")


def source_url(case: Any, user: Any) -> str | None:
    """The address of the case's source for ``user`` (the first function that knows)."""
    if not case.source_reference:
        return None
    for find in EXIT_CASE_SOURCE:
        url = find(case, user)
        if url:
            return url
    return None
