from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "tongxue.evaluations"
    label = "evaluations"
    verbose_name = _("Evaluations and work reports")

    def ready(self) -> None:
        # The evaluations' part of the registry (#13).
        from tongxue.evaluations import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # Ratings to give and 述职 to file on the home (我的), #14.
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.evaluations.home import evaluations_due

        HOME_ITEMS.register(evaluations_due)

        # Once a day: remind the raters who have not finished of a period ending (#14).
        from datetime import timedelta

        from tongxue.evaluations.notifying import REMINDER
        from tongxue.jobs import periodic

        periodic.register(
            REMINDER,
            timedelta(days=1),
            "tongxue.evaluations.notifying.remind_ending_periods",
        )
