"""Extension points of the cadres app (docs/architecture.md, "The layers").

``EXIT_CASE_SOURCE``: where an exit case came from, told by an app above this one that
opened it (the concerns app, CAD-8). Each registered function takes the case and the
user looking at its page and returns the address of the source for that user, or
None when the user may not open it (the cadre concerned never may). The case keeps
the source's reference itself (``ExitCase.source_reference``), shown to everyone who
sees the case.

``CADRE_CONTACTS`` and ``CADRE_RELAY_URL``: the relay to cadres kept by the concerns
app (RGT-6): the contacts counted on the roster, and where the roster's "write a
message" (and the old ``/cadres/relay/<post>/``) leads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


ContactCounts = dict[int, tuple[int, int]]

#: How many students reached each cadre of a roster through the relay of an app
#: above this one (the concerns app, RGT-6), shown on the public roster (CAD-2). Each
#: function takes the roster's organisation and the people of its cadres and returns
#: ``{person id: (received, answered)}`` (counts only, never who or what), or None
#: when its relay does not reach that roster's cadres.
CADRE_CONTACTS: Hook[Callable[[Any, list[int]], ContactCounts | None]] = Hook(
    "CADRE_CONTACTS"
)
#: Where a student writes to the holder of a post (the concerns app's relay, which
#: replaced the roster's own relay form): a function of the post returning the
#: address, or None when its relay does not reach the post.
CADRE_RELAY_URL: Hook[Callable[[Any], str | None]] = Hook("CADRE_RELAY_URL")


def cadre_contacts(organisation: Any, person_ids: list[int]) -> ContactCounts | None:
    """The cadres' contacts summed over the registered relays (None: none reaches)."""
    out: ContactCounts | None = None
    for count in CADRE_CONTACTS:
        found = count(organisation, person_ids)
        if found is None:
            continue
        out = out if out is not None else {}
        for pid, (received, answered) in found.items():
            r, a = out.get(pid, (0, 0))
            out[pid] = (r + received, a + answered)
    return out


def relay_url(position: Any) -> str | None:
    """Where a student writes to the holder of ``position`` (the first relay that
    reaches it), or None."""
    for find in CADRE_RELAY_URL:
        url = find(position)
        if url:
            return url
    return None


@dataclass(frozen=True)
class RecordSection:
    """A section of a cadre's record: the template that draws it and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


RECORD_SECTIONS: Hook[Callable[[Any, Any], RecordSection | None]] = Hook(
    "RECORD_SECTIONS"
)


def record_sections(person: Any, user: Any) -> list[RecordSection]:
    """The sections the apps above add to ``person``'s record for ``user``."""
    return [s for add in RECORD_SECTIONS if (s := add(person, user)) is not None]
