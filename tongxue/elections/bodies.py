"""Which body elects which post (ELE-1, ELE-3 · GS-8, CQ-3): the service's guard.

The tables and the decision live in the domain (:mod:`tongxue.domain.rules.elections`),
which also audits the elections already recorded; this module adapts them to the
Django models for ``tongxue.elections.services.create_election``.
"""

from __future__ import annotations

from tongxue.congresses.models import Meeting
from tongxue.core.errors import Refusal
from tongxue.domain.rules import elections as rules
from tongxue.domain.rules.elections import (
    BODIES_LABELS,
    CLAUSES,
    DEPARTMENT_POSTS,
    ELECTED_POSTS,
    KIND_LABELS,
    POST_LABELS,
)
from tongxue.organisations.models import Organisation

__all__ = [
    "BODIES_LABELS",
    "CLAUSES",
    "DEPARTMENT_POSTS",
    "ELECTED_POSTS",
    "KIND_LABELS",
    "POST_LABELS",
    "body_refusal",
]


def body_refusal(
    organisation: Organisation, meeting: Meeting, post: str
) -> Refusal | None:
    """Return why ``meeting`` may not elect ``post`` at ``organisation``, or None.

    The refusal cites only the clauses of the plan governing ``organisation``."""
    from tongxue.organisations.profiles import governing_profile

    refusal = rules.body_refusal(organisation.kind, meeting.kind, post)
    if refusal is not None:
        refusal.clauses = governing_profile(organisation).own_clauses(refusal.clauses)
    return refusal
