from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongxue.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # System checks of the server's setup: a CJK font for the printed notices (#16).
        from tongxue.core import checks  # noqa: F401
