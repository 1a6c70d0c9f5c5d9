"""Guidance of a school-level union (GOV-1, GOV-2): its page, and its union's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.business import forms as bf
from tongxue.business import selectors, services
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation


@require_http_methods(["GET", "POST"])
def guidance(request: HttpRequest, code: str) -> HttpResponse:
    """The records of the Party committee hearing the union's reports and of the
    League committee's guidance (GOV-1, GOV-2), with the audit of both.

    Seen by the union's managers, cadres, the League's advisors and the Party's
    approvers (:data:`services.GUIDANCE_READERS`); the public records are also on the
    union's public page. Those who may record a kind (:data:`services.GUIDANCE_RECORDERS`)
    get the form.
    """
    org = get_or_404(code)
    if org.kind not in services.SCHOOL_LEVEL_UNION_KINDS:
        raise Http404(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    perms = perms_at(request.user, org.path)
    if not perms & set(services.GUIDANCE_READERS):
        raise PermissionDenied
    kinds = services.guidance_kinds_for(perms)
    form = None
    status = 200
    if request.method == "POST":
        if not kinds:
            raise PermissionDenied
        form = bf.GuidanceForm(request.POST, kinds=kinds, prefix="guidance")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_guidance(
                    actor=request.user,
                    union=org,
                    kind=d["kind"],
                    held=d["held"],
                    by=d["by"],
                    summary=d["summary"],
                    public=d["public"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The record was saved."))
                return redirect("business:guidance", code=code)
        status = 400
    elif kinds:
        form = bf.GuidanceForm(
            kinds=kinds,
            prefix="guidance",
            initial={"kind": kinds[0], "held": timezone.localdate()},
        )
    context = {
        "org": org,
        "page": paginate(request, selectors.guidance_records(org), 20),
        "page_url": page_url(),
        "form": form,
        "findings": selectors.union_findings(
            org, "GOV-1", "GOV-2", as_of=timezone.localdate()
        ),
    }
    return render(request, "business/guidance.html", context, status=status)


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """GOV-1, GOV-2: a school-level union's page shows its guidance marked public, and
    links readers of all of it to its page (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT` by ``BusinessConfig.ready()``)."""
    if org.kind not in services.SCHOOL_LEVEL_UNION_KINDS:
        return {}
    return {
        "public_guidance": selectors.public_guidance(org),
        "can_see_guidance": bool(perms & set(services.GUIDANCE_READERS)),
    }
