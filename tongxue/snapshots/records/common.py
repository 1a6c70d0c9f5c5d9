"""What the stores of :mod:`tongxue.snapshots.records` share."""

from __future__ import annotations

from typing import Any

from tongxue.domain.snapshot import Snapshot


def row_number(snap: Snapshot, table: str, key: tuple[Any, ...]) -> int:
    """Return the number of the file's row of ``table`` keyed ``key`` (0: unknown)."""
    return snap.rows.get(table, {}).get(key, 0)
