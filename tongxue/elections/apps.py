from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "tongxue.elections"
    label = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        # The elections' part of the registry (#13).
        from tongxue.elections import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # Candidate lists to approve or revise on the home (我的), #14.
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.elections.home import lists_due

        HOME_ITEMS.register(lists_due)

        # The kinds of notification the elections send (#14).
        from tongxue.elections import notifying  # noqa: F401
