"""One refusal type for services; views map it to a form error, the API to JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from tongxue.core.words import clause_separator, label_colon, list_separator
from tongxue.domain.findings import Message, Punctuation, Refusal, label_param

__all__ = [
    "Refusal",
    "form_errors_text",
    "punctuation",
    "refusal_json",
    "refuse",
    "render_message",
]


def refuse(code: str, text: str, *, field: str | None = None, **params: Any) -> Refusal:
    """Build a refusal with a translatable message id (mark ``text`` with gettext_noop)."""
    return Refusal(code, Message(text, params), field=field)


def render_message(message: Message) -> str:
    """Translate a domain message into the active language.

    A ``*_label`` parameter is a message id, translated; a ``*_labels`` one a list of
    them, translated and joined ("、" in Chinese, ", " otherwise); a ``*_evidence`` one
    evidence, as labelled "key：value" pairs; any other list (names) joined with "、"
    in Chinese (:func:`tongxue.domain.findings.label_param`).
    """
    marks = punctuation()
    params = {
        k: label_param(k, v, gettext, marks.separator, punctuation=marks)
        for k, v in message.params.items()
    }
    return gettext(message.text).format(**params)


def punctuation() -> Punctuation:
    """The active language's punctuation for domain messages (:mod:`tongxue.core.words`)."""
    return Punctuation(
        separator=list_separator(), colon=label_colon(), clause=clause_separator()
    )


def refusal_json(refusal: Refusal) -> dict[str, Any]:
    rendered = render_message(refusal.message)
    if refusal.requirement:
        rendered = f"{rendered} ({refusal.citation})"
    return {
        "code": refusal.code,
        "message": rendered,
        "params": {k: v for k, v in refusal.message.params.items()},
        "requirement": refusal.requirement or None,
        "clauses": list(refusal.clauses),
        "field": refusal.field,
    }


def form_errors_text(form: Any) -> str:
    """Return a form's errors as one line, each naming its field.

    For the pages that show one message above their form rather than each error at its
    field: "Ballots issued: Enter a whole number.; …".
    """
    parts = []
    for name, errors in form.errors.items():
        label = str(form[name].label) if name in form.fields else ""
        for error in errors:
            parts.append(
                gettext("%(field)s: %(error)s") % {"field": label, "error": error}
                if label
                else str(error)
            )
    return "; ".join(parts)
