"""Candidate lists on the home (我的) of those who act on them (ELE-2).

The Party committee's approvers see the lists awaiting their approval; those who run
the election (the union's administrators) see the lists the Party committee returned
with comments, until they submit them again.
:class:`~tongxue.elections.apps.ElectionsConfig` registers :func:`lists_due` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (#13: accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.elections.models import Election, ElectionStatus, Step
from tongxue.organisations.models import Person

#: At most this many lists on the home.
LIMIT = 20
RETURNED = "returned"


def lists_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Lists to approve (``Perm.APPROVE``) and returned lists to revise
    (``Perm.RUN_ELECTION``), in the subtrees of the user's roles: one query, none
    without such a role."""
    approve = organisations_with(user, Perm.APPROVE)
    run = organisations_with(user, Perm.RUN_ELECTION)
    if not approve and not run:
        return []
    # The step that last sent the election back to nomination: "returned" when the
    # Party committee returned the list (not a reopening, not the creation).
    back = Step.objects.filter(
        election=OuterRef("pk"), to_status=ElectionStatus.NOMINATION
    ).order_by("-at", "-id")
    wanted = Q(pk__in=[])
    if approve:
        wanted |= Q(within(approve), status=ElectionStatus.VETTING)
    if run:
        wanted |= Q(within(run), status=ElectionStatus.NOMINATION, back=RETURNED)
    elections = (
        Election.objects.annotate(
            back=Subquery(back.values("action")[:1]),
            back_comment=Subquery(back.values("comment")[:1]),
        )
        .filter(wanted)
        .select_related("organisation")
        .order_by("created_at", "pk")[:LIMIT]
    )
    items = []
    for e in elections:
        url = reverse("elections:manage", args=[e.code])
        if e.status == ElectionStatus.VETTING:
            items.append(
                HomeItem(
                    kind="approve-list",
                    title=gettext("Approve the candidates of %(title)s")
                    % {"title": e.title},
                    why=gettext(
                        "The candidate list was submitted: the Party committee "
                        "approves it or returns it with comments (ELE-2)."
                    ),
                    due=None,
                    url=url,
                    organisation_name=e.organisation.name,
                )
            )
        else:
            items.append(
                HomeItem(
                    kind="returned-list",
                    title=gettext("Candidate list returned: %(title)s")
                    % {"title": e.title},
                    why=gettext(
                        "The Party committee returned the list with comments: "
                        "“%(comment)s”. Revise it and submit it again (ELE-2)."
                    )
                    % {"comment": e.back_comment},
                    due=None,
                    url=url,
                    organisation_name=e.organisation.name,
                )
            )
    return items
