"""Recorded reasons for departing from a default (D) rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Justification:
    """A recorded reason for departing from a default (D) rule at an organisation.

    It covers one occurrence until ``valid_until`` (see
    ``tongxue.domain.justifications``): the finding's ``evidence`` when it was
    recorded (None: any occurrence); None for ``valid_until``: a year after approval.
    """

    organisation: str
    rule: str
    reason: str
    approved_by: str
    approved_on: date
    valid_until: date | None = None
    evidence: Mapping[str, Any] | None = None
