"""Chinese first (the site speaks zh-hans unless the user chose English with the switch);
malformed input refused with a 400 before it reaches a view."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop


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


#: Characters no page or endpoint accepts: PostgreSQL refuses NUL in text, and a lone
#: surrogate cannot be encoded back to UTF-8 by the database driver or the templates.
_FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
BAD_INPUT = gettext_noop(
    "The request contains a character that is not allowed (a NUL byte or "
    "invalid UTF-8). Check the address or the form and try again."
)


def malformed(raw: bytes) -> bool:
    """Return whether percent-decoded ``raw`` holds a NUL byte or is not UTF-8.

    Python's UTF-8 codec refuses encoded surrogates (``%ED%A0%80``), overlong forms and
    stray continuation bytes, so one strict decode covers every invalid sequence.
    """
    data = unquote_to_bytes(raw) if b"%" in raw else raw
    return b"\x00" in data or not _utf8(data)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def bad_string(value: str) -> bool:
    """Return whether ``value`` holds a NUL or a lone surrogate (from a JSON escape)."""
    if "\x00" in value:
        return True
    if value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class RejectMalformedInputMiddleware:
    """Answer 400 for a NUL byte in the path, or a NUL byte or invalid UTF-8 in the query
    or form data.

    Without this, ``/org/X%00/`` or ``?q=%00`` reached a query and PostgreSQL raised an
    error (a 500). Django itself replaces invalid UTF-8 in the query and in form fields by
    U+FFFD (those are refused here, so that no view works on a string the sender did not
    write) and re-quotes it in the path (left to the URL resolver: a 404). Pages get a translated 400 page, the API
    (``/api/``) ``{code, message}`` as its other refusals. Multipart fields are checked
    for NUL after Django's parsing (their invalid UTF-8 is already replaced), so uploads
    are not read twice. JSON bodies are checked by the API's parser
    (:class:`tongxue.api.api.StrictJSONParser`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._malformed(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _malformed(request: HttpRequest) -> bool:
        # Django has decoded the path already, re-quoting invalid UTF-8 (the view sees
        # the text "%ED%A0%80", which names nothing: a 404); only a NUL is left to find.
        if bad_string(request.path_info):
            return True
        # The query string is as sent: percent-encoded, in latin-1 text under WSGI.
        meta = request.META
        query = meta.get("QUERY_STRING", "")
        if query and malformed(query.encode("latin-1", "replace")):
            return True
        if request.method != "POST":
            return False
        content_type = request.content_type
        if content_type == _FORM_CONTENT_TYPE:
            return malformed(request.body)
        if content_type == "multipart/form-data":
            return any(
                bad_string(key) or any(bad_string(v) for v in values)
                for key, values in request.POST.lists()
            )
        return False


class DropMalformedCookiesMiddleware:
    """Forget a cookie whose name or value holds a NUL or a lone surrogate.

    Django decodes a quoted cookie's octal escapes (``sessionid="…\\000"``), and the
    session middleware looked that key up in the database: on PostgreSQL a 500 for an
    anonymous sender. No session key, CSRF token or language code contains these
    characters, so such a cookie is treated as absent (a new session, a new token),
    not refused: a browser left with a corrupt cookie still gets the page. Placed
    before ``SessionMiddleware``, which reads the cookies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        for name in [k for k, v in cookies.items() if bad_string(k) or bad_string(v)]:
            del cookies[name]
        return self.get_response(request)


def bad_request(request: HttpRequest) -> HttpResponse:
    """Return the 400 answer: JSON under /api/, else the translated page."""
    message = gettext(BAD_INPUT)
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "bad-request", "message": message}, status=400)
    return render(request, "bad_request.html", {"message": message}, status=400)
