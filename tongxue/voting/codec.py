"""Ballot trackers and the bit-mask encoding of marks.

A ballot's marks are one cell per candidate, as in the CSV that ``tongxue count`` reads:
``"1"``/``"0"`` for the marks form, ``"Y"``/``"N"``/``"A"`` or ``""`` for the
yes/no/abstain form. They are stored as three bit masks (bit ``k`` = candidate ``k``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence

MARKS = "marks"
YES_NO_ABSTAIN = "yes-no-abstain"

#: The cells a voter may submit, by ballot form ("" = left blank).
ALLOWED_CELLS = {
    MARKS: frozenset(("1", "0", "")),
    YES_NO_ABSTAIN: frozenset(("Y", "N", "A", "")),
}


def new_tracker() -> str:
    """Return a fresh tracker: 128 random bits in base 32 (26 characters, A–Z, 2–7)."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


def short_code(tracker: str) -> str:
    """Return the short, human-checkable form of a tracker (its first 8 characters)."""
    return f"{tracker[:4]}-{tracker[4:8]}"


def normalise_tracker(text: str) -> str:
    """Return a tracker or short code as typed, upper case, without spaces or dashes."""
    return "".join(c for c in text.upper() if c.isalnum())


def digest(election_code: str, tracker: str, cells: Sequence[str]) -> str:
    """Return the SHA-256 of the election, the tracker and the marks (hex).

    Printed on the receipt and recomputable from the board: it binds the marks the
    voter saw to the tracker.
    """
    text = f"{election_code}|{tracker}|{','.join(cells)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode(cells: Sequence[str]) -> tuple[int, int, int]:
    """Return the (yes, no, abstain) bit masks of a ballot's cells."""
    yes = no = abstain = 0
    for k, cell in enumerate(cells):
        if cell in ("1", "Y"):
            yes |= 1 << k
        elif cell == "N":
            no |= 1 << k
        elif cell == "A":
            abstain |= 1 << k
    return yes, no, abstain


def decode(form: str, n: int, yes: int, no: int, abstain: int) -> list[str]:
    """Return the cells of a ballot from its bit masks (``n`` candidates)."""
    if form == MARKS:
        return ["1" if yes >> k & 1 else "0" for k in range(n)]
    out = []
    for k in range(n):
        if yes >> k & 1:
            out.append("Y")
        elif no >> k & 1:
            out.append("N")
        elif abstain >> k & 1:
            out.append("A")
        else:
            out.append("")
    return out
