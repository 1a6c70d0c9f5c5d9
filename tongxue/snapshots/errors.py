"""The one exception of snapshot import: every problem found, nothing written."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from tongxue.core.errors import render_message
from tongxue.domain.snapshot import DOCUMENT, SnapshotError
from tongxue.snapshots.limits import SHOWN_ERRORS

__all__ = ["SnapshotError", "SnapshotInvalid", "describe", "listed", "more_text"]


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


def listed(errors: list[SnapshotError]) -> tuple[list[SnapshotError], int]:
    """Return the errors to list in full (the first 200) and how many more there are.

    A file of a hundred thousand bad rows would otherwise make a report of as many
    lines (a 120 MB page); the total is always given.
    """
    return errors[:SHOWN_ERRORS], max(len(errors) - SHOWN_ERRORS, 0)


def more_text(more: int) -> str:
    """Return "… and N more problems" in the active language."""
    return ngettext(
        "… and {count} more problem (only the first {shown} are listed).",
        "… and {count} more problems (only the first {shown} are listed).",
        more,
    ).format(count=more, shown=SHOWN_ERRORS)
