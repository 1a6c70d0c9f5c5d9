"""Public pages of the organisation registry (ORG-1): browse the tree, see one organisation.

Only public data is shown: names, kinds, students served, and the main cadres' titles,
names and public contacts (CAD-2 · GS-12, CQ-7). No student numbers, no full rosters.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tongxue.core.views import page_url, paginate
from tongxue.organisations import selectors
from tongxue.organisations.models import Organisation, Role

#: Positions whose holders' names and public contacts are published (CAD-2).
MAIN_CADRE_ROLES = (Role.PRESIDENT, Role.VICE_PRESIDENT, Role.SECRETARY_GENERAL)


def get_or_404(code: str) -> Organisation:
    """Return the organisation ``code`` with its parent, or raise Http404."""
    try:
        return selectors.get_organisation(code=code)
    except Organisation.DoesNotExist:
        raise Http404(code) from None


def children_page(request: HttpRequest, parent: Organisation | None):  # type: ignore[no-untyped-def]
    orgs = Organisation.objects.only("code", "name", "kind").filter(parent=parent)
    return paginate(request, orgs)


def browse(request: HttpRequest) -> HttpResponse:
    """List the top-level organisations (federations, or schools without one)."""
    context = {"page": children_page(request, None), "page_url": page_url()}
    template = (
        "partials/_org_list.html" if request.htmx else "organisations/browse.html"
    )
    return render(request, template, context)


def detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show an organisation: kind, place in the tree, main cadres and its children."""
    org = get_or_404(code)
    page = children_page(request, org)
    if request.htmx and request.GET.get("page"):
        return render(
            request, "partials/_org_list.html", {"page": page, "page_url": page_url()}
        )
    cadres = [
        p
        for p in selectors.current_positions(organisation=org).only(
            "role", "title", "public_contact", "start", "person__name"
        )
        if p.role in MAIN_CADRE_ROLES
    ]
    order = {r: i for i, r in enumerate(MAIN_CADRE_ROLES)}
    cadres.sort(key=lambda p: order[p.role])
    context = {
        "org": org,
        "ancestors": selectors.ancestors(organisation=org),
        "cadres": cadres,
        "page": page,
        "page_url": page_url(),
    }
    return render(request, "organisations/detail.html", context)
