"""What a cache may keep: nothing of a signed-in user's, the public pages as before."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty


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
