"""The inbox (/inbox/) and the notification settings (/inbox/settings/).

A user sees and marks only their own notifications: another user's number answers 404,
the same as a number that does not exist. Opening an item's link marks it read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxue.core.view_helpers import page_url, paginate
from tongxue.notifications import selectors, services
from tongxue.notifications.forms import PageForm, PreferenceForm
from tongxue.notifications.kinds import render as render_text


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, the unread marked."""
    page = paginate(request, selectors.inbox(request.user))
    for n in page.object_list:
        n.title, n.body = render_text(n.kind, n.params)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "page_url": page_url()},
    )


def _back(request: HttpRequest) -> HttpResponse:
    form = PageForm(request.POST)
    page = form.cleaned_data.get("page") if form.is_valid() else None
    url = reverse("notifications:inbox")
    return redirect(f"{url}?page={page}" if page and page > 1 else url)


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read (the user's own; another's is 404)."""
    if not services.mark_read(request.user, pk):
        raise Http404
    return _back(request)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark every unread notification of the user read."""
    count = services.mark_all_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked read.",
            "%(count)s notifications marked read.",
            count,
        )
        % {"count": count},
    )
    return _back(request)


@login_required
@require_GET
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read."""
    notification = services.open_notification(request.user, pk)
    if notification is None:
        raise Http404
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Choose how to hear of notifications besides the inbox."""
    current = selectors.preference_of(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.save_preferences(
                request.user,
                email=data["email"],
                daily_digest=data["daily_digest"],
                channels=data.get("channels") or [],
                language=translation.get_language() or "",
            )
            messages.success(request, gettext("Your notification settings are saved."))
            return redirect("notifications:settings")
    else:
        form = PreferenceForm(
            initial={
                "email": current.email,
                "daily_digest": current.daily_digest,
                "channels": current.channels,
            }
        )
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "address": request.user.email},
    )
