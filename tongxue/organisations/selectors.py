"""Read the organisation registry (ORG-1): lookups, subtrees and current positions.

Each selector runs a fixed number of queries, whatever the size of the subtree.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongxue.organisations.mappers import subtree_filter
from tongxue.organisations.models import Organisation, Position


def get_organisation(*, code: str) -> Organisation:
    """Return the organisation with ``code`` (raises ``Organisation.DoesNotExist``)."""
    return Organisation.objects.select_related("parent").get(code=code)


def subtree(*, root: Organisation) -> QuerySet[Organisation]:
    """Return ``root`` and every organisation below it, in tree order."""
    return Organisation.objects.filter(subtree_filter(root.code)).order_by("path")


def ancestors(*, organisation: Organisation) -> list[Organisation]:
    """Return the organisations above ``organisation``, root first (one query)."""
    codes = [c for c in organisation.path.split("/") if c and c != organisation.code]
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def current_positions(
    *, organisation: Organisation, as_of: date | None = None
) -> QuerySet[Position]:
    """Return the positions of ``organisation`` active on ``as_of`` (today by default)."""
    day = as_of or timezone.localdate()
    return (
        Position.objects.filter(organisation=organisation, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .order_by("role", "start", "person__ident")
    )
