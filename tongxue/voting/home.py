"""The open votes on the user's home (我的): ballots they may cast and have not cast.

:class:`~tongxue.voting.apps.VotingConfig` registers :func:`open_votes` on
:data:`tongxue.accounts.selectors.HOME_ITEMS`: accounts, below voting, imports nothing
of it (#13).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext

from tongxue.accounts.selectors import HomeItem
from tongxue.elections.models import ElectionStatus, VotingMode
from tongxue.organisations.models import Person
from tongxue.voting.models import Participation, RollEntry

#: At most this many open votes on the home.
LIMIT = 20


def open_votes(
    user: AbstractBaseUser, person: Person | None, now: datetime
) -> list[HomeItem]:
    """Each open electronic vote whose roll has the person and who has not voted.

    One query, and none for a person without a delegate seat: the roll is the
    electing meeting's delegates (ELE-1), so only a delegate is on one. The vote has
    no closing time of its own (the presidium closes it during the session): the item
    is urgent, due by the meeting's planned last day when there is one. One tap opens
    the ballot (``/vote/<code>/``).
    """
    if person is None or not person.delegate_seats.all():
        return []
    voted = Participation.objects.filter(election=OuterRef("election"), voter=user)
    rows = (
        RollEntry.objects.filter(
            person=person,
            election__status=ElectionStatus.OPEN,
            election__mode=VotingMode.ELECTRONIC,
        )
        .filter(~Exists(voted))
        .select_related("election__organisation", "election__meeting")
        .only(
            "election__code",
            "election__title",
            "election__organisation__name",
            "election__meeting__closes",
            "election__meeting__opened",
        )
        .order_by("election__opened_at", "election_id")[:LIMIT]
    )
    items = []
    for row in rows:
        election = row.election
        meeting = election.meeting
        items.append(
            HomeItem(
                kind="vote",
                title=gettext("Vote: %(title)s") % {"title": election.title},
                why=gettext(
                    "You are on the voter roll and the vote is open; you have not "
                    "voted yet. The presidium closes it during the session."
                ),
                due=meeting.closes if meeting is not None else None,
                url=reverse("voting:ballot", args=[election.code]),
                organisation_name=election.organisation.name,
                urgent=True,
            )
        )
    return items
