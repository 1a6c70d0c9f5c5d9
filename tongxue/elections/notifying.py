"""Notifications of the elections (#14): a candidate list returned for revision.

When the Party committee returns a candidate list with comments (ELE-2), the union
administrators of the election's union (``union_admin`` there: they run the election
and submit the list again) are told, with the link to the election's dashboard. The
notification names the election only; the comments are on the dashboard, for those
allowed to see them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.elections.models import Election
from tongxue.notifications.kinds import register
from tongxue.notifications.services import notify

#: A candidate list was returned to those who run the election. params: title.
LIST_RETURNED = register(
    "election.list_returned",
    title=_("Candidate list returned: %(title)s"),
    body=_(
        "The Party committee returned the list with comments. Revise it and submit "
        "it again (ELE-2)."
    ),
)


def list_returned(election: Election) -> int:
    """Tell the union administrators of the election's union (in the return's
    transaction)."""
    admins = RoleAssignment.objects.filter(
        organisation_id=election.organisation_id, role=RoleKind.UNION_ADMIN
    ).values_list("user_id", flat=True)
    return notify(
        LIST_RETURNED.name,
        user_ids=admins,
        params={"title": election.title},
        url=reverse("elections:manage", args=[election.code]),
        organisation=election.organisation.code,
    )
