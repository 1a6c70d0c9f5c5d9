"""What the views of every app share: a page of a list, a refusal on a form, permissions.

The views of the feature apps import these from here, below them (#13), never from
another app's views. The organisation named in a URL (``get_or_404``) belongs to the
registry: :mod:`tongxue.organisations.http`. The form partials every app includes are
``partials/_field.html`` and ``partials/_form_errors.html`` (core's templates).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import GRANTS, Perm, roles_at
from tongxue.domain.requirements import REQUIREMENTS

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet, size: int = PAGE_SIZE) -> Page:  # type: ignore[type-arg]
    """Return the page of ``queryset`` named by ``?page=`` (the last one when too high)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def page_url(**params: str) -> str:
    """Return the query-string prefix pager links append ``page=N`` to."""
    kept = {k: v for k, v in params.items() if v}
    return "?" + (urlencode(kept) + "&" if kept else "")


def add_refusal(form: forms.Form, refusal: Refusal) -> None:
    """Show a service refusal on its field, else above the form, with its clauses."""
    visible = {n for n, f in form.fields.items() if not f.widget.is_hidden}
    field = refusal.field if refusal.field in visible else None
    text = render_message(refusal.message)
    if refusal.requirement:
        text = gettext("%(message)s (%(requirement)s · %(clauses)s)") % {
            "message": text,
            "requirement": refusal.requirement,
            "clauses": ", ".join(refusal.clauses),
        }
        # the plan's own words and what to do instead, as a finding shows them
        requirement = REQUIREMENTS.get(refusal.requirement)
        quotes = requirement.quotes_of(refusal.clauses) if requirement else {}
        if quotes:
            text += " " + gettext("The plan: %(quote)s") % {
                "quote": " / ".join(f"「{q}」" for q in quotes.values())
            }
        if refusal.remedy:
            text += " " + gettext("What to do: %(remedy)s") % {
                "remedy": gettext(refusal.remedy)
            }
    form.add_error(field, text)


def perms_at(user: Any, path: str) -> set[Perm]:
    """Return every permission the user holds at the organisation with ``path`` (one query)."""
    if getattr(user, "is_superuser", False):
        return set(Perm)
    return {p for r in roles_at(user, path) for p in GRANTS.get(r, frozenset())}
