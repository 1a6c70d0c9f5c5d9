"""Validation of one student's answer set (TRN-2).

:func:`clean_answers` turns what a form or the API sent into the stored answer set, or
refuses it naming the question: a scale answer is a whole number 1 … 5, a single choice
one of its options, a multiple choice a non-empty set of its options (in the options'
order), a short text at most :data:`~.questions.TEXT_MAX_CHARS` characters (an empty
text is no answer). A required question without an answer, and a key that is not a
question, are refused. The stored set holds only what was answered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tongxue.domain.findings import Message, Refusal
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.surveys.questions import (
    SCALE_POINTS,
    TEXT_MAX_CHARS,
    Question,
    QuestionKind,
)

#: A stored answer: a scale point, an option, options, or a text.
Answer = int | str | list[str]


def _refuse(text: str, question: str, **params: Any) -> Refusal:
    return Refusal("invalid", Message(text, params), field=question)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _scale(q: Question, value: Any) -> int:
    if isinstance(value, bool):
        raise _refuse(_("Choose a point from 1 to {max}."), q.key, max=SCALE_POINTS)
    try:
        point = int(value)
    except (TypeError, ValueError):
        raise _refuse(
            _("Choose a point from 1 to {max}."), q.key, max=SCALE_POINTS
        ) from None
    if str(point) != str(value).strip() or not 1 <= point <= SCALE_POINTS:
        raise _refuse(_("Choose a point from 1 to {max}."), q.key, max=SCALE_POINTS)
    return point


def _single(q: Question, value: Any) -> str:
    if not isinstance(value, str) or value not in q.option_keys():
        raise _refuse(_("Choose one of the options."), q.key)
    return value


def _multiple(q: Question, value: Any) -> list[str]:
    chosen = [value] if isinstance(value, str) else value
    if not isinstance(chosen, (list, tuple)) or not all(
        isinstance(c, str) for c in chosen
    ):
        raise _refuse(_("Choose among the options."), q.key)
    unknown = set(chosen) - set(q.option_keys())
    if unknown:
        raise _refuse(_("Choose among the options."), q.key)
    return [k for k in q.option_keys() if k in set(chosen)]


def _text(q: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise _refuse(_("Write a text."), q.key)
    text = value.strip()
    if len(text) > TEXT_MAX_CHARS:
        raise _refuse(
            _("An answer has at most {limit} characters."), q.key, limit=TEXT_MAX_CHARS
        )
    return text


_CLEAN: dict[str, Callable[[Question, Any], Answer]] = {
    QuestionKind.SCALE: _scale,
    QuestionKind.SINGLE: _single,
    QuestionKind.MULTIPLE: _multiple,
    QuestionKind.TEXT: _text,
}


def clean_answers(
    questions: Sequence[Question], raw: Mapping[str, Any]
) -> dict[str, Answer]:
    """Return the answer set to store, or raise a :class:`Refusal` naming the question."""
    known = {q.key for q in questions}
    extra = sorted(set(raw) - known)
    if extra:
        raise _refuse(
            _("{key} is not a question of this survey."), extra[0], key=extra[0]
        )
    out: dict[str, Answer] = {}
    for q in questions:
        value = raw.get(q.key)
        if not _empty(value):
            cleaned = _CLEAN[q.kind](q, value)
            if not _empty(cleaned):
                out[q.key] = cleaned
        if q.required and q.key not in out:
            raise _refuse(_("Answer this question."), q.key)
    return out
