"""The server-error page (500) in the site's layout and the reader's language.

Django's own handler renders ``500.html`` without a request. This one does the same
through the template engine without context processors (no user, session or unread
count: the database may be what failed), and falls back to a page built here if even
that template cannot be rendered. 403 and 404 use Django's handlers with
``403.html`` / ``404.html`` (core/templates), which extend ``base.html``.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language, gettext

logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """Render ``500.html`` with a context that reads nothing from the database."""
    try:
        # A plain dict and no ``request=``: the context processors do not run.
        html = render_to_string("500.html", {"request": request})
    except Exception:  # the error page must not fail in turn
        logger.exception("500.html could not be rendered")
        html = _bare_page()
    return HttpResponseServerError(html)


def _bare_page() -> str:
    lang = "zh-Hans" if (get_language() or "").startswith("zh") else "en"
    title = escape(gettext("Server error"))
    text = escape(
        gettext(
            "Something went wrong on our side and the page could not be shown. The "
            "error has been recorded for the site's operators; please try again in a "
            "few minutes."
        )
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{title} · 同学 Tongxue</title></head>"
        f'<body><h1>{title}</h1><p>{text}</p><p><a href="/">同学 Tongxue</a></p>'
        "</body></html>"
    )
