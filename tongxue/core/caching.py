"""What a cache may keep: nothing of a signed-in user's, the public pages as before;
the pages kept once for every anonymous reader (:func:`kept_for_anonymous`)."""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty
from django.utils.translation import get_language


def signed_in(request: HttpRequest) -> bool:
    """Return whether the request may come from a signed-in user, reading nothing.

    Without a session cookie nobody is signed in. With one, the user decides when the
    page already loaded it (every page with the site's header does); when nothing
    loaded it (the cast endpoint reads neither session nor user, by design), the
    answer is treated as private rather than spending two queries to find out.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):
        return True
    return bool(user.is_authenticated)


class PrivateCacheMiddleware:
    """Send ``Cache-Control: private, no-store`` with every answer to a signed-in user.

    What a signed-in user receives may hold private data: the delegate list with
    student numbers, the snapshot export and the compliance workbook, invitation
    sheets and links, roles, the audit log, the import's error lists. ``private`` keeps
    it out of shared caches (a proxy, a campus gateway), ``no-store`` out of the
    browser's disk cache (lab and library computers are shared). Doing it here covers
    every such page and export at once, including those added later.

    Answers to requests without a signed-in user are left as they were: the public
    pages, the bulletin board and its ``board.csv`` stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


# -- pages rendered once for every anonymous reader (#15) ---------------------------------

#: What a page kept for anonymous readers holds where each reader's CSRF token goes (the
#: language switch's form and htmx's header): replaced by the reader's own token when
#: the page is served.
CSRF_PLACEHOLDER = "tongxue-csrf-token-of-the-reader"

#: How long a kept page may be served at most, in seconds. Its key changes with what it
#: shows (the caller's version), so this only bounds what the version does not cover.
PAGE_SECONDS = 10 * 60


def anonymous(request: HttpRequest) -> bool:
    """Whether the request surely comes from nobody signed in and carries nothing a page
    shows of its own, reading nothing: no session cookie (no user, no session
    messages) and no messages cookie. A reader with a session, signed in or not, is
    never served a kept page nor has one kept for others."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


@functools.cache
def code_version() -> str:
    """The running code's templates, translations and static files, as a short hash: a
    kept page of an earlier release (its texts, the hashed names of its style sheet and
    scripts) is not served by a later one. Read once per process (the newest
    modification time and the number of those files in the package)."""
    root = Path(__file__).resolve().parent.parent
    newest, count = 0.0, 0
    patterns = ("*/templates/**/*.html", "locale/*/LC_MESSAGES/*.mo", "*/static/**/*")
    for pattern in patterns:
        for file in root.glob(pattern):
            newest = max(newest, file.stat().st_mtime)
            count += 1
    return hashlib.sha256(f"{newest}:{count}".encode()).hexdigest()[:12]


def page_key(
    request: HttpRequest, version: str, params: Sequence[str] | None = None
) -> str:
    """The cache key of the page ``request`` asks for, as an anonymous reader sees it:
    the path with the query string, the language, the part of the page htmx asks for,
    the caller's ``version`` of what the page shows and the code's.

    ``params``: the query parameters the page reads; then only their first values
    make the key (in this order), so that ``?x=1``, ``?x=2`` … or a share link's
    ``?from=timeline`` find the page kept for the same filters instead of rendering
    it again (#15). None: the whole query string as sent."""
    if params is None:
        query = request.META.get("QUERY_STRING", "")
    else:
        query = urlencode([(name, request.GET.get(name, "")[:200]) for name in params])
    parts = (
        request.path,
        query,
        get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        version,
        code_version(),
    )
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()
    return f"tongxue:page:{digest}"


def kept_for_anonymous(
    request: HttpRequest,
    version: str | None,
    render: Callable[[dict[str, Any]], HttpResponse],
    *,
    timeout: int = PAGE_SECONDS,
    params: Sequence[str] | None = None,
) -> HttpResponse:
    """Serve an anonymous reader the page kept for ``version``, or render and keep it.

    ``render(extra)`` renders the page with ``extra`` added to its template context
    (the CSRF placeholder, :data:`CSRF_PLACEHOLDER`); a response it marks
    ``response.keep = False`` (or that is not a plain 200, or sets a cookie) is served
    but not kept. ``version`` None, or a reader who is not surely anonymous
    (:func:`anonymous`), renders the page as usual and keeps nothing. The page is kept
    compressed; each reader gets their own CSRF token in it (and the cookie, as for any
    page that shows one). ``params``: the query parameters the page reads
    (:func:`page_key`); a page that reads others, or echoes the query string, passes
    None.
    """
    if version is None or not anonymous(request):
        return render({})
    key = page_key(request, version, params)
    kept = cache.get(key)
    if kept is not None:
        content_type, body = kept
        response = HttpResponse(zlib.decompress(body), content_type=content_type)
    else:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        if (
            getattr(response, "keep", True)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            body = zlib.compress(response.content, 6)
            cache.set(key, (response["Content-Type"], body), timeout)
    if not response.streaming:
        token = get_token(request).encode("ascii")
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode("ascii"), token
        )
    return response
