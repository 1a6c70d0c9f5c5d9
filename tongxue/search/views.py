"""The search page, ``/search/?q=`` (#16): every kind's first hits, or one kind's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongxue.core.view_helpers import page_url, paginate
from tongxue.search import selectors


def search(request: HttpRequest) -> HttpResponse:
    """Search organisations, public people, notices and elections by name.

    ``?q=`` the words; ``?kind=`` one kind's results, paginated (``?page=``). Without a
    query it shows the box and what can be found. One query per kind (a kind's page:
    its count and its page).
    """
    query = selectors.parse(request.GET.get("q", ""))
    kind = selectors.BY_KEY.get(request.GET.get("kind", ""))
    context: dict[str, object] = {"q": query.text, "kinds": selectors.KINDS}
    if query and kind is not None:
        page = paginate(request, kind.rows(query))
        context |= {
            "kind": kind,
            "page": page,
            "hits": selectors.hits(kind, page.object_list),
            "page_url": page_url(q=query.text, kind=kind.key),
        }
    else:
        context["groups"] = selectors.search(query)
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context)
