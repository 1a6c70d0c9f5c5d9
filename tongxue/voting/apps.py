from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "tongxue.voting"
    label = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        # The home (我的) lists the open votes without accounts importing voting (#13).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.voting.home import open_votes

        HOME_ITEMS.register(open_votes)

        # What the elections service asks of the vote (#13: elections imports nothing
        # of voting).
        from tongxue.elections.hooks import BALLOT_IDS, COUNTS_SETTLED
        from tongxue.voting import selectors

        COUNTS_SETTLED.register(selectors.reconciled)
        BALLOT_IDS.register(selectors.ballot_ids)

        # Once a day: remind those who have not voted of a vote closing tomorrow (#14).
        from datetime import timedelta

        from tongxue.jobs import periodic
        from tongxue.voting.notifying import REMINDER

        periodic.register(
            REMINDER, timedelta(days=1), "tongxue.voting.notifying.remind_closing_votes"
        )
