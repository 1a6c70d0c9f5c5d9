from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "tongxue.advocacy"
    label = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self) -> None:
        # The advocacy part of the audit's registry (RGT-2, RGT-3, RGT-4).
        from tongxue.advocacy import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # The union's page links to its legal aid, meetings and participation.
        from tongxue.advocacy.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)
