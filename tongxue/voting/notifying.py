"""Notifications of the vote (#14): it opened; it closes tomorrow and you have not voted.

Only what every voter on the roll may see: the election's title and its closing day,
never a ballot or who voted. Recipients are the voters on the roll who have an account
(a delegate without one is skipped); only an electronic vote notifies: a paper vote is
cast in the hall, with no ballot page to open. One query for the recipients and one
INSERT per 1,000 of them, however large the roll (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.elections.models import Election, ElectionStatus, VotingMode
from tongxue.notifications.reminders import remind_once
from tongxue.notifications.services import notify
from tongxue.voting.models import Participation, RollEntry

#: The closing of a vote whose meeting has no planned last day (a phrase: each reader
#: reads it in their language).
CLOSED_BY_PRESIDIUM = gettext_noop("the presidium closes the vote")
#: What a reminder names: the vote.
VOTE = gettext_noop("Vote: %(title)s")
#: The daily reminder (registered in VotingConfig.ready()).
REMINDER = "voting.remind-closing"


def _voters(election: Election) -> QuerySet[Any]:
    """The user ids of the voters on the roll who have an account."""
    return RollEntry.objects.filter(
        election=election, person__user__isnull=False
    ).values_list("person__user_id", flat=True)


def closes(election: Election) -> Any:
    """The vote's closing, as a notification value: the meeting's planned last day."""
    meeting = election.meeting
    if meeting is not None and meeting.closes is not None:
        return meeting.closes.isoformat()
    return [CLOSED_BY_PRESIDIUM, {}]


def vote_opened(election: Election) -> int:
    """Tell the voters on the roll that the vote is open (in the opening's transaction)."""
    if election.mode != VotingMode.ELECTRONIC:
        return 0
    return notify(
        "vote.opened",
        user_ids=_voters(election),
        params={"title": election.title, "closes": closes(election)},
        url=reverse("voting:ballot", args=[election.code]),
        organisation=election.organisation.code,
    )


def remind_closing_votes(job: Any = None, *, today: dt.date | None = None) -> int:
    """Remind, once, the voters who have not voted of each vote closing tomorrow.

    Daily periodic work: an open electronic vote whose meeting's planned last day is
    tomorrow (the site's time zone). Returns the number of reminders sent.
    """
    tomorrow = (today or timezone.localdate()) + dt.timedelta(days=1)
    elections = (
        Election.objects.filter(
            status=ElectionStatus.OPEN,
            mode=VotingMode.ELECTRONIC,
            meeting__closes=tomorrow,
        )
        .select_related("organisation")
        .order_by("pk")
    )
    sent = 0
    for election in elections:
        voted = Participation.objects.filter(election=election).values("voter_id")
        sent += remind_once(
            "deadline.approaching",
            key=f"vote:{election.code}:{tomorrow.isoformat()}",
            user_ids=_voters(election).exclude(person__user_id__in=voted),
            params={
                "what": [VOTE, {"title": election.title}],
                "due": tomorrow.isoformat(),
            },
            url=reverse("voting:ballot", args=[election.code]),
            organisation=election.organisation.code,
        )
    return sent
