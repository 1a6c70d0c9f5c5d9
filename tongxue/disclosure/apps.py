from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "tongxue.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self) -> None:
        # The disclosure part of the audit's registry (TRN-1, TRN-5).
        from tongxue.disclosure import mappers
        from tongxue.organisations.mappers import REGISTRY_PARTS

        REGISTRY_PARTS.register(mappers.registry_part)

        # The union's page links to its public page.
        from tongxue.disclosure.views import organisation_context
        from tongxue.organisations.views import DETAIL_CONTEXT

        DETAIL_CONTEXT.register(organisation_context)

        # The notification kinds of the public page.
        from tongxue.disclosure import notifying  # noqa: F401
