"""Public pages of the site and sign-in (django.contrib.auth views, throttled by axes)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongxue.organisations.models import Organisation

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet, size: int = PAGE_SIZE) -> Page:  # type: ignore[type-arg]
    """Return the page of ``queryset`` named by ``?page=`` (the last one when too high)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def page_url(**params: str) -> str:
    """Return the query-string prefix pager links append ``page=N`` to."""
    kept = {k: v for k, v in params.items() if v}
    return "?" + (urlencode(kept) + "&" if kept else "")


def home(request: HttpRequest) -> HttpResponse:
    """Say what Tongxue is; search organisations by name or code, or list the roots."""
    q = request.GET.get("q", "").strip()[:100]
    orgs = Organisation.objects.only("code", "name", "kind")
    if q:
        orgs = orgs.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(name_en__icontains=q)
        )
    else:
        orgs = orgs.filter(parent__isnull=True)
    context = {"q": q, "page": paginate(request, orgs), "page_url": page_url(q=q)}
    template = "partials/_org_results.html" if request.htmx else "home.html"
    return render(request, template, context)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
