"""The attributes the test CAS server releases with a user (tests.providers)."""

from __future__ import annotations

from typing import Any

from tests.providers import CAMPUS_ACCOUNTS


def campus_attributes(user: Any, service: str) -> dict[str, str]:
    return dict(CAMPUS_ACCOUNTS.get(user.get_username(), {}))
