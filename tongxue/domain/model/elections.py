"""Elections held by a meeting to fill a post (ELE-1 …)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ElectionStatus(enum.StrEnum):
    """The states of an election (``tongxue.domain.lifecycle.ELECTION``)."""

    DRAFT = "draft"
    NOMINATION = "nomination"
    VETTING = "vetting"
    APPROVED = "approved"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"
    CERTIFIED = "certified"
    EFFECTIVE = "effective"
    VOID = "void"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Election:
    """An election held by a meeting: which post it fills and which body elects (ELE-1).

    ``meeting`` is the code of the electing congress, assembly or standing-conference
    meeting (None when it is not recorded); ``post`` a :class:`Role` value (kept as text:
    a record may name a post that is not a role); ``status`` a state of
    ``tongxue.domain.lifecycle.ELECTION``.
    """

    organisation: str
    code: str
    meeting: str | None
    post: str
    status: str = "draft"
