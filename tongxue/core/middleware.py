"""Chinese first: the site speaks zh-hans unless the user chose English with the switch."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    """Ignore the browser's Accept-Language so that ``LANGUAGE_CODE`` (zh-hans) is the default.

    Many students' phones and lab browsers send ``en-US``; the plans' users expect
    Chinese. The language switch stores the choice in Django's language cookie, which
    ``LocaleMiddleware`` (placed after this) still honours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
