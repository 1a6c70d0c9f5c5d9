"""Throttle guessing of follow-up codes: wrong codes per client address and per session.

A follow-up code is about 60 bits and cannot be guessed by trying; the limit is there
all the same, and it is the sign-in pages' mechanism
(:mod:`tongxue.accounts.activation_throttle`: counters in Django's cache, shared by
every process, each with a window that starts at its first wrong code). Only a wrong
code counts: on the track page and when a form of the track page posts a code that
does not name its concern. At a limit the page answers 429 — a right code included —
until the window ends. The address counter allows more than the session counter
because a campus shares few public addresses. Keys hold hashes, never an address.

Settings (``VOICE_TRACK_THROTTLE``): ``window`` (seconds, 600), ``session`` (10),
``address`` (30). docs/voice.md, "Follow-up codes".
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest

from tongxue.accounts.activation_throttle import blocked_for, count, digest

DEFAULTS = {"window": 10 * 60, "session": 10, "address": 30}
_BASE = "tongxue:voice:track"
#: Kept in the session so that it has a key to count by (a visitor's first wrong code).
_MARK = "voice_track"


def limits() -> dict[str, int]:
    """The window and the two limits, with the defaults for what is not set."""
    configured = getattr(settings, "VOICE_TRACK_THROTTLE", {}) or {}
    return {k: int(configured.get(k, v)) for k, v in DEFAULTS.items()}


def _counters(request: HttpRequest, *, create: bool) -> list[tuple[str, int]]:
    lim = limits()
    address = get_client_ip_address(request) or ""
    counters = [(f"{_BASE}:address:{digest(address)}", lim["address"])]
    session = getattr(request, "session", None)
    if session is not None:
        if create and session.session_key is None:
            session[_MARK] = True
            session.save()
        if session.session_key:
            counters.append(
                (f"{_BASE}:session:{digest(session.session_key)}", lim["session"])
            )
    return counters


def retry_after(request: HttpRequest) -> int:
    """The seconds until this client may try a code again (0: now)."""
    return blocked_for(_counters(request, create=False), window=limits()["window"])


def wrong_code(request: HttpRequest) -> None:
    """Count a wrong code against the client's address and session."""
    count(_counters(request, create=True), window=limits()["window"])


def minutes(seconds: int) -> int:
    """``seconds`` in whole minutes, rounded up (at least one)."""
    return max(1, -(-seconds // 60))
