"""Private numbers masked before a concern's text is shown publicly (RGT-7).

A student writing "联系我 13812345678" or giving a student or ID number must not see it
on the public list. :func:`mask_private` replaces, in the text it is given,

* e-mail addresses (the part before the @: ``***@example.com``);
* mainland mobile numbers (``1[3-9]`` and 9 digits, also written ``138 1234 5678`` or
  ``138-1234-5678``);
* landline numbers with an area code (``0931-8123456``, ``010 12345678``);
* identity card numbers (18 digits, the last possibly ``X``; 15 digits);
* any other run of 8 or more digits (student numbers, QQ numbers …);

every digit of a number becoming ``*`` (separators kept). Full-width characters
(``１３８…``, ``＠``) are read as their ASCII forms, and masked alike. Shorter numbers are
kept: a year (2026), a room (3号楼 502), a date (2026-05-12), an amount. The result has
no digit left in what was masked, so masking it again changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MASK = "*"

#: (pattern, how to mask a match), in priority order: a span masked by an earlier
#: pattern is not matched again by a later one.
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[ -]?[1-9][0-9]{6,7}(?![0-9])"
)
_LONG_RUN = re.compile(r"[0-9]{8,}")


def _normalised(text: str) -> str:
    """``text`` with each full-width (compatibility) character as its ASCII form.

    Character by character, so that positions in the result are positions in ``text``:
    a character whose normal form is not a single character is kept as it is.
    """
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _mask_digits(original: str, folded: str, *, x_too: bool = False) -> str:
    return "".join(
        MASK if f.isascii() and (f.isdigit() or (x_too and f in "Xx")) else o
        for o, f in zip(original, folded, strict=True)
    )


def _mask_email(original: str, folded: str) -> str:
    at = folded.index("@")
    return "***" + original[at:]


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[str, str], str]], ...] = (
    (_EMAIL, _mask_email),
    (_ID, lambda o, f: _mask_digits(o, f, x_too=True)),
    (_MOBILE, _mask_digits),
    (_LANDLINE, _mask_digits),
    (_LONG_RUN, _mask_digits),
)


def mask_private(text: str) -> str:
    """Return ``text`` with phone, ID, student numbers and e-mail addresses masked."""
    if not text:
        return text
    folded = _normalised(text)
    spans: list[tuple[int, int, Callable[[str, str], str]]] = []
    taken = [False] * len(text)
    for pattern, mask in _PATTERNS:
        for m in pattern.finditer(folded):
            start, end = m.span()
            if any(taken[start:end]):
                continue
            for i in range(start, end):
                taken[i] = True
            spans.append((start, end, mask))
    if not spans:
        return text
    spans.sort(key=lambda s: s[0])
    out = []
    pos = 0
    for start, end, mask in spans:
        out.append(text[pos:start])
        out.append(mask(text[start:end], folded[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out)
