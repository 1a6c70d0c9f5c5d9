"""A union's ledger, approvals and disclosure (TRN-4, GS-14, CQ-9), mounted at /finances/ (#18)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancesConfig(AppConfig):
    name = "tongxue.finances"
    label = "finances"
    verbose_name = _("Finances")

    def ready(self) -> None:
        # The finance part of the audit's registry (TRN-4); importing notifying
        # registers the ledger's notification kinds.
        from tongxue.finances import (
            mappers,
            notifying,  # noqa: F401
        )
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # The union's page links to its finances (the public page of the terms).
        from tongxue.finances.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)

        # Entries awaiting the user's approval on their home (我的).
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.finances.home import approvals_due

        HOME_ITEMS.register(approvals_due)
