"""What a raise reads that rarely changes, kept by each process (#17, RGT-1).

A raise by token reads, besides the student's account, what belongs to the school and
changes rarely: the union serving the student's class, the students it serves (its
``served_path``), its governing profile, the category by its code, where the category
sends a concern first, and who is told there. Read each time, that is six queries of
a raise's thirteen. Each process keeps them instead, under the **raise stamp**
(:class:`~tongxue.voice.models.RaiseStamp`): a number the database itself moves on
(triggers, migration ``voice.0011``) in the same transaction as any change to the
organisations (tree, profiles), role assignments, a union's categories or its named
handlers — whatever wrote it: a service, an import, the admin, a migration, SQL. A
raise reads the stamp in its account's query; what a process kept under another stamp
is read again, so a change is seen by every worker from its commit on, never later.

Nothing else is kept: the account (its password and activity), the day's count, the
handlers' activity and notification choices are read each time. Without the stamp's
row (a test database emptied by a flush) nothing is kept. Each kept value carries its
stamp, so a value read under an old stamp is never served under a new one, whatever
the threads do. Profiles also come from files and settings: a settings change (tests)
forgets everything; profile files change only with a deploy (a restart).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.dispatch import receiver

T = TypeVar("T")

#: More entries than this (schools × categories × classes …): start again.
LIMIT = 50_000

_entries: dict[Hashable, tuple[int, Any]] = {}


def get(stamp: int | None, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept under ``stamp`` (None: not kept). An exception (a refusal)
    is raised each time, never kept."""
    if stamp is None:
        return compute()
    found = _entries.get(key)
    if found is not None and found[0] == stamp:
        return found[1]  # type: ignore[no-any-return]
    value = compute()
    if len(_entries) >= LIMIT:
        _entries.clear()
    _entries[key] = (stamp, value)
    return value


def forget() -> None:
    _entries.clear()


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    forget()
