"""Extension points of the congresses app (docs/architecture.md, "The layers").

``DELEGATE_CONTACTS``: how many students reached each delegate through a relay kept by
an app above this one (the concerns app's relay, RGT-6 · GS-一(三), CQ-一(三)), shown on
the public delegate list. Each registered function takes the congress's organisation
and the people of the delegates shown, and returns ``{person id: (received,
answered)}`` — counts only, never who wrote or what — in one query, or None when its
relay does not reach that organisation's delegates (then the list shows no column).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tongxue.core.hooks import Hook

ContactCounts = dict[int, tuple[int, int]]

DELEGATE_CONTACTS: Hook[Callable[[Any, Sequence[int]], ContactCounts | None]] = Hook(
    "DELEGATE_CONTACTS"
)


def delegate_contacts(
    organisation: Any, person_ids: Sequence[int]
) -> ContactCounts | None:
    """The delegates' contacts summed over the registered relays, or None when none
    reaches the organisation's delegates."""
    out: ContactCounts | None = None
    for count in DELEGATE_CONTACTS:
        found = count(organisation, person_ids)
        if found is None:
            continue
        out = out if out is not None else {}
        for pid, (received, answered) in found.items():
            r, a = out.get(pid, (0, 0))
            out[pid] = (r + received, a + answered)
    return out
