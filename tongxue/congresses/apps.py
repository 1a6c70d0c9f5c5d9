from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressesConfig(AppConfig):
    name = "tongxue.congresses"
    label = "congresses"
    verbose_name = _("Congresses")

    def ready(self) -> None:
        # The roles page offers to invite a congress's delegates without accounts
        # importing congresses (#13).
        from tongxue.accounts.selectors import CONGRESSES
        from tongxue.congresses.invitations import invitable_congresses

        CONGRESSES.register(invitable_congresses)

        # The delegate's congresses and the congresses due on the home (我的), #14.
        from tongxue.accounts.selectors import HOME_ITEMS
        from tongxue.congresses.home import congress_items

        HOME_ITEMS.register(congress_items)

        # The congresses' part of the registry (#13: organisations imports no app
        # above it).
        from tongxue.congresses import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # Its newest meetings on an organisation's page.
        from tongxue.congresses.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)
