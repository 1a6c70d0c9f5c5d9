"""The language of the operator's console, for commands that write for a person (#16).

A command run from a shell speaks the operator's language, not the site's: GNU
gettext's ``LANGUAGE`` (a list such as ``zh_CN:en``; its first language Tongxue has
wins), else the locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as POSIX reads
them). Chinese (zh-hans) when it names Chinese, English otherwise and when nothing is
set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: The languages of the site, by the start of a language or locale name.
_KNOWN = {"zh": "zh-hans", "en": "en"}


def _language_of(name: str) -> str | None:
    """The site's language a language or locale name asks for, if any."""
    code = name.strip().lower()
    for prefix, language in _KNOWN.items():
        if code.startswith(prefix):
            return language
    return None


def operator_language(environ: Mapping[str, str] | None = None) -> str:
    """Return the language the operator's environment asks for ("zh-hans" or "en")."""
    env = os.environ if environ is None else environ
    for part in env.get("LANGUAGE", "").split(":"):
        found = _language_of(part)
        if found is not None:
            return found
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return _language_of(env[name]) or "en"
    return "en"
