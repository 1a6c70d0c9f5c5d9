"""Sessions end when idle and after a fixed time, whatever the activity.

Django keeps a session for ``SESSION_COOKIE_AGE`` from its last save. Two limits are
added, both from the settings (docs/accounts.md):

* **idle**: ``TONGXUE_SESSION_IDLE`` seconds without a request signs the user out;
* **absolute**: ``SESSION_COOKIE_AGE`` seconds after signing in, the session ends even
  if it was used all along (the last-activity writes below would otherwise keep
  pushing the cookie's expiry forward).

The times are kept in the session (signing-in time and last activity, Unix seconds).
The last activity is written at most every :data:`TOUCH_EVERY` seconds, so a busy user
costs one session write a minute, not one per request. A view marked
:func:`tongxue.core.sessionless.sessionless` (the cast endpoint) is left alone: it
never reads the session, its ballot token is checked on its own (and stops working when
the password changes, tongxue.voting.tokens); the cast fast path
(tongxue.voting.fastpath) does not even reach Django's middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from tongxue.core.sessionless import is_sessionless_view

STARTED = "_tongxue_signed_in_at"
SEEN = "_tongxue_seen_at"
#: Seconds between two writes of the last activity.
TOUCH_EVERY = 60


def idle_limit() -> int:
    return int(getattr(settings, "TONGXUE_SESSION_IDLE", 2 * 60 * 60))


def absolute_limit() -> int:
    return int(settings.SESSION_COOKIE_AGE)


@receiver(user_logged_in)
def _stamp(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


class SessionTimeoutMiddleware:
    """Sign out a session idle for too long or older than the absolute limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        if is_sessionless_view(view_func):
            return
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            started = session.get(STARTED)
            seen = session.get(SEEN)
            if not isinstance(started, int) or not isinstance(seen, int):
                # A session from before these limits: they start now.
                session[STARTED] = started = now
                session[SEEN] = seen = now
            if now - seen > idle_limit():
                logout(request)
                messages.info(
                    request,
                    gettext(
                        "You were signed out after {minutes} minutes without "
                        "activity. Sign in again."
                    ).format(minutes=idle_limit() // 60),
                )
            elif now - started > absolute_limit():
                logout(request)
                messages.info(
                    request,
                    gettext(
                        "You were signed out: a session lasts at most {hours} hours. "
                        "Sign in again."
                    ).format(hours=absolute_limit() // 3600),
                )
            elif now - seen >= TOUCH_EVERY:
                session[SEEN] = now
