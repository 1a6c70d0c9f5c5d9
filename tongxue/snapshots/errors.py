"""The one exception of snapshot import: every problem found, nothing written."""

from __future__ import annotations

from django.utils.translation import gettext

from tongxue.core.errors import render_message
from tongxue.domain.snapshot import DOCUMENT, SnapshotError

__all__ = ["SnapshotError", "SnapshotInvalid", "describe"]


class SnapshotInvalid(Exception):
    """A snapshot that cannot be imported; ``errors`` lists every problem (ORG-1)."""

    def __init__(self, errors: list[SnapshotError], *, workbook: bool = False) -> None:
        self.errors = list(errors)
        self.workbook = workbook
        super().__init__(f"{len(self.errors)} problem(s) in the snapshot")


def describe(error: SnapshotError, *, workbook: bool = False) -> str:
    """Render an error as "sheet/table T, row N, field F: message" in the active language."""
    parts: list[str] = []
    if error.table and error.table != DOCUMENT:
        label = gettext("sheet") if workbook else gettext("table")
        parts.append(f"{label} {error.table}")
    if error.row:
        parts.append(gettext("row {number}").format(number=error.row))
    if error.field:
        parts.append(gettext("field {name}").format(name=error.field))
    where = ", ".join(parts)
    text = render_message(error.message)
    return f"{where}: {text}" if where else text
