"""Notice texts that read in the reader's language (ELE-4).

A notice's title and body are composed by the services that publish it (an election's
candidate list, a result, a shortlist …) from fixed phrases with the names, titles and
figures of the case. Instead of only the finished Chinese text, a notice keeps that
composition (``Notice.text``): each part is either a literal line (names, a case's own
text) or a phrase — ``[msgid, {name: value}]``, where a value may itself be a phrase —
and is rendered in the language of whoever reads it. The Chinese rendering is stored too
(``Notice.title``, ``Notice.body``): the official record, what the audit log and search
show, and what a notice without a composition (older ones) displays in every language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, override

#: A part of a notice text: a literal string, or [msgid, params] (params may nest).
Part = Any


def phrase(msgid: str, **params: Any) -> list[Any]:
    """A translatable phrase; pass the msgid through ``gettext_noop`` where it is written."""
    return [msgid, params]


#: Two names (or a name and the rest of the list) in the reader's language: ", " in
#: English, "、" in Chinese (#16).
NAMES_PAIR = gettext_noop("{first}, {rest}")


def names_phrase(names: list[str]) -> Part:
    """The names as a notice part that joins them with the reader's list separator.

    The notice keeps its composition and renders in each reader's language (ELE-4),
    so the separator is a phrase too: ``[a, b, c]`` nests as (a, (b, c)). No name: "—".
    """
    if not names:
        return "—"
    part: Part = str(names[-1])
    for name in reversed(names[:-1]):
        part = phrase(NAMES_PAIR, first=str(name), rest=part)
    return part


def render(part: Part) -> str:
    """Render a part in the active language."""
    if isinstance(part, str):
        return part
    msgid, params = part
    values = {
        name: render(value) if isinstance(value, list) else value
        for name, value in params.items()
    }
    return gettext(msgid).format(**values)


def render_text(text: dict[str, Any]) -> tuple[str, str]:
    """Return (title, body) of a composition in the active language ("" if absent)."""
    title = render(text["title"]) if text.get("title") else ""
    body = "\n".join(render(line) for line in text.get("body") or [])
    return title, body


def official(text: dict[str, Any]) -> tuple[str, str]:
    """Return (title, body) in the site's language (Chinese): the stored record."""
    with override(settings.LANGUAGE_CODE):
        return render_text(text)
