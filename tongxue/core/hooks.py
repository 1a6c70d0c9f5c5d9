"""Extension points: how a lower layer asks the apps above it without importing them (#13).

The layers point one way (docs/architecture.md, ``[tool.importlinter]``): an app may
import the apps below it, never those above. When a lower module needs something only
an upper app knows (the registry's loader needs each feature app's rows; the elections
service asks the voting app whether two paper counts agree), it declares a
:class:`Hook` and calls what is registered on it; each app that has something to add
registers it in its ``AppConfig.ready()``. Django runs every installed app's
``ready()`` before the first request, command or test, so the hook is complete by the
time it is called, and the import arrow points from the upper app to the hook.

Every extension point is a ``Hook(...)``; ``grep -rn "Hook(" tongxue`` lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """A named list of what upper apps registered: functions, or small records of them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[T] = []

    def register(self, item: T) -> T:
        """Add ``item`` once (registering an equal one again changes nothing); return it."""
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[T]:
        """The registered items, in the order of registration (``INSTALLED_APPS``)."""
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._items)} registered)"
