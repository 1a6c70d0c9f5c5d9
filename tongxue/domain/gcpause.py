"""Pause Python's cyclic garbage collector while building many acyclic objects (#15).

Loading a province's registry builds some 200,000 frozen dataclasses and tuples, and
auditing it as many small objects again. None of them forms a reference cycle, yet each
700 new objects start a collection that walks the young ones, and every tenth of those
the older ones: about a fifth of the time of a whole-province audit went to collections
that freed nothing. :func:`gc_paused` turns the collector off for the duration and back
on afterwards (only if it was on: nested or concurrent pauses leave it as they found
it). Reference counting still frees everything as usual; only cycles wait, and the
collector finds them when it runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the body with the cyclic garbage collector off; restore it afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
