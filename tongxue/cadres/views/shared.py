"""Helpers shared by the cadre pages: refusals as messages and statuses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tongxue.core.errors import Refusal, form_errors_text, refuse, render_message


def _errors(refusal: Refusal) -> str:
    text = render_message(refusal.message)
    if refusal.requirement:
        text = f"{text} ({refusal.citation})"
    return text


def _status(refusal: Refusal) -> int:
    return 403 if refusal.code == "forbidden" else 400


def _form_refusal(form: Any) -> Refusal:
    """A refusal carrying a parse form's errors, each naming its field."""
    return refuse("invalid", "{errors}", errors=form_errors_text(form))


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)
