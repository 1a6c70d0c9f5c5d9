"""What the concern pages share: the concern named in a URL, refusals, who may act."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tongxue.core.errors import Refusal, render_message
from tongxue.voice import access, throttle
from tongxue.voice.models import Concern


def concern_or_404(union_code: str, number: int) -> Concern:
    """The concern ``number`` of the union ``union_code``, with what its pages show."""
    return get_object_or_404(
        Concern.objects.select_related("union", "category", "handler", "merged_into"),
        union__code=union_code,
        number=number,
    )


def refusal_text(refusal: Refusal) -> str:
    text = render_message(refusal.message)
    if refusal.requirement:
        text = f"{text} ({refusal.citation})"
    return text


def signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def login_or_403(request: HttpRequest) -> HttpResponse:
    """Ask a visitor to sign in; a signed-in user without the right gets 403."""
    if not signed_in(request):
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def login_or_404(request: HttpRequest) -> HttpResponse:
    """Ask a visitor to sign in; a signed-in user who may not see it gets 404 (a
    private concern's existence is not told)."""
    if not signed_in(request):
        return redirect_to_login(request.get_full_path())
    raise Http404("concern")


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def concern_by_code(code: str) -> Concern | None:
    """The anonymous concern whose follow-up code is ``code`` (by its hash), or None."""
    if not access.normalise_code(code):
        return None
    return (
        Concern.objects.select_related("union", "category", "handler", "merged_into")
        .filter(tracking_hash=access.hash_code(code))
        .first()
    )


def throttled(request: HttpRequest, wait: int) -> HttpResponse:
    """Too many wrong follow-up codes from this client: the track page says when to
    try again (429; :mod:`tongxue.voice.throttle`)."""
    from tongxue.voice.forms import TrackForm

    response = render(
        request,
        "voice/track.html",
        {"form": TrackForm(), "concern": None, "throttled": throttle.minutes(wait)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return no_store(response)
