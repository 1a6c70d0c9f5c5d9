"""Throttle the activation pages: attempts per client address and per student number.

Counted in Django's cache (``default``: Redis in production, the database cache
otherwise), so every process shares the counts. Each counter's window starts at its
first attempt and lasts ``ACTIVATION_THROTTLE["window"]`` seconds; at its limit the page
answers 429 until the window ends. The address counter allows more than the number
counter because a campus shares few public addresses. Keys hold hashes, never a student
number or an address. The client address is read as django-axes reads it (behind the
proxy, ``X-Real-IP``).

Settings (``ACTIVATION_THROTTLE``): ``window`` (seconds, 900), ``address`` (10),
``number`` (5). docs/accounts.md, "Activating the roster (students)".
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULTS = {"window": 15 * 60, "address": 10, "number": 5}


def clock() -> float:
    """Return the current time in seconds (tests move it)."""
    return time.time()


def limits() -> dict[str, int]:
    """Return the window and the two limits, with the defaults for what is not set."""
    configured = getattr(settings, "ACTIVATION_THROTTLE", {}) or {}
    return {k: int(configured.get(k, v)) for k, v in DEFAULTS.items()}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    """The counters of one page (``scope``: ``code`` or ``mail``)."""

    scope: str

    def _counters(self, request: HttpRequest, number: str) -> list[tuple[str, int]]:
        lim = limits()
        address = get_client_ip_address(request) or ""
        base = f"tongxue:activation:{self.scope}"
        return [
            (f"{base}:address:{_digest(address)}", lim["address"]),
            (f"{base}:number:{_digest(number.strip().upper())}", lim["number"]),
        ]

    def retry_after(self, request: HttpRequest, number: str) -> int:
        """Return the seconds until a blocked client may try again (0: not blocked)."""
        return blocked_for(self._counters(request, number), window=limits()["window"])

    def hit(self, request: HttpRequest, number: str) -> None:
        """Count one attempt against the client's address and the student number."""
        count(self._counters(request, number), window=limits()["window"])


# The counters themselves, for any page that throttles this way (each counter: a cache
# key and its limit; tongxue.voice.throttle counts wrong follow-up codes with them).


def blocked_for(counters: list[tuple[str, int]], *, window: int) -> int:
    """Return the seconds until every counter is below its limit (0: not blocked)."""
    now = clock()
    keys = [k for key, _ in counters for k in (f"{key}:start", f"{key}:n")]
    values = cache.get_many(keys)
    wait = 0.0
    for key, limit in counters:
        start = values.get(f"{key}:start")
        if start is None or start + window <= now:
            continue
        if int(values.get(f"{key}:n", 0)) >= limit:
            wait = max(wait, start + window - now)
    return math.ceil(wait)


def count(counters: list[tuple[str, int]], *, window: int) -> None:
    """Count one attempt on each counter (a counter's window starts at its first)."""
    now = clock()
    for key, _limit in counters:
        start = cache.get(f"{key}:start")
        if start is None or start + window <= now:
            cache.set_many({f"{key}:start": now, f"{key}:n": 1}, timeout=window)
            continue
        try:
            cache.incr(f"{key}:n")
        except ValueError:  # the count expired before its start
            cache.set(f"{key}:n", 1, timeout=max(1, math.ceil(start + window - now)))


def digest(value: str) -> str:
    """A short hash of a counter's subject (keys never hold an address or a number)."""
    return _digest(value)


#: Failed codes on the activation page.
CODES = Throttle("code")
#: Requests for a link to the school mailbox (each one counts: its answer never says).
MAIL = Throttle("mail")
