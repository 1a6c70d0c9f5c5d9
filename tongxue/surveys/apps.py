from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "tongxue.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # The union evaluations' part of the audit's registry (TRN-2).
        from tongxue.organisations.mappers import REGISTRY_PARTS
        from tongxue.surveys import mappers

        REGISTRY_PARTS.register(mappers.registry_part)

        # Surveys to answer and to close on the home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.surveys.home import surveys_due

        HOME_ITEMS.register(surveys_due)

        # The union's page links to its surveys.
        from tongxue.organisations.views import DETAIL_CONTEXT
        from tongxue.surveys.views import organisation_context

        DETAIL_CONTEXT.register(organisation_context)

        # The notification kinds (survey.opened, survey.reminder, survey.published),
        # and once a day: remind those who have not answered of a survey ending.
        from datetime import timedelta

        from tongxue.jobs import periodic
        from tongxue.surveys.notifying import DAILY

        periodic.register(
            DAILY, timedelta(days=1), "tongxue.surveys.notifying.remind_ending"
        )
        # Every minute: count the new responses of the open surveys into their
        # partial tallies, so that the close counts only the last minute's (#18).
        periodic.register(
            "surveys.fold",
            timedelta(minutes=1),
            "tongxue.surveys.aggregation.fold_open",
        )
