"""The keywords of a short-text answer (TRN-2: open text grouped by keyword).

jieba segments the text (search mode, as ``tongxue.voice.text`` does for concerns:
食堂饭菜 gives 食堂, 饭菜 and 食堂饭菜) and :func:`tongxue.domain.rights.useful_tokens`
keeps the useful words (no punctuation, symbols or stop words). The texts shown as
examples are masked first (phone, ID and student numbers, e-mail addresses:
:func:`tongxue.domain.rights.mask_private`).
"""

from __future__ import annotations

import logging
import threading

import jieba

from tongxue.domain.rights import mask_private, useful_tokens

__all__ = ["keywords", "public_text"]

jieba.setLogLevel(logging.WARNING)
_ready = threading.Lock()
_initialised = False


def _init() -> None:
    global _initialised
    if _initialised:
        return
    with _ready:
        if not _initialised:
            jieba.initialize()
            _initialised = True


def keywords(text: str) -> list[str]:
    """The useful words of ``text``, in order, repeats kept."""
    if not text or not text.strip():
        return []
    _init()
    return useful_tokens(jieba.lcut_for_search(text))


def public_text(text: str) -> str:
    """``text`` as shown publicly: private numbers and addresses masked."""
    return mask_private(text or "")
