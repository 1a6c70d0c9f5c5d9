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
