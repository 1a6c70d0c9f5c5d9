"""Student clubs and their activities, guided with the League (ORG-14 · GS-6, GS-14,
CQ-1, CQ-9), mounted at /clubs/ (#18)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClubsConfig(AppConfig):
    name = "tongxue.clubs"
    label = "clubs"
    verbose_name = _("Student clubs")

    def ready(self) -> None:
        # The clubs' part of the audit's registry (ORG-14); importing notifying
        # registers the activities' notification kinds.
        from tongxue.clubs import (
            mappers,
            notifying,  # noqa: F401
        )
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # The union's page links to its clubs.
        from tongxue.clubs.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)

        # Activities awaiting the League advisor's review on their home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.clubs.home import reviews_due

        HOME_ITEMS.register(reviews_due)
