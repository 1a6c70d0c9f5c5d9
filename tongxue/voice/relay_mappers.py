"""What the audit reads of the relay's reach (RGT-6 · GS-一(三), CQ-一(三)).

:func:`reachable` fills :attr:`tongxue.domain.model.Registry.reachable` (through the
voice app's part of the registry, :func:`tongxue.voice.mappers.registry_part`): the
people among the subtree's delegates (of any meeting) and post holders who have a
contact route, an active account linked to them — the relay delivers to their Tongxue
inbox. One query (a ``UNION`` of the two), whatever the number of people; ids only,
never an account. Which of them are the union's current delegates and cadres is the
rule's to say (:mod:`tongxue.domain.rights.representatives`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tongxue.congresses.models import Delegate
from tongxue.core.models import RoleAssignment
from tongxue.organisations.mappers import Scope
from tongxue.organisations.models import Position


def reachable(scope: Scope) -> frozenset[str]:
    """The ids of the subtree's delegates and post holders with an active account."""
    return frozenset(ident for (ident,) in scope.rows(_reachable_rows))


def _reachable_rows(scope: Scope) -> QuerySet[Any]:
    delegates = (
        Delegate.objects.filter(
            scope.under("meeting__organisation__"), person__user__is_active=True
        )
        .order_by()
        .values_list("person__ident")
    )
    holders = (
        Position.objects.filter(
            scope.under("organisation__"), person__user__is_active=True
        )
        .order_by()
        .values_list("person__ident")
    )
    return delegates.union(holders)


def role_holders(scope: Scope) -> frozenset[str]:
    """The codes of the subtree's organisations where someone holds a role (one
    query): a school-level union with none at it or below is not run on Tongxue, and
    RGT-6 does not judge it (:func:`tongxue.domain.rights.representatives.online_unions`)."""
    return frozenset(
        scope.rows(
            lambda s: (
                RoleAssignment.objects.filter(s.under("organisation__"))
                .order_by()
                .values_list("organisation__code", flat=True)
                .distinct()
            )
        )
    )
