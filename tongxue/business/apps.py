from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BusinessConfig(AppConfig):
    name = "tongxue.business"
    label = "business"
    verbose_name = _("Congress business and the standing conference")

    def ready(self) -> None:
        # The business part of the registry and its columns of the meetings (#13).
        from tongxue.business import mappers
        from tongxue.congresses.mappers import MEETING_COLUMNS
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)
        MEETING_COLUMNS.register(mappers.MEETING_BUSINESS)

        # The guidance marked public on a school-level union's page (GOV-1, GOV-2).
        from tongxue.business.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)
