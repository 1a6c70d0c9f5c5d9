"""The words of a concern and its public text (RGT-1 similar concerns, RGT-7 masking).

``tokens`` segments Chinese text with jieba (search mode: 食堂饭菜 gives 食堂, 饭菜 and
食堂饭菜) and keeps the useful words (:func:`tongxue.domain.rights.useful_tokens`). A
concern stores the words of its *public* (masked) title and body at raise time, padded
with spaces (" 食堂 饭菜 "), so that a word is matched with ``contains(" 食堂 ")`` and a
private number never is: a student's phone number cannot be found by searching for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import jieba

from tongxue.domain.rights import mask_private, useful_tokens

__all__ = ["load_dictionary", "public_text", "token_string", "tokens", "words_of"]

jieba.setLogLevel(logging.WARNING)
_ready = threading.Lock()
_initialised = False


def load_dictionary() -> None:
    """Load jieba's dictionary now (once per process; about a second). The WSGI
    entry point calls it at start-up, so that no request waits for it and the
    dictionary is frozen out of the garbage collector's generations with the rest of
    what lives as long as the process (``tongxue.config.wsgi``); elsewhere the first
    segmentation loads it."""
    global _initialised
    if _initialised:
        return
    with _ready:
        if not _initialised:
            jieba.initialize()
            _initialised = True


_init = load_dictionary


def tokens(text: str) -> list[str]:
    """The useful words of ``text`` (jieba search mode), in order, repeats kept."""
    if not text or not text.strip():
        return []
    _init()
    return useful_tokens(jieba.lcut_for_search(text))


def token_string(words: Iterable[str]) -> str:
    """Words as stored in ``Concern.tokens``: space-separated and space-padded."""
    joined = " ".join(w for w in words if w and " " not in w)
    return f" {joined} " if joined else ""


def words_of(stored: str) -> list[str]:
    """The words of a stored ``Concern.tokens``."""
    return stored.split()


def public_text(text: str) -> str:
    """``text`` as shown publicly: phone, ID and student numbers, e-mails masked."""
    return mask_private(text or "")
