"""Views that use no session, and how the layers around a request learn of it (#14).

A view that names its user by something else than the session (the cast endpoint: a
ballot token, tongxue.voting.tokens) is marked with :func:`sessionless`, the way
Django's ``csrf_exempt`` marks a view. Whatever runs around such a view then leaves the
session alone: the idle and absolute session limits (tongxue.accounts.sessions) skip
it, and the header's unread-notifications count (tongxue.notifications.context) is
not taken, since it would load the session's user, who need not be the page's.

The mark is on the view itself, so it holds wherever the view is routed, and code of
any layer can ask :func:`is_sessionless` without importing the app of the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest

V = TypeVar("V", bound=Callable[..., Any])

#: The attribute that marks a view function (copied by ``functools.wraps``).
MARK = "tongxue_sessionless"


def sessionless(view: V) -> V:
    """Mark ``view`` as reading neither the session nor ``request.user``."""
    setattr(view, MARK, True)
    return view


def is_sessionless_view(view: Callable[..., Any] | None) -> bool:
    """Return whether ``view`` was marked with :func:`sessionless`."""
    return bool(getattr(view, MARK, False))


def is_sessionless(request: HttpRequest) -> bool:
    """Return whether the request was routed to a view marked :func:`sessionless`."""
    match = getattr(request, "resolver_match", None)
    return match is not None and is_sessionless_view(match.func)
