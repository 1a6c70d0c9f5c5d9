"""The punctuation between words, in the active language (#16).

Chinese lists names with 、, ends a label with ：and separates clauses with ；; English
uses ", ", ": " and "; ". Each is a message id with its own context (the catalogue
gives the Chinese), so a page, a command and a domain message
(:func:`tongxue.core.errors.render_message`) use the same ones. An ASCII comma between
Chinese names (当选：康文泽, 马宇华) reads as a slip.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import pgettext


def list_separator() -> str:
    """Between the items of a list: "、" in Chinese, ", " in English."""
    return str(pgettext("list separator", ", "))


def label_colon() -> str:
    """After a label: "：" in Chinese, ": " in English."""
    return str(pgettext("after a label", ": "))


def clause_separator() -> str:
    """Between clauses (label: value pairs): "；" in Chinese, "; " in English."""
    return str(pgettext("clause separator", "; "))


def join_names(values: Iterable[Any], empty: str = "") -> str:
    """Names (or labels) joined with the list separator; ``empty`` when none."""
    return list_separator().join(str(v) for v in values) or empty
