"""Sign-in throttling against guessing and spraying: three counters, three limits.

django-axes counts failed sign-ins per lockout parameter (``AXES_LOCKOUT_PARAMETERS``)
and locks when the largest count reaches one limit (``AXES_FAILURE_LIMIT``). One limit
for every counter does not fit: a campus shares few public addresses, so the counter of
an address must allow more failures than that of one account. :class:`TieredHandler`
keeps axes' database handler and gives each counter its own limit
(``TONGXUE_LOCKOUT_LIMITS``), within the cool-off (``AXES_COOLOFF_TIME``):

* ``("username", "ip_address")``: one account from one address (``AXES_FAILURE_LIMIT``);
* ``"ip_address"``: every account tried from one address (spraying many accounts);
* ``"username"``: one account from every address (guessing one account from many).

A successful sign-in forgives the failures of the account it proved (from every
address), never those of other accounts from the same address: an attacker who owns an
account must not wipe the count of their address by signing in.

The lockout page (:func:`lockout_response`) says what happened, when to try again and
whom to ask.

Operators unlock with ``tongxue manage axes_reset_ip ADDRESS``, ``tongxue manage
axes_reset_username NAME`` or ``tongxue manage axes_reset`` (everything); see
docs/accounts.md.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAIR = ("username", "ip_address")


def _key(parameter: str | list[str] | tuple[str, ...]) -> str:
    return parameter if isinstance(parameter, str) else "+".join(parameter)


def limit_of(parameter: str | list[str] | tuple[str, ...], default: int) -> int:
    """Return the failure limit of one lockout parameter (``default`` if not set)."""
    limits: dict[str, int] = getattr(settings, "TONGXUE_LOCKOUT_LIMITS", {})
    return int(limits.get(_key(parameter), default))


class TieredHandler(AxesDatabaseHandler):
    """axes' database handler with a failure limit per lockout parameter."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        """Return the failures on the scale of ``AXES_FAILURE_LIMIT``.

        axes locks when this number reaches its one limit ``L``; each counter's count
        ``n`` against its own limit ``l`` is scaled to ``n * L // l``, which reaches
        ``L`` exactly when ``n`` reaches ``l``.
        """
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, count * base // limit_of(parameter, base))
        return worst

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """Forget the failures of the account that just signed in, and only those.

        axes would delete every attempt matching any lockout parameter, including
        the address's failures on other accounts: a sprayer with an account of their
        own could then reset their address's count by signing in.
        """
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def cooloff_minutes() -> int:
    """Return the cool-off of a lockout in whole minutes (at least one)."""
    hours = float(getattr(settings, "AXES_COOLOFF_TIME", 0) or 0)
    return max(1, round(hours * 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Answer a locked sign-in: what happened, when to retry, whom to ask (429)."""
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": cooloff_minutes()},
        status=429,
    )
