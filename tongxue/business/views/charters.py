"""A union's charter in force and its history (public; CON-7)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.congresses.models import Meeting
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.http import get_or_404


@require_http_methods(["GET", "POST"])
def charter(request: HttpRequest, code: str) -> HttpResponse:
    """Show a union's charter in force and its history (public)."""
    org = get_or_404(code)
    can_manage = has_perm(request.user, Perm.MANAGE, org.path)
    history = selectors.charter_history(org)
    form = None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = bf.RecordCharterForm(request.POST, prefix="charter")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_charter(
                    actor=request.user,
                    union=org,
                    text=d["text"],
                    adopted_on=d["adopted_on"],
                    note=d["note"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The charter was recorded."))
                return redirect("business:charter", code=code)
        status = 400
    elif can_manage and not history:
        form = bf.RecordCharterForm(prefix="charter")
    context = {
        "org": org,
        "current": history[0] if history else None,
        "history": history,
        "form": form,
        "can_manage": can_manage,
        "meetings": list(
            Meeting.objects.filter(organisation=org).order_by("-opened")[:10]
        ),
    }
    return render(request, "business/charter.html", context, status=status)


def charter_version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Show one earlier version of the charter (public)."""
    org = get_or_404(code)
    history = selectors.charter_history(org)
    version = next((v for v in history if v.number == number), None)
    if version is None:
        raise Http404(number)
    older = next((v for v in history if v.number == number - 1), None)
    rows = selectors.diff_rows(older.text if older else "", version.text)
    context = {"org": org, "version": version, "older": older, "rows": rows}
    return render(request, "business/charter_version.html", context)
