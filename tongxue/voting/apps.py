from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "tongxue.voting"
    label = "voting"
    verbose_name = _("Voting")

    def ready(self) -> None:
        # "My account" lists the open ballots without accounts importing voting (#13).
        from tongxue.accounts.selectors import PLACES
        from tongxue.voting.places import ballot_places

        PLACES.register(ballot_places)

        # What the elections service asks of the vote (#13: elections imports nothing
        # of voting).
        from tongxue.elections.hooks import BALLOT_IDS, COUNTS_SETTLED
        from tongxue.voting import selectors

        COUNTS_SETTLED.register(selectors.reconciled)
        BALLOT_IDS.register(selectors.ballot_ids)
