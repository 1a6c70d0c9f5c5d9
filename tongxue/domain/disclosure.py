"""The differences between two versions of a rule, readable for Chinese text (TRN-1).

Lines are compared first (difflib); a run of changed lines is then paired line by line,
and each pair that is still alike (a similarity of at least :data:`PAIR_RATIO`) is
compared character by character: Chinese has no spaces between words, so a change of
one character in a long article shows as that character, not as the whole line
removed and added again. Pure Python: the pages render the segments with ``<del>`` and
``<ins>``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import zip_longest

#: Two changed lines at least this alike are shown as one changed line.
PAIR_RATIO = 0.5


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a changed line: ``op`` "=" kept, "-" removed, "+" added."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of a diff.

    ``op``: "=" unchanged, "-" removed, "+" added, "~" changed in place (then
    ``segments`` hold the characters kept, removed and added), "…" unchanged lines
    folded (``skipped`` of them).
    """

    op: str
    old_number: int | None
    new_number: int | None
    text: str = ""
    segments: tuple[Segment, ...] = ()
    skipped: int = 0


def char_segments(old: str, new: str) -> tuple[Segment, ...]:
    """The characters of ``old`` kept, removed and added to make ``new``."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(Segment("=", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(Segment("-", old[i1:i2]))
        if j2 > j1:
            out.append(Segment("+", new[j1:j2]))
    return tuple(out)


def _similar(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(a=old, b=new, autojunk=False).ratio() >= PAIR_RATIO


def text_diff(old: str, new: str) -> tuple[DiffRow, ...]:
    """The rows that turn ``old`` into ``new`` (see the module)."""
    a, b = old.splitlines(), new.splitlines()
    out: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(
                DiffRow("=", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)
            )
            continue
        removed: list[DiffRow] = []
        added: list[DiffRow] = []
        for k, (x, y) in enumerate(zip_longest(a[i1:i2], b[j1:j2])):
            if x is not None and y is not None and _similar(x, y):
                out.append(
                    DiffRow(
                        "~", i1 + k + 1, j1 + k + 1, y, segments=char_segments(x, y)
                    )
                )
                continue
            if x is not None:
                removed.append(DiffRow("-", i1 + k + 1, None, x))
            if y is not None:
                added.append(DiffRow("+", None, j1 + k + 1, y))
        out.extend(removed)
        out.extend(added)
    return tuple(out)


def fold(rows: tuple[DiffRow, ...], context: int) -> tuple[DiffRow, ...]:
    """The rows with unchanged runs farther than ``context`` lines from a change
    folded into one "…" row each."""
    changed = [i for i, r in enumerate(rows) if r.op != "="]
    keep = {
        j
        for i in changed
        for j in range(max(0, i - context), min(len(rows), i + context + 1))
    }
    out: list[DiffRow] = []
    skipped = 0
    for i, r in enumerate(rows):
        if i in keep:
            if skipped:
                out.append(DiffRow("…", None, None, skipped=skipped))
                skipped = 0
            out.append(r)
        else:
            skipped += 1
    if skipped:
        out.append(DiffRow("…", None, None, skipped=skipped))
    return tuple(out)


def diff_counts(rows: tuple[DiffRow, ...]) -> tuple[int, int, int]:
    """(lines added, lines removed, lines changed in place)."""
    return (
        sum(1 for r in rows if r.op == "+"),
        sum(1 for r in rows if r.op == "-"),
        sum(1 for r in rows if r.op == "~"),
    )
