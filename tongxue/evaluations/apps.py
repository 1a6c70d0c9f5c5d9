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
