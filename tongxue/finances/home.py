"""The ledger on the user's home (我的): entries awaiting the user's approval (TRN-4).

A finance approver or League advisor sees, per union, how many submitted entries wait
for a decision that they may take (not those they entered or handle). One query.
:class:`~tongxue.finances.apps.FinancesConfig` registers :func:`approvals_due` on
:data:`tongxue.accounts.selectors.HOME_ITEMS` (accounts imports nothing of it).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from tongxue.accounts.selectors import HomeItem, organisations_with, within
from tongxue.core.permissions import Perm
from tongxue.finances.models import Entry, EntryKind, EntryStatus
from tongxue.finances.services import APPROVERS
from tongxue.organisations.models import Person

LIMIT = 20


def approvals_due(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    orgs = organisations_with(user, *APPROVERS)
    if not orgs:
        return []
    # Above its ledger's threshold an expenditure awaits the League advisor only (the
    # rule of ``domain.finance.approval_refusal``): a finance approver is not told of it.
    advised = organisations_with(user, Perm.GUIDE)
    decidable = within(advised, "ledger__union__path") | ~Q(
        kind=EntryKind.EXPENDITURE, amount__gt=F("ledger__advisor_threshold")
    )
    rows = (
        Entry.objects.filter(
            within(orgs, "ledger__union__path"),
            decidable,
            status=EntryStatus.SUBMITTED,
        )
        .exclude(Q(entered_by=user) | Q(handled_by=user))
        .order_by()
        .values("ledger__union__code", "ledger__union__name")
        .annotate(n=Count("pk"), since=Min("submitted_at"))
        .order_by("since")[:LIMIT]
    )
    return [
        HomeItem(
            kind="approve-entries",
            title=ngettext(
                "%(n)d ledger entry awaits your approval",
                "%(n)d ledger entries await your approval",
                r["n"],
            )
            % {"n": r["n"]},
            why=gettext(
                "You approve the spending of %(org)s: every entry is approved by "
                "someone other than who entered it or handles its money (TRN-4)."
            )
            % {"org": r["ledger__union__name"]},
            due=None,
            url=reverse("finances:queue", args=[r["ledger__union__code"]]),
            organisation_name=r["ledger__union__name"],
        )
        for r in rows
    ]
